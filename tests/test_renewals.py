"""Renewals: the renewal quote read from a contract and priced by the quote engine.

Known answers cite their source: the issue text (issue 12: "a 7 % uplift renewal of the upsold
contract"), DESIGN §4.3 (the renewal rules and the renewal line's steps), or a hand computation
written out in the comment. The seed deal is samples/seed_deal.json: 100 PLATFORM-SEAT at
1,200.00 list a year less 10 % (1,080.00 a year locked), 2025-01-01 to 2027-12-31, Net 60.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from helpers import CATALOG, JUNK, quote, quotes, usd
from revcycle import errors, samples
from revcycle.amendments import AddProduct, Amendment, Cancel, ChangeQuantity, amend
from revcycle.catalog import Catalog, ChargeKind, PriceBook, Product
from revcycle.contracts import Contract
from revcycle.dates import Duration
from revcycle.money import Money, Percent
from revcycle.pricing import Discount, PerUnit
from revcycle.proration import ProrationMethod
from revcycle.quotes import LockedPrice, PricedQuote, Quote, QuoteLine, StepName, price_quote
from revcycle.renewals import RenewalPricing, renew, renewal_term
from revcycle.serialization import dumps, loads
from revcycle.terms import PaymentTerms


SEED_CATALOG = loads(samples.read_text("catalog.json"), Catalog)
SEED_QUOTE = loads(samples.read_text("seed_deal.json"), Quote)
SEATS = "PLATFORM-SEAT"


def seed() -> Contract:
    """The founding documents' deal as contract C-1."""
    return Contract.from_quote(price_quote(SEED_QUOTE, SEED_CATALOG), id="C-1")


def upsold() -> Contract:
    """The seed upsell (issue 12): 105 seats from 2026-03-01, co-termed — version 2."""
    change = Amendment(date(2026, 3, 1), [ChangeQuantity(SEATS, quantity=105)])
    return amend(seed(), change, SEED_CATALOG).contract


# --------------------------------------------------------------------------------------------
# The 7 % uplift renewal of the upsold seed contract (issue 12, "Must show")


def test_the_seven_percent_uplift_renewal_of_the_upsold_seed() -> None:
    contract = upsold()
    renewal = renew(contract, SEED_CATALOG, pricing=RenewalPricing.UPLIFT, uplift=Percent("7"))
    q = renewal.quote
    # DESIGN §4.3: from the day after the contract's end, for its term: the contract spans 36
    # whole months (2025-01-01 to 2028-01-01), so the renewal runs 2028-01-01 to 2030-12-31.
    assert (q.start_date, q.end_date, q.term) == (date(2028, 1, 1), date(2030, 12, 31), None)
    assert q.proration_method is ProrationMethod.MONTHLY_DAILY
    assert q.payment_terms == contract.payment_terms == PaymentTerms.parse("Net 60")
    assert (q.account, q.price_book, q.name) == (
        "Contoso Pharmaceuticals",
        "Standard",
        "Renewal of C-1",
    )
    (line,) = renewal.lines
    # The quantity on the contract's last day: 100 (C-1-1) + 5 (the delta C-1-2) = 105.
    assert line.quantity == 105
    assert [step.name for step in line.steps] == [
        StepName.LIST,
        StepName.CONTRACTED,
        StepName.VOLUME,
        StepName.ADDITIONAL,
        StepName.PARTNER,
        StepName.DISTRIBUTOR,
        StepName.TERM,
        StepName.UPLIFT,
    ]
    # By hand: list 1,200.00 now (reference); locked 1,080.00 a year; volume to distributor
    # unchanged; × 3 (36 whole months ÷ 12) = 3,240.00; × 1.07 = 3,466.80;
    # 105 × 3,466.80 = 364,014.00.
    prices = [step.unit_price for step in line.steps]
    assert prices == [usd("1200.00"), *[usd("1080.00")] * 5, usd("3240.00"), usd("3466.80")]
    assert line.term_multiplier == 3
    assert line.net_total == usd("364014.00")
    assert renewal.tcv == usd("364014.00")
    # ARR = 364,014.00 ÷ 3 = 121,338.00 (105 × 1,155.60).
    assert renewal.arr == usd("121338.00")
    # The per-term price a contract locks: 1,080.00 × 1.07 = 1,155.60 a year, exactly.
    assert renewal.unit_prices_per_term() == (usd("1155.60"),)
    reasons = {step.name: step.reason for step in line.steps}
    assert reasons[StepName.CONTRACTED] == (
        "locked net unit price 1080.00 USD per P12M from contract C-1 version 2, line C-1-1"
    )
    assert reasons[StepName.UPLIFT] == "7% renewal uplift: × 1.07"
    assert reasons[StepName.DISTRIBUTOR].startswith("unchanged: the locked price")
    assert "for reference" in reasons[StepName.LIST]
    assert line.regular_unit_price == usd("3240.00")  # after term, whatever the order
    assert line.customer_unit_price == line.partner_unit_price == usd("1080.00")
    text = renewal.explain()
    assert "uplift             3466.80 USD  7% renewal uplift: × 1.07" in text
    assert "Payment terms: Net 60." in text


