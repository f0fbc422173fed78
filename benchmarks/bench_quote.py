"""Benchmark: price quotes of 10³ to 10⁶ lines against a hand-written Decimal floor.

Run it by hand: ``.venv/bin/python benchmarks/bench_quote.py [--quick]``; the runner
(``benchmarks/run.py``) calls :func:`rows`. Two quotes:

* **1,000 distinct SKUs**: every pricing model (per unit, flat, graduated, volume, stairstep,
  package) at its own prices and tier tables, recurring lines priced per 1, 3, 12 or 24
  months, one-time and usage lines, range (some aggregated) and slab discount schedules,
  contracted prices and contracted percents, every kind of manual discount, four line spans
  (the quote's 18 months and 15 days, and three ramps) under ``MONTHLY_DAILY``, and partner
  and distributor discounts;
* **the mixed six-model quote**: six SKUs, one of each model, the same discount types, over 24
  months.

The floor is a loop a person would write by hand over the same inputs (the catalog and the
lines read into plain tuples beforehand, not timed), doing the same arithmetic in revcycle's
50-digit context with Decimal operators: the list step's tier walk, the contracted price,
the discount schedule, the term multiplier counted from whole months and leftover days
(× 12/365, over the months of the pricing term; kept per distinct span and term in a dict
built inside the timed call), the manual discount, partner and distributor, then one rounding
per line (half-up at the cent). Before any timing each size asserts that every line's total
and the totals per charge kind are equal to the engine's. Engine and floor run in interleaved
rounds (``benchmarks/_rounds.compare``); the figures are CPU-time medians and the median
per-round ratio.

Four more figures: the cost of reading every line's ``steps`` after pricing, a line at a
time, against the pricing itself (target: no more than it); then of reading every step's
``reason`` (the text, written on first read; no target); of reading every line's steps and
keeping them all (a list of 7 step objects per line, which the cyclic collector then walks
again and again as it grows; no target, shown so that a reader sees what keeping them costs);
and the engine's CPU per line at the largest size against 10³ lines (target: under 1.2×).
The engine's time includes freeing its result; the peak memory is ``tracemalloc``'s over one
pricing (up to 10⁵ lines: tracing 10⁶ takes minutes).
"""

from __future__ import annotations

import calendar
import decimal
import gc
import math
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypedDict


# Run as a script (the runner may import it too): _rounds sits beside this file.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _rounds import Row, compare

