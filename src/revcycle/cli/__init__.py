"""The ``revcycle`` command line: a thin shell over the public API.

Every verb reads JSON (a path, or ``-`` for standard input) or flags, and writes JSON to
standard output, or a table for people with ``--format table``. Exit codes: 0 on success,
1 on a domain or input error (the message goes to standard error), 2 on a usage error.

Verbs live in private modules of this package (``revcycle.cli._<verb>``), each with a
``register(subparsers)`` function that adds its parser and sets ``handler``; ``_VERBS``
names them, in the order ``revcycle --help`` lists them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Final

from revcycle import __version__
from revcycle.cli import (
    _aging,
    _amend,
    _arr,
    _bill,
    _contract,
    _demo,
    _interest,
    _pipeline,
    _price,
    _prorate,
    _rate,
    _renew,
    _schema,
    _terms,
)
from revcycle.errors import CliError, RevcycleError


__all__ = ["build_parser", "main"]

# The verbs in the order the help lists them; a new verb is one more entry (and its import).
_VERBS: Final = (
    *(_aging, _demo, _interest, _pipeline, _price, _prorate, _rate, _terms),
    *(_contract, _amend, _renew, _arr),  # the contract's life: sign, amend, renew, measure
    _bill,  # and invoice
    _schema,  # the JSON Schema of each document
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every verb registered."""
    parser = argparse.ArgumentParser(
        prog="revcycle",
        description="Exact, explainable engines for the B2B revenue cycle.",
    )
    parser.add_argument("--version", action="version", version=f"revcycle {__version__}")
    subparsers = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND")
    for verb in _VERBS:
        verb.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        code: int = handler(args)
    except (RevcycleError, CliError) as error:
        print(f"revcycle {args.command}: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # e.g. `revcycle demo | head`
        return 0
    return code
