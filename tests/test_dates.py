"""Periods, durations, anchored schedules, aligned periods and day counts."""

from __future__ import annotations

import calendar
import itertools
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from revcycle import errors
from revcycle.dates import (
    DayCount,
    Duration,
    Period,
    aligned_periods,
    anchored_date,
    day_after,
    days_30e_360,
    schedule_index,
)
from revcycle.testing import dates, durations, periods


# --------------------------------------------------------------------------------------------
# Period


def test_period_basics() -> None:
    year = Period.inclusive(date(2025, 1, 1), date(2025, 12, 31))
    assert year == Period(date(2025, 1, 1), date(2026, 1, 1))
    assert year.days == 365
    assert year.last_day == date(2025, 12, 31)
    assert year.contains(date(2025, 12, 31))
    assert not year.contains(date(2026, 1, 1))  # the end is exclusive
    assert date(2025, 6, 1) in year
    assert year.contains(Period.of_month(2025, 2))
    assert Period.of_month(2024, 2).days == 29


def test_overlap_and_intersection_are_half_open() -> None:
    jan, feb = Period.of_month(2024, 1), Period.of_month(2024, 2)
    assert not jan.overlaps(feb)  # they touch at Feb 1, share no day
    assert jan.intersection(feb) is None
    span = Period(date(2024, 1, 20), date(2024, 2, 10))
    assert span.intersection(feb) == Period(date(2024, 2, 1), date(2024, 2, 10))
    assert span.overlaps(jan)
    assert span.overlaps(feb)


def test_split_at() -> None:
    first, second = Period.of_month(2024, 2).split_at(date(2024, 2, 15))
    assert (first.days, second.days) == (14, 15)
    for day in (date(2024, 2, 1), date(2024, 3, 1), date(2024, 5, 1)):
        with pytest.raises(errors.PeriodError):
            Period.of_month(2024, 2).split_at(day)


@pytest.mark.parametrize(
    ("start", "end"),
    [(date(2024, 1, 2), date(2024, 1, 1)), (date(2024, 1, 1), date(2024, 1, 1))],
)
def test_empty_or_reversed_periods_are_refused(start: date, end: date) -> None:
    with pytest.raises(errors.PeriodError, match="must end after it starts"):
        Period(start, end)


def test_period_refuses_datetimes_and_text() -> None:
    with pytest.raises(errors.RevcycleTypeError):
        Period(datetime(2024, 1, 1, tzinfo=UTC), date(2024, 2, 1))
    with pytest.raises(errors.RevcycleTypeError):
        Period("2024-01-01", date(2024, 2, 1))  # type: ignore[arg-type]


def test_period_repr_is_constructor_shaped() -> None:
    assert repr(Period.of_month(2024, 2)) == "Period(date(2024, 2, 1), date(2024, 3, 1))"
    assert str(Period.of_month(2024, 2)) == "[2024-02-01, 2024-03-01)"


@given(periods(), st.data())
def test_split_parts_partition_the_period(period: Period, data: st.DataObject) -> None:
    if period.days < 2:
        return
    day = period.start + timedelta(days=data.draw(st.integers(1, period.days - 1)))
    first, second = period.split_at(day)
    assert first.days + second.days == period.days
    assert first.end == second.start
    assert not first.overlaps(second)


# --------------------------------------------------------------------------------------------
# Duration


@pytest.mark.parametrize(
    ("text", "duration"),
    [
        ("P1M", Duration(months=1)),
        ("P1Y", Duration(years=1)),
        ("P1Y6M", Duration(years=1, months=6)),
        ("P2W", Duration(weeks=2)),
        ("P30D", Duration(days=30)),
        ("p3m", Duration(months=3)),
    ],
)
def test_duration_parse(text: str, duration: Duration) -> None:
    assert Duration.parse(text) == duration
    assert Duration.parse(str(duration)) == duration


