"""Every command-line verb with hostile arguments and files (issue 16).

In process through ``revcycle.cli.main(argv)``, and a few hundred runs per verb (with
``--hypothesis-profile=fuzz``; one with ``fuzz-ci``) as a real ``python -m revcycle``
subprocess. A run ends in exit 0, exit 1 with exactly one line on standard error
(``revcycle VERB: ...``), or exit 2 with the usage of the verb concerned; never a traceback.
"""

from __future__ import annotations

import contextlib
import functools
import io
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fuzz._harness import BrokenPromiseError, limit_memory, measure, stats
from fuzz._world import instances
from fuzz.test_fuzz_json import mutated
from revcycle import samples
from revcycle.amendments import Amendment
from revcycle.billing import BillRun, bill
from revcycle.catalog import Catalog
from revcycle.cli import _VERBS, main
from revcycle.contracts import Contract
from revcycle.quotes import Quote
from revcycle.receivables import OpenItem
from revcycle.serialization import dumps


pytestmark = pytest.mark.fuzz

_PER_UNIT = '{"type": "per_unit", "unit_price": {"amount": "0.01", "currency": "USD"}}'

_TMP = Path(tempfile.mkdtemp(prefix="revcycle-fuzz-"))
_counter = itertools.count()


def _contract() -> Contract:
    """The seed deal signed as C-1 and upsold (two versions): what amend and renew read."""
    contracts: list[Contract] = instances(Contract)
    return next(c for c in contracts if c.id == "C-1" and c.previous is not None)


def _written(name: str, value: object) -> str:
    path = _TMP / name
    path.write_text(dumps(value), encoding="utf-8")
    return str(path)


_CONTRACT = _written("contract.json", _contract())
_AMENDMENT = (
    '{"effective_date": "2026-03-01", "changes": [{"type": "change_quantity", '
    '"sku": "PLATFORM-SEAT", "quantity": "105"}]}'
)
_BILLED = _written("billed.json", bill([_contract()], through=date(2025, 4, 1)))
_INTEREST = ("--invoice-date", "2024-01-31", "--amount", "1000.00 USD", "--as-of", "2024-06-30")

# THE table of verbs: valid command lines to start from. A new verb is one more entry (the
# test below fails until it has one).
VERBS: dict[str, list[list[str]]] = {
    "aging": [
        ["aging", samples.path("open_items.json"), "--as-of", "2024-06-30"],
        ["aging", samples.path("open_items.json"), "--as-of", "2024-06-30", "--format", "table"],
    ],
    "demo": [["demo"]],
    "pipeline": [
        ["pipeline", samples.path("opportunities.json"), "--as-of", "2025-06-30"],
        ["pipeline", samples.path("opportunities.json"), "--format", "table"],
    ],
    "price": [
        ["price", samples.path("quote.json"), "--catalog", samples.path("catalog.json")],
        [
            "price",
            samples.path("quote.json"),
            "--catalog",
            samples.path("catalog.json"),
            "--explain",
        ],
        [
            "price",
            samples.path("quote.json"),
            "--catalog",
            samples.path("catalog.json"),
            "--format",
            "table",
        ],
    ],
    "prorate": [
        ["prorate", "--start", "2024-01-01", "--end", "2025-07-01", "--amount", "1200.00 USD"],
        ["prorate", "--start", "2024-01-01", "--last-day", "2024-06-30", "--format", "table"],
        [
            "prorate",
            "--start",
            "2024-02-01",
            "--end",
            "2024-02-15",
            "--full-start",
            "2024-02-01",
            "--full-end",
            "2024-03-01",
        ],
    ],
    "rate": [
        [
            "rate",
            samples.path("usage_events.json"),
            "--plan",
            samples.path("usage_plan.json"),
            "--period",
            "2024-01-01/2024-02-01",
        ],
        [
            "rate",
            samples.path("usage_events.json"),
            "--metric",
            "api_calls",
            "--price",
            _PER_UNIT,
            "--period",
            "2024-01-01/2024-02-01",
            "--format",
            "table",
        ],
    ],
    "interest": [
        ["interest", "Net 30", *_INTEREST, "--rate", "8"],
        [
            "interest",
            "50% now, 50% Net 30",
            *_INTEREST,
            "--rate",
            "1.5",
            "--per",
            "month",
            "--pay",
            "2024-03-01",
            "600.00 USD",
            "--format",
            "table",
        ],
    ],
    "contract": [
        [
            "contract",
            samples.path("seed_deal.json"),
            "--catalog",
            samples.path("catalog.json"),
            "--id",
            "C-1",
        ],
        [
            "contract",
            samples.path("quote.json"),
            "--catalog",
            samples.path("catalog.json"),
            "--id",
            "Q-1",
            "--payment-terms",
            "Net 30",
            *("--approve", "sales manager", "--approve", "finance", "--approve", "cfo"),
            "--format",
            "table",
        ],
    ],
    "amend": [
        ["amend", _CONTRACT, _AMENDMENT, "--catalog", samples.path("catalog.json")],
        ["amend", _CONTRACT, _AMENDMENT, "--catalog", samples.path("catalog.json"), "--explain"],
        [
            "amend",
            _CONTRACT,
            _AMENDMENT,
            "--catalog",
            samples.path("catalog.json"),
            "--format",
            "table",
        ],
    ],
    "renew": [
        ["renew", _CONTRACT, "--catalog", samples.path("catalog.json")],
        [
            "renew",
            _CONTRACT,
            "--catalog",
            samples.path("catalog.json"),
            "--pricing",
            "uplift",
            "--uplift",
            "7",
            "--id",
            "C-2",
            "--format",
            "table",
        ],
        ["renew", _CONTRACT, "--catalog", samples.path("catalog.json"), "--term", "P1Y"],
    ],
    "arr": [
        ["arr", samples.path("contracts.json"), "--on", "2026-06-30"],
        ["arr", samples.path("contracts.json"), "--bridge", "2026-01-01", "2026-12-31"],
        [
            "arr",
            samples.path("contracts.json"),
            _CONTRACT,
            "--bridge",
            "2027-07-01",
            "2028-06-30",
            "--format",
            "table",
        ],
    ],
    "bill": [
        ["bill", samples.path("contracts.json"), "--through", "2026-07-01"],
        [
            "bill",
            _CONTRACT,
            "--through",
            "2026-03-31",
            "--issued",
            _BILLED,
            "--tax",
            "20",
            "--format",
            "table",
        ],
        ["bill", _CONTRACT, "--through", "2025-04-01", "--explain"],
        ["bill", samples.path("contracts.json"), "--through", "2027-01-01", "--format", "csv"],
    ],
    "schema": [["schema", "contract"], ["schema", "--list"], ["schema", "bill-run"]],
    "terms": [
        ["terms", "2/10 Net 30", "--invoice-date", "2024-01-31", "--amount", "1000.00 USD"],
        [
            "terms",
            "50% now, 50% Net 30",
            "--invoice-date",
            "2024-01-31",
            "--amount",
            "1000.00 USD",
            "--pay",
            "2024-02-10",
            "500.00 USD",
            "--format",
            "table",
        ],
    ],
}

