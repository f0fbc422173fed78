"""Benchmark pricing models against a bare Decimal loop.

Run: ``.venv/bin/python benchmarks/bench_pricing.py`` (``--runs 3`` for a quick look), or through
the runner (``python -m benchmarks --only pricing``), which prints :func:`rows`.

1. ``price()`` 10,000 times (what one usage-rating benchmark run does) for each model, against
   a bare loop that multiplies and adds the same Decimals by hand.
2. A 1,000-line quote's list step: ``unit_price_at(q)`` per line, and with the rounded line
   total, against a bare Decimal loop ``(q × p).quantize(0.01)``. The whole quote engine's
   target is within 8× of that loop, so the list step must use only part of it; the Money
   multiply-and-round alone is shown too, to separate the foundation's cost from pricing's.

Each timing is the median of several runs; building the inputs is not timed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from _rounds import Row, compare

from revcycle import AnyPricingModel
from revcycle.money import Money
from revcycle.pricing import Flat, Graduated, Package, PerUnit, Stairstep, Tier, Volume


def usd(text: str) -> Money:
    return Money(text, "USD")


TIERS = [
    Tier(Decimal("10000"), usd("0.001")),
    Tier(Decimal("100000"), usd("0.0008")),
    Tier(None, usd("0.0005")),
]
MODELS: dict[str, AnyPricingModel] = {
    "flat": Flat(usd("15")),
    "per_unit": PerUnit(usd("0.001")),
    "graduated": Graduated(TIERS),
    "volume": Volume(TIERS),
    "stairstep": Stairstep(
        [Tier(Decimal("10000"), flat_price=usd("9")), Tier(None, flat_price=usd("30"))]
    ),
    "package": Package(Decimal("5000"), usd("4"), free_units=Decimal("1000")),
}
BARE_TIERS = [(Decimal("10000"), Decimal("0.001")), (Decimal("100000"), Decimal("0.0008"))]
LAST = Decimal("0.0005")
CENT = Decimal("0.01")


def _prices(model: AnyPricingModel, quantities: list[Decimal]) -> list[Money]:
    return [model.price(q) for q in quantities]


def median_seconds(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bare_graduated(q: Decimal) -> Decimal:
    total = Decimal(0)
    lower = Decimal(0)
    for upper, price in BARE_TIERS:
        if q <= lower:
            return total
        total += (min(q, upper) - lower) * price
        lower = upper
    if q > lower:
        total += (q - lower) * LAST
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(20261123)
    quantities = [Decimal(rng.randint(0, 300_000)) for _ in range(10_000)]

    print("1. price() x 10,000 quantities (median of", args.runs, "runs)")
    bare = median_seconds(lambda: [bare_graduated(q) for q in quantities], args.runs)
    bare_mul = median_seconds(lambda: [q * LAST for q in quantities], args.runs)
    print(f"   bare Decimal graduated loop {bare * 1e3:8.2f} ms")
    print(f"   bare Decimal multiply loop  {bare_mul * 1e3:8.2f} ms")
    for name, model in MODELS.items():
        seconds = median_seconds(partial(_prices, model, quantities), args.runs)
        print(
            f"   {name:<10} {seconds * 1e3:8.2f} ms  {seconds / bare:5.2f}x the graduated loop, "
            f"{seconds / bare_mul:5.2f}x the multiply loop"
        )
    breakdown = median_seconds(lambda: [MODELS["graduated"].breakdown(q) for q in quantities], 3)
    print(f"   graduated breakdown() {breakdown * 1e3:8.2f} ms (explanations, not the hot path)")

    print("\n2. list step of a 1,000-line quote (median of", args.runs, "runs)")
    lines = [
        (rng.choice(list(MODELS.values())), Decimal(rng.randint(1, 200_000))) for _ in range(1_000)
    ]
    unit_prices = [Decimal(rng.randint(1, 100_000)) / 100 for _ in range(1_000)]
    plain_lines = list(zip(unit_prices, (q for _, q in lines), strict=True))

    def bare_quote() -> list[Decimal]:
        return [(p * q).quantize(CENT, rounding=ROUND_HALF_UP) for p, q in plain_lines]

    def list_step() -> list[Money]:
        return [model.unit_price_at(q) for model, q in lines]

    def priced_quote() -> list[Money]:
        out = []
        for model, q in lines:
            unit = model.unit_price_at(q)
            out.append((unit * q).round())
        return out

    money_lines = [(usd(str(p)), q) for p, q in plain_lines]

    def money_only() -> list[Money]:
        return [(unit * q).round() for unit, q in money_lines]

    runs = args.runs * 5
    bare_seconds = median_seconds(bare_quote, runs)
    list_seconds = median_seconds(list_step, runs)
    money_seconds = median_seconds(money_only, runs)
    priced_seconds = median_seconds(priced_quote, runs)
    print(f"   bare Decimal (q × p).quantize loop  {bare_seconds * 1e3:8.3f} ms")
    print(
        f"   unit_price_at (the list step)        {list_seconds * 1e3:8.3f} ms  "
        f"{list_seconds / bare_seconds:5.2f}x"
    )
    print(
        f"   Money (unit × q).round() alone       {money_seconds * 1e3:8.3f} ms  "
        f"{money_seconds / bare_seconds:5.2f}x  (foundation cost, not pricing)"
    )
    print(
        f"   list step + rounded line total       {priced_seconds * 1e3:8.3f} ms  "
        f"{priced_seconds / bare_seconds:5.2f}x  (the quote engine's budget is 8x in all)"
    )


def rows(quick: bool) -> list[Row]:
    """Graduated ``price()`` against the bare graduated loop, and Money's multiply-and-round
    against ``(p × q).quantize``, on the same quantities and prices (results asserted equal);
    the other models' ``price()`` without a floor (their arithmetic differs). 10^4 quantities
    (``quick``: 10^3)."""
    rng = random.Random(20261123)
    count = 1_000 if quick else 10_000
    rounds = 7
    quantities = [Decimal(rng.randint(0, 300_000)) for _ in range(count)]
    graduated = MODELS["graduated"]
    assert [graduated.price(q).amount for q in quantities] == [
        bare_graduated(q) for q in quantities
    ]
    found = [
        Row(
            "pricing",
            "Graduated.price()",
            count,
            *compare(
                lambda: [graduated.price(q) for q in quantities],
                lambda: [bare_graduated(q) for q in quantities],
                rounds,
            ),
        )
    ]
    prices = [Decimal(rng.randint(1, 100_000)) / 100 for _ in range(count)]
    plain_lines = list(zip(prices, quantities, strict=True))
    money_lines = [(usd(str(p)), q) for p, q in plain_lines]

    def money() -> list[Money]:
        return [(unit * q).round() for unit, q in money_lines]

    def bare() -> list[Decimal]:
        return [(p * q).quantize(CENT, rounding=ROUND_HALF_UP) for p, q in plain_lines]

    assert [m.amount for m in money()] == bare()
    found.append(Row("pricing", "Money (unit × q).round()", count, *compare(money, bare, rounds)))
    nan = float("nan")
    for name, model in MODELS.items():
        if name != "graduated":
            seconds = compare(partial(_prices, model, quantities), list, rounds)
            found.append(
                Row("pricing", f"{name} price() (no floor)", count, seconds.engine, nan, nan)
            )
    return found


if __name__ == "__main__":
    main()
