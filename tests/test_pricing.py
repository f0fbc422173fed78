"""Pricing models, discount schedules and manual discounts (revcycle.pricing)."""

from __future__ import annotations

import contextlib
import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from helpers import usd
from revcycle import errors
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
    PriceRow,
    ScheduleKind,
    Stairstep,
    Tier,
    Volume,
)
from revcycle.serialization import dumps, loads, structure, unstructure
from revcycle.serialization._pricing import PRICING_MODEL_TAGS


D = Decimal


# The issue's example table: 1–5 at 7.00, 6–10 at 6.50, 11+ at 6.00 (Stripe-style inclusive
# up_to; anchors/billing.md §2.2).
ISSUE_TIERS = (
    Tier(D("5"), unit_price=usd("7.00")),
    Tier(D("10"), unit_price=usd("6.50")),
    Tier(None, unit_price=usd("6.00")),
)


# --------------------------------------------------------------------------------------------
# Strategies

quantities = st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False)
prices = st.decimals(min_value=0, max_value=10**4, places=4, allow_nan=False)


@st.composite
def bounds(draw: st.DrawFn, min_size: int = 1, max_size: int = 5) -> list[Decimal]:
    """Strictly increasing positive bounds."""
    steps = draw(
        st.lists(
            st.decimals(min_value=D("0.001"), max_value=1000, places=3, allow_nan=False),
            min_size=min_size,
            max_size=max_size,
        )
    )
    out: list[Decimal] = []
    running = D(0)
    for step in steps:
        running += step
        out.append(running)
    return out


@st.composite
def tier_tables(
    draw: st.DrawFn, *, flat: bool = True, unit: bool = True, unlimited: bool = True
) -> list[Tier]:
    limits: list[Decimal | None] = list(draw(bounds(min_size=0 if unlimited else 1)))
    if unlimited:
        limits.append(None)
    tiers = []
    for up_to in limits:
        unit_price = usd(str(draw(prices))) if unit and draw(st.booleans()) else None
        flat_price = usd(str(draw(prices))) if flat and draw(st.booleans()) else None
        tiers.append(Tier(up_to, unit_price, flat_price))
    if all(t.unit_price is None and t.flat_price is None for t in tiers):
        first = tiers[0]
        tiers[0] = Tier(first.up_to, usd("1") if unit else None, None if unit else usd("1"))
    return tiers


graduated_models = tier_tables().map(Graduated)
volume_models = tier_tables().map(Volume)
stairstep_models = st.one_of(
    tier_tables(unit=False).map(Stairstep),
    st.builds(
        Stairstep,
        tier_tables(unit=False, unlimited=False),
        overage_unit_price=prices.map(lambda p: usd(str(p))),
    ),
)
package_models = st.builds(
    Package,
    st.decimals(min_value=D("0.01"), max_value=1000, places=2, allow_nan=False),
    prices.map(lambda p: usd(str(p))),
    free_units=st.decimals(min_value=0, max_value=100, places=1, allow_nan=False),
)
per_unit_models = prices.map(lambda p: PerUnit(usd(str(p))))
flat_models = prices.map(lambda p: Flat(usd(str(p))))
any_models: st.SearchStrategy[Any] = st.one_of(
    flat_models, per_unit_models, graduated_models, volume_models, stairstep_models, package_models
)


def _units(row: PriceRow) -> Decimal:
    return row.units * (row.unit_price.amount if row.unit_price else 0) + (
        row.flat_price.amount if row.flat_price else 0
    )


# --------------------------------------------------------------------------------------------
# Properties


@given(any_models, quantities)
def test_breakdown_sums_to_price_and_each_row_is_units_times_price(model: Any, q: Decimal) -> None:
    rows = model.breakdown(q)
    total = sum((row.amount.amount for row in rows), D(0))
    assert total == model.price(q).amount
    for row in rows:
        assert row.amount.amount == _units(row)
        assert row.amount.currency == model.currency


