"""One process against a local two-worker Dask cluster, for revcycle.distributed.

Run: ``.venv/bin/python benchmarks/bench_distributed.py`` (``--quick`` for small sizes;
``--events N`` and ``--contracts N`` for others). The events and the book are built once and
kept in ``$TMPDIR/revcycle-bench`` (Parquet files, a pickle), so a second run times only the
work.

1. Usage: 10,000,000 events (1 % repeating an earlier id, across files and customers) in 8
   Parquet files; ``rate_usage_table`` on the whole table in one worker process against
   ``distributed.rate_usage`` on two worker processes.
2. Bill run: 100,000 contracts (two of them per account), billed monthly for 12 periods;
   ``billing.bill`` in one worker process against ``distributed.bill`` on two.

Both sides run in worker processes of a ``LocalCluster`` (one worker, then two; one thread
each), so that peak memory is each worker's own resident set (``ru_maxrss``); the workers
import Dask's dataframe, pyarrow and revcycle before the clock starts. Results are
asserted equal before anything is printed. Times are wall-clock seconds (a cluster's work is
spread over processes); on two shared cores expect little speed-up: the figures that matter
are that the results are equal and that memory per worker falls.
"""

from __future__ import annotations

import argparse
import pickle
import resource
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from _rounds import Row
from distributed import Client, LocalCluster

from revcycle import Money, Period, distributed
from revcycle.billing import bill
from revcycle.catalog import Catalog, ChargeKind, PriceBook, Product
from revcycle.contracts import Contract
from revcycle.dates import Duration
from revcycle.pricing import Graduated, PerUnit, Tier
from revcycle.quotes import Quote, QuoteLine, price_quote
from revcycle.usage import Aggregation, Meter, UsageCharge, rate_usage_table


PERIOD = Period.of_month(2024, 1)
CHARGE = UsageCharge(
    Meter("api_calls", Aggregation.SUM),
    Graduated([Tier(Decimal(10_000), Money("0.001", "USD")), Tier(None, Money("0.0005", "USD"))]),
)


CACHE = Path(tempfile.gettempdir()) / "revcycle-bench"


def _warm() -> None:
    import dask.dataframe  # noqa: F401
    import pyarrow.dataset  # noqa: F401

    import revcycle.distributed  # noqa: F401


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cluster(workers: int) -> tuple[LocalCluster, Client]:
    cluster = LocalCluster(
        n_workers=workers, processes=True, threads_per_worker=1, dashboard_address=":0"
    )
    return cluster, Client(cluster)


def _measure(workers: int, work: Callable[[Client], Any]) -> tuple[Any, float, float]:
    """``work`` on a fresh cluster of ``workers``: its result, wall seconds and the largest
    worker's peak resident memory in MB."""
    cluster, client = _cluster(workers)
    try:
        client.run(_warm)
        start = time.perf_counter()
        result = work(client)
        seconds = time.perf_counter() - start
        peak = max(client.run(_peak_mb).values())
    finally:
        client.close()
        cluster.close()
    return result, seconds, peak


# Arrow's kernel joins a scalar prefix to each string of an array; pyarrow's stubs type only
# all-scalar or all-array arguments, so the mixed call is typed here as what it returns.
_join = cast("Callable[..., pa.Array[Any]]", pc.binary_join_element_wise)


