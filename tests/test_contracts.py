"""Contracts: version 1 from a priced quote, its segments, payment terms, billing settings, the
exact per-term price, refusals, JSON and the notebook edges.

Known answers cite their source: the issue text (issue 12), DESIGN §4.3 and §4.4, or a hand
computation written out in the comment. Amendments are tested in ``test_amendments.py``.
"""

from __future__ import annotations

import contextlib
import json
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import CATALOG, JUNK, quote, quotes, usd
from revcycle import errors, samples
from revcycle.catalog import Catalog
from revcycle.contracts import (
    BillingSettings,
    BillingTiming,
    Contract,
    FirstPeriod,
    Subscription,
    TrueUp,
)
from revcycle.dates import Duration, Period
from revcycle.money import Money
from revcycle.pricing import Discount
from revcycle.proration import ProrationMethod
from revcycle.quotes import PricedQuote, Quote, QuoteLine, price_quote
from revcycle.serialization import dumps, loads
from revcycle.terms import PaymentTerms
from revcycle.usage import Aggregation, Meter


SEED_CATALOG = loads(samples.read_text("catalog.json"), Catalog)
SEED_QUOTE = loads(samples.read_text("seed_deal.json"), Quote)


def seed() -> Contract:
    """The founding documents' deal (samples/seed_deal.json) as contract C-1."""
    return Contract.from_quote(price_quote(SEED_QUOTE, SEED_CATALOG), id="C-1")


def no_terms(q: Quote) -> Quote:
    return attrs.evolve(q, payment_terms=None)


# --------------------------------------------------------------------------------------------
# The seed deal (issue 12: three years from 2025-01-01, 100 seats at 1,200.00 list a year
# less 10 %, Net 60)


def test_the_seed_deal_becomes_version_1() -> None:
    contract = seed()
    assert (contract.id, contract.version, contract.previous, contract.amendment) == (
        "C-1",
        1,
        None,
        None,
    )
    assert contract.amendment_lines == ()
    assert (contract.start_date, contract.end_date) == (date(2025, 1, 1), date(2027, 12, 31))
    assert contract.period == Period(date(2025, 1, 1), date(2028, 1, 1))
    (seats,) = contract.subscriptions
    assert seats.id == "C-1-1"
    assert seats.origin == "quote"
    assert seats.quantity == 100
    # The list step before the term multiplier, and the locked price per pricing term: 1,200 a
    # year less 10 % is exactly 1,080.00 a year (not 3,240.00 for the three years).
    assert seats.list_unit_price == usd("1200.00")
    assert seats.net_unit_price == usd("1080")
    assert seats.pricing_term == Duration(months=12)
    # 100 × 1,080.00 × 3 years = 324,000.00, the quote's TCV.
    assert seats.total == usd("324000.00")
    assert contract.tcv == usd("324000.00")
    # The net-60 story: the terms negotiated on the quote are the contract's, never re-keyed.
    assert contract.payment_terms == PaymentTerms.parse("Net 60")
    assert contract.payment_terms.due_date(date(2025, 1, 1)) == date(2025, 3, 2)
    # DESIGN §4.4: the anchor resolved to the contract start.
    assert contract.billing == BillingSettings(anchor=date(2025, 1, 1))
    assert contract.versions() == (contract,)


def test_a_contract_carries_the_quotes_fields_for_later_products() -> None:
    q = quote(
        QuoteLine("SEAT", 5),
        partner_discount=None,
        distributor_discount=None,
        additional_discount_last=True,
        partner_discount_first=True,
        proration_method=ProrationMethod.DAILY,
        payment_terms="2/10 Net 30",
    )
    contract = Contract.from_quote(price_quote(q, CATALOG), id="C-7")
    assert (contract.account, contract.currency.code, contract.price_book) == (
        "ACME",
        "USD",
        "Standard",
    )
    assert contract.proration_method is ProrationMethod.DAILY
    assert (contract.additional_discount_last, contract.partner_discount_first) == (True, True)
    assert contract.payment_terms.describe() == "2/10 Net 30"