def test_the_uplift_renewal_becomes_a_contract_that_renews_the_seed() -> None:
    contract = upsold()
    renewal = renew(contract, SEED_CATALOG, pricing="uplift", uplift="7", id="C-2")
    assert renewal.quote.name == "C-2"
    renewed = Contract.from_quote(renewal, id="C-2", renews=contract)
    (seats,) = renewed.subscriptions
    assert (seats.id, seats.quantity, seats.net_unit_price) == (
        "C-2-1",
        Decimal(105),
        usd("1155.60"),
    )
    assert seats.list_unit_price == usd("1200.00")
    assert renewed.tcv == usd("364014.00")
    assert renewed.renews is contract
    assert renewed.payment_terms.describe() == "Net 60"
    assert renewed.billing == contract.billing
    assert loads(dumps(renewed), Contract) == renewed


def test_the_renewal_round_trips_through_json_with_its_locked_prices() -> None:
    renewal = renew(upsold(), SEED_CATALOG, pricing=RenewalPricing.UPLIFT, uplift=Percent("7"))
    back = loads(dumps(renewal), PricedQuote)
    assert back == renewal
    assert back.lines[0].locked_price == renewal.lines[0].locked_price
    # Read back without the engine's trace, the exact per-term price is worked out again.
    assert back.unit_prices_per_term() == (usd("1155.60"),)
    # The renewal quote prices again to the same figures (the locked price travels on it).
    assert price_quote(back.quote, SEED_CATALOG) == renewal


# --------------------------------------------------------------------------------------------
# SAME and LIST on the seed (DESIGN §4.3)


def test_a_same_renewal_keeps_the_locked_price() -> None:
    # The unamended seed: 100 × 1,080.00 × 3 = 324,000.00, the contract's own TCV again.
    renewal = renew(seed(), SEED_CATALOG)
    (line,) = renewal.lines
    assert StepName.UPLIFT not in [step.name for step in line.steps]
    assert line.net_unit_price == usd("3240.00")
    assert renewal.tcv == usd("324000.00") == seed().tcv
    # The upsold seed: 105 × 3,240.00 = 340,200.00.
    assert renew(upsold(), SEED_CATALOG, pricing="same").tcv == usd("340200.00")


def test_a_list_renewal_prices_todays_book_through_the_waterfall() -> None:
    # The 10 % additional discount is cleared: 1,200.00 × 3 = 3,600.00; 105 × = 378,000.00.
    renewal = renew(upsold(), SEED_CATALOG, pricing=RenewalPricing.LIST)
    (line,) = renewal.lines
    assert line.locked_price is None
    assert [step.name for step in line.steps][3] is StepName.TERM  # the quote's own order
    assert line.net_unit_price == usd("3600.00")
    assert renewal.tcv == usd("378000.00")
    assert {s.name: s.reason for s in line.steps}[StepName.ADDITIONAL] == "no additional discount"


