"""Usage rated on Dask: events from Parquet (or a Dask dataframe), each id counted once across
every partition and customer, each customer rated by the Arrow engine where its rows are.

Four steps, each a pure function of one partition, with one shuffle of whole rows:

1. every input partition numbers its rows (:data:`ORDER`: partition, then row);
2. Dask shuffles only the ``id`` and ``__order`` columns by ``id``, so every occurrence of an
   id meets in one partition; :func:`repeated_rows` returns the order of each later
   occurrence (usually few);
3. Dask joins those marks back onto the rows (a left join on ``__order`` against the marks
   gathered in one partition, so the rows stay where they are) and shuffles the rows by
   ``customer``;
4. :func:`screen_partition` reports the marked rows as duplicates (and conflicts), then the
   late, future and unmetered events, each with its order; :func:`rate_partition` rates the
   rest with :func:`~revcycle.usage.rate_usage_table`.

The driver sorts the lines by (customer, metric, group) and the reported events by their
order, which gives exactly ``rate_usage_table`` over the whole table.

Private to :mod:`revcycle.distributed`; the face re-exports the public names.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import tzinfo
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from revcycle._validate import require_sequence
from revcycle.dates import Period
from revcycle.distributed._dask import (
    ORDER,
    REPEAT,
    arrow,
    compute,
    dask,
    frames,
    is_frame,
    is_path,
    resolve_client,
)
from revcycle.distributed._tables import (
    check_rows,
    conflicting,
    events,
    first_occurrences,
    frame_schema,
    normalised,
    numbered,
    orders,
    to_frame,
    to_table,
)
from revcycle.errors import RevcycleTypeError, shown
from revcycle.usage import (
    RatedCharge,
    UsageCharge,
    UsageEvent,
    UsageRating,
    period_bounds,
    rate_usage_table,
    zone_of,
)


if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.compute as pc
else:
    from revcycle.distributed._tables import pa, pc

Charges = Iterable[UsageCharge] | UsageCharge
"""What the rating functions take as charges: one :class:`~revcycle.usage.UsageCharge` or
several."""

LeftOut = tuple[int, str, UsageEvent]
"""A reported event: its order in the input, the :class:`~revcycle.usage.UsageRating` field
it belongs to (``"duplicates"``, ``"conflicts"``, ``"late"``, ``"future"`` or
``"unmetered"``) and the event."""

_FIELDS: Final = ("duplicates", "conflicts", "late", "future", "unmetered")


class Screened(NamedTuple):
    """What :func:`screen_partition` returns: the rows to rate (``kept``, each id's first
    occurrence inside the period and of a metered metric, with their order column) and the
    reported events with their order (``left_out``)."""

    kept: pa.Table
    left_out: list[LeftOut]


def _charge_list(charges: Iterable[UsageCharge] | UsageCharge) -> list[UsageCharge]:
    if isinstance(charges, UsageCharge):
        return [charges]
    given: object = charges
    if isinstance(given, str | bytes) or not isinstance(given, Iterable):
        raise RevcycleTypeError(
            f"The charges must be a UsageCharge or a list of them, not {shown(charges)}."
        )
    return list(require_sequence(charges, "The charges"))


def _validate(
    table: pa.Table, charges: list[UsageCharge], period: Period, tz: str | tzinfo
) -> None:
    """The single-process engine's checks of the schema, charges, period and zone, on no rows."""
    empty = table.slice(0, 0)
    if ORDER in empty.column_names:
        empty = empty.drop_columns([ORDER])
    rate_usage_table(empty, charges, period, tz)


def repeated_rows(table: pa.Table) -> pa.Table:
    """Step 2 of a distributed rating, on one partition of the ``id`` and ``__order`` columns
    that holds **every** occurrence of its ids (shuffled by ``id``): the ``__order`` of each
    occurrence after its id's first (the least order), with a ``__repeat`` column of true —
    the marks :func:`screen_partition` reads."""
    arrow()
    check_rows(table.select(["id"]))
    later = pc.invert(first_occurrences(table))
    rows = table.select([ORDER]).filter(later)
    return rows.append_column(REPEAT, pa.array([True] * rows.num_rows, pa.bool_()))