@pytest.mark.parametrize("text", ["", "P", "1M", "PT1H", "P1.5M", "P-1M", "P0D", "month"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(errors.PeriodError):
        Duration.parse(text)


def test_duration_fields_are_checked() -> None:
    with pytest.raises(errors.PeriodError):
        Duration(months=-1)
    with pytest.raises(errors.RevcycleTypeError):
        Duration(months=1.5)  # type: ignore[arg-type]
    with pytest.raises(errors.PeriodError):
        Duration()
    with pytest.raises(errors.PeriodError):
        _ = Duration(days=30).total_months


@given(durations())
def test_duration_text_round_trips(duration: Duration) -> None:
    assert Duration.parse(str(duration)) == duration


# --------------------------------------------------------------------------------------------
# Anchored schedules: docs/explanation/periods-and-month-ends.md and issue 2 "Must show"


def test_month_end_anchor_known_answers() -> None:
    # issue 2: anchor 2024-01-31 monthly → 2024-02-29, 2024-03-31, 2024-04-30
    got = [anchored_date(date(2024, 1, 31), Duration(months=1), n) for n in range(1, 4)]
    assert got == [date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30)]
    # docs/explanation/periods-and-month-ends.md: Jan 31 gives Feb 28 in a common year, then
    # back to Mar 31
    assert anchored_date(date(2023, 1, 31), Duration(months=1), 1) == date(2023, 2, 28)
    assert anchored_date(date(2023, 1, 31), Duration(months=1), 2) == date(2023, 3, 31)
    assert anchored_date(date(2024, 1, 31), Duration(months=1), -2) == date(2023, 11, 30)


@pytest.mark.parametrize(
    "anchor",
    [date(2024, 1, 29), date(2024, 1, 30), date(2024, 1, 31), date(2023, 3, 31)],
)
def test_monthly_schedules_never_drift_over_ten_years(anchor: date) -> None:
    for n in range(121):
        day = anchored_date(anchor, Duration(months=1), n)
        last = calendar.monthrange(day.year, day.month)[1]
        assert day.day == min(anchor.day, last)
        assert (day.year * 12 + day.month) - (anchor.year * 12 + anchor.month) == n


def test_leap_day_anchor_returns_to_feb_29_every_leap_year() -> None:
    anchor = date(2024, 2, 29)
    for n in range(11):
        day = anchored_date(anchor, Duration(years=1), n)
        assert day.month == 2
        assert day.day == (29 if calendar.isleap(day.year) else 28)


@given(dates(), durations(), st.integers(-60, 60))
def test_schedule_index_inverts_anchored_date(anchor: date, step: Duration, n: int) -> None:
    day = anchored_date(anchor, step, n)
    assert schedule_index(anchor, step, day) == n
    assert anchored_date(anchor, step, schedule_index(anchor, step, day)) <= day


@given(periods(max_days=800), dates(), durations())
def test_aligned_periods_cover_the_span_contiguously(
    span: Period, anchor: date, step: Duration
) -> None:
    pieces = aligned_periods(span, anchor, step)
    assert pieces[0].period.start == span.start
    assert pieces[-1].period.end == span.end
    for a, b in itertools.pairwise(pieces):
        assert a.period.end == b.period.start
        assert a.full.end == b.full.start
        assert b.index == a.index + 1
    for piece in pieces:
        assert piece.full.contains(piece.period)
        assert piece.full.start == anchored_date(anchor, step, piece.index)
    # only the first piece can start late, only the last can end early
    assert not any(p.leading_stub for p in pieces[1:])
    assert not any(p.trailing_stub for p in pieces[:-1])


def test_aligned_periods_flag_stubs_with_their_full_period() -> None:
    span = Period(date(2024, 1, 15), date(2024, 3, 10))
    pieces = aligned_periods(span, date(2023, 12, 1), Duration(months=1))
    assert [(str(p.period), str(p.full), p.leading_stub, p.trailing_stub) for p in pieces] == [
        ("[2024-01-15, 2024-02-01)", "[2024-01-01, 2024-02-01)", True, False),
        ("[2024-02-01, 2024-03-01)", "[2024-02-01, 2024-03-01)", False, False),
        ("[2024-03-01, 2024-03-10)", "[2024-03-01, 2024-04-01)", False, True),
    ]


# --------------------------------------------------------------------------------------------
# Day counts


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        # 30E/360: day 31 becomes 30 at either end (ISDA 2006 §4.16(g), "Eurobond basis")
        (date(2024, 1, 31), date(2024, 2, 29), 29),
        (date(2024, 1, 30), date(2024, 3, 31), 60),
        (date(2024, 2, 1), date(2024, 3, 1), 30),
        (date(2024, 1, 1), date(2025, 1, 1), 360),
        (date(2024, 2, 28), date(2024, 3, 1), 3),
    ],
)
def test_30e_360_days(start: date, end: date, days: int) -> None:
    assert days_30e_360(start, end) == days
    assert DayCount.THIRTY_360.days(start, end) == days


def test_year_fractions() -> None:
    jan = (date(2024, 1, 1), date(2024, 1, 31))
    assert DayCount.ACT_365.year_fraction(*jan) == Fraction(30, 365)
    assert DayCount.ACT_360.year_fraction(*jan) == Fraction(30, 360)
    # 30E/360: Jan 31 counts as day 30, so Jan 1 → Jan 31 is 29 days
    assert DayCount.THIRTY_360.year_fraction(*jan) == Fraction(29, 360)


@given(dates(), st.integers(0, 2000), st.integers(0, 2000))
def test_30e_360_telescopes(a: date, x: int, y: int) -> None:
    b, c = a + timedelta(days=x), a + timedelta(days=x + y)
    assert days_30e_360(a, b) + days_30e_360(b, c) == days_30e_360(a, c)
    assert days_30e_360(a, b) >= 0


# --------------------------------------------------------------------------------------------
# Month ends over ten years as a property (issue 2 "Must show": anchors on the 29th, 30th, 31st
# and Feb 29, over 10 years)


