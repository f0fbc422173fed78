"""revcycle.distributed on a real local Dask cluster (two worker processes): the bill run and
the usage rating equal the single-process engines exactly, line by line, with ids repeated
across partitions and customers (DESIGN §5 "Scale-out")."""

from __future__ import annotations

import itertools
import sys
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing_support import amended, contract_of, plans
from helpers import usd
from revcycle import errors
from revcycle.billing import BillRun, Invoice, bill
from revcycle.contracts import ChangeQuantity, Contract
from revcycle.dates import Period
from revcycle.pricing import Graduated, Tier
from revcycle.usage import Aggregation, Meter, UsageCharge, UsageEvent, rate_usage_table


dask = pytest.importorskip("dask")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
db = pytest.importorskip("dask.bag")
dd = pytest.importorskip("dask.dataframe")
dist = pytest.importorskip("distributed")

from revcycle import distributed  # noqa: E402 - after the skips


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """One cluster for the module: two worker processes, one thread each."""
    with warnings.catch_warnings():
        # Dask's own start-up notices on a shared machine (the dashboard port is taken by
        # another cluster; the workers' memory limit is a share of a small machine).
        warnings.filterwarnings("ignore", message="Port .* is already in use", category=UserWarning)
        cluster = dist.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0"
        )
        with dist.Client(cluster) as connected:
            yield connected
        cluster.close()


def _together(*calls: Callable[[], Any]) -> list[Any]:
    """The calls' results, the calls made at once from threads: the cluster works on their
    graphs together instead of waiting for one round trip after another."""
    with ThreadPoolExecutor(len(calls)) as pool:
        return [future.result() for future in [pool.submit(call) for call in calls]]


# --------------------------------------------------------------------------------------------
# A book: accounts with one or two contracts, seats and metered API calls, a decrease


TIERS = Graduated([Tier(Decimal(100), usd("0.10")), Tier(None, usd("0.05"))])
CATALOG = plans(usage={"API": TIERS}, SEAT="30.00", BASE="100.00")
METERS = {"API": Meter("api", Aggregation.SUM)}


def _contract(number: int, account: str) -> Contract:
    start = date(2025, 1 + number % 3, 1 + number % 20)
    return contract_of(
        CATALOG,
        {"SEAT": 1 + number % 5, "API": 0, "BASE": 1},
        id=f"C-{number:03d}",
        start=start,
        end=date(2025, 12, 31),
        account=account,
        meters=METERS,
    )


def _book() -> list[Contract]:
    # Contract ids interleave accounts (C-000 and C-003 are A0's), so the run's order of
    # contracts crosses partitions; C-001 is amended down (a credit over a span billed).
    contracts = [_contract(n, f"A{n % 3}") for n in range(9)]
    contracts[1] = amended(
        contracts[1], CATALOG, date(2025, 3, 20), ChangeQuantity("SEAT", quantity=1)
    )
    return contracts


def _event(number: int, customer: str, month: int, quantity: int, tag: str = "") -> UsageEvent:
    return UsageEvent(
        id=f"e{number}{tag}",
        customer=customer,
        metric="api",
        at=datetime(2025, month, 1 + number % 27, 6, tzinfo=UTC),
        quantity=quantity,
    )


def _events() -> list[UsageEvent]:
    events = [_event(n, f"A{n % 3}", 1 + n % 4, 10 + n) for n in range(60)]
    # The same id again: for the same customer (counted once) and for another customer (the
    # first occurrence wins whatever its customer).
    events += [_event(5, "A2", 2, 999), _event(7, "A1", 1, 7), _event(61, "A0", 3, 1, "x")]
    events.insert(3, _event(61, "A1", 3, 50, "x"))
    return events


def _runs(contracts: list[Contract], events: list[UsageEvent]) -> tuple[BillRun, BillRun]:
    """A first run through March, then a second through June with the first issued and
    events for months already billed (late usage)."""
    first = bill(contracts, through=date(2025, 3, 15), usage=events[:30])
    second = bill(contracts, through=date(2025, 6, 1), issued=first.invoices, usage=events)
    return first, second


