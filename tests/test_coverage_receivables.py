"""Receivables' inputs refused at their edges, and late interest before anything is late.

1,000.00 USD invoiced 2024-01-01 on Net 30 is due 2024-01-31: as of 2024-01-15 nothing is late
and the interest is 0.00.
"""

from __future__ import annotations

from datetime import date

import pytest

from revcycle import errors
from revcycle.money import Money, Percent
from revcycle.receivables import aging, open_items, schedule_interest
from revcycle.terms import PaymentSchedule, PaymentTerms


def _schedule() -> PaymentSchedule:
    return PaymentTerms.parse("Net 30").schedule(date(2024, 1, 1), Money("1000.00", "USD"))


def test_nothing_is_late_before_the_due_date() -> None:
    late = schedule_interest(_schedule(), as_of=date(2024, 1, 15), rate=Percent("12"))
    assert late.interest == Money("0.00", "USD")
    assert "installment 1, due 2024-01-31, 1000.00 USD: nothing late" in late.explain()


def test_the_inputs_are_checked() -> None:
    with pytest.raises(errors.RevcycleTypeError, match="schedule must be PaymentSchedule, not 's'"):
        open_items("s", "INV-1", "acme")  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError, match="edges must be a sequence of ints, not '30"):
        aging([], date(2024, 3, 1), edges="30")  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError, match="needs payments as a list, not 'pay'"):
        schedule_interest(_schedule(), "pay", as_of=date(2024, 3, 31), rate=Percent("12"))  # type: ignore[arg-type]


def test_schedule_interest_refuses_more_payments_than_it_can_hold() -> None:
    # found by the long fuzz run (issue 16): payments=range(10**18) were turned into a tuple
    # (a MemoryError) before any size check.
    with pytest.raises(errors.ValidationError, match="at most 10,000,000 items"):
        schedule_interest(_schedule(), range(10**18), as_of=date(2024, 3, 31), rate=Percent("12"))  # type: ignore[arg-type]
