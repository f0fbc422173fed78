"""JSON hooks for payment terms: due-date rules and holiday calendars are tagged unions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import cattrs
from cattrs.errors import AttributeValidationNote, ClassValidationError

from revcycle.calendars import (
    CountryHolidays,
    FinancialHolidays,
    HolidayCalendar,
    JointCalendar,
    WeekendCalendar,
)
from revcycle.errors import RevcycleTypeError, shown
from revcycle.serialization._core import register_tagged_union
from revcycle.terms import DayOfMonth, DueRule, EndOfMonth, NetDays


def _fields(data: Any, allowed: set[str], what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise RevcycleTypeError(f"expected {what} as an object, got {shown(data)}")
    extra = set(data) - allowed
    if extra:
        raise ValueError(f"unknown keys {shown(sorted(extra))}")
    return data


def register(converter: cattrs.Converter) -> None:
    """Register the tagged unions of :mod:`revcycle.terms` and :mod:`revcycle.calendars`."""

    # HolidayCalendar is a runtime-checkable protocol, so the converter's class dispatch
    # would route both calendars to the protocol's (tagged) hook and loop; each concrete
    # calendar gets its own hooks, which win over the protocol's.
    def unstructure_weekends(value: WeekendCalendar) -> dict[str, Any]:
        # Sets have no order; sorted lists keep the JSON stable from run to run.
        return {
            "weekend": sorted(value.weekend),
            "holidays": sorted(day.isoformat() for day in value.holidays),
        }

    def structure_weekends(data: Any, _: Any) -> WeekendCalendar:
        fields = _fields(data, {"weekend", "holidays"}, "a weekend calendar")
        weekend = converter.structure(fields.get("weekend", [5, 6]), tuple[int, ...])
        holidays = converter.structure(fields.get("holidays", []), tuple[date, ...])
        return WeekendCalendar(weekend=frozenset(weekend), holidays=frozenset(holidays))

    def unstructure_country(value: CountryHolidays) -> dict[str, Any]:
        return {
            "country": value.country,
            "subdivision": value.subdivision,
            "categories": list(value.categories),
        }

    def structure_country(data: Any, _: Any) -> CountryHolidays:
        fields = _fields(data, {"country", "subdivision", "categories"}, "a country calendar")
        country = converter.structure(fields["country"], str)
        subdivision = fields.get("subdivision")
        if subdivision is not None:
            subdivision = converter.structure(subdivision, str)
        categories = fields.get("categories")  # absent or null: the package's default
        if categories is not None:
            categories = converter.structure(categories, tuple[str, ...])
        return CountryHolidays(country, subdivision, categories=categories)

    def structure_financial(data: Any, _: Any) -> FinancialHolidays:
        fields = _fields(data, {"market"}, "a financial calendar")
        return FinancialHolidays(converter.structure(fields["market"], str))

    def unstructure_joint(value: JointCalendar) -> dict[str, Any]:
        return {
            "calendars": [
                converter.unstructure(calendar, unstructure_as=HolidayCalendar)
                for calendar in value.calendars
            ]
        }

    def structure_joint(data: Any, _: Any) -> JointCalendar:
        fields = _fields(data, {"calendars"}, "a joint calendar")
        try:
            calendars = converter.structure(fields["calendars"], tuple[HolidayCalendar, ...])
        except Exception as error:
            # As cattrs' own class hooks do, so that a message names $.calendar.calendars[1].
            error.add_note(
                AttributeValidationNote(
                    "Structuring JointCalendar @ attribute calendars", "calendars", tuple
                )
            )
            raise ClassValidationError(
                "While structuring JointCalendar", [error], JointCalendar
            ) from None
        return JointCalendar(calendars)

    converter.register_unstructure_hook(WeekendCalendar, unstructure_weekends)
    converter.register_structure_hook(WeekendCalendar, structure_weekends)
    converter.register_unstructure_hook(CountryHolidays, unstructure_country)
    converter.register_structure_hook(CountryHolidays, structure_country)
    converter.register_unstructure_hook(FinancialHolidays, lambda value: {"market": value.market})
    converter.register_structure_hook(FinancialHolidays, structure_financial)
    converter.register_unstructure_hook(JointCalendar, unstructure_joint)
    converter.register_structure_hook(JointCalendar, structure_joint)
    register_tagged_union(
        converter,
        DueRule,
        {"net_days": NetDays, "end_of_month": EndOfMonth, "day_of_month": DayOfMonth},
    )
    register_tagged_union(
        converter,
        HolidayCalendar,
        {
            "weekends": WeekendCalendar,
            "country_holidays": CountryHolidays,
            "financial_holidays": FinancialHolidays,
            "joint": JointCalendar,
        },
    )
