"""Exact money: currencies, amounts, percents, rounding and allocation.

Conventions (docs/explanation/rounding-points.md):

* An amount is an unrounded :class:`~decimal.Decimal`; a ``float`` is refused.
* Rounding happens only where revcycle documents it, half-up (ties away from zero) at the
  currency's ISO 4217 minor unit unless a :class:`Rounding` says otherwise.
* Allocation works in whole minor units and never creates or loses one.

The names live in private modules, one concept each (``_currency``, ``_money`` with rounding,
``_allocation``, ``_percent``, ``_exchange``); import them from here.

>>> price = Money("19.99", "USD")
>>> price * 3
Money('59.97', 'USD')
>>> Money("100.00", "USD").split(3)
(Money('33.34', 'USD'), Money('33.33', 'USD'), Money('33.33', 'USD'))
>>> str(Money("1234.5", "USD").round())
'1234.50 USD'
"""

from __future__ import annotations

# The names outside __all__ are the helpers other modules of revcycle share (and HALF_UP,
# which was importable here before money became a package).
from revcycle.money._allocation import AllocationPolicy
from revcycle.money._allocation import allocate_units as allocate_units
from revcycle.money._currency import Currency
from revcycle.money._currency import to_currency as to_currency
from revcycle.money._exchange import ExchangeRates
from revcycle.money._money import HALF_UP as HALF_UP
from revcycle.money._money import (
    MAX_SPLIT_PARTS,
    MIN_ROUNDING_PLACES,
    Money,
    Rounding,
    RoundingMode,
    allocate,
    total,
)
from revcycle.money._percent import Percent
from revcycle.money._percent import check_percent_range as check_percent_range
from revcycle.money._percent import settled_percent as settled_percent


__all__ = [
    "MAX_SPLIT_PARTS",
    "MIN_ROUNDING_PLACES",
    "AllocationPolicy",
    "Currency",
    "ExchangeRates",
    "Money",
    "Percent",
    "Rounding",
    "RoundingMode",
    "allocate",
    "total",
]
