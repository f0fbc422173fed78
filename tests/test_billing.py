"""Billing: known answers worked by hand, refusals, JSON and the notebook edges.

Every figure is worked out in the comment beside it (issue 13's "Must show", DESIGN §4.4). The
presets' published figures are in ``test_billing_presets.py``; the Hypothesis properties in
``test_billing_properties.py``.
"""

from __future__ import annotations

import contextlib
import enum
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing_support import YEAR, amended, amounts, contract_of, one_plan, plans
from helpers import JUNK
from revcycle import errors, samples
from revcycle.billing import (
    BillingPeriod,
    BillingSettings,
    BillingTiming,
    BillRun,
    FirstPeriod,
    Invoice,
    InvoiceLine,
    LineKind,
    TaxRate,
    bill,
    billing_periods,
)
from revcycle.catalog import Catalog
from revcycle.contracts import Cancel, ChangeQuantity, Contract
from revcycle.dates import Duration, Period
from revcycle.interest import late_interest
from revcycle.money import Money, Percent
from revcycle.pricing import Graduated, Tier
from revcycle.proration import period_fraction
from revcycle.quotes import Quote, price_quote
from revcycle.receivables import aging
from revcycle.serialization import dumps, loads, structure
from revcycle.terms import Payment
from revcycle.usage import Aggregation, Meter, UsageEvent


SEED_CATALOG = loads(samples.read_text("catalog.json"), Catalog)
SEED_QUOTE = loads(samples.read_text("seed_deal.json"), Quote)
SEATS = plans(term=YEAR, SEAT="1200.00")  # 1,200.00 a seat a year
JANUARY = Period.of_month(2025, 1)
SEVENTEEN_31STS = period_fraction(Period(date(2025, 1, 15), date(2025, 2, 1)), JANUARY)
SIXTEEN_31STS = period_fraction(Period(date(2025, 1, 16), date(2025, 2, 1)), JANUARY)


def usd(amount: str) -> Money:
    return Money(amount, "USD")


def seed() -> Contract:
    """The founding documents' deal: 100 seats at 1,080.00 a year, three years, Net 60."""
    return Contract.from_quote(price_quote(SEED_QUOTE, SEED_CATALOG), id="C-1")


def seats(
    quantity: int = 10,
    *,
    start: date = date(2025, 1, 1),
    end: date = date(2025, 12, 31),
    billing: BillingSettings | None = None,
    payment_terms: str = "Net 30",
) -> Contract:
    """``quantity`` seats at 1,200.00 a year: 100.00 a seat a month."""
    return contract_of(
        SEATS,
        {"SEAT": quantity},
        id="S",
        start=start,
        end=end,
        billing=billing,
        payment_terms=payment_terms,
    )


# --------------------------------------------------------------------------------------------
# Pieces and anchors


def test_a_monthly_plan_starting_mid_month_prorates_its_first_piece_by_days() -> None:
    # 10 seats × 1,200.00 a year ÷ 12 = 1,000.00 a month. From Jan 15 on a bill cycle of the
    # 1st: the piece Jan 15 → Feb 1 is 17 of January's 31 days: 1,000 × 17/31 = 548.387 → 548.39.
    contract = seats(
        start=date(2025, 1, 15),
        end=date(2026, 1, 14),
        billing=BillingSettings(anchor=date(2025, 1, 1)),
    )
    run = bill([contract], through=date(2025, 2, 1))
    assert amounts(run.lines) == [
        ("recurring", "SEAT", "[2025-01-15, 2025-02-01)", "548.39"),
        ("recurring", "SEAT", "[2025-02-01, 2025-03-01)", "1000.00"),
    ]
    first = run.lines[0]
    assert first.full_period == Period(date(2025, 1, 1), date(2025, 2, 1))
    assert first.fraction == period_fraction(first.period, first.full_period)
    assert first.unit_price == usd("100")
    assert "prorated 17/31" in first.description
    # Billed to its end, the contract adds up to its quote: the last piece, Jan 1 → Jan 15 2026,
    # is 12,000.00 less 548.39 and eleven months of 1,000.00: 451.61.
    whole = bill([contract], through=date(2026, 1, 15))
    assert whole.lines[-1].amount == usd("451.61")
    assert sum(line.amount.amount for line in whole.lines) == contract.tcv.amount == 12_000


def test_an_anchor_on_the_31st_returns_to_the_31st_after_february() -> None:
    # anchored_date(Jan 31, 1 month, n): Feb 28, Mar 31, Apr 30, May 31 — never drifting to the
    # 28th. Every piece is a whole period: 1,000.00 each.
    contract = seats(start=date(2025, 1, 31), end=date(2026, 1, 30))
    run = bill([contract], through=date(2025, 5, 31))
    assert [str(line.period) for line in run.lines] == [
        "[2025-01-31, 2025-02-28)",
        "[2025-02-28, 2025-03-31)",
        "[2025-03-31, 2025-04-30)",
        "[2025-04-30, 2025-05-31)",
        "[2025-05-31, 2025-06-30)",
    ]
    assert {line.amount for line in run.lines} == {usd("1000.00")}