def test_channel_discounts_by_method() -> None:
    # A contract with a 10 % partner and a 5 % distributor discount on SEAT (100.00 a year,
    # range schedule: 10 % off from 10 to 49 units): 20 seats for a year net
    # 100 × 0.9 × 0.9 × 0.95 = 76.95 a seat.
    q = quote(
        QuoteLine("SEAT", 20),
        partner_discount=Percent("10"),
        distributor_discount=Percent("5"),
        payment_terms="Net 30",
    )
    contract = Contract.from_quote(price_quote(q, CATALOG), id="K")
    assert contract.subscriptions[0].net_unit_price == usd("76.95")
    same = renew(contract, CATALOG)
    # SAME carries both percents on the renewal quote (for the products amended in later) but
    # does not apply them again: they are inside the locked price.
    assert (same.quote.partner_discount, same.quote.distributor_discount) == (
        Percent("10"),
        Percent("5"),
    )
    assert same.lines[0].net_unit_price == usd("76.95")
    # LIST keeps the partner discount, clears the distributor's (Salesforce CPQ, KB 000382096):
    # 100 × 0.9 (volume) × 0.9 (partner) = 81.00.
    listed = renew(contract, CATALOG, pricing="list")
    assert (listed.quote.partner_discount, listed.quote.distributor_discount) == (
        Percent("10"),
        None,
    )
    assert listed.lines[0].net_unit_price == usd("81.00")


# --------------------------------------------------------------------------------------------
# Which lines renew (DESIGN §4.3)


def test_a_new_product_added_by_amendment_is_a_line_of_its_own() -> None:
    # 20 SEAT from 2026-03-01 (docs/reference/amendments.md): 100.00 less 10 % volume =
    # 90.00 a year locked. Renewed SAME for 36 months: 90.00 × 3 = 270.00, 20 × = 5,400.00.
    change = Amendment(date(2026, 3, 1), [AddProduct("SEAT", quantity=20)])
    added = amend(seed(), change, SEED_CATALOG)
    renewal = renew(added.contract, SEED_CATALOG)
    seats, extra = renewal.lines
    assert (seats.sku, seats.quantity, seats.net_total) == (SEATS, Decimal(100), usd("324000.00"))
    assert (extra.sku, extra.quantity) == ("SEAT", Decimal(20))
    assert extra.net_unit_price == usd("270.00")
    assert extra.net_total == usd("5400.00")
    reason = {s.name: s.reason for s in extra.steps}[StepName.CONTRACTED]
    assert (
        reason == "locked net unit price 90.00 USD per P12M from contract C-1 version 2, line C-1-2"
    )
    # The list step shows today's book for reference: SEAT at 20 units lists 100.00.
    assert extra.list_unit_price == usd("100.00")


def test_cancelled_one_time_and_ramped_down_lines_are_dropped() -> None:
    q = quote(
        QuoteLine("SEAT", 5),
        QuoteLine("SUPPORT", 1),
        QuoteLine("ONBOARD", 1),
        QuoteLine("STORAGE", 300, end_date=date(2025, 6, 30)),  # ends before the last day
        payment_terms="Net 30",
    )
    contract = Contract.from_quote(price_quote(q, CATALOG), id="R")
    cancelled = amend(contract, Amendment(date(2025, 7, 1), [Cancel("SUPPORT")]), CATALOG)
    renewal = renew(cancelled.contract, CATALOG)
    # SUPPORT is at 0 on 2025-12-31, ONBOARD is one-time, STORAGE ended on 2025-06-30.
    assert [line.sku for line in renewal.lines] == ["SEAT"]
    everything = amend(
        cancelled.contract, Amendment(date(2025, 9, 1), [Cancel("SEAT")]), CATALOG
    ).contract
    with pytest.raises(errors.ValidationError, match="has nothing to renew"):
        renew(everything, CATALOG)


def test_a_usage_line_renews_at_the_books_model_with_its_discount() -> None:
    ten_off = Discount.percent(Percent("10"))
    q = quote(
        QuoteLine("SEAT", 5), QuoteLine("API", 2000, discount=ten_off), payment_terms="Net 30"
    )
    contract = Contract.from_quote(price_quote(q, CATALOG), id="U")
    seats, api = renew(contract, CATALOG).lines
    assert seats.locked_price is not None
    assert api.locked_price is None
    assert api.discount == ten_off
    assert api.charge_kind is ChargeKind.USAGE
    assert renew(contract, CATALOG, pricing="list").lines[1].discount is None


# --------------------------------------------------------------------------------------------
# The renewal term (DESIGN §4.3: whole months when the contract spans whole months, else days)