def test_quantity_and_segments_on_a_day() -> None:
    contract = seed()
    assert contract.quantity("PLATFORM-SEAT", on=date(2025, 1, 1)) == 100
    assert contract.quantity("PLATFORM-SEAT", on=date(2027, 12, 31)) == 100
    assert contract.quantity("PLATFORM-SEAT", on=date(2028, 1, 1)) == 0  # after the end
    assert contract.subscriptions_on(date(2024, 12, 31)) == ()
    assert contract.subscription("C-1-1") is contract.subscriptions[0]
    with pytest.raises(errors.UnknownCodeError, match="no sku 'SEAT'"):
        contract.quantity("SEAT", on=date(2025, 1, 1))
    with pytest.raises(errors.UnknownCodeError, match="no subscription 'C-1-9'"):
        contract.subscription("C-1-9")


# --------------------------------------------------------------------------------------------
# Payment terms (DESIGN §4.3): from the quote or the argument; a conflict or none is refused


def test_payment_terms_come_from_the_argument_when_the_quote_has_none() -> None:
    priced = price_quote(no_terms(SEED_QUOTE), SEED_CATALOG)
    by_text = Contract.from_quote(priced, id="C-1", payment_terms="Net 60")
    by_value = Contract.from_quote(priced, id="C-1", payment_terms=PaymentTerms.net(60))
    assert by_text.payment_terms == by_value.payment_terms == PaymentTerms.parse("Net 60")
    # The same terms twice are no conflict.
    same = Contract.from_quote(
        price_quote(SEED_QUOTE, SEED_CATALOG), id="C-1", payment_terms=PaymentTerms.net(60)
    )
    assert same.payment_terms == by_text.payment_terms


def test_a_contract_without_payment_terms_is_refused() -> None:
    # The seed's late-fee story: no silent Net 30.
    priced = price_quote(no_terms(SEED_QUOTE), SEED_CATALOG)
    with pytest.raises(errors.ValidationError, match=r"needs payment terms.*never assumes Net 30"):
        Contract.from_quote(priced, id="C-1")


def test_conflicting_payment_terms_are_refused() -> None:
    priced = price_quote(SEED_QUOTE, SEED_CATALOG)  # Net 60 on the quote
    with pytest.raises(errors.ValidationError, match="'Net 60' on the quote and 'Net 30' given"):
        Contract.from_quote(priced, id="C-1", payment_terms="Net 30")


def test_a_renewal_takes_the_renewed_contracts_terms_billing_and_meters() -> None:
    old = Contract.from_quote(
        price_quote(quote(QuoteLine("API", 100)), CATALOG),
        id="C-0",
        payment_terms="Net 45",
        billing=BillingSettings(timing=BillingTiming.IN_ARREARS),
        meters={"API": Meter("api_calls", Aggregation.SUM)},
    )
    renewal = price_quote(quote(QuoteLine("API", 100), QuoteLine("SEAT", 1)), CATALOG)
    new = Contract.from_quote(renewal, id="C-1", renews=old)
    assert new.renews is old
    assert new.payment_terms == PaymentTerms.net(45)
    assert new.billing.timing is BillingTiming.IN_ARREARS
    assert new.billing.anchor == old.start_date  # the same bill cycle
    assert new.subscriptions[0].meter == Meter("api_calls", Aggregation.SUM)
    # Given ones win.
    given = Contract.from_quote(renewal, id="C-1", renews=old, billing=BillingSettings())
    assert given.billing.timing is BillingTiming.IN_ADVANCE
    other = Contract.from_quote(
        price_quote(attrs.evolve(quote(QuoteLine("API", 1)), account="Other"), CATALOG),
        id="C-9",
        payment_terms="Net 30",
    )
    with pytest.raises(errors.ValidationError, match="cannot renew contract 'C-9'"):
        Contract.from_quote(renewal, id="C-1", renews=other)


# --------------------------------------------------------------------------------------------
# Approvals (DESIGN §4.3: a quote with pending approvals is refused)


