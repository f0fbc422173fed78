"""Proration: what share of a period, and how many pricing terms long a span is.

Two questions, two functions (docs/explanation/proration-methods.md):

* :func:`period_fraction` — what share of one billing period does a part of it cover?
  Methods ``DAILY`` (days over days), ``THIRTY_360`` (30E/360 days over 30E/360 days) and
  ``NONE`` (a started period counts in full).
* :func:`term_multiplier` — how many pricing terms long is a span (an annual price over an
  18-month term is × 1.5)? Methods ``MONTHLY_DAILY`` (Salesforce CPQ's default),
  ``CALENDAR_MONTHLY_DAILY``, ``MONTHLY_ROUND_UP``, ``DAILY`` and ``THIRTY_360``.

Every result is an exact fraction; the Decimal returned is that fraction divided out to 50
significant digits. The ``*_detail`` functions return a :class:`Proration` that keeps the exact
fraction, says how it was counted, and applies itself to money without intermediate rounding.

>>> from datetime import date
>>> feb = Period(date(2012, 2, 1), date(2012, 3, 1))
>>> period_fraction_detail(Period(date(2012, 2, 1), date(2012, 2, 15)), feb).exact
Fraction(14, 29)
>>> term_multiplier(date(2024, 1, 1), date(2026, 1, 1))
Decimal('2')
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Final, final

import attrs

from revcycle._display import counted, fraction_text
from revcycle._numbers import check_fraction, fraction_to_decimal
from revcycle._validate import Validator, check_text, require_sequence, to_choice, trusted
from revcycle.dates import (
    Duration,
    Period,
    aligned_periods,
    anchored_date,
    days_30e_360,
    schedule_index,
)
from revcycle.errors import ProrationError, RevcycleTypeError, ValidationError, shown
from revcycle.money import Money


__all__ = [
    "CountedPart",
    "Proration",
    "ProrationMethod",
    "period_fraction",
    "period_fraction_detail",
    "term_multiplier",
    "term_multiplier_detail",
]


class ProrationMethod(enum.StrEnum):
    """A named way of counting partial periods and terms (see the module docstring)."""

    DAILY = "daily"
    THIRTY_360 = "thirty_360"
    NONE = "none"
    MONTHLY_DAILY = "monthly_daily"
    CALENDAR_MONTHLY_DAILY = "calendar_monthly_daily"
    MONTHLY_ROUND_UP = "monthly_round_up"


PERIOD_METHODS: Final = (ProrationMethod.DAILY, ProrationMethod.THIRTY_360, ProrationMethod.NONE)
TERM_METHODS: Final = (
    ProrationMethod.MONTHLY_DAILY,
    ProrationMethod.CALENDAR_MONTHLY_DAILY,
    ProrationMethod.MONTHLY_ROUND_UP,
    ProrationMethod.DAILY,
    ProrationMethod.THIRTY_360,
)

_MONTH: Final = Duration(months=1)
_YEAR_DAYS_FOR_MONTHS: Final = Fraction(12, 365)


def _check_fraction(positive: bool) -> Validator:
    def check(instance: object, attribute: attrs.Attribute[object], value: object) -> None:
        what = f"{type(instance).__name__}.{attribute.name}"
        if not isinstance(value, Fraction):
            raise RevcycleTypeError(f"{what} must be a Fraction, not {shown(value)}.")
        check_fraction(value, what)
        if positive and value <= 0:
            raise ValidationError(f"{what} must be above zero, not {value}.")

    return check


def _to_method(value: object) -> ProrationMethod:
    return to_choice(ProrationMethod, value, "A proration method")


def _to_parts(value: object) -> tuple[CountedPart, ...]:
    return require_sequence(value, "Proration parts", "CountedPart", kind=CountedPart)


@final
@attrs.frozen
class CountedPart:
    """One counted piece of a proration: what was counted and its exact value."""

    description: str = attrs.field(validator=check_text(allow_empty=True))
    value: Fraction = attrs.field(validator=_check_fraction(positive=False))


@final
@attrs.frozen(kw_only=True)
class Proration:
    """An exact proration result that can explain itself.

    ``exact`` is the sum of the counted parts divided by ``divisor`` (above zero); ``value`` is
    that fraction as a Decimal. :meth:`apply` scales money by the exact fraction, multiplying
    first and dividing once, so no intermediate rounding happens before the caller's rounding
    point.
    """

    method: ProrationMethod = attrs.field(converter=_to_method)
    question: str = attrs.field(validator=check_text(allow_empty=True))
    parts: tuple[CountedPart, ...] = attrs.field(converter=_to_parts)
    divisor: Fraction = attrs.field(validator=_check_fraction(positive=True))
    divisor_description: str = attrs.field(validator=check_text(allow_empty=True))

    @property
    def exact(self) -> Fraction:
        """The result as an exact fraction."""
        return sum((p.value for p in self.parts), Fraction(0)) / self.divisor

    @property
    def value(self) -> Decimal:
        """The result as a Decimal (the exact fraction to 50 significant digits)."""
        return fraction_to_decimal(self.exact)

    def apply(self, money: Money) -> Money:
        """``money × exact`` without intermediate rounding (still unrounded)."""
        if not isinstance(money, Money):
            raise RevcycleTypeError(f"Proration.apply() takes Money, not {shown(money)}.")
        return money * self.exact

    def summary(self) -> str:
        """The count on one line, as a waterfall's term step and an amendment line show it.

        >>> from datetime import date
        >>> term_multiplier_detail(date(2026, 3, 1), date(2028, 1, 1)).summary()
        '× 11/6 (≈ 1.833333) = (22 whole months from 2026-03-01 to 2028-01-01) ÷ 12 months in \
the pricing term P12M, monthly_daily'
        """
        parts = " + ".join(
            f"{fraction_text(p.value)} {p.description}" for p in self.parts if p.value
        )
        return (
            f"× {fraction_text(self.exact)} = ({parts or '0'}) ÷ {fraction_text(self.divisor)} "
            f"{self.divisor_description}, {self.method.value}"
        )

    def explain(self) -> str:
        """How the result was counted, for people."""
        lines = [f"{self.question} ({self.method.value}):"]
        lines += [f"  {fraction_text(p.value)}  {p.description}" for p in self.parts]
        lines.append(f"  ÷ {fraction_text(self.divisor)}  {self.divisor_description}")
        lines.append(f"  = {fraction_text(self.exact)}")
        return "\n".join(lines)


# Built from what the counting functions computed themselves (the fields' checks are for
# values that come from outside: JSON, a caller).
_part: Final = trusted(CountedPart, "description", "value")
_build: Final = trusted(Proration, "method", "question", "parts", "divisor", "divisor_description")


def _made(
    *,
    method: ProrationMethod,
    question: str,
    parts: Iterable[CountedPart],
    divisor: Fraction,
    divisor_description: str,
) -> Proration:
    return _build(method, question, tuple(parts), divisor, divisor_description)


def _method(method: object, allowed: tuple[ProrationMethod, ...], what: str) -> ProrationMethod:
    chosen = None
    if isinstance(method, str):  # a ProrationMethod is a str too
        try:
            chosen = ProrationMethod(method)
        except ValueError:
            chosen = None
    if chosen not in allowed:
        names = ", ".join(m.name for m in allowed)
        given = method.name if isinstance(method, ProrationMethod) else shown(method)
        raise ProrationError(f"{what} supports the methods {names}; got {given}.")
    assert chosen is not None
    return chosen


# --------------------------------------------------------------------------------------------
# Share of a period


def period_fraction(
    part: Period, full: Period, method: ProrationMethod = ProrationMethod.DAILY
) -> Decimal:
    """The share of billing period ``full`` that ``part`` covers, as a Decimal.

    >>> from datetime import date
    >>> full = Period(date(2024, 1, 1), date(2024, 2, 1))
    >>> period_fraction(Period(date(2024, 1, 16), date(2024, 2, 1)), full)
    Decimal('0.51612903225806451612903225806451612903225806451613')
    >>> period_fraction(Period(date(2024, 1, 16), date(2024, 2, 1)), full,
    ...                 ProrationMethod.THIRTY_360)
    Decimal('0.5')
    """
    return period_fraction_detail(part, full, method).value


def period_fraction_detail(
    part: Period, full: Period, method: ProrationMethod = ProrationMethod.DAILY
) -> Proration:
    """:func:`period_fraction` as an exact, explainable :class:`Proration`."""
    chosen = _method(method, PERIOD_METHODS, "period_fraction()")
    if not isinstance(part, Period) or not isinstance(full, Period):
        raise RevcycleTypeError("period_fraction() needs two Period values (part, full).")
    if not full.contains(part):
        raise ProrationError(f"The part {part} must lie inside the full period {full}.")
    question = f"Share of {full} covered by {part}"
    if chosen is ProrationMethod.NONE:
        return _made(
            method=chosen,
            question=question,
            parts=(_part("a started period bills in full", Fraction(1)),),
            divisor=Fraction(1),
            divisor_description="(no proration)",
        )
    if chosen is ProrationMethod.DAILY:
        counted, whole = part.days, full.days
        unit = "days"
    else:
        counted = days_30e_360(part.start, part.end)
        whole = days_30e_360(full.start, full.end)
        unit = "30E/360 days"
        if whole == 0:
            raise ProrationError(f"The full period {full} has no 30E/360 days to divide by.")
    return _made(
        method=chosen,
        question=question,
        parts=(_part(f"{unit} in the part", Fraction(counted)),),
        divisor=Fraction(whole),
        divisor_description=f"{unit} in the full period",
    )


# --------------------------------------------------------------------------------------------
# Term multiplier


def term_multiplier(
    start: date,
    end: date,
    per: Duration = Duration(months=12),  # noqa: B008 - Duration is immutable
    method: ProrationMethod = ProrationMethod.MONTHLY_DAILY,
) -> Decimal:
    """How many pricing terms of length ``per`` the span ``[start, end)`` is (``end`` exclusive).

    >>> from datetime import date
    >>> term_multiplier(date(2024, 1, 1), date(2025, 7, 1))
    Decimal('1.5')
    >>> term_multiplier(date(2024, 1, 1), date(2024, 2, 15), per=Duration(months=1))
    Decimal('1.4602739726027397260273972602739726027397260273973')
    """
    return term_multiplier_detail(start, end, per, method).value


def term_multiplier_detail(
    start: date,
    end: date,
    per: Duration = Duration(months=12),  # noqa: B008 - Duration is immutable
    method: ProrationMethod = ProrationMethod.MONTHLY_DAILY,
) -> Proration:
    """:func:`term_multiplier` as an exact, explainable :class:`Proration`.

    >>> from datetime import date
    >>> print(term_multiplier_detail(date(2024, 1, 1), date(2025, 1, 16)).explain())
    Terms of P12M in [2024-01-01, 2025-01-16) (monthly_daily):
      12  whole months from 2024-01-01 to 2025-01-01
      36/73 (≈ 0.493151)  15 leftover days × 12/365
      ÷ 12  months in the pricing term P12M
      = 76/73 (≈ 1.041096)
    """
    chosen = _method(method, TERM_METHODS, "term_multiplier()")
    if not isinstance(per, Duration):
        raise RevcycleTypeError(f"The pricing term must be a Duration, not {shown(per)}.")
    span = Period(start, end)
    question = f"Terms of {per} in {span}"
    if chosen is ProrationMethod.DAILY:
        return _daily_terms(span, per, question)
    if not per.is_month_based:
        raise ProrationError(
            f"The {chosen.name} method counts months, so the pricing term must be whole months "
            f"or years; got {per}. Use ProrationMethod.DAILY for a term in weeks or days."
        )
    divisor = Fraction(per.total_months)
    divisor_description = (
        f"{'month' if per.total_months == 1 else 'months'} in the pricing term {per}"
    )
    parts = _MONTH_COUNTERS[chosen](span)
    return _made(
        method=chosen,
        question=question,
        parts=parts,
        divisor=divisor,
        divisor_description=divisor_description,
    )


def _whole_months(span: Period) -> tuple[int, date, int]:
    months = schedule_index(span.start, _MONTH, span.end)
    boundary = anchored_date(span.start, _MONTH, months)
    return months, boundary, (span.end - boundary).days


def _months_part(months: int, span: Period, boundary: date) -> CountedPart:
    word = "month" if months == 1 else "months"
    return _part(
        f"whole {word} from {span.start.isoformat()} to {boundary.isoformat()}", Fraction(months)
    )


def _monthly_daily(span: Period) -> tuple[CountedPart, ...]:
    months, boundary, leftover = _whole_months(span)
    return (
        _months_part(months, span, boundary),
        _part(f"{counted(leftover, 'leftover day')} × 12/365", leftover * _YEAR_DAYS_FOR_MONTHS),
    )


def _monthly_round_up(span: Period) -> tuple[CountedPart, ...]:
    months, boundary, leftover = _whole_months(span)
    parts = [_months_part(months, span, boundary)]
    if leftover:
        parts.append(
            _part(
                f"{counted(leftover, 'leftover day')} "
                f"{'counts' if leftover == 1 else 'count'} as a month",
                Fraction(1),
            )
        )
    return tuple(parts)


def _calendar_monthly_daily(span: Period) -> tuple[CountedPart, ...]:
    first_of_month = date(span.start.year, span.start.month, 1)
    pieces = aligned_periods(span, first_of_month, _MONTH)
    full_months = sum(1 for p in pieces if not p.is_partial)
    parts = []
    if full_months:
        parts.append(_part("full calendar months", Fraction(full_months)))
    for piece in pieces:
        if piece.is_partial:
            month = piece.full.start.strftime("%Y-%m")
            parts.append(
                _part(
                    f"{piece.period.days} of {piece.full.days} days of {month}",
                    Fraction(piece.period.days, piece.full.days),
                )
            )
    return tuple(parts)


def _thirty_360(span: Period) -> tuple[CountedPart, ...]:
    days = days_30e_360(span.start, span.end)
    return (_part(f"{days} 30E/360 days ÷ 30 days a month", Fraction(days, 30)),)


_MONTH_COUNTERS: Final[dict[ProrationMethod, Callable[[Period], tuple[CountedPart, ...]]]] = {
    ProrationMethod.MONTHLY_DAILY: _monthly_daily,
    ProrationMethod.MONTHLY_ROUND_UP: _monthly_round_up,
    ProrationMethod.CALENDAR_MONTHLY_DAILY: _calendar_monthly_daily,
    ProrationMethod.THIRTY_360: _thirty_360,
}


def _daily_terms(span: Period, per: Duration, question: str) -> Proration:
    steps = schedule_index(span.start, per, span.end)
    boundary = anchored_date(span.start, per, steps)
    leftover = (span.end - boundary).days
    parts = [
        _part(
            f"whole {'term' if steps == 1 else 'terms'} of {per} from {span.start.isoformat()} "
            f"to {boundary.isoformat()}",
            Fraction(steps),
        )
    ]
    if leftover:
        next_step = anchored_date(span.start, per, steps + 1)
        step_days = (next_step - boundary).days
        parts.append(
            _part(
                f"{counted(leftover, 'leftover day')} of the {step_days}-day term starting "
                f"{boundary.isoformat()}",
                Fraction(leftover, step_days),
            )
        )
    return _made(
        method=ProrationMethod.DAILY,
        question=question,
        parts=tuple(parts),
        divisor=Fraction(1),
        divisor_description="(counted in terms)",
    )
