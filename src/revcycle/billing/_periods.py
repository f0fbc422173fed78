"""Billing periods: a segment cut along its contract's bill cycle, and a usage segment also along
the windows of its pricing term (docs/explanation/pieces-and-anchors.md).

The n-th bill-cycle date is ``anchored_date(anchor, frequency, n)`` for whole ``n``, negative
too, so month ends are clamped and never drift. A piece shorter than its bill-cycle period is
prorated by ``period_fraction(piece, full period, proration)``; the contract's first stretch
before its first bill-cycle date may instead be billed in full or free (``FirstPeriod``).

Re-exported by :mod:`revcycle.billing`; import from there.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Final, final

import attrs

from revcycle._numbers import ONE, ZERO, DecimalLike, to_decimal
from revcycle._validate import check_arguments, check_type, trusted
from revcycle.catalog import ChargeKind
from revcycle.contracts import BillingSettings, FirstPeriod, Subscription
from revcycle.dates import Duration, Period, anchored_date, schedule_index
from revcycle.proration import ProrationMethod, period_fraction_detail


def _to_fraction(value: DecimalLike) -> Decimal:
    return to_decimal(value, "A billing period's fraction")


@final
@attrs.frozen
class BillingPeriod:
    """One piece of a segment to bill: ``period`` (half-open), the bill-cycle period
    ``full_period`` that holds it, and the ``fraction`` of that period it bills (1 for a whole
    period, ``period_fraction(period, full_period, proration)`` for a shorter piece, 1 or 0 for
    a first stretch billed in full or free)."""

    period: Period = attrs.field(validator=check_type(Period, "a Period", "BillingPeriod.period"))
    full_period: Period = attrs.field(
        validator=check_type(Period, "a Period", "BillingPeriod.full_period")
    )
    fraction: Decimal = attrs.field(converter=_to_fraction)


_new_period: Final = trusted(Period, "start", "end")
_EXACT_ONE: Final = Fraction(1)


class Calendar:
    """The bill-cycle dates and periods one call meets, each worked out once: the n-th date of
    a cycle through :func:`~revcycle.dates.anchored_date`, and one :class:`Period` (with its key
    text ``"start/end"``) per span, shared by every line on it. A run of 100,000 contracts on
    a few hundred anchors computes a few thousand dates, not millions."""

    __slots__ = ("_cycles", "_fractions", "_indexes", "_periods")

    def __init__(self) -> None:
        # Per cycle (anchor, step): its n-th date by n.
        self._cycles: dict[tuple[date, Duration], dict[int, date]] = {}
        self._indexes: dict[tuple[date, Duration, date], int] = {}
        self._periods: dict[tuple[date, date], tuple[Period, str]] = {}
        self._fractions: dict[tuple[Period, Period, ProrationMethod], tuple[Decimal, Fraction]]
        self._fractions = {}

    def boundary(self, anchor: date, step: Duration, n: int) -> date:
        """``anchored_date(anchor, step, n)``."""
        dates = self._cycles.setdefault((anchor, step), {})
        found = dates.get(n)
        if found is None:
            found = dates[n] = anchored_date(anchor, step, n)
        return found

    def index(self, anchor: date, step: Duration, day: date) -> int:
        """The number of the bill-cycle period holding ``day``: ``schedule_index``."""
        if day == anchor:
            return 0
        key = (anchor, step, day)
        found = self._indexes.get(key)
        if found is None:
            found = self._indexes[key] = schedule_index(anchor, step, day)
        return found

    def period(self, start: date, end: date) -> tuple[Period, str]:
        """The period ``[start, end)`` and its key text ``"start/end"`` (ISO dates)."""
        key = (start, end)
        found = self._periods.get(key)
        if found is None:
            found = self._periods[key] = (
                _new_period(start, end),
                f"{start.isoformat()}/{end.isoformat()}",
            )
        return found

    def fraction(
        self, piece: Period, full: Period, method: ProrationMethod
    ) -> tuple[Decimal, Fraction]:
        """``period_fraction(piece, full, method)``, as a Decimal and exactly."""
        key = (piece, full, method)
        found = self._fractions.get(key)
        if found is None:
            detail = period_fraction_detail(piece, full, method)
            found = self._fractions[key] = (detail.value, detail.exact)
        return found

    def cut(
        self, start: date, end: date, anchor: date, step: Duration
    ) -> Iterator[tuple[Period, str, Period]]:
        """``[start, end)`` cut along the cycle ``anchor + n × step``: each piece, its key text
        and its full bill-cycle period (the same object as the piece when it is whole)."""
        n = self.index(anchor, step, start)
        dates = self._cycles.setdefault((anchor, step), {})
        periods = self._periods
        lower = dates.get(n) or self.boundary(anchor, step, n)
        while lower < end:
            upper = dates.get(n + 1) or self.boundary(anchor, step, n + 1)
            found = periods.get((lower, upper))
            full, text = self.period(lower, upper) if found is None else found
            if start <= lower and upper <= end:
                yield full, text, full
            else:
                piece, text = self.period(max(lower, start), min(upper, end))
                yield piece, text, full
            n += 1
            lower = upper

    def cut_windows(
        self,
        start: date,
        end: date,
        settings: BillingSettings,
        window_anchor: date,
        window: Duration | None,
    ) -> Iterator[tuple[Period, str, Period, Period]]:
        """``[start, end)`` cut along the bill cycle and, when ``window`` is given, also along
        ``window_anchor + n × window``: each piece, its key text, its bill-cycle period and its
        window (the bill-cycle period when there is no window)."""
        anchor, step = settings.anchor, settings.frequency
        assert anchor is not None
        for piece, text, full in self.cut(start, end, anchor, step):
            if window is None:
                yield piece, text, full, full
                continue
            for part, part_text, whole in self.cut(piece.start, piece.end, window_anchor, window):
                yield part, part_text, full, whole


def first_stretch(
    segment: Subscription, settings: BillingSettings, contract_start: date | None
) -> FirstPeriod | None:
    """The first-period policy a recurring segment's first piece follows when it is a short
    stretch before the first bill-cycle date: ``FULL`` or ``FREE`` only for a segment of the
    quote that starts on the contract's start date; ``None`` when the piece prorates."""
    policy = settings.first_period
    if (
        policy is FirstPeriod.PRORATE
        or segment.origin != "quote"
        or segment.charge_kind is not ChargeKind.RECURRING
        or (contract_start is not None and segment.period.start != contract_start)
    ):
        return None
    return policy