def test_a_quote_with_approvals_pending_is_refused_until_approved() -> None:
    q = loads(samples.read_text("quote.json"), Quote)
    priced = price_quote(q, SEED_CATALOG)
    with pytest.raises(errors.ValidationError, match="still needs approval"):
        Contract.from_quote(priced, id="C-2")
    with pytest.raises(errors.ValidationError, match="'finance', 'cfo'"):
        Contract.from_quote(priced.approve("sales manager"), id="C-2")
    contract = Contract.from_quote(priced.approve(*priced.approval_levels), id="C-2")
    # The sample quote's figures (docs/reference/quotes.md): TCV 18,933.50; usage not in it.
    assert contract.tcv == priced.tcv == usd("18933.50")


# --------------------------------------------------------------------------------------------
# Segments of each kind


def test_usage_and_one_time_segments() -> None:
    meter = Meter("api_calls", Aggregation.SUM)
    ten_off = Discount.percent("10")
    q = quote(
        QuoteLine("API", 2000, discount=ten_off), QuoteLine("ONBOARD", 1), payment_terms="Net 30"
    )
    priced = price_quote(q, CATALOG)
    contract = Contract.from_quote(priced, id="C-3", meters={"API": meter})
    api, onboard = contract.subscriptions
    # A usage segment keeps its model, discount and meter; it carries no contract value.
    assert (api.model, api.discount, api.meter) == (priced.lines[0].model, ten_off, meter)
    assert api.total == usd("0.00")
    # A one-time segment: no pricing term, its net unit price as it is, billed in full.
    assert onboard.pricing_term is None
    assert onboard.net_unit_price == priced.lines[1].net_unit_price
    assert (onboard.model, onboard.discount, onboard.meter) == (None, None, None)
    assert contract.tcv == priced.tcv == usd("5000.00")
    with pytest.raises(errors.ValidationError, match="meter for 'ONBOARD'"):
        Contract.from_quote(priced, id="C-3", meters={"ONBOARD": meter})


@given(quotes())
def test_each_segment_locks_the_lines_exact_per_term_price(q: Quote) -> None:
    priced = price_quote(q, CATALOG)
    priced = priced.approve(*priced.approval_levels)
    contract = Contract.from_quote(priced, id="C", payment_terms="Net 30")
    per_term = priced.unit_prices_per_term()
    assert len(contract.subscriptions) == len(priced.lines)
    for number, (segment, line, price) in enumerate(
        zip(contract.subscriptions, priced.lines, per_term, strict=True), 1
    ):
        assert segment.id == f"C-{number}"
        assert segment.net_unit_price == price
        assert segment.list_unit_price == line.list_unit_price
        assert segment.period == line.period
        assert segment.quantity == line.quantity
    assert contract.tcv == priced.tcv
    assert loads(dumps(contract), Contract) == contract


# --------------------------------------------------------------------------------------------
# Billing settings (DESIGN §4.4, first bullet)


def test_billing_settings_defaults_validation_and_json() -> None:
    settings = BillingSettings()
    assert (settings.frequency, settings.timing, settings.anchor) == (
        Duration(months=1),
        BillingTiming.IN_ADVANCE,
        None,
    )
    assert (settings.first_period, settings.proration, settings.true_up) == (
        FirstPeriod.PRORATE,
        ProrationMethod.DAILY,
        TrueUp.LAST_PERIOD,
    )
    custom = BillingSettings(
        frequency=Duration(months=3),
        timing="in_arrears",
        anchor=date(2025, 1, 31),
        first_period="free",
        proration="thirty_360",
        true_up="none",
    )
    assert loads(dumps(custom), BillingSettings) == custom
    assert json.loads(dumps(custom))["timing"] == "in_arrears"
    with pytest.raises(errors.ValidationError, match="shares out one billing period"):
        BillingSettings(proration=ProrationMethod.MONTHLY_DAILY)
    with pytest.raises(errors.RevcycleTypeError, match="billing frequency must be a Duration"):
        BillingSettings(frequency="P1M")  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError, match=r"anchor must be a datetime\.date"):
        BillingSettings(anchor=datetime(2025, 1, 1))  # noqa: DTZ001
    with pytest.raises(errors.ValidationError, match="must be one of"):
        BillingSettings(timing="monthly")
    kept = Contract.from_quote(
        price_quote(SEED_QUOTE, SEED_CATALOG),
        id="C-1",
        billing=BillingSettings(anchor=date(2025, 1, 15)),
    )
    assert kept.billing.anchor == date(2025, 1, 15)


