"""Benchmark: price a 1,000-line quote mixing every pricing model and discount type.

Run it by hand: ``.venv/bin/python benchmarks/bench_quote.py``. It prints the median of several
runs of :func:`revcycle.quotes.price_quote`, the median of a minimal hand-written loop doing the
same Decimal arithmetic per line (list × term × discounts, one rounding, written with plain
Decimal operators inside ``decimal.localcontext(CTX)``: the floor for pure Python), and their
ratio. Target: the engine within 8× of the floor; the last line says whether it is met. The
engine builds the steps' explanations lazily, so another figure shows the cost of materialising
every step.
"""

from __future__ import annotations

import decimal
import statistics
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from revcycle._numbers import CTX
from revcycle.catalog import Catalog, ChargeKind, ContractedPrice, PriceBook, Product
from revcycle.dates import Duration
from revcycle.money import Money, Percent
from revcycle.pricing import (
    AnyPricingModel,
    Discount,
    DiscountSchedule,
    DiscountTier,
    Flat,
    Graduated,
    Package,
    PerUnit,
    ScheduleKind,
    Stairstep,
    Tier,
    Volume,
)
from revcycle.quotes import Quote, QuoteLine, price_quote


LINES = 1_000
RUNS = 21
TARGET = 8


def usd(text: str) -> Money:
    return Money(text, "USD")


def build() -> tuple[Quote, Catalog]:
    tiers = [
        Tier(Decimal("10"), unit_price=usd("12.00")),
        Tier(Decimal("100"), unit_price=usd("10.00")),
        Tier(None, unit_price=usd("8.00")),
    ]
    stairs = [
        Tier(Decimal("10"), flat_price=usd("100")),
        Tier(Decimal("50"), flat_price=usd("400")),
    ]
    models: dict[str, AnyPricingModel] = {
        "FLAT": Flat(usd("500.00")),
        "UNIT": PerUnit(usd("100.00")),
        "GRAD": Graduated(tiers),
        "VOL": Volume(tiers),
        "STAIR": Stairstep(stairs, overage_unit_price=usd("7.50")),
        "PACK": Package(Decimal("10"), usd("45.00")),
    }
    range_schedule = DiscountSchedule(
        ScheduleKind.RANGE,
        [
            DiscountTier(Decimal("9")),
            DiscountTier(Decimal("49"), percent=Percent("10")),
            DiscountTier(None, percent=Percent("20")),
        ],
    )
    slab_schedule = DiscountSchedule(
        ScheduleKind.SLAB,
        [DiscountTier(Decimal("20")), DiscountTier(None, percent=Percent("5"))],
    )
    products = []
    for index, sku in enumerate(models):
        kind = (ChargeKind.RECURRING, ChargeKind.ONE_TIME, ChargeKind.USAGE)[index % 3]
        schedule = (range_schedule, slab_schedule, None)[index % 3]
        products.append(
            Product(
                sku,
                sku.title(),
                kind,
                Duration(months=12) if kind is ChargeKind.RECURRING else None,
                discount_schedule=schedule,
                cost=usd("3.00"),
            )
        )
    book = PriceBook("Standard", "USD", prices=models)
    contracted = [ContractedPrice("ACME", "UNIT", discount=Percent("7"))]
    discounts = [
        None,
        Discount.percent(Percent("15")),
        Discount.amount(usd("0.50")),
        Discount.unit_price(usd("6.00")),
        Discount.total(usd("40.00")),
    ]
    skus = list(models)
    lines = [
        QuoteLine(skus[i % len(skus)], 5 + i % 60, discount=discounts[i % len(discounts)])
        for i in range(LINES)
    ]
    quote = Quote(
        "ACME",
        "USD",
        "Standard",
        date(2025, 1, 1),
        lines,
        term=Duration(months=24),
        partner_discount=Percent("5"),
        distributor_discount=Percent("2"),
    )
    return quote, Catalog(products, [book], contracted_prices=contracted)


