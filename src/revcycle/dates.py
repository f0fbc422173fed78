"""Calendar periods that never drift: half-open periods, calendar durations, anchored schedules.

Conventions (docs/explanation/periods-and-month-ends.md):

* A :class:`Period` is half-open, ``[start, end)``; :meth:`Period.inclusive` builds one from an
  inclusive last day, the way CPQ users write terms.
* A :class:`Duration` is a calendar step (months, years, weeks, days).
* The n-th date of a schedule is ``anchor + n × step`` computed from the anchor, with month
  ends clamped: anchor Jan 31 gives Feb 29 (or 28), Mar 31, Apr 30 — never drifting to the 28th.
* There is no global "today": every function that needs a date takes it.

>>> from datetime import date
>>> [anchored_date(date(2024, 1, 31), Duration(months=1), n) for n in (1, 2, 3)]
[datetime.date(2024, 2, 29), datetime.date(2024, 3, 31), datetime.date(2024, 4, 30)]
>>> Period.inclusive(date(2025, 1, 1), date(2025, 12, 31)).days
365
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from typing import Final, final

import attrs
from dateutil.relativedelta import relativedelta

from revcycle._validate import (
    check_annotated,
    check_arguments,
    check_day,
    check_whole,
    require_aware,
    require_day,
)
from revcycle.errors import PeriodError, RevcycleTypeError, shown


__all__ = [
    "CALENDAR",
    "DayCount",
    "Duration",
    "Period",
    "SchedulePeriod",
    "aligned_periods",
    "anchored_date",
    "day_after",
    "days_30e_360",
    "iter_aligned_periods",
    "schedule_index",
]


CALENDAR: Final = "the supported calendar (0001-01-01 to 9999-12-31)"
"""The days revcycle can count: Python's ``date.min`` to ``date.max``. A date computed past
either end (the day after 9999-12-31) is a :class:`~revcycle.errors.PeriodError` naming it."""


def _subject(what: str) -> str:
    """A caller's name for a value, as the subject of a message: as given when it is short,
    else shown bounded (a message stays short, whatever text names its subject)."""
    return what if len(what) <= 120 else shown(what)


@check_arguments
def day_after(day: date, what: str = "A period's last day") -> date:
    """The day after ``day``, or a :class:`~revcycle.errors.PeriodError` naming the calendar's
    last day when ``day`` is 9999-12-31 (``what`` names the day in that sentence)."""
    if day == date.max:
        raise PeriodError(
            f"{_subject(what)} cannot be {day.isoformat()}: the day after it is outside {CALENDAR}."
        )
    return day + timedelta(days=1)


# A period is a range of calendar days, so a datetime (a subclass of date) is refused. The check
# is by type name, as it always was here (see revcycle._validate.is_day).
_check_date: Final = check_day("Period {field}")


# --------------------------------------------------------------------------------------------
# Period


@final
@attrs.frozen(repr=False, order=True)
class Period:
    """A half-open range of calendar days, ``[start, end)``: ``end`` is the first day after it.

    >>> from datetime import date
    >>> feb = Period(date(2024, 2, 1), date(2024, 3, 1))
    >>> feb.days, feb.last_day
    (29, datetime.date(2024, 2, 29))
    >>> feb.split_at(date(2024, 2, 15))
    (Period(date(2024, 2, 1), date(2024, 2, 15)), Period(date(2024, 2, 15), date(2024, 3, 1)))
    """

    start: date = attrs.field(validator=_check_date)
    end: date = attrs.field(validator=_check_date)

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise PeriodError(
                f"A period must end after it starts; got start {self.start.isoformat()} and "
                f"end {self.end.isoformat()} (the end is exclusive)."
            )

    @classmethod
    def inclusive(cls, start: date, last_day: date) -> Period:
        """Build from an inclusive last day: ``inclusive(2025-01-01, 2025-12-31)`` is one year."""
        _check_date(None, attrs.fields(Period).end, last_day)
        return cls(start, day_after(last_day))

    @classmethod
    def of_month(cls, year: int, month: int) -> Period:
        """The calendar month ``year-month``."""
        for value, what, low, high in ((year, "year", 1, 9999), (month, "month", 1, 12)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise RevcycleTypeError(
                    f"Period.of_month() {what} must be an int, not {shown(value)}."
                )
            if not low <= value <= high:
                raise PeriodError(
                    f"Period.of_month() {what} must be from {low} to {high}, got {shown(value)}."
                )
        if (year, month) == (9999, 12):
            raise PeriodError(f"December 9999 ends outside {CALENDAR}.")
        start = date(year, month, 1)
        return cls(start, start + relativedelta(months=1))

    @property
    def days(self) -> int:
        """The number of days in the period."""
        return (self.end - self.start).days

    @property
    def last_day(self) -> date:
        """The last day inside the period (``end`` minus one day)."""
        return self.end - timedelta(days=1)

    def contains(self, item: date | Period) -> bool:
        """True when a day, or a whole period, lies inside this one."""
        if isinstance(item, Period):
            return self.start <= item.start and item.end <= self.end
        return self.start <= require_day(item, "A day tested against a period") < self.end

    def __contains__(self, item: object) -> bool:
        return isinstance(item, date | Period) and self.contains(item)

    def overlaps(self, other: Period) -> bool:
        """True when the two periods share at least one day."""
        _require_period(other, "overlaps()")
        return self.start < other.end and other.start < self.end

    def intersection(self, other: Period) -> Period | None:
        """The days both periods share, or ``None`` when they share none."""
        _require_period(other, "intersection()")
        start, end = max(self.start, other.start), min(self.end, other.end)
        return Period(start, end) if start < end else None

    def split_at(self, day: date) -> tuple[Period, Period]:
        """Split into ``[start, day)`` and ``[day, end)``; ``day`` must lie strictly inside."""
        if not self.start < require_day(day, "The day to split a period at") < self.end:
            raise PeriodError(
                f"Cannot split {self} at {day.isoformat()}: the day must be after the start "
                "and before the exclusive end."
            )
        return Period(self.start, day), Period(day, self.end)

    def __repr__(self) -> str:
        def show(day: date) -> str:
            return f"date({day.year}, {day.month}, {day.day})"

        return f"Period({show(self.start)}, {show(self.end)})"

    def __str__(self) -> str:
        return f"[{self.start.isoformat()}, {self.end.isoformat()})"


def _require_period(value: object, where: str) -> Period:
    if not isinstance(value, Period):
        raise RevcycleTypeError(f"{where} needs a Period, not {shown(value)}.")
    return value


def _require_step(value: object) -> Duration:
    if not isinstance(value, Duration):
        raise RevcycleTypeError(f"A schedule step must be a Duration, not {shown(value)}.")
    return value


# --------------------------------------------------------------------------------------------
# Duration


_at_least_zero: Final = check_whole(0, what="Duration {field}", error=PeriodError)
# A step longer than the calendar (0001-01-01 to 9999-12-31) could never be taken.
_MAX_STEPS: Final = {"years": 9_999, "months": 119_988, "weeks": 521_722, "days": 3_652_059}


def _non_negative_int(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    _at_least_zero(instance, attribute, value)
    most = _MAX_STEPS[attribute.name]
    if value > most:  # type: ignore[operator]
        raise PeriodError(
            f"Duration {attribute.name} must be at most {most:,}, got {shown(value)}: a longer "
            f"step would leave {CALENDAR}."
        )


_ISO_DURATION: Final = re.compile(
    r"P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?",
    re.ASCII,
)


@final
@attrs.frozen(kw_only=True, repr=False)
class Duration:
    """A calendar step: whole years, months, weeks and days (not a fixed number of seconds).

    ``Duration(months=1)`` added to Jan 31 gives the last day of February. ISO 8601 text
    round-trips: ``Duration.parse("P1Y6M")``, ``str(Duration(months=3)) == "P3M"``.

    >>> Duration.parse("P18M").total_months
    18
    >>> str(Duration(years=1))
    'P1Y'
    """

    years: int = attrs.field(default=0, validator=_non_negative_int)
    months: int = attrs.field(default=0, validator=_non_negative_int)
    weeks: int = attrs.field(default=0, validator=_non_negative_int)
    days: int = attrs.field(default=0, validator=_non_negative_int)

    def __attrs_post_init__(self) -> None:
        if not (self.years or self.months or self.weeks or self.days):
            raise PeriodError("A duration must be longer than zero; got P0D.")

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Read an ISO 8601 calendar duration such as ``P1M``, ``P1Y6M``, ``P2W`` or ``P30D``.

        Times of day (``PT1H``) and fractions are refused: billing steps are whole days.
        """
        if not isinstance(text, str):
            raise RevcycleTypeError(f"Duration.parse() needs a str, not {shown(text)}.")
        match = _ISO_DURATION.fullmatch(text.strip().upper())
        if match is None or not any(match.groupdict().values()):
            raise PeriodError(
                f"Cannot read {shown(text)} as a calendar duration; expected ISO 8601 text such as "
                "'P1M', 'P1Y', 'P2W' or 'P30D' (whole years, months, weeks and days only)."
            )
        try:
            parts = {k: int(v) for k, v in match.groupdict().items() if v is not None}
        except ValueError:  # more digits than int() reads
            raise PeriodError(
                f"The duration {shown(text[:40])}… has far too many digits."
            ) from None
        return cls(**parts)

    @property
    def is_month_based(self) -> bool:
        """True when the step is whole months and years only (no weeks or days)."""
        return not (self.weeks or self.days)

    @property
    def total_months(self) -> int:
        """The step in months; only for month-based durations."""
        if not self.is_month_based:
            raise PeriodError(f"{self} is not a whole number of months.")
        return self.years * 12 + self.months

    @check_arguments
    def times(self, n: int) -> relativedelta:
        """The offset of ``n`` steps, as a :class:`dateutil.relativedelta.relativedelta`."""
        return relativedelta(
            years=self.years * n,
            months=self.months * n,
            days=(self.weeks * 7 + self.days) * n,
        )

    @check_arguments
    def after(self, day: date, n: int = 1) -> date:
        """``day + n × self``, month ends clamped."""
        return anchored_date(day, self, n)

    def __str__(self) -> str:
        text = "P"
        for value, letter in (
            (self.years, "Y"),
            (self.months, "M"),
            (self.weeks, "W"),
            (self.days, "D"),
        ):
            if value:
                text += f"{value}{letter}"
        return text

    def __repr__(self) -> str:
        return f"Duration.parse({shown(str(self))})"


