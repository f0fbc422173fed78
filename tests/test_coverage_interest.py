"""Late interest's inputs at the edges: dated rates as text or refused, an empty or mixed
rate schedule, a fixed fee that is not Money, and a rate description given a number.

The worked charge: 1,000.00 USD due 2024-01-31, 30 days late on 2024-03-01, at 12 % a year,
Actual/365: 1,000 × 0.12 × 30 / 365 = 9.8630… → 9.86, plus a 25.00 fixed fee = 34.86.
"""

from __future__ import annotations

from datetime import date

import pytest

from revcycle import errors
from revcycle.interest import DatedRate, describe_rate, late_interest
from revcycle.money import Money, Percent


AMOUNT = Money("1000.00", "USD")
DUE, AS_OF = date(2024, 1, 31), date(2024, 3, 1)


def test_a_fixed_fee_is_added_to_the_rounded_interest() -> None:
    charge = late_interest(AMOUNT, DUE, AS_OF, Percent("12"), fixed_fee=Money("25.00", "USD"))
    assert (str(charge.interest), str(charge.total)) == ("9.86 USD", "34.86 USD")
    assert charge.explain().splitlines()[-2:] == ["  fixed fee: 25.00 USD", "  total: 34.86 USD"]


def test_a_fixed_fee_must_be_money() -> None:
    with pytest.raises(errors.RevcycleTypeError, match="A fixed fee must be Money, not '25'"):
        late_interest(AMOUNT, DUE, AS_OF, Percent("12"), fixed_fee="25")  # type: ignore[arg-type]


def test_a_rate_schedule_needs_dated_rates() -> None:
    with pytest.raises(errors.ValidationError, match="Give at least one dated rate"):
        late_interest(AMOUNT, DUE, AS_OF, [])
    with pytest.raises(errors.RevcycleTypeError, match="sequence of DatedRate values, not 'x'"):
        late_interest(AMOUNT, DUE, AS_OF, ["x"])  # type: ignore[list-item]


def test_a_dated_rate_reads_text_and_refuses_a_float() -> None:
    assert DatedRate(date(2024, 1, 1), "12").annual_rate == Percent("12")
    with pytest.raises(errors.RevcycleTypeError, match=r"must be a Percent, not 5\.0"):
        DatedRate(date(2024, 1, 1), 5.0)  # type: ignore[arg-type]


def test_describe_rate_refuses_a_bare_number() -> None:
    with pytest.raises(errors.RevcycleTypeError, match="A rate must be a Percent or None, not 5"):
        describe_rate(5)  # type: ignore[arg-type]