def write_events(folder: Path, count: int, files: int = 8) -> Path:
    """``count`` events for ``count // 1000`` customers in ``files`` Parquet files, 1 % of
    them repeating an earlier id (built with numpy and Arrow: 10^7 rows in seconds)."""
    rng = np.random.default_rng(7)
    customers = max(1, count // 1000)
    start = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp()) * 1_000_000
    size = -(-count // files)
    for number in range(files):
        rows = np.arange(number * size, min(count, (number + 1) * size), dtype=np.int64)
        earlier = (rng.random(len(rows)) * np.maximum(rows, 1)).astype(np.int64)
        picked = np.where(rng.random(len(rows)) < 0.01, earlier, rows)
        table = pa.table(
            {
                "id": _join("e", pa.array(picked).cast(pa.string()), ""),
                "customer": _join("cust", pa.array(rows % customers).cast(pa.string()), ""),
                "metric": pa.array(["api_calls"] * len(rows)),
                "at": pa.array(
                    start + (rows * 7) % (31 * 86400) * 1_000_000, pa.timestamp("us", tz="UTC")
                ),
                "quantity": pa.array(rows % 50, pa.int64()),
            }
        )
        pq.write_table(table, folder / f"part-{number}.parquet")
    return folder


def _events_folder(count: int) -> Path:
    folder = CACHE / f"events-{count}"
    if not (folder / "part-7.parquet").exists():
        folder.mkdir(parents=True, exist_ok=True)
        write_events(folder, count)
    return folder


def _rate_here(path: str) -> Any:
    whole = pa.concat_tables([pq.read_table(p) for p in sorted(Path(path).glob("*.parquet"))])
    return rate_usage_table(whole, [CHARGE], PERIOD)


def usage_rows(count: int) -> list[Row]:
    path = str(_events_folder(count))
    single, one_seconds, one_peak = _measure(
        1, lambda client: client.submit(_rate_here, path).result()
    )
    spread, two_seconds, two_peak = _measure(
        2, lambda client: distributed.rate_usage(path, [CHARGE], PERIOD, client=client)
    )
    assert spread == single, "distributed.rate_usage differs from rate_usage_table"
    print(
        f"usage {count:>10,} events: 1 process {one_seconds:7.2f} s, {one_peak:7.0f} MB; "
        f"2 workers {two_seconds:7.2f} s, {two_peak:7.0f} MB per worker; speed-up "
        f"{one_seconds / two_seconds:4.2f}×, {len(single.lines)} lines, "
        f"{len(single.duplicates)} duplicates"
    )
    return [
        Row(
            "distributed",
            "usage, 2 workers vs 1 (wall s)",
            count,
            two_seconds,
            one_seconds,
            two_seconds / one_seconds,
            two_peak,
        ),
    ]


def book(count: int) -> list[Contract]:
    """``count`` one-year contracts of two plans, two per account, billed monthly (built
    once, then read back from a pickle)."""
    cached = CACHE / f"book-{count}.pickle"
    if cached.exists():
        with cached.open("rb") as file:
            loaded: list[Contract] = pickle.load(file)
        return loaded
    contracts = _build_book(count)
    CACHE.mkdir(parents=True, exist_ok=True)
    with cached.open("wb") as file:
        pickle.dump(contracts, file)
    return contracts


def _build_book(count: int) -> list[Contract]:
    catalog = Catalog(
        [Product("SEAT", "Seat", ChargeKind.RECURRING, Duration(months=1))],
        [PriceBook("Book", "USD", prices={"SEAT": PerUnit(Money("30.00", "USD"))})],
    )
    contracts = []
    for number in range(count):
        quote = Quote(
            f"acct{number // 2}",
            "USD",
            "Book",
            date(2024, 1 + number % 12, 1 + number % 28),
            [QuoteLine("SEAT", 1 + number % 9)],
            term=Duration(months=12),
            payment_terms="Net 30",
        )
        contracts.append(Contract.from_quote(price_quote(quote, catalog), id=f"C{number:07d}"))
    return contracts


def _bill_here(contracts: list[Contract]) -> Any:
    return bill(contracts, through=date(2025, 12, 31))


def bill_rows(count: int) -> list[Row]:
    contracts = book(count)
    single, one_seconds, one_peak = _measure(
        1, lambda client: client.submit(_bill_here, contracts).result()
    )
    spread, two_seconds, two_peak = _measure(
        2, lambda client: distributed.bill(contracts, through=date(2025, 12, 31), client=client)
    )
    assert spread == single, "distributed.bill differs from billing.bill"
    print(
        f"bill  {count:>10,} contracts: 1 process {one_seconds:7.2f} s, {one_peak:7.0f} MB; "
        f"2 workers {two_seconds:7.2f} s, {two_peak:7.0f} MB per worker; speed-up "
        f"{one_seconds / two_seconds:4.2f}×, {len(single.lines):,} lines"
    )
    return [
        Row(
            "distributed",
            "bill run, 2 workers vs 1 (wall s)",
            count,
            two_seconds,
            one_seconds,
            two_seconds / one_seconds,
            two_peak,
        ),
    ]


def rows(quick: bool, events: int | None = None, contracts: int | None = None) -> list[Row]:
    """The runner's rows: 10^7 events and 10^5 contracts (10^5 and 10^3 when ``quick``); a
    size of 0 leaves that part out."""
    events = (100_000 if quick else 10_000_000) if events is None else events
    contracts = (1_000 if quick else 100_000) if contracts is None else contracts
    return (usage_rows(events) if events else []) + (bill_rows(contracts) if contracts else [])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes")
    parser.add_argument("--events", type=int, help="events to rate (0: none)")
    parser.add_argument("--contracts", type=int, help="contracts to bill (0: none)")
    arguments = parser.parse_args()
    for row in rows(arguments.quick, arguments.events, arguments.contracts):
        print(row)