def floor_loop(rows: list[tuple[Decimal, Decimal]]) -> Decimal:
    """The bare Decimal arithmetic of a simple line: list × term × four discounts, rounded.

    Written the way a person would write it by hand (the issue's minimal loop), with plain
    Decimal operators inside one ``decimal.localcontext(CTX)`` (revcycle's 50-digit context):
    operators are several times faster than ``CTX.multiply(...)`` method calls, so this is the
    honest floor for pure Python.
    """
    multiplier = Decimal(2)
    volume, additional = Decimal("0.9"), Decimal("0.85")
    partner, distributor = Decimal("0.95"), Decimal("0.98")
    cent = Decimal("0.01")
    total = Decimal(0)
    with decimal.localcontext(CTX):
        for unit, quantity in rows:
            net = unit * multiplier * volume * additional * partner * distributor
            total += (net * quantity).quantize(cent, rounding=decimal.ROUND_HALF_UP)
    return total


def strict_floor_loop(rows: list[tuple[Decimal, Decimal]]) -> Decimal:
    """:func:`floor_loop` with ``quantize``'s rounding passed positionally, as the engine does.

    ``Decimal.quantize`` parses keyword arguments slowly (about 0.2 µs a call here), so this
    stricter floor does not flatter the engine with a cost the engine itself avoids.
    """
    multiplier = Decimal(2)
    volume, additional = Decimal("0.9"), Decimal("0.85")
    partner, distributor = Decimal("0.95"), Decimal("0.98")
    cent = Decimal("0.01")
    half_up = decimal.ROUND_HALF_UP
    total = Decimal(0)
    with decimal.localcontext(CTX):
        for unit, quantity in rows:
            net = unit * multiplier * volume * additional * partner * distributor
            total += (net * quantity).quantize(cent, half_up)
    return total


def timed_ms(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    quote, catalog = build()
    rows = [(Decimal("100.00"), line.quantity) for line in quote.lines]
    assert floor_loop(rows) == strict_floor_loop(rows)
    price_quote(quote, catalog)  # warm up imports and caches of the models

    def explained() -> None:
        for line in price_quote(quote, catalog).lines:
            line.steps  # noqa: B018 - materialise the explanation

    # Interleave the runs so that all see the same machine load; report medians.
    engine: list[float] = []
    floor: list[float] = []
    strict: list[float] = []
    ratios: list[float] = []
    strict_ratios: list[float] = []
    for _ in range(RUNS):
        floor.append(timed_ms(lambda: floor_loop(rows)))
        strict.append(timed_ms(lambda: strict_floor_loop(rows)))
        engine.append(timed_ms(lambda: price_quote(quote, catalog)))
        ratios.append(engine[-1] / floor[-1])
        strict_ratios.append(engine[-1] / strict[-1])
    with_steps = [timed_ms(explained) for _ in range(max(3, RUNS // 3))]
    median = statistics.median
    print(f"price_quote, {LINES} lines (every model and discount type): {median(engine):8.2f} ms")
    print(f"bare Decimal loop, {LINES} simple lines (the floor):          {median(floor):8.2f} ms")
    print(
        f"ratio engine / floor: {median(engine) / median(floor):.1f}× of the medians, "
        f"{median(ratios):.1f}× median of {RUNS} paired runs, "
        f"{min(engine) / min(floor):.1f}× best of each (target: within {TARGET}×)"
    )
    print(f"stricter floor (quantize's rounding passed positionally):  {median(strict):8.2f} ms")
    print(
        f"ratio engine / stricter floor: {median(strict_ratios):.1f}× median of paired runs, "
        f"{min(engine) / min(strict):.1f}× best of each"
    )
    print(
        f"price_quote and building every step's explanation:         {median(with_steps):8.2f} ms"
    )
    # The verdict reads the paired ratio: each pair ran back to back under the same load.
    verdict = "met" if median(ratios) <= TARGET else "MISSED"
    print(f"target (engine within {TARGET}× of the floor, median paired ratio): {verdict}")


if __name__ == "__main__":
    main()
