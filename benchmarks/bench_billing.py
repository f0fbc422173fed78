"""Benchmark a bill run against the floor of a hand-written Decimal loop doing the same work.

Run: ``.venv/bin/python benchmarks/bench_billing.py`` (``--sizes 1000 10000`` for a quick look),
or through the runner (``python -m benchmarks --only billing``).

Each contract holds one recurring segment: a price per year (pricing term P12M) billed monthly
in advance on the 1st, from a start in January (so a prorated first piece and a prorated last
piece around eleven whole months: 13 pieces, the last trued up to the contracted total). The
run bills every contract through its end. The floor does the same work in a plain loop: the
anchored dates of the cycle (month ends clamped), the fraction of a short piece (days over
days), the share of the pricing term, the line key, the look-up of the key in the issued keys,
rounding half-up at the line, the true-up of the last piece, each invoice's total and its due
date (Net 30). Totals are asserted equal before anything is timed.

The engine does more than the floor: it builds a frozen ``InvoiceLine`` (13 fields, 4 of them
Money) per piece, an ``Invoice`` with its payment schedule per contract, and the run's credit
balances. Engine and floor run in interleaved rounds; the figures are medians of CPU seconds
(steadier than wall time on a shared machine). Peak memory is measured in a separate, untimed
run of each under ``tracemalloc``. Target: the engine within 10x the floor at every size.
"""

from __future__ import annotations

import argparse
import calendar
import decimal
import random
from datetime import date, timedelta
from decimal import Decimal

from _rounds import Row, compare, peak_mb, print_rows

from revcycle.billing import BillingSettings, bill
from revcycle.contracts import Contract, Subscription
from revcycle.dates import Duration, Period
from revcycle.money import Money
from revcycle.proration import ProrationMethod, term_multiplier
from revcycle.terms import PaymentTerms


ANCHOR = date(2025, 1, 1)
YEAR = Duration(years=1)
CENT = Decimal("0.01")
TERMS = PaymentTerms.parse("Net 30")


def make_contracts(count: int) -> list[Contract]:
    """``count`` one-segment contracts of a year from a day in January 2025."""
    rng = random.Random(13)
    settings = BillingSettings(anchor=ANCHOR)
    contracts = []
    for n in range(count):
        start = ANCHOR + timedelta(days=rng.randrange(31))
        end = date(2026, start.month, start.day)  # exclusive: a year
        price = Money(Decimal(rng.randrange(1_000, 500_000)) / 100, "USD")
        quantity = rng.randrange(1, 200)
        multiplier = term_multiplier(start, end, YEAR, ProrationMethod.MONTHLY_DAILY)
        segment = Subscription(
            id=f"C{n}-1",
            sku="SEAT",
            name="Seat",
            charge_kind="recurring",
            quantity=quantity,
            period=Period(start, end),
            list_unit_price=price,
            net_unit_price=price,
            pricing_term=YEAR,
            total=(price * quantity * multiplier).round(),
            origin="quote",
        )
        contracts.append(
            Contract(
                id=f"C{n}",
                account=f"A{n % (count // 2 or 1)}",
                currency="USD",
                start_date=start,
                end_date=end - timedelta(days=1),
                price_book="Standard",
                payment_terms=TERMS,
                billing=settings,
                subscriptions=[segment],
            )
        )
    return contracts


# --------------------------------------------------------------------------------------------
# The floor


def month_date(anchor: date, n: int) -> date:
    """``anchor`` plus ``n`` months, the day clamped to the month's last day."""
    index = anchor.year * 12 + anchor.month - 1 + n
    year, month = divmod(index, 12)
    return date(year, month + 1, min(anchor.day, calendar.monthrange(year, month + 1)[1]))


# One tuple per contract, read from the contracts before anything is timed.
Plain = tuple[str, str, date, date, Decimal, Decimal, Decimal]


def plain_inputs(contracts: list[Contract]) -> list[Plain]:
    rows = []
    for contract in contracts:
        (segment,) = contract.subscriptions
        rows.append(
            (
                contract.id,
                segment.id,
                segment.period.start,
                segment.period.end,
                segment.quantity,
                segment.net_unit_price.amount,
                segment.total.amount,
            )
        )
    return rows


def floor(rows: list[Plain], through: date, issued: set[str]) -> tuple[Decimal, int]:
    """The work of the run in a plain loop: the sum of the invoice totals and the count of
    lines."""
    context = decimal.Context(prec=50, rounding=decimal.ROUND_HALF_EVEN)
    grand = Decimal(0)
    lines = 0
    net30 = timedelta(days=30)
    for cid, sid, start, end, quantity, price, contracted in rows:
        months = (start.year - ANCHOR.year) * 12 + start.month - ANCHOR.month
        n = months if month_date(ANCHOR, months) <= start else months - 1
        base = context.multiply(quantity, price)
        # The share of the pricing term: one month of twelve.
        whole = context.divide(base, 12)
        whole_amount = whole.quantize(CENT, rounding=decimal.ROUND_HALF_UP)
        running = Decimal(0)
        invoice = Decimal(0)
        prefix = f"{cid}:{sid}:recurring:"
        lower = month_date(ANCHOR, n)
        while lower < end:
            upper = month_date(ANCHOR, n + 1)
            first, last = max(lower, start), min(upper, end)
            if first > through:
                break
            if first == lower and last == upper:
                amount = whole_amount
            else:
                days, full = (last - first).days, (upper - lower).days
                precise = context.divide(context.multiply(base, days), 12 * full)
                amount = precise.quantize(CENT, rounding=decimal.ROUND_HALF_UP)
            if last == end:
                amount = contracted - running
            running += amount
            key = f"{prefix}{first.isoformat()}/{last.isoformat()}"
            if key not in issued:
                invoice += amount
                lines += 1
            n += 1
            lower = upper
        _ = through + net30  # the due date of the invoice
        grand += max(invoice, Decimal(0))
    return grand, lines


# --------------------------------------------------------------------------------------------
# Timing


def size_row(count: int, rounds: int) -> Row:
    contracts = make_contracts(count)
    plain = plain_inputs(contracts)
    through = date(2026, 2, 1)
    issued: set[str] = set()

    run = bill(contracts, through=through)
    total = sum((invoice.total.amount for invoice in run.invoices), Decimal(0))
    floor_total, floor_lines = floor(plain, through, issued)
    assert total == floor_total, (total, floor_total)
    assert len(run.lines) == floor_lines, (len(run.lines), floor_lines)
    del run

    result = compare(
        lambda: bill(contracts, through=through), lambda: floor(plain, through, issued), rounds
    )
    peak = peak_mb(lambda: bill(contracts, through=through))
    return Row(
        "billing",
        f"bill run, {floor_lines // count} lines a contract",
        count,
        *result,
        peak,
        TARGET,
    )


TARGET = 10.0


def rows(quick: bool) -> list[Row]:
    """Bill runs of 10^3 … 10^5 contracts (``quick``: 10^3)."""
    sizes = (1_000,) if quick else (1_000, 10_000, 100_000)
    return [size_row(n, 5 if n < 100_000 else 3) for n in sizes]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print_rows(
        size_row(n, args.rounds if n < 100_000 else max(3, args.rounds // 2)) for n in args.sizes
    )


if __name__ == "__main__":
    main()