@given(any_models)
def test_zero_quantity_costs_zero_under_every_model(model: Any) -> None:
    # docs/explanation/tier-conventions.md: no tier is entered, so no flat price is charged either.
    assert model.price(0) == Money.zero(model.currency)
    assert model.price("0.000") == Money.zero(model.currency)
    assert model.breakdown(0) == ()
    assert model.unit_price_at(0) == Money.zero(model.currency)


@given(st.one_of(per_unit_models, graduated_models, package_models), quantities, quantities)
def test_per_unit_graduated_and_package_never_decrease(model: Any, a: Decimal, b: Decimal) -> None:
    low, high = sorted((a, b))
    assert model.price(low) <= model.price(high)


@given(tier_tables(flat=False), st.data())
def test_graduated_is_continuous_at_tier_bounds(tiers: list[Tier], data: st.DataObject) -> None:
    """Without flat prices, crossing a bound by e adds exactly e × the next tier's price."""
    model = Graduated(tiers)
    for number, tier in enumerate(tiers[:-1]):
        assert tier.up_to is not None
        next_tier = tiers[number + 1]
        room = (next_tier.up_to - tier.up_to) if next_tier.up_to is not None else D(1000)
        e = data.draw(st.decimals(min_value=D("0.0001"), max_value=room, places=4))
        unit = next_tier.unit_price.amount if next_tier.unit_price else D(0)
        assert model.price(tier.up_to + e).amount == model.price(tier.up_to).amount + e * unit


def _reference_graduated(tiers: list[Tier], q: Fraction) -> Fraction:
    """Graduated pricing written from anchors/billing.md §2.3 with exact fractions."""
    total = Fraction(0)
    lower = Fraction(0)
    for tier in tiers:
        if q <= lower:
            break
        upper = Fraction(tier.up_to) if tier.up_to is not None else None
        units = (q if upper is None else min(q, upper)) - lower
        total += units * Fraction(tier.unit_price.amount if tier.unit_price else 0)
        total += Fraction(tier.flat_price.amount if tier.flat_price else 0)
        if upper is None:
            break
        lower = upper
    return total


@given(tier_tables(), quantities)
def test_graduated_matches_an_exact_reference(tiers: list[Tier], q: Decimal) -> None:
    assert Fraction(Graduated(tiers).price(q).amount) == _reference_graduated(tiers, Fraction(q))


@given(tier_tables(), quantities)
def test_volume_prices_every_unit_at_the_first_tier_holding_q(
    tiers: list[Tier], q: Decimal
) -> None:
    assume(q > 0)
    tier = next(t for t in tiers if t.up_to is None or q <= t.up_to)
    unit = tier.unit_price.amount if tier.unit_price else 0
    flat = tier.flat_price.amount if tier.flat_price else 0
    assert Volume(tiers).price(q).amount == q * unit + flat


@given(package_models, quantities)
def test_package_is_whole_packages_of_the_billable_units(model: Package, q: Decimal) -> None:
    # docs/reference/pricing.md, Package: ceil(max(q - free_units, 0) / size) × package_price.
    billable = max(Fraction(q) - Fraction(model.free_units), Fraction(0))
    packages = math.ceil(billable / Fraction(model.size))
    assert model.price(q).amount == packages * model.package_price.amount
    assert model.packages(q) == packages


@given(any_models, quantities)
def test_unit_price_at_is_price_over_quantity(model: Any, q: Decimal) -> None:
    assume(q > 0)
    effective = model.unit_price_at(q).amount
    assert abs(effective * q - model.price(q).amount) < D("1e-40")


@given(any_models)
def test_models_round_trip_through_json(model: Any) -> None:
    assert structure(unstructure(model), type(model)) == model
    data = unstructure(model, AnyPricingModel)
    assert data["type"] == {v: k for k, v in PRICING_MODEL_TAGS.items()}[type(model)]
    assert structure(data, AnyPricingModel) == model  # type: ignore[arg-type]
    assert loads(dumps(model), type(model)) == model


bad_quantities = st.one_of(
    st.floats(),
    st.text(max_size=6),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.integers(max_value=-1),
    st.decimals(max_value=D("-0.001")),
    st.none(),
    st.booleans(),
    st.just(D("1e999999")),
    st.just(D("9" * 80)),
)


