"""``revcycle price``: price a quote from a catalog through the price waterfall.

::

    revcycle price QUOTE.json --catalog CATALOG.json
    revcycle price QUOTE.json --catalog CATALOG.json --format table
    revcycle price QUOTE.json --catalog CATALOG.json --explain

``QUOTE.json`` is a :class:`~revcycle.quotes.Quote` and ``CATALOG.json`` a
:class:`~revcycle.catalog.Catalog` (a path, or ``-`` for standard input, for one of them). The
JSON output is the :class:`~revcycle.quotes.PricedQuote`, every line with its waterfall steps;
``--format table`` prints the lines, the totals and the approvals for people; ``--explain``
prints every line's waterfall with the reason of each step.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from revcycle._display import number_text
from revcycle.cli._common import (
    add_format_argument,
    add_verb,
    console,
    print_result,
    print_table,
    read_model,
)
from revcycle.errors import CliError


if TYPE_CHECKING:
    from revcycle.quotes import PricedQuote


def register(subparsers: Any) -> None:
    """Add the ``price`` verb."""
    summary = "price a quote from a catalog: waterfall, totals, approvals"
    parser = add_verb(subparsers, "price", summary, _handle, doc=__doc__)
    parser.add_argument("quote", metavar="QUOTE.json", help="the quote (a path, or - for stdin)")
    parser.add_argument(
        "--catalog",
        metavar="CATALOG.json",
        required=True,
        help="the catalog: products, price books, contracted prices (a path, or -)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print every line's waterfall with the reason of each step (text)",
    )
    add_format_argument(parser)


def _handle(args: argparse.Namespace) -> int:
    from revcycle.catalog import Catalog
    from revcycle.quotes import Quote, price_quote

    if args.quote == "-" and args.catalog == "-":
        raise CliError("only one of QUOTE.json and --catalog can be read from standard input.")
    quote = read_model(args.quote, Quote)
    catalog = read_model(args.catalog, Catalog)
    priced = price_quote(quote, catalog)
    if args.explain:
        print(priced.explain())
        return 0
    return print_result(priced, args.format, _print_tables)


def _print_tables(priced: PricedQuote) -> None:
    out = console()
    quote = priced.quote
    title = f"Quote {quote.name or ''} for {quote.account} ({quote.currency.code})".replace(
        "  ", " "
    )
    places = quote.currency.minor_units
    rows = [
        [
            str(line.number),
            line.sku,
            line.charge_kind.value.replace("_", "-"),
            number_text(line.quantity),
            number_text(line.term_multiplier),
            number_text(line.list_unit_price.amount, places),
            number_text(line.customer_unit_price.amount, places),
            number_text(line.net_unit_price.amount, places),
            str(line.net_total.amount),
        ]
        for line in priced.lines
    ]
    print_table(
        title,
        ["#", "sku", "charge", "qty", "term ×", "list", "customer", "net", "net total"],
        rows,
        right=[3, 4, 5, 6, 7, 8],
        out=out,
    )
    print_totals(priced, "Totals (sums of rounded line totals)", out=out)
    if priced.approvals:
        print_table(
            "Approvals needed",
            ["level", "line", "reason"],
            [[a.level, "" if a.line is None else str(a.line), a.reason] for a in priced.approvals],
            out=out,
        )
    else:
        out.print("No approval needed.")


def print_totals(priced: PricedQuote, title: str, *, tcv: str = "TCV", out: Any = None) -> None:
    """Print a priced quote's totals, each the sum of rounded line totals (used by the CLI and
    the demo); ``tcv`` labels the TCV row."""
    print_table(
        title,
        ["figure", "amount"],
        [
            ["one-time", str(priced.one_time_total)],
            ["recurring (over the term)", str(priced.recurring_total)],
            [tcv, str(priced.tcv)],
            ["MRR", str(priced.mrr)],
            ["ARR", str(priced.arr)],
            ["usage, estimated (not in TCV)", str(priced.usage_total)],
        ],
        right=[1],
        out=out or console(),
    )