def test_in_advance_and_in_arrears() -> None:
    # In advance a piece is due once it starts; in arrears once it has ended (its exclusive end:
    # January in arrears bills on a run through Feb 1).
    advance = seats()
    arrears = seats(billing=BillingSettings(timing=BillingTiming.IN_ARREARS))
    assert [str(x.period) for x in bill([advance], through=date(2025, 1, 31)).lines] == [
        "[2025-01-01, 2025-02-01)"
    ]
    assert bill([arrears], through=date(2025, 1, 31)).lines == ()
    assert [str(x.period) for x in bill([advance], through=date(2025, 2, 1)).lines] == [
        "[2025-01-01, 2025-02-01)",
        "[2025-02-01, 2025-03-01)",
    ]
    assert [str(x.period) for x in bill([arrears], through=date(2025, 2, 1)).lines] == [
        "[2025-01-01, 2025-02-01)"
    ]


def test_an_annual_price_billed_quarterly() -> None:
    # 10 × 1,200.00 a year × 3/12 = 3,000.00 a quarter; four quarters are the 12,000.00 quoted.
    contract = seats(billing=BillingSettings(frequency=Duration(months=3)))
    run = bill([contract], through=date(2025, 12, 31))
    assert amounts(run.lines) == [
        ("recurring", "SEAT", "[2025-01-01, 2025-04-01)", "3000.00"),
        ("recurring", "SEAT", "[2025-04-01, 2025-07-01)", "3000.00"),
        ("recurring", "SEAT", "[2025-07-01, 2025-10-01)", "3000.00"),
        ("recurring", "SEAT", "[2025-10-01, 2026-01-01)", "3000.00"),
    ]
    assert run.lines[0].unit_price == usd("300")


def test_first_period_full_free_and_the_amendments_that_always_prorate() -> None:
    # DESIGN §4.4: FULL bills the first stretch in full (fraction 1), FREE bills a zero line
    # (fraction 0); an amendment's segment always prorates; a contract starting on its bill-cycle
    # date has no first stretch.
    for policy, amount, fraction in (
        (FirstPeriod.PRORATE, "548.39", SEVENTEEN_31STS),
        (FirstPeriod.FULL, "1000.00", Decimal(1)),
        (FirstPeriod.FREE, "0.00", Decimal(0)),
    ):
        settings = BillingSettings(anchor=date(2025, 1, 1), first_period=policy)
        contract = seats(start=date(2025, 1, 15), end=date(2026, 1, 14), billing=settings)
        periods = billing_periods(contract.subscriptions[0], contract.billing)
        assert periods[0] == BillingPeriod(
            Period(date(2025, 1, 15), date(2025, 2, 1)),
            Period(date(2025, 1, 1), date(2025, 2, 1)),
            fraction,
        )
        assert bill([contract], through=date(2025, 1, 15)).lines[0].amount == usd(amount)
        upsold = amended(contract, SEATS, date(2025, 3, 16), ChangeQuantity("SEAT", quantity=15))
        delta = billing_periods(upsold.subscriptions[1], upsold.billing)[0]
        assert delta.fraction == SIXTEEN_31STS  # Mar 16 → Apr 1, whatever the policy
    on_cycle = seats(billing=BillingSettings(first_period=FirstPeriod.FREE))
    assert bill([on_cycle], through=date(2025, 1, 1)).lines[0].amount == usd("1000.00")


def test_a_free_or_full_first_stretch_is_not_trued_up() -> None:
    # DESIGN §4.4: the deliberate exceptions to billed = contracted.
    for policy, billed in ((FirstPeriod.FREE, "11451.61"), (FirstPeriod.FULL, "12451.61")):
        settings = BillingSettings(anchor=date(2025, 1, 1), first_period=policy)
        contract = seats(start=date(2025, 1, 15), end=date(2026, 1, 14), billing=settings)
        run = bill([contract], through=date(2026, 1, 14))
        assert sum(line.amount.amount for line in run.lines) == Decimal(billed)


def test_billing_periods_of_one_time_and_usage_segments() -> None:
    catalog = plans(
        usage={"API": Graduated([Tier(None, usd("0.01"))])},
        usage_term=Duration(months=3),
        one_time={"SETUP": "500.00"},
        PLAN="10.00",
    )
    contract = contract_of(
        catalog,
        {"PLAN": 1, "API": 0, "SETUP": 1},
        id="P",
        start=date(2025, 1, 1),
        end=date(2025, 6, 30),
        meters={"API": Meter("api", Aggregation.SUM)},
    )
    _, api, setup = contract.subscriptions
    assert billing_periods(setup, contract.billing) == (
        BillingPeriod(setup.period, setup.period, Decimal(1)),
    )
    # Usage pieces are the billing periods (monthly); its window (P3M) does not cut a month.
    assert len(billing_periods(api, contract.billing)) == 6
    quarterly = BillingSettings(frequency=Duration(months=2), anchor=date(2025, 1, 1))
    pieces = billing_periods(api, quarterly, contract_start=date(2025, 1, 1))
    # Two-month bills cut by quarter windows: Jan-Feb, Mar, Apr, May-Jun.
    assert [str(p.period) for p in pieces] == [
        "[2025-01-01, 2025-03-01)",
        "[2025-03-01, 2025-04-01)",
        "[2025-04-01, 2025-05-01)",
        "[2025-05-01, 2025-07-01)",
    ]


