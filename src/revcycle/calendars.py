"""Business days: holiday calendars and the conventions that move a date onto a business day.

A due date is computed in calendar days (docs/explanation/order-of-steps.md); moving it off a
weekend or a holiday is a separate, optional step. Two pieces make that step:

* a :class:`HolidayCalendar` says whether a day is a business day. :data:`WEEKENDS` (Saturday
  and Sunday off, no holidays) is the default; :class:`WeekendCalendar` takes other weekends and
  a fixed set of holidays; :class:`CountryHolidays` reads the ``holidays`` package (install the
  ``revcycle[holidays]`` extra). Any object with an ``is_business_day(day)`` method will do.
* a :class:`BusinessDayConvention` says which way to move (QuantLib's names, ISDA meanings).

>>> from datetime import date
>>> saturday = date(2024, 8, 31)
>>> BusinessDayConvention.FOLLOWING.adjust(saturday)
datetime.date(2024, 9, 2)
>>> BusinessDayConvention.MODIFIED_FOLLOWING.adjust(saturday)
datetime.date(2024, 8, 30)
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any, Final, Protocol, final, runtime_checkable

import attrs

from revcycle._validate import check_text, is_day, require_day, require_extra, to_choice
from revcycle.errors import (
    MissingExtraError,
    RevcycleTypeError,
    UnknownCodeError,
    ValidationError,
)


__all__ = [
    "WEEKENDS",
    "BusinessDayAdjustment",
    "BusinessDayConvention",
    "CountryHolidays",
    "HolidayCalendar",
    "MissingExtraError",
    "WeekendCalendar",
    "is_business_day",
]

# A calendar with no business day at all would make the search below endless; no real
# calendar closes for more than a few weeks in a row.
_MAX_SEARCH_DAYS: Final = 366

_WEEKDAY_NAMES: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@runtime_checkable
class HolidayCalendar(Protocol):
    """Anything that can tell a business day from a day off."""

    def is_business_day(self, day: date) -> bool:
        """True when ``day`` is a business day."""
        ...


def _to_weekdays(value: Iterable[int]) -> frozenset[int]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise RevcycleTypeError(
            f"A weekend is a set of weekday numbers such as {{5, 6}} (Saturday and Sunday), "
            f"not {value!r}."
        )
    days = frozenset(value)
    for day in days:
        if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
            raise ValidationError(
                f"A weekend is a set of weekday numbers from 0 (Monday) to 6 (Sunday); got {day!r}."
            )
    if len(days) == 7:
        raise ValidationError("A weekend cannot cover all seven days of the week.")
    return days


def _to_days(value: Iterable[date]) -> frozenset[date]:
    given: object = value  # a str is iterable too, and would give one "holiday" per character
    if isinstance(given, str | bytes) or not isinstance(given, Iterable):
        raise RevcycleTypeError(f"Holidays are a set of datetime.date values, not {value!r}.")
    days = frozenset(value)
    for day in days:
        require_day(day, "A holiday")
    return days


@final
@attrs.frozen
class WeekendCalendar:
    """Weekends (weekday numbers, Monday = 0) and an explicit set of holidays are days off.

    >>> from datetime import date
    >>> friday_off = WeekendCalendar(weekend=frozenset({4, 5}))  # Friday and Saturday
    >>> friday_off.is_business_day(date(2024, 9, 1))  # a Sunday
    True
    """

    weekend: frozenset[int] = attrs.field(default=frozenset({5, 6}), converter=_to_weekdays)
    holidays: frozenset[date] = attrs.field(default=frozenset(), converter=_to_days)

    def is_business_day(self, day: date) -> bool:
        """True unless ``day`` falls on the weekend or is one of the holidays."""
        return day.weekday() not in self.weekend and day not in self.holidays

    def __repr__(self) -> str:
        names = ", ".join(_WEEKDAY_NAMES[d] for d in sorted(self.weekend))
        extra = f", {len(self.holidays)} holidays" if self.holidays else ""
        return f"WeekendCalendar({names}{extra})"


WEEKENDS: Final = WeekendCalendar()
"""Saturday and Sunday off, no holidays: the default calendar."""


def _load_country(country: str, subdivision: str | None) -> Any:
    holidays = require_extra("holidays", "holidays", "CountryHolidays")
    try:
        return holidays.country_holidays(country, subdiv=subdivision)
    except NotImplementedError:
        where = country if subdivision is None else f"{country}-{subdivision}"
        raise UnknownCodeError(
            f"The holidays package has no calendar for {where!r}; expected an ISO 3166 country "
            "code it supports, such as 'US' or 'DE' (and an optional subdivision such as 'BY')."
        ) from None


# The holidays package judges the codes; revcycle only makes sure they are text.
_check_country: Final = check_text("CountryHolidays {field}")
_check_subdivision: Final = check_text("CountryHolidays {field}", optional=True)


@final
@attrs.frozen
class CountryHolidays:
    """The public holidays of a country (and subdivision), from the ``holidays`` package.

    The package's own weekend for the country applies (Saturday and Sunday in the US,
    Friday and Saturday in Israel). Needs the ``revcycle[holidays]`` extra; the package is
    imported when the calendar is made. Holiday data can change when the package is
    upgraded (a day of mourning added after the fact), so a due date computed today may
    differ after an upgrade; store the computed dates, not only the rule.

    >>> from datetime import date
    >>> CountryHolidays("US").is_business_day(date(2024, 12, 25))
    False
    """

    country: str = attrs.field(validator=_check_country)
    subdivision: str | None = attrs.field(default=None, validator=_check_subdivision)
    # The package's calendar fills itself year by year as it is asked; that only caches
    # data, it never changes an answer, and it is not part of the value.
    _data: Any = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_data", _load_country(self.country, self.subdivision))

    def is_business_day(self, day: date) -> bool:
        """True unless ``day`` is on the country's weekend or a public holiday."""
        data = self._data
        if day in data:
            return False
        weekend = getattr(data, "weekend", {5, 6})
        workdays = getattr(data, "weekend_workdays", ())
        return day.weekday() not in weekend or day in workdays

    def name_of(self, day: date) -> str | None:
        """The holiday's name on ``day``, or ``None`` when it is not a holiday."""
        name = self._data.get(day)
        return None if name is None else str(name)


