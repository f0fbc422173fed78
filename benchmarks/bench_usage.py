"""Benchmark usage rating against floors doing the same work on the same inputs.

Run: ``.venv/bin/python benchmarks/bench_usage.py [--quick]`` or through the runner
(``python -m benchmarks --only usage``).

1. Object path: N = 10^3 … 10^6 ``UsageEvent`` values (N/100 customers), rated on graduated
   tiers by ``rate_usage``, against a minimal loop over the same events (skip repeated ids
   with a set, sum per customer in a dict, price the tiers by hand). Target: ≤ 1.5×.
2. Columnar path: 10^5 … 10^7 rows in a ``pyarrow.Table`` rated by ``rate_usage_table`` with
   the default search for repeated ids, with every id distinct and with 1 % of the rows
   repeating an earlier id. The floor is pyarrow itself doing the same work: the first row of
   each id kept (Arrow's hash group-by of the ids, the minimum row number), then the
   quantities summed per customer in a type that cannot overflow (``decimal128(38)``) and
   the tiers priced by hand. Target: ≤ 2×.
3. DuckDB (when installed): the exact ``DECIMAL`` query a warehouse user would write instead,
   on the same rows written to Parquet (``DISTINCT ON (id)`` in file order, then ``sum`` per
   customer, the tiers priced by hand), against ``rate_usage_table`` on the table in memory
   (target: at most half of DuckDB's CPU time) and, for information, with the Parquet file
   read inside the timing as DuckDB's scan is.

Every engine and floor result is asserted equal (per customer quantity and amount, and the
number of repeated rows dropped) before anything is timed. Engine and floor run in
interleaved rounds; the figures are CPU-time medians (Arrow and DuckDB count every thread's
time) and the median per-round ratio.
"""

from __future__ import annotations

import argparse
import importlib
import os
import random
import statistics
import tempfile
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from types import ModuleType
from typing import Any, cast

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from _rounds import Row, _cpu, compare, peak_mb, print_rows

from revcycle import Money, Period
from revcycle.pricing import Graduated, Tier
from revcycle.usage import (
    Aggregation,
    Meter,
    UsageCharge,
    UsageEvent,
    UsageRating,
    rate_usage,
    rate_usage_table,
)


PERIOD = Period.of_month(2024, 1)
TIERS = [
    Tier(Decimal("10000"), Money("0.001", "USD")),
    Tier(Decimal("100000"), Money("0.0008", "USD")),
    Tier(None, Money("0.0005", "USD")),
]
CHARGE = UsageCharge(Meter("api_calls", Aggregation.SUM), Graduated(TIERS))
# The same tiers as plain tuples for the hand-written loop: (upper bound, unit price).
PLAIN_TIERS = [(Decimal("10000"), Decimal("0.001")), (Decimal("100000"), Decimal("0.0008"))]
LAST_PRICE = Decimal("0.0005")


def make_events(count: int, customers: int) -> list[UsageEvent]:
    rng = random.Random(6)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    seconds = 31 * 24 * 3600
    quantities = [Decimal(q) for q in range(1, 201)]
    return [
        UsageEvent(
            id=f"evt-{i}",
            customer=f"cust-{rng.randrange(customers):05d}",
            metric="api_calls",
            at=start + timedelta(seconds=rng.randrange(seconds)),
            quantity=rng.choice(quantities),
        )
        for i in range(count)
    ]


def floor_loop(events: list[UsageEvent]) -> dict[str, Decimal]:
    """The minimal correct loop: skip repeated ids, sum per customer, price the tiers."""
    seen: set[str] = set()
    sums: dict[str, Decimal] = {}
    for event in events:
        if event.id in seen:
            continue
        seen.add(event.id)
        sums[event.customer] = sums.get(event.customer, Decimal(0)) + event.quantity
    return price_tiers(sums)


