"""Usage on the invoice: each usage piece rated by :func:`~revcycle.usage.rate_usage`, in
arrears, and volume tracked over several periods (docs/explanation/volume-over-periods.md).

A usage SKU's tiers apply to the usage accumulated over its pricing term, in windows
``anchored_date(contract start, pricing_term, n)``, while its lines bill each billing period.
A piece's ``precise_amount`` is ``charge(before + used) − charge(before)`` (the progressive
rule of ``rate_usage``'s ``already_billed``) and its ``amount`` is ``round(charge(before +
used))`` less the amounts of the window's earlier pieces, so a window's pieces add up to the
window rated at once, to the cent. ``before`` is read from the issued lines: no hidden state.

Re-exported by :mod:`revcycle.billing`; import from there.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Final

from revcycle._numbers import CTX, ONE, ZERO
from revcycle.catalog import ChargeKind
from revcycle.contracts import Contract, Subscription
from revcycle.dates import Period
from revcycle.errors import RevcycleTypeError, ValidationError, shown
from revcycle.money import Percent
from revcycle.pricing import DiscountKind
from revcycle.usage import UsageCharge, UsageEvent, rate_usage


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


class UsageBook:
    """The run's usage events by customer and metric, in time order, each id once (its first
    occurrence, as :func:`~revcycle.usage.rate_usage` counts it). Usage periods are UTC dates."""

    __slots__ = ("_events", "_times")

    def __init__(self, events: Iterable[UsageEvent]) -> None:
        given: object = events
        if isinstance(given, str | bytes) or not isinstance(given, Iterable):
            raise RevcycleTypeError(f"usage must be a sequence of UsageEvent, not {shown(events)}.")
        seen: set[str] = set()
        buckets: dict[tuple[str, str], list[UsageEvent]] = {}
        for event in events:
            if not isinstance(event, UsageEvent):
                raise RevcycleTypeError(f"usage must hold UsageEvent values, not {shown(event)}.")
            if event.id in seen:
                continue
            seen.add(event.id)
            buckets.setdefault((event.customer, event.metric), []).append(event)
        self._events: dict[tuple[str, str], list[UsageEvent]] = {}
        self._times: dict[tuple[str, str], list[datetime]] = {}
        for key, found in buckets.items():
            found.sort(key=lambda event: event.at)
            self._events[key] = found
            self._times[key] = [event.at for event in found]

    def between(self, customer: str, metric: str, period: Period) -> Sequence[UsageEvent]:
        """The events of ``customer`` and ``metric`` from ``period``'s start (00:00 UTC) to its
        end (exclusive)."""
        key = (customer, metric)
        times = self._times.get(key)
        if not times:
            return ()
        lo = bisect.bisect_left(times, _midnight(period.start))
        hi = bisect.bisect_left(times, _midnight(period.end))
        return self._events[key][lo:hi]


def usage_spans(contract: Contract) -> dict[str, list[tuple[date, date]]]:
    """The spans each usage line of ``contract`` is billed over, by the id of the segment
    that made the line: its period, less the days after a change took its quantity from above
    zero to zero (a cancellation) and before one brought it back. A usage delta segment (a
    change of the estimated quantity) bills nothing of its own."""
    usage = [s for s in contract.subscriptions if s.charge_kind is ChargeKind.USAGE]
    if not usage:
        return {}
    root_of: dict[str, str] = {}
    for version in contract.versions():
        for line in version.amendment_lines:
            if line.amends is not None:
                root_of[line.subscription_id] = root_of.get(line.amends, line.amends)
    deltas: dict[str, list[Subscription]] = {}
    for segment in usage:
        root = root_of.get(segment.id)
        if root is not None:
            deltas.setdefault(root, []).append(segment)
    spans: dict[str, list[tuple[date, date]]] = {}
    for segment in usage:
        if segment.id in root_of:
            continue
        quantity = segment.quantity
        start: date | None = segment.period.start
        found: list[tuple[date, date]] = []
        for delta in sorted(deltas.get(segment.id, ()), key=lambda s: s.period.start):
            before, quantity = quantity, CTX.add(quantity, delta.quantity)
            day = delta.period.start
            if start is not None and before > ZERO >= quantity:
                if start < day:
                    found.append((start, day))
                start = None
            elif start is None and quantity > ZERO:
                start = day
        if start is not None:
            found.append((start, segment.period.end))
        spans[segment.id] = found
    return spans


def discount_factor(contract: Contract, segment: Subscription) -> Decimal:
    """What a usage piece's rated charge is multiplied by: its line's percentage discount,
    then the contract's partner and distributor discounts, each as (1 − rate)."""
    factor = ONE
    discount = segment.discount
    if discount is not None:
        if discount.kind is not DiscountKind.PERCENT or not isinstance(discount.value, Percent):
            raise ValidationError(
                f"Usage line {shown(segment.id)} ({shown(segment.sku)}) carries a "
                f"{discount.kind.value} "
                "discount; only a percentage discount multiplies a rated usage charge."
            )
        factor = CTX.multiply(factor, discount.value.complement())
    for percent in (contract.partner_discount, contract.distributor_discount):
        if percent is not None:
            factor = CTX.multiply(factor, percent.complement())
    return factor


_NO_METER: Final = (
    "Usage line {id} ({sku}) of contract {contract} has no meter, so its usage cannot be "
    "counted; give Contract.from_quote(..., meters={{{sku}: Meter(...)}})."
)


def usage_charge(contract: Contract, segment: Subscription) -> UsageCharge:
    """The charge a usage segment is rated with: its meter and its pricing model."""
    if segment.meter is None or segment.model is None:
        raise ValidationError(
            _NO_METER.format(
                id=shown(segment.id), sku=shown(segment.sku), contract=shown(contract.id)
            )
        )
    return UsageCharge(segment.meter, segment.model)


def rate_piece(
    charge: UsageCharge, account: str, events: Sequence[UsageEvent], piece: Period, full: Period
) -> tuple[Decimal, Decimal]:
    """The quantity ``account`` used over ``piece`` and its charge rated alone (unrounded),
    through :func:`~revcycle.usage.rate_usage` (``full`` prorates a minimum); a grouped
    meter's groups are added up."""
    rating = rate_usage(events, [charge], piece, full_period=full, customers=[account])
    quantity = amount = ZERO
    for line in rating.lines:
        if line.customer == account:
            quantity = CTX.add(quantity, line.quantity)
            amount = CTX.add(amount, line.precise_amount.amount)
    return quantity, amount


def check_window(charge: UsageCharge, segment: Subscription) -> None:
    """Refuse a grouped meter on a line whose tiers accumulate over a window: the window's
    running quantity is one number."""
    if charge.meter.group_by is not None:
        raise ValidationError(
            f"Usage line {shown(segment.id)} ({shown(segment.sku)}) accumulates its tiers over "
            "its pricing "
            f"term {segment.pricing_term}, which needs one running quantity; its meter groups "
            f"by {shown(charge.meter.group_by)}."
        )
