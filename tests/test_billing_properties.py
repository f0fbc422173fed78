"""Billing properties (Hypothesis), issue 13's "Must show":

* any split of a date range into several runs, each given the invoices issued before, bills
  the same net amount per contract, SKU and period as one run over the range, and exactly the
  same lines when no amendment takes effect inside it;
* a second run with the first run's invoices bills nothing;
* no invoice total is negative, and each invoice's figures add up;
* a credit never exceeds what was billed for its SKU over its span;
* credit balances are conserved;
* with the default true-up, a contract without a full or free first stretch or credits, billed
  to its end, totals its quote's line totals exactly;
* the monthly pieces of a usage window sum to the window rated at once.
"""

from __future__ import annotations

import decimal
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction

import attrs
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st

from billing_support import YEAR, contract_of, plans
from helpers import CATALOG, quote_lines
from revcycle.amendments import amend
from revcycle.billing import (
    BillingSettings,
    BillingTiming,
    BillRun,
    FirstPeriod,
    Invoice,
    InvoiceLine,
    LineKind,
    TaxRate,
    TrueUp,
    bill,
)
from revcycle.catalog import ChargeKind
from revcycle.contracts import Amendment, Cancel, ChangeQuantity, Contract
from revcycle.dates import Duration, Period
from revcycle.errors import ValidationError
from revcycle.money import Money, Percent
from revcycle.pricing import Discount, Graduated, Tier
from revcycle.proration import ProrationMethod
from revcycle.quotes import Quote, price_quote
from revcycle.usage import Aggregation, Meter, UsageCharge, UsageEvent, rate_usage


FREQUENCIES = [
    Duration(months=1),
    Duration(months=3),
    Duration(years=1),
    Duration(weeks=1),
    Duration(weeks=2),
]
METER = Meter("api", Aggregation.SUM)


@st.composite
def billing_settings(
    draw: st.DrawFn, start: date, *, true_up_by_default: bool = False
) -> BillingSettings:
    """Any settings whose first stretch prorates (``true_up_by_default``: the default true-up)."""
    anchor = draw(st.none() | st.dates(start - timedelta(days=400), start + timedelta(days=400)))
    return BillingSettings(
        frequency=draw(st.sampled_from(FREQUENCIES)),
        timing=draw(st.sampled_from(BillingTiming)),
        anchor=anchor,
        proration=draw(st.sampled_from(list(ProrationMethod)[:3])),
        true_up=TrueUp.LAST_PERIOD if true_up_by_default else draw(st.sampled_from(TrueUp)),
    )


RECURRING_SKUS = ["SEAT", "SUPPORT", "STORAGE", "LIC"]


@st.composite
def billed_quotes(draw: st.DrawFn) -> Quote:
    """A quote of one to four lines, most of them recurring, over three months to three years,
    some lines on a sub-term, discounts in percent (a usage line takes no other kind)."""
    start = draw(st.dates(date(2020, 1, 1), date(2030, 12, 31)))
    term = Duration(months=draw(st.integers(3, 36)))
    period = Period(start, term.after(start))
    skus = draw(
        st.lists(
            st.sampled_from([*RECURRING_SKUS, "ONBOARD", "API"]),
            min_size=1,
            max_size=4,
            unique=True,
        ).filter(lambda found: any(sku in RECURRING_SKUS for sku in found))
    )
    lines = []
    for sku in skus:
        line = draw(quote_lines(period)).with_discount(
            draw(
                st.none() | st.decimals(0, 50, places=1).map(lambda p: Discount.percent(Percent(p)))
            )
        )
        lines.append(attrs.evolve(line, sku=sku, quantity=draw(st.integers(1, 200))))
    return Quote(
        "ACME",
        "USD",
        "Standard",
        start,
        lines,
        term=term,
        proration_method=draw(
            st.sampled_from(
                [ProrationMethod.MONTHLY_DAILY, ProrationMethod.DAILY, ProrationMethod.THIRTY_360]
            )
        ),
        partner_discount=draw(st.none() | st.just(Percent("10"))),
    )