# --------------------------------------------------------------------------------------------
# Amendments: upgrades, downgrades, credits capped, credit carried


def test_an_upgrade_and_a_downgrade_mid_period() -> None:
    # 10 seats billed monthly in advance (1,000.00 a month). On Feb 15 (a non-leap February)
    # 10 → 15: +5 seats × 100.00 × 14/28 = 250.00, a recurring line. On Mar 16 15 → 12, after
    # March was billed (1,500.00): a credit of 3 × 100.00 × 16/31 = 154.838 → -154.84.
    contract = seats()
    january = bill([contract], through=date(2025, 2, 1))
    upgraded = amended(contract, SEATS, date(2025, 2, 15), ChangeQuantity("SEAT", quantity=15))
    issued = list(january.invoices)
    upgrade = bill([upgraded], through=date(2025, 2, 15), issued=issued)
    assert amounts(upgrade.lines) == [("recurring", "SEAT", "[2025-02-15, 2025-03-01)", "250.00")]
    issued += upgrade.invoices
    march = bill([upgraded], through=date(2025, 3, 1), issued=issued)
    assert sum(line.amount.amount for line in march.lines) == Decimal("1500.00")
    issued += march.invoices
    downgraded = amended(upgraded, SEATS, date(2025, 3, 16), ChangeQuantity("SEAT", quantity=12))
    downgrade = bill([downgraded], through=date(2025, 3, 16), issued=issued)
    (credit,) = downgrade.lines
    assert (credit.kind, credit.amount, credit.quantity) == (
        LineKind.CREDIT,
        usd("-154.84"),
        Decimal(-3),
    )
    assert credit.key == "S:S-3:credit:2025-03-16/2025-04-01"
    assert credit.fraction == SIXTEEN_31STS
    assert downgrade.invoices[0].credit_generated == usd("154.84")
    # April: 10 + 5 - 3 seats = 1,200.00, less the 154.84 carried.
    issued += downgrade.invoices
    april = bill([downgraded], through=date(2025, 4, 1), issued=issued)
    (invoice,) = april.invoices
    assert (invoice.subtotal, invoice.credit_applied, invoice.total) == (
        usd("1200.00"),
        usd("154.84"),
        usd("1045.16"),
    )
    assert april.credit_balances == {"ACME": usd("0.00")}


def test_a_decrease_over_a_span_not_yet_billed_is_a_negative_line_beside_the_charge() -> None:
    # DESIGN §4.4: the same decrease billed in the same run as the charge it reduces.
    downgraded = amended(seats(), SEATS, date(2025, 3, 16), ChangeQuantity("SEAT", quantity=7))
    run = bill([downgraded], through=date(2025, 3, 16))
    march = [line for line in run.lines if line.period.start >= date(2025, 3, 1)]
    assert amounts(march) == [
        ("recurring", "SEAT", "[2025-03-01, 2025-04-01)", "1000.00"),
        ("recurring", "SEAT", "[2025-03-16, 2025-04-01)", "-154.84"),
    ]


def test_a_cancellation_credit_is_capped_at_what_was_billed() -> None:
    # A free first stretch (Stripe's proration_behavior=none) bills Jan 15 → Feb 1 at zero; a
    # cancellation on Jan 20 credits 10 × 100.00 × 12/31 = 387.10 at most, capped at what was
    # billed over the span: zero ("a span billed at zero credits zero").
    contract = seats(
        start=date(2025, 1, 15),
        end=date(2026, 1, 14),
        billing=BillingSettings.stripe(date(2025, 2, 1), prorate=False),
    )
    first = bill([contract], through=date(2025, 1, 15))
    assert [line.amount for line in first.lines] == [usd("0.00")]
    cancelled = amended(contract, SEATS, date(2025, 1, 20), Cancel("SEAT"))
    run = bill([cancelled], through=date(2025, 1, 20), issued=first.invoices)
    (credit,) = run.lines
    assert (credit.kind, credit.amount, credit.precise_amount) == (
        LineKind.CREDIT,
        usd("0.00"),
        usd("0"),
    )
    assert "capped at what was billed" in credit.description
    # From February the cancellation nets the charge to zero.
    later = bill([cancelled], through=date(2025, 2, 1), issued=[*first.invoices, *run.invoices])
    assert sum(line.amount.amount for line in later.lines) == 0


def test_a_second_decrease_over_the_same_span_credits_only_what_is_left() -> None:
    # Lago's PR #1778 (anchors/billing.md): consecutive changes must not credit more than was
    # billed. March billed 1,000.00 for 10 seats. Two amendments effective Mar 16 remove 6 then
    # 4 seats: credits 6 × 100 × 16/31 = 309.68 and 4 × 100 × 16/31 = 206.45 — together
    # 516.13 = 1,000 × 16/31, the whole of what was billed over Mar 16 → Apr 1.
    contract = seats()
    march = bill([contract], through=date(2025, 3, 1))
    once = amended(contract, SEATS, date(2025, 3, 16), ChangeQuantity("SEAT", quantity=4))
    twice = amended(once, SEATS, date(2025, 3, 16), Cancel("SEAT"))
    run = bill([twice], through=date(2025, 3, 16), issued=march.invoices)
    assert [line.amount for line in run.lines] == [usd("-309.68"), usd("-206.45")]
    assert [line.kind for line in run.lines] == [LineKind.CREDIT, LineKind.CREDIT]