def is_business_day(day: date, calendar: HolidayCalendar = WEEKENDS) -> bool:
    """True when ``day`` is a business day of ``calendar``."""
    require_day(day, "A day")
    _check_calendar(None, None, calendar)
    return bool(calendar.is_business_day(day))


def _step(day: date, direction: int, calendar: HolidayCalendar) -> date:
    """The nearest business day from ``day`` in ``direction`` (``day`` itself if it is one)."""
    one = timedelta(days=direction)
    current = day
    for _ in range(_MAX_SEARCH_DAYS):
        if calendar.is_business_day(current):
            return current
        try:
            current = current + one
        except OverflowError:
            break
    raise ValidationError(
        f"Found no business day within {_MAX_SEARCH_DAYS} days of {day.isoformat()} "
        f"searching {'forward' if direction > 0 else 'backward'} in {calendar!r}."
    )


class BusinessDayConvention(enum.StrEnum):
    """How a date that is not a business day moves onto one (QuantLib's conventions).

    ``FOLLOWING``: the first business day after. ``MODIFIED_FOLLOWING``: following, unless
    that lands in the next month, then preceding. ``PRECEDING``: the first business day
    before. ``MODIFIED_PRECEDING``: preceding, unless that lands in the previous month, then
    following. ``NEAREST``: the closer of following and preceding, ties to following.
    ``UNADJUSTED``: the date as it is. A business day never moves.
    """

    FOLLOWING = "following"
    MODIFIED_FOLLOWING = "modified_following"
    PRECEDING = "preceding"
    MODIFIED_PRECEDING = "modified_preceding"
    NEAREST = "nearest"
    UNADJUSTED = "unadjusted"

    def adjust(self, day: date, calendar: HolidayCalendar = WEEKENDS) -> date:
        """Move ``day`` onto a business day of ``calendar`` by this convention.

        >>> from datetime import date
        >>> sunday = date(2024, 3, 31)
        >>> BusinessDayConvention.MODIFIED_FOLLOWING.adjust(sunday)
        datetime.date(2024, 3, 29)
        >>> BusinessDayConvention.NEAREST.adjust(sunday)
        datetime.date(2024, 4, 1)
        """
        if not is_day(day):
            raise RevcycleTypeError(f"adjust() needs a datetime.date, not {day!r}.")
        if not callable(getattr(calendar, "is_business_day", None)):
            raise RevcycleTypeError(
                f"A holiday calendar needs an is_business_day(day) method; got {calendar!r}."
            )
        if self is BusinessDayConvention.UNADJUSTED or calendar.is_business_day(day):
            return day
        if self is BusinessDayConvention.FOLLOWING:
            return _step(day, 1, calendar)
        if self is BusinessDayConvention.PRECEDING:
            return _step(day, -1, calendar)
        if self is BusinessDayConvention.MODIFIED_FOLLOWING:
            after = _step(day, 1, calendar)
            return after if after.month == day.month else _step(day, -1, calendar)
        if self is BusinessDayConvention.MODIFIED_PRECEDING:
            before = _step(day, -1, calendar)
            return before if before.month == day.month else _step(day, 1, calendar)
        after = _step(day, 1, calendar)
        before = _step(day, -1, calendar)
        return after if (after - day) <= (day - before) else before


def _to_convention(value: BusinessDayConvention | str) -> BusinessDayConvention:
    return to_choice(BusinessDayConvention, value, "A business-day convention", str_only=True)


def _check_calendar(_: object, __: object, value: object) -> None:
    if not callable(getattr(value, "is_business_day", None)):
        raise RevcycleTypeError(
            f"A holiday calendar needs an is_business_day(day) method; got {value!r}."
        )


@final
@attrs.frozen
class BusinessDayAdjustment:
    """A convention and the calendar it works on: the optional last step of a due-date rule.

    >>> from datetime import date
    >>> BusinessDayAdjustment(BusinessDayConvention.FOLLOWING).apply(date(2024, 3, 2))
    datetime.date(2024, 3, 4)
    """

    convention: BusinessDayConvention = attrs.field(converter=_to_convention)
    calendar: HolidayCalendar = attrs.field(default=WEEKENDS, validator=_check_calendar)

    def apply(self, day: date) -> date:
        """Move ``day`` onto a business day by the convention."""
        return self.convention.adjust(day, self.calendar)