from revcycle._numbers import CTX
from revcycle.catalog import Catalog, ChargeKind, ContractedPrice, PriceBook, Product
from revcycle.dates import Duration
from revcycle.money import Money, Percent
from revcycle.pricing import (
    AnyPricingModel,
    Discount,
    DiscountKind,
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
from revcycle.proration import ProrationMethod
from revcycle.quotes import PricedQuote, Quote, QuoteLine, price_quote


BENCH = "quote"
SIZES = (10**3, 10**4, 10**5, 10**6)
ROUNDS = {10**3: 21, 10**4: 11, 10**5: 5, 10**6: 3}
TARGET_DISTINCT = 8.0  # ≤ 8× its floor at 10³ and 10⁵ lines (goal 3×)
TARGET_MIXED = 5.0
TARGET_STEPS = 1.0  # reading every line's steps costs no more than pricing
TARGET_GROWTH = 1.2  # per-line CPU at 10⁶ lines under 1.2× that at 10³
DISTINCT_SKUS = 1_000


def usd(text: str | Decimal) -> Money:
    return Money(text, "USD")


# --------------------------------------------------------------------------------------------
# The quotes


def _price(i: int, low: int, spread: int) -> Decimal:
    """A distinct-looking price: low + (37 i mod spread) dollars and i mod 100 cents."""
    return Decimal(low + (i * 37) % spread) + Decimal(i % 100) / 100


def _model(i: int) -> Flat | PerUnit | Graduated | Volume | Stairstep | Package:
    kind = i % 6
    if kind == 0:
        return PerUnit(usd(_price(i, 5, 400)))
    if kind == 1:
        return Flat(usd(_price(i, 200, 5000)))
    first, second = Decimal(5 + i % 5 * 5), Decimal(60 + i % 7 * 15)
    top = _price(i, 20, 200)
    tiers = [
        Tier(first, unit_price=usd(top)),
        Tier(second, unit_price=usd(top * Decimal("0.8")), flat_price=usd(Decimal(i % 40))),
        Tier(None, unit_price=usd(top * Decimal("0.65"))),
    ]
    if kind == 2:
        return Graduated(tiers)
    if kind == 3:
        return Volume(tiers)
    if kind == 4:
        stairs = [Tier(first, flat_price=usd(top * 5)), Tier(second, flat_price=usd(top * 30))]
        return Stairstep(stairs, overage_unit_price=usd(top * Decimal("0.55")))
    return Package(Decimal(5 + i % 20), usd(_price(i, 40, 900)))


def _schedule(i: int) -> DiscountSchedule | None:
    if i % 4 == 0:
        return DiscountSchedule(
            ScheduleKind.RANGE,
            [
                DiscountTier(Decimal(9 + i % 3)),
                DiscountTier(Decimal(49), percent=Percent(5 + i % 10)),
                DiscountTier(None, percent=Percent(Decimal(15 + i % 10) + Decimal("0.5"))),
            ],
            aggregate=i % 8 == 0,
        )
    if i % 4 == 1:
        return DiscountSchedule(
            ScheduleKind.SLAB,
            [
                DiscountTier(Decimal(20 + i % 9)),
                DiscountTier(Decimal(80), percent=Percent(3 + i % 6)),
                DiscountTier(None, percent=Percent(9 + i % 6)),
            ],
        )
    return None


_KINDS = (ChargeKind.RECURRING,) * 7 + (ChargeKind.ONE_TIME,) * 2 + (ChargeKind.USAGE,)
_TERM_MONTHS = (12, 1, 12, 3, 24, 12, 1)


def distinct_catalog(skus: int = DISTINCT_SKUS) -> tuple[Catalog, list[str]]:
    """``skus`` distinct products, each with its own price and tier table."""
    products, prices, contracted = [], {}, []
    names = [f"SKU-{i:04d}" for i in range(skus)]
    for i, sku in enumerate(names):
        kind = _KINDS[i % len(_KINDS)]
        per = Duration(months=_TERM_MONTHS[i % 7]) if kind is ChargeKind.RECURRING else None
        products.append(Product(sku, f"Product {i}", kind, per, discount_schedule=_schedule(i)))
        prices[sku] = _model(i)
        if i % 50 == 0:
            contracted.append(ContractedPrice("ACME", sku, discount=Percent(7 + i % 5)))
        elif i % 50 == 25 and isinstance(prices[sku], PerUnit):
            contracted.append(ContractedPrice("ACME", sku, price=usd(_price(i, 4, 300))))
    book = PriceBook("Standard", "USD", prices=prices)
    return Catalog(products, [book], contracted_prices=contracted), names


_DISCOUNTS = (
    None,
    Discount.percent(Percent("15")),
    Discount.amount(usd("0.50")),
    None,
    Discount.unit_price(usd("6.00")),
    Discount.percent(Percent("7.5")),
    Discount.total(usd("40.00")),
)
_START = date(2025, 1, 1)


class _Ramp(TypedDict, total=False):
    """A line's own dates, as ``QuoteLine`` takes them."""

    start_date: date
    end_date: date


_RAMPS: tuple[_Ramp, ...] = (
    {},
    {},
    {},
    {},
    {},
    {"start_date": date(2025, 7, 1)},
    {"end_date": date(2025, 12, 31)},
    {"start_date": date(2025, 4, 15), "end_date": date(2026, 3, 14)},
)


def distinct_quote(n: int, names: list[str]) -> Quote:
    """``n`` lines spread over the distinct SKUs, 18 months and 15 days long."""
    lines = []
    count = len(names)
    for i in range(n):
        quantity = Decimal(1 + (i * 31) % 150) + (Decimal("0.5") if i % 13 == 0 else 0)
        lines.append(
            QuoteLine(
                names[(i * 7919) % count],
                quantity,
                discount=_DISCOUNTS[i % len(_DISCOUNTS)],
                **_RAMPS[i % len(_RAMPS)],
            )
        )
    return Quote(
        "ACME",
        "USD",
        "Standard",
        _START,
        lines,
        end_date=date(2026, 7, 15),
        partner_discount=Percent("5"),
        distributor_discount=Percent("2"),
    )


def mixed_catalog() -> tuple[Catalog, list[str]]:
    """Six SKUs, one per pricing model, with range and slab schedules and a contracted price."""
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
        ScheduleKind.SLAB, [DiscountTier(Decimal("20")), DiscountTier(None, percent=Percent("5"))]
    )
    products = []
    for index, sku in enumerate(models):
        kind = (ChargeKind.RECURRING, ChargeKind.ONE_TIME, ChargeKind.USAGE)[index % 3]
        products.append(
            Product(
                sku,
                sku.title(),
                kind,
                Duration(months=12) if kind is ChargeKind.RECURRING else None,
                discount_schedule=(range_schedule, slab_schedule, None)[index % 3],
                cost=usd("3.00"),
            )
        )
    book = PriceBook("Standard", "USD", prices=models)
    contracted = [ContractedPrice("ACME", "UNIT", discount=Percent("7"))]
    return Catalog(products, [book], contracted_prices=contracted), list(models)


