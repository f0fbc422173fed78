"""Benchmark: payment schedules and aging against hand-written ``Decimal`` floors.

Run: ``.venv/bin/python benchmarks/bench_terms.py [--quick]`` or through the runner
(``python -m benchmarks --only terms``).

1. ``PaymentTerms.schedule`` for N = 10^3 … 10^6 invoices over eight terms parsed once
   (Net 30, Net 60, 2/10 Net 30, Net 30 EOM, EOM, Due on receipt, 10th prox, 50 % now and
   50 % Net 30). The floor does the same arithmetic on the same invoices in a plain loop: each
   line's due date (days added, the month's last day, the 10th of next month), the shares of
   a split total in minor units (the leftover unit to the last share, the terms' default),
   the 2 % discount rounded half-up once and split the same way, the discount deadline, and
   each figure as a ``Decimal`` of the currency's places. Both give the same due dates,
   amounts, deadlines and discounted amounts (asserted before timing). Target: ≤ 4×.
2. ``aging`` of N open items (5,000 accounts) into the default buckets, against a loop that
   adds each amount to its account's bucket in a dict of lists (no target: information).

Engine and floor run in interleaved rounds; the figures are CPU-time medians.
"""

from __future__ import annotations

import argparse
import calendar
import decimal
import random
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from _rounds import Row, compare, peak_mb, print_rows

from revcycle._numbers import CTX
from revcycle.money import Money
from revcycle.receivables import OpenItem, aging
from revcycle.terms import PaymentSchedule, PaymentTerms


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
# The same terms for the floor: (due rules, percent shares, discount percent and days).
# A due rule is ("net", days), ("eom", days) or ("prox", day of next month).
PLAIN: dict[str, tuple[tuple[tuple[str, int], ...], tuple[int, ...], tuple[int, int] | None]] = {
    "Net 30": ((("net", 30),), (100,), None),
    "Net 60": ((("net", 60),), (100,), None),
    "2/10 Net 30": ((("net", 30),), (100,), (2, 10)),
    "Net 30 EOM": ((("eom", 30),), (100,), None),
    "EOM": ((("eom", 0),), (100,), None),
    "Due on receipt": ((("net", 0),), (100,), None),
    "10th prox": ((("prox", 10),), (100,), None),
    "50% now, 50% Net 30": ((("net", 0), ("net", 30)), (50, 50), None),
}
START = date(2024, 1, 1)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")

Invoice = tuple[str, date, int]  # terms text, invoice date, total in cents
Figures = tuple[tuple[date, Decimal, date | None, Decimal | None], ...]


def make_invoices(count: int) -> list[Invoice]:
    rng = random.Random(5)
    return [
        (
            TERMS_TEXT[rng.randrange(len(TERMS_TEXT))],
            START + timedelta(days=rng.randrange(730)),
            rng.randrange(1, 10_000_000),
        )
        for _ in range(count)
    ]


def engine_schedules(
    terms: dict[str, PaymentTerms], invoices: list[tuple[str, date, Money]]
) -> list[PaymentSchedule]:
    return [terms[text].schedule(day, total) for text, day, total in invoices]


def _due(rule: tuple[str, int], day: date) -> date:
    kind, n = rule
    if kind == "net":
        return day + timedelta(days=n)
    if kind == "eom":
        return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1]) + timedelta(
            days=n
        )
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(n, calendar.monthrange(year, month)[1]))


