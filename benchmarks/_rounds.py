"""Interleaved timing of an engine against its hand-written floor, for the benchmarks.

The machine is shared and noisy: the engine and the floor run in alternating rounds (which one
goes first alternates too), each timed in CPU seconds (``time.process_time``), and the ratio is
the median of the per-round ratios, beside the medians of each side.
"""

from __future__ import annotations

import math
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple


class Row(NamedTuple):
    """One line of the benchmark runner's table (``python -m benchmarks``).

    Every ``bench_*.py`` module the runner lists exposes ``rows(quick: bool) -> list[Row]``:
    ``quick`` keeps the sizes small enough for a smoke run. ``engine_cpu`` and ``floor_cpu`` are
    CPU-second medians of interleaved rounds, ``ratio`` the median per-round ratio,
    ``peak_mb`` the ``tracemalloc`` peak of one engine call (``None`` when not measured) and
    ``target`` the ratio the issue sets (``None`` when none is set).
    """

    bench: str
    case: str
    n: int
    engine_cpu: float
    floor_cpu: float
    ratio: float
    peak_mb: float | None = None
    target: float | None = None


class Comparison(NamedTuple):
    """CPU-second medians of the engine and the floor, and the median per-round ratio."""

    engine: float
    floor: float
    ratio: float


def _cpu(fn: Callable[[], object]) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def compare(engine: Callable[[], object], floor: Callable[[], object], rounds: int) -> Comparison:
    """Time ``engine`` and ``floor`` in ``rounds`` interleaved rounds."""
    engines, floors = [], []
    for round_ in range(rounds):
        if round_ % 2:
            floors.append(_cpu(floor))
            engines.append(_cpu(engine))
        else:
            engines.append(_cpu(engine))
            floors.append(_cpu(floor))
    ratios = [e / f for e, f in zip(engines, floors, strict=True) if f > 0]
    return Comparison(
        statistics.median(engines), statistics.median(floors), statistics.median(ratios)
    )


def peak_mb(fn: Callable[[], object]) -> float:
    """Peak memory of one untimed call of ``fn`` in MB: the ``tracemalloc`` peak (Python
    objects and numpy buffers) plus, when pyarrow is loaded, the peak of Arrow's own memory
    pool during the call (an upper bound: the two peaks need not coincide)."""
    pa: Any = sys.modules.get("pyarrow")
    base = proxy = None
    if pa is not None:
        base = pa.default_memory_pool()
        proxy = pa.proxy_memory_pool(base)
        pa.set_memory_pool(proxy)
    tracemalloc.start()
    try:
        fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        if pa is not None:
            pa.set_memory_pool(base)
    if proxy is not None:
        peak += proxy.max_memory()
    return peak / 1e6


HEADER = (
    f"{'bench':<10} {'case':<46} {'N':>11} {'engine s':>10} {'floor s':>10} {'ratio':>7} "
    f"{'peak MB':>8}  target"
)


def row_text(row: Row) -> str:
    """One line of the runner's table; the verdict is ``met`` when the ratio is at most the
    target."""
    peak = "" if row.peak_mb is None else f"{row.peak_mb:.1f}"
    ratio = "—" if math.isnan(row.ratio) else f"{row.ratio:.2f}×"
    floor = "—" if math.isnan(row.floor_cpu) else f"{row.floor_cpu:.4f}"
    if row.target is None:
        verdict = ""
    else:
        verdict = f"≤ {row.target:g}× {'met' if row.ratio <= row.target else 'MISSED'}"
    return (
        f"{row.bench:<10} {row.case:<46} {row.n:>11,} {row.engine_cpu:>10.4f} {floor:>10} "
        f"{ratio:>7} {peak:>8}  {verdict}"
    )


def print_rows(rows: Iterable[Row]) -> None:
    print(HEADER)
    for row in rows:
        print(row_text(row), flush=True)
