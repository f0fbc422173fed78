"""Business days: holiday calendars and business-day conventions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from revcycle import errors
from revcycle.calendars import (
    WEEKENDS,
    BusinessDayAdjustment,
    BusinessDayConvention,
    CountryHolidays,
    HolidayCalendar,
    MissingExtraError,
    WeekendCalendar,
    is_business_day,
)
from revcycle.serialization import dumps, loads


C = BusinessDayConvention
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))
weekends = st.frozensets(st.integers(0, 6), max_size=3)
holiday_sets = st.frozensets(days, max_size=20)
calendars = st.builds(WeekendCalendar, weekend=weekends, holidays=holiday_sets)


# --------------------------------------------------------------------------------------------
# Properties (anchor payment_terms.md §2.11, QuantLib's definitions)


@given(day=days, convention=st.sampled_from(list(C)), calendar=calendars)
def test_an_adjusted_day_is_a_business_day(
    day: date, convention: BusinessDayConvention, calendar: WeekendCalendar
) -> None:
    adjusted = convention.adjust(day, calendar)
    if convention is C.UNADJUSTED:
        assert adjusted == day
    else:
        assert calendar.is_business_day(adjusted)


@given(day=days, convention=st.sampled_from(list(C)), calendar=calendars)
def test_a_business_day_never_moves(
    day: date, convention: BusinessDayConvention, calendar: WeekendCalendar
) -> None:
    if calendar.is_business_day(day):
        assert convention.adjust(day, calendar) == day


@given(day=days, calendar=calendars)
def test_directions_and_months(day: date, calendar: WeekendCalendar) -> None:
    following = C.FOLLOWING.adjust(day, calendar)
    preceding = C.PRECEDING.adjust(day, calendar)
    assert preceding <= day <= following
    # Nothing between the day and the adjusted date is a business day.
    assert all(
        not calendar.is_business_day(day + timedelta(days=k)) for k in range((following - day).days)
    )
    modified = C.MODIFIED_FOLLOWING.adjust(day, calendar)
    assert modified == (following if following.month == day.month else preceding)
    modified_back = C.MODIFIED_PRECEDING.adjust(day, calendar)
    assert modified_back == (preceding if preceding.month == day.month else following)
    nearest = C.NEAREST.adjust(day, calendar)
    assert nearest in (following, preceding)
    assert abs((nearest - day).days) == min((following - day).days, (day - preceding).days)


# --------------------------------------------------------------------------------------------
# Known answers, worked by hand on a 2024 calendar (Mon 2024-09-02 follows Sat 08-31).


@pytest.mark.parametrize(
    ("day", "convention", "expected"),
    [
        (date(2024, 8, 31), C.FOLLOWING, date(2024, 9, 2)),  # Sat → Mon, next month
        (date(2024, 8, 31), C.MODIFIED_FOLLOWING, date(2024, 8, 30)),  # stays in August
        (date(2024, 8, 31), C.PRECEDING, date(2024, 8, 30)),
        (date(2024, 6, 1), C.PRECEDING, date(2024, 5, 31)),  # Sat 06-01 → Fri in May
        (date(2024, 6, 1), C.MODIFIED_PRECEDING, date(2024, 6, 3)),  # stays in June
        (date(2024, 8, 31), C.NEAREST, date(2024, 8, 30)),  # Sat: Friday is closer
        (date(2024, 9, 1), C.NEAREST, date(2024, 9, 2)),  # Sun: Monday is closer
        (date(2024, 8, 31), C.UNADJUSTED, date(2024, 8, 31)),
        (date(2024, 9, 4), C.FOLLOWING, date(2024, 9, 4)),  # a Wednesday stays
    ],
)
def test_conventions_on_weekends(
    day: date, convention: BusinessDayConvention, expected: date
) -> None:
    assert convention.adjust(day) == expected


def test_nearest_breaks_ties_forward() -> None:
    # Wednesday off in a calendar with no weekend: Tuesday and Thursday are one day away.
    calendar = WeekendCalendar(weekend=frozenset(), holidays=frozenset({date(2024, 9, 4)}))
    assert C.NEAREST.adjust(date(2024, 9, 4), calendar) == date(2024, 9, 5)


def test_other_weekends_and_holidays() -> None:
    # A Friday–Saturday weekend (as in Israel, anchor §2.11) and New Year's Day off.
    calendar = WeekendCalendar(weekend=frozenset({4, 5}), holidays=frozenset({date(2023, 12, 31)}))
    assert calendar.is_business_day(date(2024, 9, 1))  # Sunday works
    assert not calendar.is_business_day(date(2024, 8, 30))  # Friday off
    # Fri 12-29, Sat 12-30 weekend, Sun 12-31 holiday → Mon 2024-01-01.
    assert C.FOLLOWING.adjust(date(2023, 12, 29), calendar) == date(2024, 1, 1)
    assert is_business_day(date(2024, 9, 2))
    assert not is_business_day(date(2024, 9, 1), WEEKENDS)


def test_any_object_with_is_business_day_is_a_calendar() -> None:
    class EveryOtherDay:
        def is_business_day(self, day: date) -> bool:
            return day.toordinal() % 2 == 0

    calendar = EveryOtherDay()
    assert isinstance(calendar, HolidayCalendar)
    day = date(2024, 1, 2)
    assert calendar.is_business_day(C.FOLLOWING.adjust(day, calendar))


# --------------------------------------------------------------------------------------------
# The holidays package adapter (CI installs the extra).


def test_country_holidays_us_christmas() -> None:
    us = CountryHolidays("US")
    christmas = date(2024, 12, 25)  # a Wednesday
    assert not us.is_business_day(christmas)
    assert us.name_of(christmas) == "Christmas Day"
    assert us.name_of(date(2024, 12, 24)) is None
    assert C.FOLLOWING.adjust(christmas, us) == date(2024, 12, 26)
    assert C.PRECEDING.adjust(christmas, us) == date(2024, 12, 24)
    assert not us.is_business_day(date(2024, 12, 28))  # Saturday


def test_country_holidays_germany_and_subdivision() -> None:
    de = CountryHolidays("DE")
    assert not de.is_business_day(date(2024, 12, 25))  # 1. Weihnachtstag
    assert not de.is_business_day(date(2024, 12, 26))  # 2. Weihnachtstag
    assert C.FOLLOWING.adjust(date(2024, 12, 25), de) == date(2024, 12, 27)
    # Epiphany (6 January) is a holiday in Bavaria, not in Berlin.
    assert not CountryHolidays("DE", "BY").is_business_day(date(2025, 1, 6))
    assert CountryHolidays("DE", "BE").is_business_day(date(2025, 1, 6))


def test_country_holidays_unknown_country() -> None:
    with pytest.raises(errors.UnknownCodeError, match="'XX'"):
        CountryHolidays("XX")


def test_missing_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def fake_import(name: str, *args: object, **kwargs: object) -> object:
        if name == "holidays":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(MissingExtraError, match=r"revcycle\[holidays\]") as caught:
        CountryHolidays("US")
    assert isinstance(caught.value, ImportError)
    assert isinstance(caught.value, errors.RevcycleError)


# --------------------------------------------------------------------------------------------
# Bad input and JSON


def test_bad_input_raises_revcycle_errors() -> None:
    with pytest.raises(errors.ValidationError, match="seven days"):
        WeekendCalendar(weekend=frozenset(range(7)))
    with pytest.raises(errors.ValidationError, match="weekday numbers"):
        WeekendCalendar(weekend=frozenset({7}))
    with pytest.raises(errors.RevcycleTypeError):
        WeekendCalendar(holidays=frozenset({"2024-01-01"}))  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError):
        C.FOLLOWING.adjust("2024-01-01")  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError):
        C.FOLLOWING.adjust(date(2024, 1, 1), calendar=object())  # type: ignore[arg-type]
    with pytest.raises(errors.ValidationError, match="business-day convention"):
        BusinessDayAdjustment("sideways")  # type: ignore[arg-type]


def test_bad_weekends_holidays_and_days_raise_revcycle_errors() -> None:
    # Found in review: these raised a bare TypeError / AttributeError, or read a string's
    # characters as holidays.
    with pytest.raises(errors.RevcycleTypeError, match="weekday numbers"):
        WeekendCalendar(weekend=5)  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError, match=r"set of datetime.date"):
        WeekendCalendar(holidays="2024-01-01")  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError, match=r"datetime.date"):
        is_business_day("2024-01-01")  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError, match="is_business_day"):
        is_business_day(date(2024, 1, 1), object())  # type: ignore[arg-type]
    assert WeekendCalendar(weekend=[4, 5]).weekend == frozenset({4, 5})  # type: ignore[arg-type]


def test_a_calendar_without_business_days_is_an_error() -> None:
    class Closed:
        def is_business_day(self, day: date) -> bool:
            return False

    with pytest.raises(errors.ValidationError, match="no business day"):
        C.FOLLOWING.adjust(date(2024, 1, 6), Closed())


@given(
    convention=st.sampled_from(list(C)),
    calendar=st.one_of(calendars, st.just(CountryHolidays("US"))),
)
def test_adjustment_json_round_trip(
    convention: BusinessDayConvention, calendar: HolidayCalendar
) -> None:
    adjustment = BusinessDayAdjustment(convention, calendar)
    assert loads(dumps(adjustment), BusinessDayAdjustment) == adjustment


def test_adjustment_json_shape() -> None:
    text = dumps(BusinessDayAdjustment(C.FOLLOWING, CountryHolidays("DE", "BY")))
    assert '"convention": "following"' in text
    assert '"type": "country_holidays"' in text
    assert dumps(BusinessDayAdjustment(C.PRECEDING)).count('"type": "weekends"') == 1
    with pytest.raises(errors.StructureError, match="type"):
        loads('{"convention": "following", "calendar": {"type": "moon"}}', BusinessDayAdjustment)


def test_country_code_must_be_text() -> None:
    # Found in review: None used to reach the holidays package and fail with a bare TypeError.
    from revcycle.calendars import CountryHolidays

    with pytest.raises(errors.RevcycleTypeError, match="CountryHolidays country must be a str"):
        CountryHolidays(None)  # type: ignore[arg-type]
