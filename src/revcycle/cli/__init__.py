"""The ``revcycle`` command line: a thin shell over the public API.

Every verb reads JSON (a path, or ``-`` for standard input) or flags, and writes JSON to
standard output, or a table for people with ``--format table``. Exit codes: 0 on success,
1 on a domain or input error (the message goes to standard error), 2 on a usage error.

Verbs live in private modules of this package (``revcycle.cli._<verb>``), each with a
``register(subparsers)`` function that adds its parser and sets ``handler``; ``_VERBS``
names them by string, in the order ``revcycle --help`` lists them, with the line that help
shows. The arguments are parsed before any engine is imported: ``revcycle --help`` imports no
verb module, and ``revcycle VERB ...`` imports only that verb's.
"""

from __future__ import annotations

import argparse
import sys

from revcycle import __version__


# typing.TYPE_CHECKING without importing typing, which `revcycle --help` does not need.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Collection, Sequence
    from typing import Final


__all__ = ["build_parser", "main"]

# The verbs in the order the help lists them: (name, module, the line in `revcycle --help`, the
# same as the verb's own `register` gives). A new verb is one more entry.
_VERBS: Final = (
    ("aging", "_aging", "bucket open items by days past due as of a date"),
    ("demo", "_demo", "walk the revenue cycle on built-in sample data"),
    ("interest", "_interest", "late interest on an invoice's payment schedule, partly paid or not"),
    (
        "pipeline",
        "_pipeline",
        "pipeline report: weighted totals, forecast, win rate, stage times, velocity",
    ),
    ("price", "_price", "price a quote from a catalog: waterfall, totals, approvals"),
    (
        "prorate",
        "_prorate",
        "count a term multiplier or a share of a billing period, with its explanation",
    ),
    ("rate", "_rate", "rate usage events for a period"),
    ("terms", "_terms", "the payment schedule of an invoice under written payment terms"),
    # the contract's life: sign, amend, renew, measure
    ("contract", "_contract", "sign a quote: price it and make contract version 1"),
    ("amend", "_amend", "price a co-termed amendment: the contract's next version"),
    ("renew", "_renew", "renew a contract: same prices, an uplift, or today's price book"),
    ("arr", "_arr", "ARR on a day, or the ARR bridge over a period, of a book of contracts"),
    # and invoice
    ("bill", "_bill", "bill contracts through a date: invoices, due dates, credits (idempotent)"),
    # the JSON Schema of each document
    ("schema", "_schema", "print the JSON Schema of a document (quote, contract, open-items, ...)"),
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every verb registered."""
    return _parser(full={name for name, _, _ in _VERBS})


def _parser(full: Collection[str]) -> argparse.ArgumentParser:
    """The parser with the verbs in ``full`` registered by their modules (imported here) and
    every other verb only named, with its line of help."""
    parser = argparse.ArgumentParser(
        prog="revcycle",
        description="Exact, explainable engines for the B2B revenue cycle.",
    )
    parser.add_argument("--version", action="version", version=f"revcycle {__version__}")
    subparsers = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND")
    for name, module, summary in _VERBS:
        if name in full:
            # The import statement's machinery, so that `python -X importtime` shows the verb.
            __import__(f"{__name__}.{module}")
            sys.modules[f"{__name__}.{module}"].register(subparsers)
        else:
            subparsers.add_parser(name, help=summary)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (argparse's usage errors exit 2 by raising
    ``SystemExit``, after printing the usage of the verb they concern)."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    # The top-level parser has flags only, so the first argument that is not one names the verb;
    # only that verb's module is imported.
    verb = next((argument for argument in arguments if not argument.startswith("-")), None)
    parser = _parser(full=() if verb is None else (verb,))
    args, unknown = parser.parse_known_args(arguments)
    handler = getattr(args, "handler", None)
    if handler is None:
        if unknown:
            parser.error(f"unrecognized arguments: {' '.join(unknown)}")
        parser.print_help(sys.stderr)
        return 2
    if unknown:
        args.parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    from revcycle.cli._common import one_line
    from revcycle.errors import CliError, RevcycleError, shown

    try:
        code: int = handler(args)
    except (RevcycleError, CliError) as error:
        print(f"revcycle {args.command}: {one_line(error)}", file=sys.stderr)
        return 1
    except UnicodeEncodeError as error:
        # Standard output cannot write the result's text (a terminal that is not UTF-8).
        print(
            f"revcycle {args.command}: cannot write the result: standard output's encoding "
            f"({error.encoding}) cannot write {shown(error.object[error.start : error.end])}.",
            file=sys.stderr,
        )
        return 1
    except BrokenPipeError:  # e.g. `revcycle demo | head`
        return 0
    return code
