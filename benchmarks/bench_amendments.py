"""Benchmark: a contract of many subscriptions through a long chain of co-termed amendments.

Run it by hand: ``.venv/bin/python benchmarks/bench_amendments.py`` (``--rounds 3`` for a quick
look), or through the runner (``python -m benchmarks --only amendments``).
A ten-year contract (2025-01-01 to 2034-12-31) of ``N`` lines, one SKU each at a 10 %
discount, goes through ``A`` amendments, one a month from 2025-02-01, each changing one line's
quantity (+2 or −1 seats) with :func:`revcycle.amendments.amend`, each on the version the one
before made. The floor is a hand-written ``Decimal`` loop doing the same arithmetic on the same
inputs: the line's quantity from a dict, the co-termed months to the contract end counted from
the dates, ``delta × locked price × months ÷ 12`` rounded half-up to the cent, the TCV summed.
Both give the same final quantities and TCV (asserted before timing). Engine and floor run in
interleaved rounds; the figures are CPU-time medians and the median per-round ratio, at
several sizes, so that growth with the chain shows: an amendment should cost what it changes,
not what the contract already holds.
"""

from __future__ import annotations

import argparse
import decimal
from datetime import date
from decimal import Decimal
from functools import partial

from _rounds import Row, compare, peak_mb, print_rows

from revcycle._numbers import CTX
from revcycle.amendments import Amendment, ChangeQuantity, amend
from revcycle.catalog import Catalog, ChargeKind, PriceBook, Product
from revcycle.contracts import Contract
from revcycle.dates import Duration
from revcycle.money import Money, Percent
from revcycle.pricing import Discount, PerUnit
from revcycle.quotes import Quote, QuoteLine, price_quote


START = date(2025, 1, 1)
LAST = date(2034, 12, 31)
CENT = Decimal("0.01")
SIZES = [(1_000, 10), (1_000, 30), (1_000, 100), (300, 100), (3_000, 100)]


def build(
    lines: int, changes: int
) -> tuple[Contract, Catalog, list[Amendment], list[tuple[str, int]]]:
    """The contract, its catalog, the amendments and, for the floor, each one's (sku, delta)."""
    skus = [f"SKU-{n:05d}" for n in range(lines)]
    catalog = Catalog(
        [Product(sku, sku, ChargeKind.RECURRING, Duration(months=12)) for sku in skus],
        [
            PriceBook(
                "Standard",
                "USD",
                prices={
                    sku: PerUnit(Money(f"{100 + n % 50}.00", "USD")) for n, sku in enumerate(skus)
                },
            )
        ],
    )
    ten_off = Discount.percent(Percent("10"))
    quote = Quote(
        "ACME",
        "USD",
        "Standard",
        START,
        [QuoteLine(sku, 10, discount=ten_off) for sku in skus],
        end_date=LAST,
        payment_terms="Net 30",
    )
    contract = Contract.from_quote(price_quote(quote, catalog), id="C-1")
    held = dict.fromkeys(skus, 10)
    amendments, deltas = [], []
    for k in range(1, changes + 1):
        sku = skus[(k * 7) % lines]
        delta = 2 if k % 3 else -1
        held[sku] += delta
        effective = date(START.year + k // 12, k % 12 + 1, 1)
        amendments.append(Amendment(effective, [ChangeQuantity(sku, quantity=held[sku])]))
        deltas.append((sku, delta))
    return contract, catalog, amendments, deltas


def engine(contract: Contract, catalog: Catalog, amendments: list[Amendment]) -> Contract:
    for amendment in amendments:
        contract = amend(contract, amendment, catalog).contract
    return contract


def floor(
    contract: Contract, amendments: list[Amendment], deltas: list[tuple[str, int]]
) -> tuple[dict[str, Decimal], Decimal]:
    """The same arithmetic by hand: quantities in a dict, whole co-termed months, one rounding
    per line, the TCV summed."""
    locked = {s.sku: s.net_unit_price.amount for s in contract.subscriptions}
    held = {s.sku: s.quantity for s in contract.subscriptions}
    tcv = contract.tcv.amount
    end_year, end_month = LAST.year + 1, 1  # the contract ends before 2035-01-01
    twelve = Decimal(12)
    with decimal.localcontext(CTX):
        for amendment, (sku, delta) in zip(amendments, deltas, strict=True):
            effective = amendment.effective_date
            months = (end_year - effective.year) * 12 + end_month - effective.month
            amount = (Decimal(delta) * locked[sku] * months / twelve).quantize(
                CENT, decimal.ROUND_HALF_UP
            )
            held[sku] += delta
            tcv += amount
    return held, tcv


def size_row(lines: int, changes: int, rounds: int) -> Row:
    contract, catalog, amendments, deltas = build(lines, changes)
    last = engine(contract, catalog, amendments)
    held, tcv = floor(contract, amendments, deltas)
    assert last.tcv.amount == tcv, (last.tcv, tcv)
    assert {sku: last.quantity(sku, on=LAST) for sku in held} == held
    result = compare(
        partial(engine, contract, catalog, amendments),
        partial(floor, contract, amendments, deltas),
        rounds,
    )
    peak = peak_mb(partial(engine, contract, catalog, amendments))
    return Row("amend", f"{changes} amendments of a contract (N lines)", lines, *result, peak)


def rows(quick: bool) -> list[Row]:
    """Every size of :data:`SIZES` (``quick``: the first two); no target is set."""
    return [size_row(n, a, 3 if quick else 7) for n, a in (SIZES[:2] if quick else SIZES)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    print("amend() over a chain of amendments against a hand-written Decimal floor")
    print_rows(size_row(n, a, args.rounds) for n, a in SIZES)


if __name__ == "__main__":
    main()
