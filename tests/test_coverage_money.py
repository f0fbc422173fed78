"""Money's edges that the behaviour tests did not reach: operators given a number are refused
with the fix in the message, non-finite and Money multipliers are refused, and the module
functions check their input."""

from __future__ import annotations

import operator
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from revcycle import errors
from revcycle.money import Money, allocate, total


ONE = Money("1.00", "USD")


@pytest.mark.parametrize(
    ("op", "verb"),
    [
        (operator.add, "add"),
        (operator.sub, "subtract"),
        (operator.lt, "compare"),
        (operator.le, "compare"),
        (operator.gt, "compare"),
        (operator.ge, "compare"),
    ],
)
def test_operators_with_a_number_say_what_to_use(
    op: Callable[[Any, Any], object], verb: str
) -> None:
    # Still a TypeError (RevcycleTypeError is one), with the fix in its message.
    with pytest.raises(errors.RevcycleTypeError, match=f"^Cannot {verb} money and 1; use Money"):
        op(ONE, 1)


def test_a_non_finite_decimal_multiplier_is_refused() -> None:
    for factor in (Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")):
        with pytest.raises(errors.ValidationError, match="must be a finite number"):
            ONE * factor


def test_money_times_money_is_refused() -> None:
    with pytest.raises(errors.RevcycleTypeError, match="Cannot multiply two amounts of money"):
        ONE * ONE  # type: ignore[operator]


def test_allocate_and_total_check_their_input() -> None:
    with pytest.raises(errors.RevcycleTypeError, match=r"allocate\(\) needs a Money amount"):
        allocate(Decimal("1"), [1, 1])  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError, match=r"total\(\) sums Money values, not 1"):
        total([ONE, 1])  # type: ignore[list-item]
    # The parts of 1.00 by 1:1 are 0.50 and 0.50, and they total the whole.
    assert total(allocate(ONE, [1, 1])) == ONE