@given(any_models, bad_quantities)
def test_bad_quantities_raise_only_revcycle_errors(model: Any, q: Any) -> None:
    for method in (model.price, model.breakdown, model.unit_price_at):
        with contextlib.suppress(errors.RevcycleError):
            method(q)


junk = st.one_of(
    st.none(),
    st.floats(),
    st.integers(min_value=-5, max_value=5),
    st.text(max_size=4),
    st.decimals(allow_nan=True),
    prices.map(lambda p: usd(str(p))),
    prices.map(lambda p: Money(str(p), "EUR")),
    st.just(usd("-1")),
)


@given(st.lists(st.tuples(junk, junk, junk), max_size=4), junk)
def test_bad_tier_tables_raise_only_revcycle_errors(rows: list[Any], overage: Any) -> None:
    for build in (
        lambda t: Graduated(t),
        lambda t: Volume(t),
        lambda t: Stairstep(t, overage_unit_price=overage),
    ):
        with contextlib.suppress(errors.RevcycleError):
            build([Tier(*row) for row in rows])
    for make in (Flat, PerUnit, lambda p: Package(overage, p, free_units=overage)):
        for row in rows:
            with contextlib.suppress(errors.RevcycleError):
                make(row[1])


@given(st.lists(st.tuples(junk, junk), max_size=4), junk, junk)
def test_bad_discounts_raise_only_revcycle_errors(rows: list[Any], a: Any, b: Any) -> None:
    for kind in ("range", "slab", "other", None):
        with contextlib.suppress(errors.RevcycleError):
            DiscountSchedule(kind, [DiscountTier(x, percent=y) for x, y in rows])  # type: ignore[arg-type]
    for maker in (Discount.percent, Discount.amount, Discount.unit_price, Discount.total):
        with contextlib.suppress(errors.RevcycleError):
            maker(a).apply(usd("10"), b)


# --------------------------------------------------------------------------------------------
# Known answers


@pytest.mark.parametrize(
    ("quantity", "volume", "graduated"),
    [
        # The issue text: volume 5 → 35.00, 6 → 39.00; graduated 6 → 41.50.
        ("5", "35.00", "35.00"),
        ("6", "39.00", "41.50"),  # graduated: 5 × 7.00 + 1 × 6.50
        ("10", "65.00", "67.50"),  # 5 × 7.00 + 5 × 6.50
        ("11", "66.00", "73.50"),  # 67.50 + 1 × 6.00
        ("5.5", "35.75", "38.25"),  # fractional: 5 × 7.00 + 0.5 × 6.50 (docs/reference/pricing.md)
        ("0", "0", "0"),
    ],
)
def test_issue_example_volume_and_graduated(quantity: str, volume: str, graduated: str) -> None:
    assert Volume(ISSUE_TIERS).price(quantity).amount == D(volume)
    assert Graduated(ISSUE_TIERS).price(quantity).amount == D(graduated)


def test_volume_upper_bound_is_inclusive() -> None:
    # anchors/billing.md §2.4: Stripe q = 5 stays in tier 1–5; Lago 100 → 0–100.
    assert Volume(ISSUE_TIERS).breakdown(5)[0].tier == 1
    assert Volume(ISSUE_TIERS).breakdown("5.001")[0].tier == 2


def test_graduated_breakdown_rows() -> None:
    rows = Graduated(ISSUE_TIERS).breakdown(12)
    assert [(r.tier, r.units, r.amount) for r in rows] == [
        (1, D(5), usd("35.00")),
        (2, D(5), usd("32.50")),
        (3, D(2), usd("12.00")),
    ]
    assert rows[1].description == "tier 2: above 5 up to 10"


