"""Co-termed amendments: the seed upsell, decreases, cancellations, new products through the
waterfall, lines named by ``subscription=``, every refusal, and the properties of version
chains (quantities, TCV, co-termination, JSON).

Known answers cite their source: the issue text (issue 12), DESIGN §3 "Amendments
co-terminate" and §4.3, or a hand computation written out in the comment.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import CATALOG, JUNK, usd
from revcycle import errors, samples
from revcycle._numbers import fraction_to_decimal
from revcycle.amendments import (
    AddProduct,
    Amendment,
    Cancel,
    ChangeQuantity,
    PricedAmendment,
    amend,
)
from revcycle.catalog import Catalog, ChargeKind
from revcycle.contracts import Contract
from revcycle.dates import Duration, Period
from revcycle.pricing import Discount
from revcycle.quotes import Quote, QuoteLine, price_quote
from revcycle.serialization import dumps, loads


SEED_CATALOG = loads(samples.read_text("catalog.json"), Catalog)
SEED_QUOTE = loads(samples.read_text("seed_deal.json"), Quote)
SEAT = "PLATFORM-SEAT"
MARCH = date(2026, 3, 1)  # 14 months into the seed deal


def seed() -> Contract:
    return Contract.from_quote(price_quote(SEED_QUOTE, SEED_CATALOG), id="C-1")


def change(contract: Contract, day: date, *changes: Any) -> PricedAmendment:
    return amend(contract, Amendment(day, changes), SEED_CATALOG)


# --------------------------------------------------------------------------------------------
# The seed upsell (issue 12, "Must show"): +5 seats from 2026-03-01 at the locked 1,080.00,
# co-termed to 2027-12-31: 22 whole months, × 22/12 = 11/6 under MONTHLY_DAILY;
# 5 × 1,080.00 × 11/6 = 9,900.00; TCV 324,000.00 → 333,900.00.


def test_the_seed_upsell() -> None:
    contract = seed()
    upsell = change(contract, MARCH, ChangeQuantity(SEAT, quantity=105))
    (line,) = upsell.lines
    assert (line.subscription_id, line.amends, line.sku) == ("C-1-2", "C-1-1", SEAT)
    assert (line.prior_quantity, line.quantity, line.delta) == (
        Decimal(100),
        Decimal(105),
        Decimal(5),
    )
    assert line.net_unit_price == usd("1080")
    assert line.period == Period(MARCH, date(2028, 1, 1))
    assert line.term_multiplier == fraction_to_decimal(Fraction(11, 6))  # 1.8333… to 50 digits
    assert line.precise_amount == usd("9900")
    assert line.amount == usd("9900.00")
    assert upsell.total == usd("9900.00")
    assert (upsell.tcv_before, upsell.tcv_after) == (usd("324000.00"), usd("333900.00"))
    new = upsell.contract
    assert (new.version, new.previous, new.amendment) == (2, contract, upsell.amendment)
    assert new.versions() == (contract, new)
    assert new.quantity(SEAT, on=date(2026, 2, 28)) == 100
    assert new.quantity(SEAT, on=MARCH) == 105
    (delta,) = new.added
    assert (delta.id, delta.quantity, delta.origin, delta.total) == (
        "C-1-2",
        Decimal(5),
        "amendment:2",
        usd("9900.00"),
    )
    # The version amended is untouched: amendments never edit a contract.
    assert contract == seed()
    assert contract.tcv == usd("324000.00")


def test_the_seed_upsell_explains_itself() -> None:
    upsell = change(seed(), MARCH, ChangeQuantity(SEAT, quantity=105))
    text = upsell.explain()
    for shown in (
        "1080.00 USD per P12M",  # the locked price
        "2026-03-01 → 2027-12-31",  # the co-term span
        "22 whole months",
        "11/6",
        "9900.00 USD",
        "100 → 105",
        "TCV 324000.00 USD → 333900.00 USD",
    ):
        assert shown in text, shown
    assert upsell.lines[0].explain() in text
    assert upsell.lines[0].explain().splitlines()[0] in upsell.contract.explain()


# --------------------------------------------------------------------------------------------
# Decreases, cancellations and zero deltas


def test_a_decrease_gives_value_back() -> None:
    # 100 → 90 from 2026-03-01: −10 × 1,080.00 × 11/6 = −19,800.00.
    down = change(seed(), MARCH, ChangeQuantity(SEAT, quantity=90))
    (line,) = down.lines
    assert (line.delta, line.amount) == (Decimal(-10), usd("-19800.00"))
    assert down.tcv_after == usd("304200.00")
    assert down.contract.quantity(SEAT, on=MARCH) == 90


def test_a_cancellation_takes_the_line_to_zero() -> None:
    # After the upsell, cancel from 2027-01-01: −105 × 1,080.00 × 12/12 = −113,400.00.
    upsold = change(seed(), MARCH, ChangeQuantity(SEAT, quantity=105)).contract
    cancelled = change(upsold, date(2027, 1, 1), Cancel(SEAT))
    (line,) = cancelled.lines
    assert (line.prior_quantity, line.quantity, line.delta) == (
        Decimal(105),
        Decimal(0),
        Decimal(-105),
    )
    assert line.amends == "C-1-1"  # the delta amends the line, not the earlier delta
    assert line.amount == usd("-113400.00")
    assert cancelled.tcv_after == usd("220500.00")  # 333,900.00 − 113,400.00
    after = cancelled.contract
    assert after.quantity(SEAT, on=date(2026, 12, 31)) == 105
    assert after.quantity(SEAT, on=date(2027, 1, 1)) == 0
    assert [s.id for s in after.subscriptions_on(date(2027, 6, 1))] == ["C-1-1", "C-1-2", "C-1-3"]


def test_a_zero_delta_makes_no_segment_and_takes_no_id() -> None:
    same = change(seed(), MARCH, ChangeQuantity(SEAT, quantity=100), AddProduct(SEAT, quantity=0))
    assert same.lines == ()
    assert same.total == usd("0.00")
    assert same.contract.version == 2
    assert same.contract.added == ()
    nxt = change(same.contract, MARCH, ChangeQuantity(SEAT, quantity=101))
    assert nxt.lines[0].subscription_id == "C-1-2"


def test_changes_apply_in_order() -> None:
    # +10, then back to 100 in the same amendment: two lines that cancel out.
    both = change(
        seed(), MARCH, ChangeQuantity(SEAT, quantity=110), ChangeQuantity(SEAT, quantity=100)
    )
    assert [line.delta for line in both.lines] == [10, -10]
    assert both.total == usd("0.00")
    assert both.contract.quantity(SEAT, on=MARCH) == 100


# --------------------------------------------------------------------------------------------
# New products through the quote waterfall (DESIGN §4.3)


def test_a_new_product_is_priced_through_the_waterfall_mid_term() -> None:
    # SEAT (100.00 a year, range schedule: 10 % off from 10 to 49 units) added from
    # 2026-03-01: the schedule sees the 20 new seats alone: 90.00 a year; × 11/6 = 165.00;
    # 5 % off: 156.75 a seat for the span; × 20 = 3,135.00. Per year: 90 × 0.95 = 85.50.
    added = change(seed(), MARCH, AddProduct("SEAT", quantity=20, discount=Discount.percent("5")))
    (line,) = added.lines
    assert (line.amends, line.prior_quantity, line.delta) == (None, Decimal(0), Decimal(20))
    assert line.amount == usd("3135.00")
    assert line.net_unit_price == usd("85.5")
    segment = added.contract.subscription("C-1-2")
    assert (segment.list_unit_price, segment.net_unit_price) == (usd("100.00"), usd("85.5"))
    # The same figures as a one-line quote over [effective, contract end] priced directly.
    direct = price_quote(
        Quote(
            "Contoso Pharmaceuticals",
            "USD",
            "Standard",
            MARCH,
            [QuoteLine("SEAT", 20, discount=Discount.percent("5"))],
            end_date=date(2027, 12, 31),
        ),
        SEED_CATALOG,
    )
    assert line.amount == direct.lines[0].net_total
    assert "range discount schedule" in line.reason
    assert "× 11/6" in line.reason


def northwind() -> Contract:
    # The sample quote (Northwind Traders, 2025-01-01 for 24 months), approved.
    priced = price_quote(loads(samples.read_text("quote.json"), Quote), SEED_CATALOG)
    return Contract.from_quote(priced.approve(*priced.approval_levels), id="N-1")


def test_a_new_product_gets_the_contracted_price_valid_on_the_effective_date() -> None:
    # Northwind's contracted 20 % off STORAGE is valid 2024-07-01 to 2026-07-01 (catalog.json);
    # 300 GB is 3 packs of 100 at 25.00 a month: 75.00, per GB 0.25 a month.
    contract = northwind()
    march = amend(
        contract, Amendment(date(2026, 3, 1), [AddProduct("STORAGE", quantity=300)]), SEED_CATALOG
    )
    august = amend(
        contract, Amendment(date(2026, 8, 1), [AddProduct("STORAGE", quantity=300)]), SEED_CATALOG
    )
    # After contracted 20 % and the quote's 5 % partner discount: 0.25 × 0.8 × 0.95 = 0.19.
    assert march.lines[0].net_unit_price == usd("0.19")
    assert august.lines[0].net_unit_price == usd("0.2375")  # 0.25 × 0.95, no contract price
    # 2026-03-01 to 2026-12-31 is 10 months: 300 × 0.19 × 10 = 570.00.
    assert march.lines[0].amount == usd("570.00")


def test_a_one_time_product_bills_in_full_and_usage_carries_no_amount() -> None:
    added = change(
        seed(), MARCH, AddProduct("ONBOARDING", quantity=1), AddProduct("API-CALLS", quantity=1000)
    )
    onboarding, api = added.lines
    assert onboarding.amount == usd("5000.00")  # unprorated
    assert onboarding.term_multiplier == 1
    assert api.amount == usd("0.00")
    segment = added.contract.subscription(api.subscription_id)
    assert segment.charge_kind is ChargeKind.USAGE
    assert segment.model == SEED_CATALOG.price("Standard", "USD", "API-CALLS")
    assert added.total == usd("5000.00")


# --------------------------------------------------------------------------------------------
# A SKU sold on two lines at different prices needs subscription= (DESIGN §4.3)


def two_prices() -> Contract:
    # PLATFORM-SEAT at 1,080.00 a year (10 % off) and at 960.00 a year (20 % off).
    q = attrs.evolve(
        SEED_QUOTE,
        lines=[
            QuoteLine(SEAT, 100, discount=Discount.percent("10")),
            QuoteLine(SEAT, 50, discount=Discount.percent("20")),
        ],
    )
    return Contract.from_quote(price_quote(q, SEED_CATALOG), id="C-2")


def test_a_line_named_by_subscription() -> None:
    contract = two_prices()
    with pytest.raises(
        errors.ValidationError,
        match=r"on 2 lines .*C-2-1 at 1080\.00 USD per P12M; C-2-2 at 960\.00 USD",
    ):
        change(contract, MARCH, ChangeQuantity(SEAT, quantity=160))
    # The second line 50 → 60: its own quantities, at its own locked 960.00:
    # 10 × 960.00 × 11/6 = 17,600.00.
    more = change(contract, MARCH, ChangeQuantity(SEAT, quantity=60, subscription="C-2-2"))
    (line,) = more.lines
    assert (line.amends, line.prior_quantity, line.quantity, line.delta) == (
        "C-2-2",
        Decimal(50),
        Decimal(60),
        Decimal(10),
    )
    assert line.net_unit_price == usd("960")
    assert line.amount == usd("17600.00")
    assert more.contract.quantity(SEAT, on=MARCH) == 160
    # Naming the delta segment means its line; cancelling it takes that line to zero only.
    gone = change(more.contract, date(2027, 1, 1), Cancel(SEAT, subscription="C-2-3"))
    assert (gone.lines[0].amends, gone.lines[0].delta) == ("C-2-2", Decimal(-60))
    assert gone.contract.quantity(SEAT, on=date(2027, 1, 1)) == 100


# --------------------------------------------------------------------------------------------
# Every refusal is a full sentence and changes nothing


def refusals() -> list[tuple[Any, type[Exception], str]]:
    contract = seed()
    upsold = change(contract, MARCH, ChangeQuantity(SEAT, quantity=105)).contract
    with_onboarding = change(contract, MARCH, AddProduct("ONBOARDING", quantity=1)).contract
    return [
        (
            lambda: change(contract, date(2024, 12, 31), Cancel(SEAT)),
            errors.ValidationError,
            "within its term",
        ),
        (
            lambda: change(contract, date(2028, 1, 1), Cancel(SEAT)),
            errors.ValidationError,
            "within its term",
        ),
        (
            lambda: change(upsold, date(2026, 2, 1), Cancel(SEAT)),
            errors.ValidationError,
            "before the previous amendment",
        ),
        (lambda: change(contract, MARCH, Cancel("SEAT")), errors.UnknownCodeError, "no sku 'SEAT'"),
        (
            lambda: change(contract, MARCH, AddProduct("DESK", quantity=1)),
            errors.UnknownCodeError,
            "Unknown sku 'DESK'",
        ),
        (
            lambda: change(two_prices(), MARCH, Cancel(SEAT)),
            errors.ValidationError,
            "subscription=",
        ),
        (
            lambda: change(contract, MARCH, Cancel(SEAT, subscription="C-1-7")),
            errors.UnknownCodeError,
            "no subscription 'C-1-7'",
        ),
        (
            lambda: change(with_onboarding, MARCH, Cancel("ONBOARDING")),
            errors.ValidationError,
            "one-time product",
        ),
        (
            lambda: change(contract, MARCH, ChangeQuantity(SEAT, quantity=-1)),
            errors.ValidationError,
            "below zero",
        ),
        (
            lambda: change(contract, MARCH, ChangeQuantity(SEAT, quantity=1.5)),  # type: ignore[arg-type]
            errors.RevcycleTypeError,
            "float",
        ),
        (
            lambda: amend(contract, "2026-03-01", SEED_CATALOG),  # type: ignore[arg-type]
            errors.RevcycleTypeError,
            "Amendment",
        ),
        (
            lambda: amend(contract, Amendment(MARCH, []), SEED_CATALOG),
            errors.ValidationError,
            "at least one change",
        ),
    ]


@pytest.mark.parametrize("index", range(12))
def test_every_refusal_is_a_sentence_and_changes_nothing(index: int) -> None:
    contract = seed()
    before = dumps(contract)
    call, error, message = refusals()[index]
    with pytest.raises(error, match=message) as info:
        call()
    assert isinstance(info.value, errors.RevcycleError)
    assert str(info.value).endswith(".")
    assert dumps(contract) == before


def ramped() -> Contract:
    # 100 seats in 2025, 150 in 2026-2027: two lines of one SKU, one after the other.
    q = attrs.evolve(
        SEED_QUOTE,
        lines=[
            QuoteLine(SEAT, 100, end_date=date(2025, 12, 31)),
            QuoteLine(SEAT, 150, start_date=date(2026, 1, 1)),
        ],
    )
    return Contract.from_quote(price_quote(q, SEED_CATALOG), id="R-1")


def test_a_ramp_changes_the_line_in_force_and_refuses_going_below_zero_later() -> None:
    contract = ramped()
    # In 2026 only the second line is in force: 150 → 160 needs no subscription=.
    more = change(contract, MARCH, ChangeQuantity(SEAT, quantity=160))
    assert more.lines[0].amends == "R-1-2"
    # In 2025, 100 → 40 on the first line runs to the contract end (co-termed): from 2026 the
    # first line would hold −60 seats.
    with pytest.raises(errors.ValidationError, match=r"line R-1-1 .* to -60 on 2026-01-01"):
        change(contract, date(2025, 6, 1), ChangeQuantity(SEAT, quantity=40))


# --------------------------------------------------------------------------------------------
# JSON, tables and notebooks


def test_a_priced_amendment_round_trips_and_tabulates() -> None:
    upsell = change(seed(), MARCH, ChangeQuantity(SEAT, quantity=105))
    assert loads(dumps(upsell), PricedAmendment) == upsell
    assert loads(dumps(upsell.amendment), Amendment) == upsell.amendment
    data = json.loads(dumps(upsell.amendment))
    assert data["changes"][0]["type"] == "change_quantity"
    (record,) = upsell.to_records()
    assert (record["delta"], record["amount"], record["amends"]) == ("5", "9900.00", "C-1-1")
    table = upsell.to_arrow()
    assert str(table.schema.field("amount").type) == "decimal128(38, 2)"
    assert str(table.schema.field("precise_amount").type) == "decimal256(76, 40)"
    assert upsell.to_pandas()["amount"].sum() == upsell.total.amount
    html = upsell._repr_html_()
    assert "9900.00 USD" in html
    assert ">+5<" in html
    with pytest.raises(errors.ValidationError, match="made by a quote"):
        PricedAmendment(seed())


def test_json_of_changes_is_tagged_and_checked() -> None:
    text = (
        '{"effective_date": "2026-03-01", "changes": '
        '[{"type": "add_product", "sku": "SEAT", "quantity": "5"}]}'
    )
    assert loads(text, Amendment) == Amendment(MARCH, [AddProduct("SEAT", quantity=5)])
    with pytest.raises(errors.StructureError, match="unknown type tag 'remove'"):
        loads(text.replace("add_product", "remove"), Amendment)
    with pytest.raises(errors.StructureError, match="colour"):
        loads(text.replace('"quantity": "5"', '"quantity": "5", "colour": "red"'), Amendment)


@contextmanager
def shallow_stack(frames: int) -> Iterator[None]:
    """Run with at most ``frames`` more Python frames than the caller's: a walk that recursed
    once per version of a long chain would fail."""
    depth = len(__import__("inspect").stack(0))
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + frames)
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


def test_a_thousand_amendments_round_trip_without_recursion() -> None:
    contract = seed()
    start = date(2025, 1, 2)
    for n in range(1000):
        day = start + timedelta(days=n)
        contract = change(contract, day, ChangeQuantity(SEAT, quantity=100 + (n % 7))).contract
    assert contract.version == 1001
    with shallow_stack(250):
        text = dumps(contract)
        back = loads(text, Contract)
        assert back == contract
        assert back.tcv == contract.tcv
        assert back.subscriptions == contract.subscriptions
    assert len(json.loads(text)["versions"]) == 1001


# --------------------------------------------------------------------------------------------
# Properties over random chains of amendments (issue 12, "Must show")

# A model of each line held apart from the library: its quantity from each start day on.
Model = dict[str, list[tuple[date, Decimal]]]
# An amendment to be: its day and its changes (an AddProduct, or a line number to change or
# cancel, which the runner names by its subscription id).
Draft = tuple[date, list[Any]]


@st.composite
def chains(draw: st.DrawFn) -> tuple[Contract, list[Draft]]:
    """A contract on the sample catalog (lines over the whole term) and amendments on days
    that never go back, each a few changes that name their line, so none is refused."""
    start = draw(st.dates(min_value=date(2023, 1, 1), max_value=date(2027, 12, 31)))
    months = draw(st.integers(1, 36))
    skus = ["SEAT", "SUPPORT", "STORAGE", "LIC", "API", "ONBOARD"]
    lines = [
        QuoteLine(sku, draw(st.integers(0, 60)))
        for sku in draw(st.lists(st.sampled_from(skus), min_size=1, max_size=4))
    ]
    q = Quote(
        "ACME",
        "USD",
        "Standard",
        start,
        lines,
        term=Duration(months=months),
        payment_terms="Net 30",
    )
    contract = Contract.from_quote(price_quote(q, CATALOG), id="K")
    days = sorted(draw(st.lists(st.integers(0, contract.period.days - 1), min_size=1, max_size=5)))
    drafts = [
        (
            start + timedelta(days=offset),
            draw(st.lists(changes_of(len(lines)), min_size=1, max_size=3)),
        )
        for offset in days
    ]
    return contract, drafts


@st.composite
def changes_of(draw: st.DrawFn, lines: int) -> Any:
    kind = draw(st.sampled_from(["add", "change", "cancel"]))
    if kind == "add":
        return AddProduct(
            draw(st.sampled_from(["SEAT", "STORAGE", "API", "HW"])),
            quantity=draw(st.integers(0, 30)),
        )
    # A line by number; the runner turns it into a line in force (or skips the change).
    number = draw(st.integers(1, lines + 3))
    quantity = draw(st.integers(0, 80))
    return ("change", number, quantity) if kind == "change" else ("cancel", number, 0)


def run(contract: Contract, drafts: list[Draft]) -> Iterator[tuple[PricedAmendment, Model]]:
    """Price the chain, modelling every line's quantity by hand as it goes."""
    model: Model = {s.id: [(s.period.start, s.quantity)] for s in contract.subscriptions}
    roots = [s.id for s in contract.subscriptions]
    count = len(contract.subscriptions)
    for day, items in drafts:
        changes: list[Any] = []
        planned: list[tuple[str, Decimal]] = []  # (line or "new", its new quantity) per change
        for item in items:
            if isinstance(item, AddProduct):
                changes.append(item)
                planned.append(("new", item.quantity))
                continue
            _, number, quantity = item
            if number > len(roots):
                continue
            line = roots[number - 1]
            segment = contract.subscription(line)
            if segment.charge_kind is ChargeKind.ONE_TIME:
                continue
            changes.append(
                ChangeQuantity(segment.sku, quantity=quantity, subscription=line)
                if item[0] == "change"
                else Cancel(segment.sku, subscription=line)
            )
            planned.append((line, Decimal(quantity)))
        if not changes:
            continue
        priced = amend(contract, Amendment(day, changes), CATALOG)
        for line, new in planned:
            if line == "new":
                if new:
                    count += 1
                    roots.append(f"K-{count}")
                    model[f"K-{count}"] = [(day, new)]
                continue
            held = sum((q for since, q in model[line] if since <= day), Decimal(0))
            if new != held:
                count += 1
                model[line].append((day, new - held))
        contract = priced.contract
        yield priced, model


