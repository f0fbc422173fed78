"""Benchmark: payment schedules for 100,000 invoices and aging of 1,000,000 open items.

Run it by hand: ``.venv/bin/python benchmarks/bench_terms.py``. It prints the median of several
runs against the targets of issue 5 (schedules < 1.5 s, aging < 2 s on a development machine).
Data is generated before the clock starts; terms are parsed once, as a billing system would.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta

from revcycle.money import Money
from revcycle.receivables import OpenItem, aging
from revcycle.terms import PaymentTerms


RUNS = 5
TERMS_TEXT = (
    "Net 30",
    "Net 60",
    "2/10 Net 30",
    "Net 30 EOM",
    "EOM",
    "Due on receipt",
    "10th prox",
    "50% now, 50% Net 30",
)


def measure(label: str, work: Callable[[], object], target: float, runs: int = RUNS) -> None:
    """Print the median wall-clock and CPU seconds of ``runs`` runs against ``target``."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        work()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    median = statistics.median(wall)
    verdict = "OK" if median < target else "SLOW"
    print(
        f"{label}: median {median:.3f} s wall, {statistics.median(cpu):.3f} s CPU "
        f"over {runs} runs (target < {target} s) {verdict}"
    )


def main() -> None:
    rng = random.Random(5)
    terms = [PaymentTerms.parse(text) for text in TERMS_TEXT]
    start = date(2024, 1, 1)
    invoices = [
        (
            terms[rng.randrange(len(terms))],
            start + timedelta(days=rng.randrange(730)),
            Money.from_minor_units(rng.randrange(1, 10_000_000), "USD"),
        )
        for _ in range(100_000)
    ]

    def schedules() -> None:
        for t, day, total in invoices:
            t.schedule(day, total)

    measure("schedules, 100,000 invoices, mixed terms", schedules, 1.5)

    accounts = [f"ACCT-{n:05d}" for n in range(5_000)]
    items = [
        OpenItem(
            f"INV-{n}",
            accounts[rng.randrange(len(accounts))],
            start + timedelta(days=rng.randrange(730)),
            Money.from_minor_units(rng.randrange(1, 10_000_000), "USD"),
        )
        for n in range(1_000_000)
    ]
    as_of = date(2025, 6, 30)
    measure("aging, 1,000,000 open items, 5,000 accounts", lambda: aging(items, as_of), 2.0, 3)


if __name__ == "__main__":
    main()