def mixed_quote(n: int, skus: list[str]) -> Quote:
    """``n`` lines cycling over the six SKUs and the discount types, over 24 months."""
    discounts = [
        None,
        Discount.percent(Percent("15")),
        Discount.amount(usd("0.50")),
        Discount.unit_price(usd("6.00")),
        Discount.total(usd("40.00")),
    ]
    lines = [
        QuoteLine(skus[i % len(skus)], 5 + i % 60, discount=discounts[i % len(discounts)])
        for i in range(n)
    ]
    return Quote(
        "ACME",
        "USD",
        "Standard",
        date(2025, 1, 1),
        lines,
        term=Duration(months=24),
        partner_discount=Percent("5"),
        distributor_discount=Percent("2"),
    )


# --------------------------------------------------------------------------------------------
# The floor: the same arithmetic, written by hand on plain tuples

PER_UNIT, FLAT, GRADUATED, VOLUME, STAIRSTEP, PACKAGE = range(6)
PERCENT, AMOUNT, UNIT_PRICE, TOTAL = range(4)
ONE, HUNDRED, ZERO = Decimal(1), Decimal(100), Decimal(0)


def _amount(money: Money | None) -> Decimal:
    """A price's amount, zero when the tier has none."""
    return ZERO if money is None else money.amount


def _model_row(model: Any) -> tuple[Any, ...]:
    """A pricing model as the floor reads it: a code and its numbers (tier rows as the tier
    walk uses them)."""
    if isinstance(model, PerUnit):
        return (PER_UNIT, model.unit_price.amount)
    if isinstance(model, Flat):
        return (FLAT, model.amount.amount)
    if isinstance(model, Graduated):
        rows: list[tuple[Any, ...]] = []
        lower, below = ZERO, ZERO
        for tier in model.tiers:
            unit, flat = _amount(tier.unit_price), _amount(tier.flat_price)
            rows.append((tier.up_to, lower, below + flat, unit))
            if tier.up_to is not None:
                below += (tier.up_to - lower) * unit + flat
                lower = tier.up_to
        return (GRADUATED, tuple(rows))
    if isinstance(model, Volume):
        volume = [(t.up_to, _amount(t.unit_price), _amount(t.flat_price)) for t in model.tiers]
        return (VOLUME, tuple(volume))
    if isinstance(model, Stairstep):
        steps = [(t.up_to, _amount(t.flat_price)) for t in model.tiers]
        return (STAIRSTEP, tuple(steps), _amount(model.overage_unit_price))
    assert isinstance(model, Package)
    return (PACKAGE, model.size, model.package_price.amount, model.free_units)