@settings(max_examples=60)
@given(chains())
def test_properties_of_any_chain(chain: tuple[Contract, list[Draft]]) -> None:
    contract, drafts = chain
    end = contract.period.end
    for priced, model in run(contract, drafts):
        new = priced.contract
        # TCV after = TCV before + the amendment's total, to the cent.
        assert priced.tcv_after == priced.tcv_before + priced.total
        # Every line co-terminates on the contract end.
        assert all(line.period.end == end for line in priced.lines)
        assert [s.id for s in new.added] == [line.subscription_id for line in priced.lines]
        # A SKU's quantity on any day is the sum of the segments covering it — and the hand
        # model of each line agrees.
        for day in {new.start_date, priced.amendment.effective_date, new.end_date}:
            for sku in {s.sku for s in new.subscriptions}:
                covering = [s for s in new.subscriptions if s.sku == sku and s.covers(day)]
                held = new.quantity(sku, on=day)
                assert held == sum((s.quantity for s in covering), Decimal(0))
                modelled = sum(
                    (
                        q
                        for line, steps in model.items()
                        if new.subscription(line).sku == sku
                        for since, q in steps
                        if since <= day < end and new.subscription(line).covers(day)
                    ),
                    Decimal(0),
                )
                assert held == modelled
                assert held >= 0
        # The whole chain round-trips through JSON, every version with it.
        back = loads(dumps(new), Contract)
        assert back == new
        assert [v.added for v in back.versions()] == [v.added for v in new.versions()]


