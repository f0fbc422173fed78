"""The amount of a piece: quantity × net unit price per pricing term × the frequency's share of
the term × the piece's fraction, rounded once at the line; and the true-up that makes a segment
billed to its end add up to its contracted total (docs/explanation/billed-equals-contracted.md).

Re-exported by :mod:`revcycle.billing`; import from there.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Final

from revcycle._numbers import CTX, scale_exact
from revcycle.contracts import Subscription
from revcycle.dates import Duration, Period, anchored_date
from revcycle.money import Currency, Money, Rounding


Rounder = Callable[[Decimal], Decimal]
"""Rounds an amount at the line: half-up at the currency's minor unit, or by the contract's
:class:`~revcycle.money.Rounding`."""


def rounder(rounding: Rounding | None, currency: Currency) -> Rounder:
    """The line rounding of a contract in ``currency`` (its ``rounding``, else half-up)."""
    if rounding is not None:
        return lambda amount: rounding.quantize(amount, currency)
    quantum = currency.quantum

    def half_up(amount: Decimal) -> Decimal:
        return amount.quantize(quantum, rounding=decimal.ROUND_HALF_UP, context=CTX)

    return half_up


def term_share(frequency: Duration, term: Duration) -> Fraction | None:
    """The share of one pricing ``term`` that one billing period of ``frequency`` is: months
    over months when both are month-based, days over days when both are day-based (weeks and
    days); ``None`` when one counts months and the other days (see :func:`period_share`)."""
    if frequency.is_month_based and term.is_month_based:
        return Fraction(frequency.total_months, term.total_months)
    if not (frequency.years or frequency.months or term.years or term.months):
        return Fraction(frequency.weeks * 7 + frequency.days, term.weeks * 7 + term.days)
    return None


def period_share(full: Period, term: Duration) -> Fraction:
    """The share of a pricing ``term`` that the bill-cycle period ``full`` is when the two
    count differently (a weekly bill of an annual price): its days over the days of the term
    that starts with it."""
    term_days = (anchored_date(full.start, term, 1) - full.start).days
    return Fraction(full.days, term_days)


_Priced = tuple[Money, Money, Money]
"""The unit price per billing period, the precise amount and the rounded amount of a piece."""


class RecurringPrices:
    """What the pieces of one recurring segment cost: a whole bill-cycle period's unit price,
    precise amount and rounded amount are worked out once per period length (once per segment
    when the frequency and the pricing term count alike), a shorter piece's from its exact
    fraction, multiplying first and dividing once."""

    __slots__ = ("_base", "_currency", "_fixed", "_round", "_term", "_unit", "_whole", "same")

    def __init__(self, segment: Subscription, frequency: Duration, round_line: Rounder) -> None:
        term = segment.pricing_term
        assert term is not None  # a recurring segment always has one
        self._unit = segment.net_unit_price.amount
        self._base = CTX.multiply(segment.quantity, self._unit)
        self._currency = segment.currency
        self._term = term
        self._fixed = term_share(frequency, term)
        self._round = round_line
        self._whole: dict[Fraction, _Priced] = {}
        # A whole period's prices when every period costs the same (a fixed share).
        self.same: _Priced | None = None
        if self._fixed is not None:
            self.same = self.whole(Period(segment.period.start, segment.period.end))

    def _share(self, full: Period) -> Fraction:
        fixed = self._fixed
        return period_share(full, self._term) if fixed is None else fixed

    def whole(self, full: Period) -> _Priced:
        """A whole bill-cycle period ``full``."""
        fixed = self._fixed
        share = period_share(full, self._term) if fixed is None else fixed
        found = self._whole.get(share)
        if found is None:
            currency = self._currency
            precise = scale_exact(self._base, share)
            found = self._whole[share] = (
                Money._trusted(scale_exact(self._unit, share), currency),
                Money._trusted(precise, currency),
                Money._trusted(self._round(precise), currency),
            )
        return found

    def part(self, full: Period, fraction: Fraction) -> _Priced:
        """A piece billing ``fraction`` of the bill-cycle period ``full``."""
        unit, _, _ = self.whole(full)
        precise = scale_exact(self._base, self._share(full) * fraction)
        currency = self._currency
        return (
            unit,
            Money._trusted(precise, currency),
            Money._trusted(self._round(precise), currency),
        )


TRUE_UP: Final = "true-up to the contracted total"
