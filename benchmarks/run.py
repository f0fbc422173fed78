"""The benchmark runner: every engine against its floor, and the start-up times.

Run: ``python -m benchmarks`` or ``python benchmarks/run.py`` from the repository root (with
the development install), ``--quick`` for small sizes, ``--only NAME`` (repeatable: ``usage``
or ``bench_usage``) for some modules, ``--no-startup`` to skip the start-up lines.

Each ``bench_*.py`` module listed below exposes ``rows(quick: bool) -> list[Row]``
(``benchmarks/_rounds.Row``): per case and size N, the engine's and the floor's CPU-time
medians over interleaved rounds, the median per-round ratio, the peak memory of one engine
call and the target ratio, printed here with ``met`` or ``MISSED``. A module that cannot be
imported (one being reworked, an extra not installed) is skipped with a note.

Start-up: ``import revcycle`` and ``revcycle --help`` in fresh processes, best of several,
minus the best ``python -c pass``, against the issue's targets (0.08 s and 0.12 s).
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
import traceback
from pathlib import Path


HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))  # the bench modules import ``_rounds`` as a sibling

from _rounds import HEADER, row_text  # noqa: E402


MODULES = (
    "bench_usage",
    "bench_terms",
    "bench_quote",
    "bench_billing",
    "bench_metrics",
    "bench_amendments",
    "bench_pricing",
    "bench_pipeline",
    "bench_distributed",
)
STARTUP_TARGETS = {"import revcycle": 0.08, "revcycle --help": 0.12}


def best_seconds(command: list[str], runs: int) -> tuple[float, float]:
    """The least wall-clock time and the least CPU time (user + system of the child) of
    ``runs`` fresh processes running ``command``."""
    best_wall = best_cpu = float("inf")
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        best_wall, best_cpu = min(best_wall, wall), min(best_cpu, cpu)
    return best_wall, best_cpu


def startup(runs: int) -> None:
    """Print the start-up lines: wall time is what a user waits, CPU time is steadier on a
    loaded machine; each is the best of ``runs`` minus the best of ``python -c pass``."""
    python = sys.executable
    script = shutil.which("revcycle", path=str(Path(python).parent))
    cli = [script] if script else [python, "-m", "revcycle"]
    base_wall, base_cpu = best_seconds([python, "-c", "pass"], runs)
    print(
        f"start-up, best of {runs} fresh processes minus python -c pass "
        f"({base_wall:.3f} s wall, {base_cpu:.3f} s CPU):"
    )
    commands = {
        "import revcycle": [python, "-c", "import revcycle"],
        "revcycle --help": [*cli, "--help"],
    }
    for label, command in commands.items():
        wall, cpu = best_seconds(command, runs)
        target = STARTUP_TARGETS[label]
        verdicts = [
            f"{kind} {extra:6.3f} s {'met' if extra < target else 'MISSED'}"
            for kind, extra in (("wall", wall - base_wall), ("CPU", cpu - base_cpu))
        ]
        print(f"  {label:<18} {'   '.join(verdicts)}   (target < {target:g} s)", flush=True)


def selected(only: list[str]) -> list[str]:
    if not only:
        return list(MODULES)
    names = [n if n.startswith("bench_") else f"bench_{n}" for n in only]
    unknown = [n for n in names if n not in MODULES]
    if unknown:
        raise SystemExit(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(MODULES)}")
    return names


def run_module(name: str, quick: bool) -> None:
    try:
        module = importlib.import_module(name)
    except ImportError as error:
        print(f"{name}: skipped, cannot be imported ({error})", flush=True)
        return
    rows = getattr(module, "rows", None)
    if rows is None:
        print(f"{name}: skipped, it has no rows(quick) yet", flush=True)
        return
    start = time.perf_counter()
    try:
        found = rows(quick)
    except Exception:  # one broken benchmark must not hide the others' figures
        print(f"{name}: FAILED\n{traceback.format_exc()}", flush=True)
        return
    for row in found:
        print(row_text(row), flush=True)
    print(f"  ({name}: {time.perf_counter() - start:.0f} s wall)", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument("--only", action="append", default=[], metavar="NAME")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up lines")
    parser.add_argument("--startup-runs", type=int, default=7)
    args = parser.parse_args(argv)
    names = selected(args.only)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"revcycle benchmarks{' (--quick)' if args.quick else ''}: Python "
        f"{platform.python_version()}, {os.cpu_count()} CPUs, load average {load:.2f}; "
        "CPU-second medians of interleaved rounds"
    )
    if not args.no_startup:
        startup(args.startup_runs)
    print(HEADER, flush=True)
    for name in names:
        run_module(name, args.quick)


if __name__ == "__main__":
    main()