@given(
    st.sampled_from([29, 30, 31]),
    st.integers(1, 12),
    st.integers(1990, 2090),
    st.sampled_from([1, 2, 3, 6, 12]),
)
def test_month_end_anchors_never_drift(day: int, month: int, year: int, months: int) -> None:
    last = calendar.monthrange(year, month)[1]
    anchor = date(year, month, min(day, last))
    for n in range(121 // months + 1):  # ten years of steps
        got = anchored_date(anchor, Duration(months=months), n)
        assert (got.year * 12 + got.month) - (year * 12 + month) == n * months
        assert got.day == min(anchor.day, calendar.monthrange(got.year, got.month)[1])


def test_a_monthly_schedule_from_feb_29_returns_to_the_29th() -> None:
    got = [anchored_date(date(2024, 2, 29), Duration(months=1), n) for n in (0, 1, 12, 24, 48)]
    assert got == [
        date(2024, 2, 29),
        date(2024, 3, 29),
        date(2025, 2, 28),
        date(2026, 2, 28),
        date(2028, 2, 29),
    ]


# --------------------------------------------------------------------------------------------
# Bad input found in the issue 2 audit: each raised a bare Python error before


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: Period.of_month(2024, 13), errors.PeriodError),  # was ValueError
        (lambda: Period.of_month("2024", 1), errors.RevcycleTypeError),  # type: ignore[arg-type]  # was TypeError
        (lambda: Period.of_month(9999, 12), errors.PeriodError),  # was OverflowError
        (lambda: Period.inclusive(date(9999, 1, 1), date.max), errors.PeriodError),
        (lambda: Period.of_month(2024, 1).contains("2024-01-05"), errors.RevcycleTypeError),  # type: ignore[arg-type]
        (lambda: Period.of_month(2024, 1).overlaps(None), errors.RevcycleTypeError),  # type: ignore[arg-type]
        (lambda: Period.of_month(2024, 1).intersection(5), errors.RevcycleTypeError),  # type: ignore[arg-type]
        (lambda: Period.of_month(2024, 1).split_at("2024-01-05"), errors.RevcycleTypeError),  # type: ignore[arg-type]
        (lambda: Duration.parse("P" + "9" * 5000 + "M"), errors.PeriodError),  # was ValueError
        (lambda: Duration.parse("P\uff11M"), errors.PeriodError),  # ISO 8601 digits are ASCII
        (lambda: anchored_date("2024-01-01", Duration(months=1), 1), errors.RevcycleTypeError),  # type: ignore[arg-type]
        # a datetime used to come back as a datetime: a schedule is made of days
        (
            lambda: anchored_date(datetime(2024, 1, 31, 9, tzinfo=UTC), Duration(months=1), 1),
            errors.RevcycleTypeError,
        ),
        (
            lambda: schedule_index(date(2024, 1, 1), None, date(2024, 2, 1)),  # type: ignore[arg-type]
            errors.RevcycleTypeError,
        ),
        (
            lambda: aligned_periods(None, date(2024, 1, 1), Duration(months=1)),  # type: ignore[arg-type]
            errors.RevcycleTypeError,
        ),
        (lambda: days_30e_360("2024-01-01", date(2024, 2, 1)), errors.RevcycleTypeError),  # type: ignore[arg-type]
        (lambda: DayCount.ACT_365.days(date(2024, 1, 1), "x"), errors.RevcycleTypeError),  # type: ignore[arg-type]
    ],
)
def test_bad_input_raises_revcycle_errors(call: object, error: type[Exception]) -> None:
    with pytest.raises(error) as info:
        call()  # type: ignore[operator]
    assert str(info.value).endswith(".")


def test_schedule_index_at_the_end_of_the_calendar() -> None:
    # the next schedule date lies past 9999-12-31, which is certainly after the day asked about
    assert schedule_index(date(1, 1, 1), Duration(days=1), date(9999, 12, 31)) == 3652058
    assert schedule_index(date(9999, 1, 1), Duration(months=1), date(9999, 12, 30)) == 11


@pytest.mark.parametrize(
    "n",
    [10**4300, -(10**100_000), 10**40, 3_652_059, -3_652_059],
    ids=["1e4300", "-1e100000", "1e40", "past the last day", "before the first day"],
)
@pytest.mark.parametrize("step", [Duration(months=12), Duration(days=1)])
def test_a_step_count_past_the_calendar_is_a_short_period_error(n: int, step: Duration) -> None:
    # Found by the long fuzz run (issue 16): a 10^4300 step count overflowed date(), and the
    # PeriodError's message put the count in raw, so str() of the int escaped as a ValueError
    # ("Exceeds the limit (4300 digits) for integer string conversion").
    with pytest.raises(errors.PeriodError, match="falls outside the supported calendar") as info:
        anchored_date(date(2000, 1, 1), step, n)
    assert len(str(info.value)) < 200


def test_a_long_subject_keeps_day_afters_message_short() -> None:
    # The same rule for a caller's text: a 100,000-character subject is shown bounded.
    with pytest.raises(errors.PeriodError, match="the day after it is outside") as info:
        day_after(date.max, "x" * 100_000)
    assert len(str(info.value)) < 500