@st.composite
def contracts(draw: st.DrawFn, *, amendments: bool = True) -> Contract:
    """A contract of a :func:`billed_quotes` quote under any prorating settings, with up to
    three amendments (decreases, cancellations, increases) when ``amendments``."""
    quote = draw(billed_quotes())
    priced = price_quote(quote, CATALOG)
    priced = priced.approve(*priced.pending_approvals)
    usage = any(line.charge_kind is ChargeKind.USAGE for line in priced.lines)
    settings = draw(billing_settings(quote.start_date, true_up_by_default=not amendments))
    contract = Contract.from_quote(
        priced,
        id="C",
        billing=settings,
        meters={"API": METER} if usage else None,
        payment_terms=draw(st.sampled_from(["Net 30", "2/10 Net 30", "50% now, 50% Net 30"])),
    )
    if not amendments:
        return contract
    skus = [s.sku for s in contract.subscriptions if s.charge_kind is ChargeKind.RECURRING]
    effective = contract.start_date
    for _ in range(draw(st.integers(0, 3))):
        days = (contract.end_date - effective).days
        effective += timedelta(days=draw(st.integers(0, min(days, 200))))
        sku = draw(st.sampled_from(skus))
        held = contract.quantity(sku, on=effective)
        change = (
            Cancel(sku)
            if draw(st.booleans())
            else ChangeQuantity(sku, quantity=draw(st.integers(0, int(held) + 20)))
        )
        try:
            contract = amend(contract, Amendment(effective, [change]), CATALOG).contract
        except ValidationError:
            continue  # a change the line cannot take (below zero later on a sub-term line)
    return contract


def usage_events(contract: Contract, count: int, seed: int) -> list[UsageEvent]:
    """``count`` API calls spread over the contract's term, deterministic in ``seed``."""
    days = (contract.end_date - contract.start_date).days + 1
    return [
        UsageEvent(
            id=f"e{n}",
            customer=contract.account,
            metric="api",
            at=datetime.combine(
                contract.start_date + timedelta(days=(seed * 7919 + n * 104_729) % days),
                time(12),
                tzinfo=UTC,
            ),
            quantity=(seed + n) % 40,
        )
        for n in range(count)
    ]


def chain(
    contract: Contract, throughs: list[date], events: list[UsageEvent], tax: TaxRate | None
) -> list[BillRun]:
    """Runs through each date in turn, each given every invoice issued before."""
    issued: list[Invoice] = []
    runs = []
    for through in throughs:
        run = bill([contract], through=through, issued=issued, usage=events, tax=tax)
        issued += run.invoices
        runs.append(run)
    return runs


def net_per_period(lines: list[InvoiceLine]) -> dict[tuple[str, str, object], Decimal]:
    found: dict[tuple[str, str, object], Decimal] = defaultdict(Decimal)
    for line in lines:
        found[(line.contract_id, line.sku, line.full_period)] += line.amount.amount
    return dict(found)


def amendment_dates(contract: Contract) -> list[date]:
    return [v.amendment.effective_date for v in contract.versions() if v.amendment is not None]


@settings(max_examples=100)
@given(contracts(), st.data(), st.booleans(), st.integers(0, 1000))
def test_runs_split_anywhere_bill_what_one_run_bills(
    contract: Contract, data: st.DataObject, taxed: bool, seed: int
) -> None:
    # The run dates: anywhere in the term, and often just before or after an amendment takes
    # effect (where a decrease becomes a credit of a span billed in an earlier run).
    near = [
        day + timedelta(days=shift)
        for day in amendment_dates(contract)
        for shift in (-20, -1, 0, 1, 15)
    ]
    anywhere = st.integers(-10, 1200).map(lambda d: contract.start_date + timedelta(days=d))
    pick = st.sampled_from(near) | anywhere if near else anywhere
    throughs = sorted(data.draw(st.sets(pick, min_size=1, max_size=4)))
    events = usage_events(contract, 30, seed)
    tax = TaxRate(Percent("20"), "VAT") if taxed else None
    runs = chain(contract, throughs, events, tax)
    split = [line for run in runs for line in run.lines]
    event(f"lines: {min(len(split), 50) // 10 * 10}+")
    event(f"credit lines: {sum(x.kind is LineKind.CREDIT for x in split) > 0}")
    event(f"negative lines: {sum(x.amount.is_negative() for x in split) > 0}")
    event(f"usage lines: {sum(x.kind is LineKind.USAGE for x in split) > 0}")
    whole = bill([contract], through=throughs[-1], usage=events, tax=tax)
    assert net_per_period(split) == net_per_period(list(whole.lines))
    if not any(throughs[0] < day <= throughs[-1] for day in amendment_dates(contract)):
        assert sorted(split, key=lambda x: x.key) == sorted(whole.lines, key=lambda x: x.key)

    issued = [invoice for run in runs for invoice in run.invoices]
    # A second run with the invoices issued bills nothing.
    assert bill([contract], through=throughs[-1], issued=issued, usage=events).invoices == ()
    # No invoice total is negative; every invoice adds up.
    for invoice in issued:
        assert not invoice.total.is_negative()
        assert not invoice.credit_generated.is_negative()
        assert not invoice.credit_applied.is_negative()
        assert invoice.total - invoice.credit_generated == (
            invoice.subtotal + invoice.tax - invoice.credit_applied
        )
        assert invoice.subtotal.amount == sum(line.amount.amount for line in invoice.lines)
        assert invoice.payment_schedule.total == invoice.total
    # Balances are conserved: what each run leaves is what its invoices generated less what
    # they applied, from zero.
    balance = Decimal(0)
    for run in runs:
        for invoice in run.invoices:
            balance += invoice.credit_generated.amount - invoice.credit_applied.amount
            assert balance >= 0
        assert run.credit_balances[contract.account].amount == balance
    assert_credits_within_what_was_billed(contract, runs)