_TAKERS: list[Any] = [
    lambda v: Amendment(v, [Cancel(SEAT)]),
    lambda v: Amendment(MARCH, v),
    lambda v: Amendment(MARCH, [Cancel(SEAT)], id=v),
    lambda v: AddProduct(v, quantity=1),
    lambda v: AddProduct(SEAT, quantity=v),
    lambda v: AddProduct(SEAT, quantity=1, discount=v),
    lambda v: ChangeQuantity(v, quantity=1),
    lambda v: ChangeQuantity(SEAT, quantity=v),
    lambda v: ChangeQuantity(SEAT, quantity=1, subscription=v),
    lambda v: Cancel(v),
    lambda v: Cancel(SEAT, subscription=v),
    lambda v: amend(v, Amendment(MARCH, [Cancel(SEAT)]), SEED_CATALOG),
    lambda v: amend(seed(), v, SEED_CATALOG),
    lambda v: amend(seed(), Amendment(MARCH, [Cancel(SEAT)]), v),
    lambda v: PricedAmendment(v),
    lambda v: loads(json.dumps(v, default=str), Contract),
    lambda v: loads(json.dumps(v, default=str), Amendment),
]


@given(JUNK, st.sampled_from(range(len(_TAKERS))))
def test_junk_raises_only_revcycle_errors(value: object, which: int) -> None:
    with contextlib.suppress(errors.RevcycleError):
        _TAKERS[which](value)


