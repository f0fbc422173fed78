"""``revcycle arr``: ARR on a day, or the ARR bridge over a period, of a book of contracts.

::

    revcycle arr CONTRACTS.json --on 2026-06-30
    revcycle arr CONTRACTS.json --bridge 2026-01-01 2026-12-31
    revcycle arr C-1.json C-2.json --bridge 2027-07-01 2028-06-30 --format table
    revcycle arr CONTRACTS.json --on 2026-06-30 --rates RATES.json

Each ``CONTRACTS.json`` is a book ``{"contracts": [...]}`` (or a bare list), one
:class:`~revcycle.contracts.Contract`, or a priced amendment (its contract); the book is all of
them, each contract once at its latest version. ``--on DAY`` writes ``{"on", "mrr", "arr"}``;
``--bridge START LAST_DAY`` (both days included) the :class:`~revcycle.metrics.ArrBridge`:
opening ARR on the day before ``START``, closing ARR on ``LAST_DAY``, and each account's
movement. A book in several currencies needs ``--rates`` (an
:class:`~revcycle.money.ExchangeRates`: ``{"currency": "USD", "rates": {"EUR": "1.10"}}``)
or fails; ``--currency`` names the report currency (needed for an empty book).
``--format table`` prints the figures for people (a bridge with its explanation).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from revcycle._numbers import plain
from revcycle.cli._common import (
    add_format_argument,
    add_verb,
    console,
    parse_date,
    peek_json,
    print_json,
    print_result,
    print_table,
    read_json_argument,
    read_text,
)
from revcycle.cli._contract import contract_from_text
from revcycle.dates import Period
from revcycle.errors import CliError, RevcycleError
from revcycle.money import ExchangeRates


if TYPE_CHECKING:
    from revcycle.contracts import Contract
    from revcycle.metrics import ArrBridge


def register(subparsers: Any) -> None:
    """Add the ``arr`` verb."""
    summary = "ARR on a day, or the ARR bridge over a period, of a book of contracts"
    parser = add_verb(subparsers, "arr", summary, _handle, doc=__doc__)
    add_books_argument(parser)
    when = parser.add_mutually_exclusive_group(required=True)
    when.add_argument("--on", metavar="DAY", help="the day of MRR and ARR, such as 2026-06-30")
    when.add_argument(
        "--bridge",
        nargs=2,
        metavar=("START", "LAST_DAY"),
        help="the bridge's first and last days (both included)",
    )
    parser.add_argument("--currency", help="the report currency (default: the book's own)")
    parser.add_argument(
        "--rates", metavar="RATES.json", help="exchange rates (a file, or the JSON itself)"
    )
    add_format_argument(parser)


def add_books_argument(parser: argparse.ArgumentParser) -> None:
    """Add the ``CONTRACTS.json`` files a verb reads as one book (:func:`read_book` each)."""
    parser.add_argument(
        "books",
        metavar="CONTRACTS.json",
        nargs="+",
        help="books of contracts, contracts or priced amendments (paths, or - for one of them)",
    )


def read_book(source: str) -> list[Contract]:
    """The contracts of one file: a book, a bare list, a contract or a priced amendment."""
    from revcycle.serialization import ContractBookDocument, loads

    text = read_text(source)
    start = text.lstrip()[:1]
    if start == "[":
        # A bare list: read as the book it stands for (same checks, same errors).
        return list(loads('{"contracts": ' + text + "}", ContractBookDocument).contracts)
    if start == "{" and _is_book(text):
        return list(loads(text, ContractBookDocument).contracts)
    return [contract_from_text(text)]


def _is_book(text: str) -> bool:
    data = peek_json(text)  # None when it does not parse: the contract reader says why
    return isinstance(data, dict) and "contracts" in data


def _handle(args: argparse.Namespace) -> int:
    from revcycle.metrics import arr, arr_bridge, mrr
    from revcycle.serialization import dumps_csv, loads

    if sum(source == "-" for source in args.books) > 1:
        raise CliError("only one CONTRACTS.json can be read from standard input.")
    book = [contract for source in args.books for contract in read_book(source)]
    rates = None if args.rates is None else loads(read_json_argument(args.rates), ExchangeRates)
    currency = args.currency
    if args.on is not None:
        day = parse_date(args.on, "--on")
        monthly = mrr(book, day, currency=currency, rates=rates)
        yearly = arr(book, day, currency=currency, rates=rates)
        figures = {"on": day.isoformat(), "mrr": monthly, "arr": yearly}
        if args.format == "table":
            print_table(
                f"Recurring revenue on {day.isoformat()} ({len(book)} contracts)",
                ["figure", "amount"],
                [["MRR", str(figures["mrr"])], ["ARR", str(figures["arr"])]],
                right=[1],
                out=console(),
            )
        elif args.format == "csv":
            row = {"on": day.isoformat(), "mrr": plain(monthly.amount), "arr": plain(yearly.amount)}
            sys.stdout.write(dumps_csv([{**row, "currency": monthly.currency.code}]))
        else:
            print_json(figures)
        return 0
    start, last = (parse_date(text, "--bridge") for text in args.bridge)
    try:
        period = Period.inclusive(start, last)
    except RevcycleError as error:
        raise CliError(f"--bridge: {error}") from None
    bridge = arr_bridge(book, period, currency=currency, rates=rates)
    return print_result(bridge, args.format, print_bridge)


def print_bridge(bridge: ArrBridge, out: Any = None) -> None:
    """Print an ARR bridge for people (the CLI and the demo)."""
    out = out or console()
    out.print(bridge.explain())