def assert_credits_within_what_was_billed(contract: Contract, runs: list[BillRun]) -> None:
    """Every decrease gives back at most what the segments before it billed, net, for its SKU
    over its span (pro rata by days, rounded half-up once), recomputed here from the lines."""
    order = {segment.id: index for index, segment in enumerate(contract.subscriptions)}
    seen: list[InvoiceLine] = []
    for run in runs:
        lines = list(run.lines)
        for line in lines:
            if line.kind not in (LineKind.RECURRING, LineKind.CREDIT) or line.quantity >= 0:
                continue
            index = order[line.subscription_id]
            billed = Fraction(0)
            for other in [*seen, *lines]:
                if (
                    other.sku != line.sku
                    or other.kind not in (LineKind.RECURRING, LineKind.CREDIT)
                    or order[other.subscription_id] >= index
                ):
                    continue
                shared = (
                    min(other.period.end, line.period.end)
                    - max(other.period.start, line.period.start)
                ).days
                if shared > 0:
                    billed += Fraction(other.amount.amount) * shared / other.period.days
            cap = Decimal(billed.numerator) / Decimal(billed.denominator) if billed > 0 else 0
            rounded = Decimal(cap).quantize(Decimal("0.01"), rounding=decimal.ROUND_HALF_UP)
            assert -line.amount.amount <= rounded, (line, billed)
        seen += lines


@settings(max_examples=80)
@given(contracts(amendments=False), st.integers(0, 60))
def test_billed_to_its_end_a_contract_totals_its_quote(contract: Contract, after: int) -> None:
    # DESIGN §4.4 "Billed equals contracted": whatever the frequency, timing, anchor and
    # proration, with the default true-up and a prorated first stretch.
    assume(contract.billing.first_period is FirstPeriod.PRORATE)
    run = bill([contract], through=contract.end_date + timedelta(days=1 + after))
    billed = sum(
        (line.amount.amount for line in run.lines if line.kind is not LineKind.USAGE),
        Decimal(0),
    )
    assert billed == contract.tcv.amount
    for segment in contract.subscriptions:
        if segment.charge_kind is not ChargeKind.USAGE:
            mine = [line for line in run.lines if line.subscription_id == segment.id]
            assert sum(line.amount.amount for line in mine) == segment.total.amount


API_TIERS = Graduated(
    [
        Tier(Decimal(1000), Money("0.013", "USD")),
        Tier(Decimal(5000), Money("0.0071", "USD")),
        Tier(None, Money("0.0033", "USD")),
    ]
)


@settings(max_examples=60)
@given(
    st.sampled_from(
        [Duration(months=1), Duration(months=2), Duration(months=3), Duration(weeks=2)]
    ),
    st.dates(date(2023, 1, 1), date(2026, 12, 31)),
    st.lists(st.tuples(st.integers(0, 364), st.integers(0, 4000)), max_size=25),
    st.lists(st.integers(1, 400), max_size=4),
)
def test_the_pieces_of_a_usage_window_sum_to_the_window_rated_at_once(
    frequency: Duration, start: date, uses: list[tuple[int, int]], splits: list[int]
) -> None:
    catalog = plans(usage={"API": API_TIERS}, usage_term=YEAR, PLAN="1.00")
    contract = contract_of(
        catalog,
        {"PLAN": 1, "API": 0},
        id="W",
        start=start,
        end=YEAR.after(start) - timedelta(days=1),
        billing=BillingSettings(frequency=frequency),
        meters={"API": METER},
    )
    events = [
        UsageEvent(
            id=f"u{n}",
            customer="ACME",
            metric="api",
            at=datetime.combine(start + timedelta(days=day), time(), tzinfo=UTC),
            quantity=quantity,
        )
        for n, (day, quantity) in enumerate(uses)
    ]
    window_end = YEAR.after(start)
    throughs = sorted({start + timedelta(days=d) for d in splits} | {window_end})
    runs = chain(contract, throughs, events, None)
    billed = [line for run in runs for line in run.lines if line.kind is LineKind.USAGE]
    window = contract.subscriptions[1].period
    at_once = rate_usage(events, UsageCharge(METER, API_TIERS), window, customers=["ACME"])
    assert sum(line.amount.amount for line in billed) == at_once.lines[0].amount.amount
    assert sum(line.quantity for line in billed) == at_once.lines[0].quantity