def fraction_of(
    piece: Period,
    full: Period,
    method: ProrationMethod,
    policy: FirstPeriod | None,
    calendar: Calendar | None = None,
) -> tuple[Decimal, Fraction]:
    """The share of ``full`` that ``piece`` bills, as a Decimal and exactly: 1 for a whole
    period, 1 or 0 under a ``FULL`` or ``FREE`` first-period ``policy``, else
    ``period_fraction(piece, full, method)`` (worked out once per ``calendar``)."""
    if piece is full or piece == full or policy is FirstPeriod.FULL:
        return ONE, _EXACT_ONE
    if policy is FirstPeriod.FREE:
        return ZERO, Fraction(0)
    if calendar is not None:
        return calendar.fraction(piece, full, method)
    detail = period_fraction_detail(piece, full, method)
    return detail.value, detail.exact


def usage_window(subscription: Subscription, settings: BillingSettings) -> Duration | None:
    """The window over which a usage segment's tiers accumulate: its pricing term when that
    differs from the billing frequency, else ``None`` (plain per-period rating)."""
    term = subscription.pricing_term
    frequency = settings.frequency
    if term is None or term == frequency:
        return None
    if (
        term.is_month_based
        and frequency.is_month_based
        and term.total_months == frequency.total_months
    ):
        return None
    return term


@check_arguments
def billing_periods(
    subscription: Subscription,
    settings: BillingSettings,
    *,
    contract_start: date | None = None,
) -> tuple[BillingPeriod, ...]:
    """The pieces ``subscription`` is billed in under ``settings``, in date order.

    A recurring segment is cut along the bill cycle (``anchor`` resolved as a contract does:
    the anchor, else day ``bill_cycle_day`` of the start's month, else the start) and each
    piece shorter than its period is prorated, or billed in full or free when it is the
    contract's first stretch (a segment of the quote starting on ``contract_start``; any
    segment of the quote when ``contract_start`` is not given). A one-time segment is one piece
    over its period. A usage segment is also cut along the windows of its pricing term
    (``anchored_date(contract_start, pricing_term, n)``), when that differs from the frequency.

    >>> from datetime import date
    >>> from revcycle import Money
    >>> seats = Subscription(id="C-1-1", sku="SEAT", name="Seat", charge_kind="recurring",
    ...     quantity=10, period=Period(date(2025, 1, 15), date(2025, 4, 1)),
    ...     list_unit_price=Money("1200", "USD"), net_unit_price=Money("1200", "USD"),
    ...     pricing_term=Duration(years=1), total=Money("2523.29", "USD"), origin="quote")
    >>> for p in billing_periods(seats, BillingSettings(anchor=date(2025, 1, 1))):
    ...     print(p.period, p.full_period, round(p.fraction, 4))
    [2025-01-15, 2025-02-01) [2025-01-01, 2025-02-01) 0.5484
    [2025-02-01, 2025-03-01) [2025-02-01, 2025-03-01) 1.0000
    [2025-03-01, 2025-04-01) [2025-03-01, 2025-04-01) 1.0000
    """
    start = subscription.period.start if contract_start is None else contract_start
    settings = settings.resolved(start)
    span = subscription.period
    kind = subscription.charge_kind
    if kind is ChargeKind.ONE_TIME:
        return (BillingPeriod(span, span, ONE),)
    calendar = Calendar()
    result = []
    if kind is ChargeKind.USAGE:
        window = usage_window(subscription, settings)
        for piece, _, full, _ in calendar.cut_windows(
            span.start, span.end, settings, start, window
        ):
            value, _ = fraction_of(piece, full, settings.proration, None)
            result.append(BillingPeriod(piece, full, value))
        return tuple(result)
    policy = first_stretch(subscription, settings, contract_start)
    anchor = settings.anchor
    assert anchor is not None
    for number, (piece, _, full) in enumerate(
        calendar.cut(span.start, span.end, anchor, settings.frequency)
    ):
        stub = number == 0 and piece.start > full.start
        value, _ = fraction_of(piece, full, settings.proration, policy if stub else None)
        result.append(BillingPeriod(piece, full, value))
    return tuple(result)