@pytest.fixture(scope="module")
def runs() -> tuple[BillRun, BillRun]:
    """The single-process runs of the book, computed once for the module."""
    return _runs(_book(), _events())


def test_bill_run_equals_the_single_process_run(client: Any, runs: tuple[BillRun, BillRun]) -> None:
    contracts, events = _book(), _events()
    first, second = runs
    assert second.late_usage  # the book exercises late usage and credits
    assert any(line.kind.value == "credit" for line in second.lines)
    bag = db.from_sequence(contracts, npartitions=3)
    got_first, got = _together(
        lambda: distributed.bill(bag, through=date(2025, 3, 15), usage=events[:30]),
        lambda: distributed.bill(
            bag,
            through=date(2025, 6, 1),
            issued=db.from_sequence(first.invoices, npartitions=2),
            usage=db.from_sequence(events, npartitions=4),
            client=client,
        ),
    )
    assert got_first == first
    assert got.lines == second.lines  # line by line
    assert got.invoices == second.invoices
    assert got.late_usage == second.late_usage
    assert got.credit_balances == second.credit_balances
    assert got == second
    assert got.to_arrow().equals(second.to_arrow())


def test_bill_run_reads_usage_from_parquet(client: Any, tmp_path: Path) -> None:
    contracts, events = _book(), _events()
    path = _write_events(events, tmp_path, files=3)
    # The events as the files hold them: quantities at the column's scale (10.00 units).
    read = [e.with_quantity(e.quantity.quantize(Decimal("0.01"))) for e in events]
    expected = bill(contracts, through=date(2025, 6, 1), usage=read)
    assert expected != bill(contracts, through=date(2025, 6, 1), usage=events)  # "170.00 units"
    assert distributed.bill(contracts, through=date(2025, 6, 1), usage=str(path)) == expected


def test_bill_refuses_like_the_single_process_run(client: Any) -> None:
    contracts = _book()
    # The same contract id in two accounts lands in two partitions: still refused.
    twin = _contract(0, "A1")
    with pytest.raises(errors.ValidationError, match="got contract 'C-000' twice"):
        distributed.bill([*contracts, twin], through=date(2025, 3, 1))
    with pytest.raises(errors.RevcycleTypeError, match="must hold Contract values"):
        distributed.bill(["C-1"], through=date(2025, 3, 1))
    assert distributed.bill([], through=date(2025, 3, 1)) == bill([], through=date(2025, 3, 1))


# --------------------------------------------------------------------------------------------
# Usage from Parquet


PERIOD = Period(date(2025, 2, 1), date(2025, 3, 1))
CHARGES = [
    UsageCharge(Meter("api", Aggregation.SUM), TIERS),
    UsageCharge(Meter("seats", Aggregation.LATEST), Graduated([Tier(None, usd("2"))])),
]


