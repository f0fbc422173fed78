"""The billing settings a contract carries: frequency, timing, bill-cycle anchor, first period,
proration of partial periods and the true-up (docs/reference/contracts.md).

Only the values live here; the billing engine that reads them comes with the billing issue.
Re-exported by :mod:`revcycle.contracts`; import from there.
"""

from __future__ import annotations

import enum
from datetime import date
from typing import Final, final

import attrs

from revcycle._validate import check_day, check_type, to_choice
from revcycle.dates import Duration
from revcycle.errors import ValidationError
from revcycle.proration import PERIOD_METHODS, ProrationMethod


class BillingTiming(enum.StrEnum):
    """When a recurring period is billed: at its start (``IN_ADVANCE``) or once it has ended
    (``IN_ARREARS``). Usage always bills in arrears."""

    IN_ADVANCE = "in_advance"
    IN_ARREARS = "in_arrears"


class FirstPeriod(enum.StrEnum):
    """How the contract's first stretch before its first bill-cycle date is billed when it is
    shorter than a period: prorated by the settings' ``proration`` (``PRORATE``), billed in
    full (``FULL``) or free (``FREE``)."""

    PRORATE = "prorate"
    FULL = "full"
    FREE = "free"


class TrueUp(enum.StrEnum):
    """Whether the last piece of a segment's term is its contracted total minus everything
    billed for it before (``LAST_PERIOD``: billed equals contracted, to the cent), or priced
    like the others (``NONE``, as Stripe, Lago and Kill Bill do)."""

    LAST_PERIOD = "last_period"
    NONE = "none"


def _to_timing(value: BillingTiming | str) -> BillingTiming:
    return to_choice(BillingTiming, value, "A billing timing")


def _to_first_period(value: FirstPeriod | str) -> FirstPeriod:
    return to_choice(FirstPeriod, value, "A first-period policy")


def _to_true_up(value: TrueUp | str) -> TrueUp:
    return to_choice(TrueUp, value, "A true-up policy")


def _to_proration(value: ProrationMethod | str) -> ProrationMethod:
    method = to_choice(ProrationMethod, value, "A billing proration method")
    if method not in PERIOD_METHODS:
        names = ", ".join(m.name for m in PERIOD_METHODS)
        raise ValidationError(
            f"A billing proration method shares out one billing period, so it must be one of "
            f"{names}; got {method.name}, which counts pricing terms."
        )
    return method


_MONTHLY: Final = Duration(months=1)


@final
@attrs.frozen(kw_only=True)
class BillingSettings:
    """How a contract is billed: every ``frequency`` (a positive calendar step), in advance or
    in arrears, on the bill cycle through ``anchor``, with the first stretch prorated, in full
    or free, partial periods shared out by ``proration`` (a period-fraction method: ``DAILY``,
    ``THIRTY_360`` or ``NONE``), and the last piece trued up or not.

    ``anchor`` is any day on the bill cycle, before or after the start (its day of month is the
    bill-cycle day); ``None`` means the contract's start, and :attr:`Contract.billing
    <revcycle.contracts.Contract.billing>` holds it resolved.

    >>> BillingSettings().describe()
    'every P1M in advance, on the bill cycle of the contract start; a short first period \
prorated (daily); the last piece trued up to the contracted total'
    >>> BillingSettings(proration=ProrationMethod.MONTHLY_DAILY)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    revcycle.errors.ValidationError: A billing proration method shares out one billing period, ...
    """

    frequency: Duration = attrs.field(
        default=_MONTHLY, validator=check_type(Duration, "a Duration", "A billing frequency")
    )
    timing: BillingTiming = attrs.field(default=BillingTiming.IN_ADVANCE, converter=_to_timing)
    anchor: date | None = attrs.field(
        default=None, validator=check_day("A bill-cycle anchor", optional=True)
    )
    first_period: FirstPeriod = attrs.field(default=FirstPeriod.PRORATE, converter=_to_first_period)
    proration: ProrationMethod = attrs.field(default=ProrationMethod.DAILY, converter=_to_proration)
    true_up: TrueUp = attrs.field(default=TrueUp.LAST_PERIOD, converter=_to_true_up)

    def with_anchor(self, anchor: date | None) -> BillingSettings:
        """These settings on the bill cycle through ``anchor``."""
        return attrs.evolve(self, anchor=anchor)

    def describe(self) -> str:
        """The settings in words."""
        timing = self.timing.value.replace("_", " ")
        anchor = "the contract start" if self.anchor is None else self.anchor.isoformat()
        first = {
            FirstPeriod.PRORATE: f"prorated ({self.proration.value})",
            FirstPeriod.FULL: "billed in full",
            FirstPeriod.FREE: "free",
        }[self.first_period]
        true_up = (
            "the last piece trued up to the contracted total"
            if self.true_up is TrueUp.LAST_PERIOD
            else "no true-up"
        )
        return (
            f"every {self.frequency} {timing}, on the bill cycle of {anchor}; a short first "
            f"period {first}; {true_up}"
        )
