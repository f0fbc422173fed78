"""Each billing preset reproduces its system's published figures, to the cent.

The figures and their sources are those of the billing research brief (ids S1-S3, L1-L5,
K1-K3, K5, K6, C1, C3, C5); each test names the page or the repository path it comes from.
Where a preset cannot reproduce a figure, the test pins revcycle's own number and the preset's
docstring names the quirk (S4, S6, K4, L6, C2).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billing_support import YEAR, amended, amounts, contract_of, one_plan, plan_change, plans
from revcycle.billing import (
    BillingSettings,
    BillingTiming,
    FirstPeriod,
    Invoice,
    InvoiceLine,
    LineKind,
    TaxRate,
    TrueUp,
    bill,
    billing_periods,
)
from revcycle.contracts import AddProduct, Cancel, Contract
from revcycle.dates import Duration, Period
from revcycle.money import Money, Percent
from revcycle.proration import ProrationMethod
from revcycle.terms import PaymentTerms


def first_amount(contract_billing: BillingSettings, start: date, price: str) -> Money:
    """The amount of the first piece of a one-unit plan at ``price`` a month from ``start``."""
    catalog = plans(PLAN=price)
    contract = contract_of(
        catalog,
        {"PLAN": 1},
        id="P",
        start=start,
        end=date(start.year + 1, 12, 31),
        billing=contract_billing,
    )
    run = bill([contract], through=date(start.year + 1, 1, 1))
    return run.lines[0].amount


def test_presets_are_the_settings_of_the_table() -> None:
    # DESIGN §4.4's table: timing, anchor, first period, proration, true-up.
    assert BillingSettings.stripe() == BillingSettings(true_up=TrueUp.NONE)
    assert BillingSettings.stripe(prorate=False).first_period is FirstPeriod.FREE
    assert BillingSettings.stripe(date(2023, 3, 1)).anchor == date(2023, 3, 1)
    assert BillingSettings.lago().timing is BillingTiming.IN_ARREARS
    assert BillingSettings.lago(pay_in_advance=True).timing is BillingTiming.IN_ADVANCE
    assert BillingSettings.kill_bill(31).bill_cycle_day == 31
    assert BillingSettings.chargebee(15).bill_cycle_day == 15
    assert BillingSettings.salesforce_billing() == BillingSettings()
    assert BillingSettings.salesforce_billing().true_up is TrueUp.LAST_PERIOD
    quarterly = Duration(months=3)
    for preset in (
        BillingSettings.stripe(frequency=quarterly),
        BillingSettings.lago(frequency=quarterly),
        BillingSettings.kill_bill(frequency=quarterly),
        BillingSettings.chargebee(frequency=quarterly),
        BillingSettings.salesforce_billing(frequency=quarterly),
    ):
        assert preset.frequency == quarterly
    for preset in (BillingSettings.stripe(), BillingSettings.lago(), BillingSettings.kill_bill()):
        assert preset.true_up is TrueUp.NONE


def test_lago_calendar_anchors_follow_the_calendar_unit_of_the_frequency() -> None:
    # The decision of the billing brief: the 1st of the month, the calendar quarter, Jan 1,
    # Monday; other frequencies the 1st of the start's month.
    start = date(2024, 5, 20)
    for frequency, anchor_of_start in (
        (Duration(months=1), date(2024, 5, 1)),
        (Duration(months=3), date(2024, 4, 1)),
        (Duration(years=1), date(2024, 1, 1)),
        (Duration(weeks=1), date(2024, 5, 20)),  # a Monday
        (Duration(months=2), date(2024, 5, 1)),
    ):
        _, contract = one_plan(
            "100.00",
            term=frequency,
            id="L",
            start=start,
            end=date(2026, 12, 31),
            billing=BillingSettings.lago(calendar=True, frequency=frequency),
            proration_method=ProrationMethod.DAILY,
        )
        first = billing_periods(contract.subscriptions[0], contract.billing)[0]
        assert first.full_period.start == anchor_of_start, frequency


# --------------------------------------------------------------------------------------------
# Stripe


def test_stripe_s1_backdated_half_month() -> None:
    # S1, https://docs.stripe.com/billing/subscriptions/backdating: "the prorated amount for
    # the 14 days of February 15 to March 1 is exactly half the amount of a normal monthly
    # charge" (a non-leap year).
    amount = first_amount(BillingSettings.stripe(date(2023, 3, 1)), date(2023, 2, 15), "100.00")
    assert amount == Money("50.00", "USD")


def test_stripe_s2_backdated_seventeen_of_thirty_one() -> None:
    # S2, the same page: "the 17 days of January 15 to February 1 is 17 divided by 31 (or
    # 0.548)".
    amount = first_amount(BillingSettings.stripe(date(2023, 2, 1)), date(2023, 1, 15), "100.00")
    assert amount == Money("54.84", "USD")


@pytest.mark.parametrize(
    ("year", "february"), [(2023, date(2023, 2, 28)), (2024, date(2024, 2, 29))]
)
def test_stripe_s3_month_end_anchor(year: int, february: date) -> None:
    # S3, https://stripe.com/docs/billing/subscriptions/billing-cycle: "a billing cycle anchor
    # date of January 31 bills ... February 28 (or February 29 in a leap year), then March 31,
    # April 30".
    _, contract = one_plan(
        "10.00",
        id="S3",
        start=date(year, 1, 31),
        end=date(year, 12, 31),
        billing=BillingSettings.stripe(),
    )
    starts = [p.period.start for p in billing_periods(contract.subscriptions[0], contract.billing)]
    assert starts[:5] == [
        date(year, 1, 31),
        february,
        date(year, 3, 31),
        date(year, 4, 30),
        date(year, 5, 31),
    ]


def test_stripe_s4_free_first_stretch_issues_a_zero_line() -> None:
    # S4 (documented non-match), https://docs.stripe.com/payments/checkout/billing-cycle: with
    # proration_behavior=none "there is no 0 USD invoice"; revcycle issues the zero line so the
    # span counts as billed at zero (the decision of DESIGN §4.4).
    _, contract = one_plan(
        "100.00",
        id="S4",
        start=date(2023, 5, 15),
        end=date(2024, 5, 31),
        billing=BillingSettings.stripe(date(2023, 6, 1), prorate=False),
    )
    first = bill([contract], through=date(2023, 5, 15))
    (line,) = first.lines
    assert (line.period, line.fraction, line.amount) == (
        Period(date(2023, 5, 15), date(2023, 6, 1)),
        Decimal(0),
        Money("0.00", "USD"),
    )
    assert first.invoices[0].total == Money("0.00", "USD")
    # "Customers receive an invoice with the full subscription amount on the billing cycle
    # anchor date."
    june = bill([contract], through=date(2023, 6, 1), issued=first.invoices)
    assert [line.amount for line in june.lines] == [Money("100.00", "USD")]


# --------------------------------------------------------------------------------------------
# Lago


def test_lago_l1_calendar_first_month() -> None:
    # L1, getlago/lago-doc guide/subscriptions/assign-plan.mdx: "22 days x $50 / 31 days =
    # $35.48" for a sign-up on August 10th, calendar billing (in arrears: billed on Sep 1).
    _, contract = one_plan(
        "50.00",
        id="L1",
        start=date(2023, 8, 10),
        end=date(2024, 8, 9),
        billing=BillingSettings.lago(calendar=True),
    )
    assert bill([contract], through=date(2023, 8, 31)).invoices == ()
    run = bill([contract], through=date(2023, 9, 1))
    assert amounts(run.lines) == [("recurring", "PLAN", "[2023-08-10, 2023-09-01)", "35.48")]


@pytest.mark.parametrize("pay_in_advance", [False, True])
def test_lago_l2_calendar_mid_month_and_weekly(pay_in_advance: bool) -> None:
    # L2, getlago/lago-api spec/services/fees/subscription_service_spec.rb: amount_cents 100,
    # calendar, started 2022-03-15 -> 55 (in advance or in arrears); a weekly plan started on
    # Wednesday 2022-06-22 -> 71 (weeks from Monday).
    _, monthly = one_plan(
        "1.00",
        "EUR",
        id="L2",
        start=date(2022, 3, 15),
        end=date(2023, 3, 14),
        billing=BillingSettings.lago(calendar=True, pay_in_advance=pay_in_advance),
    )
    _, weekly = one_plan(
        "1.00",
        "EUR",
        term=Duration(weeks=1),
        id="L2W",
        start=date(2022, 6, 22),
        end=date(2022, 12, 31),
        billing=BillingSettings.lago(
            calendar=True, pay_in_advance=pay_in_advance, frequency=Duration(weeks=1)
        ),
        proration_method=ProrationMethod.DAILY,
    )  # a weekly price counts days, not months
    run = bill([monthly, weekly], through=date(2022, 7, 1))
    first = {line.contract_id: line for line in reversed(run.lines)}
    assert first["L2"].amount == Money("0.55", "EUR")
    assert first["L2W"].amount == Money("0.71", "EUR")
    assert first["L2W"].full_period == Period(date(2022, 6, 20), date(2022, 6, 27))


def test_lago_l3_upgrade_in_arrears() -> None:
    # L3, https://getlago.com/docs/guide/subscriptions/upgrades-downgrades: plan A (€100/month,
    # in arrears, calendar) upgraded to plan B (€200) on January 15th: "Invoice for Plan A: 14
    # days prorated = €45.16 (14/31 × €100)". Plan B's 17/31 × 200 = 109.68 is revcycle's own
    # figure (Lago's page is cut off there).
    catalog = plans("EUR", A="100.00", B="200.00")
    contract = contract_of(
        catalog,
        {"A": 1},
        id="L3",
        start=date(2022, 1, 1),
        end=date(2022, 12, 31),
        billing=BillingSettings.lago(calendar=True),
    )
    upgraded = amended(
        contract, catalog, date(2022, 1, 15), Cancel("A"), AddProduct("B", quantity=1)
    )
    run = bill([upgraded], through=date(2022, 2, 1))
    assert amounts(run.lines) == [
        ("recurring", "A", "[2022-01-01, 2022-02-01)", "100.00"),
        ("recurring", "A", "[2022-01-15, 2022-02-01)", "-54.84"),
        ("recurring", "B", "[2022-01-15, 2022-02-01)", "109.68"),
    ]
    plan_a = sum(line.amount.amount for line in run.lines if line.sku == "A")
    assert plan_a == Decimal("45.16")


VAT = TaxRate(Percent("20"), "VAT")


def _lago_terminated(id: str, effective: date) -> tuple[tuple[Invoice, ...], Contract]:
    """L4's plan: €31.00 a month paid in advance, calendar, from 2022-09-01, billed through
    October with 20 % VAT; the invoices, and the contract cancelled ``effective``."""
    catalog, contract = one_plan(
        "31.00",
        "EUR",
        id=id,
        start=date(2022, 9, 1),
        end=date(2023, 8, 31),
        billing=BillingSettings.lago(calendar=True, pay_in_advance=True),
    )
    before = bill([contract], through=date(2022, 10, 1), tax=VAT).invoices
    return before, amended(contract, catalog, effective, Cancel("PLAN"))


@pytest.mark.parametrize(
    ("effective", "excluding", "including"),
    [(date(2022, 10, 16), "16.00", "19.20"), (date(2022, 10, 15), "17.00", "20.40")],
)
def test_lago_l4_termination_credit(effective: date, excluding: str, including: str) -> None:
    # L4, getlago/lago-api spec/services/credit_notes/create_from_termination_spec.rb: plan
    # €31.00, pay in advance, calendar, started 2022-09-01, terminated 2022-10-15: credit note
    # 19_20 including 20 % tax (16.00); with upgrade: true, 20_40 (17.00). A termination on day
    # D is a cancellation effective D + 1; an upgrade is effective D.
    before, cancelled = _lago_terminated("L4", effective)
    assert [invoice.total for invoice in before] == [Money("74.40", "EUR")]
    run = bill([cancelled], through=effective, issued=before, tax=VAT)
    (invoice,) = run.invoices
    (line,) = invoice.lines
    assert line.kind is LineKind.CREDIT
    assert line.amount == -Money(excluding, "EUR")
    assert invoice.tax == -Money(including, "EUR") + Money(excluding, "EUR")
    assert (invoice.total, invoice.credit_generated) == (
        Money("0.00", "EUR"),
        Money(including, "EUR"),
    )
    assert run.credit_balances["ACME"] == Money(including, "EUR")


def test_lago_l5_credit_reduced_by_an_earlier_credit() -> None:
    # L5, the same spec, "when existing credit notes on the fee": an earlier credit note item of
    # €10.00 on the fee leaves 7_20 including tax (6.00): billed 16.00 over the span, less
    # 10.00 already credited (the cap of DESIGN §4.4, Lago's PR #1778).
    before, cancelled = _lago_terminated("L5", date(2022, 10, 16))
    span = Period(date(2022, 10, 16), date(2022, 11, 1))
    goodwill = InvoiceLine(
        key="L5:L5-1:credit:2022-10-16/2022-11-01",
        kind=LineKind.CREDIT,
        contract_id="L5",
        subscription_id="L5-1",
        sku="PLAN",
        description="goodwill credit note",
        period=span,
        full_period=Period(date(2022, 10, 1), date(2022, 11, 1)),
        quantity=-1,
        unit_price=Money("31.00", "EUR"),
        fraction=Decimal(16) / 31,
        precise_amount=Money("-10.00", "EUR"),
        amount=Money("-10.00", "EUR"),
    )
    terms = PaymentTerms.parse("Net 30")
    credit_note = Invoice(
        id="CN-1",
        account="ACME",
        contract_id="L5",
        currency="EUR",
        invoice_date=date(2022, 10, 10),
        lines=[goodwill],
        subtotal=Money("-10.00", "EUR"),
        tax=Money("-2.00", "EUR"),
        credit_applied=Money("0.00", "EUR"),
        total=Money("0.00", "EUR"),
        credit_generated=Money("12.00", "EUR"),
        payment_schedule=terms.schedule(date(2022, 10, 10), Money("0.00", "EUR")),
    )
    run = bill([cancelled], through=date(2022, 10, 16), issued=[*before, credit_note], tax=VAT)
    (invoice,) = run.invoices
    assert [line.amount for line in invoice.lines] == [Money("-6.00", "EUR")]
    assert invoice.credit_generated == Money("7.20", "EUR")
    assert "capped at what was billed" in invoice.lines[0].description
    # Both credits stay on the account: 12.00 from the credit note, 7.20 from this one.
    assert run.credit_balances["ACME"] == Money("19.20", "EUR")


def test_lago_l6_float_rounding_is_not_reproduced() -> None:
    # L6 (documented non-match), the same spec "with rounding at max precision": €9.99,
    # anniversary from 2023-01-30, terminated 2023-03-14: Lago credits 4_99 (a float day price);
    # 9.99 × 15/30 = 4.995 rounds half-up to 5.00 here. The dates agree: Feb 28 to Mar 30.
    catalog, contract = one_plan(
        "9.99",
        "EUR",
        id="L6",
        start=date(2023, 1, 30),
        end=date(2024, 1, 29),
        billing=BillingSettings.lago(pay_in_advance=True),
    )
    before = bill([contract], through=date(2023, 2, 28))
    cancelled = amended(contract, catalog, date(2023, 3, 15), Cancel("PLAN"))
    run = bill([cancelled], through=date(2023, 3, 15), issued=before.invoices)
    (line,) = run.lines
    assert line.full_period == Period(date(2023, 2, 28), date(2023, 3, 30))
    assert line.amount == Money("-5.00", "EUR")


# --------------------------------------------------------------------------------------------
# Kill Bill


def test_kill_bill_k1_k6_leading_proration_to_bcd_31() -> None:
    # K1 and K6, killbill/killbill-integration-tests killbill-integration-tests/core/
    # test_catalog.rb test_remove_phase: BCD 31, $1000 a month from 2013-08-15: 516.13 for
    # 2013-08-15 -> 2013-08-31, then 1000.00 for 08-31 -> 09-30 and 09-30 -> 10-31.
    _, contract = one_plan(
        "1000.00",
        id="K1",
        start=date(2013, 8, 15),
        end=date(2014, 8, 14),
        billing=BillingSettings.kill_bill(31),
    )
    run = bill([contract], through=date(2013, 10, 1))
    assert amounts(run.lines) == [
        ("recurring", "PLAN", "[2013-08-15, 2013-08-31)", "516.13"),
        ("recurring", "PLAN", "[2013-08-31, 2013-09-30)", "1000.00"),
        ("recurring", "PLAN", "[2013-09-30, 2013-10-31)", "1000.00"),
    ]


@pytest.mark.parametrize(
    ("effective", "bcd", "term", "price", "credit", "due"),
    [
        # K2: BCD 1 -> 7 on 2013-08-07: RECURRING 1000.00 08-07 -> 09-07 and REPAIR_ADJ
        # -806.45 08-07 -> 09-01, invoice 193.55 (test_with_bcd_change_immediate).
        (date(2013, 8, 7), 7, Duration(months=1), "1000.00", "-806.45", "193.55"),
        # K3: monthly -> annual on 2013-08-16: 10000.00 and -516.13, invoice 9483.87
        # (test_with_bcd_change_in_the_future_v1).
        (date(2013, 8, 16), 16, YEAR, "10000.00", "-516.13", "9483.87"),
    ],
)
def test_kill_bill_k2_k3_bcd_change(
    effective: date, bcd: int, term: Duration, price: str, credit: str, due: str
) -> None:
    # Source: killbill/killbill-integration-tests killbill-integration-tests/core/
    # test_entitlement_with_bcd_update.rb. One Kill Bill invoice is two here: the old contract's
    # credit and the new contract's charge, which takes the credit balance.
    old_catalog = plans(PLAN="1000.00")
    old = contract_of(
        old_catalog,
        {"PLAN": 1},
        id="KB-1",
        start=date(2013, 8, 1),
        end=date(2014, 7, 31),
        billing=BillingSettings.kill_bill(),
    )
    august = bill([old], through=date(2013, 8, 1))
    assert [invoice.total for invoice in august.invoices] == [Money("1000.00", "USD")]
    new = contract_of(
        plans(term=term, NEW=price),
        {"NEW": 1},
        id="KB-2",
        start=effective,
        end=date(2014, 12, 31),
        billing=BillingSettings.kill_bill(bcd, frequency=term),
    )
    ended = amended(old, old_catalog, effective, Cancel("PLAN"))
    run = bill([ended, new], through=effective, issued=august.invoices)
    assert amounts(run.lines)[0][3] == credit
    assert run.lines[1].amount == Money(price, "USD")
    assert run.invoices[1].credit_applied == -Money(credit, "USD")
    assert run.invoices[1].total == Money(due, "USD")


def test_kill_bill_k4_clamped_bcd_denominator_is_not_reproduced() -> None:
    # K4 (documented non-match), killbill-integration-tests core/test_catalog.rb: BCD 31, a
    # $150 add-on from 2013-09-04 bills 125.81 at Kill Bill (Aug 30 -> Sep 30, 31 days); the
    # bill-cycle period here is Aug 31 -> Sep 30 (30 days): 26/30 × 150 = 130.00.
    contract = contract_of(
        plans(ADDON="150.00"),
        {"ADDON": 1},
        id="K4",
        start=date(2013, 9, 4),
        end=date(2014, 9, 3),
        billing=BillingSettings.kill_bill(31),
    )
    assert bill([contract], through=date(2013, 9, 4)).lines[0].amount == Money("130.00", "USD")


# --------------------------------------------------------------------------------------------
# Chargebee


@pytest.mark.parametrize(
    ("source", "settings", "prices", "change", "start", "effective", "credit", "charge"),
    [
        # K5, killbill/killbill-docs userguide/subscription/includes/invoicing-invoice-items.adoc:
        # Silver monthly $20 for 2013-04-11 -> 05-11, upgraded on 2013-04-26: "Gold monthly" $15
        # and REPAIR_ADJ "Silver monthly" $-10 for 04-26 -> 05-11 (Gold at $30, implied).
        ("K5", BillingSettings.kill_bill(), ("20.00", "30.00"), ("A", "B"),
         date(2013, 4, 11), date(2013, 4, 26), "-10.00", "15.00"),
        # C1, https://www.chargebee.com/docs/proration-old.html Example 1: $60/month, period 1 Apr
        # 2012 to 1 May 2012, downgraded on 21 Apr to $30: credit $20, charge $10.
        ("C1", BillingSettings.chargebee(), ("60.00", "30.00"), ("A", "B"),
         date(2012, 4, 1), date(2012, 4, 21), "-20.00", "10.00"),
        # C3, https://support.chargebee.com/support/discussions/topics/40893: cycle 1 Apr to 1
        # May, Gold $30, Silver $15, changed on 5 Apr: "26 days remaining ... a credit of $26
        # ... The new plan amount would be $13"; the upgrade costs $13.
        ("C3", BillingSettings.chargebee(), ("30.00", "15.00"), ("A", "B"),
         date(2013, 4, 1), date(2013, 4, 5), "-26.00", "13.00"),
        ("C3", BillingSettings.chargebee(), ("30.00", "15.00"), ("B", "A"),
         date(2013, 4, 1), date(2013, 4, 5), "-13.00", "26.00"),
    ],
)  # fmt: skip
def test_a_plan_change_credits_the_old_plan_and_charges_the_new(
    source: str,
    settings: BillingSettings,
    prices: tuple[str, str],
    change: tuple[str, str],
    start: date,
    effective: date,
    credit: str,
    charge: str,
) -> None:
    old, new = change
    _, _, run = plan_change(
        plans(A=prices[0], B=prices[1]), old, new, id=source, start=start,
        effective=effective, billing=settings,
    )  # fmt: skip
    period = str(Period(effective, run.lines[0].period.end))
    assert amounts(run.lines) == [
        ("credit", old, period, credit),
        ("recurring", new, period, charge),
    ]
    assert run.invoices[0].subtotal == Money(credit, "USD") + Money(charge, "USD")


def test_chargebee_c1_downgrade_credit_carried_to_the_next_invoice() -> None:
    # C1, https://www.chargebee.com/docs/proration-old.html Example 1: "the net $10 is kept as
    # credit and on May 1 the customer pays $20".
    april, changed, downgrade = plan_change(
        plans(P60="60.00", P30="30.00"), "P60", "P30", id="C1", start=date(2012, 4, 1),
        effective=date(2012, 4, 21), billing=BillingSettings.chargebee(),
    )  # fmt: skip
    assert downgrade.invoices[0].credit_generated == Money("10.00", "USD")
    may = bill([changed], through=date(2012, 5, 1), issued=[*april.invoices, *downgrade.invoices])
    (invoice,) = may.invoices
    assert (invoice.subtotal, invoice.credit_applied, invoice.total) == (
        Money("30.00", "USD"),
        Money("10.00", "USD"),
        Money("20.00", "USD"),
    )
    assert may.credit_balances["ACME"] == Money("0.00", "USD")


@pytest.mark.parametrize(("year", "february"), [(2022, 28), (2023, 29)])
def test_chargebee_c5_billing_date_on_the_31st(year: int, february: int) -> None:
    # C5, https://www.chargebee.com/docs/billing/2.0/kb/billing/when-is-the-next-billing-date-
    # for-my-customer: "If your billing date is on 31st August, your next billing date will be
    # on 30th September relatively 28th/29th in February".
    _, contract = one_plan(
        "10.00",
        id="C5",
        start=date(year, 8, 31),
        end=date(year + 1, 8, 30),
        billing=BillingSettings.chargebee(31),
    )
    starts = [p.period.start for p in billing_periods(contract.subscriptions[0], contract.billing)]
    assert date(year, 9, 30) in starts
    assert date(year + 1, 2, february) in starts
    assert date(year + 1, 3, 31) in starts
