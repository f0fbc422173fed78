"""Benchmark: the ARR bridge of a large book of contracts against a hand-written floor.

Run it by hand: ``.venv/bin/python benchmarks/bench_metrics.py`` (``--sizes 1000 10000`` for a
quick look), or through the runner (``python -m benchmarks --only metrics``).
The book mixes what a real one holds: one-year contracts starting through 2024 to
2026 on several accounts each, a fifth of them upsold mid-term (a delta segment), a fifth
renewed with a 7 % uplift (the renewal in the book, superseding the contract it renews), and
annual and monthly products. :func:`revcycle.metrics.arr_bridge` runs over 2026.

The floor is a hand-written ``Decimal`` loop doing the same arithmetic on the same contracts:
each renewed contract cut off at its renewal's start; every recurring segment active on the day
before 2026 and on 2026-12-31 adds ``quantity × net unit price × 12 ÷ months in its term`` to
its account; each account classified (an account with no opening ARR that had a segment
before 2026 is a reactivation); the seven figures summed. Both give the same seven figures
(asserted before timing). Engine and floor run in interleaved rounds; the figures are
CPU-time medians and the median per-round ratio. Target: the engine within 5× the floor at
100,000 contracts.
"""

from __future__ import annotations

import argparse
import decimal
import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from functools import partial

import attrs
from _rounds import Row, compare, peak_mb, print_rows

from revcycle._numbers import CTX
from revcycle.amendments import Amendment, ChangeQuantity, amend
from revcycle.catalog import Catalog, ChargeKind, PriceBook, Product
from revcycle.contracts import Contract
from revcycle.dates import Duration, Period
from revcycle.metrics import arr_bridge
from revcycle.money import Money, Percent
from revcycle.pricing import Discount, PerUnit
from revcycle.quotes import PricedQuote, Quote, QuoteLine, price_quote
from revcycle.renewals import renew
from revcycle.terms import PaymentTerms


PERIOD = Period.inclusive(date(2026, 1, 1), date(2026, 12, 31))
TARGET = 5.0
NET_30 = PaymentTerms.net(30)
FIGURES = ("opening", "new", "expansion", "contraction", "churn", "reactivation", "closing")
CATALOG = Catalog(
    [
        Product("SEAT", "Seat, annual", ChargeKind.RECURRING, Duration(months=12)),
        Product("STORAGE", "Storage, monthly", ChargeKind.RECURRING, Duration(months=1)),
        Product("SETUP", "Set-up", ChargeKind.ONE_TIME, None),
    ],
    [
        PriceBook(
            "Standard",
            "USD",
            prices={
                "SEAT": PerUnit(Money("1200.00", "USD")),
                "STORAGE": PerUnit(Money("25.00", "USD")),
                "SETUP": PerUnit(Money("500.00", "USD")),
            },
        )
    ],
)