# Documents a file argument may be replaced by (mutated with test_fuzz_json's mutations).
_FILE_SAMPLES: dict[str, Callable[[], Any]] = {
    "open_items.json": lambda: tuple(instances(OpenItem)),
    "quote.json": lambda: instances(Quote)[0],
    "catalog.json": lambda: instances(Catalog)[0],
    "contract.json": lambda: _contract(),
    "amendment.json": lambda: instances(Amendment)[0],
    "contracts.json": lambda: tuple(instances(Contract)[:4]),
    "billed.json": lambda: instances(BillRun)[0],
}

_ARGUMENTS = st.one_of(
    st.sampled_from(
        [
            "",
            "-",
            "\x00",
            "a\x00b",
            "\ud800",
            "\udcff",
            "9999-12-31",
            "0001-01-01",
            "10000-01-01",
            "2024-02-30",
            "1e999999999 USD",
            "9e999997 USD",
            "-1 USD",
            "1 XXX",
            "NaN USD",
            "9" * 5000,
            "Net " + "9" * 30,
            "Net 999999999",
            "P99999999999Y",
            "P0D",
            "--bogus",
            "-h",
            "2024-01-01/9999-12-31",
            "2024-01-01/2024-01-01",
            "[" * 100 + "]" * 100,
            "{}",
            "/",
            "/dev/null",
            "/nonexistent/file.json",
            "x" * 10_000,
            "30,60,x",
            "0,0,0",
            "-5",
            "99999999999999999999999",
        ]
    ),
    st.text(max_size=20),
)


def _hostile_file(data: st.DataObject) -> str:
    """A path to a file of hostile content: a mutated document, bytes that are not UTF-8, a
    lone surrogate, deep nesting, nothing at all; or a directory."""
    kind = data.draw(st.sampled_from(["mutated", "bytes", "empty", "deep", "directory"]))
    path = _TMP / f"f{next(_counter)}.json"
    if kind == "directory":
        return str(_TMP)
    if kind == "mutated":
        name = data.draw(st.sampled_from(sorted(_FILE_SAMPLES)))
        document = data.draw(mutated(_FILE_SAMPLES[name]()), label="document")
        payload = (
            document if isinstance(document, bytes) else document.encode("utf-8", "surrogatepass")
        )
    elif kind == "bytes":
        payload = data.draw(st.binary(max_size=50))
    elif kind == "deep":
        payload = b"[" * 100_000 + b"]" * 100_000
    else:
        payload = b""
    path.write_bytes(payload)
    return str(path)


def _argv(data: st.DataObject, verb: str) -> list[str]:
    argv = list(data.draw(st.sampled_from(VERBS[verb]), label="command"))
    mode = data.draw(st.sampled_from(["argument", "argument", "file", "extra", "drop", "none"]))
    at = data.draw(st.integers(1, max(len(argv) - 1, 1))) if len(argv) > 1 else None
    if mode == "argument" and at is not None:
        argv[at] = data.draw(_ARGUMENTS, label="argument")
    elif mode == "file" and at is not None:
        files = [i for i, a in enumerate(argv) if a.endswith(".json")] or [at]
        argv[data.draw(st.sampled_from(files))] = _hostile_file(data)
    elif mode == "extra":
        argv.append(data.draw(st.sampled_from(["--bogus", "extra", "--format", "-x", "--"])))
    elif mode == "drop" and at is not None:
        del argv[at]
    return argv