def floor_inputs(quote: Quote, catalog: Catalog) -> tuple[Any, ...]:
    """The quote and catalog read into plain tuples (not timed): per SKU its model, charge
    kind, pricing term in months, discount schedule and contracted price; per line its SKU,
    quantity, discount and span."""
    book = catalog.price_book(quote.price_book, quote.currency)
    skus: dict[str, tuple[Any, ...]] = {}
    with decimal.localcontext(CTX):
        for line in quote.lines:
            if line.sku in skus:
                continue
            product = catalog.product(line.sku)
            schedule = None
            if product.discount_schedule is not None:
                ds = product.discount_schedule
                tiers = tuple(
                    (
                        t.up_to,
                        None if t.percent is None else t.percent.value,
                        None if t.percent is None else ONE - t.percent.value / HUNDRED,
                    )
                    for t in ds.tiers
                )
                schedule = (ds.kind is ScheduleKind.RANGE, ds.aggregate, tiers)
            contracted = catalog.contracted_price(quote.account, line.sku, quote.start_date)
            deal: tuple[Decimal | None, Decimal | None] | None = None
            if contracted is not None:
                if contracted.price is not None:
                    deal = (contracted.price.amount, None)
                else:
                    assert contracted.discount is not None
                    deal = (None, ONE - contracted.discount.value / HUNDRED)
            per = product.pricing_term
            months = (
                per.total_months if product.charge_kind is ChargeKind.RECURRING and per else None
            )
            skus[line.sku] = (
                _model_row(book.model(line.sku)),
                product.charge_kind,
                months,
                schedule,
                deal,
            )
        discounts: dict[Discount, tuple[int, Decimal]] = {}
        for discount in {line.discount for line in quote.lines} - {None}:
            assert discount is not None
            if discount.kind is DiscountKind.PERCENT:
                assert isinstance(discount.value, Percent)
                discounts[discount] = (PERCENT, ONE - discount.value.value / HUNDRED)
            else:
                assert isinstance(discount.value, Money)
                code = {DiscountKind.AMOUNT: AMOUNT, DiscountKind.UNIT_PRICE: UNIT_PRICE}
                discounts[discount] = (code.get(discount.kind, TOTAL), discount.value.amount)
        partner = quote.partner_discount
        distributor = quote.distributor_discount
        factors = tuple(
            None if p is None else ONE - p.value / HUNDRED for p in (partner, distributor)
        )
    period = quote.period
    lines = tuple(
        (
            line.sku,
            line.quantity,
            None if line.discount is None else discounts[line.discount],
            line.start_date or period.start,
            period.end if line.end_date is None else line.end_date + timedelta(days=1),
        )
        for line in quote.lines
    )
    assert quote.proration_method is ProrationMethod.MONTHLY_DAILY
    return skus, lines, factors


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _term_factors(start: date, end: date, per_months: int) -> tuple[Decimal, Decimal | None]:
    """MONTHLY_DAILY by hand: whole months stepped from ``start`` (month ends clamped), then
    the leftover days × 12/365, over the months of the pricing term; as numerator and
    denominator (None when whole)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    boundary = _add_months(start, months)
    if boundary > end:
        months -= 1
        boundary = _add_months(start, months)
    leftover = (end - boundary).days
    numerator, denominator = months * 365 + leftover * 12, 365 * per_months
    common = math.gcd(numerator, denominator)
    numerator, denominator = numerator // common, denominator // common
    return Decimal(numerator), None if denominator == 1 else Decimal(denominator)


def floor(inputs: tuple[Any, ...]) -> tuple[list[Decimal], dict[ChargeKind, Decimal]]:
    """Every line's rounded total and the sums per charge kind, by hand."""
    skus, lines, (partner, distributor) = inputs
    cent = Decimal("0.01")
    half_up = decimal.ROUND_HALF_UP
    recurring = ChargeKind.RECURRING
    totals: list[Decimal] = []
    sums = dict.fromkeys(ChargeKind, ZERO)
    terms: dict[tuple[date, date, int], tuple[Decimal, Decimal | None]] = {}
    with decimal.localcontext(CTX):
        aggregated: dict[str, Decimal] = {}
        for sku, q, _, _, _ in lines:
            schedule = skus[sku][3]
            if schedule is not None and schedule[1]:
                aggregated[sku] = aggregated.get(sku, ZERO) + q
        for sku, q, discount, start, end in lines:
            model, kind, per, schedule, deal = skus[sku]
            # list: the model's effective unit price at q (a tier walk for tiered models)
            code = model[0]
            if code == PER_UNIT:
                unit = model[1]
            elif not q:
                unit = ZERO
            elif code == FLAT:
                unit = model[1] / q
            elif code == GRADUATED:
                for upper, lower, base, price in model[1]:
                    if upper is None or q <= upper:
                        unit = (base + (q - lower) * price) / q
                        break
            elif code == VOLUME:
                for upper, price, flat in model[1]:
                    if upper is None or q <= upper:
                        unit = (q * price + flat) / q
                        break
            elif code == STAIRSTEP:
                for upper, flat in model[1]:
                    if upper is None or q <= upper:
                        unit = flat / q
                        break
                else:
                    unit = (flat + (q - upper) * model[2]) / q
            else:
                _, size, price, free = model
                billable = q - free
                packages = ZERO
                if billable > ZERO:
                    packages, rest = divmod(billable, size)
                    if rest:
                        packages = packages + ONE
                unit = packages * price / q
            # contracted: a price replaces list, or a percent off it
            if deal is not None:
                unit = deal[0] if deal[1] is None else unit * deal[1]
            # volume: the discount schedule, range (tier of q) or slab (blended)
            is_range, aggregate, tiers = schedule or (False, False, ())
            tier_q = aggregated[sku] if aggregate else q
            if schedule is not None and tier_q:
                if is_range:
                    for up_to, _, factor in tiers:
                        if up_to is None or tier_q <= up_to:
                            if factor is not None:
                                unit = unit * factor
                            break
                else:
                    off, lower = ZERO, ZERO
                    for up_to, percent, _ in tiers:
                        last = up_to is None or q <= up_to
                        top = q if last else up_to
                        if percent is not None:
                            off = off + (top - lower) * (unit * percent / HUNDRED)
                        if last:
                            break
                        lower = top
                    unit = unit - off / q
            # term: × whole months and leftover days ÷ months of the pricing term
            if kind is recurring:
                key = (start, end, per)
                factors = terms.get(key)
                if factors is None:
                    factors = terms[key] = _term_factors(start, end, per)
                numerator, denominator = factors
                if denominator is None:
                    if numerator != ONE:
                        unit = unit * numerator
                else:
                    unit = unit * numerator / denominator
            # additional: the rep's discount
            if discount is not None:
                how, value = discount
                if how == PERCENT:
                    unit = unit * value
                elif how == AMOUNT:
                    unit = unit - value
                elif how == UNIT_PRICE:
                    unit = value
                else:
                    unit = value / q
            if partner is not None:
                unit = unit * partner
            if distributor is not None:
                unit = unit * distributor
            total = (unit * q).quantize(cent, half_up)
            sums[kind] += total
            totals.append(total)
    return totals, sums