def test_graduated_flat_price_is_charged_once_a_tier_is_entered() -> None:
    # docs/reference/pricing.md: a graduated tier's flat price is charged once the quantity
    # enters that tier.
    # Hand computation: q = 11 → 10 + (10 × 1) + 20 + (1 × 0.5) = 40.5.
    model = Graduated(
        [
            Tier(D(10), unit_price=usd("1"), flat_price=usd("10")),
            Tier(None, unit_price=usd("0.5"), flat_price=usd("20")),
        ]
    )
    assert model.price(10) == usd("20")
    assert model.price(11) == usd("40.5")
    assert model.price(D("0.1")) == usd("10.1")


def test_flat_fee_is_independent_of_quantity() -> None:
    # anchors/billing.md §2.1: Zuora flat fee example, 160 units → $99.
    assert Flat(usd("99")).price(160) == usd("99")
    assert Flat(usd("99")).unit_price_at(160) == Money(D(99) / 160, "USD")


def test_per_unit_keeps_fractional_minor_units() -> None:
    # anchors/billing.md §2.1: unit prices may have fractional minor units; rounding is later.
    assert PerUnit(usd("0.0006")).price(1234) == usd("0.7404")


@pytest.mark.parametrize(
    ("quantity", "packages"),
    [
        ("4", 1),  # anchors/billing.md §2.5: Orb package size 10 → 4 units billed as 10
        ("10", 1),
        ("11", 2),  # ... 11 billed as 20
        ("0", 0),  # Lago: q − free ≤ 0 → 0 (Chargebee's minimum of one package is not used)
        ("0.5", 1),  # a started package counts in full
    ],
)
def test_package_known_answers(quantity: str, packages: int) -> None:
    model = Package(D(10), usd("2.50"))
    assert model.price(quantity) == usd("2.50") * packages


def test_package_free_units_come_off_first() -> None:
    # anchors/billing.md §2.5 (Lago): free units subtracted first; 13 units, 3 free, size 10
    # → 1 package; 14 → 2 packages.
    model = Package(D(10), usd("5"), free_units=D(3))
    assert [model.price(q).amount for q in (3, 13, 14)] == [0, 5, 10]
    assert model.breakdown(14)[0].units == 2
    assert "3 free" in model.breakdown(14)[0].description


def test_stairstep_flat_price_of_the_tier_and_overage() -> None:
    # Hand computation: 1–10 → 100, 11–50 → 400, past 50 → 400 + 9 per unit over 50.
    model = Stairstep(
        [Tier(D(10), flat_price=usd("100")), Tier(D(50), flat_price=usd("400"))],
        overage_unit_price=usd("9"),
    )
    assert [model.price(q).amount for q in (1, 10, 11, 50, 52)] == [100, 100, 400, 400, 418]
    rows = model.breakdown(52)
    assert [(r.tier, r.units, r.amount) for r in rows] == [
        (2, Decimal(50), usd("400")),
        (None, Decimal(2), usd("18")),
    ]
    unlimited = Stairstep([Tier(D(10), flat_price=usd("100")), Tier(None, flat_price=usd("150"))])
    assert unlimited.price(10**6) == usd("150")


BLOCKS = [(1, 11, usd("100")), (11, 51, usd("400")), (51, None, usd("700"))]


@given(st.integers(min_value=1, max_value=200))
def test_from_blocks_prices_like_salesforce_block_pricing(q: int) -> None:
    # anchors/cpq.md §2.3: lower-inclusive/upper-exclusive blocks; past the top block's lower
    # bound, block price + (quantity − block lower bound) × overage rate.
    model = Stairstep.from_blocks(BLOCKS, overage_unit_price=usd("5"))
    lower, upper, price = next(b for b in BLOCKS if b[0] <= q and (b[1] is None or q < b[1]))
    expected = price if upper is not None else price + usd("5") * (q - lower)
    assert model.price(q) == expected
    plain_blocks = Stairstep.from_blocks(BLOCKS)
    assert plain_blocks.price(q) == price


def test_from_blocks_validation() -> None:
    with pytest.raises(errors.TierError, match="first block starts at 5"):
        Stairstep.from_blocks([(5, None, usd("1"))])
    with pytest.raises(errors.RevcycleTypeError, match="must be Money"):
        Stairstep.from_blocks([(1, None, "1")])  # type: ignore[list-item]
    with pytest.raises(errors.TierError, match="starting at 0 with an overage"):
        Stairstep.from_blocks([(0, None, usd("1"))], overage_unit_price=usd("1"))


