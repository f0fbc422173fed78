"""The billing settings a contract carries: frequency, timing, bill-cycle anchor, first period,
proration of partial periods and the true-up (docs/reference/billing.md), with the presets that
name other billing systems' conventions.

Only the values live here; :mod:`revcycle.billing` reads them. Re-exported by
:mod:`revcycle.contracts` and :mod:`revcycle.billing`; import from there.
"""

from __future__ import annotations

import enum
from calendar import monthrange
from datetime import date
from typing import Final, final

import attrs

from revcycle._validate import check_day, check_type, check_whole, to_choice
from revcycle.dates import Duration
from revcycle.errors import RevcycleTypeError, ValidationError, shown
from revcycle.proration import PERIOD_METHODS, ProrationMethod


def _cycle_day(start: date, day: int, frequency: Duration) -> date:
    """Day ``day`` of the start's month, or of the nearest earlier month of a month-based cycle
    that has that day (see :meth:`BillingSettings.resolved`)."""
    clamped = day_in_month(start.year, start.month, day)
    if clamped.day == day or not frequency.is_month_based:
        return clamped
    step = frequency.total_months
    index = start.year * 12 + start.month - 1
    for back in range(1, 13):
        year, month = divmod(index - back * step, 12)
        if monthrange(year, month + 1)[1] >= day:
            return date(year, month + 1, day)
    return clamped


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

# A Monday that is also the first day of a month, a quarter and a year: the anchor of Lago's
# calendar weeks, months, quarters and years (any such day gives the same bill cycle).
_CALENDAR: Final = date(2024, 1, 1)

_check_day_number: Final = check_whole(1, 31, what="A bill-cycle day")


def _check_cycle_day(
    instance: object, attribute: attrs.Attribute[int | None], value: object
) -> None:
    if value is not None:
        _check_day_number(instance, attribute, value)


def day_in_month(year: int, month: int, day: int) -> date:
    """Day ``day`` of the month ``year-month``, clamped to its last day (day 31 of September is
    September 30)."""
    return date(year, month, min(day, monthrange(year, month)[1]))


