"""Benchmark: every pipeline metric over 100,000 opportunities with 10 stage changes each.

Run: ``.venv/bin/python benchmarks/bench_pipeline.py [N] [RUNS]``, or through the runner
(``python -m benchmarks --only pipeline``), which prints :func:`rows`. Target (issue 4): every
metric of the pipeline report computed in under 2 s in total. Generating the data set is not
timed; each timed run builds a fresh :class:`~revcycle.pipeline.Pipeline` so the single-pass
summary is computed inside the timed region. Runs are timed with the generated data set
frozen out of the garbage collector's reach (``gc.freeze()``) and again without, and both
medians are printed.
"""

from __future__ import annotations

import gc
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import partial

from _rounds import Row, peak_mb

from revcycle.dates import Period
from revcycle.money import Money
from revcycle.opportunity import (
    ChangeKind,
    Opportunity,
    StageChange,
    StageModel,
)
from revcycle.pipeline import Pipeline


TARGET_SECONDS = 2.0


def generate(n: int, changes: int = 10, seed: int = 4) -> list[Opportunity]:
    """``n`` opportunities, each with ``changes`` history rows after creation.

    History rows are built directly (valid by construction) rather than through ``move_to``,
    which would re-validate the whole history on every step; the Opportunity constructor still
    validates each finished opportunity.
    """
    rng = random.Random(seed)
    model = StageModel.default()
    open_stages = model.open_stages
    won, lost = model.won_stage, model.lost_stage
    start = datetime(2024, 1, 1, tzinfo=UTC)
    result = []
    for k in range(n):
        created = start + timedelta(minutes=rng.randrange(0, 500_000))
        amount = Money(rng.randrange(1_000, 500_000), "USD")
        close_date = (created + timedelta(days=rng.randrange(30, 200))).date()
        at = created
        index = 0
        stage = open_stages[0]
        rows = [
            StageChange(
                at=at,
                kind=ChangeKind.CREATED,
                stage=stage.name,
                amount=amount,
                probability=stage.probability,
                forecast_category=stage.forecast_category,
                close_date=close_date,
            )
        ]
        fate = rng.random()
        for step in range(changes):
            at = at + timedelta(hours=rng.randrange(1, 400))
            last = step == changes - 1
            if last and fate < 0.3:
                target, kind = won, ChangeKind.WON
            elif last and fate < 0.6:
                target, kind = lost, ChangeKind.LOST
            else:
                index = min(index + rng.choice((0, 1, 1)), len(open_stages) - 1)
                target, kind = open_stages[index], ChangeKind.MOVED
                if target.name == stage.name and index > 0:
                    index -= 1
                    target = open_stages[index]
            rows.append(
                StageChange(
                    at=at,
                    kind=kind,
                    stage=target.name,
                    amount=amount,
                    probability=target.probability,
                    forecast_category=target.forecast_category,
                    close_date=close_date,
                    from_stage=stage.name,
                )
            )
            stage = target
        result.append(
            Opportunity(
                id=f"OPP-{k:06d}",
                account=f"ACC-{k % 20_000:05d}",
                name=f"Deal {k}",
                amount=amount,
                close_date=close_date,
                owner=f"rep{k % 50}",
                created_at=created,
                stage=stage.name,
                probability=stage.probability,
                forecast_category=stage.forecast_category,
                history=tuple(rows),
                lost_reason="price" if stage.name == lost.name else None,
            )
        )
    return result


def every_metric(opportunities: list[Opportunity]) -> None:
    """Build a fresh pipeline and compute its report: every metric of issue 4 at once."""
    Pipeline(opportunities).report(date(2025, 6, 30), period=PERIOD)


PERIOD = Period(date(2024, 1, 1), date(2025, 1, 1))


def per_metric(opportunities: list[Opportunity]) -> None:
    """Time each metric on its own after the shared summary is built (for finding hot spots)."""
    as_of = date(2025, 6, 30)
    begin = time.perf_counter()
    pipeline = Pipeline(opportunities)
    pipeline.weighted_total()
    print(f"  construction + summary + weighted_total: {time.perf_counter() - begin:.3f} s")
    metrics: dict[str, Callable[[], object]] = {
        "by_stage": pipeline.by_stage,
        "by_forecast_category": pipeline.by_forecast_category,
        "forecast": lambda: pipeline.forecast(PERIOD),
        "win_rate": lambda: pipeline.win_rate(PERIOD),
        "stage_durations": lambda: pipeline.stage_durations(as_of),
        "conversion_rates": pipeline.conversion_rates,
        "velocity": pipeline.velocity,
        "older_than(90)": lambda: pipeline.older_than(90, as_of),
        "stalled(30)": lambda: pipeline.stalled(30, as_of),
    }
    for name, fn in metrics.items():
        begin = time.perf_counter()
        fn()
        print(f"  {name}: {time.perf_counter() - begin:.3f} s")


def timed_runs(data: list[Opportunity], runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each run (CPU time is what this process itself used,
    so it stays meaningful when other processes share the machine)."""
    wall, cpu = [], []
    for _ in range(runs):
        begin, begin_cpu = time.perf_counter(), time.process_time()
        every_metric(data)
        wall.append(time.perf_counter() - begin)
        cpu.append(time.process_time() - begin_cpu)
    return wall, cpu


def show(label: str, times: tuple[list[float], list[float]]) -> float:
    wall, cpu = times
    median = statistics.median(wall)
    print(
        f"{label}: median of {len(wall)} runs {median:.3f} s wall, "
        f"{statistics.median(cpu):.3f} s CPU (wall runs: {', '.join(f'{t:.3f}' for t in wall)})"
    )
    return median


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    begin = time.perf_counter()
    data = generate(n)
    print(
        f"generated {n:,} opportunities × 10 stage changes in "
        f"{time.perf_counter() - begin:.1f} s (not timed)"
    )
    # The data set is about 1.5 million long-lived objects. Python's cyclic garbage collector
    # rescans all of them whenever the analytics allocate enough, which costs 0.2-0.4 s per
    # full pass and has nothing to do with the analytics. A service that loads a large data
    # set would gc.freeze() it; we time both ways and judge the target on the frozen one.
    gc.collect()
    gc.freeze()
    print("per metric (summary built once, data set frozen):")
    per_metric(data)
    frozen = show("report with every metric, data set frozen (gc.freeze)", timed_runs(data, runs))
    gc.unfreeze()
    show("report with every metric, default garbage collection", timed_runs(data, runs))
    verdict = "meets" if frozen < TARGET_SECONDS else "MISSES"
    print(f"target < {TARGET_SECONDS:.1f} s wall (frozen data set): {verdict}")
    if os.getloadavg()[0] > (os.cpu_count() or 1):
        print(
            f"note: load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
            "wall times include waiting for other processes"
        )
    return 0


def rows(quick: bool) -> list[Row]:
    """Every metric of the report over 10^3 … 10^5 opportunities (``quick``: 10^3), the data
    set frozen out of the garbage collector's reach. No floor is written for the pipeline
    report: the engine's CPU time alone (the target of issue 4 is < 2 s at 10^5)."""
    found = []
    nan = float("nan")
    for n in (1_000,) if quick else (1_000, 10_000, 100_000):
        data = generate(n)
        gc.collect()
        gc.freeze()
        try:
            cpu = statistics.median(timed_runs(data, 3 if n == 100_000 else 5)[1])
            peak = peak_mb(partial(every_metric, data))
        finally:
            gc.unfreeze()
        found.append(Row("pipeline", "report, every metric (no floor)", n, cpu, nan, nan, peak))
    return found


if __name__ == "__main__":
    raise SystemExit(main())