# --------------------------------------------------------------------------------------------
# Validation messages


def test_bounds_must_increase() -> None:
    with pytest.raises(errors.TierError, match=r"tier 2 has up_to=5 after up_to=5\."):
        Graduated([Tier(5, usd("1")), Tier(5, usd("1")), Tier(None, usd("1"))])


def test_only_the_last_tier_may_be_unlimited() -> None:
    with pytest.raises(errors.TierError, match="Only the last tier"):
        Volume([Tier(None, usd("1")), Tier(None, usd("1"))])


@pytest.mark.parametrize("model", [Graduated, Volume])
def test_graduated_and_volume_need_an_unlimited_last_tier(model: Any) -> None:
    with pytest.raises(errors.TierError, match="must have up_to=None"):
        model([Tier(5, usd("1"))])


def test_stairstep_needs_an_unlimited_tier_or_an_overage() -> None:
    with pytest.raises(errors.TierError, match="no overage_unit_price"):
        Stairstep([Tier(5, flat_price=usd("1"))])
    with pytest.raises(errors.TierError, match="last tier is unlimited"):
        Stairstep([Tier(None, flat_price=usd("1"))], overage_unit_price=usd("1"))
    with pytest.raises(errors.TierError, match="charges only its flat_price"):
        Stairstep([Tier(None, unit_price=usd("1"))])


def test_mixed_currencies_are_refused() -> None:
    with pytest.raises(errors.CurrencyMismatchError, match="mixes currencies: USD and EUR"):
        Graduated([Tier(5, usd("1")), Tier(None, Money("1", "EUR"))])


def test_negative_prices_are_refused() -> None:
    with pytest.raises(errors.ValidationError, match="must not be negative"):
        Tier(5, usd("-1"))
    with pytest.raises(errors.ValidationError, match="must not be negative"):
        PerUnit(usd("-0.01"))
    with pytest.raises(errors.ValidationError, match="must not be negative"):
        Package(D(1), usd("-1"))


def test_wrong_types_are_refused() -> None:
    with pytest.raises(errors.FloatNotAllowedError, match="Tier up_to"):
        Tier(5.0, usd("1"))  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError, match="sequence of Tier"):
        Graduated("5")  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError, match="must be a Tier"):
        Volume([(None, usd("1"))])  # type: ignore[list-item]
    with pytest.raises(errors.RevcycleTypeError, match="must be a Money amount"):
        Tier(None, unit_price="1")  # type: ignore[arg-type]
    with pytest.raises(errors.ValidationError, match="package size must be positive"):
        Package(0, usd("1"))


def test_a_table_without_prices_has_no_currency() -> None:
    with pytest.raises(errors.TierError, match="currency is unknown"):
        Graduated([Tier(None)])


