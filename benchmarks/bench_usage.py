"""Benchmark usage rating against the floor of a minimal hand-written loop.

Run: ``.venv/bin/python benchmarks/bench_usage.py`` (``--scale 0.1`` for a quick look).

1. Object path: 1,000,000 ``UsageEvent`` values for 10,000 customers, rated on graduated
   tiers by ``rate_usage``, against a minimal loop over the same events (skip repeated ids
   with a set, sum per customer in a dict, price the tiers by hand). Target: within 2× of
   the loop.
2. Columnar path: 10,000,000 rows in a ``pyarrow.Table``, rated by ``rate_usage_table``,
   against a bare ``table.group_by("customer").aggregate([("quantity", "sum")])``.
   Target: within 2× of the bare group-by. Timed with the search for repeated ids (the
   default: every id read into a 64-bit key, the keys sorted), with
   ``assume_unique_ids=True``, and (for information, no target) on the same table with 1% of
   the rows repeating an earlier id. Two reference points explain the default's ratio: Arrow's
   own string hashing of the ids (``pc.unique``), and numpy's sort of 10,000,000 64-bit
   integers, which any search for repeats that does not trust the ids has to match.

Each timing is the median of several runs; building the inputs is not timed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from revcycle import Money, Period
from revcycle.pricing import Graduated, Tier
from revcycle.usage import Aggregation, Meter, UsageCharge, UsageEvent, rate_usage, rate_usage_table


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


def median_seconds(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall-clock and median CPU seconds (CPU is steadier on a busy machine; for
    Arrow it adds up every thread's time)."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def report(
    label: str, seconds: tuple[float, float], floor: tuple[float, float], target: bool = True
) -> None:
    ratios = [ours / base for ours, base in zip(seconds, floor, strict=True)]
    verdict = (", met" if ratios[0] <= 2 else ", MISSED") if target else ""
    print(
        f"  {label:<46} wall {seconds[0]:.3f} s ({ratios[0]:.2f}×{verdict})"
        f"   cpu {seconds[1]:.3f} s ({ratios[1]:.2f}×)"
    )


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full sizes")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    events_n = int(1_000_000 * args.scale)
    rows_n = int(10_000_000 * args.scale)
    customers = max(1, int(10_000 * args.scale))

    print(f"Object path: {events_n:,} events, {customers:,} customers, graduated tiers")
    events = make_events(events_n, customers)
    expected = floor_loop(events)
    rating = rate_usage(events, [CHARGE], PERIOD)
    got = {line.customer: line.amount.amount for line in rating.lines}
    assert got == expected, "rate_usage and the floor loop disagree"
    floor = median_seconds(lambda: floor_loop(events), args.runs)
    ours = median_seconds(lambda: rate_usage(events, [CHARGE], PERIOD), args.runs)
    print(f"  floor loop (dedup, dict sum, tiers):  wall {floor[0]:.3f} s   cpu {floor[1]:.3f} s")
    report("rate_usage (target ≤ 2× the floor)", ours, floor)

    print(f"\nColumnar path: {rows_n:,} rows, {customers:,} customers")
    table = make_table(rows_n, customers)
    charge = UsageCharge(Meter("0", Aggregation.SUM), Graduated(TIERS))
    bare = median_seconds(
        lambda: table.group_by("customer").aggregate([("quantity", "sum")]), args.runs
    )
    columnar = median_seconds(lambda: rate_usage_table(table, [charge], PERIOD), args.runs)
    trusted = median_seconds(
        lambda: rate_usage_table(table, [charge], PERIOD, assume_unique_ids=True), args.runs
    )
    repeated = with_repeated_ids(table, share=100)
    with_repeats = median_seconds(
        lambda: rate_usage_table(repeated, [charge], PERIOD), min(args.runs, 3)
    )
    keys = np.random.default_rng(7).integers(0, 2**63, rows_n, dtype=np.uint64)
    sort = median_seconds(lambda: np.sort(keys), args.runs)
    hashing = median_seconds(lambda: pc.unique(table.column("id")), min(args.runs, 3))
    print(f"  bare pyarrow group_by sum:            wall {bare[0]:.3f} s   cpu {bare[1]:.3f} s")
    report("rate_usage_table (repeated ids searched)", columnar, bare)
    report("rate_usage_table(assume_unique_ids=True)", trusted, bare)
    report("rate_usage_table, 1% repeated ids (no target)", with_repeats, bare, target=False)
    print("  reference points for the search of repeated ids (no target):")
    report(f"  numpy sort of {rows_n:,} 64-bit keys", sort, bare, target=False)
    report("  pyarrow unique() of the id strings", hashing, bare, target=False)


def with_repeated_ids(table: pa.Table, share: int) -> pa.Table:
    """``table`` where one row in ``share`` repeats the id of the row before it."""
    rows = table.num_rows
    rng = np.random.default_rng(1)
    repeats = np.sort(rng.choice(np.arange(1, rows), rows // share, replace=False))
    ids = np.arange(rows)
    ids[repeats] = repeats - 1
    return table.set_column(0, "id", pa.array(ids).cast(pa.string()))


if __name__ == "__main__":
    main()
