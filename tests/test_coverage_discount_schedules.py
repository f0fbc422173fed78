"""Discount schedules with amount-off tiers, built from Salesforce-style bounds.

The schedule: RANGE, aggregated across the quote, Salesforce tiers (1, 11) no discount,
(11, 21) 1.00 off per unit, (21, -) 2.50 off per unit; inclusive ``up_to`` 10, 20, none. At a
list price of 10.00, 25 units all fall in tier 3 (a range schedule prices every unit at the
tier the quantity reaches): 10.00 − 2.50 = 7.50 a unit.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from revcycle import errors
from revcycle.money import Money, Percent
from revcycle.pricing import DiscountSchedule, DiscountTier


def usd(amount: str) -> Money:
    return Money(amount, "USD")


SCHEDULE = DiscountSchedule.from_bounds(
    "range", [(1, 11, None), (11, 21, usd("1.00")), (21, None, usd("2.50"))], aggregate=True
)


def test_amount_tiers_from_bounds() -> None:
    assert [(t.up_to, t.percent, t.amount) for t in SCHEDULE.tiers] == [
        (Decimal(10), None, None),
        (Decimal(20), None, usd("1.00")),
        (None, None, usd("2.50")),
    ]
    (row,) = SCHEDULE.breakdown(usd("10.00"), 25)
    assert (row.tier, row.units, row.discount_per_unit, row.unit_price) == (
        3,
        Decimal(25),
        usd("2.50"),
        usd("7.50"),
    )


def test_zero_units_have_no_tier_and_no_rows() -> None:
    assert SCHEDULE.tier_for(0) is None
    assert SCHEDULE.tier_for(15) == 2
    assert SCHEDULE.breakdown(usd("10.00"), 0) == ()


def test_the_html_names_the_aggregation_and_the_amounts_off() -> None:
    html = SCHEDULE._repr_html_()
    assert "<caption>Range discount schedule (quantity aggregated across the quote)" in html
    assert ">none<" in html
    assert ">2.50 USD off per unit<" in html


def test_an_amount_off_is_checked_against_the_price() -> None:
    with pytest.raises(errors.ValidationError, match=r"2\.50 USD per unit is more than .* 2\.00"):
        SCHEDULE.breakdown(usd("2.00"), 25)
    with pytest.raises(errors.CurrencyMismatchError, match=r"cannot apply to a EUR price"):
        SCHEDULE.breakdown(Money("10.00", "EUR"), 25)


def test_the_tiers_and_flags_are_checked() -> None:
    with pytest.raises(errors.RevcycleTypeError, match="sequence of DiscountTier values, not 'ab"):
        DiscountSchedule("range", "abc")  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError, match="must be a DiscountTier, not 5"):
        DiscountSchedule("range", [5])  # type: ignore[list-item]
    one = [DiscountTier(None, percent=Percent("5"))]
    with pytest.raises(errors.RevcycleTypeError, match="aggregate must be True or False, not 1"):
        DiscountSchedule("range", one, aggregate=1)  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError, match="Percent, Money or None, not '5%'"):
        DiscountSchedule.from_bounds("range", [(1, None, "5%")])  # type: ignore[list-item]
