"""Interleaved timing of an engine against its hand-written floor, for the benchmarks.

The machine is shared and noisy: the engine and the floor run in alternating rounds (which one
goes first alternates too), each timed in CPU seconds (``time.process_time``), and the ratio is
the median of the per-round ratios, beside the medians of each side.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import NamedTuple


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