# --------------------------------------------------------------------------------------------
# Anchored schedules


def anchored_date(anchor: date, step: Duration, n: int) -> date:
    """The n-th date of the schedule ``anchor + n × step`` (n may be negative).

    Always computed from the anchor, never by adding steps one after another, so a schedule
    anchored on the 31st returns to the 31st in every month that has one.

    >>> from datetime import date
    >>> anchored_date(date(2024, 2, 29), Duration(years=1), 1)
    datetime.date(2025, 2, 28)
    >>> anchored_date(date(2024, 2, 29), Duration(years=1), 4)
    datetime.date(2028, 2, 29)
    """
    _require_step(step)
    if type(anchor) is not date:
        require_day(anchor, "A schedule anchor")
    if isinstance(n, bool) or not isinstance(n, int):
        raise RevcycleTypeError(f"The step count must be an int, not {shown(n)}.")
    if not -_CALENDAR_DAYS <= n <= _CALENDAR_DAYS:
        # Every step is at least a day, so this many lands outside the calendar: said before
        # any arithmetic on a count of any size.
        raise PeriodError(f"{anchor.isoformat()} + {shown(n)} × {step} falls outside {CALENDAR}.")
    try:
        if step.weeks or step.days:
            result: date = anchor + step.times(n)
        else:
            # Whole months: the month n steps on, the day clamped to its last day, as
            # ``relativedelta`` does it, with integer arithmetic (about a tenth of the cost).
            year, month = divmod(anchor.month - 1 + (step.years * 12 + step.months) * n, 12)
            year += anchor.year
            day = anchor.day
            if day > 28:
                day = min(day, _month_days(year, month + 1))
            result = date(year, month + 1, day)
    except (OverflowError, ValueError):
        raise PeriodError(
            f"{anchor.isoformat()} + {shown(n)} × {step} falls outside {CALENDAR}."
        ) from None
    return result