# --------------------------------------------------------------------------------------------
# Refusals: full sentences, RevcycleError, floats a type error


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: Contract.from_quote(SEED_QUOTE, id="C-1"),  # type: ignore[arg-type]
            errors.RevcycleTypeError,
            "PricedQuote",
        ),
        (
            lambda: Contract.from_quote(price_quote(SEED_QUOTE, SEED_CATALOG), id=""),
            errors.ValidationError,
            "contract id",
        ),
        (
            lambda: Contract.from_quote(
                price_quote(no_terms(SEED_QUOTE), SEED_CATALOG),
                id="C-1",
                payment_terms=60.0,  # type: ignore[arg-type]
            ),
            errors.RevcycleTypeError,
            "PaymentTerms or text",
        ),
        (
            lambda: Contract.from_quote(
                price_quote(no_terms(SEED_QUOTE), SEED_CATALOG), id="C-1", payment_terms="Net sixty"
            ),
            errors.TermsParseError,
            "Net sixty",
        ),
        (
            lambda: Contract.from_quote(
                price_quote(SEED_QUOTE, SEED_CATALOG),
                id="C-1",
                meters=[1],  # type: ignore[arg-type]
            ),
            errors.RevcycleTypeError,
            "meters must map",
        ),
    ],
)
def test_bad_input_is_refused_in_a_sentence(
    call: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message) as info:
        call()
    assert isinstance(info.value, errors.RevcycleError)
    assert str(info.value).endswith(".")


# A segment of one year of ten seats at 90.00 a year, as a hand-built contract holds it.
SEGMENT: dict[str, Any] = {
    "id": "C-1-1",
    "sku": "SEAT",
    "name": "Seat",
    "charge_kind": "recurring",
    "quantity": "10",
    "period": Period(date(2025, 1, 1), date(2026, 1, 1)),
    "list_unit_price": usd("100"),
    "net_unit_price": usd("90"),
    "pricing_term": Duration(months=12),
    "total": usd("900.00"),
    "origin": "quote",
}


def segment(**changes: Any) -> Subscription:
    return Subscription(**{**SEGMENT, **changes})


def contract_of(*segments: Subscription, **changes: Any) -> Contract:
    fields: dict[str, Any] = {
        "id": "C-1",
        "account": "ACME",
        "currency": "USD",
        "start_date": date(2025, 1, 1),
        "end_date": date(2025, 12, 31),
        "price_book": "Standard",
        "payment_terms": PaymentTerms.net(30),
        "subscriptions": segments,
    }
    return Contract(**{**fields, **changes})


def test_a_contract_built_by_hand_is_checked() -> None:
    assert contract_of(segment()).tcv == usd("900.00")
    with pytest.raises(errors.ValidationError, match="must have the id 'C-1-1'"):
        contract_of(segment(id="X"))
    with pytest.raises(errors.ValidationError, match=r"outside the term .* of contract 'C-1'"):
        contract_of(segment(period=Period(date(2025, 1, 1), date(2026, 2, 1))))
    with pytest.raises(errors.CurrencyMismatchError, match="is in EUR"):
        contract_of(
            segment(
                list_unit_price=Money("1", "EUR"),
                net_unit_price=Money("1", "EUR"),
                total=Money("1", "EUR"),
            )
        )
    with pytest.raises(errors.ValidationError, match="origin is 'quote'"):
        contract_of(segment(origin="amendment:2"))
    with pytest.raises(errors.ValidationError, match="only version 1"):
        contract_of(segment(), version=2)
    with pytest.raises(errors.ValidationError, match="counts pricing terms"):
        contract_of(segment(), proration_method=ProrationMethod.NONE)
    with pytest.raises(errors.RevcycleTypeError, match=r"start date must be a datetime\.date"):
        contract_of(segment(), start_date=datetime(2025, 1, 1))  # noqa: DTZ001
    with pytest.raises(errors.ValidationError, match="needs the pricing term"):
        segment(pricing_term=None)
    with pytest.raises(errors.ValidationError, match="only a usage segment keeps"):
        segment(meter=Meter("seats", Aggregation.MAX))
    with pytest.raises(errors.FloatNotAllowedError):
        segment(quantity=1.5)