def screen_partition(
    table: pa.Table,
    charges: Iterable[UsageCharge] | UsageCharge,
    period: Period,
    *,
    tz: str | tzinfo = "UTC",
) -> Screened:
    """Step 4 of a distributed rating, on one partition that holds **every** row of its
    customers (shuffled by ``customer``), each row with its order in the input (the
    ``__order`` column: partition, then row) and a ``__repeat`` column, true for a later
    occurrence of an id (from :func:`repeated_rows`; null or false otherwise). Without the
    ``__repeat`` column the partition must hold every occurrence of its ids, and the first
    (the least order) is found here.

    The marked rows are ``duplicates``, and ``conflicts`` too when a field differs from the
    id's first occurrence (always, when that is another customer's). Of the other rows, those
    before the period are ``late``, at or after its end ``future``, of a metric no charge
    meters ``unmetered`` — the rules of :func:`~revcycle.usage.rate_usage_table`, which checks
    the schema first. ``kept`` holds the rows to rate.
    """
    arrow()
    given = _charge_list(charges)
    repeat: Any
    if REPEAT in table.column_names:
        marks: Any = table.column(REPEAT)
        repeat = pc.fill_null(marks, False)
        table = table.drop_columns([REPEAT])
    else:
        repeat = pc.invert(first_occurrences(table))
    _validate(table, given, period, tz)
    check_rows(table)
    table = normalised(table)
    left_out: list[LeftOut] = []
    if table.num_rows and pc.any(repeat).as_py():
        repeats = table.filter(repeat).sort_by(ORDER)
        table = table.filter(pc.invert(repeat))
        flags = conflicting(repeats, table)
        for order, event, flag in zip(orders(repeats), events(repeats), flags, strict=True):
            left_out.append((order, "duplicates", event))
            if flag:
                left_out.append((order, "conflicts", event))
    lo, hi = period_bounds(period, zone_of(tz)[1])
    at = table.column("at")
    before = pc.less(at, pa.scalar(lo, type=at.type))
    after = pc.greater_equal(at, pa.scalar(hi, type=at.type))
    metrics = pa.array(sorted({c.meter.metric for c in given}), pa.string())
    for field, mask in (("late", before), ("future", after)):
        _report(table.filter(mask), field, left_out)
    table = table.filter(pc.invert(pc.or_(before, after)))
    metered = pc.is_in(table.column("metric"), value_set=metrics)
    _report(table.filter(pc.invert(metered)), "unmetered", left_out)
    return Screened(table.filter(metered), left_out)


def _report(rows: pa.Table, field: str, into: list[LeftOut]) -> None:
    if rows.num_rows:
        into.extend(
            (order, field, event) for order, event in zip(orders(rows), events(rows), strict=True)
        )


def rate_partition(
    table: pa.Table, charges: Charges, period: Period, tz: str | tzinfo = "UTC"
) -> UsageRating:
    """Step 4 of a distributed rating, after :func:`screen_partition`: the lines of the
    customers of one partition from their kept rows (each customer's rows are all here),
    put back in input order (``__order``) before
    :func:`~revcycle.usage.rate_usage_table` rates them (ids known unique)."""
    arrow()
    if ORDER in table.column_names:
        table = table.sort_by(ORDER).drop_columns([ORDER])
    return rate_usage_table(table, charges, period, tz, assume_unique_ids=True)


def _key_order(line: RatedCharge) -> tuple[str, str, bool, str]:
    group = line.group
    return (line.customer, line.metric, group is not None, group or "")


