"""Late interest: simple interest on a day count, rounded once, with dated rates and a fee."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import usd
from revcycle import errors
from revcycle.dates import DayCount
from revcycle.interest import DatedRate, LateCharge, late_interest
from revcycle.money import Money, Percent
from revcycle.serialization import dumps, loads


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))
amounts = st.integers(0, 10**10).map(lambda cents: Money.from_minor_units(cents, "USD"))
rates = st.decimals(min_value=0, max_value=40, places=2).map(Percent)
day_counts = st.sampled_from(list(DayCount))


# --------------------------------------------------------------------------------------------
# Properties


@given(amount=amounts, due=days, late=st.integers(-30, 800), rate=rates, basis=day_counts)
def test_one_rate_is_simple_interest_rounded_once(
    amount: Money, due: date, late: int, rate: Percent, basis: DayCount
) -> None:
    as_of = due + timedelta(days=late)
    charge = late_interest(amount, due, as_of, rate, day_count=basis)
    if late <= 0:
        assert charge.days == 0
        assert charge.interest.is_zero()
        return
    n = basis.days(due, as_of)
    exact = amount.amount * rate.value * n / (100 * basis.days_in_year)
    assert charge.days == n
    assert charge.interest == Money(exact, "USD").round()


@given(
    amount=amounts,
    due=days,
    late=st.integers(1, 800),
    rate=rates,
    cut=st.integers(-40, 840),
    basis=day_counts,
)
def test_a_rate_schedule_with_one_rate_changes_nothing(
    amount: Money, due: date, late: int, rate: Percent, cut: int, basis: DayCount
) -> None:
    # Splitting the late days at any date into two stretches at the same rate gives the same
    # interest: the day counts telescope (30E/360 too) and nothing is rounded per stretch.
    as_of = due + timedelta(days=late)
    start = min(due, due + timedelta(days=cut))
    schedule = [DatedRate(start, rate), DatedRate(due + timedelta(days=max(cut, 1) + 1), rate)]
    single = late_interest(amount, due, as_of, rate, day_count=basis)
    split = late_interest(amount, due, as_of, schedule, day_count=basis)
    assert split.interest == single.interest
    assert split.days == single.days
    assert sum(p.days for p in split.pieces) == split.days
    exact = sum((p.interest.amount for p in split.pieces), Decimal(0))
    assert Money(exact, "USD").round() == split.interest


@given(amount=amounts, due=days, a=st.integers(0, 400), b=st.integers(0, 400), rate=rates)
def test_interest_grows_with_time(amount: Money, due: date, a: int, b: int, rate: Percent) -> None:
    early, late = sorted((a, b))
    first = late_interest(amount, due, due + timedelta(days=early), rate)
    second = late_interest(amount, due, due + timedelta(days=late), rate)
    assert first.interest <= second.interest


@given(amount=amounts, due=days, late=st.integers(0, 400), rate=rates)
def test_late_charge_json_round_trip(amount: Money, due: date, late: int, rate: Percent) -> None:
    charge = late_interest(
        amount, due, due + timedelta(days=late), rate, fixed_fee=Money("40.00", "USD")
    )
    assert loads(dumps(charge), LateCharge) == charge


# --------------------------------------------------------------------------------------------
# Known answers


def test_issue_example_act_365() -> None:
    # Issue 5: 100.00 at 10 % a year for 30 days under ACT_365 → 0.82 (0.8219...).
    charge = late_interest(usd("100.00"), date(2024, 1, 31), date(2024, 3, 1), Percent("10"))
    assert charge.days == 30
    assert charge.interest == usd("0.82")
    assert charge.fixed_fee == usd("0.00")
    assert charge.total == usd("0.82")


def test_rounding_daily_first_would_drift() -> None:
    # Anchor §4: calculators that round the daily interest first drift by cents. The daily
    # interest on 100.00 at 10 % is 0.0274; rounded to 0.03 it would make 30 days 0.90.
    # Rounded once at the end it is 0.82.
    charge = late_interest(usd("100.00"), date(2024, 1, 1), date(2024, 1, 31), Percent("10"))
    assert charge.interest == usd("0.82")
    assert usd("0.03") * 30 == usd("0.90")


@pytest.mark.parametrize(
    ("basis", "due", "as_of", "days", "interest"),
    [
        # 100.00 at 10 %, 30 actual days: /365 → 0.8219 → 0.82; /360 → 0.8333 → 0.83.
        (DayCount.ACT_365, date(2024, 1, 31), date(2024, 3, 1), 30, "0.82"),
        (DayCount.ACT_360, date(2024, 1, 31), date(2024, 3, 1), 30, "0.83"),
        # 30E/360 counts Jan 31 as Jan 30: 30 × 2 + (1 − 30) = 31 days → 100 × 0.1 × 31/360
        # = 0.8611 → 0.86.
        (DayCount.THIRTY_360, date(2024, 1, 31), date(2024, 3, 1), 31, "0.86"),
        # A full 30E/360 year is 360 days: 10.00 exactly.
        (DayCount.THIRTY_360, date(2023, 6, 30), date(2024, 6, 30), 360, "10.00"),
        # Leap-year February under ACT_365 still divides by 365: 29 days → 0.7945 → 0.79.
        (DayCount.ACT_365, date(2024, 1, 31), date(2024, 2, 29), 29, "0.79"),
    ],
)
def test_day_counts(basis: DayCount, due: date, as_of: date, days: int, interest: str) -> None:
    charge = late_interest(usd("100.00"), due, as_of, Percent("10"), day_count=basis)
    assert charge.days == days
    assert charge.interest == usd(interest)


def test_erpnext_dunning_formula() -> None:
    # Anchor §2.10, ERPNext Dunning: outstanding × rate/100 × overdue days / 365.
    # 1,000.00 at 12 % for 45 days = 14.7945... → 14.79; dunning fee 10.00 on top.
    charge = late_interest(
        usd("1000.00"),
        date(2024, 3, 1),
        date(2024, 4, 15),
        Percent("12"),
        fixed_fee=usd("10.00"),
    )
    assert (charge.days, charge.interest, charge.total) == (45, usd("14.79"), usd("24.79"))


def test_eu_late_payment_rule() -> None:
    # Anchor §2.10, Directive 2011/7/EU: reference rate on 1 January (applies Jan–Jun) or
    # 1 July (Jul–Dec) + 8 points; 40 EUR per late invoice. ECB main refinancing rate
    # 4.50 % on 2024-01-01 and 4.25 % on 2024-07-01 → 12.50 % and 12.25 %.
    # 10,000.00 due 2024-05-31, paid 2024-08-30: June (30 days) at 12.50 %, July and
    # August to the 30th (61 days) at 12.25 %:
    # 10,000 × (12.50 × 30 + 12.25 × 61) / (100 × 365) = 10,000 × 1,122.25 / 36,500
    # = 307.4657... → 307.47, plus 40.00.
    eu = [
        DatedRate(date(2024, 1, 1), Percent("12.50")),
        DatedRate(date(2024, 7, 1), Percent("12.25")),
    ]
    charge = late_interest(
        Money("10000.00", "EUR"),
        date(2024, 5, 31),
        date(2024, 8, 30),
        eu,
        fixed_fee=Money("40.00", "EUR"),
    )
    assert charge.days == 91
    assert [(p.start, p.end, p.days) for p in charge.pieces] == [
        (date(2024, 5, 31), date(2024, 6, 30), 30),
        (date(2024, 6, 30), date(2024, 8, 30), 61),
    ]
    assert charge.interest == Money("307.47", "EUR")
    assert charge.total == Money("347.47", "EUR")
    assert "91 days late" in charge.explain()


def test_uk_late_payment_act() -> None:
    # Anchor §2.10, UK 1998 Act: base rate + 8 % simple, fixed sum £70 for £1,000–£9,999.99.
    # Base 5.25 % → 13.25 %; £5,000.00 for 60 days: 5,000 × 0.1325 × 60 / 365 = 108.904...
    charge = late_interest(
        Money("5000.00", "GBP"),
        date(2024, 3, 1),
        date(2024, 4, 30),
        Percent("13.25"),
        fixed_fee=Money("70.00", "GBP"),
    )
    assert (charge.days, charge.interest, charge.total) == (
        60,
        Money("108.90", "GBP"),
        Money("178.90", "GBP"),
    )


def test_not_late_owes_nothing() -> None:
    # Interest runs from the day after the due date: paid on the due date owes nothing,
    # and no fixed fee either.
    charge = late_interest(
        usd("100.00"), date(2024, 1, 31), date(2024, 1, 31), Percent("10"), fixed_fee=usd("40")
    )
    assert charge.days == 0
    assert charge.total == usd("0.00")
    one_day = late_interest(usd("100.00"), date(2024, 1, 31), date(2024, 2, 1), Percent("10"))
    assert one_day.days == 1


# --------------------------------------------------------------------------------------------
# Bad input


def test_bad_input() -> None:
    due, as_of = date(2024, 1, 1), date(2024, 2, 1)
    with pytest.raises(errors.ValidationError, match="negative"):
        late_interest(usd("-1.00"), due, as_of, Percent("10"))
    with pytest.raises(errors.FloatNotAllowedError):
        late_interest(usd("1.00"), due, as_of, 0.1)  # type: ignore[arg-type]
    with pytest.raises(errors.CurrencyMismatchError):
        late_interest(usd("1.00"), due, as_of, Percent("10"), fixed_fee=Money("40", "EUR"))
    with pytest.raises(errors.ValidationError, match="increasing"):
        late_interest(
            usd("1.00"),
            due,
            as_of,
            [DatedRate(date(2024, 1, 1), Percent("1")), DatedRate(date(2023, 1, 1), Percent("2"))],
        )
    with pytest.raises(errors.ValidationError, match="No rate is in force on 2024-01-02"):
        late_interest(usd("1.00"), due, as_of, [DatedRate(date(2024, 1, 15), Percent("1"))])
    with pytest.raises(errors.ValidationError, match="must not be negative, got -1%"):
        late_interest(usd("1.00"), due, as_of, [DatedRate(date(2023, 1, 1), Percent("-1"))])
    with pytest.raises(errors.ValidationError, match="at least one"):
        late_interest(usd("1.00"), due, as_of, [])
    with pytest.raises(errors.RevcycleTypeError):
        late_interest(usd("1.00"), "2024-01-01", as_of, Percent("1"))  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError):
        late_interest(Decimal("1"), due, as_of, Percent("1"))  # type: ignore[arg-type]
    with pytest.raises(errors.ValidationError, match="act_999"):
        late_interest(usd("1.00"), due, as_of, Percent("1"), day_count="act_999")


def test_bad_fee_rounding_and_rate_dates() -> None:
    # Found in review: a negative fee lowered the charge (40.03 − 80 …), a fee of 40.005 made
    # the total a fraction of a cent, rounding="up" raised a bare AttributeError and a dated
    # rate starting on a string a bare TypeError.
    due, as_of = date(2024, 1, 31), date(2024, 2, 1)
    with pytest.raises(errors.ValidationError, match="fixed fee must not be negative"):
        late_interest(usd("100.00"), due, as_of, Percent("10"), fixed_fee=usd("-40.00"))
    with pytest.raises(errors.ValidationError, match="minor units"):
        late_interest(usd("100.00"), due, as_of, Percent("10"), fixed_fee=usd("40.005"))
    with pytest.raises(errors.RevcycleTypeError, match="Rounding"):
        late_interest(usd("100.00"), due, as_of, Percent("10"), rounding="up")  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError, match=r"start must be a datetime.date"):
        DatedRate("2024-01-01", Percent("10"))  # type: ignore[arg-type]
    fee = late_interest(usd("100.00"), due, as_of, Percent("10"), fixed_fee=usd("40.00"))
    assert fee.total == usd("40.03")  # 100 × 10 % / 365 = 0.0274 → 0.03, plus 40.00


def test_a_rate_schedule_too_long_to_hold_is_refused_before_it_is_read() -> None:
    # found by the long fuzz run (issue 16): a range of 10**18 "dated rates" was turned into a
    # tuple (a MemoryError) before any size check.
    with pytest.raises(errors.ValidationError, match="at most 10,000,000 items"):
        late_interest(usd("100"), date(2024, 1, 1), date(2024, 3, 1), range(10**18))  # type: ignore[arg-type]