def _check_outcome(verb: str, argv: list[str], code: Any, err: str) -> None:
    shown = f"revcycle {' '.join(repr(a)[:60] for a in argv)}"
    if "Traceback" in err:
        raise BrokenPromiseError(f"{shown}: a traceback\n{err[-3000:]}")
    if code == 0:
        return
    if code == 1:
        lines = err.splitlines()
        if len(lines) != 1 or not lines[0].startswith(f"revcycle {argv[0]}: "):
            raise BrokenPromiseError(f"{shown}: exit 1 without one error line:\n{err[:3000]}")
        return
    if code == 2:
        if f"usage: revcycle {argv[0]}" not in err and "usage: revcycle [-h]" not in err:
            raise BrokenPromiseError(f"{shown}: exit 2 without the verb's usage:\n{err[:3000]}")
        return
    raise BrokenPromiseError(f"{shown}: exit code {code!r}\n{err[:3000]}")


def _in_process(argv: list[str], stdin: str) -> tuple[Any, str]:
    out, err = io.StringIO(), io.StringIO()
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        _stdin(stdin),
    ):
        try:
            code: Any = main(argv)
        except SystemExit as exit_:
            code = exit_.code
        except Exception as error:  # the promise under test: never a traceback
            code = f"{type(error).__name__}: {str(error)[:300]}"
            err.write(f"Traceback (an exception escaped main): {code}\n")
    return code, err.getvalue()


@contextlib.contextmanager
def _stdin(text: str) -> Any:
    saved = sys.stdin
    sys.stdin = io.StringIO(text)
    try:
        yield
    finally:
        sys.stdin = saved


def _stdin_text(data: st.DataObject) -> str:
    name = data.draw(st.sampled_from(sorted(_FILE_SAMPLES)))
    document = data.draw(mutated(_FILE_SAMPLES[name]()), label="stdin")
    return document.decode("utf-8", "surrogateescape") if isinstance(document, bytes) else document


def test_every_verb_has_command_lines() -> None:
    names = {module.lstrip("_") for _, module, _ in _VERBS}
    assert names == set(VERBS)


@pytest.mark.parametrize("verb", sorted(VERBS))
@given(data=st.data())
def test_verb_in_process(verb: str, data: st.DataObject) -> None:
    argv = _argv(data, verb)
    stdin = _stdin_text(data) if "-" in argv else ""
    record = stats(f"cli {verb}")
    record.tried += 1
    (code, err), _, figures = measure(f"revcycle {verb}", lambda: _in_process(argv, stdin))
    record.add(figures)
    record.accepted += code == 0
    record.refused += code != 0
    _check_outcome(verb, argv, code, err)


# A few hundred runs per verb with the long profile, one with the short one.
_SUBPROCESS_RUNS = min(300, max(1, settings().max_examples // 30))


@pytest.mark.parametrize("verb", sorted(VERBS))
@settings(max_examples=_SUBPROCESS_RUNS)
@given(data=st.data())
def test_verb_as_a_subprocess(verb: str, data: st.DataObject) -> None:
    # No process can receive a NUL, nor a lone surrogate its file system encoding cannot
    # write (the in-process run takes both).
    argv = [a for a in _argv(data, verb) if "\x00" not in a and _encodable(a)]
    stdin = _stdin_text(data) if "-" in argv else ""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "revcycle", *argv],
            input=stdin.encode("utf-8", "surrogateescape"),
            capture_output=True,
            timeout=120,
            preexec_fn=limit_memory,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise BrokenPromiseError(f"revcycle {argv}: still running after 120 s") from error
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    record = stats(f"subprocess {verb}")
    record.tried += 1
    record.add({"cpu": cpu, "peak": after.ru_maxrss * 1024})
    record.accepted += result.returncode == 0
    record.refused += result.returncode != 0
    _check_outcome(verb, argv, result.returncode, result.stderr.decode("utf-8", "replace"))
    if cpu > _startup() + 2.0:
        raise BrokenPromiseError(
            f"revcycle {argv}: {cpu:.2f} s of CPU time (start-up {_startup():.2f} s)"
        )
    if (
        verb != "demo"
        and result.returncode == 0
        and "--format" not in argv
        and "--explain" not in argv
        and "--list" not in argv  # revcycle schema --list: names, one a line
        and not {"-h", "--help"} & set(argv)  # the verb's help
    ):
        json.loads(result.stdout)  # JSON output is JSON


def _encodable(argument: str) -> bool:
    try:
        os.fsencode(argument)
    except UnicodeEncodeError:
        return False
    return True


@functools.cache
def _startup() -> float:
    """The CPU time of ``python -m revcycle --version``: what every run costs to start."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "revcycle", "--version"], capture_output=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
