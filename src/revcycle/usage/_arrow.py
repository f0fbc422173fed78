"""The columnar path of usage rating: the same aggregation over a ``pyarrow.Table``.

Used by :func:`revcycle.usage.rate_usage_table`, which imports this module only when called
(pyarrow is an optional extra); what it shares with the object path (the :class:`Scan` it
returns, :func:`finish`, the negative-quantity rule) comes from ``usage/_scan.py``, never from
the engine. Everything per row runs in Arrow compute kernels or numpy vector operations on
Arrow's buffers (de-duplication by id, the period window, filters, group-by aggregation);
Python sees one value per (customer, group), plus the late, future and unmetered rows, which
become :class:`UsageEvent` values; repeated ids stay Arrow rows until the rating's
``duplicates`` are read (``usage/_arrow_rows.py``, which also finds them). A
:class:`~revcycle.usage.Percentage` charge needs every event's amount in time order, so its
rows are read into Python.

Timestamps are taken at microsecond precision, like Python's ``datetime``.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from itertools import repeat
from typing import TYPE_CHECKING, Any

from revcycle._numbers import CTX, PRECISION, ZERO
from revcycle._validate import require_extra, require_sequence
from revcycle.errors import FloatNotAllowedError, RevcycleTypeError, ValidationError, shown
from revcycle.usage._arrow_rows import (
    CORE,
    INDEX,
    REQUIRED,
    Dropped,
    drop_repeats,
    events_of,
    np,
    row_numbers,
)
from revcycle.usage._charges import Percentage, UsageCharge
from revcycle.usage._events import UsageEvent, UsageKey
from revcycle.usage._meters import Aggregation, Meter
from revcycle.usage._scan import MICROSECOND, Scan, finish, negative_quantity, refuses_negative


if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.compute as pc
else:  # imported by rate_usage_table(), which thus raises MissingExtraError without pyarrow
    pa = require_extra("pyarrow", "arrow", "rate_usage_table()")
    pc = require_extra("pyarrow.compute", "arrow", "rate_usage_table()")


__all__ = ["scan_table"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# The instants a Python datetime can hold, in microseconds since the epoch (UTC): the object
# path cannot see an event outside them, so the table refuses one.
_EARLIEST_US = -62_135_596_800 * 1_000_000  # 0001-01-01T00:00:00
_LATEST_US = 253_402_300_799_999_999  # 9999-12-31T23:59:59.999999


def _timestamps(column: pa.ChunkedArray[Any]) -> pa.ChunkedArray[Any]:
    """The ``at`` column at microsecond precision, every instant one a datetime can hold."""
    kind = column.type
    if not pa.types.is_timestamp(kind):
        raise RevcycleTypeError(f"The usage table's 'at' column must be a timestamp, not {kind}.")
    if kind.tz is None:
        raise ValidationError(
            "The usage table's 'at' column must be timezone-aware (a timestamp with a "
            "tz, such as timestamp('us', tz='UTC')), not naive."
        )
    try:
        pa.scalar(0, type=kind).as_py()  # Arrow reads the zone only when it converts
    except (pa.ArrowInvalid, ValueError, LookupError):
        raise ValidationError(
            f"The usage table's 'at' column has the timezone {shown(kind.tz)}, which is neither an "
            "IANA name such as 'Europe/Paris' nor an offset such as '+05:00'."
        ) from None
    target = pa.timestamp("us", tz=kind.tz)
    if kind.unit == "ns":
        column = column.cast(target, safe=False)  # drops the nanoseconds, never overflows
    elif kind.unit != "us":
        try:  # seconds or milliseconds: the checked cast refuses an overflow
            column = column.cast(target)
        except pa.ArrowInvalid:
            raise ValidationError(_OUT_OF_RANGE) from None
    return column


def _instants(column: pa.ChunkedArray[Any]) -> tuple[int, int] | None:
    """The earliest and latest instants of the ``at`` column in microseconds (``None`` for no
    rows), refused outside what a datetime holds: one pass over the column."""
    if not len(column):
        return None
    span: Any = pc.min_max(column.cast(pa.int64())).as_py()
    if span["min"] < _EARLIEST_US or span["max"] > _LATEST_US:
        raise ValidationError(_OUT_OF_RANGE)
    return span["min"], span["max"]


_OUT_OF_RANGE = (
    "The usage table's 'at' column holds an instant outside the years 1 to 9999 (UTC), "
    "which no datetime can hold."
)


def _quantities(column: pa.ChunkedArray[Any]) -> pa.ChunkedArray[Any]:
    """The ``quantity`` column as an integer, decimal128 or decimal256 column."""
    kind = column.type
    if pa.types.is_floating(kind):
        raise FloatNotAllowedError(
            f"The usage table's quantity column is {kind}; floats are not exact: cast it "
            "to a decimal (pa.decimal128) or an integer type first."
        )
    if pa.types.is_integer(kind):
        return column
    if not pa.types.is_decimal(kind):
        raise RevcycleTypeError(
            f"The usage table's quantity column must be integer or decimal, not {kind}."
        )
    if kind.scale < 0:
        # Arrow's kernels take no negative scale (1.23E+4 at scale -2): the same values at
        # scale 0, exactly, when their digits fit in 76.
        digits = kind.precision - kind.scale
        if digits > 76:
            raise ValidationError(
                f"The usage table's quantity column is {kind}, whose values may have {digits} "
                "digits; cast it to a decimal type of at most 76 digits."
            )
        return column.cast(pa.decimal128(digits, 0) if digits <= 38 else pa.decimal256(digits, 0))
    if pa.types.is_decimal128(kind) or pa.types.is_decimal256(kind):
        return column
    return column.cast(pa.decimal128(38, kind.scale))  # decimal32, decimal64: 128 bits


def _property_names(table: pa.Table, properties: Iterable[str] | None) -> list[str]:
    """The property columns: those named, or every column that is not a core one."""
    names = table.column_names
    if properties is None:
        return [name for name in names if name not in CORE]
    if isinstance(properties, str) or not isinstance(properties, Iterable):
        raise RevcycleTypeError(
            f"properties must be a list of column names, not {shown(properties)}."
        )
    chosen = list(dict.fromkeys(require_sequence(properties, "properties")))
    for name in chosen:
        if not isinstance(name, str):
            raise RevcycleTypeError(f"properties must name columns as strings, not {shown(name)}.")
        if name in CORE:
            raise ValidationError(
                f"properties names the column {shown(name)}, which is an event field, "
                f"not a property."
            )
        if name not in names:
            raise ValidationError(
                f"properties names the column {shown(name)}, which the usage table does not have; "
                f"its columns are {', '.join(names)}."
            )
    return chosen


def _check_schema(table: pa.Table, properties: Iterable[str] | None = None) -> pa.Table:
    if not isinstance(table, pa.Table):
        raise RevcycleTypeError(f"rate_usage_table() needs a pyarrow.Table, not {shown(table)}.")
    names = table.column_names
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValidationError(
            f"The usage table has more than one column named {', '.join(map(repr, repeated))}; "
            "give each column its own name."
        )
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise ValidationError(
            f"The usage table lacks the column(s) {', '.join(missing)}; it needs id, customer, "
            "metric and at (and optionally quantity and property columns)."
        )
    kept = _property_names(table, properties)
    columns: dict[str, Any] = {}
    for name in [n for n in names if n in CORE] + kept:
        column = table.column(name)
        kind = column.type
        if name == "at":
            column = _timestamps(column)
        elif name == "quantity":
            column = _quantities(column)
        elif not pa.types.is_string(kind):
            if not _is_text(kind.value_type if pa.types.is_dictionary(kind) else kind):
                raise RevcycleTypeError(_not_text(name, kind, properties))
            column = column.cast(pa.string())
        if name in CORE and column.null_count:
            raise ValidationError(f"The usage table's {shown(name)} column must not hold nulls.")
        if name in ("id", "customer", "metric") and len(column):
            # UsageEvent refuses an empty id, customer or metric; so does the table (a row
            # billed to customer "" would otherwise pass silently).
            shortest = pc.min(pc.binary_length(column)).as_py()
            if shortest == 0:
                raise ValidationError(
                    f"The usage table's {shown(name)} column must not hold empty strings."
                )
        columns[name] = column
    return pa.table(columns)


def _is_text(kind: pa.DataType) -> bool:
    return bool(
        pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)
    )


def _check_meters_see(
    charges: Mapping[str, UsageCharge], given: list[str], kept: list[str]
) -> None:
    """Refuse ``properties`` that leave out a column a meter reads (its events would silently
    count as lacking the property)."""
    for charge in charges.values():
        meter = charge.meter
        for name in (*meter.filters, meter.group_by, meter.unique_property):
            if name is not None and name in given and name not in kept:
                raise ValidationError(
                    f"The {shown(meter.metric)} meter reads the property {shown(name)}, "
                    f"but properties= "
                    f"leaves the table's {shown(name)} column out; name it in properties."
                )


def _not_text(name: str, kind: pa.DataType, properties: Iterable[str] | None) -> str:
    message = f"The usage table's column {shown(name)} must hold strings, not {kind}."
    if properties is None and name not in CORE:
        message += (
            " Every column besides id, customer, metric, at and quantity is read as an event "
            "property; name the property columns with properties=[...] to leave the others out."
        )
    return message


def _mask_true(mask: Any) -> Any:
    return pc.fill_null(mask, pa.scalar(False))


def _extremes(quantity: pa.ChunkedArray[Any]) -> tuple[int, int]:
    """Bounds ``(low, high)`` of the quantities in unscaled units (the integers a decimal
    column stores; the values of an integer column): ``low < 0`` exactly when some
    quantity is negative, and no quantity lies outside them (a decimal128 column's bounds
    may be wider than its values: they are read from the high 64 bits alone)."""
    kind = quantity.type
    if not len(quantity):
        return 0, 0
    if np is not None and pa.types.is_decimal128(kind):
        # A decimal128 is a 16-byte little-endian two's complement integer: its high 8
        # bytes, read straight from the buffer, give its sign and its size within 2**64
        # (two passes over the buffer instead of 10^7 Decimal comparisons).
        tops = []
        for chunk in quantity.chunks:
            if len(chunk):
                words = np.frombuffer(
                    chunk.buffers()[1], dtype="<i8", count=2 * (chunk.offset + len(chunk))
                )
                high = words[2 * chunk.offset + 1 :: 2]
                tops += [int(high.min()), int(high.max())]
        return min(tops) << 64, (max(tops) + 1 << 64) - 1
    span: Any = pc.min_max(quantity).as_py()
    low, high = span["min"], span["max"]
    if pa.types.is_decimal(kind):
        return int(low.scaleb(kind.scale)), int(high.scaleb(kind.scale))
    return int(low), int(high)


def _has_negative(quantity: pa.ChunkedArray[Any]) -> bool:
    """True when some quantity is below zero."""
    return _extremes(quantity)[0] < 0


def _check_negative(table: pa.Table, metric: str) -> None:
    quantity = table.column("quantity")
    if not len(quantity) or not _has_negative(quantity):
        return
    first = table.filter(pc.less(quantity, pa.scalar(0, quantity.type))).slice(0, 1)
    raise negative_quantity(events_of(first)[0])


# Rows per block where numpy works block by block (temporaries of a few hundred kilobytes).
_BLOCK = 1 << 16


def _all_equal(column: pa.ChunkedArray[Any], text: str) -> bool:
    """True when every string of ``column`` is ``text``, compared as bytes with numpy: all
    lengths equal and the data the same ``text`` repeated (cheaper than a string kernel)."""
    if np is None:  # pragma: no cover - numpy ships with pandas and most Arrow installs
        return bool(pc.all(pc.equal(column, pa.scalar(text, pa.string()))).as_py())
    wanted = text.encode()
    width = len(wanted)
    pattern = np.frombuffer(wanted, dtype=np.uint8)
    for chunk in column.chunks:
        count = len(chunk)
        if not count:
            continue
        _, offsets_buffer, data_buffer = chunk.buffers()
        offsets = np.frombuffer(
            offsets_buffer, dtype=np.int32, count=count + 1, offset=chunk.offset * 4
        )
        first = int(offsets[0])
        if int(offsets[-1]) - first != count * width:
            return False
        # Block by block, so that the temporaries stay in the CPU cache.
        for begin in range(0, count, _BLOCK):
            block = offsets[begin : begin + _BLOCK + 1]
            if ((block[1:] - block[:-1]) != width).any():
                return False
        data = np.frombuffer(data_buffer, dtype=np.uint8, count=count * width, offset=first)
        if not (data.reshape(count, width) == pattern).all():
            return False
    return True


def _python_values(column: pa.ChunkedArray[Any]) -> list[Any]:
    """``column.to_pylist()``; a decimal128 column whose values fit in 64 bits is read from
    its buffer as integers (Arrow builds each Decimal through text, several times slower)."""
    kind = column.type
    if np is None or not pa.types.is_decimal128(kind) or kind.scale < 0 or column.null_count:
        return column.to_pylist()
    result: list[Any] = []
    for chunk in column.chunks:
        words = np.frombuffer(
            chunk.buffers()[1], dtype="<i8", count=2 * (chunk.offset + len(chunk))
        ).reshape(-1, 2)[chunk.offset :]
        low, high = words[:, 0], words[:, 1]
        if not ((low >> 63) == high).all():  # some value needs more than 64 bits
            return column.to_pylist()
        # The integer of unscaled units, shifted by the scale: the Decimal Arrow would give
        # (Decimal('2.50') for 250 at scale 2, with its trailing zeros).
        shift = -kind.scale
        result += [CTX.scaleb(Decimal(units), shift) for units in low.tolist()]
    return result


def _python(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(value)


def _metered(table: pa.Table, meter: Meter) -> pa.Table | None:
    """The rows that pass ``meter``'s filters (``None``: none can), with its group column."""
    for prop, accepted in meter.filters.items():
        if prop not in table.column_names:
            return None  # no event carries the property, so none passes the filter
        mask = pc.is_in(table.column(prop), value_set=pa.array(sorted(accepted), pa.string()))
        table = table.filter(_mask_true(mask))
    group = meter.group_by
    if group is not None and group not in table.column_names:
        table = table.append_column(group, pa.nulls(table.num_rows, pa.string()))
    return table


