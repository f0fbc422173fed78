"""Late interest: what paying late costs, as simple interest on a stated day count.

Conventions (docs/explanation/order-of-steps.md):

* Interest runs from the day after the due date up to and including the ``as_of`` date, so an
  amount paid on its due date owes nothing and one paid the next day owes one day.
* It is **simple** interest, ``amount × annual rate × days / days in year``, on the day count
  given (``ACT_365`` by default; ``ACT_360``; ``THIRTY_360`` = 30E/360). Nothing is rounded
  until the end: the interest is rounded once, half-up at the currency's minor unit.
* A rate is **a year's** unless ``per`` says otherwise: "1.5 % per month" is
  ``rate=Percent("1.5"), per=RatePeriod.MONTH`` (× 12 a year, 18 %), a daily rate
  ``per=RatePeriod.DAY`` (× 365); then the same day count. ``Percent("1.5")`` alone is 1.5 %
  a year, and the explanation says so.
* The rate may change over time: give a sequence of :class:`DatedRate` (each in force from
  its date until the next one's), as statutory rates change every half-year.
* A fixed compensation per late invoice (the EU's 40 EUR) is optional and charged once, when
  any interest day has run.

>>> from datetime import date
>>> from revcycle.money import Money, Percent
>>> charge = late_interest(Money("100.00", "USD"), date(2024, 1, 31), date(2024, 3, 1),
...                        Percent("10"))
>>> charge.days, charge.interest
(30, Money('0.82', 'USD'))
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, final

import attrs

from revcycle._display import points_text
from revcycle._numbers import CTX, ZERO, scale_exact, to_decimal
from revcycle._validate import check_annotated, check_day, require_day, require_sequence, to_choice
from revcycle.dates import DayCount
from revcycle.errors import CurrencyMismatchError, RevcycleTypeError, ValidationError, shown
from revcycle.money import Money, Percent, Rounding


__all__ = [
    "DatedRate",
    "InterestPiece",
    "LateCharge",
    "RatePeriod",
    "describe_rate",
    "late_interest",
]


class RatePeriod(enum.StrEnum):
    """The period a late-interest rate is stated for: a ``YEAR`` (the default), a ``MONTH``
    (× 12 a year) or a ``DAY`` (× 365 a year)."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"

    @property
    def per_year(self) -> int:
        """How many of these periods make the year the rate is converted to."""
        return _PER_YEAR[self]


_PER_YEAR: Final = {RatePeriod.YEAR: 1, RatePeriod.MONTH: 12, RatePeriod.DAY: 365}
_DAY_COUNT_NAMES: Final = {
    DayCount.ACT_365: "Actual/365",
    DayCount.ACT_360: "Actual/360",
    DayCount.THIRTY_360: "30E/360",
}


# Pieces are shown to four places for people; their exact values stay on the piece.
_SHOWN: Final = Rounding(places=4)


def _to_percent(value: Percent | Decimal | int | str) -> Percent:
    if isinstance(value, Percent):
        return value
    if isinstance(value, Decimal | int | str) and not isinstance(value, bool):
        return Percent(value)
    raise RevcycleTypeError(f"An annual rate must be a Percent, not {shown(value)}.")


@final
@attrs.frozen
class DatedRate:
    """An annual rate in force from ``start`` (inclusive) until the next dated rate starts.

    >>> DatedRate(date(2024, 7, 1), Percent("12.25"))
    DatedRate(start=datetime.date(2024, 7, 1), annual_rate=Percent('12.25'))
    """

    start: date = attrs.field(validator=check_day("A dated rate's {field}"))
    annual_rate: Percent = attrs.field(converter=_to_percent)


@final
@attrs.frozen(kw_only=True, field_transformer=check_annotated)
class InterestPiece:
    """One stretch of late days at one rate: the days after ``start`` up to and including
    ``end``, counted under the day count, and the unrounded interest they earn."""

    start: date
    end: date
    days: int
    annual_rate: Percent
    interest: Money

    def describe(self) -> str:
        """The stretch for people: its days, dates, yearly rate and unrounded interest."""
        return (
            f"{self.days} days from {self.start.isoformat()} to {self.end.isoformat()} at "
            f"{_rate_text(self.annual_rate)} a year: ≈ {self.interest.round(_SHOWN)}"
        )