# --------------------------------------------------------------------------------------------
# Payment terms, receivables and tax


def test_the_seed_deal_net_60_due_date_comes_from_the_contract() -> None:
    # The founding documents' story: net 60 negotiated on the quote is net 60 on the invoice.
    # 100 seats × 1,080.00 a year ÷ 12 = 9,000.00, invoiced 2025-01-01, due 60 days later.
    run = bill([seed()], through=date(2025, 1, 1))
    (invoice,) = run.invoices
    assert invoice.total == usd("9000.00")
    assert invoice.due_date == date(2025, 3, 2) == date(2025, 1, 1) + timedelta(days=60)
    # Paid on day 55: nothing is open, so nothing ages and no late fee accrues.
    paid = invoice.open_items([Payment(date(2025, 2, 25), usd("9000.00"))])
    assert paid == ()
    # Unpaid, it is current on its due date and 13 days late on 2025-03-15.
    (item,) = invoice.open_items()
    assert (item.id, item.due_date, item.amount) == (invoice.id, date(2025, 3, 2), usd("9000.00"))
    assert aging([item], as_of=date(2025, 3, 2)).buckets[0].total == usd("9000.00")
    assert aging([item], as_of=date(2025, 3, 15)).buckets[1].total == usd("9000.00")
    interest = late_interest(item.amount, item.due_date, date(2025, 3, 15), rate=Percent("10"))
    assert interest.days == 13


def test_two_ten_net_thirty_from_the_contract() -> None:
    # "2/10 Net 30": due 30 days after the invoice date, 2 % off when paid within 10 days.
    contract = seats(payment_terms="2/10 Net 30")
    (invoice,) = bill([contract], through=date(2025, 1, 1)).invoices
    assert invoice.due_date == date(2025, 1, 31)
    (installment,) = invoice.payment_schedule.installments
    assert installment.discount_deadline == date(2025, 1, 11)
    assert installment.discounted_amount == usd("980.00")
    assert invoice.open_items([Payment(date(2025, 1, 11), usd("980.00"))]) == ()
    (left,) = invoice.open_items([Payment(date(2025, 1, 12), usd("980.00"))])
    assert left.amount == usd("20.00")


def test_tax_is_levied_on_the_unrounded_amounts_once_per_invoice() -> None:
    # Two plans at 121.62 a year billed monthly: each line is 10.135 exactly, rounded 10.14; the
    # subtotal is 20.28. VAT at 20 % on the unrounded 20.27 is 4.054 → 4.05; on the rounded
    # subtotal it would be 4.056 → 4.06 (Lago's off-by-one-cent VAT, PRs #821 and #829).
    catalog = plans(term=YEAR, A="121.62", B="121.62")
    contract = contract_of(
        catalog, {"A": 1, "B": 1}, id="T", start=date(2025, 1, 1), end=date(2025, 12, 31)
    )
    run = bill([contract], through=date(2025, 1, 1), tax=TaxRate(Percent("20"), "VAT"))
    (invoice,) = run.invoices
    assert [line.precise_amount for line in invoice.lines] == [usd("10.135"), usd("10.135")]
    assert (invoice.subtotal, invoice.tax, invoice.total) == (
        usd("20.28"),
        usd("4.05"),
        usd("24.33"),
    )


def test_a_tax_policy_may_be_any_callable_and_tax_is_negative_on_a_credit() -> None:
    def flat_fee(invoice: Invoice) -> Money:
        return Money("1.005", invoice.currency)  # rounded once by the run: 1.01

    (invoice,) = bill([seats()], through=date(2025, 1, 1), tax=flat_fee).invoices
    assert (invoice.tax, invoice.total) == (usd("1.01"), usd("1001.01"))
    march = bill([seats()], through=date(2025, 3, 1))
    cancelled = amended(seats(), SEATS, date(2025, 3, 16), Cancel("SEAT"))
    vat = TaxRate(Percent("10"), "VAT")
    (credit,) = bill(
        [cancelled], through=date(2025, 3, 16), issued=march.invoices, tax=vat
    ).invoices
    # -516.13 (1,000 × 16/31 = 516.129) and 10 % of the unrounded -516.129…: -51.61.
    assert (credit.subtotal, credit.tax, credit.credit_generated) == (
        usd("-516.13"),
        usd("-51.61"),
        usd("567.74"),
    )


# --------------------------------------------------------------------------------------------
# Usage: in arrears, and volume tracked over several periods


def _api_contract(term: Duration | None) -> Contract:
    """API calls on graduated tiers, 0.01 a call up to 10,000 and 0.005 above, accumulating
    over ``term`` (a year: tiers over the contract year), billed monthly in arrears."""
    tiers = Graduated([Tier(Decimal(10_000), usd("0.01")), Tier(None, usd("0.005"))])
    catalog = plans(usage={"API": tiers}, usage_term=term, PLAN="10.00")
    return contract_of(
        catalog,
        {"PLAN": 1, "API": 0},
        id="U",
        start=date(2025, 1, 1),
        end=date(2026, 12, 31),
        meters={"API": Meter("api_calls", Aggregation.SUM)},
    )