@final
@attrs.frozen(kw_only=True)
class BillingSettings:
    """How a contract is billed: every ``frequency`` (a positive calendar step), in advance or
    in arrears, on the bill cycle through ``anchor``, with the first stretch prorated, in full
    or free, partial periods shared out by ``proration`` (a period-fraction method: ``DAILY``,
    ``THIRTY_360`` or ``NONE``), and the last piece trued up or not.

    ``anchor`` is any day on the bill cycle, before or after the start (its day of month is the
    bill-cycle day); ``None`` means the contract's start, or day ``bill_cycle_day`` of the start's
    month (clamped to its last day) when that is given, and :attr:`Contract.billing
    <revcycle.contracts.Contract.billing>` holds it resolved. The presets (:meth:`stripe`,
    :meth:`lago`, :meth:`kill_bill`, :meth:`chargebee`, :meth:`salesforce_billing`) name other
    systems' conventions.

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
    bill_cycle_day: int | None = attrs.field(default=None, validator=_check_cycle_day)
    first_period: FirstPeriod = attrs.field(default=FirstPeriod.PRORATE, converter=_to_first_period)
    proration: ProrationMethod = attrs.field(default=ProrationMethod.DAILY, converter=_to_proration)
    true_up: TrueUp = attrs.field(default=TrueUp.LAST_PERIOD, converter=_to_true_up)

    def __attrs_post_init__(self) -> None:
        anchor, day = self.anchor, self.bill_cycle_day
        if (
            anchor is not None
            and day is not None
            and anchor != day_in_month(anchor.year, anchor.month, day)
        ):
            raise ValidationError(
                f"A bill-cycle anchor on {anchor.isoformat()} is not on bill-cycle day {day} "
                "(clamped to the month's last day); give one of them, or both agreeing."
            )

    def with_anchor(self, anchor: date | None) -> BillingSettings:
        """These settings on the bill cycle through ``anchor``."""
        return attrs.evolve(self, anchor=anchor)

    def resolved(self, start: date) -> BillingSettings:
        """These settings with the anchor of a contract starting on ``start``: ``anchor`` if
        given, else day ``bill_cycle_day`` of the start's month, else ``start``.

        A bill-cycle day the start's month lacks (the 31st in September) is taken from the
        nearest earlier month of the same cycle that has it (August 31 for a monthly cycle), so
        the cycle comes back to the 31st; with no such month, the start's month clamped.
        """
        if self.anchor is not None:
            return self
        day = self.bill_cycle_day
        if day is None:
            return self.with_anchor(start)
        return self.with_anchor(_cycle_day(start, day, self.frequency))

    # -- presets: other systems' conventions, so a migration reproduces their numbers -------

    @classmethod
    def stripe(
        cls, anchor: date | None = None, prorate: bool = True, *, frequency: Duration = _MONTHLY
    ) -> BillingSettings:
        """Stripe Billing: in advance on the bill cycle of ``anchor`` (``billing_cycle_anchor``;
        the contract start when ``None``), a short first stretch prorated by days
        (``proration_behavior=create_prorations``) or free (``prorate=False``:
        ``proration_behavior=none``), no true-up.

        Reproduces (tests/test_billing_presets.py):

        * S1: started Feb 15 2023 with the anchor on Mar 1, 14/28, "exactly half" a month;
          S2: Jan 15 to Feb 1, 17/31 ≈ 0.548
          (https://docs.stripe.com/billing/subscriptions/backdating).
        * S3: anchor Jan 31 bills Feb 28 (29 in a leap year), Mar 31, Apr 30
          (https://stripe.com/docs/billing/subscriptions/billing-cycle).

        Quirks the settings cannot express:

        * Stripe prorates to the second; revcycle counts days. A real credit of -364 cents over
          2017-03-03 19:14:48 to 03-14 (S6, gist matthewarkin/27bcfdf6…) is 393 or 357 cents
          by any day count.
        * Stripe divides a first stretch by the imagined interval from the start, ``[start,
          start + 1 step)``; revcycle by the bill-cycle period that holds it. They agree in S1
          and S2 and differ across months of different lengths: from 2023-03-05 to an anchor on
          03-20 Stripe bills 15/31 (48.39 of 100), revcycle 15/28 (53.57).
        * With ``prorate=False`` Stripe issues no invoice for the free stretch ("there is no 0
          USD invoice", S4); revcycle issues a zero line (and its invoice), so the stretch counts
          as billed at zero and a later credit over it is zero.
        """
        if not isinstance(prorate, bool):
            raise RevcycleTypeError(f"prorate must be True or False, not {shown(prorate)}.")
        return cls(
            frequency=frequency,
            anchor=anchor,
            first_period=FirstPeriod.PRORATE if prorate else FirstPeriod.FREE,
            true_up=TrueUp.NONE,
        )

    @classmethod
    def lago(
        cls, calendar: bool = False, pay_in_advance: bool = False, *, frequency: Duration = _MONTHLY
    ) -> BillingSettings:
        """Lago: in arrears, or in advance with ``pay_in_advance``; anniversary periods from the
        contract start, or calendar periods with ``calendar``; a short first period prorated by
        days; no true-up.

        Calendar periods are Lago's calendar units of the frequency: a month from the 1st, a
        quarter (``P3M``) from Jan, Apr, Jul or Oct 1, a year from Jan 1, a week from Monday
        (all anchored on 2024-01-01, a Monday that starts a month, a quarter and a year); any
        other frequency from the 1st of the contract start's month (``bill_cycle_day=1``).

        Reproduces (tests/test_billing_presets.py):

        * L1: calendar, 50.00 a month from Aug 10, 22/31 = 35.48 (getlago/lago-doc
          guide/subscriptions/assign-plan.mdx).
        * L2: calendar, 1.00 a month from 2022-03-15, 17/31 = 0.55; weekly from Wednesday
          2022-06-22, 5/7 = 0.71 (getlago/lago-api spec/services/fees/subscription_service_spec.rb).
        * L3: in arrears, plan A at 100.00 upgraded on Jan 15, 14/31 = 45.16 for plan A
          (https://getlago.com/docs/guide/subscriptions/upgrades-downgrades).
        * L4, L5: a 31.00 plan paid in advance, terminated on 2022-10-15, credits 16.00 (19.20
          with 20 % tax), and 6.00 (7.20) after an earlier credit of 10.00 (getlago/lago-api
          spec/services/credit_notes/create_from_termination_spec.rb).

        Quirks the settings cannot express:

        * Lago's day price is a float (``amount_cents.fdiv(days)``): 9.99 credited for 15 of 30
          days is 4.99 there (499.4999…) and 5.00 here (L6, the same spec, "with rounding at
          max precision").
        * A termination on day D credits from D + 1 (the day counts as used) and an upgrade
          from D: amend with the cancellation effective D + 1, the upgrade effective D (L4).
        * Lago counts days in the customer's timezone; revcycle's periods are dates.
        """
        for name, flag in (("calendar", calendar), ("pay_in_advance", pay_in_advance)):
            if not isinstance(flag, bool):
                raise RevcycleTypeError(f"{name} must be True or False, not {shown(flag)}.")
        if not isinstance(frequency, Duration):
            raise RevcycleTypeError(
                f"A billing frequency must be a Duration, not {shown(frequency)}."
            )
        anchor: date | None = None
        day: int | None = None
        if calendar:
            months = frequency.total_months if frequency.is_month_based else 0
            weekly = (frequency.weeks, frequency.days) in ((1, 0), (0, 7)) and not (
                frequency.years or frequency.months
            )
            if months in (1, 3, 12) or weekly:
                anchor = _CALENDAR
            else:
                day = 1
        return cls(
            frequency=frequency,
            timing=BillingTiming.IN_ADVANCE if pay_in_advance else BillingTiming.IN_ARREARS,
            anchor=anchor,
            bill_cycle_day=day,
            true_up=TrueUp.NONE,
        )

    @classmethod
    def kill_bill(
        cls, bcd: int | None = None, *, frequency: Duration = _MONTHLY
    ) -> BillingSettings:
        """Kill Bill: in advance on bill-cycle day ``bcd`` (day ``bcd`` of the contract start's
        month, clamped to the month's last day: BCD 31 bills Aug 31, Sep 30, Oct 31), or on the
        contract start; leading proration by days; no true-up.

        Reproduces (tests/test_billing_presets.py):

        * K1, K6: BCD 31, 1,000.00 a month from 2013-08-15: 516.13 to 08-31, then 08-31 to
          09-30 to 10-31 (killbill/killbill-integration-tests core/test_catalog.rb).
        * K2: BCD 1 moved to 7 on 2013-08-07: -806.45 for 08-07 to 09-01 and 1,000.00 from
          08-07, 193.55 due; K3: monthly to annual on 08-16: -516.13 and 10,000.00, 9,483.87 due
          (killbill/killbill-integration-tests core/test_entitlement_with_bcd_update.rb). A BCD
          change is not an amendment here: the old contract is cancelled and a new one starts on
          the new bill-cycle day; the credit balance carries to the new invoice.
        * K5: Silver at 20.00 upgraded to Gold on 2013-04-26 in 04-11 to 05-11: -10.00 and 15.00
          (killbill/killbill-docs userguide/subscription/includes/invoicing-invoice-items.adoc).

        Quirks the settings cannot express:

        * Kill Bill divides a leading stub by next BCD - 1 period to next BCD with Joda's
          clamping: for BCD 31 the period ending Sep 30 starts Aug 30 (31 days), so an add-on of
          150.00 from Sep 4 bills 125.81 there and 130.00 here (K4, core/test_catalog.rb); a
          February stub divides by Jan 28 to Feb 28. Both agree when the BCD is 28 or less.
        * Trailing proration over several months divides by the first month's days (92/31).
        * Kill Bill rounds the fraction to 9 places first (a cent apart only near 10^7), and its
          fixed-days option (``org.killbill.invoice.proration.fixed.days``) has no method here.
        """
        return cls(frequency=frequency, bill_cycle_day=bcd, true_up=TrueUp.NONE)

    @classmethod
    def chargebee(
        cls, billing_day: int | None = None, *, frequency: Duration = _MONTHLY
    ) -> BillingSettings:
        """Chargebee in day-based proration mode: in advance on ``billing_day`` (day
        ``billing_day`` of the contract start's month, clamped: a billing date on the 31st bills
        Sep 30 and Feb 28 or 29), or on the contract start; prorated by days; no true-up.

        Reproduces (tests/test_billing_presets.py):

        * C1: 60.00 a month downgraded to 30.00 on 2012-04-21: credit 20.00, charge 10.00, the
          10.00 left carried to May 1, which bills 20.00
          (https://www.chargebee.com/docs/proration-old.html, Example 1).
        * C3: Gold at 30.00 and Silver at 15.00 swapped on Apr 5: credit 26.00, charge 13.00
          (https://support.chargebee.com/support/discussions/topics/40893).
        * C5: a billing date on Aug 31 bills Sep 30, then Feb 28 or 29
          (https://www.chargebee.com/docs/billing/2.0/kb/billing/when-is-the-next-billing-date-for-my-customer).

        Quirks the settings cannot express:

        * Chargebee prorates to the millisecond by default; only its day mode matches.
        * Its documentation counts the change day both ways: Example 2 of the same page counts
          Apr 10 as old-plan time (credit 60.00, charge 40.00, where days from Apr 10 give 63.00
          and 42.00; C2).
        * The denominator of a calendar-billing first stretch is undocumented ("~$33" for 10
          days, C4); revcycle divides by the bill-cycle period that holds it (10/31 = 32.26).
        """
        return cls(frequency=frequency, bill_cycle_day=billing_day, true_up=TrueUp.NONE)

    @classmethod
    def salesforce_billing(cls, *, frequency: Duration = _MONTHLY) -> BillingSettings:
        """Salesforce Billing: in advance on the contract start, a short first period prorated
        by days, and the last piece of each segment trued up to its contracted total, so that
        billed equals the quote to the cent (revcycle's defaults)."""
        return cls(frequency=frequency)

    def describe(self) -> str:
        """The settings in words."""
        timing = self.timing.value.replace("_", " ")
        if self.anchor is not None:
            anchor = self.anchor.isoformat()
        elif self.bill_cycle_day is not None:
            anchor = f"day {self.bill_cycle_day} of the contract start's month"
        else:
            anchor = "the contract start"
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