@final
@attrs.frozen(kw_only=True, field_transformer=check_annotated)
class LateCharge:
    """What a late amount owes as of a date: the interest (rounded once), the fixed fee, and
    the stretches of days at each rate that make the interest up.

    ``days`` is the number of late days under the day count (30E/360 counts months as 30).
    """

    amount: Money
    due_date: date
    as_of: date
    days: int
    interest: Money
    fixed_fee: Money
    pieces: tuple[InterestPiece, ...] = ()
    rate: Percent | None = None
    per: RatePeriod = RatePeriod.YEAR
    day_count: DayCount = DayCount.ACT_365

    @property
    def total(self) -> Money:
        """Interest plus the fixed fee."""
        return self.interest + self.fixed_fee

    def explain(self) -> str:
        """How the charge was computed, for people: the rate and the period it is stated
        for, the day count, each stretch of days and the interest rounded once."""
        head = f"{self.amount} due {self.due_date.isoformat()}"
        lines = [f"{head}, as of {self.as_of.isoformat()}: {self.days} days late."]
        lines.append(f"  {self.rate_description}")
        lines.extend(f"  {p.describe()}" for p in self.pieces)
        lines.append(f"  interest (rounded once): {self.interest}")
        lines.append(f"  fixed fee: {self.fixed_fee}")
        lines.append(f"  total: {self.total}")
        return "\n".join(lines)

    @property
    def rate_description(self) -> str:
        """The rate as the explanation states it: :func:`describe_rate`."""
        return describe_rate(self.rate, self.per, self.day_count)


def describe_rate(
    rate: Percent | None,
    per: RatePeriod = RatePeriod.YEAR,
    day_count: DayCount = DayCount.ACT_365,
) -> str:
    """A late-interest rate for people, naming the period it is stated for and the day count;
    the default period is named too, so that a monthly rate given without ``per`` shows as
    the yearly rate it was taken for. ``None`` stands for a schedule of dated rates.

    >>> describe_rate(Percent("1.5"), RatePeriod.MONTH)
    'rate: 1.5% a month (per=month) = 18.0% a year, Actual/365'
    >>> describe_rate(Percent("10"))
    'rate: 10% a year (per=year, the default), Actual/365'
    """
    count = _DAY_COUNT_NAMES[to_choice(DayCount, day_count, "A day count")]
    per = to_choice(RatePeriod, per, "A rate period")
    if rate is None:
        return f"rates: the dated rates below, each a year's (per=year, the default), {count}"
    if not isinstance(rate, Percent):
        raise RevcycleTypeError(f"A rate must be a Percent or None, not {shown(rate)}.")
    if per is RatePeriod.YEAR:
        return f"rate: {_rate_text(rate)} a year (per=year, the default), {count}"
    yearly = Percent(CTX.multiply(rate.value, Decimal(per.per_year)))
    return (
        f"rate: {_rate_text(rate)} a {per.value} (per={per.value}) = "
        f"{_rate_text(yearly)} a year, {count}"
    )


def _rate_text(rate: Percent) -> str:
    """A rate for people: as written when it has at most six decimals, else ``≈`` and six."""
    return points_text(rate.value)


def _rates(annual_rate: Any) -> tuple[DatedRate, ...] | Percent:
    if isinstance(annual_rate, Percent):
        return annual_rate
    if isinstance(annual_rate, str | Decimal | int) and not isinstance(annual_rate, bool):
        return _to_percent(annual_rate)
    if isinstance(annual_rate, float):
        to_decimal(annual_rate, "An annual rate")  # raises FloatNotAllowedError with the fix
    if isinstance(annual_rate, Sequence):
        rates = require_sequence(annual_rate, "A rate schedule", of="DatedRate")
        if not rates:
            raise ValidationError("Give at least one dated rate.")
        for rate in rates:
            if not isinstance(rate, DatedRate):
                raise RevcycleTypeError(
                    f"A rate schedule is a sequence of DatedRate values, not {shown(rate)}."
                )
        for before, after in itertools.pairwise(rates):
            if after.start <= before.start:
                raise ValidationError(
                    f"Dated rates must start on increasing dates; {after.start.isoformat()} "
                    f"comes after {before.start.isoformat()}."
                )
        return rates
    raise RevcycleTypeError(
        f"An annual rate must be a Percent or a sequence of DatedRate values, not "
        f"{shown(annual_rate)}."
    )


