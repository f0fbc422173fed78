"""Due-date rules of payment terms: :class:`NetDays`, :class:`EndOfMonth`, :class:`DayOfMonth`.

Every rule counts calendar days, computes its month from the invoice date in one go (month ends
clamped), and never returns a date before the invoice date. Re-exported by
:mod:`revcycle.terms`; import from there.
"""

from __future__ import annotations

import calendar as _calendar
from datetime import date, timedelta
from typing import Final, TypeAlias, final

import attrs

from revcycle._validate import Validator, check_type, check_whole, require_day
from revcycle.errors import TermsError, shown


# --------------------------------------------------------------------------------------------
# Date arithmetic (plain integers: this runs for every installment of every invoice)


_MONTH_DAYS: Final = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _last_day(year: int, month: int) -> int:
    if month == 2 and _calendar.isleap(year):
        return 29
    return _MONTH_DAYS[month]


def _month_plus(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _outside_calendar(rule: object, invoice_date: date) -> TermsError:
    return TermsError(
        f"{shown(rule)} applied to {invoice_date.isoformat()} falls outside the supported calendar."
    )


MAX_DAYS: Final = (date.max - date.min).days
"""The most calendar days a due-date rule or a discount may count (3,652,058: the span of the
calendar, years 1 to 9999); more could never give a date."""

MAX_MONTHS: Final = 9999 * 12 - 1
"""The most months a due-date rule may step ahead (119,987: January of year 1 to December of
year 9999); more could never give a date."""


def whole(low: int, high: int | None = None) -> Validator:
    """An int field from ``low`` to ``high``; out of range is a :class:`TermsError`."""
    return check_whole(low, high, error=TermsError)


# --------------------------------------------------------------------------------------------
# Due-date rules


@final
@attrs.frozen
class NetDays:
    """Due ``days`` calendar days after the invoice date ("Net 30"; ``NetDays(0)`` is due on
    receipt).

    >>> from datetime import date
    >>> NetDays(30).due_date(date(2022, 1, 31))
    datetime.date(2022, 3, 2)
    """

    days: int = attrs.field(validator=whole(0, MAX_DAYS))

    def due_date(self, invoice_date: date) -> date:
        """The invoice date plus ``days`` calendar days."""
        return self._date(require_day(invoice_date, "An invoice date"))

    def _date(self, invoice_date: date) -> date:
        try:
            return invoice_date + timedelta(days=self.days)
        except OverflowError:
            raise _outside_calendar(self, invoice_date) from None

    def describe(self) -> str:
        """The rule in words ("Net 30", "Due on receipt"); :meth:`PaymentTerms.parse` reads it."""
        return "Due on receipt" if self.days == 0 else f"Net {self.days}"


@final
@attrs.frozen
class EndOfMonth:
    """Due on the last day of the invoice month, or of the month ``months`` later, plus
    ``days`` calendar days.

    Steps: take the invoice month; go ``months`` months ahead; take that month's last day;
    add ``days``. "Net 30 EOM" is ``EndOfMonth(days=30)``; "end of next month" is
    ``EndOfMonth(months=1)``. The month end is found from the month, never by adding a month to
    the invoice day, so it cannot land on the 28th or 30th by mistake.

    >>> from datetime import date
    >>> EndOfMonth(months=1).due_date(date(2024, 1, 31))
    datetime.date(2024, 2, 29)
    >>> EndOfMonth(days=30).due_date(date(2024, 1, 15))
    datetime.date(2024, 3, 1)
    """

    months: int = attrs.field(default=0, validator=whole(0, MAX_MONTHS))
    days: int = attrs.field(default=0, validator=whole(0, MAX_DAYS))

    def due_date(self, invoice_date: date) -> date:
        """The last day of the month ``months`` after the invoice month, plus ``days``."""
        return self._date(require_day(invoice_date, "An invoice date"))

    def _date(self, invoice_date: date) -> date:
        year, month = _month_plus(invoice_date.year, invoice_date.month, self.months)
        try:
            return date(year, month, _last_day(year, month)) + timedelta(days=self.days)
        except (OverflowError, ValueError):
            raise _outside_calendar(self, invoice_date) from None

    def describe(self) -> str:
        """The rule in words ("EOM", "Net 30 EOM", "End of next month")."""
        if self.months == 0:
            return "EOM" if self.days == 0 else f"Net {self.days} EOM"
        if self.months == 1:
            text = "End of next month"
        else:
            text = f"End of the month {self.months} months after the invoice month"
        return text if self.days == 0 else f"{text}, plus {self.days} days"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@final
@attrs.frozen
class DayOfMonth:
    """Due on day ``day`` of a later month: "the 10th of next month", "10th prox".

    Steps, in this order: (1) the invoice date plus ``after_days`` calendar days; (2) if
    ``cutoff_day`` is set and that date's day of the month is after it, one extra month;
    (3) ``months`` months ahead (0 allowed: the same month); (4) day ``day`` of that month,
    clamped to its last day (31 gives Feb 28 or 29); (5) a result before the invoice date
    becomes the invoice date (possible only with ``months=0``).

    >>> from datetime import date
    >>> DayOfMonth(10).due_date(date(2024, 1, 20))
    datetime.date(2024, 2, 10)
    >>> DayOfMonth(31).due_date(date(2024, 1, 5))
    datetime.date(2024, 2, 29)
    >>> DayOfMonth(25, months=0, cutoff_day=20).due_date(date(2024, 1, 21))
    datetime.date(2024, 2, 25)
    """

    day: int = attrs.field(validator=whole(1, 31))
    months: int = attrs.field(default=1, kw_only=True, validator=whole(0, MAX_MONTHS))
    after_days: int = attrs.field(default=0, kw_only=True, validator=whole(0, MAX_DAYS))
    cutoff_day: int | None = attrs.field(default=None, kw_only=True)

    @cutoff_day.validator
    def _check_cutoff(self, attribute: attrs.Attribute[int | None], value: int | None) -> None:
        if value is not None:
            whole(1, 31)(self, attribute, value)

    def due_date(self, invoice_date: date) -> date:
        """The due date by the five steps in the class docstring."""
        return self._date(require_day(invoice_date, "An invoice date"))

    def _date(self, invoice_date: date) -> date:
        try:
            start = invoice_date + timedelta(days=self.after_days)
            months = self.months
            if self.cutoff_day is not None and start.day > self.cutoff_day:
                months += 1
            year, month = _month_plus(start.year, start.month, months)
            due = date(year, month, min(self.day, _last_day(year, month)))
        except (OverflowError, ValueError):
            raise _outside_calendar(self, invoice_date) from None
        return max(due, invoice_date)

    def describe(self) -> str:
        """The rule in words ("10th of next month")."""
        if self.months == 1 and self.after_days == 0 and self.cutoff_day is None:
            return f"{_ordinal(self.day)} of next month"
        month = {0: "the same month", 1: "the next month"}.get(
            self.months, f"the month {self.months} months later"
        )
        parts = [f"{_ordinal(self.day)} of {month}"]
        if self.after_days:
            parts.append(f"counted from {self.after_days} days after the invoice date")
        if self.cutoff_day is not None:
            parts.append(f"one month later if issued after the {_ordinal(self.cutoff_day)}")
        return ", ".join(parts)


DueRule: TypeAlias = NetDays | EndOfMonth | DayOfMonth
"""A due-date rule: anything with ``due_date(invoice_date) -> date``."""

_DUE_RULES: Final = (NetDays, EndOfMonth, DayOfMonth)


check_rule: Final = check_type(_DUE_RULES, "NetDays, EndOfMonth or DayOfMonth", "A due-date rule")