def _calls(month: int, quantity: int, year: int = 2025, tag: str = "") -> UsageEvent:
    return UsageEvent(
        id=f"{year}-{month}{tag}",
        customer="ACME",
        metric="api_calls",
        at=datetime(year, month, 10, tzinfo=UTC),
        quantity=quantity,
    )


def test_annual_usage_tiers_billed_monthly() -> None:
    # 8,000 calls a month on tiers over the contract year: January 8,000 × 0.01 = 80.00;
    # February takes the year to 16,000: charge(16,000) = 100.00 + 6,000 × 0.005 = 130.00, so
    # February bills 50.00 for the same 8,000 calls (less per unit once the year crossed the
    # tier); March 170.00 - 130.00 = 40.00. A new year starts the tiers again: 80.00.
    contract = _api_contract(YEAR)
    events = [_calls(1, 8000), _calls(2, 8000), _calls(3, 8000), _calls(1, 8000, 2026)]
    issued: list[Invoice] = []
    billed = []
    for through in (date(2025, 2, 1), date(2025, 3, 1), date(2025, 4, 1)):
        run = bill([contract], through=through, issued=issued, usage=events)
        issued += run.invoices
        billed += [line for line in run.lines if line.kind is LineKind.USAGE]
    assert [(line.quantity, line.amount) for line in billed] == [
        (Decimal(8000), usd("80.00")),
        (Decimal(8000), usd("50.00")),
        (Decimal(8000), usd("40.00")),
    ]
    assert billed[1].precise_amount == usd("50.000")
    assert "16000 in the window 2025-01-01 → 2025-12-31" in billed[1].description
    # The months of the window add up to the window rated at once: charge(24,000) = 170.00.
    assert sum(line.amount.amount for line in billed) == Decimal("170.00")
    # One run over the same months bills the same lines.
    once = bill([contract], through=date(2025, 4, 1), usage=events)
    assert [x for x in once.lines if x.kind is LineKind.USAGE] == billed
    # January 2026 starts a new window.
    new_year = bill([contract], through=date(2026, 2, 1), usage=events, issued=issued)
    january = [x for x in new_year.lines if x.period.start == date(2026, 1, 1)]
    assert [(x.sku, x.amount) for x in january if x.kind is LineKind.USAGE] == [
        ("API", usd("80.00"))
    ]


def test_usage_per_period_zero_lines_and_late_usage() -> None:
    # A pricing term equal to the frequency (none here) is plain per-period rating: February's
    # 8,000 calls cost 80.00 again. A month without events bills a zero line (settled); an event
    # for a month already billed is listed in late_usage, never rated silently.
    contract = _api_contract(None)
    events = [_calls(1, 8000), _calls(2, 8000)]
    january = bill([contract], through=date(2025, 2, 1), usage=events[:1])
    february = bill([contract], through=date(2025, 4, 1), usage=events, issued=january.invoices)
    usage = [(x.period.start.month, x.amount) for x in february.lines if x.kind is LineKind.USAGE]
    assert usage == [(2, usd("80.00")), (3, usd("0.00"))]
    assert february.late_usage == (events[0],)
    # A repeated id counts once.
    again = bill([contract], through=date(2025, 2, 1), usage=[events[0], events[0]])
    assert [x.quantity for x in again.lines if x.kind is LineKind.USAGE] == [Decimal(8000)]


def test_usage_needs_a_meter_and_a_percentage_discount() -> None:
    catalog = plans(usage={"API": Graduated([Tier(None, usd("0.01"))])}, PLAN="10.00")
    unmetered = contract_of(
        catalog, {"API": 1}, id="U", start=date(2025, 1, 1), end=date(2025, 12, 31)
    )
    with pytest.raises(errors.ValidationError, match="has no meter"):
        bill([unmetered], through=date(2025, 2, 1))
    assert bill([unmetered], through=date(2025, 1, 31)).invoices == ()  # nothing due yet


# --------------------------------------------------------------------------------------------
# Idempotency, invoices and balances


def test_a_second_run_with_the_first_runs_invoices_bills_nothing() -> None:
    contract = seed()
    first = bill([contract], through=date(2025, 6, 1))
    assert len(first.lines) == 6
    again = bill([contract], through=date(2025, 6, 1), issued=first.invoices)
    assert again.invoices == ()
    assert again.credit_balances == {"Contoso Pharmaceuticals": usd("0.00")}
    assert bill((), through=date(2025, 1, 1)) == BillRun()


def test_keys_and_invoice_ids_are_deterministic() -> None:
    run = bill([seed()], through=date(2025, 2, 1))
    (invoice,) = run.invoices
    assert [line.key for line in invoice.lines] == [
        "C-1:C-1-1:recurring:2025-01-01/2025-02-01",
        "C-1:C-1-1:recurring:2025-02-01/2025-03-01",
    ]
    assert invoice.id == "INV-C-1:C-1-1:recurring:2025-01-01/2025-02-01"
    assert bill([seed()], through=date(2025, 2, 1)) == run