@pytest.mark.parametrize(
    ("quantity", "error", "message"),
    [
        (-1, errors.ValidationError, "must not be negative"),
        (1.5, errors.FloatNotAllowedError, r'pass Decimal\("1.5"\)'),
        ("NaN", errors.ValidationError, "finite"),
        (D("Infinity"), errors.ValidationError, "finite"),
        ("ten", errors.ValidationError, "'ten'"),
    ],
)
def test_bad_quantities_have_clear_messages(quantity: Any, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        Graduated(ISSUE_TIERS).price(quantity)


def test_huge_quantities_raise_a_validation_error() -> None:
    with pytest.raises(errors.ValidationError, match="too large"):
        PerUnit(usd("10")).price(D("1e999999"))
    with pytest.raises(errors.ValidationError, match="too large"):
        Graduated(ISSUE_TIERS).breakdown(D("9e999999"))


# --------------------------------------------------------------------------------------------
# Discount schedules (anchors/cpq.md §2.2)

# Salesforce tiers [1,10)=0%, [10,20)=10%, [20,∞)=20%, converted to inclusive up_to.
SF_ROWS = [(1, 10, Percent("0")), (10, 20, Percent("10")), (20, None, Percent("20"))]


def test_from_bounds_converts_lower_inclusive_upper_exclusive_tiers() -> None:
    schedule = DiscountSchedule.from_bounds("range", SF_ROWS)
    assert [t.up_to for t in schedule.tiers] == [D(9), D(19), None]
    fine = DiscountSchedule.from_bounds("range", SF_ROWS, step=D("0.01"))
    # Quantities below the first lower bound (1) get no discount: a zero tier up to 0.99.
    assert [t.up_to for t in fine.tiers] == [D("0.99"), D("9.99"), D("19.99"), None]
    assert fine.tiers[0].percent is None


@given(st.integers(min_value=1, max_value=100))
def test_from_bounds_picks_the_tier_salesforce_picks(q: int) -> None:
    rows = [(5, 10, Percent("1")), (10, 25, Percent("2")), (25, 60, Percent("3"))]
    schedule = DiscountSchedule.from_bounds("range", rows)
    expected = next((row[2] for row in rows if row[0] <= q < row[1]), None)
    number = schedule.tier_for(q)
    found = None if number is None else schedule.tiers[number - 1].percent
    assert found == expected


def test_range_and_slab_boundary_behaviour() -> None:
    # anchors/cpq.md §2.2: q = 9 → 0%; q = 10 → 10% (Range) or 9 at 0% + 1 at 10% (Slab);
    # q = 20 → 20% (Range) or 9/10/1 split (Slab).
    list_price = usd("100")
    range_ = DiscountSchedule.from_bounds(ScheduleKind.RANGE, SF_ROWS)
    slab = DiscountSchedule.from_bounds(ScheduleKind.SLAB, SF_ROWS)
    assert range_.unit_price(list_price, 9) == usd("100")
    assert range_.unit_price(list_price, 10) == usd("90")
    assert range_.unit_price(list_price, 20) == usd("80")
    assert [r.units for r in slab.breakdown(list_price, 10)] == [9, 1]
    assert [r.units for r in slab.breakdown(list_price, 20)] == [9, 10, 1]
    # Slab blended: (9 × 0 + 10 × 10 + 1 × 20) / 20 = 6 off per unit → 94.
    assert slab.unit_price(list_price, 20) == usd("94")
    # 10 units: 1 × 10 off / 10 = 1 off → 99.
    assert slab.unit_price(list_price, 10) == usd("99")


def test_amount_discount_schedule() -> None:
    schedule = DiscountSchedule(
        "range", [DiscountTier(D(10)), DiscountTier(None, amount=usd("2.50"))]
    )
    assert schedule.unit_price(usd("20"), 11) == usd("17.50")
    with pytest.raises(errors.ValidationError, match="more than the unit price"):
        schedule.unit_price(usd("2"), 11)
    with pytest.raises(errors.CurrencyMismatchError):
        schedule.unit_price(Money("20", "EUR"), 11)


def test_past_a_bounded_last_tier_there_is_no_discount() -> None:
    schedule = DiscountSchedule("slab", [DiscountTier(D(10), percent=Percent("10"))])
    assert schedule.unit_price(usd("10"), 5) == usd("9")
    rows = schedule.breakdown(usd("10"), 20)
    assert [(r.tier, r.units, r.unit_price) for r in rows] == [
        (1, Decimal(10), usd("9")),
        (None, Decimal(10), usd("10")),
    ]
    assert schedule.unit_price(usd("10"), 20) == usd("9.5")
    range_ = DiscountSchedule("range", [DiscountTier(D(10), percent=Percent("10"))])
    assert range_.tier_for(11) is None
    assert range_.unit_price(usd("10"), 11) == usd("10")


@given(tier_tables(flat=False), quantities, prices)
def test_slab_discount_matches_graduated_pricing(
    tiers: list[Tier], q: Decimal, list_amount: Decimal
) -> None:
    """A slab schedule of amounts off equals graduated pricing of the discounts."""
    assume(q > 0)
    schedule = DiscountSchedule("slab", [DiscountTier(t.up_to, amount=t.unit_price) for t in tiers])
    off = Graduated(tiers).price(q).amount
    top = max((t.unit_price.amount for t in tiers if t.unit_price), default=D(0))
    list_price = usd(str(list_amount + top))
    per_unit = schedule.discount_per_unit(list_price, q).amount
    assert abs(per_unit * q - off) < D("1e-40")


def test_schedule_validation() -> None:
    with pytest.raises(errors.TierError, match="not both"):
        DiscountTier(5, percent=Percent("5"), amount=usd("1"))
    with pytest.raises(errors.TierError, match="between 0 and 100"):
        DiscountTier(5, percent=Percent("101"))
    with pytest.raises(errors.TierError, match="either percents or amounts"):
        DiscountSchedule(
            "range", [DiscountTier(5, percent="5"), DiscountTier(None, amount=usd("1"))]
        )
    with pytest.raises(errors.TierError, match="Only a RANGE"):
        DiscountSchedule("slab", [DiscountTier(None, percent="5")], aggregate=True)
    with pytest.raises(errors.ValidationError, match="'range' or 'slab'"):
        DiscountSchedule("tiered", [DiscountTier(None, percent="5")])
    with pytest.raises(errors.TierError, match="must equal the previous upper bound"):
        DiscountSchedule.from_bounds("range", [(1, 10, None), (11, None, Percent("5"))])
    with pytest.raises(errors.TierError, match="holds no quantity"):
        DiscountSchedule.from_bounds("range", [(0, 1, None), (1, None, Percent("5"))])


def test_aggregate_flag_round_trips() -> None:
    schedule = DiscountSchedule.from_bounds("range", SF_ROWS, aggregate=True)
    assert schedule.aggregate
    assert loads(dumps(schedule), DiscountSchedule) == schedule


# --------------------------------------------------------------------------------------------
# Manual discounts


@pytest.mark.parametrize(
    ("discount", "expected"),
    [
        (Discount.percent("10"), "72"),  # 80 × 0.9
        (Discount.percent(Percent("-5")), "84"),  # a negative percent is a markup
        (Discount.amount(usd("5")), "75"),
        (Discount.unit_price(usd("70")), "70"),
        (Discount.total(usd("200")), "50"),  # 200 / 4
    ],
)
def test_discount_apply(discount: Discount, expected: str) -> None:
    assert discount.apply(usd("80"), 4).amount == D(expected)


@given(
    st.one_of(
        st.decimals(min_value=-50, max_value=100, places=2).map(Discount.percent),
        prices.map(lambda p: Discount.amount(usd(str(p)))),
        prices.map(lambda p: Discount.unit_price(usd(str(p)))),
        prices.map(lambda p: Discount.total(usd(str(p)))),
    )
)
def test_discounts_round_trip_through_json(discount: Discount) -> None:
    assert loads(dumps(discount), Discount) == discount
    assert unstructure(discount)["kind"] == discount.kind.value


def test_discount_validation() -> None:
    with pytest.raises(errors.ValidationError, match="exceed 100%"):
        Discount.percent("101")
    with pytest.raises(errors.RevcycleTypeError, match="needs a Money value"):
        Discount(DiscountKind.AMOUNT, Percent("5"))
    with pytest.raises(errors.ValidationError, match="zero quantity"):
        Discount.total(usd("10")).apply(usd("5"), 0)
    with pytest.raises(errors.CurrencyMismatchError):
        Discount.amount(usd("1")).apply(Money("5", "EUR"), 1)
    with pytest.raises(errors.StructureError, match="'bogus'"):
        loads('{"kind": "bogus", "value": "1"}', Discount)


# --------------------------------------------------------------------------------------------
# Display


def test_tier_tables_render_as_html() -> None:
    html = Graduated(ISSUE_TIERS)._repr_html_()
    assert "<caption>Graduated pricing (USD)</caption>" in html
    assert ">6.50 USD</td>" in html
    assert ">no limit</td>" in html
    stairs = Stairstep([Tier(D(10), flat_price=usd("100")), Tier(None, flat_price=usd("150"))])
    assert "<caption>Stairstep pricing (USD)</caption>" in stairs._repr_html_()
    assert ">150 USD</td>" in stairs._repr_html_()
    schedule_html = DiscountSchedule.from_bounds("slab", SF_ROWS)._repr_html_()
    assert "Slab discount schedule" in schedule_html
    assert ">10% off</td>" in schedule_html


def test_to_records_lists_the_tier_table() -> None:
    assert Volume(ISSUE_TIERS).to_records()[1] == {
        "tier": 2,
        "above": "5",
        "up_to": "10",
        "unit_price": "6.50",
        "flat_price": None,
        "currency": "USD",
    }
    schedule = DiscountSchedule.from_bounds("range", SF_ROWS)
    assert [r["percent"] for r in schedule.to_records()] == ["0", "10", "20"]
    assert schedule.to_records()[2]["above"] == "19"


def test_overage_is_shown_under_the_stairstep_table() -> None:
    model = Stairstep([Tier(D(10), flat_price=usd("100"))], overage_unit_price=usd("9"))
    assert "<p>Past the last tier: 9 USD per unit over its bound.</p>" in model._repr_html_()


@pytest.mark.parametrize(
    ("discount", "text"),
    [
        (Discount.percent("12.5"), "12.5% off"),
        (Discount.amount(usd("5")), "5 USD off per unit"),
        (Discount.unit_price(usd("70")), "unit price set to 70 USD"),
        (Discount.total(usd("200")), "line total set to 200 USD"),
    ],
)
def test_discounts_read_as_text(discount: Discount, text: str) -> None:
    assert str(discount) == text


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Discount.amount(usd("-1")), "An amount discount must not be negative"),
        (lambda: Discount.unit_price(usd("-1")), "A target unit price must not be negative"),
        (lambda: Discount(DiscountKind.TOTAL, Percent("5")), "A target line total needs a Money"),
        (
            lambda: Discount.total(usd("1")).apply(Money("5", "EUR"), 1),
            "A target line total of 1 USD cannot apply to a price in EUR",
        ),
    ],
)
def test_discount_messages_name_the_kind_of_discount(build: Any, message: str) -> None:
    with pytest.raises(errors.RevcycleError, match=message):
        build()