_CALENDAR_DAYS: Final = (date.max - date.min).days
"""The days from the calendar's first to its last: no step count beyond it stays inside."""


def _month_days(year: int, month: int) -> int:
    """The number of days of ``month`` of ``year``."""
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def schedule_index(anchor: date, step: Duration, day: date) -> int:
    """The largest n with ``anchored_date(anchor, step, n) <= day``.

    With ``anchor`` as a start date this counts the whole steps from it to ``day``:

    >>> from datetime import date
    >>> schedule_index(date(2024, 1, 31), Duration(months=1), date(2024, 2, 29))
    1
    >>> schedule_index(date(2024, 1, 31), Duration(months=1), date(2024, 2, 28))
    0
    """
    _require_step(step)
    require_day(anchor, "A schedule anchor")
    require_day(day, "The day to place on a schedule")
    if step.is_month_based:
        months = step.total_months
        n = ((day.year - anchor.year) * 12 + day.month - anchor.month) // months
    else:
        n = (day - anchor).days // (step.weeks * 7 + step.days)
    # The estimate is off by at most one or two steps near month ends; settle it exactly.
    while anchored_date(anchor, step, n) > day:
        n -= 1
    while _at_or_before(anchor, step, n + 1, day):
        n += 1
    return n


def _at_or_before(anchor: date, step: Duration, n: int, day: date) -> bool:
    """True when the n-th schedule date exists and is not after ``day``."""
    try:
        return anchored_date(anchor, step, n) <= day
    except PeriodError:  # past the end of the calendar, so certainly after ``day``
        return n < 0


