"""``revcycle contract``: sign a quote — price it and turn it into contract version 1.

::

    revcycle contract QUOTE.json --catalog CATALOG.json --id C-1
    revcycle contract QUOTE.json --catalog CATALOG.json --id C-1 --payment-terms "Net 60"
    revcycle contract QUOTE.json --catalog CATALOG.json --id C-1 --approve "sales manager"
    revcycle contract QUOTE.json --catalog CATALOG.json --id C-1 --billing SETTINGS.json \\
        --meters METERS.json --format table

``QUOTE.json`` is a :class:`~revcycle.quotes.Quote`, priced from ``CATALOG.json`` as
``revcycle price`` does; ``--approve`` grants an approval level the quote needs (repeat it for
several). The payment terms come from the quote or ``--payment-terms`` (two that differ are
refused; none at all is refused: revcycle never assumes Net 30). ``--billing`` is a
:class:`~revcycle.contracts.BillingSettings` and ``--meters`` an object of usage SKU to
:class:`~revcycle.usage.Meter` (files, or the JSON itself). The JSON output is the
:class:`~revcycle.contracts.Contract`, as the flat list of its versions; ``--format table``
prints its segments and terms.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from revcycle._display import amount_text, number_text
from revcycle.cli._common import (
    add_format_argument,
    add_verb,
    console,
    peek_json,
    print_result,
    print_table,
    read_json_argument,
    read_model,
    read_text,
)
from revcycle.errors import CliError


if TYPE_CHECKING:
    from revcycle.catalog import Catalog
    from revcycle.contracts import Contract


def register(subparsers: Any) -> None:
    """Add the ``contract`` verb."""
    summary = "sign a quote: price it and make contract version 1"
    parser = add_verb(subparsers, "contract", summary, _handle, doc=__doc__)
    parser.add_argument("quote", metavar="QUOTE.json", help="the quote (a path, or - for stdin)")
    add_catalog_argument(parser)
    parser.add_argument("--id", required=True, help="the contract's id, such as C-1")
    parser.add_argument(
        "--payment-terms", metavar="TERMS", help='written payment terms, such as "Net 60"'
    )
    parser.add_argument(
        "--billing", metavar="SETTINGS.json", help="billing settings (a file, or the JSON itself)"
    )
    parser.add_argument(
        "--meters",
        metavar="METERS.json",
        help='a meter per usage SKU (a file, or the JSON itself): {"API-CALLS": {...}}',
    )
    parser.add_argument(
        "--approve",
        metavar="LEVEL",
        action="append",
        default=[],
        help="grant an approval level the quote needs (repeat for several)",
    )
    add_format_argument(parser)


def add_catalog_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--catalog CATALOG.json`` (required)."""
    parser.add_argument(
        "--catalog",
        metavar="CATALOG.json",
        required=True,
        help="the catalog: products, price books, contracted prices (a path, or -)",
    )


def read_catalog(args: argparse.Namespace, *sources: str) -> Catalog:
    """The ``--catalog``, once the other inputs (``sources``) are known not to read standard
    input too."""
    if args.catalog == "-" and "-" in sources:
        raise CliError("only one input can be read from standard input.")
    from revcycle.catalog import Catalog

    return read_model(args.catalog, Catalog)


def read_contract(source: str) -> Contract:
    """A contract from ``source`` (a path, or ``-``): see :func:`contract_from_text`."""
    return contract_from_text(read_text(source))


def contract_from_text(text: str) -> Contract:
    """A contract from JSON ``text``: a contract document, or a priced amendment (the version
    it made), as ``revcycle amend`` writes it."""
    from revcycle.amendments import PricedAmendment
    from revcycle.contracts import Contract
    from revcycle.serialization import loads

    if _is_priced(text):
        return loads(text, PricedAmendment).contract
    return loads(text, Contract)


def _is_priced(text: str) -> bool:
    data = peek_json(text)  # None when it does not parse: loads() says why
    return isinstance(data, dict) and "contract" in data and "versions" not in data


def _handle(args: argparse.Namespace) -> int:
    from revcycle.contracts import BillingSettings, Contract
    from revcycle.quotes import Quote, price_quote
    from revcycle.serialization import loads
    from revcycle.usage import Meter

    catalog = read_catalog(args, args.quote)
    quote = read_model(args.quote, Quote)
    billing = (
        None if args.billing is None else loads(read_json_argument(args.billing), BillingSettings)
    )
    meters = (
        None if args.meters is None else loads(read_json_argument(args.meters), dict[str, Meter])
    )
    priced = price_quote(quote, catalog)
    if args.approve:
        priced = priced.approve(*args.approve)
    contract = Contract.from_quote(
        priced, id=args.id, payment_terms=args.payment_terms, billing=billing, meters=meters
    )
    return print_result(contract, args.format, print_contract)


def print_contract(contract: Contract, out: Any = None) -> None:
    """Print a contract's terms and segments for people (used by the CLI and the demo; ``out``
    is a console, the CLI's by default)."""
    out = out or console()
    places = contract.currency.minor_units
    print_table(
        f"Contract {contract.id} v{contract.version} for {contract.account} "
        f"({contract.currency.code}), {contract.start_date.isoformat()} → "
        f"{contract.end_date.isoformat()}",
        ["segment", "sku", "qty", "from", "last day", "net", "per", "total", "made by"],
        [
            [
                s.id,
                s.sku,
                number_text(s.quantity),
                s.period.start.isoformat(),
                s.period.last_day.isoformat(),
                number_text(s.net_unit_price.amount, places),
                "" if s.pricing_term is None else str(s.pricing_term),
                str(s.total.amount),
                s.origin.replace("amendment:", "version "),
            ]
            for s in contract.subscriptions
        ],
        right=[2, 5, 7],
        out=out,
    )
    out.print(
        f"TCV {amount_text(contract.tcv)} · payment terms {contract.payment_terms.describe()} · "
        f"billing {contract.billing.describe()}"
    )