def test_the_renewal_term_is_the_contracts_own() -> None:
    assert renewal_term(seed()) == Duration(months=36)
    days = Contract.from_quote(
        price_quote(
            quote(QuoteLine("SEAT", 5), end_date=date(2025, 7, 18), payment_terms="Net 30"), CATALOG
        ),
        id="D",
    )
    # 2025-01-01 to 2025-07-18 inclusive is 199 days, not whole months.
    assert renewal_term(days) == Duration(days=199)
    renewal = renew(days, CATALOG)
    assert (renewal.quote.start_date, renewal.quote.end_date) == (
        date(2025, 7, 19),
        date(2025, 7, 19) + timedelta(days=198),
    )
    # term= overrides: one year from 2028-01-01; 1,080.00 × 1 × 100 = 108,000.00.
    one_year = renew(seed(), SEED_CATALOG, term=Duration(years=1))
    assert one_year.quote.end_date == date(2028, 12, 31)
    assert one_year.tcv == usd("108000.00")
    # A month-end contract: 2025-01-31 to 2025-02-27 is one whole month (to 2025-02-28).
    month_end = quote(QuoteLine("SEAT", 5), payment_terms="Net 30", end_date=date(2025, 2, 27))
    month_end = attrs.evolve(month_end, start_date=date(2025, 1, 31))
    assert renewal_term(Contract.from_quote(price_quote(month_end, CATALOG), id="M")) == Duration(
        months=1
    )


def test_a_product_repriced_per_another_term_cannot_keep_its_locked_price() -> None:
    monthly = Product(SEATS, "Platform seat, monthly", ChargeKind.RECURRING, Duration(months=1))
    catalog = Catalog(
        [p for p in SEED_CATALOG.products if p.sku != SEATS] + [monthly],
        SEED_CATALOG.price_books,
    )
    with pytest.raises(errors.ValidationError, match="is per P12M, but the product is now priced"):
        renew(seed(), catalog)
    # At today's prices it renews.
    assert renew(seed(), catalog, pricing="list").lines[0].pricing_term == Duration(months=1)
    without = Catalog(
        SEED_CATALOG.products,
        [PriceBook("Standard", "USD", prices={"SEAT": PerUnit(usd("1"))})],
    )
    with pytest.raises(errors.UnknownCodeError):
        renew(seed(), without)


# --------------------------------------------------------------------------------------------
# A quote's payment terms: text or PaymentTerms (DESIGN §4)


def test_a_quote_takes_payment_terms_as_text_or_terms() -> None:
    terms = PaymentTerms.parse("2/10 Net 30")
    q = attrs.evolve(SEED_QUOTE, payment_terms=terms)
    priced = price_quote(q, SEED_CATALOG)
    assert "Payment terms: 2/10 Net 30." in priced.explain()
    assert Contract.from_quote(priced, id="C-1").payment_terms == terms
    # JSON: text stays a string, terms are an object; both read back as they were.
    assert loads(dumps(q), Quote) == q
    assert loads(dumps(SEED_QUOTE), Quote).payment_terms == "Net 60"
    assert '"payment_terms": {"installments"' in dumps(q)
    with pytest.raises(errors.RevcycleTypeError, match="payment terms must be text"):
        attrs.evolve(SEED_QUOTE, payment_terms=60)  # type: ignore[arg-type]
    with pytest.raises(errors.StructureError, match="payment_terms"):
        loads(dumps(SEED_QUOTE).replace('"Net 60"', "60"), Quote)


def test_a_locked_price_and_a_discount_do_not_mix() -> None:
    locked = LockedPrice(
        unit_price=usd("1080"),
        pricing_term=Duration(months=12),
        contract="C-1",
        version=1,
        subscription="C-1-1",
    )
    with pytest.raises(errors.ValidationError, match="a discount or a locked price, not both"):
        QuoteLine(SEATS, 1, discount=Discount.percent(Percent("5")), locked_price=locked)
    with pytest.raises(errors.ValidationError, match="below -100"):
        attrs.evolve(locked, uplift=Percent("-101"))
    eur = quote(
        QuoteLine(SEATS, 1, locked_price=attrs.evolve(locked, unit_price=Money("1", "EUR")))
    )
    with pytest.raises(errors.CurrencyMismatchError, match="locked price from contract C-1"):
        price_quote(eur, SEED_CATALOG)


# --------------------------------------------------------------------------------------------
# Refusals (issue 12: "UPLIFT without an uplift", floats)