@final
@attrs.frozen(kw_only=True, field_transformer=check_annotated)
class SchedulePeriod:
    """One piece of a span cut along an anchored schedule.

    ``period`` is the part inside the span; ``full`` is the whole aligned period it belongs
    to (``anchor + index × step`` to the next schedule date). A piece shorter than its full
    period is a stub: ``leading_stub`` at the span's start, ``trailing_stub`` at its end.
    """

    index: int
    period: Period
    full: Period

    @property
    def is_partial(self) -> bool:
        """True when the piece is shorter than its aligned period."""
        return self.period != self.full

    @property
    def leading_stub(self) -> bool:
        """True when the piece starts after its aligned period starts."""
        return self.period.start > self.full.start

    @property
    def trailing_stub(self) -> bool:
        """True when the piece ends before its aligned period ends."""
        return self.period.end < self.full.end


def aligned_periods(span: Period, anchor: date, step: Duration) -> tuple[SchedulePeriod, ...]:
    """Cut ``span`` along the schedule ``anchor + n × step``.

    The anchor may lie before, inside or after the span. Each piece knows the full aligned
    period it belongs to, so billing can prorate a stub against its real period length.

    >>> from datetime import date
    >>> span = Period(date(2024, 1, 15), date(2024, 4, 1))
    >>> [(str(p.period), p.leading_stub) for p in aligned_periods(span, date(2024, 1, 1),
    ...                                                             Duration(months=1))]
    [('[2024-01-15, 2024-02-01)', True), ('[2024-02-01, 2024-03-01)', False),
     ('[2024-03-01, 2024-04-01)', False)]
    """
    return tuple(iter_aligned_periods(span, anchor, step))


def iter_aligned_periods(span: Period, anchor: date, step: Duration) -> Iterator[SchedulePeriod]:
    """Lazily yield what :func:`aligned_periods` returns."""
    _require_period(span, "aligned_periods()")
    n = schedule_index(anchor, step, span.start)
    lower = anchored_date(anchor, step, n)
    while lower < span.end:
        upper = anchored_date(anchor, step, n + 1)
        if upper <= lower:  # cannot happen for a positive step; guards an endless loop
            raise PeriodError(f"The schedule step {step} does not advance from {lower}.")
        full = Period(lower, upper)
        piece = full.intersection(span)
        if piece is not None:
            yield SchedulePeriod(index=n, period=piece, full=full)
        n += 1
        lower = upper


# --------------------------------------------------------------------------------------------
# Day counts


def days_30e_360(start: date, end: date) -> int:
    """Days between two dates under 30E/360 (Eurobond basis): every month has 30 days.

    Day 31 counts as day 30 at either end. The count telescopes: for a ≤ b ≤ c,
    ``days(a, b) + days(b, c) == days(a, c)``.

    >>> from datetime import date
    >>> days_30e_360(date(2024, 2, 1), date(2024, 3, 1))
    30
    """
    require_day(start, "A 30E/360 start")
    require_day(end, "A 30E/360 end")
    d1, d2 = min(start.day, 30), min(end.day, 30)
    return 360 * (end.year - start.year) + 30 * (end.month - start.month) + (d2 - d1)


class DayCount(enum.StrEnum):
    """How many days lie between two dates, and how many make a year (for interest).

    ``ACT_365``: actual days over 365 (fixed, leap years too). ``ACT_360``: actual days over
    360. ``THIRTY_360``: 30E/360 days over 360.

    >>> from datetime import date
    >>> DayCount.ACT_365.year_fraction(date(2024, 1, 1), date(2024, 1, 31))
    Fraction(6, 73)
    """

    ACT_365 = "act_365"
    ACT_360 = "act_360"
    THIRTY_360 = "thirty_360"

    def days(self, start: date, end: date) -> int:
        """Days from ``start`` to ``end`` (``end`` exclusive) under this convention."""
        if self is DayCount.THIRTY_360:
            return days_30e_360(start, end)
        return (require_day(end, "A day-count end") - require_day(start, "A day-count start")).days

    @property
    def days_in_year(self) -> int:
        """The year's length in days under this convention."""
        return 365 if self is DayCount.ACT_365 else 360

    def year_fraction(self, start: date, end: date) -> Fraction:
        """The exact share of a year from ``start`` to ``end``."""
        return Fraction(self.days(start, end), self.days_in_year)


# --------------------------------------------------------------------------------------------
# As of a day or an instant


def as_of_instant(at: date | datetime) -> datetime:
    """The last instant an ``as_of`` argument covers: an aware datetime itself, or a date's
    last microsecond in UTC (the whole day counts).

    >>> as_of_instant(date(2025, 3, 31))
    datetime.datetime(2025, 3, 31, 23, 59, 59, 999999, tzinfo=datetime.timezone.utc)
    """
    if isinstance(at, datetime):
        return require_aware(at, "as_of")
    if isinstance(at, date):
        return datetime.combine(at, time.max, tzinfo=UTC)
    raise RevcycleTypeError(f"as_of must be a date or an aware datetime, not {shown(at)}.")
