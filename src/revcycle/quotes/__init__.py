"""Quotes and the quote pricing engine: waterfall, totals and approvals (interval 2).

:func:`price_quote` prices every line of a :class:`Quote` through the price waterfall
(:mod:`revcycle.waterfall`: list → contracted → volume → term → additional → partner →
distributor), records every step with the unit price after it and the reason, totals the
quote the way finance reads it (one-time, recurring, TCV, MRR, ARR; usage shown apart) and
lists the approvals its :class:`ApprovalPolicy` asks for.

Rounding: unit prices are never rounded; a line's net total is ``net unit price × quantity``
rounded once (half-up at the currency's minor unit, or the quote's ``rounding``); every quote
total is a sum of rounded line totals.

A line may carry a :class:`LockedPrice` (a renewal's, from the contract): it replaces list at
the ``contracted`` step and already holds the line's discounts, and its steps run ``list,
contracted, volume, additional, partner, distributor, term`` and, with an uplift, ``uplift``
(docs/reference/renewals.md).

The names live in private modules (``_model``: the quote and priced values; ``_engine``:
:func:`price_quote`; ``_explain``: the reasons of the steps; ``_locked``: the locked price);
import them from here.

>>> from datetime import date
>>> from revcycle.catalog import Catalog, ChargeKind, PriceBook, Product
>>> from revcycle.dates import Duration
>>> from revcycle.money import Money, Percent
>>> from revcycle.pricing import Discount, PerUnit
>>> catalog = Catalog(
...     [Product("SEAT", "Seat", ChargeKind.RECURRING, Duration(months=12))],
...     [PriceBook("Standard", "USD", prices={"SEAT": PerUnit(Money("100.00", "USD"))})],
... )
>>> quote = Quote("ACME", "USD", "Standard", date(2025, 1, 1),
...               [QuoteLine("SEAT", 10, discount=Discount.percent(Percent("15")))],
...               term=Duration(months=24), partner_discount=Percent("5"))
>>> priced = price_quote(quote, catalog)
>>> line = priced.lines[0]
>>> line.regular_unit_price, line.net_unit_price, line.net_total
(Money('200.00', 'USD'), Money('161.500000', 'USD'), Money('1615.00', 'USD'))
>>> priced.tcv, priced.mrr, priced.arr
(Money('1615.00', 'USD'), Money('67.29', 'USD'), Money('807.50', 'USD'))
"""

from __future__ import annotations

from revcycle.approvals import (
    Approval,
    ApprovalPolicy,
    ApprovalRule,
    DiscountAbove,
    MarginBelow,
    TotalAbove,
)
from revcycle.quotes._engine import price_quote
from revcycle.quotes._locked import LockedPrice
from revcycle.quotes._model import PricedLine, PricedQuote, Quote, QuoteLine
from revcycle.waterfall import StepName, WaterfallStep


__all__ = [
    "Approval",
    "ApprovalPolicy",
    "ApprovalRule",
    "DiscountAbove",
    "LockedPrice",
    "MarginBelow",
    "PricedLine",
    "PricedQuote",
    "Quote",
    "QuoteLine",
    "StepName",
    "TotalAbove",
    "WaterfallStep",
    "price_quote",
]