# --------------------------------------------------------------------------------------------
# Reading a contract by line: what an amendment reads instead of the whole contract


def test_segments_by_sku_and_line_survive_branching_versions() -> None:
    first = seed()
    upsold = change(first, date(2026, 3, 1), ChangeQuantity("PLATFORM-SEAT", quantity=105))
    second = upsold.contract
    assert (second.segment_count, second.skus) == (2, ("PLATFORM-SEAT",))
    assert [s.id for s in second.segments_of("PLATFORM-SEAT")] == ["C-1-1", "C-1-2"]
    assert second.line_of("C-1-2") == "C-1-1"
    assert second.line_of("C-1-1") == "C-1-1"
    assert second.segments_of("SEAT") == ()
    assert second.lines() == {"C-1-1": second.subscriptions}
    # Version 1 is amended again (a branch): it reads its own segments, not version 2's.
    other = change(first, date(2027, 1, 1), ChangeQuantity("PLATFORM-SEAT", quantity=90))
    assert [s.id for s in other.contract.segments_of("PLATFORM-SEAT")] == ["C-1-1", "C-1-2"]
    assert other.lines[0].delta == -10
    assert first.segments_of("PLATFORM-SEAT") == first.subscriptions
    # A third version on the upsold branch counts both deltas of the line.
    third = change(second, date(2027, 1, 1), Cancel("PLATFORM-SEAT")).contract
    assert third.lines()["C-1-1"] == third.subscriptions
    assert third.quantity("PLATFORM-SEAT", on=date(2027, 1, 1)) == 0
    # Read back from JSON, a version finds its lines the same way.
    back = loads(dumps(third), Contract)
    assert back.lines() == third.lines()
    assert back.line_of("C-1-3") == "C-1-1"