def check_equal(priced: PricedQuote, inputs: tuple[Any, ...]) -> None:
    """The floor's line totals and sums equal the engine's, exactly."""
    totals, sums = floor(inputs)
    engine = [line.net_total.amount for line in priced.lines]
    assert len(engine) == len(totals)
    for number, (mine, theirs) in enumerate(zip(engine, totals, strict=True), 1):
        assert mine == theirs, f"line {number}: engine {mine} != floor {theirs}"
    assert priced.one_time_total.amount == sums[ChargeKind.ONE_TIME]
    assert priced.recurring_total.amount == sums[ChargeKind.RECURRING]
    assert priced.usage_total.amount == sums[ChargeKind.USAGE]


# --------------------------------------------------------------------------------------------
# Timing


def _peak_mb(action: Callable[[], object]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def steps_against_pricing(
    quote: Quote, catalog: Catalog, rounds: int
) -> tuple[float, float, float, float]:
    """CPU medians of reading every line's ``steps`` on a freshly priced quote (a reader that
    looks at each line's steps and moves on), then of reading every step's ``reason`` (the
    text, written on first read), of reading every line's steps and keeping them all in a
    list, and of the pricing itself, in the same rounds."""
    reads, reasons, keeps, prices = [], [], [], []
    for _ in range(rounds):
        start = time.process_time()
        priced = price_quote(quote, catalog)
        middle = time.process_time()
        for line in priced.lines:
            line.steps  # noqa: B018 - built when read
        end = time.process_time()
        for line in priced.lines:
            for step in line.steps:
                step.reason  # noqa: B018 - written on first read
        after = time.process_time()
        kept = [line.steps for line in priced.lines]
        keeps.append(time.process_time() - after)
        reasons.append(after - end)
        reads.append(end - middle)
        prices.append(middle - start)
        del priced, kept
    median = statistics.median
    return median(reads), median(reasons), median(keeps), median(prices)


def _case(
    case: str, quote: Quote, catalog: Catalog, n: int, target: float | None, memory: bool
) -> Row:
    inputs = floor_inputs(quote, catalog)
    check_equal(price_quote(quote, catalog), inputs)
    result = compare(lambda: price_quote(quote, catalog), lambda: floor(inputs), ROUNDS[n])
    peak = _peak_mb(lambda: price_quote(quote, catalog)) if memory else None
    return Row(BENCH, case, n, result.engine, result.floor, result.ratio, peak, target)


def rows(quick: bool) -> list[Row]:
    """The table rows: per size, the 1,000-SKU quote and the mixed six-model quote against
    their floors, reading ``steps`` against pricing, and the per-line growth from 10³ lines."""
    return list(_rows(quick))


def _rows(quick: bool) -> Iterator[Row]:
    sizes = SIZES[:-1] if quick else SIZES
    catalog, names = distinct_catalog()
    mixed, mixed_skus = mixed_catalog()
    per_line: dict[int, float] = {}
    for n in sizes:
        memory = n <= 10**5
        quote = distinct_quote(n, names)
        price_quote(quote, catalog)  # warm up
        row = _case(f"{DISTINCT_SKUS:,} distinct SKUs", quote, catalog, n, TARGET_DISTINCT, memory)
        yield row
        per_line[n] = row.engine_cpu / n
        reads, reasons, keeps, pricing = steps_against_pricing(
            quote, catalog, max(3, ROUNDS[n] // 2)
        )
        yield Row(
            BENCH, "read steps ÷ pricing", n, reads, pricing, reads / pricing, None, TARGET_STEPS
        )
        yield Row(BENCH, "then every reason ÷ pricing", n, reasons, pricing, reasons / pricing)
        yield Row(BENCH, "steps read and all kept ÷ pricing", n, keeps, pricing, keeps / pricing)
        del quote
        yield (
            _case(
                "mixed six-model quote", mixed_quote(n, mixed_skus), mixed, n, TARGET_MIXED, memory
            )
        )
    largest = sizes[-1]
    yield (
        Row(
            BENCH,
            f"{DISTINCT_SKUS:,} SKUs: CPU per line ÷ at 10³ lines",
            largest,
            per_line[largest],
            per_line[sizes[0]],
            per_line[largest] / per_line[sizes[0]],
            None,
            TARGET_GROWTH,
        )
    )


def main() -> None:
    quick = "--quick" in sys.argv
    print(
        f"{'case':<40}{'n':>10}{'engine ms':>12}{'floor ms':>11}{'ratio':>8}{'peak MB':>9}"
        f"{'target':>8}"
    )
    for row in _rows(quick):
        peak = "" if row.peak_mb is None else f"{row.peak_mb:.1f}"
        target = "" if row.target is None else f"≤ {row.target:g}"
        verdict = "" if row.target is None else ("  met" if row.ratio <= row.target else "  MISSED")
        print(
            f"{row.case:<40}{row.n:>10,}{row.engine_cpu * 1000:>12.2f}{row.floor_cpu * 1000:>11.2f}"
            f"{row.ratio:>8.2f}{peak:>9}{target:>8}{verdict}",
            flush=True,
        )


if __name__ == "__main__":
    main()