def test_uplift_without_an_uplift_and_an_uplift_elsewhere_are_refused() -> None:
    with pytest.raises(errors.ValidationError, match="needs the uplift"):
        renew(seed(), SEED_CATALOG, pricing=RenewalPricing.UPLIFT)
    with pytest.raises(errors.ValidationError, match="UPLIFT renewal only; this renewal is SAME"):
        renew(seed(), SEED_CATALOG, uplift=Percent("7"))
    with pytest.raises(errors.ValidationError, match="below -100"):
        renew(seed(), SEED_CATALOG, pricing="uplift", uplift="-150")
    with pytest.raises(errors.RevcycleTypeError, match="float"):
        renew(seed(), SEED_CATALOG, pricing="uplift", uplift=7.0)  # type: ignore[arg-type]
    with pytest.raises(errors.ValidationError):
        renew(seed(), SEED_CATALOG, pricing="cheaper")
    with pytest.raises(errors.RevcycleTypeError, match="Duration"):
        renew(seed(), SEED_CATALOG, term="P3Y")  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError, match=r"renew\(\) contract must be Contract"):
        renew(SEED_QUOTE, SEED_CATALOG)  # type: ignore[arg-type]


_RENEWERS: list[Callable[[Any], object]] = [
    lambda v: renew(v, SEED_CATALOG),
    lambda v: renew(seed(), v),
    lambda v: renew(seed(), SEED_CATALOG, pricing=v),
    lambda v: renew(seed(), SEED_CATALOG, pricing="uplift", uplift=v),
    lambda v: renew(seed(), SEED_CATALOG, term=v),
    lambda v: renew(seed(), SEED_CATALOG, id=v),
    lambda v: LockedPrice(
        unit_price=v, pricing_term=None, contract="C", version=1, subscription="C-1"
    ),
    lambda v: LockedPrice(
        unit_price=usd("1"), pricing_term=v, contract="C", version=1, subscription="C-1"
    ),
    lambda v: LockedPrice(
        unit_price=usd("1"), pricing_term=None, contract="C", version=v, subscription="C-1"
    ),
    lambda v: QuoteLine(SEATS, 1, locked_price=v),
]


@given(JUNK, st.sampled_from(range(len(_RENEWERS))))
def test_junk_raises_only_revcycle_errors(value: object, which: int) -> None:
    with contextlib.suppress(errors.RevcycleError):
        _RENEWERS[which](value)


# --------------------------------------------------------------------------------------------
# Properties (issue 12: "a SAME renewal of an unamended contract reproduces its per-term
# prices")


@given(quotes())
def test_a_same_renewal_of_an_unamended_contract_reproduces_its_per_term_prices(q: Quote) -> None:
    priced = price_quote(q, CATALOG)
    contract = Contract.from_quote(
        priced.approve(*priced.approval_levels), id="C", payment_terms="Net 30"
    )
    last = contract.end_date
    kept = [
        s
        for s in contract.subscriptions
        if s.charge_kind is ChargeKind.RECURRING and s.covers(last) and s.quantity > 0
    ]
    assume(
        any(
            s.charge_kind is not ChargeKind.ONE_TIME and s.covers(last) and s.quantity > 0
            for s in contract.subscriptions
        )
    )
    renewal = renew(contract, CATALOG)
    locked = [
        (line, price)
        for line, price in zip(renewal.lines, renewal.unit_prices_per_term(), strict=True)
        if line.locked_price is not None
    ]
    assert [line.quantity for line, _ in locked] == [s.quantity for s in kept]
    assert [price for _, price in locked] == [s.net_unit_price for s in kept]
    renewed = Contract.from_quote(renewal, id="C-next", renews=contract)
    by_sku = [
        s.net_unit_price for s in renewed.subscriptions if s.charge_kind is ChargeKind.RECURRING
    ]
    assert by_sku == [s.net_unit_price for s in kept]


@given(st.decimals(min_value=-100, max_value=500, places=2))
def test_an_uplift_multiplies_the_locked_price_exactly(points: Decimal) -> None:
    renewal = renew(seed(), SEED_CATALOG, pricing="uplift", uplift=Percent(points))
    (per_term,) = renewal.unit_prices_per_term()
    assert per_term.amount == Decimal(1080) * (1 + points / 100)