def late_interest(
    amount: Money,
    due_date: date,
    as_of: date,
    rate: Percent | Decimal | int | str | Sequence[DatedRate] | None = None,
    day_count: DayCount | str = DayCount.ACT_365,
    fixed_fee: Money | None = None,
    rounding: Rounding | None = None,
    *,
    per: RatePeriod | str = RatePeriod.YEAR,
    annual_rate: Percent | Decimal | int | str | Sequence[DatedRate] | None = None,
) -> LateCharge:
    """Simple late interest on ``amount`` from the day after ``due_date`` to ``as_of``.

    ``rate`` is one :class:`~revcycle.money.Percent` per ``per`` (a year by default; "1.5 %
    per month" is ``rate=Percent("1.5"), per=RatePeriod.MONTH``, 18 % a year), or a
    sequence of :class:`DatedRate` in start order, each a year's rate (each late day earns
    the rate in force on that day); rates must not be negative. ``annual_rate=`` is the
    older name of ``rate=`` with ``per=RatePeriod.YEAR``.
    ``fixed_fee`` (whole minor units, not negative) is charged once when at least one day
    is late. The interest is rounded once, half-up at the minor unit unless ``rounding`` says
    otherwise.

    The EU late-payment rule (Directive 2011/7/EU) is the reference rate in force on 1 January
    or 1 July plus 8 points, and 40 EUR per late invoice:

    >>> from datetime import date
    >>> from revcycle.money import Money, Percent
    >>> eu = [DatedRate(date(2024, 1, 1), Percent("12.50")),   # ECB 4.50 % + 8
    ...       DatedRate(date(2024, 7, 1), Percent("12.25"))]   # ECB 4.25 % + 8
    >>> charge = late_interest(Money("10000.00", "EUR"), date(2024, 5, 31), date(2024, 8, 30),
    ...                        eu, fixed_fee=Money("40", "EUR"))
    >>> charge.days, charge.interest, charge.total
    (91, Money('307.47', 'EUR'), Money('347.47', 'EUR'))
    >>> monthly = late_interest(Money("1000.00", "USD"), date(2024, 1, 31), date(2024, 3, 1),
    ...                         rate=Percent("1.5"), per=RatePeriod.MONTH)
    >>> monthly.interest, monthly.pieces[0].annual_rate
    (Money('14.79', 'USD'), Percent('18.0'))
    """
    period = to_choice(RatePeriod, per, "A rate period")
    stated = _stated_rate(rate, annual_rate, period)
    if not isinstance(amount, Money):
        raise RevcycleTypeError(f"A late amount must be Money, not {shown(amount)}.")
    if amount.amount < ZERO:
        raise ValidationError(f"A late amount must not be negative, got {amount}.")
    # The date checks are by type name, as they always were here (see _validate.is_day).
    require_day(due_date, "A due date")
    require_day(as_of, "An as-of date")
    day_count = to_choice(DayCount, day_count, "A day count")
    if rounding is not None and not isinstance(rounding, Rounding):
        raise RevcycleTypeError(f"A rounding must be a Rounding or None, not {shown(rounding)}.")
    currency = amount.currency
    if fixed_fee is None:
        fee = Money(ZERO, currency).round(rounding)
    elif not isinstance(fixed_fee, Money):
        raise RevcycleTypeError(f"A fixed fee must be Money, not {shown(fixed_fee)}.")
    elif fixed_fee.currency != currency:
        raise CurrencyMismatchError(
            f"The fixed fee {fixed_fee} is not in the currency of the late amount {amount}."
        )
    elif fixed_fee.amount < ZERO:
        raise ValidationError(f"A fixed fee must not be negative, got {fixed_fee}.")
    else:
        if fixed_fee.round() != fixed_fee:
            raise ValidationError(
                f"A fixed fee must be a whole number of {currency.code} minor units, "
                f"not {fixed_fee}."
            )
        fee = fixed_fee
    rates = _rates(stated)
    for each in (rates,) if isinstance(rates, Percent) else (r.annual_rate for r in rates):
        if each.value < ZERO:
            raise ValidationError(f"A late-interest rate must not be negative, got {each}.")
    if not isinstance(rates, Percent) and period is not RatePeriod.YEAR:
        raise ValidationError(
            f"Dated rates are rates a year (DatedRate.annual_rate); give per=RatePeriod.YEAR "
            f"with a rate schedule, not per={period.value}."
        )
    stated_as = rates if isinstance(rates, Percent) else None  # dated: each piece has its own
    zero = Money(ZERO, currency).round(rounding)
    if as_of <= due_date:
        return LateCharge(
            amount=amount,
            due_date=due_date,
            as_of=as_of,
            days=0,
            interest=zero,
            fixed_fee=zero,
            rate=stated_as,
            per=period,
            day_count=day_count,
        )

    # Stretches of late days at one rate: (start, end] with end the last day at that rate.
    if isinstance(rates, Percent):
        yearly = Percent(CTX.multiply(rates.value, Decimal(period.per_year)))
        stretches = [(due_date, as_of, rates if period is RatePeriod.YEAR else yearly)]
    else:
        first_late = due_date + timedelta(days=1)
        if rates[0].start > first_late:
            raise ValidationError(
                f"No rate is in force on {first_late.isoformat()}, the first late day; the "
                f"dated rates start on {rates[0].start.isoformat()}."
            )
        stretches = []
        for k, dated in enumerate(rates):
            next_start = rates[k + 1].start if k + 1 < len(rates) else None
            begin = due_date if dated.start <= first_late else dated.start - timedelta(days=1)
            end = as_of if next_start is None else min(as_of, next_start - timedelta(days=1))
            if end > begin:
                stretches.append((begin, end, dated.annual_rate))

    year = day_count.days_in_year
    pieces: list[InterestPiece] = []
    rate_days = ZERO  # Σ rate (in percent points) × days, exact
    days = 0
    for begin, end, rate in stretches:
        n = day_count.days(begin, end)
        days += n
        weight = CTX.multiply(rate.value, Decimal(n))
        rate_days = CTX.add(rate_days, weight)
        exact = scale_exact(amount.amount, Fraction(weight) / (100 * year))
        pieces.append(
            InterestPiece(
                start=begin, end=end, days=n, annual_rate=rate, interest=Money(exact, currency)
            )
        )
    interest = Money(scale_exact(amount.amount, Fraction(rate_days) / (100 * year)), currency)
    return LateCharge(
        amount=amount,
        due_date=due_date,
        as_of=as_of,
        days=days,
        interest=interest.round(rounding),
        fixed_fee=fee,
        pieces=tuple(pieces),
        rate=stated_as,
        per=period,
        day_count=day_count,
    )


def _stated_rate(
    rate: Percent | Decimal | int | str | Sequence[DatedRate] | None,
    annual_rate: Percent | Decimal | int | str | Sequence[DatedRate] | None,
    period: RatePeriod,
) -> Percent | Decimal | int | str | Sequence[DatedRate]:
    """The one rate given: ``rate=``, or ``annual_rate=`` (a yearly rate by its name)."""
    if annual_rate is None:
        if rate is None:
            raise RevcycleTypeError(
                "late_interest() needs a rate: rate=Percent(...) with per=RatePeriod.YEAR "
                "(the default), MONTH or DAY."
            )
        return rate
    if rate is not None:
        raise ValidationError("Give rate= or annual_rate= (its older name), not both.")
    if period is not RatePeriod.YEAR:
        raise ValidationError(
            f"annual_rate= is a rate a year; with per={period.value} give the rate as rate=."
        )
    return annual_rate