def test_a_huge_version_or_id_is_refused_with_a_short_message() -> None:
    # Found by the long fuzz run (issue 16): a 4,301-digit version had no upper bound, and the
    # message that refused it put it in raw, so str() of the int escaped as a ValueError
    # ("Exceeds the limit (4300 digits) for integer string conversion").
    for version in (10**4300, 10**100_000, 10**40):
        with pytest.raises(errors.ValidationError, match="an int of at most 40 digits") as raised:
            contract_of(segment(), version=version)
        assert len(str(raised.value)) < 500
    with pytest.raises(errors.ValidationError, match="only version 1"):
        contract_of(segment(), version=10**40 - 1)
    # A caller's id is shown bounded too: a 100,000-character id made a 100,000-character
    # message.
    long_id = "x" * 100_000
    with pytest.raises(errors.ValidationError, match="must have the id") as raised:
        contract_of(segment(), id=long_id)
    assert len(str(raised.value)) < 1_000


def test_a_contract_ending_on_the_calendars_last_day_is_a_period_error() -> None:
    # Found by the long-profile re-run of the fuzz run's Contract target (issue 16): the term
    # is half-open, and the day after 9999-12-31 escaped as an OverflowError.
    with pytest.raises(errors.PeriodError, match="A contract's end date cannot be 9999-12-31"):
        contract_of(segment(), end_date=date.max)


# --------------------------------------------------------------------------------------------
# JSON (DESIGN §5) and the notebook edges


def test_a_contract_round_trips_through_json() -> None:
    contract = seed()
    text = dumps(contract)
    data = json.loads(text)
    assert list(data) == ["versions", "schema_version"]
    assert data["versions"][0]["subscriptions"][0]["net_unit_price"] == {
        "amount": "1080",
        "currency": "USD",
    }
    back = loads(text, Contract)
    assert back == contract
    assert hash(back) == hash(contract)
    data["versions"][0]["colour"] = "blue"
    with pytest.raises(errors.StructureError, match="colour"):
        loads(json.dumps(data), Contract)
    bad = json.loads(text)
    bad["versions"][0]["subscriptions"][0]["quantity"] = "x"
    with pytest.raises(errors.StructureError, match=r"\$\.versions\[0\]\.subscriptions\[0\]"):
        loads(json.dumps(bad), Contract)
    with pytest.raises(errors.StructureError, match="at least its first version"):
        loads('{"versions": []}', Contract)


def test_records_arrow_and_pandas_are_typed() -> None:
    contract = seed()
    (record,) = contract.to_records()
    assert record["net_unit_price"] == "1080"
    assert record["end_date"] == "2027-12-31"
    table = contract.to_arrow()
    assert str(table.schema.field("total").type) == "decimal128(38, 2)"
    assert str(table.schema.field("net_unit_price").type) == "decimal256(76, 40)"
    assert str(table.schema.field("start_date").type) == "date32[day]"
    assert str(table.schema.field("sku").type).startswith("dictionary<values=string")
    frame = contract.to_pandas()
    assert frame["total"].sum() == contract.tcv.amount


def test_html_is_escaped_and_truncated() -> None:
    lines = [QuoteLine("SEAT", n) for n in range(60)]
    q = attrs.evolve(quote(*lines, payment_terms="Net 30"), account="<b>ACME</b>")
    contract = Contract.from_quote(price_quote(q, CATALOG), id="C-<1>")
    html = contract._repr_html_()
    assert "&lt;b&gt;ACME&lt;/b&gt;" in html
    assert "<b>" not in html
    assert "C-&lt;1&gt;-1<" in html
    assert "C-&lt;1&gt;-60<" in html
    assert "C-&lt;1&gt;-6<" not in html  # rows 6 to 55 are left out
    assert "<p>60 rows</p>" in html