def test_credit_balances_are_applied_in_order_of_contract_id_within_a_run() -> None:
    # Two contracts of one account: B's credit of 516.13 (a cancellation over March) is carried
    # to A's next invoice, not to A's invoice of the same run (A sorts before B).
    a = contract_of(SEATS, {"SEAT": 10}, id="A", start=date(2025, 1, 1), end=date(2025, 12, 31))
    b = contract_of(SEATS, {"SEAT": 10}, id="B", start=date(2025, 1, 1), end=date(2025, 12, 31))
    march = bill([a, b], through=date(2025, 3, 1))
    b_cancelled = amended(b, SEATS, date(2025, 3, 16), Cancel("SEAT"))
    run = bill([a, b_cancelled], through=date(2025, 4, 1), issued=march.invoices)
    first, second = run.invoices
    assert (first.contract_id, first.credit_applied, first.total) == (
        "A",
        usd("0.00"),
        usd("1000.00"),
    )
    assert (second.contract_id, second.credit_generated) == ("B", usd("516.13"))
    assert run.credit_balances == {"ACME": usd("516.13")}
    may = bill([a, b_cancelled], through=date(2025, 5, 1), issued=[*march.invoices, *run.invoices])
    assert may.invoices[0].credit_applied == usd("516.13")
    assert may.invoices[0].total == usd("483.87")


def test_explain_says_what_each_line_bills() -> None:
    contract = seats(
        start=date(2025, 1, 15),
        end=date(2026, 1, 14),
        billing=BillingSettings(anchor=date(2025, 1, 1)),
    )
    run = bill([contract], through=date(2025, 1, 15))
    assert run.explain() == (
        "Invoice INV-S:S-1:recurring:2025-01-15/2025-02-01 for ACME, contract S, 2025-01-15\n"
        "  recurring SEAT 2025-01-15 → 2025-01-31: Seat, prorated 17/31\n"
        "      10 × 100.00 USD a period × ≈0.548387 of [2025-01-01, 2025-02-01) = "
        "≈548.387097 USD → 548.39 USD\n"
        "  subtotal          548.39 USD\n"
        "  tax               0.00 USD\n"
        "  total             548.39 USD\n"
        "  due 2025-02-14\n"
        "\n"
        "Credit balances after the run:\n"
        "  ACME: 0.00 USD"
    )
    assert "No invoice" in BillRun().explain()


# --------------------------------------------------------------------------------------------
# Refusals: a clear RevcycleError, and nothing billed


def test_an_issued_invoice_in_another_currency_is_refused() -> None:
    _, euros = one_plan("10.00", "EUR", id="E", start=date(2025, 1, 1), end=date(2025, 12, 31))
    issued = bill([euros], through=date(2025, 1, 1)).invoices
    with pytest.raises(errors.CurrencyMismatchError, match="one account, one currency"):
        bill([seats()], through=date(2025, 2, 1), issued=issued)


def test_the_same_contract_twice_is_refused() -> None:
    contract = seats()
    with pytest.raises(errors.ValidationError, match="contract 'S' twice"):
        bill([contract, contract], through=date(2025, 1, 1))
    upsold = amended(contract, SEATS, date(2025, 2, 1), ChangeQuantity("SEAT", quantity=11))
    with pytest.raises(errors.ValidationError, match="twice"):
        bill([contract, upsold], through=date(2025, 1, 1))
    run = bill([contract], through=date(2025, 1, 1))
    with pytest.raises(errors.ValidationError, match=r"invoice .* twice"):
        bill([contract], through=date(2025, 2, 1), issued=[*run.invoices, *run.invoices])


def test_a_negative_or_zero_frequency_is_refused() -> None:
    with pytest.raises(errors.PeriodError, match="longer than zero"):
        BillingSettings(frequency=Duration(months=0))
    with pytest.raises(errors.PeriodError, match="at least 0"):
        BillingSettings.stripe(frequency=Duration(months=-1))
    with pytest.raises(errors.RevcycleTypeError, match="must be a Duration"):
        BillingSettings.lago(frequency="P1M")  # type: ignore[arg-type]
    with pytest.raises(errors.StructureError, match="longer than zero"):
        loads(json.dumps({"frequency": "P0M"}), BillingSettings)


def test_floats_are_refused() -> None:
    with pytest.raises(errors.FloatNotAllowedError):
        TaxRate(0.2, "VAT")  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError, match="TaxRate"):
        bill([seats()], through=date(2025, 1, 1), tax=0.2)  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError, match=r"datetime\.date"):
        bill([seats()], through=20250101.0)  # type: ignore[arg-type]
    with pytest.raises(errors.FloatNotAllowedError):
        UsageEvent(
            id="x",
            customer="ACME",
            metric="api",
            at=datetime(2025, 1, 1, tzinfo=UTC),
            quantity=1.5,  # type: ignore[arg-type]
        )
    text = dumps(bill([seats()], through=date(2025, 1, 1)))
    with pytest.raises(errors.StructureError, match="fraction"):
        loads(text.replace('"1000.00"', "1000.00", 1), BillRun)