def price_tiers(sums: dict[str, Decimal]) -> dict[str, Decimal]:
    """Each customer's quantity priced on the graduated tiers by hand, rounded half-up."""
    prices = {}
    for customer, quantity in sums.items():
        amount, lower = Decimal(0), Decimal(0)
        for upper, unit in PLAIN_TIERS:
            if quantity <= upper:
                amount += (quantity - lower) * unit
                break
            amount += (upper - lower) * unit
            lower = upper
        else:
            amount += (quantity - lower) * LAST_PRICE
        prices[customer] = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return prices


def make_table(rows: int, customers: int) -> pa.Table:
    rng = np.random.default_rng(6)
    start = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp() * 1_000_000)
    month = 31 * 24 * 3600 * 1_000_000
    customer_ids = rng.integers(0, customers, rows)
    names = pa.array([f"cust-{i:05d}" for i in range(customers)], pa.string())
    return pa.table(
        {
            "id": pa.array(np.arange(rows)).cast(pa.string()),
            "customer": names.take(pa.array(customer_ids, pa.int64())),
            "metric": pa.array(np.zeros(rows, dtype=np.int8)).cast(pa.string()),
            "at": pa.array(start + rng.integers(0, month, rows), pa.timestamp("us", tz="UTC")),
            "quantity": pa.array(rng.integers(1, 201, rows)).cast(pa.decimal128(19, 0)),
        }
    )