def _write_events(events: list[UsageEvent], folder: Path, files: int) -> Path:
    """``events`` in ``files`` Parquet files, in order (part-0 holds the first ones)."""
    folder.mkdir(exist_ok=True)
    size = -(-len(events) // files)
    for number in range(files):
        chunk = events[number * size : (number + 1) * size]
        table = pa.table(
            {
                "id": [e.id for e in chunk],
                "customer": [e.customer for e in chunk],
                "metric": [e.metric for e in chunk],
                "at": pa.array([e.at for e in chunk], pa.timestamp("us", tz="UTC")),
                "quantity": pa.array([e.quantity for e in chunk], pa.decimal128(18, 2)),
                "region": pa.array([e.properties.get("region") for e in chunk], pa.string()),
            }
        )
        pq.write_table(table, folder / f"part-{number}.parquet")
    return folder


def _usage() -> list[UsageEvent]:
    events = []
    for n in range(120):
        metric = "seats" if n % 5 == 0 else ("api" if n % 7 else "storage")
        day = datetime(2025, 1 + n % 3, 1 + n % 28, n % 24, tzinfo=UTC)
        events.append(
            UsageEvent(
                id=f"u{n % 100}",  # u0..u19 repeat across files, customers and metrics
                customer=f"K{n % 7}",
                metric=metric,
                at=day,
                quantity=Decimal(n) / 4 if metric != "seats" else Decimal(n % 9),
                properties={"region": "eu"} if n % 2 else {},
            )
        )
    return events


def _whole(path: Path) -> Any:
    return pa.concat_tables([pq.read_table(f) for f in sorted(path.glob("part-*.parquet"))])


@pytest.fixture(scope="module")
def expected_rating(tmp_path_factory: Any) -> Any:
    """``rate_usage_table`` over the whole sample (however it is cut into files)."""
    folder = tmp_path_factory.mktemp("whole")
    return rate_usage_table(_whole(_write_events(_usage(), folder, files=1)), CHARGES, PERIOD)


def test_usage_rating_equals_rate_usage_table(
    client: Any, tmp_path: Path, expected_rating: Any
) -> None:
    path = _write_events(_usage(), tmp_path, files=4)
    expected = rate_usage_table(_whole(path), CHARGES, PERIOD)
    assert expected == expected_rating  # the same rows in one file or four
    for field in ("duplicates", "conflicts", "late", "future", "unmetered"):
        assert getattr(expected, field), field  # the sample exercises every reported kind
    # A Dask dataframe works the same, and so does a run without a client (in process).
    frame = dd.read_parquet(str(path), dtype_backend="pyarrow")
    got = distributed.rate_usage(str(path), CHARGES, PERIOD, client=client)
    got_paris = distributed.rate_usage(frame, CHARGES, PERIOD, tz="Europe/Paris")
    assert got.lines == expected.lines  # line by line, breakdowns included
    assert got.duplicates == expected.duplicates
    assert got.conflicts == expected.conflicts
    assert (got.late, got.future, got.unmetered) == (
        expected.late,
        expected.future,
        expected.unmetered,
    )
    assert got == expected
    assert got_paris == rate_usage_table(_whole(path), CHARGES, PERIOD, tz="Europe/Paris")


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    contract_parts=st.integers(1, 4),
    event_parts=st.integers(1, 3),
    cuts=st.lists(st.integers(0, 63), max_size=3),
)
def test_random_partitionings_bill_and_rate_alike(
    client: Any,
    tmp_path_factory: Any,
    runs: tuple[BillRun, BillRun],
    expected_rating: Any,
    contract_parts: int,
    event_parts: int,
    cuts: list[int],
) -> None:
    contracts, events = _book(), _events()
    first, second = runs
    # The same usage cut into files at random places: the rating does not move.
    usage = _usage()
    folder = tmp_path_factory.mktemp("usage")
    edges = sorted({0, *cuts, len(usage)})
    for number, (lo, hi) in enumerate(itertools.pairwise(edges)):
        _write_events(usage[lo:hi], folder / f"f{number}", files=1)
    paths = sorted(str(p) for p in folder.glob("f*/part-0.parquet"))
    frame = dd.read_parquet(paths, dtype_backend="pyarrow")
    got = distributed.bill(
        db.from_sequence(contracts, npartitions=contract_parts),
        through=date(2025, 6, 1),
        issued=first.invoices,
        usage=db.from_sequence(events, npartitions=event_parts),
    )
    assert got == second
    assert distributed.rate_usage(frame, CHARGES, PERIOD) == expected_rating


def test_partition_functions_are_the_engines(tmp_path: Path) -> None:
    contracts = _book()
    run = distributed.bill_partition(contracts, through=date(2025, 3, 1))
    assert run == bill(contracts, through=date(2025, 3, 1))
    assert isinstance(run.invoices[0], Invoice)


def test_without_the_extra_the_error_names_the_install(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m == "dask" or m.startswith("dask.")]:
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(errors.MissingExtraError, match=r"pip install 'revcycle\[dask\]'"):
        distributed.bill([], through=date(2025, 3, 1))
    with pytest.raises(errors.MissingExtraError, match=r"pip install 'revcycle\[dask\]'"):
        distributed.rate_usage("events.parquet", CHARGES, PERIOD)


def test_importing_revcycle_imports_no_dask() -> None:
    import subprocess

    code = (
        "import sys, revcycle, revcycle.billing, revcycle.usage; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
