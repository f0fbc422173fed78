"""``revcycle renew``: the renewal quote of a contract, or the renewal contract itself.

::

    revcycle renew CONTRACT.json --catalog CATALOG.json
    revcycle renew CONTRACT.json --catalog CATALOG.json --pricing uplift --uplift 7
    revcycle renew CONTRACT.json --catalog CATALOG.json --pricing list --term P1Y
    revcycle renew CONTRACT.json --catalog CATALOG.json --pricing uplift --uplift 7 --id C-2

``CONTRACT.json`` is a :class:`~revcycle.contracts.Contract` (or a priced amendment, whose
contract is read). ``--pricing`` is ``same`` (the locked prices, the default), ``uplift`` (the
locked prices × (1 + ``--uplift`` percent)) or ``list`` (today's price book); ``--term`` an ISO
8601 duration (default: the contract's own term). The JSON output is the priced renewal quote
(a :class:`~revcycle.quotes.PricedQuote` whose lines carry their locked prices); with ``--id``
it is the renewal contract of that id, signed from the renewal quote and renewing
``CONTRACT.json`` (its payment terms, billing settings and meters carried over).
``--format table`` prints the renewal lines and totals, ``--explain`` every line's steps.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from revcycle._display import number_text
from revcycle.cli._common import (
    add_format_argument,
    add_verb,
    console,
    parse_duration,
    print_result,
    print_table,
)
from revcycle.cli._contract import (
    add_catalog_argument,
    print_contract,
    read_catalog,
    read_contract,
)
from revcycle.cli._price import print_totals
from revcycle.errors import CliError
from revcycle.money import Percent


if TYPE_CHECKING:
    from revcycle.quotes import PricedQuote

# revcycle.renewals.RenewalPricing's values, written out so that `revcycle renew --help` imports
# no engine (tests/test_startup.py checks that they agree).
PRICINGS = ("same", "uplift", "list")


def register(subparsers: Any) -> None:
    """Add the ``renew`` verb."""
    summary = "renew a contract: same prices, an uplift, or today's price book"
    parser = add_verb(subparsers, "renew", summary, _handle, doc=__doc__)
    parser.add_argument("contract", metavar="CONTRACT.json", help="the contract (a path, or -)")
    add_catalog_argument(parser)
    parser.add_argument(
        "--pricing",
        choices=PRICINGS,
        default="same",
        help="same (locked prices, the default), uplift (locked × (1 + uplift)) or list",
    )
    parser.add_argument("--uplift", metavar="PERCENT", help="the uplift in percent, such as 7")
    parser.add_argument(
        "--term", metavar="DURATION", help="the renewal term, such as P1Y (default: the contract's)"
    )
    parser.add_argument(
        "--id", help="write the renewal contract of this id instead of the renewal quote"
    )
    parser.add_argument(
        "--explain", action="store_true", help="print every renewal line's steps (text)"
    )
    add_format_argument(parser)


def _handle(args: argparse.Namespace) -> int:
    from revcycle.contracts import Contract
    from revcycle.renewals import RenewalPricing, renew

    if args.pricing == RenewalPricing.UPLIFT.value and args.uplift is None:
        raise CliError("--pricing uplift needs the uplift: give --uplift PERCENT, such as 7.")
    catalog = read_catalog(args, args.contract)
    contract = read_contract(args.contract)
    term = None if args.term is None else parse_duration(args.term, "--term")
    uplift = None if args.uplift is None else Percent(args.uplift)
    renewal = renew(contract, catalog, pricing=args.pricing, uplift=uplift, term=term, id=args.id)
    if args.explain:
        print(renewal.explain())
        return 0
    if args.id is not None:
        renewed = Contract.from_quote(renewal, id=args.id, renews=contract)
        return print_result(renewed, args.format, print_contract)
    return print_result(renewal, args.format, print_renewal)


def print_renewal(renewal: PricedQuote, out: Any = None) -> None:
    """Print a renewal quote's lines and totals for people (the CLI and the demo)."""
    from revcycle.quotes import StepName

    out = out or console()
    quote = renewal.quote
    places = quote.currency.minor_units
    rows = []
    for line in renewal.lines:
        after = {step.name: step.unit_price.amount for step in line.steps}
        uplift = "" if line.locked_price is None else str(line.locked_price.uplift or "")
        rows.append(
            [
                line.sku,
                number_text(line.quantity),
                number_text(after[StepName.LIST], places),
                number_text(after[StepName.CONTRACTED], places),
                number_text(line.term_multiplier),
                uplift,
                number_text(line.net_unit_price.amount, places),
                str(line.net_total.amount),
            ]
        )
    print_table(
        f"{quote.name or 'Renewal'} ({quote.account}), {quote.start_date.isoformat()} → "
        f"{quote.period.last_day.isoformat()}, payment terms {_terms(renewal)}",
        ["sku", "qty", "list now", "locked", "term ×", "uplift", "net unit", "net total"],
        rows,
        right=[1, 2, 3, 4, 5, 6, 7],
        out=out,
    )
    print_totals(renewal, "Renewal totals (sums of rounded line totals)", out=out)


def _terms(renewal: PricedQuote) -> str:
    terms = renewal.quote.payment_terms
    if terms is None:
        return "none"
    return terms if isinstance(terms, str) else terms.describe()
