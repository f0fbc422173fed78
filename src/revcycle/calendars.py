"""Business days: holiday calendars and the conventions that move a date onto a business day.

A due date is computed in calendar days (docs/explanation/order-of-steps.md); moving it off a
weekend or a holiday is a separate, optional step. Two pieces make that step:

* a :class:`HolidayCalendar` says whether a day is a business day. :data:`WEEKENDS` (Saturday
  and Sunday off, no holidays) is the default; :class:`WeekendCalendar` takes other weekends and
  a fixed set of holidays; :class:`CountryHolidays` (a country's public, bank, government ...
  holidays) and :class:`FinancialHolidays` (a market's or a settlement system's closing days:
  TARGET2, the NYSE) read the ``holidays`` package (install the ``revcycle[holidays]`` extra);
  :class:`JointCalendar` is open only when all of its calendars are. Any object with an
  ``is_business_day(day)`` method will do.
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
import functools
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any, Final, Protocol, final, runtime_checkable

import attrs

from revcycle._validate import (
    check_arguments,
    check_text,
    is_day,
    require_day,
    require_extra,
    require_sequence,
    to_choice,
)
from revcycle.errors import (
    MissingExtraError,
    RevcycleTypeError,
    UnknownCodeError,
    ValidationError,
    shown,
)


__all__ = [
    "WEEKENDS",
    "BusinessDayAdjustment",
    "BusinessDayConvention",
    "CountryHolidays",
    "FinancialHolidays",
    "HolidayCalendar",
    "JointCalendar",
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
            f"not {shown(value)}."
        )
    weekdays = require_sequence(value, "A weekend")
    for day in weekdays:
        if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
            raise ValidationError(
                "A weekend is a set of weekday numbers from 0 (Monday) to 6 (Sunday); got "
                f"{shown(day)}."
            )
    days = frozenset(weekdays)
    if len(days) == 7:
        raise ValidationError("A weekend cannot cover all seven days of the week.")
    return days


def _to_days(value: Iterable[date]) -> frozenset[date]:
    given: object = value  # a str is iterable too, and would give one "holiday" per character
    if isinstance(given, str | bytes) or not isinstance(given, Iterable):
        raise RevcycleTypeError(f"Holidays are a set of datetime.date values, not {shown(value)}.")
    days = require_sequence(value, "Holidays")
    for day in days:
        require_day(day, "A holiday")
    return frozenset(days)


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

    @check_arguments
    def is_business_day(self, day: date) -> bool:
        """True unless ``day`` falls on the weekend or is one of the holidays."""
        return day.weekday() not in self.weekend and day not in self.holidays

    def __repr__(self) -> str:
        names = ", ".join(_WEEKDAY_NAMES[d] for d in sorted(self.weekend))
        extra = f", {len(self.holidays)} holidays" if self.holidays else ""
        return f"WeekendCalendar({names}{extra})"


WEEKENDS: Final = WeekendCalendar()
"""Saturday and Sunday off, no holidays: the default calendar."""


# --------------------------------------------------------------------------------------------
# Calendars read from the holidays package


class _PackageCalendar:
    """What :class:`CountryHolidays` and :class:`FinancialHolidays` share: the holidays
    package's data, one year at a time.

    Each calendar keeps its own cache, ``{year: the package's calendar of that year}``, out of
    its value (equality, hash, repr). A year's entry is built whole before it is stored and is
    only read afterwards (``expand=False``: a read never adds a year), so threads sharing a
    calendar can at worst build the same year twice, never see half of one. (One package
    calendar left to fill itself as it is asked would mark a year as present before its
    holidays are in.)
    """

    __slots__ = ()

    _years: dict[int, Any]
    _load: Callable[[Any, int], Any]
    """The package's calendar of a year (given the package), not expanding to other years."""

    def _year(self, day: date) -> Any:
        data = self._years.get(day.year)
        if data is None:
            holidays = require_extra("holidays", "holidays", type(self).__name__)
            data = self._load(holidays, day.year)
            self._years[day.year] = data
        return data

    def is_business_day(self, day: date) -> bool:
        """True unless ``day`` is on the calendar's weekend (as the package has it, which may
        change with the year) or one of its holidays; a weekend day made a working day is a
        business day."""
        require_day(day, "A day")
        return bool(self._year(day).is_working_day(day))

    def name_of(self, day: date) -> str | None:
        """The holiday's name on ``day``, or ``None`` when it is not a holiday."""
        require_day(day, "A day")
        name = self._year(day).get(day)
        return None if name is None else str(name)


def _to_categories(value: Iterable[str] | None) -> tuple[str, ...]:
    # () stands for "the package's default" until the country is known (post-init).
    if value is None:
        return ()
    given: object = value  # a str is iterable too, and would give one category per letter
    if isinstance(given, str | bytes) or not isinstance(given, Iterable):
        raise RevcycleTypeError(
            f"Holiday categories are a collection of names such as ['public', 'bank'], "
            f"not {shown(value)}."
        )
    names = set()
    for name in require_sequence(value, "Holiday categories"):
        names.add(_check_category(name))
    if not names:
        raise ValidationError(
            "CountryHolidays needs at least one holiday category (None means the package's "
            "default, 'public')."
        )
    return tuple(sorted(names))


def _check_category(name: object) -> str:
    """``name`` if it is a non-blank ``str``; the package judges whether it exists."""
    if not isinstance(name, str) or not name.strip():
        raise RevcycleTypeError(f"A holiday category must be a non-empty str, not {shown(name)}.")
    return name


def _where(country: str, subdivision: str | None) -> str:
    return country if subdivision is None else f"{country}-{subdivision}"


# Reading a document of many calendars makes each of them: the package's lists and its
# answer for a place are asked once (only places it has are kept, a few thousand at most).
@functools.cache
def _countries() -> frozenset[str]:
    holidays = require_extra("holidays", "holidays", "CountryHolidays")
    return frozenset(holidays.list_supported_countries(include_aliases=True))


@functools.cache
def _markets() -> frozenset[str]:
    holidays = require_extra("holidays", "holidays", "FinancialHolidays")
    return frozenset(holidays.list_supported_financial(include_aliases=True))


@functools.cache
def _country_categories(country: str, subdivision: str | None) -> tuple[tuple[str, ...], str]:
    """The holiday categories the package has for a place ("workday" names days that are
    worked, commemorations, never a day off) and its default one."""
    holidays = require_extra("holidays", "holidays", "CountryHolidays")
    try:
        # The package looks a code up as an attribute of its module, so any of its names
        # ("__dict__", "utils", a class name) would be taken for a country: only the codes it
        # lists are.
        if country not in _countries():
            raise NotImplementedError(country)
        probe = type(holidays.country_holidays(country, subdiv=subdivision))
    except NotImplementedError:
        raise UnknownCodeError(
            f"The holidays package has no calendar for {shown(_where(country, subdivision))}; "
            "expected an ISO 3166 country code it supports, such as 'US' or 'DE' (and an "
            "optional subdivision such as 'BY')."
        ) from None
    supported = tuple(sorted(set(probe.supported_categories) - {"workday"}))
    return supported, str(probe.default_category)


@functools.cache
def _check_market_code(market: str) -> None:
    holidays = require_extra("holidays", "holidays", "FinancialHolidays")
    try:
        # As for a country: only a listed code, never another name of the package's module
        # ("__dict__", "HolidayBase", a country's class), which it would look up as well.
        if market not in _markets():
            raise NotImplementedError(market)
        holidays.financial_holidays(market)
    except NotImplementedError:
        raise UnknownCodeError(
            f"The holidays package has no financial calendar {shown(market)}; "
            f"expected one of {', '.join(sorted(_markets()))}."
        ) from None


# The holidays package judges the codes; revcycle only makes sure they are text.
_check_country: Final = check_text("CountryHolidays {field}")
_check_subdivision: Final = check_text("CountryHolidays {field}", optional=True)
_check_market: Final = check_text("FinancialHolidays {field}")


@final
@attrs.frozen
class CountryHolidays(_PackageCalendar):
    """The holidays of a country (and subdivision), from the ``holidays`` package.

    ``categories`` chooses which of the package's holidays close the calendar: ``None`` is
    the package's default, the public holidays (``("public",)``); a country may also have
    ``"bank"``, ``"government"``, ``"optional"``, ``"half_day"`` ... holidays. Which ones it
    has depends on the country (and the package version); another is an
    :class:`~revcycle.errors.UnknownCodeError` that lists them. They are kept sorted, so
    ``CountryHolidays("US")`` equals ``CountryHolidays("US", categories=["public"])``.

    The package's own weekend for the country applies (Saturday and Sunday in the US,
    Friday and Saturday in Israel). Needs the ``revcycle[holidays]`` extra; the package is
    imported when the calendar is made. Holiday data can change when the package is
    upgraded (a day of mourning added after the fact), so a due date computed today may
    differ after an upgrade; store the computed dates, not only the rule.

    >>> from datetime import date
    >>> CountryHolidays("US").is_business_day(date(2024, 12, 25))
    False
    >>> CountryHolidays("US", categories=["public", "government"]).name_of(date(2024, 12, 24))
    'Christmas Eve'
    """

    country: str = attrs.field(validator=_check_country)
    subdivision: str | None = attrs.field(default=None, validator=_check_subdivision)
    categories: tuple[str, ...] = attrs.field(default=None, kw_only=True, converter=_to_categories)
    _years: dict[int, Any] = attrs.field(init=False, factory=dict, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        require_extra("holidays", "holidays", "CountryHolidays")  # on every call: not cached
        supported, default = _country_categories(self.country, self.subdivision)
        if not self.categories:
            object.__setattr__(self, "categories", (default,))
        unknown = [name for name in self.categories if name not in supported]
        if unknown:
            raise UnknownCodeError(
                f"The holidays package has no {', '.join(map(repr, unknown))} holidays for "
                f"{shown(_where(self.country, self.subdivision))}; it has "
                f"{', '.join(map(repr, supported))}."
            )

    def _load(self, holidays: Any, year: int) -> Any:
        return holidays.country_holidays(
            self.country,
            subdiv=self.subdivision,
            years=year,
            expand=False,
            categories=self.categories,
        )


@final
@attrs.frozen
class FinancialHolidays(_PackageCalendar):
    """The days a market or a settlement system is closed, from the ``holidays`` package.

    ``market`` is one of the package's codes (``holidays.list_supported_financial()``):
    ``"ECB"`` (also ``"XECB"``, ``"TAR"``) for TARGET2, the euro's settlement system, which
    is what a euro payment's value date follows; ``"NYSE"`` (``"XNYS"``) for the New York
    Stock Exchange; ``"FED"`` (``"XFED"``, ``"USNY"``) for the Federal Reserve ... An unknown
    code is an :class:`~revcycle.errors.UnknownCodeError` that lists the codes. The code is
    kept as given: two aliases of one market are the same days but not equal values, so that
    a document names the market as it was written (which code the package takes as the main
    one has changed between its versions). A market closes on its weekend (Saturday and
    Sunday, Friday and Saturday for the Saudi exchange); its half days are business days.
    Needs the ``revcycle[holidays]`` extra, and the caveat of :class:`CountryHolidays` about
    upgrades applies.

    >>> from datetime import date
    >>> target = FinancialHolidays("ECB")
    >>> target.is_business_day(date(2025, 4, 21)), target.name_of(date(2025, 4, 21))
    (False, 'Easter Monday')
    """

    market: str = attrs.field(validator=_check_market)
    _years: dict[int, Any] = attrs.field(init=False, factory=dict, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        require_extra("holidays", "holidays", "FinancialHolidays")  # on every call: not cached
        _check_market_code(self.market)

    def _load(self, holidays: Any, year: int) -> Any:
        return holidays.financial_holidays(self.market, years=year, expand=False)


def _to_calendars(value: Iterable[HolidayCalendar]) -> tuple[HolidayCalendar, ...]:
    given: object = value
    if isinstance(given, str | bytes) or not isinstance(given, Iterable):
        raise RevcycleTypeError(
            f"A joint calendar joins a sequence of calendars, not {shown(value)}."
        )
    calendars: list[HolidayCalendar] = []
    for calendar in require_sequence(value, "A joint calendar's calendars"):
        _check_calendar(None, None, calendar)
        # A joint calendar in a joint calendar adds its calendars, in their order.
        calendars.extend(calendar.calendars if isinstance(calendar, JointCalendar) else [calendar])
    if not calendars:
        raise ValidationError("A joint calendar needs at least one calendar.")
    return tuple(calendars)


@final
@attrs.frozen
class JointCalendar:
    """Open only on a day every one of ``calendars`` is open (QuantLib's ``JointCalendar``
    with ``JoinHolidays``): a euro payment to a German account settles when German banks
    and TARGET2 both work.

    The calendars keep their order: it decides which name :meth:`name_of` gives and whether
    two joint calendars are equal. A joint calendar among them adds its own calendars in its
    place, so ``JointCalendar([JointCalendar([a, b]), c]) == JointCalendar([a, b, c])``.

    >>> from datetime import date
    >>> berlin = JointCalendar([CountryHolidays("DE", "BE"), FinancialHolidays("ECB")])
    >>> BusinessDayConvention.FOLLOWING.adjust(date(2025, 5, 1), berlin)  # Labour Day
    datetime.date(2025, 5, 2)
    """

    calendars: tuple[HolidayCalendar, ...] = attrs.field(converter=_to_calendars)

    @check_arguments
    def is_business_day(self, day: date) -> bool:
        """True when every calendar says ``day`` is a business day."""
        return all(calendar.is_business_day(day) for calendar in self.calendars)

    def name_of(self, day: date) -> str | None:
        """The first holiday name a calendar gives for ``day`` (calendars without
        ``name_of`` give none), or ``None``."""
        require_day(day, "A day")
        for calendar in self.calendars:
            name_of = getattr(calendar, "name_of", None)
            name = name_of(day) if callable(name_of) else None
            if name is not None:
                return str(name)
        return None


@check_arguments
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
        f"searching {'forward' if direction > 0 else 'backward'} in {shown(calendar)}."
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
            raise RevcycleTypeError(f"adjust() needs a datetime.date, not {shown(day)}.")
        if not callable(getattr(calendar, "is_business_day", None)):
            raise RevcycleTypeError(
                f"A holiday calendar needs an is_business_day(day) method; got {shown(calendar)}."
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
            f"A holiday calendar needs an is_business_day(day) method; got {shown(value)}."
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
