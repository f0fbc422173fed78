"""Branch coverage of quotes, the waterfall, proration, the metrics and payment terms: the
lazily built steps and lines read for each attribute, locked prices, and the refusals.

Quotes price against the sample catalog of ``helpers`` (SEAT lists at 100.00 a year); the
metrics book against samples/catalog.json (PLATFORM-SEAT lists at 1,200.00 a year).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from helpers import CATALOG, one_line, quote, usd
from revcycle import errors, samples
from revcycle.calendars import BusinessDayAdjustment, BusinessDayConvention
from revcycle.catalog import Catalog
from revcycle.contracts import Contract
from revcycle.dates import Duration, Period
from revcycle.metrics import arr_bridge, mrr
from revcycle.money import Money, Percent
from revcycle.pricing import Discount
from revcycle.proration import (
    period_fraction,
    term_multiplier_detail,
)
from revcycle.quotes import LockedPrice, Quote, QuoteLine, price_quote
from revcycle.serialization import dumps, loads
from revcycle.terms import PaymentTerms
from revcycle.waterfall import StepName, WaterfallStep


def _locked(**changes: Any) -> LockedPrice:
    """90.00 a year for SEAT, locked on contract C-1 version 1."""
    fields: dict[str, Any] = {
        "unit_price": usd("90.00"),
        "pricing_term": Duration(months=12),
        "contract": "C-1",
        "version": 1,
        "subscription": "C-1-1",
    }
    fields.update(changes)
    return LockedPrice(**fields)


# --------------------------------------------------------------------------------------------
# The waterfall step and the priced line: lazily read attributes


def test_a_hand_built_step_has_no_unknown_attribute() -> None:
    step = WaterfallStep(StepName.LIST, usd("1.00"), "list")
    with pytest.raises(AttributeError, match="'WaterfallStep' object has no attribute 'rebate'"):
        getattr(step, "rebate")  # noqa: B009 - the lookup under test


def test_an_engine_built_step_reads_its_price_and_reason_but_nothing_else() -> None:
    line = one_line(QuoteLine("SEAT", 10))
    step = line.steps[0]
    with pytest.raises(AttributeError, match="'WaterfallStep' object has no attribute 'rebate'"):
        getattr(step, "rebate")  # noqa: B009 - the lookup under test
    # 10 seats at the per-unit list price 100.00, read twice (the second read is cached).
    assert step.unit_price == usd("100.00")
    assert step.unit_price == usd("100.00")
    # A lazily built step equals and hashes as the same step built by hand.
    twin = WaterfallStep(StepName.LIST, usd("100.00"), step.reason)
    assert step == twin
    assert hash(step) == hash(twin)


def test_an_engine_built_line_refuses_unknown_attributes() -> None:
    line = one_line(QuoteLine("SEAT", 10))
    with pytest.raises(AttributeError, match="object has no attribute 'rebate'"):
        getattr(line, "rebate")  # noqa: B009 - the lookup under test
    # A line read back from JSON holds every field itself, with no trace behind it.
    priced = price_quote(quote(QuoteLine("SEAT", 10)), CATALOG)
    again = loads(dumps(priced), type(priced)).lines[0]
    with pytest.raises(AttributeError, match="object has no attribute 'rebate'"):
        getattr(again, "rebate")  # noqa: B009 - the lookup under test
    # 10 seats fall in the schedule's 10-49 range (10 % off): 10 × 100.00 × 0.9 = 900.00.
    assert again.net_total == usd("900.00")


# --------------------------------------------------------------------------------------------
# Quote lines and quotes: refusals


def test_a_line_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(errors.ValidationError, match="before it starts on 2025-03-01"):
        QuoteLine("SEAT", 1, start_date=date(2025, 3, 1), end_date=date(2025, 2, 28))


def test_a_line_with_a_locked_price_and_a_discount_is_refused() -> None:
    with pytest.raises(errors.ValidationError, match="a discount or a locked price, not both"):
        QuoteLine("SEAT", 1, discount=Discount.percent(Percent("5")), locked_price=_locked())


def test_payment_terms_and_proration_methods_are_checked() -> None:
    with pytest.raises(errors.RevcycleTypeError, match="payment terms must be text"):
        quote(QuoteLine("SEAT", 1), payment_terms=60)
    with pytest.raises(errors.ValidationError, match="proration method must be one of"):
        quote(QuoteLine("SEAT", 1), proration_method="fortnightly")


# --------------------------------------------------------------------------------------------
# Locked prices


def test_locked_prices_are_checked() -> None:
    with pytest.raises(errors.RevcycleTypeError, match="uplift must be a Percent or None"):
        _locked(uplift=Decimal("7"))
    with pytest.raises(errors.ValidationError, match="below -100 %"):
        _locked(uplift=Percent("-101"))
    with pytest.raises(errors.RevcycleTypeError, match="locked unit price must be Money"):
        _locked(unit_price=Decimal("90"))
    with pytest.raises(errors.ValidationError, match="cannot be negative"):
        _locked(unit_price=usd("-1"))
    # No uplift multiplies by exactly 1; 7 % by 1.07.
    assert _locked().uplift_factor() == 1
    assert _locked(uplift=Percent("7")).uplift_factor() == Decimal("1.07")


def test_a_locked_price_without_an_uplift_prices_and_explains_the_line() -> None:
    line = one_line(QuoteLine("SEAT", 10, locked_price=_locked()))
    # 90.00 a year for a 12-month term: × 1, net 90.00, 10 seats 900.00.
    assert line.net_unit_price == usd("90.00")
    assert line.net_total == usd("900.00")
    assert line.locked_price == _locked()
    reasons = {step.name: step.reason for step in line.steps}
    assert [step.name for step in line.steps][-1] is StepName.TERM
    assert "for reference; the locked price replaces it" in reasons[StepName.LIST]
    assert reasons[StepName.CONTRACTED] == (
        "locked net unit price 90.00 USD per P12M from contract C-1 version 1, line C-1-1"
    )
    assert reasons[StepName.PARTNER] == (
        "unchanged: the locked price already holds the contract's discounts"
    )


def test_a_locked_price_with_an_uplift_explains_it() -> None:
    line = one_line(QuoteLine("SEAT", 10, locked_price=_locked(uplift=Percent("7"))))
    # 90.00 × 1 term × 1.07 = 96.30; 10 seats 963.00.
    assert line.net_unit_price == usd("96.30")
    assert line.net_total == usd("963.00")
    uplift = line.steps[-1]
    assert uplift.name is StepName.UPLIFT
    assert uplift.reason.endswith("renewal uplift: × 1.07")


def test_a_locked_price_must_match_the_quote_currency_and_term() -> None:
    eur = quote(QuoteLine("SEAT", 1, locked_price=_locked(unit_price=Money("90", "EUR"))))
    with pytest.raises(errors.CurrencyMismatchError, match="locked price from contract C-1"):
        price_quote(eur, CATALOG)
    monthly = quote(QuoteLine("SEAT", 1, locked_price=_locked(pricing_term=Duration(months=1))))
    with pytest.raises(errors.ValidationError, match="renew it at today's prices"):
        price_quote(monthly, CATALOG)


def test_the_quote_explanation_names_the_locked_order() -> None:
    priced = price_quote(quote(QuoteLine("SEAT", 10, locked_price=_locked())), CATALOG)
    assert "Lines with a locked price (from a contract)" in priced.explain()


# --------------------------------------------------------------------------------------------
# Proration refusals


def test_proration_refusals() -> None:
    jan = Period(date(2024, 1, 1), date(2024, 2, 1))
    feb = Period(date(2024, 2, 1), date(2024, 3, 1))
    with pytest.raises(errors.ProrationError, match="must lie inside the full period"):
        period_fraction(feb, jan)
    with pytest.raises(errors.RevcycleTypeError, match="pricing term must be a Duration"):
        term_multiplier_detail(date(2024, 1, 1), date(2025, 1, 1), 12)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Payment terms


def test_a_convention_given_alone_becomes_an_adjustment() -> None:
    terms = PaymentTerms(PaymentTerms.net(30).installments, adjustment="following")
    assert terms.adjustment == BusinessDayAdjustment(BusinessDayConvention.FOLLOWING)
    # 2024-01-05 (a Friday) + 30 days = 2024-02-04, a Sunday: following moves it to Monday 5.
    due = terms.schedule(date(2024, 1, 5), usd("100.00")).installments[0].due_date
    assert due == date(2024, 2, 5)


# --------------------------------------------------------------------------------------------
# Metrics


METRICS_CATALOG = loads(samples.read_text("catalog.json"), Catalog)


def _contract(
    cid: str, account: str, start: date, last: date, percent_off: str | None = None, **options: Any
) -> Contract:
    discount = None if percent_off is None else Discount.percent(Percent(percent_off))
    q = Quote(
        account,
        "USD",
        "Standard",
        start,
        [QuoteLine("PLATFORM-SEAT", 10, discount=discount)],
        end_date=last,
        payment_terms="Net 30",
    )
    return Contract.from_quote(price_quote(q, METRICS_CATALOG), id=cid, **options)


def test_a_renewal_of_another_accounts_contract_is_refused() -> None:
    acme = _contract("A", "Acme", date(2025, 1, 1), date(2025, 12, 31))
    # Beta's renewal of Beta's own A, in a book whose A is Acme's.
    beta = _contract("A", "Beta", date(2025, 1, 1), date(2025, 12, 31))
    other = _contract("B", "Beta", date(2026, 1, 1), date(2026, 12, 31), renews=beta)
    with pytest.raises(errors.ValidationError, match="but the book's A belongs to Acme"):
        mrr([acme, other], date(2026, 6, 1))


def test_two_renewals_of_one_contract_cut_it_at_the_earlier() -> None:
    acme = _contract("A", "Acme", date(2025, 1, 1), date(2025, 12, 31))
    early = _contract("A2", "Acme", date(2025, 7, 1), date(2026, 6, 30), renews=acme)
    late = _contract("A3", "Acme", date(2025, 10, 1), date(2026, 9, 30), renews=acme)
    # From 2025-07-01 A no longer counts: A2 alone on 2025-08-01 (1,000.00 a month), A2 and
    # A3 on 2025-11-01 (2 × 1,000.00).
    assert mrr([acme, early, late], date(2025, 8, 1)) == usd("1000")
    assert mrr([acme, early, late], date(2025, 11, 1)) == usd("2000")


def test_a_bridge_skips_accounts_with_no_arr_at_either_end() -> None:
    year = Period.inclusive(date(2026, 1, 1), date(2026, 12, 31))
    inside = _contract("I", "Inside", date(2026, 3, 1), date(2026, 8, 31))
    # Free seats before the year: the account held no ARR, so its arrival is new business.
    free = _contract("F1", "Freebie", date(2024, 1, 1), date(2024, 12, 31), "100")
    paid = _contract("F2", "Freebie", date(2026, 6, 1), date(2027, 5, 31))
    bridge = arr_bridge([inside, free, paid], year)
    # Inside starts and ends within the year: 0 → 0, not in the bridge. Freebie: 0 → 12,000.
    assert [row.account for row in bridge.accounts] == ["Freebie"]
    assert bridge.new == usd("12000")
    assert bridge.reactivation == usd("0")