def test_explain_names_the_terms_and_every_segment() -> None:
    text = seed().explain()
    assert "Contract C-1, version 1, for Contoso Pharmaceuticals" in text
    assert "2025-01-01 → 2027-12-31 (36 months, monthly_daily)" in text
    assert "payment terms Net 60" in text
    assert "C-1-1  100 × PLATFORM-SEAT" in text
    assert "net 1080.00 USD per P12M" in text
    assert "TCV 324000.00 USD" in text


def test_priced_quote_json_keeps_what_a_contract_needs() -> None:
    # A priced quote written to JSON and read back becomes the same contract.
    priced = price_quote(SEED_QUOTE, SEED_CATALOG)
    back = loads(dumps(priced), PricedQuote)
    assert Contract.from_quote(back, id="C-1") == seed()
    assert back._exact_unit_prices_per_term() == [Fraction(1080)]


@given(st.decimals(min_value=0, max_value=1000, places=3))
def test_any_quantity_round_trips(quantity: Decimal) -> None:
    q = quote(QuoteLine("SEAT", quantity), payment_terms="Net 30")
    contract = Contract.from_quote(price_quote(q, CATALOG), id="C-1")
    assert loads(dumps(contract), Contract) == contract


def test_json_versions_hold_only_what_they_add() -> None:
    from revcycle.amendments import Amendment, ChangeQuantity, amend

    upsold = amend(
        seed(),
        Amendment(date(2026, 3, 1), [ChangeQuantity("PLATFORM-SEAT", quantity=105)]),
        SEED_CATALOG,
    ).contract
    renewal = Contract.from_quote(
        price_quote(
            attrs.evolve(SEED_QUOTE, start_date=date(2028, 1, 1), end_date=date(2030, 12, 31)),
            SEED_CATALOG,
        ),
        id="C-2",
        renews=upsold,
    )
    data = json.loads(dumps(renewal))
    (first,) = data["versions"]
    assert [list(v) for v in first["renews"]["versions"]][1] == [
        "amendment",
        "amendment_lines",
        "subscriptions",
    ]
    assert loads(dumps(renewal), Contract) == renewal
    second = first["renews"]["versions"][1]
    for extra, message in (
        ({"id": "C-9"}, "holds id, which only the first"),
        ({"amendment": None}, "needs the amendment"),
    ):
        data = json.loads(dumps(upsold))
        data["versions"][1] = {**second, **extra}
        with pytest.raises(errors.StructureError, match=message):
            loads(json.dumps(data), Contract)
    data = json.loads(dumps(upsold))
    data["versions"][1]["subscriptions"][0]["id"] = "C-1-7"
    with pytest.raises(errors.StructureError, match="must have the id 'C-1-2'"):
        loads(json.dumps(data), Contract)


# --------------------------------------------------------------------------------------------
# Bad input of any type raises only RevcycleError (STYLE: properties first)

_PRICED = price_quote(SEED_QUOTE, SEED_CATALOG)
_TAKERS: list[Any] = [
    lambda v: BillingSettings(frequency=v),
    lambda v: BillingSettings(timing=v),
    lambda v: BillingSettings(anchor=v),
    lambda v: BillingSettings(first_period=v),
    lambda v: BillingSettings(proration=v),
    lambda v: BillingSettings(true_up=v),
    lambda v: Contract.from_quote(v, id="C-1"),
    lambda v: Contract.from_quote(_PRICED, id=v),
    lambda v: Contract.from_quote(_PRICED, id="C-1", billing=v),
    lambda v: Contract.from_quote(_PRICED, id="C-1", meters=v),
    lambda v: Contract.from_quote(_PRICED, id="C-1", renews=v),
    lambda v: seed().quantity(v, on=date(2025, 1, 1)),
    lambda v: seed().quantity("PLATFORM-SEAT", on=v),
    lambda v: seed().subscriptions_on(v),
    lambda v: seed().subscription(v),
    *(
        (lambda v, name=name: segment(**{name: v}))
        for name in (*SEGMENT, "model", "discount", "meter")
    ),
]


@given(JUNK, st.sampled_from(range(len(_TAKERS))))
def test_junk_raises_only_revcycle_errors(value: object, which: int) -> None:
    with contextlib.suppress(errors.RevcycleError):
        _TAKERS[which](value)