def merge_ratings(
    ratings: Iterable[UsageRating],
    left_out: Iterable[Iterable[LeftOut]],
    period: Period,
    tz: str | tzinfo,
) -> UsageRating:
    """One rating from the partitions' lines and reported events: lines in (customer,
    metric, group) order, group ``None`` first; reported events in input order."""
    lines = sorted((line for rating in ratings for line in rating.lines), key=_key_order)
    found: dict[str, list[UsageEvent]] = {field: [] for field in _FIELDS}
    for _, field, event in sorted((e for part in left_out for e in part), key=itemgetter(0)):
        found[field].append(event)
    return UsageRating(
        period=period,
        tz=zone_of(tz)[0],
        lines=tuple(lines),
        **{field: tuple(values) for field, values in found.items()},
    )


# --------------------------------------------------------------------------------------------
# On Dask


def source_frame(source: Any) -> tuple[Any, pa.Schema | None]:
    """A Parquet path or a Dask dataframe as a Dask dataframe and the Arrow schema every
    partition is cast to."""
    if is_path(source):
        ds = __import__("pyarrow.dataset").dataset
        schema = ds.dataset(source, format="parquet").schema
        frame = frames().read_parquet(source, dtype_backend="pyarrow")
        return frame, schema
    if is_frame(source):
        return source, frame_schema(source._meta)
    raise RevcycleTypeError(
        f"Usage must come from a Parquet path or a Dask dataframe, not {shown(source)}."
    )


def _numbered_frame(frame: Any, schema: pa.Schema | None, partition_info: Any = None) -> Any:
    number = 0 if partition_info is None else partition_info["number"]
    return to_frame(numbered(to_table(frame, schema), number))


def numbered_frame(source: Any) -> tuple[Any, pa.Schema | None]:
    """The source's rows with their order, and its Arrow schema with the order column."""
    frame, schema = source_frame(source)
    template = to_table(frame._meta, schema)
    meta = to_frame(numbered(template, 0))
    result = frame.map_partitions(_numbered_frame, schema, meta=meta, enforce_metadata=False)
    full = None if schema is None else numbered(template, 0).schema
    return result, full


def _repeats_frame(frame: Any, schema: pa.Schema | None) -> Any:
    return to_frame(repeated_rows(to_table(frame, schema)))


def _rate_frame(
    frame: Any, schema: pa.Schema | None, charges: list[UsageCharge], period: Period, tz: Any
) -> tuple[UsageRating, list[LeftOut]]:
    screened = screen_partition(to_table(frame, schema), charges, period, tz=tz)
    return rate_partition(screened.kept, charges, period, tz=tz), screened.left_out


def rate_usage(
    source: Any,
    charges: Iterable[UsageCharge] | UsageCharge,
    period: Period,
    *,
    tz: str | tzinfo = "UTC",
    client: object = None,
) -> UsageRating:
    """Rate usage from Parquet (a path) or a Dask dataframe on Dask: the same
    :class:`~revcycle.usage.UsageRating` as :func:`~revcycle.usage.rate_usage_table` over the
    whole table (files in order, then rows), a repeated id counted once across partitions
    and customers. ``client=None`` uses the current Dask client, or runs in this process."""
    frames()
    arrow()
    given = _charge_list(charges)
    frame, schema = numbered_frame(source)
    _validate(to_table(frame._meta, schema), given, period, tz)
    client = resolve_client(client)
    parts = frame.npartitions
    narrow = frame[["id", ORDER]]
    by_id = narrow.shuffle("id", npartitions=parts, shuffle_method="tasks")
    meta = to_frame(repeated_rows(to_table(narrow._meta, None).slice(0, 0)))
    marks = by_id.map_partitions(_repeats_frame, None, meta=meta, enforce_metadata=False)
    # The marks (one row per later occurrence, usually few) in one partition: the join is
    # then a pandas merge inside each partition of rows, which stay where they are.
    marked = frame.merge(marks.repartition(npartitions=1), how="left", on=ORDER)
    by_customer = marked.shuffle("customer", npartitions=parts, shuffle_method="tasks")
    delayed = dask().delayed
    done = [
        delayed(_rate_frame, pure=True)(part, schema, given, period, tz)
        for part in by_customer.to_delayed()
    ]
    (results,) = compute(client, done)
    return merge_ratings(
        (rating for rating, _ in results), (left for _, left in results), period, tz
    )