def test_other_refusals_name_what_was_expected() -> None:
    with pytest.raises(errors.RevcycleTypeError, match="contracts must not hold 'C-1'"):
        bill(["C-1"], through=date(2025, 1, 1))  # type: ignore[list-item]
    with pytest.raises(errors.RevcycleTypeError, match="UsageEvent"):
        bill([seats()], through=date(2025, 1, 1), usage=[1])  # type: ignore[list-item]
    with pytest.raises(errors.RevcycleTypeError, match="Subscription"):
        billing_periods("S-1", BillingSettings())  # type: ignore[arg-type]
    with pytest.raises(errors.ValidationError, match="not on bill-cycle day"):
        BillingSettings(anchor=date(2025, 1, 15), bill_cycle_day=1)
    with pytest.raises(errors.ValidationError, match="from 1 to 31"):
        BillingSettings.kill_bill(32)
    with pytest.raises(errors.RevcycleTypeError, match="must return Money in USD"):
        bill([seats()], through=date(2025, 1, 1), tax=lambda invoice: Decimal("1"))  # type: ignore[arg-type,return-value]


# Found by the long fuzz run (issue 16): a 100,000-character contract id went raw into the
# message of an Invoice holding another contract's line (100,136 characters). Ids have no length
# limit (as everywhere in revcycle); every billing message shows a caller's text through shown().
def test_billing_messages_show_a_long_id_bounded() -> None:
    (invoice,) = bill([seats()], through=date(2025, 1, 1)).invoices
    fields = {f.name: getattr(invoice, f.name) for f in attrs.fields(Invoice)}
    long_id = "x" * 100_000
    with pytest.raises(errors.ValidationError, match="holds line") as caught:
        Invoice(**{**fields, "contract_id": long_id})
    assert len(str(caught.value)) < 2_000
    with pytest.raises(errors.ValidationError, match="twice") as caught:
        bill([seats()], through=date(2025, 1, 1), issued=[attrs.evolve(invoice, id=long_id)] * 2)
    assert len(str(caught.value)) < 2_000
    with pytest.raises(errors.ValidationError, match="negative") as caught:
        BillRun(invoices=(), credit_balances={long_id: Money("-1", "USD")}, late_usage=())
    assert len(str(caught.value)) < 2_000


# Found by the long fuzz run (issue 16): tax=len passed the entry check (any callable did) and
# failed inside the run with "TypeError: object of type 'Invoice' has no len()". Python's own
# callables, classes and callables that cannot take the invoice are refused before billing.
@pytest.mark.parametrize(
    "tax",
    [len, abs, dict, type, enum.Enum, str.upper, int.__add__, [].append, lambda: 1, lambda a, b: a],
)
def test_a_tax_policy_that_cannot_take_an_invoice_is_refused_at_the_entry(tax: Any) -> None:
    with pytest.raises(errors.RevcycleTypeError, match=r"tax must be a TaxRate .* or a callable"):
        bill([seats()], through=date(2025, 1, 1), tax=tax)


_TAKERS: list[Any] = [
    lambda v: bill(v, through=date(2025, 1, 1)),
    lambda v: bill([seats()], through=v),
    lambda v: bill([seats()], through=date(2025, 1, 1), issued=v),
    lambda v: bill([seats()], through=date(2025, 1, 1), usage=v),
    lambda v: bill([seats()], through=date(2025, 1, 1), invoice_date=v),
    lambda v: bill([seats()], through=date(2025, 1, 1), tax=v),
    lambda v: billing_periods(seats().subscriptions[0], v),
    lambda v: billing_periods(seats().subscriptions[0], BillingSettings(), contract_start=v),
    lambda v: TaxRate(v, "VAT"),
    lambda v: TaxRate(Percent("20"), v),
    lambda v: BillingSettings.stripe(v),
    lambda v: BillingSettings.stripe(prorate=v),
    lambda v: BillingSettings.lago(v),
    lambda v: BillingSettings.lago(pay_in_advance=v),
    lambda v: BillingSettings.kill_bill(v),
    lambda v: BillingSettings.chargebee(v),
    lambda v: BillingSettings(bill_cycle_day=v),
    lambda v: bill([seed()], through=date(2025, 1, 1)).invoices[0].open_items(v),
    lambda v: structure(v, BillRun),
    lambda v: structure(v, Invoice),
]


@given(JUNK, st.sampled_from(range(len(_TAKERS))))
def test_junk_raises_only_revcycle_errors(value: object, which: int) -> None:
    with contextlib.suppress(errors.RevcycleError):
        _TAKERS[which](value)


# --------------------------------------------------------------------------------------------
# JSON


def test_issued_invoices_read_back_from_json_bill_the_same() -> None:
    # The issue: "issued read back from JSON gives the same idempotent behaviour and the same
    # credit balances".
    contract = seats()
    cancelled = amended(contract, SEATS, date(2025, 3, 16), Cancel("SEAT"))
    first = bill([contract], through=date(2025, 3, 1), tax=TaxRate(Percent("20"), "VAT"))
    second = bill([cancelled], through=date(2025, 3, 16), issued=first.invoices)
    issued = (*first.invoices, *second.invoices)
    text = dumps(issued)
    read = loads(text, tuple[Invoice, ...])
    assert read == issued
    assert json.loads(text)[0]["due_date"] == "2025-03-31"  # invoiced Mar 1, Net 30
    assert bill([cancelled], through=date(2025, 3, 16), issued=read).invoices == ()
    later = bill([cancelled], through=date(2025, 6, 1), issued=issued)
    assert bill([cancelled], through=date(2025, 6, 1), issued=read) == later
    # April to June net to zero (a charge and the cancellation), so the credit stays.
    assert later.credit_balances == second.credit_balances == {"ACME": usd("516.13")}
    run = loads(dumps(second), BillRun)
    assert run == second
    assert loads(dumps(second.lines[0]), InvoiceLine) == second.lines[0]


