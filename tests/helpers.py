"""Strategies and sample values that several test modules share.

Import them by name: ``from helpers import usd``. pytest puts ``tests/`` on ``sys.path``
(``pythonpath`` in ``pyproject.toml``), so this works from any directory and for one file.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from revcycle.catalog import Catalog, ChargeKind, PriceBook, Product
from revcycle.dates import Duration, Period
from revcycle.money import Money, Percent
from revcycle.pricing import (
    DiscountSchedule,
    DiscountTier,
    Flat,
    Graduated,
    Package,
    PerUnit,
    ScheduleKind,
    Stairstep,
    Tier,
    Volume,
)
from revcycle.quotes import PricedLine, Quote, QuoteLine, price_quote


def usd(amount: str) -> Money:
    """An amount in US dollars."""
    return Money(amount, "USD")


# --------------------------------------------------------------------------------------------
# Junk: a value of any type but the right one, for "bad input raises only RevcycleError"

JUNK: st.SearchStrategy[object] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=6),
    st.lists(st.integers(), max_size=2),
    st.dates(),
    st.datetimes(),
)
"""Values of every wrong type: none, bools, ints, floats (NaN too), text, lists, dates and
naive datetimes."""


# --------------------------------------------------------------------------------------------
# Usage: the billing period of the usage tests

JAN = Period.of_month(2024, 1)
JAN_START = datetime(2024, 1, 1, tzinfo=UTC)


# --------------------------------------------------------------------------------------------
# Quotes: the sample catalog every quote test prices against

RANGE = DiscountSchedule(
    ScheduleKind.RANGE,
    [
        DiscountTier(Decimal("9")),
        DiscountTier(Decimal("49"), percent=Percent("10")),
        DiscountTier(None, percent=Percent("20")),
    ],
)
SLAB = DiscountSchedule(
    ScheduleKind.SLAB,
    [DiscountTier(Decimal("20")), DiscountTier(None, percent=Percent("5"))],
)
TIERS = [
    Tier(Decimal("5"), unit_price=usd("7.00")),
    Tier(Decimal("10"), unit_price=usd("6.50")),
    Tier(None, unit_price=usd("6.00")),
]

PRODUCTS = [
    Product(
        "SEAT",
        "Seat",
        ChargeKind.RECURRING,
        Duration(months=12),
        cost=usd("30"),
        discount_schedule=RANGE,
    ),
    Product("SUPPORT", "Support", ChargeKind.RECURRING, Duration(months=12), cost=usd("600")),
    Product("STORAGE", "Storage", ChargeKind.RECURRING, Duration(months=1)),
    Product("LIC", "Licence", ChargeKind.RECURRING, Duration(years=1), discount_schedule=SLAB),
    Product("ONBOARD", "Onboarding", ChargeKind.ONE_TIME, None, cost=usd("2500")),
    Product("HW", "Hardware", ChargeKind.ONE_TIME, None),
    Product("API", "API calls", ChargeKind.USAGE, None),
]
BOOK = PriceBook(
    "Standard",
    "USD",
    prices={
        "SEAT": PerUnit(usd("100.00")),
        "SUPPORT": Flat(usd("1200.00")),
        "STORAGE": Package(Decimal("100"), usd("25.00")),
        "LIC": Volume(TIERS),
        "ONBOARD": Flat(usd("5000.00")),
        "HW": Stairstep(
            [
                Tier(Decimal("10"), flat_price=usd("100")),
                Tier(Decimal("50"), flat_price=usd("400")),
            ],
            overage_unit_price=usd("7.50"),
        ),
        "API": Graduated(TIERS),
    },
)
CATALOG = Catalog(PRODUCTS, [BOOK])
START = date(2025, 1, 1)


def quote(*lines: QuoteLine, **options: Any) -> Quote:
    """A quote for ACME on the sample price book from :data:`START`, 12 months unless a term
    or an end date is given."""
    if "term" not in options and "end_date" not in options:
        options["term"] = Duration(months=12)
    return Quote("ACME", "USD", "Standard", START, lines, **options)


def one_line(line: QuoteLine, **options: Any) -> PricedLine:
    """``line`` priced alone on :data:`CATALOG`."""
    return price_quote(quote(line, **options), CATALOG).lines[0]
