"""Small builders the billing tests share: a catalog of plans, a contract on it from a quote, an
amendment, and sums of a run's lines.

Import them by name: ``from billing_support import plans, contract_of``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from revcycle.amendments import amend
from revcycle.billing import BillRun, InvoiceLine, bill
from revcycle.catalog import Catalog, ChargeKind, PriceBook, Product
from revcycle.contracts import (
    AddProduct,
    Amendment,
    AnyChange,
    BillingSettings,
    Cancel,
    Contract,
)
from revcycle.dates import Duration
from revcycle.money import Money
from revcycle.pricing import AnyPricingModel, PerUnit
from revcycle.quotes import Quote, QuoteLine, price_quote
from revcycle.usage import Meter


MONTH = Duration(months=1)
YEAR = Duration(years=1)


def plans(
    currency: str = "USD",
    *,
    term: Duration = MONTH,
    terms: dict[str, Duration] | None = None,
    usage: dict[str, AnyPricingModel] | None = None,
    usage_term: Duration | None = None,
    one_time: dict[str, str] | None = None,
    **prices: str,
) -> Catalog:
    """A catalog of recurring plans priced per unit per ``term`` (or per ``terms[sku]``), usage
    products with their models and one-time products, in one price book ``"Book"``."""
    products = [
        Product(sku, sku.title(), ChargeKind.RECURRING, (terms or {}).get(sku, term))
        for sku in prices
    ]
    book: dict[str, AnyPricingModel] = {
        sku: PerUnit(Money(price, currency)) for sku, price in prices.items()
    }
    for sku, model in (usage or {}).items():
        products.append(Product(sku, sku.title(), ChargeKind.USAGE, usage_term))
        book[sku] = model
    for sku, price in (one_time or {}).items():
        products.append(Product(sku, sku.title(), ChargeKind.ONE_TIME, None))
        book[sku] = PerUnit(Money(price, currency))
    return Catalog(products, [PriceBook("Book", currency, prices=book)])


def contract_of(
    catalog: Catalog,
    lines: dict[str, str | int | Decimal],
    *,
    id: str,
    start: date,
    end: date,
    billing: BillingSettings | None = None,
    account: str = "ACME",
    payment_terms: str = "Net 30",
    meters: dict[str, Meter] | None = None,
    **options: Any,
) -> Contract:
    """A contract ``id`` from a quote of ``lines`` (SKU → quantity) on ``catalog``, from
    ``start`` to ``end`` (inclusive)."""
    currency = catalog.price_books[0].currency.code
    quote = Quote(
        account,
        currency,
        "Book",
        start,
        [QuoteLine(sku, quantity) for sku, quantity in lines.items()],
        end_date=end,
        payment_terms=payment_terms,
        **options,
    )
    return Contract.from_quote(price_quote(quote, catalog), id=id, billing=billing, meters=meters)


def one_plan(
    price: str,
    currency: str = "USD",
    *,
    id: str,
    start: date,
    end: date,
    billing: BillingSettings | None = None,
    term: Duration = MONTH,
    **options: Any,
) -> tuple[Catalog, Contract]:
    """A catalog of one plan ``PLAN`` at ``price`` per ``term``, and a contract for one unit
    of it (``options`` go to the quote)."""
    catalog = plans(currency, term=term, PLAN=price)
    contract = contract_of(
        catalog, {"PLAN": 1}, id=id, start=start, end=end, billing=billing, **options
    )
    return catalog, contract


def amended(contract: Contract, catalog: Catalog, effective: date, *changes: AnyChange) -> Contract:
    """The next version of ``contract`` with ``changes`` effective on ``effective``."""
    return amend(contract, Amendment(effective, list(changes)), catalog).contract


def plan_change(
    catalog: Catalog,
    old: str,
    new: str,
    *,
    id: str,
    start: date,
    effective: date,
    billing: BillingSettings,
) -> tuple[BillRun, Contract, BillRun]:
    """One unit of plan ``old`` from ``start`` for a year, billed on its first day, then
    changed to plan ``new`` on ``effective`` (``old`` cancelled, ``new`` added) and billed
    through that day: the first run, the changed contract and the change's run."""
    end = date(start.year + 1, start.month, start.day) - timedelta(days=1)
    contract = contract_of(catalog, {old: 1}, id=id, start=start, end=end, billing=billing)
    first = bill([contract], through=start)
    changed = amended(contract, catalog, effective, Cancel(old), AddProduct(new, quantity=1))
    return first, changed, bill([changed], through=effective, issued=first.invoices)


def amounts(lines: Iterable[InvoiceLine]) -> list[tuple[str, str, str, str]]:
    """Each line as (kind, sku, period, amount) text, for compact assertions."""
    return [
        (line.kind.value, line.sku, str(line.period), str(line.amount.amount)) for line in lines
    ]


def net_by_sku(run: BillRun) -> dict[str, Decimal]:
    """The sum of a run's rounded line amounts per SKU."""
    found: dict[str, Decimal] = {}
    for line in run.lines:
        found[line.sku] = found.get(line.sku, Decimal(0)) + line.amount.amount
    return found