def _aggregate(
    table: pa.Table, charge: UsageCharge, hi: datetime, span: int, dropped: Dropped | None = None
) -> tuple[dict[UsageKey, Decimal], dict[UsageKey, list[Decimal]]]:
    """The quantities (and, for a Percentage, the time-ordered amounts) per key of one
    charge's rows; ``dropped``: rows of ``table`` that do not count (see :func:`_less`)."""
    meter = charge.meter
    kind = meter.aggregation
    if dropped is not None:
        less = _less(table, dropped.rows, charge)
        if less is not None:
            return less, {}
        table = table.filter(dropped.kept)
    selected = _metered(table, meter)
    if selected is None:
        return {}, {}
    table = selected
    group = meter.group_by
    keys = ["customer"] if group is None else ["customer", group]
    quantity = table.column("quantity")
    low, high = _extremes(quantity)
    if low < 0 and refuses_negative(meter):
        _check_negative(table, meter.metric)
    # Every partial sum of a SUM (and of a TIME_WEIGHTED_SUM's q × µs held) stays within
    # this many units of the column's scale: the sum is exact in any type that holds it.
    largest = max(-low, high) * table.num_rows
    if kind is Aggregation.TIME_WEIGHTED_SUM:
        largest *= span
    wide = _exact_sum_type(quantity.type, largest)
    if kind in _SUMS and wide is None:
        return _sums_in_python(table, keys, kind, meter.metric, hi, span), _amounts(
            table, charge, keys, meter.metric
        )
    if kind is Aggregation.SUM:
        if wide != quantity.type:
            table = table.set_column(
                table.column_names.index("quantity"), "quantity", quantity.cast(wide)
            )
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
        ordered = table.sort_by([("at", "ascending"), (INDEX, "ascending")])
        lasts = ordered.group_by(keys, use_threads=False).aggregate([(INDEX, "last")])
        rows = pc.index_in(
            lasts.column(f"{INDEX}_last"), value_set=table.column(INDEX).combine_chunks()
        )
        result = lasts.select(keys).append_column("latest", table.column("quantity").take(rows))
    else:
        # Each change is held from its timestamp to the period end: Σ q × (end − at) in µs
        # (below 10^50 units, so the 76 digits of decimal256 hold every product and sum).
        held = pc.cast(
            pc.subtract(pa.scalar(hi, type=table.column("at").type), table.column("at")),
            pa.int64(),
        )
        weighted = pc.multiply(
            pc.cast(quantity, pa.decimal256(76 - 20, _scale(quantity.type))),
            pc.cast(held, pa.decimal256(19, 0)),
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
    found = result.column(result.num_columns - 1)
    values: list[Any] = _python_values(found)
    metric = meter.metric
    quantities: dict[UsageKey, Decimal]
    if kind is Aggregation.SUM and pa.types.is_decimal(found.type):
        # A decimal sum arrives as the Decimal finish() would return: no call per key.
        quantities = dict(zip(zip(customers, repeat(metric), groups), values, strict=True))
    else:
        quantities = {
            (customer, metric, grp): finish(kind, _raw(kind, value), span)
            for customer, grp, value in zip(customers, groups, values, strict=True)
        }
    return quantities, _amounts(table, charge, keys, metric)


def _less(
    table: pa.Table, dropped: pa.Table, charge: UsageCharge
) -> dict[UsageKey, Decimal] | None:
    """A SUM or COUNT meter's quantities over the rows of ``table`` less the ``dropped`` rows
    (some of its rows): each key's sum and count over every row, less those over the dropped
    rows, a key without rows left dropped. Exact, as every partial sum fits the type it is
    taken in. ``None`` when this does not apply (another aggregation, a Percentage, a sum
    too large for Arrow's types, a negative quantity a meter refuses, which must be looked
    for among the kept rows alone): the caller filters the rows instead."""
    meter = charge.meter
    kind = meter.aggregation
    if kind not in (Aggregation.SUM, Aggregation.COUNT) or isinstance(charge.model, Percentage):
        return None
    quantity = table.column("quantity")
    low, high = _extremes(quantity)
    wide = _exact_sum_type(quantity.type, max(-low, high) * table.num_rows)
    if wide is None or (low < 0 and refuses_negative(meter)):
        return None
    totals = [_sums_and_counts(rows, meter, wide) for rows in (table, dropped)]
    whole, less = totals
    for key, (value, count) in less.items():
        total, every = whole[key]
        if every == count:
            del whole[key]
        else:
            whole[key] = (CTX.subtract(total, value), every - count)
    metric = meter.metric
    return {
        (customer, metric, group): value if kind is Aggregation.SUM else Decimal(count)
        for (customer, group), (value, count) in whole.items()
    }


def _sums_and_counts(
    table: pa.Table, meter: Meter, wide: pa.DataType
) -> dict[tuple[str, str | None], tuple[Decimal, int]]:
    """Each (customer, group)'s sum of quantities (in ``wide``) and count of rows."""
    selected = _metered(table, meter)
    if selected is None:
        return {}
    group = meter.group_by
    keys = ["customer"] if group is None else ["customer", group]
    quantity = selected.column("quantity")
    selected = selected.set_column(
        selected.column_names.index("quantity"), "quantity", quantity.cast(wide)
    )
    result = selected.group_by(keys).aggregate([("quantity", "sum"), ([], "count_all")])
    customers: list[Any] = result.column("customer").to_pylist()
    groups: list[Any] = (
        [None] * len(customers) if group is None else result.column(group).to_pylist()
    )
    sums = map(_python, _python_values(result.column("quantity_sum")))
    counts: list[Any] = result.column("count_all").to_pylist()
    pairs = zip(sums, counts, strict=True)
    return dict(zip(zip(customers, groups, strict=True), pairs, strict=True))


def _amounts(
    table: pa.Table, charge: UsageCharge, keys: list[str], metric: str
) -> dict[UsageKey, list[Decimal]]:
    """For a :class:`Percentage` charge, each key's event amounts in time order."""
    amounts: dict[UsageKey, list[Decimal]] = {}
    if isinstance(charge.model, Percentage):
        ordered = table.sort_by([("at", "ascending"), (INDEX, "ascending")])
        columns: list[list[Any]] = [ordered.column(k).to_pylist() for k in keys]
        for position, amount in enumerate(ordered.column("quantity").to_pylist()):
            customer: str = columns[0][position]
            key = (customer, metric, None if len(keys) == 1 else columns[1][position])
            amounts.setdefault(key, []).append(_python(amount))
    return amounts


_SUMS = (Aggregation.SUM, Aggregation.TIME_WEIGHTED_SUM)
# revcycle's context holds 50 significant digits: below 10^50 units every partial sum is
# exact in it (as in Arrow's types), so both paths give the same exact sum.
_EXACT_UNITS = 10**PRECISION


def _scale(kind: pa.DataType) -> int:
    return int(kind.scale) if pa.types.is_decimal(kind) else 0


def _exact_sum_type(kind: pa.DataType, largest: int) -> pa.DataType | None:
    """The type in which Arrow sums a quantity column exactly when no partial sum exceeds
    ``largest`` units (its own type when it holds them: an integer type below 2**63,
    decimal128 below 10^38), or ``None`` when Arrow cannot: the sum is then added up in
    Python, row by row, as :func:`~revcycle.usage.rate_usage` adds it. Arrow's sums wrap
    around silently past their type's range (two int64 quantities of 2**62 sum to -2**63).
    """
    if largest >= _EXACT_UNITS:
        return None
    if pa.types.is_integer(kind) and largest < 2**63:
        return kind
    scale = _scale(kind)
    if largest < 10**38:
        return kind if pa.types.is_decimal128(kind) else pa.decimal128(38, scale)
    if scale > 76 - 20:  # the time-weighted product needs 20 digits beside the scale
        return None
    return pa.decimal256(76, scale)


def _sums_in_python(
    table: pa.Table, keys: list[str], kind: Aggregation, metric: str, hi: datetime, span: int
) -> dict[UsageKey, Decimal]:
    """SUM or TIME_WEIGHTED_SUM quantities too large for Arrow's sums: added in revcycle's
    context in row order, exactly as the object path adds its events."""
    customers: list[Any] = table.column("customer").to_pylist()
    groups: Iterable[str | None] = (
        repeat(None) if len(keys) == 1 else table.column(keys[1]).to_pylist()
    )
    values: Iterable[Decimal] = map(_python, table.column("quantity").to_pylist())
    sums: dict[tuple[str, str | None], Decimal] = {}
    with decimal.localcontext(CTX):
        if kind is Aggregation.TIME_WEIGHTED_SUM:
            end = (hi - _EPOCH) // MICROSECOND
            ats: list[Any] = table.column("at").cast(pa.int64()).to_pylist()
            values = (q * (end - at) for q, at in zip(values, ats, strict=True))
        for customer, grp, value in zip(customers, groups, values, strict=False):
            key = (customer, grp)
            sums[key] = sums.get(key, ZERO) + value
    return {
        (customer, metric, grp): finish(kind, value, span)
        for (customer, grp), value in sums.items()
    }


def _raw(kind: Aggregation, value: Any) -> Any:
    """An Arrow aggregate in the shape :func:`finish` expects from the object path."""
    if kind is Aggregation.COUNT:
        return value
    if kind is Aggregation.UNIQUE_COUNT:
        return range(value)  # finish() takes len() of the distinct values
    if kind is Aggregation.LATEST:
        return (None, _python(value))
    return _python(value)


def scan_table(
    table: pa.Table,
    charges: Mapping[str, UsageCharge],
    lo: datetime,
    hi: datetime,
    *,
    deduplicate: bool = True,
    properties: Iterable[str] | None = None,
) -> Scan:
    """Aggregate ``table`` for ``charges`` over ``[lo, hi)``: the columnar twin of the scan.

    ``deduplicate=False`` skips the search for repeated ids (the caller guarantees unique ids).
    ``properties`` names the property columns (``None``: every column besides the event's
    own fields).
    """
    columns = table.column_names if isinstance(table, pa.Table) else []
    table = _check_schema(table, properties)
    if properties is not None:
        _check_meters_see(charges, columns, table.column_names)
    instants = _instants(table.column("at"))  # before any row is read as an event
    if "quantity" not in table.column_names:
        table = table.append_column("quantity", pa.nulls(table.num_rows, pa.int64()).fill_null(1))
    # Row numbers break ties in time order and find first occurrences; plain sums over
    # trusted ids need neither, so they skip the extra column.
    ordered = any(
        c.meter.aggregation is Aggregation.LATEST or isinstance(c.model, Percentage)
        for c in charges.values()
    )
    dropped, repeats = drop_repeats(table) if deduplicate else (None, None)
    # The common case (one charge, every event in the period and of its metric) leaves the
    # dropped rows for _aggregate to subtract; every other case filters them out here.
    inside = instants is None or (
        (lo - _EPOCH) // MICROSECOND <= instants[0] and instants[1] < (hi - _EPOCH) // MICROSECOND
    )
    only = next(iter(charges)) if len(charges) == 1 else None
    if dropped is not None and (
        ordered or not inside or only is None or not _all_equal(table.column("metric"), only)
    ):
        table, dropped = table.filter(dropped.kept), None
    if ordered:  # numbered after de-duplication: the kept rows keep their input order
        table = table.append_column(INDEX, row_numbers(table.num_rows))

    late: list[UsageEvent] = []
    future: list[UsageEvent] = []
    at = table.column("at")
    # The earliest and latest instants (read once, before de-duplication, which they bound);
    # the two comparisons over every row are only needed when some event may fall outside.
    if not inside:
        low = pa.scalar(lo, type=at.type)
        high = pa.scalar(hi, type=at.type)
        before = pc.less(at, low)
        after = pc.greater_equal(at, high)
        late = events_of(table.filter(before)) if pc.any(before).as_py() else []
        future = events_of(table.filter(after)) if pc.any(after).as_py() else []
        if late or future:
            table = table.filter(pc.invert(pc.or_(before, after)))

    unmetered: list[UsageEvent] = []
    if (
        dropped is None
        and table.num_rows
        and not (only is not None and _all_equal(table.column("metric"), only))
    ):
        if only is not None:  # a comparison is cheaper than a hash lookup
            metered = pc.equal(table.column("metric"), pa.scalar(only, pa.string()))
        else:
            metrics = pa.array(sorted(charges), pa.string())
            metered = pc.is_in(table.column("metric"), value_set=metrics)
        if not pc.all(metered).as_py():
            unmetered = events_of(table.filter(pc.invert(metered)))
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
        found, timed = _aggregate(rows, charge, hi, span, dropped)
        quantities.update(found)
        amounts.update(timed)
    return Scan(quantities, amounts, [], [], late, future, unmetered, repeats)
