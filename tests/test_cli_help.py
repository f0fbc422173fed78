"""``--help`` in plain words: no verb shows the reST markup its docstring is written in for
the docs site (``literals``, ``::`` markers, ``:meth:`` roles)."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys

import pytest

from revcycle.cli import build_parser, main
from revcycle.cli._plain import plain_help


_MARKUP = re.compile(r"``|::|:[a-z]+:`|`")


def _verbs() -> list[str]:
    parser = build_parser()
    (subparsers,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(subparsers.choices)


def test_every_verb_is_covered() -> None:
    verbs = _verbs()
    assert {"aging", "amend", "arr", "contract", "demo", "price", "prorate", "terms"} <= set(verbs)


@pytest.mark.parametrize("verb", _verbs())
def test_a_verbs_help_has_no_markup(verb: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([verb, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: revcycle {verb}")
    assert _MARKUP.findall(out) == []


def test_the_top_level_help_has_no_markup(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert _MARKUP.findall(capsys.readouterr().out) == []


def test_terms_help_from_the_shell_reads_as_text() -> None:
    # The example: ``revcycle terms --help`` printed ``revcycle terms``, ``::`` and
    # :meth:`revcycle.terms.PaymentTerms.parse`.
    result = subprocess.run(
        [sys.executable, "-m", "revcycle", "terms", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "\nrevcycle terms: the payment schedule of an invoice" in result.stdout
    assert "parsed with revcycle.terms.PaymentTerms.parse." in result.stdout
    assert "The JSON output is the PaymentSchedule" in result.stdout
    assert '    revcycle terms "2/10 Net 30" --invoice-date 2024-01-31' in result.stdout


def test_plain_help_turns_markup_into_words() -> None:
    doc = """``revcycle x``: does y.

Examples::

    revcycle x --flag

::

    revcycle x -

See :class:`~revcycle.money.Money`, :meth:`revcycle.terms.PaymentTerms.parse`, :py:func:`the
function <revcycle.bill>` and ``--format
table``.
"""
    assert plain_help(doc) == (
        "revcycle x: does y.\n\nExamples:\n\n    revcycle x --flag\n\n    revcycle x -\n\n"
        "See Money, revcycle.terms.PaymentTerms.parse, the function and --format table.\n"
    )
