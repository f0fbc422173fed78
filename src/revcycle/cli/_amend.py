"""``revcycle amend``: price a co-termed amendment and make the contract's next version.

::

    revcycle amend CONTRACT.json AMENDMENT.json --catalog CATALOG.json
    revcycle amend CONTRACT.json AMENDMENT.json --catalog CATALOG.json --format table
    revcycle amend CONTRACT.json AMENDMENT.json --catalog CATALOG.json --explain

``CONTRACT.json`` is a :class:`~revcycle.contracts.Contract` (or a priced amendment, whose
contract is read: the output of an earlier ``revcycle amend``); ``AMENDMENT.json`` an
:class:`~revcycle.contracts.Amendment` (a path, ``-``, or the JSON itself), such as
``{"effective_date": "2026-03-01", "changes": [{"type": "change_quantity", "sku":
"PLATFORM-SEAT", "quantity": "105"}]}``. The JSON output is the
:class:`~revcycle.amendments.PricedAmendment` (``{"contract": ...}``, the new version with every
earlier one); ``--format table`` prints its lines and totals; ``--explain`` each line's locked
price, co-term span and multiplier.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from revcycle._display import amount_text, number_text
from revcycle.cli._common import (
    add_format_argument,
    add_verb,
    console,
    print_result,
    print_table,
    read_json_argument,
)
from revcycle.cli._contract import add_catalog_argument, read_catalog, read_contract


if TYPE_CHECKING:
    from revcycle.amendments import PricedAmendment


def register(subparsers: Any) -> None:
    """Add the ``amend`` verb."""
    summary = "price a co-termed amendment: the contract's next version"
    parser = add_verb(subparsers, "amend", summary, _handle, doc=__doc__)
    parser.add_argument("contract", metavar="CONTRACT.json", help="the contract (a path, or -)")
    parser.add_argument(
        "amendment", metavar="AMENDMENT.json", help="the amendment (a path, -, or the JSON itself)"
    )
    add_catalog_argument(parser)
    parser.add_argument(
        "--explain", action="store_true", help="print each line's explanation (text)"
    )
    add_format_argument(parser)


def _handle(args: argparse.Namespace) -> int:
    from revcycle.amendments import Amendment, amend
    from revcycle.serialization import loads

    catalog = read_catalog(args, args.contract, args.amendment)
    contract = read_contract(args.contract)
    amendment = loads(read_json_argument(args.amendment), Amendment)
    priced = amend(contract, amendment, catalog)
    if args.explain:
        print(priced.explain())
        return 0
    return print_result(priced, args.format, print_amendment)


def print_amendment(priced: PricedAmendment, out: Any = None) -> None:
    """Print an amendment's lines and totals for people (the CLI and the demo)."""
    out = out or console()
    contract = priced.contract
    places = contract.currency.minor_units
    print_table(
        f"Amendment of {contract.id}, effective {priced.amendment.effective_date.isoformat()} "
        f"→ {contract.end_date.isoformat()} (co-termed): version {contract.version}",
        ["segment", "amends", "sku", "before", "after", "delta", "locked", "term ×", "amount"],
        [
            [
                line.subscription_id,
                line.amends or "new",
                line.sku,
                number_text(line.prior_quantity),
                number_text(line.quantity),
                f"{line.delta:+f}",
                number_text(line.net_unit_price.amount, places),
                number_text(line.term_multiplier),
                str(line.amount.amount),
            ]
            for line in priced.lines
        ],
        right=[3, 4, 5, 6, 7, 8],
        out=out,
    )
    out.print(
        f"Total {amount_text(priced.total)} · TCV {amount_text(priced.tcv_before)} → "
        f"{amount_text(priced.tcv_after)}"
    )
