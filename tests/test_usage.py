"""Tests for usage metering and rating (revcycle.usage).

Property tests first (progressive ratings add up, duplicates change nothing, order and
splitting change nothing, breakdowns add up, JSON round-trips, bad input raises only
RevcycleError), then known answers, each citing where its numbers come from.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import pickle
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import JAN, JAN_START, usd
from revcycle import Money, Period
from revcycle._numbers import CTX
from revcycle.errors import (
    FloatNotAllowedError,
    RevcycleError,
    RevcycleTypeError,
    UnknownCodeError,
    ValidationError,
)
from revcycle.money import Percent
from revcycle.pricing import Graduated, Package, PerUnit, Stairstep, Tier, Volume
from revcycle.proration import period_fraction
from revcycle.serialization import dumps, loads, structure, unstructure
from revcycle.usage import (
    Aggregation,
    AnyUsageModel,
    Meter,
    Percentage,
    RatedCharge,
    UnitRounding,
    UnitRoundingMode,
    UsageCharge,
    UsageError,
    UsageEvent,
    UsageKey,
    UsageRating,
    aggregate_usage,
    rate_usage,
)


D = Decimal


def event(
    id: str,
    customer: str = "acme",
    metric: str = "api_calls",
    at: datetime = datetime(2024, 1, 15, tzinfo=UTC),
    quantity: Decimal | int | str = 1,
    **properties: str,
) -> UsageEvent:
    return UsageEvent(
        id=id, customer=customer, metric=metric, at=at, quantity=quantity, properties=properties
    )


# The known graduated table: 0–10,000 at 0.001, up to 100,000 at 0.0008, then 0.0005.
API_TIERS = Graduated(
    [
        Tier(D("10000"), usd("0.001")),
        Tier(D("100000"), usd("0.0008")),
        Tier(None, usd("0.0005")),
    ]
)
API = UsageCharge(Meter("api_calls", Aggregation.SUM), API_TIERS)


# --------------------------------------------------------------------------------------------
# Strategies

customers = st.sampled_from(["acme", "globex", "initech"])
metrics = st.sampled_from(["api_calls", "storage"])
quantities = st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False)
offsets = st.integers(min_value=-3 * 86400, max_value=34 * 86400)  # seconds from Jan 1


@st.composite
def events_lists(draw: st.DrawFn, max_size: int = 12) -> list[UsageEvent]:
    count = draw(st.integers(0, max_size))
    properties = st.dictionaries(
        st.sampled_from(["region", "user"]), st.sampled_from(["eu", "us", "x"])
    )
    return [
        UsageEvent(
            id=f"e{i}",
            customer=draw(customers),
            metric=draw(metrics),
            at=JAN_START + timedelta(seconds=draw(offsets), microseconds=i),
            quantity=draw(quantities),
            properties=draw(properties),
        )
        for i in range(count)
    ]


@st.composite
def meters(draw: st.DrawFn) -> Meter:
    aggregation = draw(st.sampled_from(list(Aggregation)))
    return Meter(
        "api_calls",
        aggregation,
        group_by=draw(st.sampled_from([None, "region"])),
        filters=draw(st.sampled_from([{}, {"region": "eu"}, {"region": {"eu", "us"}}])),
        unit_rounding=draw(
            st.sampled_from(
                [
                    None,
                    UnitRounding(UnitRoundingMode.CEIL),
                    UnitRounding(UnitRoundingMode.ROUND, -1),
                ]
            )
        ),
        unique_property="user" if aggregation is Aggregation.UNIQUE_COUNT else None,
        allow_negative=True,
    )


tier_prices = st.decimals(min_value=0, max_value=5, places=4, allow_nan=False)


@st.composite
def graduated_models(draw: st.DrawFn) -> Graduated:
    bounds = sorted(draw(st.sets(st.integers(1, 5000), min_size=0, max_size=4)))
    tiers = [
        Tier(
            D(b),
            usd(str(draw(tier_prices))),
            draw(st.none() | tier_prices.map(lambda p: usd(str(p)))),
        )
        for b in bounds
    ]
    tiers.append(Tier(None, usd(str(draw(tier_prices)))))
    return Graduated(tiers)


@st.composite
def charges(draw: st.DrawFn) -> UsageCharge:
    model = draw(graduated_models())
    minimum = draw(st.none() | st.integers(0, 50).map(lambda n: usd(str(n))))
    maximum = draw(st.none() | st.integers(50, 5000).map(lambda n: usd(str(n))))
    return UsageCharge(
        draw(meters()),
        model,
        included_units=draw(st.integers(0, 100)),
        minimum=minimum,
        maximum=maximum,
    )


# --------------------------------------------------------------------------------------------
# Properties


@given(charges(), st.lists(st.decimals(0, 3000, places=3, allow_nan=False), max_size=6))
def test_progressive_partial_ratings_add_up_to_the_one_shot_rating(
    charge: UsageCharge, increments: list[Decimal]
) -> None:
    """OpenMeter split lines (billing.md §2.3): each partial bills price(total) − price(before)."""
    meter = Meter("api_calls", Aggregation.SUM)
    charge = UsageCharge(
        meter,
        charge.model,
        included_units=charge.included_units,
        minimum=charge.minimum,
        maximum=charge.maximum,
    )
    events: list[UsageEvent] = []
    already: dict[tuple[str, str, str | None], Decimal] | None = None  # nothing billed yet
    amount_sum = usd("0")
    precise_sum = usd("0")
    for i, increment in enumerate(increments):
        events.append(event(f"e{i}", quantity=increment))
        line = rate_usage(events, charge, JAN, already_billed=already).lines[0]
        amount_sum += line.amount
        precise_sum += line.precise_amount
        already = {("acme", "api_calls", None): line.quantity}
    if not events:
        return
    one_shot = rate_usage(events, charge, JAN).lines[0]
    assert amount_sum == one_shot.amount
    assert precise_sum == one_shot.precise_amount


@given(events_lists(), meters(), st.randoms(use_true_random=False))
def test_duplicate_events_never_change_a_result(
    events: list[UsageEvent], meter: Meter, random: object
) -> None:
    charge = UsageCharge(meter, PerUnit(usd("0.5")))
    repeats = [e for e in events if e.quantity > 1]
    random.shuffle(repeats)  # type: ignore[attr-defined]
    repeated = list(events) + repeats
    once = rate_usage(events, charge, JAN)
    twice = rate_usage(repeated, charge, JAN)
    assert twice.lines == once.lines
    assert len(twice.duplicates) == len(repeated) - len(events)
    assert twice.conflicts == ()


@given(events_lists(), meters(), st.randoms(use_true_random=False))
def test_the_order_of_events_never_changes_the_aggregate(
    events: list[UsageEvent], meter: Meter, random: object
) -> None:
    # Timestamps are distinct (the strategy adds i microseconds), so LATEST has no ties.
    shuffled = list(events)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    assert aggregate_usage(shuffled, meter, JAN) == aggregate_usage(events, meter, JAN)


@given(
    events_lists(),
    st.sampled_from([Aggregation.SUM, Aggregation.COUNT, Aggregation.TIME_WEIGHTED_SUM]),
    st.integers(0, 30),
)
def test_splitting_a_periods_events_adds_up_for_additive_meters(
    events: list[UsageEvent], aggregation: Aggregation, cut: int
) -> None:
    meter = Meter("api_calls", aggregation)
    whole = aggregate_usage(events, meter, JAN)
    left = aggregate_usage(events[:cut], meter, JAN)
    right = aggregate_usage(events[cut:], meter, JAN)
    for key in set(left) | set(right):
        parts = CTX.add(left.get(key, D(0)), right.get(key, D(0)))
        # A time-weighted sum divides once per aggregate, exact to 50 significant digits.
        assert abs(CTX.subtract(parts, whole[key])) <= D("1E-40")
    assert set(whole) == set(left) | set(right)


@given(events_lists(), st.integers(0, 30))
def test_the_max_of_a_split_is_the_max_of_the_parts_maxima(
    events: list[UsageEvent], cut: int
) -> None:
    meter = Meter("api_calls", Aggregation.MAX)
    whole = aggregate_usage(events, meter, JAN)
    left = aggregate_usage(events[:cut], meter, JAN)
    right = aggregate_usage(events[cut:], meter, JAN)
    for key, value in whole.items():
        assert value == max(v for v in (left.get(key), right.get(key)) if v is not None)


@given(events_lists(), charges())
def test_every_line_breakdown_adds_up_to_its_precise_amount(
    events: list[UsageEvent], charge: UsageCharge
) -> None:
    rating = rate_usage(events, charge, JAN, customers=["acme"])
    for line in rating.lines:
        rows = sum((row.amount for row in line.breakdown), usd("0"))
        assert rows == line.precise_amount
        assert line.amount == line.precise_amount.round()
        for row in line.breakdown:
            unit = row.unit_price.amount if row.unit_price else D(0)
            flat = row.flat_price.amount if row.flat_price else D(0)
            expected = CTX.add(CTX.multiply(row.units, unit), flat)
            assert row.amount.amount == expected
    keys = [
        (line.customer, line.metric, line.group is not None, line.group or "")
        for line in rating.lines
    ]
    assert keys == sorted(keys)


@given(
    events_lists(),
    charges(),
    st.none() | st.decimals(0, 3000, places=3, allow_nan=False),
    st.sampled_from([JAN, Period(date(2024, 1, 1), date(2024, 3, 1))]),
)
def test_lines_built_lazily_equal_lines_built_eagerly(
    events: list[UsageEvent], charge: UsageCharge, billed: Decimal | None, whole: Period
) -> None:
    # The engine prices each line without its breakdown and builds the rows on first read;
    # a line must then be indistinguishable from one built with every field up front.
    already: dict[UsageKey, Decimal | int | str] | None = (
        None if billed is None else {("acme", "api_calls", None): billed}
    )
    rating = rate_usage(
        events, charge, JAN, full_period=whole, already_billed=already, customers=["acme"]
    )
    fraction = period_fraction(JAN, whole)
    for line in rating.lines:
        text = line.explain()  # reads the rows before anything else did
        rows = line.breakdown
        eager = RatedCharge(
            customer=line.customer,
            metric=line.metric,
            group=line.group,
            quantity=line.quantity,
            amount=line.amount,
            precise_amount=line.precise_amount,
            breakdown=rows,
            already_billed=line.already_billed,
        )
        assert eager == line
        assert hash(eager) == hash(line)
        assert repr(eager) == repr(line)
        assert eager.explain() == text
        assert copy.deepcopy(line) == line
        assert pickle.loads(pickle.dumps(line)) == line
        assert structure(unstructure(line), RatedCharge) == line
        # The rows are the charge's own breakdown, then the progressive billing row.
        own = charge.breakdown(line.quantity, fraction)
        assert rows[: len(own)] == own
        price = charge.price(line.quantity, fraction)
        if line.key == ("acme", "api_calls", None) and billed is not None:
            assert len(rows) == len(own) + 1
            before = charge.price(billed, fraction)
            assert line.precise_amount == price - before
            assert line.amount == price.round() - before.round()
        else:
            assert rows == own
            assert line.precise_amount == price
            assert line.amount == price.round()


@given(charges(), st.decimals(-100, 20000, places=3, allow_nan=False))
def test_the_quick_total_equals_the_explained_total(charge: UsageCharge, quantity: Decimal) -> None:
    # Rating prices through UsageCharge._totaller (a charge without included units, minimum
    # or maximum goes straight to its model); it must agree with the explained computation.
    for simple in (charge, UsageCharge(charge.meter, charge.model)):
        total, _ = simple._evaluate(quantity, (), D(1))
        assert simple._totaller(D(1))(quantity) == total
        assert simple._total(quantity, D(1)) == total
        whole = int(quantity)  # not a Decimal: converted like every public entry point
        assert simple._totaller(D(1))(whole) == simple._evaluate(D(whole), (), D(1))[0]  # type: ignore[arg-type]


@given(events_lists())
def test_every_event_is_counted_or_reported(events: list[UsageEvent]) -> None:
    meter = Meter("api_calls", Aggregation.COUNT)
    rating = rate_usage(events + events[:3], UsageCharge(meter, PerUnit(usd("1"))), JAN)
    counted = sum((line.quantity for line in rating.lines), D(0))
    reported = len(rating.late) + len(rating.future) + len(rating.unmetered)
    assert counted + reported == len(events)
    assert len(rating.duplicates) == min(3, len(events))


@given(events_lists(max_size=8), charges())
def test_json_round_trips(events: list[UsageEvent], charge: UsageCharge) -> None:
    rating = rate_usage(events, charge, JAN)
    assert loads(dumps(rating), UsageRating) == rating
    assert structure(unstructure(charge), UsageCharge) == charge
    for item in events:
        assert loads(dumps(item), UsageEvent) == item


@given(
    st.one_of(
        st.floats(),
        st.text(max_size=5),
        st.none(),
        st.integers(),
        st.lists(st.integers(), max_size=2),
        st.decimals(),
    )
)
def test_bad_input_raises_only_revcycle_errors(junk: object) -> None:
    for build in (
        lambda: event("x", quantity=junk),  # type: ignore[arg-type]
        lambda: UsageEvent(id=junk, customer="a", metric="m", at=JAN_START),  # type: ignore[arg-type]
        lambda: UsageEvent(id="x", customer="a", metric="m", at=junk),  # type: ignore[arg-type]
        lambda: Meter("m", junk),  # type: ignore[arg-type]
        lambda: Meter("m", Aggregation.SUM, allow_negative=junk),  # type: ignore[arg-type]
        lambda: Meter("m", Aggregation.SUM, unit_rounding=junk),  # type: ignore[arg-type]
        lambda: UsageCharge(junk, API_TIERS),  # type: ignore[arg-type]
        lambda: UnitRounding(UnitRoundingMode.CEIL, 20).apply(D("1E+40")),
        lambda: Percentage("1", "USD").price_events(junk),  # type: ignore[arg-type]
        lambda: rate_usage(junk, API, JAN),  # type: ignore[arg-type]
        lambda: rate_usage([], junk, JAN),  # type: ignore[arg-type]
        lambda: rate_usage([], API, JAN, customers=junk),  # type: ignore[arg-type]
        lambda: UnitRounding(UnitRoundingMode.ROUND, junk),  # type: ignore[arg-type]
        lambda: UsageCharge(Meter("m", Aggregation.SUM), API_TIERS, included_units=junk),  # type: ignore[arg-type]
        lambda: Percentage(junk, "USD"),  # type: ignore[arg-type]
        lambda: rate_usage([junk], API, JAN),  # type: ignore[list-item]
        lambda: rate_usage([], API, JAN, tz=junk),  # type: ignore[arg-type]
        lambda: rate_usage([], API, JAN, already_billed={("a", "api_calls", None): junk}),  # type: ignore[dict-item]
    ):
        with contextlib.suppress(RevcycleError):
            build()


# --------------------------------------------------------------------------------------------
# Known answers


def test_graduated_api_calls_known_answer() -> None:
    # Issue 6 "Must show" (tiers as in billing.md §2.3, inclusive upper bounds):
    # 10,000 × 0.001 = 10 + 90,000 × 0.0008 = 72 + 50,000 × 0.0005 = 25 → 107.00.
    rating = rate_usage([event("e1", quantity="150000")], API, JAN)
    line = rating.lines[0]
    assert line.amount == usd("107.00")
    assert [row.units for row in line.breakdown] == [D("10000"), D("90000"), D("50000")]
    assert "tier 3" in line.explain()


def test_package_with_free_units_known_answer() -> None:
    # Issue 6 and billing.md §2.5 (Lago package): ceil((201 − 100) / 100) = 2 packages × 5.00.
    charge = UsageCharge(
        Meter("api_calls", Aggregation.SUM), Package(D(100), usd("5.00"), free_units=D(100))
    )
    assert rate_usage([event("e1", quantity=201)], charge, JAN).lines[0].amount == usd("10.00")


def test_time_weighted_sum_half_a_month_known_answer() -> None:
    # Issue 6: 2 units held for half of a 31-day month → 1 (billing.md §2.8 weighted_sum).
    meter = Meter("seats", Aggregation.TIME_WEIGHTED_SUM)
    half = JAN_START + timedelta(days=15, hours=12)
    events = [
        event("a", metric="seats", at=JAN_START, quantity=2),
        event("b", metric="seats", at=half, quantity=-2),
    ]
    assert aggregate_usage(events, meter, JAN) == {("acme", None): D(1)}


def test_time_weighted_sum_counts_real_seconds_across_a_dst_change() -> None:
    # March 2024 in Paris has 743 real hours (the clocks spring forward on the 31st). 3 units
    # from the start for 371.5 real hours is exactly half of them → 1.5.
    paris = ZoneInfo("Europe/Paris")
    march = Period.of_month(2024, 3)
    start = datetime(2024, 3, 1, tzinfo=paris)
    meter = Meter("seats", Aggregation.TIME_WEIGHTED_SUM)
    end_of_hold = (start.astimezone(UTC) + timedelta(hours=371, minutes=30)).astimezone(paris)
    events = [
        event("a", metric="seats", at=start, quantity=3),
        event("b", metric="seats", at=end_of_hold, quantity=-3),
    ]
    assert aggregate_usage(events, meter, march, tz="Europe/Paris") == {("acme", None): D("1.5")}


def test_time_weighted_sum_with_an_opening_level() -> None:
    # 4 seats held all month, +2 from the middle of a 30-day month: 4 + 2 × 15/30 = 5.
    april = Period.of_month(2024, 4)
    meter = Meter("seats", Aggregation.TIME_WEIGHTED_SUM)
    charge = UsageCharge(meter, PerUnit(usd("10")))
    events = [event("a", metric="seats", at=datetime(2024, 4, 16, tzinfo=UTC), quantity=2)]
    rating = rate_usage(events, charge, april, opening_levels={("acme", "seats", None): D(4)})
    assert rating.lines[0].quantity == D(5)
    assert rating.lines[0].amount == usd("50.00")


@pytest.mark.parametrize(
    ("mode", "precision", "quantity", "expected"),
    [
        # billing.md §2.8: 123.456 with precision −2 → 100 (round, floor), 200 (ceil).
        (UnitRoundingMode.ROUND, -2, "123.456", "100"),
        (UnitRoundingMode.FLOOR, -2, "123.456", "100"),
        (UnitRoundingMode.CEIL, -2, "123.456", "200"),
        # Half-up at the precision: 2.5 → 3, 1.25 at one place → 1.3; ceil of 10.01 → 11.
        (UnitRoundingMode.ROUND, 0, "2.5", "3"),
        (UnitRoundingMode.ROUND, 1, "1.25", "1.3"),
        (UnitRoundingMode.CEIL, 0, "10.01", "11"),
        (UnitRoundingMode.FLOOR, 0, "10.99", "10"),
    ],
)
def test_unit_rounding_known_answers(
    mode: UnitRoundingMode, precision: int, quantity: str, expected: str
) -> None:
    assert UnitRounding(mode, precision).apply(D(quantity)) == D(expected)


def test_unit_rounding_happens_before_pricing_and_is_the_line_quantity() -> None:
    # Per-GB pricing on bytes rounded up to whole GB: 10.2 → 11 × 0.10 = 1.10.
    meter = Meter("gb", Aggregation.SUM, unit_rounding=UnitRounding(UnitRoundingMode.CEIL))
    charge = UsageCharge(meter, PerUnit(usd("0.10")))
    line = rate_usage([event("a", metric="gb", quantity="10.2")], charge, JAN).lines[0]
    assert (line.quantity, line.amount) == (D(11), usd("1.10"))


def test_each_aggregation_on_one_data_set() -> None:
    # Hand-computed over four January events of one customer (billing.md §2.8 definitions).
    events = [
        event("1", at=datetime(2024, 1, 3, tzinfo=UTC), quantity=5, user="u1"),
        event("2", at=datetime(2024, 1, 9, tzinfo=UTC), quantity=2, user="u2"),
        event("3", at=datetime(2024, 1, 9, tzinfo=UTC), quantity=7, user="u1"),
        event("4", at=datetime(2024, 1, 5, tzinfo=UTC), quantity=1),
    ]

    def agg(aggregation: Aggregation, **kw: Any) -> Decimal:
        return aggregate_usage(events, Meter("api_calls", aggregation, **kw), JAN)[("acme", None)]

    assert agg(Aggregation.SUM) == 15
    assert agg(Aggregation.COUNT) == 4
    assert agg(Aggregation.MAX) == 7
    assert agg(Aggregation.UNIQUE_COUNT, unique_property="user") == 2  # u1, u2; "4" has none
    assert agg(Aggregation.LATEST) == 7  # Jan 9 tie: the later one given wins


def test_filters_and_grouping() -> None:
    # Dimensional pricing: eu and us usage rated separately; "apac" filtered out; a missing
    # plan property falls in group None.
    meter = Meter("api_calls", Aggregation.SUM, filters={"region": {"eu", "us"}}, group_by="plan")
    events = [
        event("1", quantity=10, region="eu", plan="pro"),
        event("2", quantity=5, region="us", plan="pro"),
        event("3", quantity=7, region="apac", plan="pro"),
        event("4", quantity=3, region="eu"),
        event("5", quantity=1, customer="globex", region="eu", plan="basic"),
    ]
    assert aggregate_usage(events, meter, JAN) == {
        ("acme", None): D(3),
        ("acme", "pro"): D(15),
        ("globex", "basic"): D(1),
    }
    rating = rate_usage(events, UsageCharge(meter, PerUnit(usd("1"))), JAN)
    assert [line.group for line in rating.lines] == [None, "pro", "basic"]
    assert rating.line("acme", "api_calls", "pro").amount == usd("15.00")


def test_local_dates_in_the_customers_timezone() -> None:
    # Kill Bill #1987 (billing.md §4): the period is in local dates. 23:30 on Jan 31 in Los
    # Angeles is 07:30 UTC on Feb 1: January usage there, February usage in UTC.
    at = datetime(2024, 1, 31, 23, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
    events = [event("1", at=at, quantity=4)]
    local = rate_usage(events, API, JAN, tz="America/Los_Angeles")
    assert local.lines[0].quantity == 4
    assert local.future == ()
    utc = rate_usage(events, API, JAN)
    assert utc.lines == ()
    assert utc.future == tuple(events)
    fixed = rate_usage(events, API, JAN, tz=timezone(timedelta(hours=-8)))
    assert fixed.lines[0].quantity == 4


def test_late_future_duplicate_and_conflicting_events_are_reported() -> None:
    events = [
        event("1", quantity=10),
        event("1", quantity=10),  # an exact repeat: counted once
        event("2", quantity=5),
        event("2", quantity=6),  # same id, other payload: a conflict, never merged
        event("old", at=datetime(2023, 12, 31, 23, 59, tzinfo=UTC)),
        event("next", at=datetime(2024, 2, 1, tzinfo=UTC)),
        event("other", metric="sms"),
    ]
    rating = rate_usage(events, API, JAN)
    assert rating.lines[0].quantity == 15
    assert [e.id for e in rating.duplicates] == ["1", "2"]
    assert rating.conflicts == (events[3],)
    assert rating.late == (events[4],)
    assert rating.future == (events[5],)
    assert rating.unmetered == (events[6],)
    text = rating.explain()
    assert "1 late events" in text
    assert "1 conflicting" in text


def test_negative_quantities_need_a_meter_that_allows_them() -> None:
    events = [event("1", quantity=10), event("2", quantity=-3)]
    with pytest.raises(UsageError, match="'2' has the negative quantity -3"):
        rate_usage(events, API, JAN)
    lenient = UsageCharge(
        Meter("api_calls", Aggregation.SUM, allow_negative=True), PerUnit(usd("1"))
    )
    assert rate_usage(events, lenient, JAN).lines[0].amount == usd("7.00")
    # A period total below zero is rated as zero (Stripe shows 0; Lago floors at 0).
    below = rate_usage([event("3", quantity=-3)], lenient, JAN).lines[0]
    assert (below.quantity, below.amount) == (D(-3), usd("0.00"))


def test_included_units_then_the_model() -> None:
    # 1,000 included, then 0.01 each: 1,250 → 250 × 0.01 = 2.50.
    charge = UsageCharge(
        Meter("api_calls", Aggregation.SUM), PerUnit(usd("0.01")), included_units=1000
    )
    line = rate_usage([event("1", quantity=1250)], charge, JAN).lines[0]
    assert line.amount == usd("2.50")
    assert line.quantity == 1250
    assert line.breakdown[0].units == 1000
    assert line.breakdown[0].amount.is_zero()


def test_minimum_true_up_prorated_for_a_partial_period() -> None:
    # Lago charge minimum (billing.md §2.7): true-up = prorated min − usage. Min 100.00 over
    # January (31 days), rated for Jan 16–31 (16 days): 100 × 16/31 = 51.6129… ; usage 20.00
    # → true-up 31.61…, the line 51.61.
    charge = UsageCharge(Meter("api_calls", Aggregation.SUM), PerUnit(usd("1")), minimum=usd("100"))
    part = Period(date(2024, 1, 16), date(2024, 2, 1))
    events = [event("1", quantity=20, at=datetime(2024, 1, 20, tzinfo=UTC))]
    line = rate_usage(events, charge, part, full_period=JAN).lines[0]
    assert line.amount == usd("51.61")
    assert "true-up" in line.breakdown[-1].description
    # Over the whole month the minimum is not prorated.
    assert rate_usage(events, charge, JAN).lines[0].amount == usd("100.00")


def test_minimum_applies_to_customers_without_usage_when_listed() -> None:
    charge = UsageCharge(Meter("api_calls", Aggregation.SUM), PerUnit(usd("1")), minimum=usd("25"))
    rating = rate_usage([], charge, JAN, customers=["acme"])
    assert rating.lines[0].amount == usd("25.00")
    assert rate_usage([], charge, JAN).lines == ()


def test_maximum_caps_the_period_charge() -> None:
    # Zuora charge-level max (billing.md §2.7): clamp(computed, min, max). 150,000 → 107 → 100.
    charge = UsageCharge(API.meter, API_TIERS, maximum=usd("100"))
    line = rate_usage([event("1", quantity=150000)], charge, JAN).lines[0]
    assert line.amount == usd("100.00")
    assert line.breakdown[-1].amount == usd("-7")


def test_progressive_rating_bills_the_graduated_delta() -> None:
    # 8,000 calls billed mid-month (8.00); at month end 150,000: 107.00 − 8.00 = 99.00.
    events = [event("1", quantity=8000), event("2", quantity=142000)]
    first = rate_usage(events[:1], API, JAN).lines[0]
    second = rate_usage(
        events, API, JAN, already_billed={("acme", "api_calls", None): first.quantity}
    ).lines[0]
    assert (first.amount, second.amount) == (usd("8.00"), usd("99.00"))
    assert second.already_billed == 8000
    assert "already billed for 8000 units" in second.explain()
    # Usage corrected below what was billed gives a credit (a negative delta), never an error
    # (Kill Bill #2109 asks for a defined behaviour).
    credit = rate_usage(
        events[:1], API, JAN, already_billed={("acme", "api_calls", None): D(10000)}
    ).lines[0]
    assert credit.amount == usd("-2.00")


def test_progressive_rounding_telescopes() -> None:
    # 0.004 + 0.004 + 0.004: each partial rounded alone would bill 0.00 three times; the
    # line amount is round(charge(total)) − round(charge(before)), so the parts sum to 0.01.
    charge = UsageCharge(Meter("api_calls", Aggregation.SUM), PerUnit(usd("0.004")))
    amounts = []
    billed = D(0)
    for n in range(1, 4):
        events = [event(str(i)) for i in range(n)]
        line = rate_usage(
            events, charge, JAN, already_billed={("acme", "api_calls", None): billed}
        ).lines[0]
        amounts.append(line.amount)
        billed = line.quantity
    assert sum(amounts, usd("0")) == usd("0.01") == rate_usage(events, charge, JAN).total()


def test_volume_and_stairstep_through_usage() -> None:
    # Volume (billing.md §2.4): 5 sits in tier 1-5 → 5 × 7 = 35; stairstep: the range's flat.
    volume = Volume([Tier(D(5), usd("7")), Tier(None, usd("6"))])
    stair = Stairstep([Tier(D(10), flat_price=usd("50")), Tier(None, flat_price=usd("400"))])
    events = [event("1", quantity=5)]
    assert rate_usage(events, UsageCharge(API.meter, volume), JAN).total() == usd("35.00")
    assert rate_usage(events, UsageCharge(API.meter, stair), JAN).total() == usd("50.00")


def test_percentage_known_answer() -> None:
    # Lago percentage with per-transaction limits (billing.md §2.6), by hand: rate 1 %, fee
    # 0.10, first event free, then 100.00 of free amount, min 0.50, max 5.00 per event.
    # Events in time order: 1000 (free event); 60 (covered); 90 (40 covered, 50 charged:
    # 0.50 + 0.10 = 0.60); 10 (0.10 + 0.10 = 0.20 → min 0.50); 2000 (20 + 0.10 → max 5.00).
    # Total 0.60 + 0.50 + 5.00 = 6.10.
    model = Percentage(
        Percent("1"),
        "USD",
        fixed_fee=usd("0.10"),
        min_per_event=usd("0.50"),
        max_per_event=usd("5.00"),
        free_events=1,
        free_amount=usd("100"),
    )
    in_time_order = [D("1000"), D("60"), D("90"), D("10"), D("2000")]
    assert model.price_events(in_time_order) == usd("6.10")
    events = [
        event(f"p{day}", metric="payments", at=datetime(2024, 1, day, tzinfo=UTC), quantity=q)
        for day, q in enumerate(in_time_order, start=1)
    ]
    # Given in reverse: the model still takes the events in time order.
    charge = UsageCharge(Meter("payments", Aggregation.SUM), model)
    line = rate_usage(list(reversed(events)), charge, JAN).lines[0]
    assert line.amount == usd("6.10")
    assert line.quantity == D("3160")  # the meter's SUM of the amounts, shown on the line
    rows = model.breakdown_events(in_time_order)
    assert sum((row.amount for row in rows), usd("0")) == usd("6.10")
    assert rows[0].description == "free events"


def test_percentage_refuses_negative_amounts_and_included_units() -> None:
    model = Percentage("2.9", "USD")
    with pytest.raises(UsageError):
        model.price_events([D("-1")])
    with pytest.raises(ValidationError, match="free_amount"):
        UsageCharge(Meter("p", Aggregation.SUM), model, included_units=5)
    with pytest.raises(ValidationError, match="Progressive"):
        rate_usage(
            [event("1", metric="p")],
            UsageCharge(Meter("p", Aggregation.SUM), model),
            JAN,
            already_billed={("acme", "p", None): D(1)},
        )
    with pytest.raises(ValidationError, match="price_events"):
        UsageCharge(Meter("p", Aggregation.SUM), model).price(D(1))


def test_charge_price_and_breakdown_for_one_quantity() -> None:
    # By hand: 1,250 calls − 1,000 included = 250 × 0.01 = 2.50 of usage. Minimum 10.00:
    # whole period → 10.00; a quarter (2.50) → no true-up, 2.50; a half (5.00) → true-up 2.50.
    charge = UsageCharge(
        Meter("api_calls", Aggregation.SUM),
        PerUnit(usd("0.01")),
        included_units=1000,
        minimum=usd("10"),
    )
    assert charge.price(D(1250)) == usd("10")
    assert charge.price(D(1250), minimum_fraction=D("0.25")) == usd("2.50")
    rows = charge.breakdown(D(1250), minimum_fraction=D("0.5"))
    assert rows[-1].description == "true-up to the minimum 10 USD × 0.5 of the period (prorated)"
    assert sum((row.amount for row in rows), usd("0")) == usd("5")


def test_lines_come_sorted_whatever_the_input_order() -> None:
    events = [
        event("1", customer="zeta"),
        event("2", customer="alpha", metric="sms"),
        event("3", customer="alpha"),
    ]
    sms = UsageCharge(Meter("sms", Aggregation.COUNT), PerUnit(usd("0.05")))
    rating = rate_usage(events, [sms, API], JAN)
    assert [line.key for line in rating.lines] == [
        ("alpha", "api_calls", None),
        ("alpha", "sms", None),
        ("zeta", "api_calls", None),
    ]


# --------------------------------------------------------------------------------------------
# Errors and edges


def test_naive_datetimes_and_floats_are_refused() -> None:
    with pytest.raises(ValidationError, match="timezone-aware"):
        event("1", at=datetime(2024, 1, 1))  # noqa: DTZ001 - the point of the test
    with pytest.raises(FloatNotAllowedError):
        event("1", quantity=1.5)  # type: ignore[arg-type]
    with pytest.raises(RevcycleTypeError, match="strings to strings"):
        UsageEvent(id="1", customer="a", metric="m", at=JAN_START, properties={"n": 1})  # type: ignore[dict-item]


def test_meter_and_charge_validation() -> None:
    with pytest.raises(ValidationError, match="unique_property"):
        Meter("m", Aggregation.UNIQUE_COUNT)
    with pytest.raises(ValidationError, match="only applies"):
        Meter("m", Aggregation.SUM, unique_property="user")
    with pytest.raises(ValidationError, match="above its maximum"):
        UsageCharge(API.meter, API_TIERS, minimum=usd("10"), maximum=usd("5"))
    with pytest.raises(ValidationError, match="currency USD"):
        UsageCharge(API.meter, API_TIERS, minimum=Money("10", "EUR"))
    with pytest.raises(RevcycleTypeError, match="pricing model"):
        UsageCharge(API.meter, "graduated")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="Two charges meter"):
        rate_usage([], [API, API], JAN)
    with pytest.raises(UnknownCodeError, match="Mars/Olympus"):
        rate_usage([], API, JAN, tz="Mars/Olympus")
    with pytest.raises(ValidationError, match="no charge meters"):
        rate_usage([], API, JAN, already_billed={("a", "sms", None): D(1)})
    with pytest.raises(ValidationError, match="no group_by"):
        rate_usage([], API, JAN, already_billed={("a", "api_calls", "eu"): D(1)})
    with pytest.raises(ValidationError, match="TIME_WEIGHTED_SUM"):
        rate_usage([], API, JAN, opening_levels={("a", "api_calls", None): D(1)})
    with pytest.raises(UnknownCodeError, match="No rated line"):
        rate_usage([], API, JAN).line("nobody", "api_calls")


def test_unit_rounding_beyond_the_working_precision_is_a_clear_error() -> None:
    # The library's context holds 50 significant digits (docs/explanation/rounding-points.md):
    # a precision outside ±50 is refused up front, and a rounding whose result cannot fit is a
    # ValidationError, never decimal.InvalidOperation from deep inside.
    with pytest.raises(ValidationError, match="between -50 and 50"):
        UnitRounding(UnitRoundingMode.ROUND, 10**9)
    with pytest.raises(ValidationError, match="between -50 and 50"):
        UnitRounding(UnitRoundingMode.ROUND, -51)
    with pytest.raises(ValidationError, match="50 significant digits"):
        UnitRounding(UnitRoundingMode.ROUND, 40).apply(D("12345678901234.5"))
    assert UnitRounding(UnitRoundingMode.FLOOR, -50).apply(D("123")) == 0


def test_negative_rates_minimums_and_maximums_are_refused() -> None:
    # A negative take rate, minimum or cap has no meaning; a negative maximum would turn
    # every period charge into a credit.
    with pytest.raises(ValidationError, match="rate must not be negative"):
        Percentage("-1", "USD")
    with pytest.raises(ValidationError, match=r"minimum .* must not be negative"):
        UsageCharge(API.meter, API_TIERS, minimum=usd("-5"))
    with pytest.raises(ValidationError, match=r"maximum .* must not be negative"):
        UsageCharge(API.meter, API_TIERS, maximum=usd("-5"))


def test_wrong_types_raise_revcycle_type_errors_with_sentences() -> None:
    with pytest.raises(RevcycleTypeError, match="meter must be a Meter"):
        UsageCharge("api_calls", API_TIERS)  # type: ignore[arg-type]
    with pytest.raises(RevcycleTypeError, match="allow_negative must be True or False"):
        Meter("m", Aggregation.SUM, allow_negative="yes")  # type: ignore[arg-type]
    with pytest.raises(RevcycleTypeError, match="unit_rounding must be a UnitRounding"):
        Meter("m", Aggregation.SUM, unit_rounding="ceil")  # type: ignore[arg-type]
    with pytest.raises(RevcycleTypeError, match="list of Decimals"):
        Percentage("1", "USD").price_events(None)  # type: ignore[arg-type]
    with pytest.raises(RevcycleTypeError, match="events as a list"):
        rate_usage(None, API, JAN)  # type: ignore[arg-type]
    with pytest.raises(RevcycleTypeError, match="events as a list"):
        aggregate_usage(None, API.meter, JAN)  # type: ignore[arg-type]
    with pytest.raises(RevcycleTypeError, match="UsageCharge or a list"):
        rate_usage([], None, JAN)  # type: ignore[arg-type]
    with pytest.raises(RevcycleTypeError, match="customers must be a list"):
        rate_usage([], API, JAN, customers=None)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="empty string"):
        rate_usage([], API, JAN, customers=[""])
    with pytest.raises(RevcycleTypeError, match="string customer"):
        rate_usage([], API, JAN, already_billed={(1, "api_calls", None): D(1)})  # type: ignore[dict-item]


def test_an_evening_in_berlin_belongs_to_the_next_local_month() -> None:
    # Kill Bill #1987 (billing.md §4): 23:30 UTC on Jan 31 is 00:30 on Feb 1 in Berlin, so a
    # customer billed in Europe/Berlin used it in February; January reports it as future.
    at = datetime(2024, 1, 31, 23, 30, tzinfo=UTC)
    events = [event("1", at=at, quantity=4)]
    january = rate_usage(events, API, JAN, tz="Europe/Berlin")
    assert (january.lines, january.future) == ((), tuple(events))
    february = rate_usage(events, API, Period.of_month(2024, 2), tz="Europe/Berlin")
    assert february.lines[0].quantity == 4
    assert february.late == ()


def test_event_values_are_frozen_and_hashable() -> None:
    item = event("1", region="eu")
    assert hash(item) == hash(event("1", region="eu"))
    with pytest.raises(TypeError):
        item.properties["region"] = "us"  # type: ignore[index]
    assert item.with_quantity(5).quantity == 5
    assert item.with_quantity(5).id == "1"
    meter = Meter("m", Aggregation.SUM, filters={"region": "eu"})
    assert meter.accepts(item.with_quantity(1)) is False  # other metric
    assert meter.accepts(event("2", metric="m", region="eu")) is True
    assert meter.group_of(item) is None


def test_rating_display_and_records() -> None:
    rating = rate_usage([event("1", quantity=150000), event("1")], API, JAN)
    html = rating._repr_html_()
    assert "<table>" in html
    assert "107.00 USD" in html
    assert "1 duplicates" in html
    assert rating.to_records() == [
        {
            "customer": "acme",
            "metric": "api_calls",
            "group": None,
            "quantity": "150000",
            "already_billed": "0",
            "amount": "107.00",
            "precise_amount": "107.0000",
            "currency": "USD",
        }
    ]
    frame = rating.to_pandas()
    assert list(frame["amount"]) == [Decimal("107.00")]
    assert isinstance(rating.lines[0], RatedCharge)


def test_json_shapes() -> None:
    meter = Meter("api_calls", Aggregation.SUM, filters={"region": "eu"})
    data = unstructure(meter)
    assert data["filters"] == {"region": ["eu"]}
    assert (
        loads('{"metric": "api_calls", "aggregation": "sum", "filters": {"region": "eu"}}', Meter)
        == meter
    )
    charge = UsageCharge(meter, Percentage("2.9", "USD"))
    assert unstructure(charge)["model"]["type"] == "percentage"
    assert unstructure(API)["model"]["type"] == "graduated"


def test_cli_rate_verb(capsys: pytest.CaptureFixture[str], tmp_path: object) -> None:
    from revcycle.cli import main
    from revcycle.samples import path

    code = main(
        [
            "rate",
            path("usage_events.json"),
            "--plan",
            path("usage_plan.json"),
            "--period",
            "2024-01-01/2024-02-01",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    data = loads(out, UsageRating)
    assert data.lines
    assert data.duplicates
    assert data.late
    code = main(
        [
            "rate",
            path("usage_events.json"),
            "--plan",
            path("usage_plan.json"),
            "--period",
            "2024-01-01/2024-02-01",
            "--format",
            "table",
        ]
    )
    assert code == 0
    assert "api_calls" in capsys.readouterr().out


def test_cli_rate_with_meter_and_price_flags(
    capsys: pytest.CaptureFixture[str], tmp_path: pytest.TempPathFactory
) -> None:
    from pathlib import Path

    from revcycle.cli import main
    from revcycle.samples import path

    price = Path(str(tmp_path)) / "price.json"
    price.write_text(json.dumps(unstructure(PerUnit(usd("0.01")), AnyUsageModel)), "utf-8")
    code = main(
        [
            "rate",
            path("usage_events.json"),
            "--metric",
            "api_calls",
            "--aggregation",
            "sum",
            "--price",
            str(price),
            "--period",
            "2024-01-01/2024-02-01",
            "--tz",
            "UTC",
        ]
    )
    assert code == 0
    assert loads(capsys.readouterr().out, UsageRating).lines
    assert main(["rate", path("usage_events.json"), "--period", "2024-01-01/2024-02-01"]) == 1
    assert "--plan" in capsys.readouterr().err
    assert (
        main(
            [
                "rate",
                path("usage_events.json"),
                "--plan",
                path("usage_plan.json"),
                "--period",
                "January",
            ]
        )
        == 1
    )
    assert "period" in capsys.readouterr().err


def test_cli_rate_with_a_meter_file(
    capsys: pytest.CaptureFixture[str], tmp_path: pytest.TempPathFactory
) -> None:
    # Issue 6: `revcycle rate EVENTS.json --meter ... --price ...`. By hand: eu events 10 and
    # -3 (a correction the meter allows), the us event filtered out → 7 × 0.01 = 0.07.
    from pathlib import Path

    from revcycle.cli import main

    folder = Path(str(tmp_path))
    meter = Meter("api_calls", Aggregation.SUM, filters={"region": "eu"}, allow_negative=True)
    (folder / "meter.json").write_text(dumps(meter), "utf-8")
    price = unstructure(PerUnit(usd("0.01")), AnyUsageModel)
    (folder / "price.json").write_text(json.dumps(price), "utf-8")
    events = [
        event("1", quantity=10, region="eu"),
        event("2", quantity=-3, region="eu"),
        event("3", quantity=5, region="us"),
    ]
    (folder / "events.json").write_text(json.dumps(unstructure(events)), "utf-8")
    args = ["rate", str(folder / "events.json"), "--period", "2024-01-01/2024-02-01"]
    flags = ["--meter", str(folder / "meter.json"), "--price", str(folder / "price.json")]
    assert main([*args, *flags]) == 0
    line = loads(capsys.readouterr().out, UsageRating).lines[0]
    assert (line.quantity, line.amount) == (D(7), usd("0.07"))
    assert main([*args, *flags, "--format", "table"]) == 0
    assert "0.07 USD" in capsys.readouterr().out
    # Flags that contradict the meter file or the plan are usage errors (exit 2).
    for extra in (["--group-by", "region"], ["--metric", "api_calls"], ["--plan", "x.json"]):
        with pytest.raises(SystemExit) as exit_info:
            main([*args, *flags, *extra])
        assert exit_info.value.code == 2
        assert "--" in capsys.readouterr().err
    # Malformed JSON in any file is an input error (exit 1) with a message, not a traceback.
    (folder / "bad.json").write_text("{bad", "utf-8")
    (folder / "bad_list.json").write_text('[{"id": ', "utf-8")
    for broken in (
        [*args, "--meter", str(folder / "bad.json"), "--price", str(folder / "price.json")],
        [*args, "--meter", str(folder / "meter.json"), "--price", str(folder / "bad.json")],
        ["rate", str(folder / "bad_list.json"), *args[2:], *flags],
    ):
        assert main(broken) == 1
        assert "invalid JSON" in capsys.readouterr().err


def test_cli_rate_takes_inline_json_and_names_its_documents(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The same one-event rating as a file would give: 3 calls × 0.01 = 0.03.
    from revcycle.cli import main
    from revcycle.cli._common import read_json_argument

    events = json.dumps(unstructure([event("1", quantity=3)]))
    meter = '{"metric": "api_calls", "aggregation": "sum"}'
    price = json.dumps(unstructure(PerUnit(usd("0.01")), AnyUsageModel))
    period = ["--period", "2024-01-01/2024-02-01"]
    assert read_json_argument(f"  {meter}") == f"  {meter}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO(events))
        assert main(["rate", "-", "--meter", meter, "--price", price, *period]) == 0
    line = loads(capsys.readouterr().out, UsageRating).lines[0]
    assert (line.quantity, line.amount) == (D(3), usd("0.03"))
    # Errors name the document as a person knows it, not the CLI's private envelope classes.
    assert main(["rate", "-", "--plan", '{"charges": 5}', *period]) == 1
    assert "Cannot read a usage plan:" in capsys.readouterr().err
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO('{"events": [{"id": "1"}]}'))
        assert main(["rate", "-", "--meter", meter, "--price", price, *period]) == 1
    assert "Cannot read usage events:" in capsys.readouterr().err


def test_demo_section_renders() -> None:
    from rich.console import Console

    from revcycle.cli._demo import s50_usage

    out = io.StringIO()
    s50_usage.run(Console(file=out, width=100))
    text = out.getvalue()
    assert "api_calls" in text
    assert "tier" in text


def test_cli_rate_reads_a_list_of_events_from_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from revcycle.cli import main
    from revcycle.samples import path

    events = [event("1", quantity=20, at=datetime(2024, 1, 20, tzinfo=UTC))]
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(unstructure(events))))
    code = main(
        [
            "rate",
            "-",
            "--plan",
            path("usage_plan.json"),
            "--period",
            "2024-01-16/2024-02-01",
            "--full-period",
            "2024-01-01/2024-02-01",
        ]
    )
    assert code == 0
    rating = loads(capsys.readouterr().out, UsageRating)
    # 20 calls on tier 1 (0.001 each) → 0.02; the storage charge has no usage for acme.
    assert rating.line("acme", "api_calls").amount == usd("0.02")
    assert (
        main(
            [
                "rate",
                "-",
                "--plan",
                path("usage_plan.json"),
                "--period",
                "2024-01-16/2024-02-01",
                "--full-period",
                "2024-02-01/2024-01-01",
            ]
        )
        == 1
    )
    assert "--full-period" in capsys.readouterr().err


def test_percentage_rates_show_short_in_breakdowns() -> None:
    # Issue 16, new-user item: rates printed 50 digits in explanations.
    rate = Percent(CTX.divide(Decimal(1), Decimal(3)))
    charge = UsageCharge(Meter("payments", Aggregation.SUM), Percentage(rate, "USD"))
    event = UsageEvent(id="p1", customer="acme", metric="payments", at=JAN_START, quantity=300)
    rating = rate_usage([event], charge, JAN)
    descriptions = [row.description for row in rating.lines[0].breakdown]
    assert "≈0.333333% of the chargeable amount" in descriptions
    assert "0.3333333" not in rating.explain()


def test_usage_text_and_counts_are_checked_like_every_field() -> None:
    # Found by a sweep after the long fuzz run (issue 16): a usage event's or a meter's text
    # with a lone surrogate was accepted (and dumps() wrote what loads() refused); a
    # 4,301-digit unit rounding precision escaped as a ValueError from its message, and a
    # 10^40 free_events was accepted.
    with pytest.raises(ValidationError, match="lone surrogate"):
        UsageEvent(id="\ud800", customer="a", metric="m", at=datetime(2024, 1, 1, tzinfo=UTC))
    with pytest.raises(ValidationError, match="lone surrogate"):
        Meter("api\udcff", Aggregation.SUM)
    with pytest.raises(ValidationError, match="at most 40 digits"):
        UnitRounding(UnitRoundingMode.CEIL, 10**4300)
    with pytest.raises(ValidationError, match="at most 40 digits"):
        Percentage("1", "USD", free_events=10**40)


def test_usage_collections_too_large_to_hold_are_refused_before_they_are_read() -> None:
    # found by the long fuzz run (issue 16): a range of 10**18 items was turned into a tuple,
    # list or frozenset (a MemoryError), or walked item by item (a hang), before any size check.
    huge = range(10**18)
    with pytest.raises(ValidationError, match="at most 10,000,000 items"):
        Percentage("1", "USD").price_events(huge)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="at most 10,000,000 items"):
        Meter("api_calls", Aggregation.SUM, filters={"region": huge})  # type: ignore[dict-item]
    with pytest.raises(ValidationError, match="at most 10,000,000 items"):
        rate_usage([], huge, JAN)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="at most 10,000,000 items"):
        rate_usage([], API, JAN, customers=huge)  # type: ignore[arg-type]


def test_a_usage_event_pickles_and_copies_with_its_properties() -> None:
    # Its properties are a read-only mapping proxy, which pickle cannot write: a list of events
    # handed to another process (a Dask bag, multiprocessing) failed with "cannot pickle
    # 'mappingproxy' object". The copy is equal, and its properties stay read-only.
    event = UsageEvent(
        id="evt-7",
        customer="acme",
        metric="api_calls",
        at=datetime(2025, 1, 2, 9, 30, tzinfo=UTC),
        quantity=Decimal("12.5"),
        properties={"region": "eu", "request": "r-1"},
    )
    for copied in (pickle.loads(pickle.dumps(event)), copy.deepcopy(event), copy.copy(event)):
        assert copied == event
        assert dict(copied.properties) == {"region": "eu", "request": "r-1"}
        with pytest.raises(TypeError):
            copied.properties["region"] = "us"  # type: ignore[index]


def test_a_meter_choice_refuses_a_value_whose_repr_fails() -> None:
    # Found by the fuzz run (issue 16): a list nested 100,000 deep as a meter's aggregation or
    # a unit rounding mode went to the enum's own lookup, whose message (its repr) ended in a
    # RecursionError. Only text or a member names a choice (the shared _validate.to_choice).
    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(ValidationError, match="A meter's aggregation must be one of"):
        Meter("api_calls", deep)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="A unit rounding mode must be one of"):
        UnitRounding(deep, 2)  # type: ignore[arg-type]
    assert Meter("api_calls", "max").aggregation is Aggregation.MAX


def test_a_rated_line_is_looked_up_by_text_only() -> None:
    # Found by the fuzz run (issue 16): UsageRating.line(np.array([...]), ...) compared the
    # array with each line's key and let numpy's ValueError out. Its arguments are checked
    # first; a line that is not there stays an UnknownCodeError.
    import numpy as np

    meter = Meter("api_calls", Aggregation.SUM, group_by="plan")
    events = [event("1", quantity=10, plan="pro"), event("2", quantity=3)]
    rating = rate_usage(events, UsageCharge(meter, PerUnit(usd("1"))), JAN)
    assert rating.line("acme", "api_calls", "pro").amount == usd("10.00")
    with pytest.raises(RevcycleTypeError):
        rating.line(np.array([1, 2]), "api_calls")  # type: ignore[arg-type]
    with pytest.raises(RevcycleTypeError):
        rating.line("acme", "api_calls", 42)  # type: ignore[arg-type]
    with pytest.raises(UnknownCodeError, match="No rated line for customer 'globex'"):
        rating.line("globex", "api_calls")