def test_stairstep_records_keep_the_overage_price() -> None:
    # Issue 16, new-user item: Stairstep.to_records() dropped the overage price.
    steps = [
        Tier(Decimal("10"), flat_price=usd("100")),
        Tier(Decimal("50"), flat_price=usd("400")),
    ]
    records = Stairstep(steps, overage_unit_price=usd("9")).to_records()
    assert [r["tier"] for r in records] == [1, 2, None]
    assert records[-1] == {
        "tier": None,
        "above": "50",
        "up_to": None,
        "unit_price": "9",
        "flat_price": None,
        "currency": "USD",
    }
    unlimited = Stairstep([Tier(None, flat_price=usd("5"))]).to_records()
    assert [r["tier"] for r in unlimited] == [1]


def test_tier_models_have_a_public_union_name() -> None:
    # Issue 16, new-user item: a dict of tier models was typed as the private _Tiered.
    from revcycle.pricing import TieredModel

    models: dict[str, TieredModel] = {
        "graduated": Graduated([Tier(None, usd("1"))]),
        "volume": Volume([Tier(None, usd("1"))]),
        "stairstep": Stairstep([Tier(None, flat_price=usd("1"))]),
    }
    assert all(isinstance(m, Graduated | Volume | Stairstep) for m in models.values())


def test_discount_tier_percents_show_short() -> None:
    # Issue 16, new-user item: rates printed 50 digits.
    schedule = DiscountSchedule(
        ScheduleKind.RANGE, [DiscountTier(None, percent=Percent(Decimal(100) / Decimal(3)))]
    )
    assert "≈33.333333% off" in schedule._repr_html_()
