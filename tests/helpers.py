"""Strategies and sample values that several test modules share.

Import them by name: ``from helpers import usd``. pytest puts ``tests/`` on ``sys.path``
(``pythonpath`` in ``pyproject.toml``), so this works from any directory and for one file.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from revcycle.approvals import ApprovalPolicy, DiscountAbove, MarginBelow, TotalAbove
from revcycle.catalog import Catalog, ChargeKind, PriceBook, Product
from revcycle.dates import Duration, Period
from revcycle.money import Money, Percent
from revcycle.pricing import (
    Discount,
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
from revcycle.proration import ProrationMethod
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


# --------------------------------------------------------------------------------------------
# Quotes: strategies over the sample catalog

SKUS = [p.sku for p in PRODUCTS]
percents = st.decimals(min_value=0, max_value=100, places=2).map(Percent)
channel_percents = st.decimals(min_value=0, max_value=50, places=2).map(Percent)


@st.composite
def quote_lines(draw: st.DrawFn, period: Period, amount_off: bool = True) -> QuoteLine:
    """A line of the sample catalog within ``period``, with any kind of discount or none
    (``amount_off=False``: no amount discount, for a quote where a line can be worth nothing)."""
    sku = draw(st.sampled_from(SKUS))
    quantity = draw(st.decimals(min_value=0, max_value=500, places=draw(st.integers(0, 2))))
    kind = draw(st.sampled_from(["none", "percent", "amount", "unit_price", "total"]))
    discount: Discount | None = None
    if kind == "percent":
        discount = Discount.percent(draw(percents))
    elif kind == "amount" and sku == "SEAT" and amount_off:
        # SEAT is at least 80.00 a year after volume: 80 / 366 > 0.21 for one day, and still
        # above 0.05 after partner and distributor discounts of at most 50 % each.
        discount = Discount.amount(usd(str(draw(st.decimals(0, "0.05", places=2)))))
    elif kind == "unit_price":
        discount = Discount.unit_price(usd(str(draw(st.decimals(0, 1000, places=4)))))
    elif kind == "total" and quantity > 0:
        discount = Discount.total(usd(str(draw(st.decimals(0, 10_000, places=2)))))
    start = end = None
    if draw(st.booleans()):
        days = period.days
        first = draw(st.integers(0, days - 1))
        last = draw(st.integers(first, days - 1))
        start = period.start + timedelta(days=first)
        end = period.start + timedelta(days=last)
    return QuoteLine(sku, quantity, discount=discount, start_date=start, end_date=end)


@st.composite
def quotes(draw: st.DrawFn, percent_only: bool = False) -> Quote:
    """A quote on the sample catalog under any order, channel discounts and approval policy
    (``percent_only``: no line discount but percents)."""
    start = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
    if draw(st.booleans()):
        duration = Duration(months=draw(st.integers(1, 36)))
        term: Duration | None = duration
        end_date = None
        period = Period(start, duration.after(start))
    else:
        term = None
        end_date = start + timedelta(days=draw(st.integers(0, 3 * 366)))
        period = Period.inclusive(start, end_date)
    method = draw(
        st.sampled_from(
            [
                ProrationMethod.MONTHLY_DAILY,
                ProrationMethod.CALENDAR_MONTHLY_DAILY,
                ProrationMethod.MONTHLY_ROUND_UP,
                ProrationMethod.DAILY,
                ProrationMethod.THIRTY_360,
            ]
        )
    )
    # Under 30/360 a single day on the 30th counts 0 days (D1 = 30, D2 = 31 -> 30), so a line
    # can be worth 0.00, and an amount off it is refused as more than its unit price.
    amount_off = method is not ProrationMethod.THIRTY_360
    drawn = draw(st.lists(quote_lines(period, amount_off), max_size=8))
    if percent_only:
        drawn = [
            line
            if line.discount is None or isinstance(line.discount.value, Percent)
            else line.with_discount(None)
            for line in drawn
        ]
    return Quote(
        "ACME",
        "USD",
        "Standard",
        start,
        drawn,
        term=term,
        end_date=end_date,
        proration_method=method,
        partner_discount=draw(st.none() | channel_percents),
        distributor_discount=draw(st.none() | channel_percents),
        additional_discount_last=draw(st.booleans()),
        partner_discount_first=draw(st.booleans()),
        approval_policy=ApprovalPolicy(
            [
                DiscountAbove(Percent("20"), "manager"),
                MarginBelow(Percent("40"), "finance"),
                TotalAbove(usd("50000"), "cfo"),
            ]
        ),
    )


def revcycle(*argv: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``revcycle ARGV`` in a subprocess, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "revcycle", *argv],
        capture_output=True,
        text=True,
        input=stdin,
        check=False,
    )
