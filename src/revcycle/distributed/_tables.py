"""Usage rows between Dask's pandas partitions and revcycle's Arrow engine: a fixed Arrow
schema for every partition, the row's place in the input, first occurrences of an id and the
rows read back as events.

Private to :mod:`revcycle.distributed`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from revcycle._validate import require_extra
from revcycle.distributed._dask import FEATURE, ORDER, ROW_BITS
from revcycle.errors import ValidationError, shown
from revcycle.usage import UsageEvent


if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.compute as pc
else:  # each entry point calls require_extra("pyarrow", ...) before it reads a table
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:
        pa = pc = None

_CORE: Final = ("id", "customer", "metric", "at", "quantity")
_TEXT: Final = ("id", "customer", "metric")


def frame_schema(meta: Any) -> pa.Schema:
    """The Arrow schema of a Dask dataframe's ``meta`` (a column of Python objects, whose
    type only its values tell, is typed ``null``: each partition then says its own)."""
    return pa.Schema.from_pandas(meta, preserve_index=False)


def to_table(frame: Any, schema: pa.Schema | None) -> pa.Table:
    """A pandas partition as an Arrow table of ``schema``'s types (shuffles may hand a
    decimal column back as Python objects; the cast restores its precision and scale)."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    if schema is None:
        return table
    for field in schema:
        if field.name not in table.column_names or pa.types.is_null(field.type):
            continue
        index = table.column_names.index(field.name)
        column = table.column(index)
        if column.type != field.type:
            table = table.set_column(index, field.name, column.cast(field.type))
    return table


def to_frame(table: pa.Table) -> Any:
    """An Arrow table as a pandas partition with Arrow-typed columns (no value converted)."""
    pd = require_extra("pandas", "dask", FEATURE)
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def numbered(table: pa.Table, partition: int) -> pa.Table:
    """``table`` with the :data:`~revcycle.distributed._dask.ORDER` column: the row's place
    in the input, ``(partition << 40) + row``."""
    np = require_extra("numpy", "dask", FEATURE)
    base = partition << ROW_BITS
    rows = np.arange(base, base + table.num_rows, dtype=np.int64)
    return table.append_column(ORDER, pa.array(rows, pa.int64()))


def normalised(table: pa.Table) -> pa.Table:
    """``at`` at microsecond precision, as :func:`~revcycle.usage.rate_usage_table` reads it
    (nanoseconds dropped, seconds and milliseconds widened), and every property column as
    strings: the values an event holds."""
    for index, name in enumerate(table.column_names):
        column = table.column(index)
        kind = column.type
        if name == "at" and pa.types.is_timestamp(kind) and kind.unit != "us":
            target = pa.timestamp("us", tz=kind.tz)
            column = column.cast(target, safe=kind.unit != "ns")
        elif name not in _CORE and name != ORDER and not pa.types.is_string(kind):
            column = column.cast(pa.string())
        else:
            continue
        table = table.set_column(index, name, column)
    return table


def check_rows(table: pa.Table) -> None:
    """Refuse nulls in an event's own columns and empty ids, customers and metrics, in the
    sentences :func:`~revcycle.usage.rate_usage_table` uses."""
    for name in (*_TEXT, "at", "quantity"):
        if name not in table.column_names:
            continue
        column = table.column(name)
        if column.null_count:
            raise ValidationError(f"The usage table's {shown(name)} column must not hold nulls.")
        if name in _TEXT and len(column) and pc.min(pc.binary_length(column)).as_py() == 0:
            raise ValidationError(
                f"The usage table's {shown(name)} column must not hold empty strings."
            )


def first_occurrences(table: pa.Table) -> Any:
    """A boolean mask of the rows that are their id's first occurrence in input order (the
    least :data:`ORDER`): every occurrence of an id must be in ``table``."""
    if not table.num_rows:
        return pa.array([], pa.bool_())
    firsts = table.group_by("id", use_threads=False).aggregate([(ORDER, "min")])
    return pc.is_in(table.column(ORDER), value_set=firsts.column(f"{ORDER}_min").combine_chunks())


def conflicting(repeats: pa.Table, originals: pa.Table) -> list[bool]:
    """For each repeated row, whether a field differs from its id's first occurrence (a
    missing property equals a missing one), as ``UsageEvent`` equality compares them."""
    matched = originals.take(pc.index_in(repeats.column("id"), value_set=originals.column("id")))
    differs: Any = pa.array([False] * repeats.num_rows, pa.bool_())
    for name in repeats.column_names:
        if name in ("id", ORDER):
            continue
        mine: Any = repeats.column(name)
        theirs: Any = matched.column(name)
        same = pc.or_(
            pc.fill_null(pc.equal(mine, theirs), False),
            pc.and_(pc.is_null(mine), pc.is_null(theirs)),
        )
        differs = pc.or_(differs, pc.invert(same))
    flags: list[bool] = differs.to_pylist()
    return flags


def events(table: pa.Table) -> list[UsageEvent]:
    """The rows of a normalised table as events (only rows reported or billed as objects):
    every column besides the event's own fields is a property, missing where null."""
    names = [n for n in table.column_names if n not in _CORE and n != ORDER]
    return [
        UsageEvent(
            id=row["id"],
            customer=row["customer"],
            metric=row["metric"],
            at=row["at"],
            quantity=row.get("quantity", 1),
            properties={n: row[n] for n in names if row[n] is not None},
        )
        for row in table.to_pylist()
    ]


def orders(table: pa.Table) -> list[int]:
    """The :data:`ORDER` of every row."""
    found: list[int] = table.column(ORDER).to_numpy().tolist()
    return found