def test_json_that_breaks_an_invoices_rules_is_refused() -> None:
    data = json.loads(dumps(bill([seats()], through=date(2025, 2, 1))))
    invoice = data["invoices"][0]
    for path, value, message in (
        (("due_date",), "2025-02-01", "due"),
        (("subtotal", "amount"), "1.00", "subtotal"),
        (("lines", 0, "key"), "S:S-1:recurring:2025-01-01/2025-03-01", "key must be"),
        (("total", "amount"), "5.00", "total"),
    ):
        broken = json.loads(json.dumps(invoice))
        target: Any = broken
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
        with pytest.raises(errors.StructureError, match=message):
            loads(json.dumps(broken), Invoice)


# --------------------------------------------------------------------------------------------
# Notebooks and data frames


def test_records_arrow_and_pandas_are_typed_and_add_up() -> None:
    contract = seats(
        start=date(2025, 1, 15),
        end=date(2026, 1, 14),
        billing=BillingSettings(anchor=date(2025, 1, 1)),
    )
    run = bill([contract, seed()], through=date(2025, 6, 1))
    records = run.to_records()  # the seed contract C-1 first, then S
    assert (records[0]["amount"], records[6]["amount"]) == ("9000.00", "548.39")
    assert records[6]["start_date"] == "2025-01-15"
    table = run.to_arrow()
    types = {field.name: str(field.type) for field in table.schema}
    assert types["amount"] == "decimal128(38, 2)"
    assert types["precise_amount"] == types["unit_price"] == "decimal256(76, 40)"
    assert types["start_date"] == "date32[day]"
    assert types["kind"].startswith("dictionary")
    frame = run.to_pandas()
    assert frame["amount"].sum() == sum(i.subtotal.amount for i in run.invoices)
    (_, invoice) = run.invoices
    assert len(invoice.to_records()) == len(invoice.lines)
    assert invoice.to_pandas()["amount"].sum() == invoice.subtotal.amount


def test_html_is_escaped_and_truncated_past_fifty_rows() -> None:
    _, contract = one_plan("10.00", id="<H&1>", start=date(2020, 1, 1), end=date(2025, 12, 31))
    run = bill([contract], through=date(2025, 12, 1))
    (invoice,) = run.invoices
    html = invoice._repr_html_()
    assert "&lt;H&amp;1&gt;" in html
    assert "<H&1>" not in html
    assert "72 rows" in html
    assert html.count("<tr>") == 12  # the header, five rows, the ellipsis, five rows
    many = [
        contract_of(
            plans(PLAN="10.00"),
            {"PLAN": 1},
            id=f"C{n:02d}",
            start=date(2025, 1, 1),
            end=date(2025, 12, 31),
        )
        for n in range(60)
    ]
    html = bill(many, through=date(2025, 1, 1))._repr_html_()
    assert "60 rows" in html
    assert "C59" in html


def test_a_cancelled_usage_line_stops_billing_and_invoice_date_is_its_own() -> None:
    # A usage line cancelled on Mar 1 (its estimate taken to zero) bills January and February
    # only; an estimate changed by amendment bills nothing of its own. invoice_date, when given,
    # dates the invoice (and its due date) instead of `through`.
    contract = _api_contract(None)
    catalog = plans(
        usage={"API": Graduated([Tier(Decimal(10_000), usd("0.01")), Tier(None, usd("0.005"))])},
        PLAN="10.00",
    )
    estimated = amended(contract, catalog, date(2025, 2, 1), ChangeQuantity("API", quantity=5))
    cancelled = amended(estimated, catalog, date(2025, 3, 1), Cancel("API"))
    run = bill(
        [cancelled],
        through=date(2025, 6, 1),
        usage=[_calls(1, 100), _calls(4, 100)],
        invoice_date=date(2025, 6, 3),
    )
    usage = [str(line.period) for line in run.lines if line.kind is LineKind.USAGE]
    assert usage == ["[2025-01-01, 2025-02-01)", "[2025-02-01, 2025-03-01)"]
    (invoice,) = run.invoices
    assert (invoice.invoice_date, invoice.due_date) == (date(2025, 6, 3), date(2025, 7, 3))


def test_one_time_charges_bill_once_when_their_segment_starts() -> None:
    # DESIGN §4.4: whatever the timing, on the first run whose `through` reaches the start.
    catalog = plans(one_time={"SETUP": "500.00"}, PLAN="10.00")
    contract = contract_of(
        catalog,
        {"SETUP": 2, "PLAN": 1},
        id="O",
        start=date(2025, 1, 1),
        end=date(2025, 12, 31),
        billing=BillingSettings(timing=BillingTiming.IN_ARREARS),
    )
    first = bill([contract], through=date(2025, 1, 1))
    assert amounts(first.lines) == [("one_time", "SETUP", "[2025-01-01, 2026-01-01)", "1000.00")]
    assert first.lines[0].unit_price == usd("500.00")
    later = bill([contract], through=date(2025, 2, 1), issued=first.invoices)
    assert [line.kind for line in later.lines] == [LineKind.RECURRING]
