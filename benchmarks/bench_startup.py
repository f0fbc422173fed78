"""Benchmark: start-up of ``import revcycle`` and ``revcycle --help`` against ``python -c pass``.

Run it by hand: ``.venv/bin/python benchmarks/bench_startup.py`` (``--quick`` for 3 rounds).
Each round starts fresh processes — ``python -c pass`` (the floor: the interpreter's own
start-up), ``python -c "import revcycle"`` and the ``revcycle --help`` console script — in an
order that rotates from round to round, and takes each one's CPU seconds (user + system, from
``getrusage`` of the waited child) and wall seconds. A start-up is judged by its best round, the
one least disturbed by the other work on the machine: issue 14 asks for ``import revcycle`` under
0.08 s and ``revcycle --help`` under 0.12 s over the floor.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

from _rounds import Row


ROUNDS = 7
QUICK_ROUNDS = 3
# What each start-up may add to `python -c pass`, in seconds (issue 14).
TARGETS = {"import revcycle": 0.08, "revcycle --help": 0.12}


# The caller's environment, without settings that would slow or trace a start-up.
ENVIRONMENT = {
    key: value
    for key, value in os.environ.items()
    if key not in {"PYTHONIMPORTTIME", "PYTHONPROFILEIMPORTTIME", "PYTHONDONTWRITEBYTECODE"}
}


class Timing(NamedTuple):
    """One fresh process: CPU seconds (user + system) and wall seconds."""

    cpu: float
    wall: float


def _commands() -> dict[str, list[str]]:
    script = Path(sys.executable).with_name("revcycle")
    help_command = (
        [str(script), "--help"] if script.exists() else [sys.executable, "-m", "revcycle", "--help"]
    )
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "import revcycle": [sys.executable, "-c", "import revcycle"],
        "revcycle --help": help_command,
    }


def _run(command: list[str]) -> Timing:
    """Run ``command`` in a fresh process and time it (its output is thrown away)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=ENVIRONMENT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(cpu, wall)


def measure(rounds: int) -> dict[str, list[Timing]]:
    """Every command's timings over ``rounds`` rounds, the order rotating each round."""
    commands = _commands()
    names = list(commands)
    for name in names:  # once each first, so that bytecode caches are written
        _run(commands[name])
    timings: dict[str, list[Timing]] = {name: [] for name in names}
    for round_ in range(rounds):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            timings[name].append(_run(commands[name]))
    return timings


def rows(quick: bool) -> list[Row]:
    """The runner's rows: each start-up (best CPU of the rounds) against the floor's best."""
    timings = measure(QUICK_ROUNDS if quick else ROUNDS)
    floor = min(t.cpu for t in timings["python -c pass"])
    found = []
    for name, target in TARGETS.items():
        best = min(t.cpu for t in timings[name])
        over = best - floor
        verdict = "met" if over < target else "NOT met"
        case = (
            f"{name}: +{over:.3f} s CPU over python -c pass "
            f"(target < {target:.2f} s, {verdict} by {abs(target - over):.3f} s)"
        )
        found.append(Row("startup", case, 1, best, floor, best / floor if floor else 0.0))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ROUNDS} rounds")
    quick = parser.parse_args().quick
    timings = measure(QUICK_ROUNDS if quick else ROUNDS)
    floor_cpu = min(t.cpu for t in timings["python -c pass"])
    floor_wall = min(t.wall for t in timings["python -c pass"])
    print(f"best of {len(timings['python -c pass'])} fresh processes, seconds")
    print(f"{'':18} {'CPU':>7} {'wall':>7} {'CPU over floor':>15} {'wall over floor':>16}")
    for name, runs in timings.items():
        cpu = min(t.cpu for t in runs)
        wall = min(t.wall for t in runs)
        target = TARGETS.get(name)
        note = "" if target is None else f"  target < {target:.2f}"
        print(
            f"{name:18} {cpu:7.3f} {wall:7.3f} {cpu - floor_cpu:15.3f} "
            f"{wall - floor_wall:16.3f}{note}"
        )


if __name__ == "__main__":
    main()