def build(size: int) -> list[Contract]:
    """``size`` contracts (renewals included) over about ``size ÷ 3`` accounts."""
    rng = random.Random(size)
    accounts = max(1, size // 3)
    # Contracts of one shape share their priced quote, re-labelled per account (pricing every
    # one would take minutes and is not what is measured).
    shapes: dict[tuple[str, int, int, str], PricedQuote] = {}
    book: list[Contract] = []
    number = 0
    while len(book) < size:
        number += 1
        account = f"ACCT-{rng.randrange(accounts):06d}"
        month = rng.randrange(36)
        start = date(2024 + month // 12, month % 12 + 1, rng.choice([1, 15]))
        sku = rng.choice(["SEAT", "SEAT", "STORAGE"])
        quantity = rng.choice([1, 2, 5, 10, 20, 50])
        percent = rng.choice(["0", "10", "15"])
        key = (sku, quantity, start.toordinal(), percent)
        priced = shapes.get(key)
        if priced is None:
            lines = [QuoteLine(sku, quantity, discount=Discount.percent(Percent(percent)))]
            if rng.random() < 0.3:
                lines.append(QuoteLine("SETUP", 1))
            template = Quote(
                "template",
                "USD",
                "Standard",
                start,
                lines,
                term=Duration(years=1),
                payment_terms=NET_30,
            )
            priced = shapes[key] = price_quote(template, CATALOG)
        labelled = _relabel(priced, account)
        contract = Contract.from_quote(labelled, id=f"C-{number}")
        kind = rng.random()
        if kind < 0.2:
            effective = start + timedelta(days=rng.randrange(30, 300))
            change = ChangeQuantity(sku, quantity=quantity + rng.randrange(-quantity, 20))
            contract = amend(contract, Amendment(effective, [change]), CATALOG).contract
        book.append(contract)
        if 0.2 <= kind < 0.4:
            renewal = renew(contract, CATALOG, pricing="uplift", uplift="7")
            book.append(Contract.from_quote(renewal, id=f"C-{number}-R", renews=contract))
    return book[:size]


def _relabel(priced: PricedQuote, account: str) -> PricedQuote:
    return attrs.evolve(priced, quote=attrs.evolve(priced.quote, account=account))


def floor(book: list[Contract], period: Period) -> dict[str, Decimal]:
    """The bridge's seven figures, by hand."""
    before = period.start - timedelta(days=1)
    last = period.last_day
    months = {Duration(months=12): Decimal(12), Duration(months=1): Decimal(1)}
    twelve = Decimal(12)
    recurring = ChargeKind.RECURRING
    with decimal.localcontext(CTX):
        cutoff: dict[str, date] = {}
        for contract in book:
            renewed = contract.renews
            if renewed is not None:
                known = cutoff.get(renewed.id)
                if known is None or contract.start_date < known:
                    cutoff[renewed.id] = contract.start_date
        opening: defaultdict[str, Decimal] = defaultdict(Decimal)
        closing: defaultdict[str, Decimal] = defaultdict(Decimal)
        earlier: set[str] = set()
        for contract in book:
            cut = cutoff.get(contract.id)
            account = contract.account
            for segment in contract.subscriptions:
                if segment.charge_kind is not recurring:
                    continue
                start, end = segment.period.start, segment.period.end
                if cut is not None and cut < end:
                    end = cut
                if start >= end:
                    continue
                value = segment.quantity * segment.net_unit_price.amount * twelve
                assert segment.pricing_term is not None  # a recurring segment has a term
                value /= months[segment.pricing_term]
                if start <= before < end:
                    opening[account] += value
                if start <= last < end:
                    closing[account] += value
                if start < period.start:
                    earlier.add(account)
        figures = dict.fromkeys(FIGURES, Decimal(0))
        for account in opening.keys() | closing.keys():
            o, c = opening.get(account, Decimal(0)), closing.get(account, Decimal(0))
            figures["opening"] += o
            figures["closing"] += c
            if o == 0 and c > 0:
                figures["reactivation" if account in earlier else "new"] += c
            elif o > 0 and c == 0:
                figures["churn"] += o
            elif c > o:
                figures["expansion"] += c - o
            else:
                figures["contraction"] += o - c
    return figures


def engine(book: list[Contract], period: Period) -> dict[str, Decimal]:
    bridge = arr_bridge(book, period)
    return {name: getattr(bridge, name).amount for name in FIGURES}


def size_row(size: int, rounds: int) -> Row:
    book = build(size)
    expected = floor(book, PERIOD)
    assert engine(book, PERIOD) == expected, (engine(book, PERIOD), expected)
    result = compare(partial(engine, book, PERIOD), partial(floor, book, PERIOD), rounds)
    peak = peak_mb(partial(engine, book, PERIOD))
    accounts = len({c.account for c in book})
    return Row("metrics", f"arr_bridge, {accounts:,} accounts", size, *result, peak, TARGET)


def rows(quick: bool) -> list[Row]:
    """The bridge over books of 10^3 … 10^5 contracts (``quick``: 10^3)."""
    sizes = (1_000,) if quick else (1_000, 10_000, 100_000)
    return [size_row(n, 7 if n < 100_000 else 3) for n in sizes]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    print("arr_bridge over a book of contracts against a hand-written Decimal floor (2026)")
    print_rows(size_row(n, args.rounds) for n in args.sizes)


if __name__ == "__main__":
    main()