def _split(units: int, shares: Sequence[int]) -> list[int]:
    """``units`` in parts of ``shares`` percent, truncated; the units left to the last."""
    parts = [units * share // 100 for share in shares]
    parts[-1] += units - sum(parts)
    return parts


def floor_schedules(invoices: list[Invoice]) -> list[Figures]:
    """The floor: the same figures in a plain loop over dates, ints and Decimals."""
    out: list[Figures] = []
    with decimal.localcontext(CTX):
        for text, day, units in invoices:
            rules, shares, discount = PLAIN[text]
            dues = [_due(rule, day) for rule in rules]
            parts = [units] if len(shares) == 1 else _split(units, shares)
            if discount is None:
                out.append(
                    tuple(
                        (due, Decimal(part).scaleb(-2), None, None)
                        for due, part in zip(dues, parts, strict=True)
                    )
                )
                continue
            percent, days = discount
            off = int(
                (Decimal(units) * percent / HUNDRED).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            )
            cuts = [off] if len(shares) == 1 else _split(off, shares)
            deadline = day + timedelta(days=days)
            out.append(
                tuple(
                    (
                        due,
                        Decimal(part).scaleb(-2),
                        min(deadline, due),
                        Decimal(part - cut).scaleb(-2),
                    )
                    for due, part, cut in zip(dues, parts, cuts, strict=True)
                )
            )
    return out


def figures(schedule: PaymentSchedule) -> Figures:
    return tuple(
        (
            i.due_date,
            i.amount.amount,
            i.discount_deadline,
            None if i.discounted_amount is None else i.discounted_amount.amount,
        )
        for i in schedule.installments
    )


def schedule_row(count: int, rounds: int) -> Row:
    terms = {text: PaymentTerms.parse(text) for text in TERMS_TEXT}
    invoices = make_invoices(count)
    priced = [(text, day, Money.from_minor_units(units, "USD")) for text, day, units in invoices]
    assert [figures(s) for s in engine_schedules(terms, priced)] == floor_schedules(invoices)
    result = compare(
        lambda: engine_schedules(terms, priced), lambda: floor_schedules(invoices), rounds
    )
    peak = peak_mb(lambda: engine_schedules(terms, priced))
    return Row("terms", "payment schedules, 8 mixed terms", count, *result, peak, 4.0)


def make_items(count: int) -> list[OpenItem]:
    rng = random.Random(6)
    accounts = [f"ACCT-{n:05d}" for n in range(5_000)]
    return [
        OpenItem(
            f"INV-{n}",
            accounts[rng.randrange(len(accounts))],
            START + timedelta(days=rng.randrange(730)),
            Money.from_minor_units(rng.randrange(1, 10_000_000), "USD"),
        )
        for n in range(count)
    ]


EDGES = (30, 60, 90, 120)


def floor_aging(items: list[tuple[str, str, int, Decimal]], today: int) -> dict[str, list[Any]]:
    """Add each open amount to its account's bucket: current, 1-30, 31-60, 61-90, 91-120,
    120+ days past due; ids must be unique."""
    rows: dict[str, list[Any]] = {}
    ids: set[str] = set()
    with decimal.localcontext(CTX):
        for item_id, account, due, amount in items:
            row = rows.get(account)
            if row is None:
                row = rows[account] = [Decimal("0.00")] * 6
            days = today - due
            bucket = 0 if days <= 0 else next((k + 1 for k, e in enumerate(EDGES) if days <= e), 5)
            row[bucket] += amount
            ids.add(item_id)
    assert len(ids) == len(items)
    return rows


def aging_row(count: int, rounds: int) -> Row:
    items = make_items(count)
    plain = [(i.id, i.account, i.due_date.toordinal(), i.amount.amount) for i in items]
    as_of = date(2025, 6, 30)
    report = aging(items, as_of)
    expected = floor_aging(plain, as_of.toordinal())
    got = {
        r.account: [b.total.amount for b in r.buckets] for r in report.rows if r.account is not None
    }
    assert got == expected, "aging and the floor disagree"
    result = compare(
        lambda: aging(items, as_of), lambda: floor_aging(plain, as_of.toordinal()), rounds
    )
    peak = peak_mb(lambda: aging(items, as_of))
    return Row("terms", "aging, 5,000 accounts", count, *result, peak, None)


def rows(quick: bool) -> list[Row]:
    """Schedules at 10^3 … 10^6 invoices (``quick``: 10^3 and 10^4), aging at 10^5 and 10^6
    items (``quick``: 10^4)."""
    sizes = (1_000, 10_000) if quick else (1_000, 10_000, 100_000, 1_000_000)
    found = [schedule_row(n, 7 if n <= 100_000 else 3) for n in sizes]
    found += [aging_row(n, 3) for n in ((10_000,) if quick else (100_000, 1_000_000))]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    print_rows(rows(parser.parse_args().quick))


if __name__ == "__main__":
    main()