def with_repeated_ids(table: pa.Table, share: int) -> pa.Table:
    """``table`` where one row in ``share`` repeats the id of the row before it."""
    rows = table.num_rows
    rng = np.random.default_rng(1)
    repeats = np.sort(rng.choice(np.arange(1, rows), rows // share, replace=False))
    ids = np.arange(rows)
    ids[repeats] = repeats - 1
    return table.set_column(0, "id", pa.array(ids).cast(pa.string()))


def amounts(rating: UsageRating) -> dict[str, Decimal]:
    return {line.customer: line.amount.amount for line in rating.lines}


def object_row(count: int, rounds: int) -> Row:
    events = make_events(count, max(10, count // 100))
    assert amounts(rate_usage(events, [CHARGE], PERIOD)) == floor_loop(events)
    result = compare(
        lambda: rate_usage(events, [CHARGE], PERIOD), lambda: floor_loop(events), rounds
    )
    peak = peak_mb(lambda: rate_usage(events, [CHARGE], PERIOD))
    return Row("usage", "rate_usage (objects)", count, *result, peak, 1.5)


TABLE_CHARGE = UsageCharge(Meter("0", Aggregation.SUM), Graduated(TIERS))


def arrow_floor(table: pa.Table) -> tuple[dict[str, Decimal], int]:
    """pyarrow doing the same work: the first row of each id (hash group-by of the ids, the
    least row number), the quantities summed per customer in decimal128(38) (no overflow for
    any 64-bit quantity), the tiers priced by hand; and how many rows were dropped."""
    numbered = pa.Table.from_arrays(
        [table.column("id"), pa.array(np.arange(table.num_rows))], names=["id", "row"]
    )
    firsts = numbered.group_by("id").aggregate([("row", "min")]).column("row_min")
    keep = np.zeros(table.num_rows, dtype=bool)
    keep[firsts.to_numpy()] = True
    kept = table.select(["customer", "quantity"]).filter(pa.array(keep))
    wide = kept.column("quantity").cast(pa.decimal128(38, 0))
    sums = (
        kept.set_column(1, "quantity", wide).group_by("customer").aggregate([("quantity", "sum")])
    )
    totals = dict(
        zip(
            cast("list[str]", sums.column("customer").to_pylist()),
            cast("list[Decimal]", sums.column("quantity_sum").to_pylist()),
            strict=True,
        )
    )
    return price_tiers(totals), table.num_rows - len(firsts)


def rate_table(table: pa.Table) -> UsageRating:
    return rate_usage_table(table, [TABLE_CHARGE], PERIOD)


def arrow_rows(count: int, rounds: int, repeats: bool) -> Row:
    table = make_table(count, max(10, min(10_000, count // 100)))
    if repeats:
        table = with_repeated_ids(table, share=100)
    rating = rate_table(table)
    expected, dropped = arrow_floor(table)
    assert (amounts(rating), len(rating.duplicates)) == (expected, dropped)
    result = compare(lambda: rate_table(table), lambda: arrow_floor(table), rounds)
    peak = peak_mb(lambda: rate_table(table))
    case = "rate_usage_table, 1 % repeated ids" if repeats else "rate_usage_table, distinct ids"
    return Row("usage", case, count, *result, peak, 2.0)


DUCKDB_QUERY = """
SELECT customer, sum(quantity) AS quantity FROM (
    SELECT DISTINCT ON (id) customer, quantity
    FROM read_parquet(?, file_row_number = true)
    ORDER BY id, file_row_number
) GROUP BY customer
"""


def duckdb_rows(count: int, rounds: int) -> list[Row]:
    """``rate_usage_table`` on ``count`` rows (1 % repeated ids) against DuckDB's exact query
    on the same rows written to Parquet: the table in memory (the figure the issue compares,
    as DuckDB's scan is part of its query) and, for information, with ``pq.read_table`` of
    the same file inside the timing. The three run interleaved in each round."""
    try:
        # duckdb ships no type stubs: imported as a plain module (its calls are untyped).
        duckdb: ModuleType = importlib.import_module("duckdb")
    except ImportError:
        print("usage: duckdb not installed, the DuckDB comparison is skipped", flush=True)
        return []
    table = with_repeated_ids(make_table(count, max(10, min(10_000, count // 100))), share=100)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "usage.parquet")
        pq.write_table(table, path)
        connection = duckdb.connect()
        connection.execute("SET enable_progress_bar = false")
        read = pq.read_table(path)

        def query() -> dict[str, Decimal]:
            found: Any = connection.execute(DUCKDB_QUERY, [path]).fetchall()
            return price_tiers(dict(found))

        def from_file() -> UsageRating:
            return rate_table(pq.read_table(path))

        assert amounts(rate_table(read)) == amounts(from_file()) == query()
        assert query() == arrow_floor(table)[0]
        times: list[list[float]] = [[], [], []]
        works = (lambda: rate_table(read), from_file, query)
        for round_ in range(rounds):
            order = range(3) if round_ % 2 == 0 else range(2, -1, -1)
            for k in order:
                times[k].append(_cpu(works[k]))
        peaks = (peak_mb(lambda: rate_table(read)), peak_mb(from_file))
    duck = statistics.median(times[2])
    found = []
    for k, case in enumerate(
        ("… table in memory, against DuckDB", "… read from Parquet, against DuckDB")
    ):
        ratio = statistics.median(e / d for e, d in zip(times[k], times[2], strict=True))
        target = 0.5 if k == 0 else None
        found.append(
            Row("usage", case, count, statistics.median(times[k]), duck, ratio, peaks[k], target)
        )
    return found


def rows(quick: bool) -> list[Row]:
    """The object path at 10^3 … 10^6 events, the columnar path at 10^5 … 10^7 rows, DuckDB
    at 10^7 (``quick``: 10^3, 10^4 events and 10^4, 10^5 rows)."""
    events = (1_000, 10_000) if quick else (1_000, 10_000, 100_000, 1_000_000)
    tables = (10_000, 100_000) if quick else (100_000, 1_000_000, 10_000_000)
    found = [object_row(n, 7 if n < 1_000_000 else 5) for n in events]
    for n in tables:
        rounds = 7 if n < 10_000_000 else 5
        found += [arrow_rows(n, rounds, False), arrow_rows(n, rounds, True)]
    return found + duckdb_rows(tables[-1], 7 if quick else 5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    print_rows(rows(parser.parse_args().quick))


if __name__ == "__main__":
    main()
