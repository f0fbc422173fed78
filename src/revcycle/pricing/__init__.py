"""Pricing models, discount schedules and manual discounts.

A pricing model turns a quantity into an unrounded :class:`~revcycle.money.Money` amount.
Six models cover what billing and CPQ systems offer (docs/explanation/tier-conventions.md):

* :class:`Flat` — one amount, whatever the (non-zero) quantity;
* :class:`PerUnit` — quantity × unit price;
* :class:`Graduated` — each unit is priced in the tier it falls in (Stripe ``graduated``);
* :class:`Volume` — every unit is priced at the tier the whole quantity reaches (Stripe
  ``volume``);
* :class:`Stairstep` — the flat price of the tier the quantity reaches, with an optional per-unit
  overage past the last bounded tier (Chargebee ``stairstep``, Salesforce block pricing);
* :class:`Package` — ``ceil(max(q - free_units, 0) / size) × package_price``.

Tier conventions: every tier has an *inclusive* upper bound ``up_to``; the last tier of a
graduated or volume table has ``up_to=None`` (no limit); the next tier starts just above the
previous bound, so quantities may be fractional. **A zero quantity costs zero under every
model**: no tier is entered, so no flat price is charged (unlike Lago, which charges the first
tier's flat fee at zero). A minimum charge, if wanted, is explicit elsewhere.

Every model has ``price(q)`` (unrounded money), ``breakdown(q)`` (the rows that made the price,
whose amounts sum to it) and ``unit_price_at(q)`` (the effective unit price ``price(q) / q``).

The names live in private modules, one concept each (``_tiers``: tiers, rows and the model
protocol; ``_models``: the six models; ``_schedules``: discount schedules; ``_discounts``:
manual discounts); import them from here.

>>> from decimal import Decimal
>>> from revcycle.money import Money
>>> usd = lambda text: Money(text, "USD")
>>> tiers = [
...     Tier(Decimal("5"), unit_price=usd("7.00")),
...     Tier(Decimal("10"), unit_price=usd("6.50")),
...     Tier(None, unit_price=usd("6.00")),
... ]
>>> Volume(tiers).price(6)
Money('39.00', 'USD')
>>> Graduated(tiers).price(6)
Money('41.50', 'USD')
"""

from __future__ import annotations

from revcycle.pricing._discounts import Discount, DiscountKind
from revcycle.pricing._models import (
    AnyPricingModel,
    Flat,
    Graduated,
    Package,
    PerUnit,
    Stairstep,
    TieredModel,
    Volume,
)
from revcycle.pricing._schedules import DiscountRow, DiscountSchedule, DiscountTier, ScheduleKind
from revcycle.pricing._tiers import PriceRow, PricingModel, Quantity, Tier


__all__ = [
    "AnyPricingModel",
    "Discount",
    "DiscountKind",
    "DiscountRow",
    "DiscountSchedule",
    "DiscountTier",
    "Flat",
    "Graduated",
    "Package",
    "PerUnit",
    "PriceRow",
    "PricingModel",
    "Quantity",
    "ScheduleKind",
    "Stairstep",
    "Tier",
    "TieredModel",
    "Volume",
]
