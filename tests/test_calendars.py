"""Business days: holiday calendars and business-day conventions."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import threading
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
    FinancialHolidays,
    HolidayCalendar,
    JointCalendar,
    MissingExtraError,
    WeekendCalendar,
    is_business_day,
)
from revcycle.serialization import dumps, loads
from revcycle.terms import DayOfMonth, NetDays, PaymentTerms


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
        BusinessDayAdjustment("sideways")


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
    assert WeekendCalendar(weekend=[4, 5]).weekend == frozenset({4, 5})


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


# --------------------------------------------------------------------------------------------
# Financial calendars (FinancialHolidays), holiday categories and joint calendars.
# Known answers from the markets' own published calendars, which the holidays package follows.

TARGET = FinancialHolidays("ECB")
NYSE = FinancialHolidays("NYSE")


def _closed_weekdays(calendar: HolidayCalendar, year: int) -> list[date]:
    day, closed = date(year, 1, 1), []
    while day.year == year:
        if day.weekday() < 5 and not calendar.is_business_day(day):
            closed.append(day)
        day += timedelta(days=1)
    return closed


def test_target2_closing_days_2025() -> None:
    # ECB, "TARGET2 closing days": New Year's Day, Good Friday, Easter Monday, 1 May (Labour
    # Day), Christmas Day and 26 December; every other weekday is open.
    assert _closed_weekdays(TARGET, 2025) == [
        date(2025, 1, 1),
        date(2025, 4, 18),
        date(2025, 4, 21),
        date(2025, 5, 1),
        date(2025, 12, 25),
        date(2025, 12, 26),
    ]
    assert TARGET.name_of(date(2025, 4, 18)) == "Good Friday"
    assert TARGET.name_of(date(2025, 4, 22)) is None
    assert not TARGET.is_business_day(date(2025, 4, 19))  # a Saturday: TARGET2 closes weekends


def test_nyse_holidays_2025() -> None:
    # NYSE, "Holidays and Trading Hours" 2025, and its notice of 2024-12-30 closing the market
    # on 2025-01-09 for the National Day of Mourning for President Carter. The early closes
    # (07-03, 11-28, 12-24) are trading days.
    assert _closed_weekdays(NYSE, 2025) == [
        date(2025, 1, 1),
        date(2025, 1, 9),
        date(2025, 1, 20),
        date(2025, 2, 17),
        date(2025, 4, 18),  # Good Friday
        date(2025, 5, 26),
        date(2025, 6, 19),  # Juneteenth
        date(2025, 7, 4),
        date(2025, 9, 1),
        date(2025, 11, 27),  # Thanksgiving
        date(2025, 12, 25),
    ]
    assert NYSE.is_business_day(date(2025, 4, 21))  # Easter Monday: open in New York
    assert NYSE.is_business_day(date(2025, 11, 28))  # an early close is a business day
    assert NYSE.name_of(date(2025, 6, 19)) == "Juneteenth National Independence Day"


def test_a_market_closes_on_its_own_weekend() -> None:
    # The Saudi Exchange trades Sunday to Thursday.
    saudi = FinancialHolidays("XSAU")
    assert saudi.is_business_day(date(2025, 6, 1))  # a Sunday
    assert not saudi.is_business_day(date(2025, 6, 6))  # a Friday
    assert not NYSE.is_business_day(date(2025, 6, 7))  # a Saturday


def test_market_aliases_are_the_same_days_but_kept_as_written() -> None:
    aliases = [FinancialHolidays(code) for code in ("ECB", "XECB", "TAR")]
    assert {tuple(_closed_weekdays(calendar, 2025)) for calendar in aliases} == {
        tuple(_closed_weekdays(TARGET, 2025))
    }
    assert [calendar.market for calendar in aliases] == ["ECB", "XECB", "TAR"]
    assert aliases[0] != aliases[1]
    assert FinancialHolidays("ECB") == TARGET
    assert hash(FinancialHolidays("ECB")) == hash(TARGET)
    assert repr(TARGET) == "FinancialHolidays(market='ECB')"


def test_unknown_market_lists_the_codes() -> None:
    with pytest.raises(errors.UnknownCodeError, match=r"'ecb'; expected one of .*ECB.*NYSE"):
        FinancialHolidays("ecb")
    with pytest.raises(errors.RevcycleTypeError, match="FinancialHolidays market must be a str"):
        FinancialHolidays(None)  # type: ignore[arg-type]


# Found by the long fuzz run (issue 16): the holidays package looks a code up with getattr on
# its module, so "__dict__" reached it as a calendar class (a TypeError, "'dict' object is not
# callable") and a class name such as "HolidayBase" or a country's code made a market.
@pytest.mark.parametrize("code", ["__dict__", "utils", "HolidayBase", "financial_holidays", "US"])
def test_a_name_of_the_holidays_module_is_not_a_market(code: str) -> None:
    with pytest.raises(errors.UnknownCodeError, match=r"no financial calendar .*expected one of"):
        FinancialHolidays(code)


# Found by the long fuzz run (issue 16): the same lookup for a country.
@pytest.mark.parametrize("code", ["__dict__", "utils", "HolidayBase", "UnitedStates", "NYSE"])
def test_a_name_of_the_holidays_module_is_not_a_country(code: str) -> None:
    with pytest.raises(errors.UnknownCodeError, match="has no calendar for"):
        CountryHolidays(code)


def test_holiday_categories() -> None:
    # US federal government: the Executive Order of 2024-12-19 closed federal agencies on
    # Christmas Eve 2024; a public holiday it is not.
    government = CountryHolidays("US", categories=["government", "public"])
    assert government.categories == ("government", "public")
    assert not government.is_business_day(date(2024, 12, 24))
    assert government.name_of(date(2024, 12, 24)) == "Christmas Eve"
    assert CountryHolidays("US").is_business_day(date(2024, 12, 24))
    # Austria: banks close on Good Friday, 24 and 31 December, which are not public holidays.
    bank = CountryHolidays("AT", categories=["bank"])
    assert _closed_weekdays(bank, 2025) == [
        date(2025, 4, 18),
        date(2025, 12, 24),
        date(2025, 12, 31),
    ]
    assert CountryHolidays("AT").is_business_day(date(2025, 12, 31))


def test_categories_are_a_sorted_set_and_default_to_public() -> None:
    us = CountryHolidays("US")
    assert us.categories == ("public",)
    assert us == CountryHolidays("US", categories=["public"])
    assert hash(us) == hash(CountryHolidays("US", None, categories=("public", "public")))
    assert CountryHolidays("US", categories={"public", "government"}) == CountryHolidays(
        "US", categories=["government", "public"]
    )
    assert us != CountryHolidays("US", categories=["government", "public"])


def test_bad_categories() -> None:
    with pytest.raises(
        errors.UnknownCodeError,
        match=r"no 'bank' holidays for 'US'; it has 'government', 'half_day', 'public', ",
    ):
        CountryHolidays("US", categories=["public", "bank"])
    with pytest.raises(errors.UnknownCodeError, match="'DE-BY'"):
        CountryHolidays("DE", "BY", categories=["bank"])
    # "workday" names days that are worked (Belarus's commemorations): never a day off.
    with pytest.raises(errors.UnknownCodeError, match="no 'workday' holidays"):
        CountryHolidays("BY", categories=["workday"])
    with pytest.raises(errors.RevcycleTypeError, match="collection of names"):
        CountryHolidays("US", categories="public")
    with pytest.raises(errors.RevcycleTypeError, match="non-empty str, not 3"):
        CountryHolidays("US", categories=[3])  # type: ignore[list-item]
    with pytest.raises(errors.ValidationError, match="at least one holiday category"):
        CountryHolidays("US", categories=[])


def test_weekends_follow_the_country_and_the_year() -> None:
    # The UAE moved its weekend from Friday–Saturday to Saturday–Sunday on 2022-01-01.
    uae = CountryHolidays("AE")
    assert not uae.is_business_day(date(2021, 6, 4))  # a Friday in 2021
    assert uae.is_business_day(date(2021, 6, 6))  # a Sunday in 2021
    assert uae.is_business_day(date(2023, 6, 2))  # a Friday in 2023
    assert not uae.is_business_day(date(2023, 6, 4))  # a Sunday in 2023


def test_joint_calendar_needs_every_calendar_open() -> None:
    frankfurt = CountryHolidays("DE", "HE")
    joint = JointCalendar([frankfurt, TARGET])
    # 2025-10-03, German Unity Day: TARGET2 is open, German banks are not.
    assert TARGET.is_business_day(date(2025, 10, 3))
    assert not joint.is_business_day(date(2025, 10, 3))
    assert joint.name_of(date(2025, 10, 3)) == "German Unity Day"
    # 2025-12-26 is a holiday of both; the first calendar names it.
    assert joint.name_of(date(2025, 12, 26)) == frankfurt.name_of(date(2025, 12, 26))
    assert joint.name_of(date(2025, 10, 2)) is None
    assert C.FOLLOWING.adjust(date(2025, 10, 3), joint) == date(2025, 10, 6)
    # A calendar without name_of takes part in the business days but names nothing.
    with_weekends = JointCalendar([WeekendCalendar(holidays={date(2025, 10, 2)}), TARGET])
    assert not with_weekends.is_business_day(date(2025, 10, 2))
    assert with_weekends.name_of(date(2025, 10, 2)) is None
    assert with_weekends.name_of(date(2025, 12, 25)) == "Christmas Day"


def test_joint_calendars_flatten_and_compare_by_their_calendars() -> None:
    de, us = CountryHolidays("DE"), CountryHolidays("US")
    assert JointCalendar([JointCalendar([de, TARGET]), us]) == JointCalendar([de, TARGET, us])
    assert JointCalendar((de, TARGET)).calendars == (de, TARGET)
    assert JointCalendar([de, TARGET]) != JointCalendar([TARGET, de])
    assert len({JointCalendar([de, TARGET]), JointCalendar([de, TARGET])}) == 1
    with pytest.raises(errors.ValidationError, match="at least one calendar"):
        JointCalendar([])
    with pytest.raises(errors.RevcycleTypeError, match="sequence of calendars"):
        JointCalendar("US")  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError, match="is_business_day"):
        JointCalendar([de, "ECB"])  # type: ignore[list-item]
    with pytest.raises(errors.RevcycleTypeError, match=r"datetime\.date"):
        JointCalendar([de]).name_of("2025-01-01")  # type: ignore[arg-type]


def test_a_due_date_on_good_friday_moves_past_easter_on_target() -> None:
    # Net 30 from 2025-03-19 and "the 18th of next month" from 2025-03-05 both fall on Good
    # Friday, 2025-04-18; TARGET2 is closed until Tuesday 2025-04-22.
    following = BusinessDayAdjustment(C.FOLLOWING, TARGET)
    net30 = PaymentTerms.parse("Net 30").with_adjustment(following)
    assert net30.due_date(date(2025, 3, 19)) == date(2025, 4, 22)
    assert NetDays(30).due_date(date(2025, 3, 19)) == date(2025, 4, 18)
    assert following.apply(DayOfMonth(18).due_date(date(2025, 3, 5))) == date(2025, 4, 22)
    assert C.PRECEDING.adjust(date(2025, 4, 18), TARGET) == date(2025, 4, 17)
    assert C.MODIFIED_FOLLOWING.adjust(date(2025, 4, 18), TARGET) == date(2025, 4, 22)
    # New York is open on Easter Monday.
    assert C.FOLLOWING.adjust(date(2025, 4, 18), NYSE) == date(2025, 4, 21)


settlement_calendars = st.sampled_from(
    [
        TARGET,
        NYSE,
        FinancialHolidays("XSAU"),
        CountryHolidays("US", categories=["government", "public"]),
        CountryHolidays("DE", "BY"),
        CountryHolidays("AE"),
        JointCalendar([CountryHolidays("DE"), TARGET]),
    ]
)


@given(day=days, convention=st.sampled_from(list(C)), calendar=settlement_calendars)
def test_adjusted_days_are_business_days_of_the_package_calendars(
    day: date, convention: BusinessDayConvention, calendar: HolidayCalendar
) -> None:
    adjusted = convention.adjust(day, calendar)
    if convention is not C.UNADJUSTED:
        assert calendar.is_business_day(adjusted)
    assert C.PRECEDING.adjust(day, calendar) <= day <= C.FOLLOWING.adjust(day, calendar)
    if calendar.is_business_day(day):
        assert adjusted == day


def test_the_year_cache_is_not_part_of_the_value() -> None:
    used, fresh = FinancialHolidays("NYSE"), FinancialHolidays("NYSE")
    used.is_business_day(date(2025, 1, 9))
    used.name_of(date(2031, 1, 1))
    assert used == fresh
    assert hash(used) == hash(fresh)
    assert repr(used) == repr(fresh)
    assert pickle.loads(pickle.dumps(used)) == fresh
    assert not pickle.loads(pickle.dumps(used)).is_business_day(date(2025, 1, 9))


def _ask_together(calendar: HolidayCalendar, day: date, threads: int) -> list[bool]:
    """``threads`` threads ask ``calendar`` about ``day`` at the same moment."""
    barrier = threading.Barrier(threads)
    answers: list[bool] = []

    def ask() -> None:
        barrier.wait()
        answers.append(calendar.is_business_day(day))

    started = [threading.Thread(target=ask) for _ in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join()
    return answers


def test_threads_sharing_a_calendar_never_see_half_a_year() -> None:
    # The package's own calendar fills a year on first use and marks the year as present
    # before its holidays are in: another thread could read Christmas as a working day.
    # Each revcycle calendar stores a year only once it is whole.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for _ in range(20):
            assert _ask_together(CountryHolidays("US"), date(2030, 12, 25), 6) == [False] * 6
    finally:
        sys.setswitchinterval(interval)


def test_financial_holidays_missing_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "holidays", None)
    with pytest.raises(MissingExtraError, match=r"FinancialHolidays needs .*revcycle\[holidays\]"):
        FinancialHolidays("ECB")


def test_new_calendars_json_round_trip_and_shape() -> None:
    joint = JointCalendar(
        [CountryHolidays("DE", "BY", categories=["public", "catholic"]), TARGET, WEEKENDS]
    )
    adjustment = BusinessDayAdjustment(C.FOLLOWING, joint)
    text = dumps(adjustment)
    assert json.loads(text)["calendar"] == {
        "type": "joint",
        "calendars": [
            {
                "type": "country_holidays",
                "country": "DE",
                "subdivision": "BY",
                "categories": ["catholic", "public"],
            },
            {"type": "financial_holidays", "market": "ECB"},
            {"type": "weekends", "weekend": [5, 6], "holidays": []},
        ],
    }
    assert loads(text, BusinessDayAdjustment) == adjustment
    # At the top level a calendar is a document of its own, with its schema version.
    # Issue 16: a union member on its own is written with its type tag, read back either way.
    assert dumps(TARGET) == '{"type": "financial_holidays", "market": "ECB", "schema_version": 1}'
    assert loads('{"market": "ECB", "schema_version": 1}', FinancialHolidays) == TARGET
    assert loads(dumps(TARGET), FinancialHolidays) == TARGET
    assert loads(dumps(joint), JointCalendar) == joint
    assert json.loads(dumps(CountryHolidays("US")))["categories"] == ["public"]


@given(
    convention=st.sampled_from(list(C)),
    calendar=st.one_of(calendars, settlement_calendars),
)
def test_new_calendars_round_trip_in_adjustments(
    convention: BusinessDayConvention, calendar: HolidayCalendar
) -> None:
    adjustment = BusinessDayAdjustment(convention, calendar)
    assert loads(dumps(adjustment), BusinessDayAdjustment) == adjustment


def test_documents_written_before_categories_still_read() -> None:
    old = '{"convention": "following", "calendar": {"type": "country_holidays", "country": "US"}}'
    assert loads(old, BusinessDayAdjustment).calendar == CountryHolidays("US")
    nulls = '{"type": "country_holidays", "country": "US", "subdivision": null, "categories": null}'
    assert loads(nulls, HolidayCalendar) == CountryHolidays("US")  # type: ignore[type-abstract]


@pytest.mark.parametrize(
    ("calendar", "message"),
    [
        ('{"type": "financial_holidays", "market": "MOON"}', "no financial calendar 'MOON'"),
        ('{"type": "financial_holidays", "market": "ECB", "x": 1}', "unknown keys"),
        ('{"type": "financial_holidays"}', "required field missing"),
        ('{"type": "country_holidays", "country": "US", "categories": "bank"}', "JSON array"),
        ('{"type": "country_holidays", "country": "US", "categories": ["bank"]}', "'bank'"),
        ('{"type": "joint", "calendars": "ECB"}', r"\$\.calendar\.calendars: expected a JSON"),
        ('{"type": "joint", "calendars": []}', "at least one calendar"),
        ('{"type": "joint"}', r"\$\.calendar\.calendars: required field missing"),
        (
            '{"type": "joint", "calendars": [{"type": "weekends"}, {"type": "moon"}]}',
            r"\$\.calendar\.calendars\[1\]: unknown type tag 'moon'",
        ),
    ],
)
def test_bad_calendar_documents(calendar: str, message: str) -> None:
    with pytest.raises(errors.StructureError, match=message):
        loads(f'{{"convention": "following", "calendar": {calendar}}}', BusinessDayAdjustment)


def test_a_joint_calendar_of_a_custom_calendar_has_no_json_form() -> None:
    class Custom:
        def is_business_day(self, day: date) -> bool:
            return True

    with pytest.raises(errors.StructureError, match="Custom is not a member"):
        dumps(JointCalendar([Custom(), TARGET]))


def test_cli_market_as_a_subprocess() -> None:
    def run(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                *(sys.executable, "-m", "revcycle", "terms", "Net 30"),
                *("--invoice-date", "2025-03-19", "--amount", "1000.00 EUR", *extra),
            ],
            capture_output=True,
            text=True,
            check=False,
        )

    def due(done: subprocess.CompletedProcess[str]) -> str:
        assert done.returncode == 0, done.stderr
        return str(json.loads(done.stdout)["installments"][0]["due_date"])

    assert due(run("--adjust", "following", "--market", "ecb")) == "2025-04-22"
    assert due(run("--adjust", "following", "--market", "NYSE")) == "2025-04-21"
    assert due(run("--adjust", "following", "--holidays", "US")) == "2025-04-18"
    assert due(run("--adjust", "following")) == "2025-04-18"  # weekends only
    assert due(run("--adjust", "preceding", "--holidays", "US", "--market", "NYSE")) == "2025-04-17"
    usage = run("--market", "ECB")
    assert usage.returncode == 2
    assert "--market needs --adjust" in usage.stderr
    unknown = run("--adjust", "following", "--market", "MOON")
    assert unknown.returncode == 1
    assert unknown.stderr.count("\n") == 1
    assert "no financial calendar 'MOON'" in unknown.stderr


def test_a_weekend_given_as_a_generator_keeps_its_days() -> None:
    # found while fixing the long fuzz run (issue 16): the weekend was checked from one pass
    # over the caller's iterable and then built from a second, so a generator gave no weekend.
    calendar = WeekendCalendar(weekend=(day for day in (5, 6)))
    assert calendar.weekend == frozenset({5, 6})
