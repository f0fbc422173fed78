"""The usage engine: one pass over the events, then one pricing per key.

The hot path de-duplicates ids with a dict, accumulates plain Decimals per (customer, group)
in one dict per meter, and prices each key once. Re-exported by :mod:`revcycle.usage`.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, tzinfo
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, TypeAlias
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from revcycle._numbers import CTX, ONE, ZERO, to_decimal
from revcycle._validate import check_arguments, require_sequence, trusted
from revcycle.dates import Period
from revcycle.errors import (
    RevcycleTypeError,
    UnknownCodeError,
    ValidationError,
    shown,
)
from revcycle.money import Currency, Money
from revcycle.proration import period_fraction
from revcycle.usage._charges import Percentage, UsageCharge
from revcycle.usage._events import UsageEvent, UsageKey
from revcycle.usage._meters import Aggregation, Meter
from revcycle.usage._results import (
    RatedCharge,
    UsageRating,
    _lazy_rating,
    _rated_line,
    _RowSource,
)
from revcycle.usage._scan import (
    MICROSECOND,
    Scan,
    finish,
    negative_quantity,
    refuses_negative,
)


if TYPE_CHECKING:
    import pyarrow


# --------------------------------------------------------------------------------------------
# Aggregation (the hot path)


def zone_of(tz: str | tzinfo) -> tuple[str, tzinfo]:
    """``(name, tzinfo)`` for a zone name such as ``"Europe/Paris"`` or a tzinfo."""
    if isinstance(tz, str):
        if tz.upper() == "UTC":
            return "UTC", UTC
        try:
            return tz, ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise UnknownCodeError(
                f"Unknown timezone {shown(tz)}; expected an IANA name such as "
                f"'Europe/Paris' or 'UTC'."
            ) from None
    if isinstance(tz, tzinfo):
        return str(getattr(tz, "key", None) or tz), tz
    raise RevcycleTypeError(f"A timezone must be an IANA name or a tzinfo, not {shown(tz)}.")


@check_arguments
def period_bounds(period: Period, zone: tzinfo) -> tuple[datetime, datetime]:
    """The UTC instants at which ``period`` starts and ends in ``zone`` (local midnights)."""

    def midnight(day: date) -> datetime:
        return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)

    return midnight(period.start), midnight(period.end)


@attrs.define(slots=True)
class _Accumulator:
    """Per-key running state of one meter during a pass over the events."""

    meter: Meter
    percentage: bool
    kind: Aggregation
    filters: tuple[tuple[str, frozenset[str]], ...]
    group_by: str | None
    unique_property: str | None
    refuse_negative: bool
    simple: bool
    values: dict[Any, Any] = attrs.field(factory=dict)
    amounts: dict[Any, list[tuple[datetime, Decimal]]] = attrs.field(factory=dict)


def _accumulator(meter: Meter, percentage: bool) -> _Accumulator:
    kind = meter.aggregation
    return _Accumulator(
        meter=meter,
        percentage=percentage,
        kind=kind,
        filters=tuple(meter.filters.items()),
        group_by=meter.group_by,
        unique_property=meter.unique_property,
        refuse_negative=refuses_negative(meter),
        simple=kind is Aggregation.SUM
        and not meter.filters
        and meter.group_by is None
        and not percentage,
    )


def _scan(
    events: Iterable[UsageEvent],
    accumulators: Mapping[str, _Accumulator],
    lo: datetime,
    hi: datetime,
) -> Scan:
    seen: dict[str, UsageEvent] = {}
    duplicates: list[UsageEvent] = []
    conflicts: list[UsageEvent] = []
    late: list[UsageEvent] = []
    future: list[UsageEvent] = []
    unmetered: list[UsageEvent] = []
    SUM, COUNT, MAX, LATEST, UNIQUE = (  # noqa: N806 - local aliases for the hot loop
        Aggregation.SUM,
        Aggregation.COUNT,
        Aggregation.MAX,
        Aggregation.LATEST,
        Aggregation.UNIQUE_COUNT,
    )
    event: Any = None
    # Plain sums per customer (the common case) look up the metric's sums directly and skip
    # every branch below that cannot apply. Kept for benchmarks/bench_usage.py's object path
    # (1,000,000 events, one SUM meter): 1.49x its floor loop with this arm, 1.66x without
    # (CPU medians of 15 interleaved rounds).
    simple = all(acc.simple for acc in accumulators.values())
    found_by_metric: Mapping[str, Any] = (
        {metric: acc.values for metric, acc in accumulators.items()} if simple else accumulators
    )
    found_get = found_by_metric.get
    zero = ZERO
    try:
        with decimal.localcontext(CTX):
            for event in events:
                event_id = event.id
                if event_id in seen:  # an operator, cheaper than a call of seen.get
                    duplicates.append(event)
                    if event != seen[event_id]:
                        conflicts.append(event)
                    continue
                seen[event_id] = event
                at = event.at
                if at < lo:
                    late.append(event)
                    continue
                if at >= hi:
                    future.append(event)
                    continue
                found = found_get(event.metric)
                if found is None:
                    unmetered.append(event)
                    continue
                if simple:
                    quantity = event.quantity
                    if quantity < zero and accumulators[event.metric].refuse_negative:
                        raise negative_quantity(event)
                    customer = event.customer
                    try:  # operators rather than a call of found.get per event
                        found[customer] += quantity
                    except KeyError:
                        found[customer] = zero + quantity  # rounded to the context, like a sum
                    continue
                acc = found
                if acc.filters:
                    props = event.properties
                    if not all(props.get(k) in accepted for k, accepted in acc.filters):
                        continue
                group = acc.group_by
                key = (
                    event.customer
                    if group is None
                    else (event.customer, event.properties.get(group))
                )
                kind = acc.kind
                values = acc.values
                if kind is SUM:
                    quantity = event.quantity
                    if quantity < 0 and acc.refuse_negative:
                        raise negative_quantity(event)
                    values[key] = values.get(key, ZERO) + quantity
                elif kind is COUNT:
                    values[key] = values.get(key, 0) + 1
                elif kind is MAX:
                    quantity = event.quantity
                    if quantity < 0 and acc.refuse_negative:
                        raise negative_quantity(event)
                    current = values.get(key)
                    if current is None or quantity > current:
                        values[key] = quantity
                elif kind is LATEST:
                    quantity = event.quantity
                    if quantity < 0 and acc.refuse_negative:
                        raise negative_quantity(event)
                    current = values.get(key)
                    if current is None or at >= current[0]:
                        values[key] = (at, quantity)
                elif kind is UNIQUE:
                    value = event.properties.get(acc.unique_property)
                    distinct = values.get(key)
                    if distinct is None:
                        distinct = values[key] = set()
                    if value is not None:
                        distinct.add(value)
                else:  # TIME_WEIGHTED_SUM: the change is held from `at` to the period end
                    held = (hi - at) // MICROSECOND
                    values[key] = values.get(key, ZERO) + event.quantity * held
                if acc.percentage:
                    acc.amounts.setdefault(key, []).append((at, event.quantity))
    except AttributeError:
        if not isinstance(event, UsageEvent):
            raise RevcycleTypeError(
                f"rate_usage() needs UsageEvent values, not {shown(event)}."
            ) from None
        raise

    span = (hi - lo) // MICROSECOND
    quantities: dict[UsageKey, Decimal] = {}
    amounts: dict[UsageKey, list[Decimal]] = {}
    for metric, acc in accumulators.items():
        for raw_key, value in acc.values.items():
            customer, group = (raw_key, None) if acc.group_by is None else raw_key
            key = (customer, metric, group)
            quantities[key] = finish(acc.kind, value, span)
        for raw_key, timed in acc.amounts.items():
            customer, group = (raw_key, None) if acc.group_by is None else raw_key
            timed.sort(key=lambda pair: pair[0])  # stable: ties keep input order
            amounts[(customer, metric, group)] = [amount for _, amount in timed]
    return Scan(quantities, amounts, duplicates, conflicts, late, future, unmetered)


# --------------------------------------------------------------------------------------------
# Rating


def _iterable(values: object, what: str) -> None:
    """Refuse a non-iterable (None, a number) with a sentence instead of a bare TypeError."""
    if not isinstance(values, Iterable) or isinstance(values, str | bytes):
        raise RevcycleTypeError(f"{what}, not {shown(values)}.")


def _accumulators(charges: Iterable[UsageCharge]) -> dict[str, _Accumulator]:
    result: dict[str, _Accumulator] = {}
    for charge in charges:
        if not isinstance(charge, UsageCharge):
            raise RevcycleTypeError(f"rate_usage() needs UsageCharge values, not {shown(charge)}.")
        metric = charge.meter.metric
        if metric in result:
            raise ValidationError(
                f"Two charges meter {shown(metric)}; give one charge per metric (use the meter's "
                "group_by for dimensional pricing)."
            )
        result[metric] = _accumulator(charge.meter, isinstance(charge.model, Percentage))
    return result


def _key_order(key: UsageKey) -> tuple[str, str, bool, str]:
    customer, metric, group = key
    return (customer, metric, group is not None, group or "")


def _check_keys(
    mapping: Mapping[UsageKey, object] | None, what: str, charges: Mapping[str, UsageCharge]
) -> dict[UsageKey, Decimal]:
    result: dict[UsageKey, Decimal] = {}
    if mapping is None:
        return result
    if not isinstance(mapping, Mapping):
        raise RevcycleTypeError(
            f"{what} must map (customer, metric, group) to a quantity, not {shown(mapping)}."
        )
    for key, value in mapping.items():
        if not (isinstance(key, tuple) and len(key) == 3):
            raise RevcycleTypeError(
                f"{what} keys must be (customer, metric, group) tuples, not {shown(key)}."
            )
        customer, metric, group = key
        if not isinstance(customer, str) or not (group is None or isinstance(group, str)):
            raise RevcycleTypeError(
                f"{what} keys must be (customer, metric, group) with a string customer and a "
                f"string or None group, not {shown(key)}."
            )
        if metric not in charges:
            raise ValidationError(f"{what} names metric {shown(metric)}, which no charge meters.")
        if group is not None and charges[metric].meter.group_by is None:
            raise ValidationError(
                f"{what} gives group {shown(group)} for metric {shown(metric)}, whose meter has no "
                "group_by; use group None."
            )
        result[(customer, metric, group)] = to_decimal(value, f"{what} for {shown(key)}")
    return result


_Plan: TypeAlias = tuple[
    UsageCharge,
    Currency,
    Callable[[Decimal], Decimal],
    Callable[[Decimal], Decimal] | None,
    bool,
    dict[str, tuple[Money, Money]],
    _RowSource,
    _RowSource,
]


def _rate(
    quantities: Mapping[UsageKey, Decimal],
    amounts: Mapping[UsageKey, Sequence[Decimal]],
    charges: Mapping[str, UsageCharge],
    minimum_fraction: Decimal,
    already_billed: Mapping[UsageKey, Decimal],
    customers: Iterable[str],
) -> tuple[RatedCharge, ...]:
    keys = set(quantities)
    keys.update(already_billed)
    for customer in customers:
        for metric in charges:
            keys.add((customer, metric, None))
    if any(charge.meter.group_by is not None for charge in charges.values()):
        ordered = sorted(keys, key=_key_order)
    else:
        # Every group is None, so (customer, metric) decides and plain tuple order is the
        # same as _key_order's, without a Python call per key.
        ordered = sorted(keys)
    # What every customer of a charge shares, looked up once per charge: the charge, its
    # currency, its pricing function, its unit rounding, whether it prices event amounts,
    # the prices already computed, and what rebuilds its lines' rows (without and with
    # progressive billing). Customers often share a quantity (0, 1, a round
    # number): each is priced once per call. The text of the quantity is the key so that 5
    # and 5.00 keep their own rows.
    plans: dict[str, _Plan] = {
        metric: (
            charge,
            charge.currency,
            charge._totaller(minimum_fraction),
            None if charge.meter.unit_rounding is None else charge.meter.round_units,
            isinstance(charge.model, Percentage),
            {},
            (charge, minimum_fraction, False),
            (charge, minimum_fraction, True),
        )
        for metric, charge in charges.items()
    }
    lines: list[RatedCharge] = []
    append = lines.append
    quantity_of = quantities.get
    billed_of = already_billed.get
    for key in ordered:
        customer, metric, group = key
        charge, cur, total_of, rounder, percentage, priced, plain_rows, billed_rows = plans[metric]
        quantity = quantity_of(key, ZERO)
        if rounder is not None:
            quantity = rounder(quantity)
        billed = billed_of(key)
        if percentage:
            total, rows = charge._evaluate(quantity, amounts.get(key, ()), minimum_fraction)
            if billed is not None:
                raise ValidationError(
                    f"Progressive rating (already_billed) needs a quantity-priced charge; the "
                    f"{shown(metric)} charge is a Percentage of event amounts."
                )
            exact = Money._trusted(total, cur)
            append(
                RatedCharge(
                    customer=customer,
                    metric=metric,
                    group=group,
                    quantity=quantity,
                    amount=exact.round(),
                    precise_amount=exact,
                    breakdown=rows,
                )
            )
            continue
        text = str(quantity)
        found = priced.get(text)
        if found is None:
            exact = Money._trusted(total_of(quantity), cur)
            found = priced[text] = (exact, exact.round())
        exact, amount = found
        if billed is None:
            append(
                _rated_line(
                    customer,
                    metric,
                    group,
                    quantity,
                    amount,
                    exact,
                    ZERO,
                    plain_rows,
                )
            )
        else:
            # Progressive billing: charge(total) − charge(already billed), each rounded once.
            before = total_of(billed)
            append(
                _rated_line(
                    customer,
                    metric,
                    group,
                    quantity,
                    amount - Money._trusted(before, cur).round(),
                    Money._trusted(CTX.subtract(exact.amount, before), cur),
                    billed,
                    billed_rows,
                )
            )
    return tuple(lines)


def _prepare(
    charges: Iterable[UsageCharge] | UsageCharge,
    period: Period,
    tz: str | tzinfo,
    full_period: Period | None,
) -> tuple[dict[str, UsageCharge], str, datetime, datetime, Decimal]:
    if not isinstance(charges, UsageCharge):
        _iterable(charges, "The charges must be a UsageCharge or a list of them")
    charge_list = (
        [charges]
        if isinstance(charges, UsageCharge)
        else list(require_sequence(charges, "The charges"))
    )
    _accumulators(charge_list)  # validates types and one charge per metric
    by_metric = {charge.meter.metric: charge for charge in charge_list}
    zone_name, zone = zone_of(tz)
    lo, hi = period_bounds(period, zone)
    fraction = ONE
    if full_period is not None:
        if not isinstance(full_period, Period):
            raise RevcycleTypeError(f"full_period must be a Period, not {shown(full_period)}.")
        fraction = period_fraction(period, full_period)
    return by_metric, zone_name, lo, hi, fraction


def rate_usage(
    events: Iterable[UsageEvent],
    charges: Iterable[UsageCharge] | UsageCharge,
    period: Period,
    tz: str | tzinfo = "UTC",
    full_period: Period | None = None,
    already_billed: Mapping[UsageKey, Decimal | int | str] | None = None,
    *,
    opening_levels: Mapping[UsageKey, Decimal | int | str] | None = None,
    customers: Iterable[str] = (),
) -> UsageRating:
    """Rate a period's usage for every customer at once.

    ``period`` dates are local dates in ``tz``. One line per customer, metric and group that
    has counted usage (and per key of ``already_billed`` and ``opening_levels``, and per
    customer of ``customers`` for every charge, so a minimum applies without usage), sorted
    by (customer, metric, group). ``full_period`` is the whole billing period when ``period``
    is a part of it: the charges' minimums are then prorated by
    ``period_fraction(period, full_period)``. ``already_billed`` maps a key to the quantity
    billed earlier in the period; the line carries ``charge(total) − charge(already billed)``
    (progressive billing). ``opening_levels`` gives a ``TIME_WEIGHTED_SUM`` meter's level at
    the period start (0 otherwise).
    """
    _iterable(events, "rate_usage() needs the events as a list (or iterable) of UsageEvent")

    def scan(by_metric: Mapping[str, UsageCharge], lo: datetime, hi: datetime) -> Scan:
        return _scan(events, _accumulators(by_metric.values()), lo, hi)

    return _rating(
        scan, charges, period, tz, full_period, already_billed, opening_levels, customers
    )


def _rating(
    scan: Callable[[Mapping[str, UsageCharge], datetime, datetime], Scan],
    charges: Iterable[UsageCharge] | UsageCharge,
    period: Period,
    tz: str | tzinfo,
    full_period: Period | None,
    already_billed: Mapping[UsageKey, Decimal | int | str] | None,
    opening_levels: Mapping[UsageKey, Decimal | int | str] | None,
    customers: Iterable[str],
) -> UsageRating:
    """What both rating paths do around their ``scan`` of ``[lo, hi)``: check the arguments,
    add the opening levels to the scanned quantities, price every key."""
    by_metric, zone_name, lo, hi, fraction = _prepare(charges, period, tz, full_period)
    billed = _check_keys(already_billed, "already_billed", by_metric)
    opening = _check_keys(opening_levels, "opening_levels", by_metric)
    scanned = scan(by_metric, lo, hi)
    quantities = _apply_opening(scanned.quantities, opening, by_metric)
    lines = _rate(quantities, scanned.amounts, by_metric, fraction, billed, _customers(customers))
    if scanned.pending is not None:
        return _lazy_rating(
            period,
            zone_name,
            lines,
            tuple(scanned.late),
            tuple(scanned.future),
            tuple(scanned.unmetered),
            scanned.pending,
        )
    return _new_rating(
        period,
        zone_name,
        lines,
        tuple(scanned.duplicates),
        tuple(scanned.conflicts),
        tuple(scanned.late),
        tuple(scanned.future),
        tuple(scanned.unmetered),
    )


# Built from what the engine checked and computed itself: the rating's own field checks would
# only walk every line and event again.
_new_rating: Final = trusted(
    UsageRating, "period", "tz", "lines", "duplicates", "conflicts", "late", "future", "unmetered"
)


def _customers(customers: Iterable[str]) -> tuple[str, ...]:
    if not isinstance(customers, str):
        _iterable(customers, "customers must be a list of customer strings")
    result = (
        require_sequence(customers, "customers") if not isinstance(customers, str) else (customers,)
    )
    for customer in result:
        if not isinstance(customer, str):
            raise RevcycleTypeError(f"customers must be strings, not {shown(customer)}.")
        if not customer:
            raise ValidationError("customers must not hold an empty string.")
    return result


def _apply_opening(
    quantities: dict[UsageKey, Decimal],
    opening: Mapping[UsageKey, Decimal],
    charges: Mapping[str, UsageCharge],
) -> dict[UsageKey, Decimal]:
    for key, level in opening.items():
        if charges[key[1]].meter.aggregation is not Aggregation.TIME_WEIGHTED_SUM:
            raise ValidationError(
                f"opening_levels apply to TIME_WEIGHTED_SUM meters; the {shown(key[1])} meter "
                "aggregates differently."
            )
        # The opening level is held for the whole period, so it adds itself to the average.
        quantities[key] = CTX.add(quantities.get(key, ZERO), level)
    return quantities


def aggregate_usage(
    events: Iterable[UsageEvent],
    meter: Meter,
    period: Period,
    tz: str | tzinfo = "UTC",
) -> dict[tuple[str, str | None], Decimal]:
    """The quantity per ``(customer, group)`` that ``meter`` measures over ``period``.

    The same aggregation :func:`rate_usage` prices, including unit rounding and the
    de-duplication of ids; the keys come sorted.

    >>> from datetime import UTC, datetime
    >>> from revcycle import Period
    >>> at = datetime(2024, 1, 10, tzinfo=UTC)
    >>> events = [UsageEvent(id=str(i), customer="acme", metric="logins", at=at,
    ...                      properties={"user": user}) for i, user in enumerate("abab")]
    >>> aggregate_usage(events, Meter("logins", Aggregation.UNIQUE_COUNT,
    ...                 unique_property="user"), Period.of_month(2024, 1))
    {('acme', None): Decimal('2')}
    """
    if not isinstance(meter, Meter):
        raise RevcycleTypeError(f"aggregate_usage() needs a Meter, not {shown(meter)}.")
    _iterable(events, "aggregate_usage() needs the events as a list (or iterable) of UsageEvent")
    zone = zone_of(tz)[1]
    lo, hi = period_bounds(period, zone)
    scanned = _scan(events, {meter.metric: _accumulator(meter, False)}, lo, hi)
    return {
        (customer, group): meter.round_units(quantity)
        for (customer, _, group), quantity in sorted(
            scanned.quantities.items(), key=lambda item: _key_order(item[0])
        )
    }


def rate_usage_table(
    table: pyarrow.Table,
    charges: Iterable[UsageCharge] | UsageCharge,
    period: Period,
    tz: str | tzinfo = "UTC",
    full_period: Period | None = None,
    already_billed: Mapping[UsageKey, Decimal | int | str] | None = None,
    *,
    opening_levels: Mapping[UsageKey, Decimal | int | str] | None = None,
    customers: Iterable[str] = (),
    assume_unique_ids: bool = False,
    properties: Iterable[str] | None = None,
) -> UsageRating:
    """:func:`rate_usage` over a ``pyarrow.Table`` of events (needs the ``arrow`` extra).

    Columns: ``id``, ``customer``, ``metric`` (strings), ``at`` (a timestamp with a
    timezone), ``quantity`` (integer or decimal; optional, 1 by default) and one string
    column per property a meter filters, groups or counts by (null: the property is
    missing). The aggregation runs in Arrow compute kernels, without a Python object per
    row; the result equals :func:`rate_usage` on the same events.

    Finding repeated ids reads every id into a 64-bit key and sorts the keys (only rows
    sharing a key are compared exactly), which is the largest cost on large tables; pass
    ``assume_unique_ids=True`` only when the ids are known to be unique (a primary key in
    the warehouse the table came from): repeats are then neither removed nor reported.

    ``properties`` names the property columns when the table holds other columns too (an
    amount, a region code as a number): only those are read, as strings, and every other
    column is left alone. By default every column besides ``id``, ``customer``, ``metric``,
    ``at`` and ``quantity`` is a property and must hold strings.

    Sums are exact whatever the quantities: Arrow's own sums wrap around past 64 or 128
    bits, so a sum that could pass its type's range is taken in a wider decimal type, and
    one that could pass 50 significant digits is added up in Python like :func:`rate_usage`
    does. A table Arrow cannot read as events (a timestamp outside the years 1 to 9999, an
    unknown timezone, a column of the wrong type) is refused with a ``RevcycleError`` naming
    the column.
    """
    from revcycle.usage._arrow import scan_table  # here: pyarrow is an optional extra

    def scan(by_metric: Mapping[str, UsageCharge], lo: datetime, hi: datetime) -> Scan:
        return scan_table(
            table, by_metric, lo, hi, deduplicate=not assume_unique_ids, properties=properties
        )

    return _rating(
        scan, charges, period, tz, full_period, already_billed, opening_levels, customers
    )
