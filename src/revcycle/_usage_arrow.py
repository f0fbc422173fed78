"""The columnar path of usage rating: the same aggregation over a ``pyarrow.Table``.

Used by :func:`revcycle.usage.rate_usage_table`. Everything per row runs in Arrow compute
kernels (de-duplication by id, the period window, filters, group-by aggregation); Python sees
one value per (customer, group), plus the rows that are reported rather than counted
(duplicates, late, future and unmetered events), which become :class:`UsageEvent` values.
A :class:`~revcycle.usage.Percentage` charge needs every event's amount in time order, so
its rows are read into Python.

Timestamps are taken at microsecond precision, like Python's ``datetime``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from revcycle.errors import FloatNotAllowedError, RevcycleTypeError, ValidationError
from revcycle.usage._engine import MICROSECOND, Scan, finish, negative_quantity
from revcycle.usage._model import Aggregation, Percentage, UsageCharge, UsageEvent, UsageKey


try:
    import pyarrow as pa
    import pyarrow.compute as pc
except ImportError:  # pragma: no cover - exercised only without the extra
    raise ImportError("rate_usage_table() needs pyarrow: pip install 'revcycle[arrow]'.") from None


__all__ = ["scan_table"]

_REQUIRED = ("id", "customer", "metric", "at")
_CORE = frozenset((*_REQUIRED, "quantity"))
_INDEX = "__revcycle_row"


def _check_schema(table: pa.Table) -> pa.Table:
    if not isinstance(table, pa.Table):
        raise RevcycleTypeError(f"rate_usage_table() needs a pyarrow.Table, not {table!r}.")
    names = table.column_names
    missing = [name for name in _REQUIRED if name not in names]
    if missing:
        raise ValidationError(
            f"The usage table lacks the column(s) {', '.join(missing)}; it needs id, customer, "
            "metric and at (and optionally quantity and property columns)."
        )
    columns: dict[str, Any] = {}
    for name in names:
        column = table.column(name)
        kind = column.type
        if name == "at":
            if not pa.types.is_timestamp(kind):
                raise RevcycleTypeError(
                    f"The usage table's 'at' column must be a timestamp, not {kind}."
                )
            if kind.tz is None:
                raise ValidationError(
                    "The usage table's 'at' column must be timezone-aware (a timestamp with a "
                    "tz, such as timestamp('us', tz='UTC')), not naive."
                )
            if kind.unit != "us":
                column = column.cast(pa.timestamp("us", tz=kind.tz), safe=False)
        elif name == "quantity":
            if pa.types.is_floating(kind):
                raise FloatNotAllowedError(
                    f"The usage table's quantity column is {kind}; floats are not exact: cast it "
                    "to a decimal (pa.decimal128) or an integer type first."
                )
            if not (pa.types.is_integer(kind) or pa.types.is_decimal(kind)):
                raise RevcycleTypeError(
                    f"The usage table's quantity column must be integer or decimal, not {kind}."
                )
        elif pa.types.is_large_string(kind) or pa.types.is_dictionary(kind):
            column = column.cast(pa.string())
        elif not pa.types.is_string(kind):
            raise RevcycleTypeError(
                f"The usage table's column {name!r} must hold strings, not {kind}."
            )
        if name in _CORE and column.null_count:
            raise ValidationError(f"The usage table's {name!r} column must not hold nulls.")
        columns[name] = column
    return pa.table(columns)


def _row_numbers(count: int) -> pa.Array[Any]:
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy ships with pandas and most Arrow installs
        return pa.array(range(count), pa.int64())
    return pa.array(np.arange(count, dtype=np.int64))


def _events(table: pa.Table) -> list[UsageEvent]:
    """Rows as events (only for the rows reported, never for the rows counted)."""
    properties = [n for n in table.column_names if n not in _CORE and n != _INDEX]
    return [
        UsageEvent(
            id=row["id"],
            customer=row["customer"],
            metric=row["metric"],
            at=row["at"],
            quantity=row.get("quantity", 1),
            properties={p: row[p] for p in properties if row[p] is not None},
        )
        for row in table.to_pylist()
    ]


def _mask_true(mask: Any) -> Any:
    return pc.fill_null(mask, pa.scalar(False))


def _deduplicate(table: pa.Table) -> tuple[pa.Table, list[UsageEvent], list[UsageEvent]]:
    # One hash pass over the ids; when every id is distinct (the common case) that is all.
    encoded: Any = pc.dictionary_encode(table.column("id").combine_chunks())
    if len(encoded.dictionary) == table.num_rows:
        return table, [], []
    codes = pa.table({"code": encoded.indices, _INDEX: table.column(_INDEX).combine_chunks()})
    firsts = codes.group_by("code").aggregate([(_INDEX, "min")]).column(f"{_INDEX}_min")
    keep = pc.is_in(table.column(_INDEX), value_set=firsts.combine_chunks())
    repeats = table.filter(pc.invert(keep))
    kept = table.filter(keep)
    duplicates = _events(repeats)  # filter keeps the input order
    repeated_ids = pa.array(sorted({e.id for e in duplicates}), pa.string())
    first_of = {e.id: e for e in _events(kept.filter(pc.is_in(kept.column("id"), repeated_ids)))}
    conflicts = [e for e in duplicates if e != first_of[e.id]]
    return kept, duplicates, conflicts


def _check_negative(table: pa.Table, metric: str) -> None:
    quantity = table.column("quantity")
    if not len(quantity):
        return
    lowest = pc.min(quantity).as_py()
    if lowest is not None and lowest < 0:
        first = table.filter(pc.less(quantity, pa.scalar(0, quantity.type))).slice(0, 1)
        raise negative_quantity(_events(first)[0])


def _python(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(value)


def _aggregate(
    table: pa.Table, charge: UsageCharge, hi: datetime, span: int
) -> tuple[dict[tuple[str, str | None], Decimal], dict[tuple[str, str | None], list[Decimal]]]:
    meter = charge.meter
    kind = meter.aggregation
    for prop, accepted in meter.filters.items():
        if prop not in table.column_names:
            return {}, {}  # no event carries the property, so none passes the filter
        mask = pc.is_in(table.column(prop), value_set=pa.array(sorted(accepted), pa.string()))
        table = table.filter(_mask_true(mask))
    group = meter.group_by
    if group is not None and group not in table.column_names:
        table = table.append_column(group, pa.nulls(table.num_rows, pa.string()))
    keys = ["customer"] if group is None else ["customer", group]
    refuse = not meter.allow_negative and kind in (
        Aggregation.SUM,
        Aggregation.MAX,
        Aggregation.LATEST,
    )
    if refuse:
        _check_negative(table, meter.metric)
    quantity = table.column("quantity")
    if kind is Aggregation.SUM:
        result = table.group_by(keys).aggregate([("quantity", "sum")])
    elif kind is Aggregation.COUNT:
        result = table.group_by(keys).aggregate([([], "count_all")])
    elif kind is Aggregation.MAX:
        result = table.group_by(keys).aggregate([("quantity", "max")])
    elif kind is Aggregation.UNIQUE_COUNT:
        unique = meter.unique_property
        assert unique is not None
        if unique not in table.column_names:
            table = table.append_column(unique, pa.nulls(table.num_rows, pa.string()))
        result = table.group_by(keys).aggregate([(unique, "count_distinct")])
    elif kind is Aggregation.LATEST:
        # Arrow has no "last" kernel for decimals: take the last row number per key in time
        # order (ties: the later row), then that row's quantity.
        ordered = table.sort_by([("at", "ascending"), (_INDEX, "ascending")])
        lasts = ordered.group_by(keys, use_threads=False).aggregate([(_INDEX, "last")])
        rows = pc.index_in(
            lasts.column(f"{_INDEX}_last"), value_set=table.column(_INDEX).combine_chunks()
        )
        result = lasts.select(keys).append_column("latest", table.column("quantity").take(rows))
    else:
        # Each change is held from its timestamp to the period end: Σ q × (end − at) in µs.
        held = pc.cast(
            pc.subtract(pa.scalar(hi, type=table.column("at").type), table.column("at")),
            pa.int64(),
        )
        weighted = pc.multiply(
            pc.cast(quantity, _wide_decimal(quantity.type)), pc.cast(held, pa.decimal256(19, 0))
        )
        result = (
            table.select(keys)
            .append_column("weighted", weighted)
            .group_by(keys)
            .aggregate([("weighted", "sum")])
        )
    customers: list[Any] = result.column("customer").to_pylist()
    groups: list[Any] = (
        [None] * len(customers) if group is None else result.column(group).to_pylist()
    )
    values: list[Any] = result.column(result.num_columns - 1).to_pylist()
    quantities: dict[tuple[str, str | None], Decimal] = {
        (customer, grp): finish(kind, _raw(kind, value), span)
        for customer, grp, value in zip(customers, groups, values, strict=True)
    }
    amounts: dict[tuple[str, str | None], list[Decimal]] = {}
    if isinstance(charge.model, Percentage):
        ordered = table.sort_by([("at", "ascending"), (_INDEX, "ascending")])
        columns: list[list[Any]] = [ordered.column(k).to_pylist() for k in keys]
        for position, amount in enumerate(ordered.column("quantity").to_pylist()):
            customer: str = columns[0][position]
            key = (customer, None if group is None else columns[1][position])
            amounts.setdefault(key, []).append(_python(amount))
    return quantities, amounts


def _raw(kind: Aggregation, value: Any) -> Any:
    """An Arrow aggregate in the shape :func:`finish` expects from the object path."""
    if kind is Aggregation.COUNT:
        return value
    if kind is Aggregation.UNIQUE_COUNT:
        return range(value)  # finish() takes len() of the distinct values
    if kind is Aggregation.LATEST:
        return (None, _python(value))
    return _python(value)


def _wide_decimal(kind: pa.DataType) -> pa.DataType:
    scale = kind.scale if pa.types.is_decimal(kind) else 0
    return pa.decimal256(76 - 20, scale)


def scan_table(
    table: pa.Table,
    charges: Mapping[str, UsageCharge],
    lo: datetime,
    hi: datetime,
    *,
    deduplicate: bool = True,
) -> Scan:
    """Aggregate ``table`` for ``charges`` over ``[lo, hi)``: the columnar twin of the scan.

    ``deduplicate=False`` skips the search for repeated ids (the caller guarantees unique ids).
    """
    table = _check_schema(table)
    if "quantity" not in table.column_names:
        table = table.append_column("quantity", pa.nulls(table.num_rows, pa.int64()).fill_null(1))
    # Row numbers break ties in time order and find first occurrences; plain sums over
    # trusted ids need neither, so they skip the extra column.
    ordered = any(
        c.meter.aggregation is Aggregation.LATEST or isinstance(c.model, Percentage)
        for c in charges.values()
    )
    if deduplicate or ordered:
        table = table.append_column(_INDEX, _row_numbers(table.num_rows))
    duplicates: list[UsageEvent] = []
    conflicts: list[UsageEvent] = []
    if deduplicate:
        table, duplicates, conflicts = _deduplicate(table)

    at = table.column("at")
    low = pa.scalar(lo, type=at.type)
    high = pa.scalar(hi, type=at.type)
    before = pc.less(at, low)
    after = pc.greater_equal(at, high)
    late = _events(table.filter(before)) if pc.any(before).as_py() else []
    future = _events(table.filter(after)) if pc.any(after).as_py() else []
    if late or future:
        table = table.filter(pc.invert(pc.or_(before, after)))

    if len(charges) == 1:  # a comparison is cheaper than a hash lookup
        metered = pc.equal(table.column("metric"), pa.scalar(next(iter(charges)), pa.string()))
    else:
        metrics = pa.array(sorted(charges), pa.string())
        metered = pc.is_in(table.column("metric"), value_set=metrics)
    unmetered: list[UsageEvent] = []
    if not pc.all(metered).as_py() and table.num_rows:
        unmetered = _events(table.filter(pc.invert(metered)))
        table = table.filter(metered)

    span = (hi - lo) // MICROSECOND
    quantities: dict[UsageKey, Decimal] = {}
    amounts: dict[UsageKey, list[Decimal]] = {}
    single = len(charges) == 1
    for metric, charge in charges.items():
        rows = (
            table
            if single
            else table.filter(pc.equal(table.column("metric"), pa.scalar(metric, pa.string())))
        )
        found, timed = _aggregate(rows, charge, hi, span)
        for (customer, group), value in found.items():
            quantities[(customer, metric, group)] = value
        for (customer, group), values in timed.items():
            amounts[(customer, metric, group)] = values
    return Scan(quantities, amounts, duplicates, conflicts, late, future, unmetered)
