"""Quotes: the price waterfall, totals, approvals, JSON, CLI and demo.

Known answers cite their source: the issue text, the anchors (``shared/anchors/cpq.md``) or a
hand computation written out in the comment.
"""

from __future__ import annotations

import decimal
import io
import json
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from helpers import BOOK, CATALOG, PRODUCTS, RANGE, SLAB, START, one_line, quote, usd
from revcycle import errors, samples
from revcycle._numbers import CTX, scale_exact
from revcycle.catalog import Catalog, ChargeKind, ContractedPrice, PriceBook, Product
from revcycle.cli import main
from revcycle.dates import Duration, Period
from revcycle.money import Money, Percent, Rounding, RoundingMode
from revcycle.pricing import (
    Discount,
    DiscountSchedule,
    DiscountTier,
    Flat,
    PerUnit,
    ScheduleKind,
)
from revcycle.proration import ProrationMethod
from revcycle.quotes import (
    Approval,
    ApprovalPolicy,
    DiscountAbove,
    MarginBelow,
    PricedLine,
    PricedQuote,
    Quote,
    QuoteLine,
    StepName,
    TotalAbove,
    WaterfallStep,
    price_quote,
)
from revcycle.serialization import dumps, loads, structure, unstructure
from revcycle.waterfall import waterfall_order


# --------------------------------------------------------------------------------------------
# Strategies


SKUS = [p.sku for p in PRODUCTS]
percents = st.decimals(min_value=0, max_value=100, places=2).map(Percent)
channel_percents = st.decimals(min_value=0, max_value=50, places=2).map(Percent)


@st.composite
def lines(draw: st.DrawFn, period: Period) -> QuoteLine:
    sku = draw(st.sampled_from(SKUS))
    quantity = draw(st.decimals(min_value=0, max_value=500, places=draw(st.integers(0, 2))))
    kind = draw(st.sampled_from(["none", "percent", "amount", "unit_price", "total"]))
    discount: Discount | None = None
    if kind == "percent":
        discount = Discount.percent(draw(percents))
    elif kind == "amount" and sku == "SEAT":
        # SEAT is at least 80.00 a year after volume: 80 / 366 > 0.21 for one day, and still
        # above 0.05 after partner and distributor discounts of at most 50 % each.
        discount = Discount.amount(usd(str(draw(st.decimals(0, "0.05", places=2)))))
    elif kind == "unit_price":
        discount = Discount.unit_price(usd(str(draw(st.decimals(0, 1000, places=4)))))
    elif kind == "total" and quantity > 0:
        discount = Discount.total(usd(str(draw(st.decimals(0, 10_000, places=2)))))
    start = end = None
    if draw(st.booleans()):
        days = period.days
        first = draw(st.integers(0, days - 1))
        last = draw(st.integers(first, days - 1))
        start = period.start + timedelta(days=first)
        end = period.start + timedelta(days=last)
    return QuoteLine(sku, quantity, discount=discount, start_date=start, end_date=end)


@st.composite
def quotes(draw: st.DrawFn, percent_only: bool = False) -> Quote:
    start = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
    if draw(st.booleans()):
        term: Duration | None = Duration(months=draw(st.integers(1, 36)))
        end_date = None
        period = Period(start, term.after(start))
    else:
        term = None
        end_date = start + timedelta(days=draw(st.integers(0, 3 * 366)))
        period = Period.inclusive(start, end_date)
    drawn = draw(st.lists(lines(period), max_size=8))
    if percent_only:
        drawn = [
            line
            if line.discount is None or isinstance(line.discount.value, Percent)
            else line.with_discount(None)
            for line in drawn
        ]
    return Quote(
        "ACME",
        "USD",
        "Standard",
        start,
        drawn,
        term=term,
        end_date=end_date,
        proration_method=draw(
            st.sampled_from(
                [
                    ProrationMethod.MONTHLY_DAILY,
                    ProrationMethod.CALENDAR_MONTHLY_DAILY,
                    ProrationMethod.MONTHLY_ROUND_UP,
                    ProrationMethod.DAILY,
                    ProrationMethod.THIRTY_360,
                ]
            )
        ),
        partner_discount=draw(st.none() | channel_percents),
        distributor_discount=draw(st.none() | channel_percents),
        additional_discount_last=draw(st.booleans()),
        partner_discount_first=draw(st.booleans()),
        approval_policy=ApprovalPolicy(
            [
                DiscountAbove(Percent("20"), "manager"),
                MarginBelow(Percent("40"), "finance"),
                TotalAbove(usd("50000"), "cfo"),
            ]
        ),
    )


# --------------------------------------------------------------------------------------------
# Properties


@given(quotes())
def test_totals_are_sums_of_rounded_line_totals(q: Quote) -> None:
    priced = price_quote(q, CATALOG)
    by_kind = {kind: usd("0") for kind in ChargeKind}
    for line in priced.lines:
        assert line.net_total == line.net_total.round()
        by_kind[line.charge_kind] += line.net_total
    assert priced.one_time_total == by_kind[ChargeKind.ONE_TIME]
    assert priced.recurring_total == by_kind[ChargeKind.RECURRING]
    assert priced.usage_total == by_kind[ChargeKind.USAGE]
    assert priced.tcv == priced.one_time_total + priced.recurring_total
    # MRR and ARR are the recurring total over the term's months, each rounded once (within
    # half a cent; term_months is a 50-digit Decimal, hence the tiny slack).
    monthly = Fraction(priced.recurring_total.amount) / Fraction(priced.term_months)
    half_cent = Fraction(1, 200) + Fraction(1, 10**20)
    assert abs(Fraction(priced.mrr.amount) - monthly) <= half_cent
    assert abs(Fraction(priced.arr.amount) - 12 * monthly) <= half_cent


@given(quotes())
def test_every_step_is_recorded_and_the_last_is_the_net_price(q: Quote) -> None:
    priced = price_quote(q, CATALOG)
    order = waterfall_order(
        additional_discount_last=q.additional_discount_last,
        partner_discount_first=q.partner_discount_first,
    )
    assert len(priced.lines) == len(q.lines)
    for line in priced.lines:
        assert tuple(step.name for step in line.steps) == order
        assert all(step.reason for step in line.steps)
        assert line.steps[-1].unit_price == line.net_unit_price
        by_name = {step.name: step.unit_price for step in line.steps}
        assert line.list_unit_price == by_name[StepName.LIST]
        assert line.regular_unit_price == by_name[StepName.TERM]
        assert line.customer_unit_price == by_name[StepName.ADDITIONAL]
        assert line.partner_unit_price == by_name[StepName.PARTNER]
        assert line.net_total == (line.net_unit_price * line.quantity).round()
        assert all(not step.unit_price.is_negative() for step in line.steps)


@given(quotes(percent_only=True))
def test_percent_discounts_chain_multiplicatively_in_any_order(q: Quote) -> None:
    # cpq.md §2.1: Net = List × PM × (1 − vol) × (1 − add) × (1 − partner) × (1 − dist).
    # With percent-only discounts the two re-orderings change nothing.
    priced = price_quote(q, CATALOG)
    plain_order = price_quote(
        Quote(
            q.account,
            q.currency,
            q.price_book,
            q.start_date,
            q.lines,
            term=q.term,
            end_date=q.end_date,
            proration_method=q.proration_method,
            partner_discount=q.partner_discount,
            distributor_discount=q.distributor_discount,
        ),
        CATALOG,
    )
    for line, reference in zip(priced.lines, plain_order.lines, strict=True):
        expected = (
            by_step(line, StepName.CONTRACTED)
            * Fraction(line.term_multiplier)
            * ratio(line.steps, StepName.VOLUME)
            * ratio(line.steps, StepName.ADDITIONAL)
            * complement(q.partner_discount)
            * complement(q.distributor_discount)
        )
        assert abs(Fraction(line.net_unit_price.amount) - expected) < Fraction(1, 10**30)
        assert abs(line.net_unit_price.amount - reference.net_unit_price.amount) < Decimal("1e-30")


def by_step(line: PricedLine, name: StepName) -> Fraction:
    """The price a step would give without the partner discount in front of it."""
    index = next(i for i, s in enumerate(line.steps) if s.name is name)
    return Fraction(line.steps[index].unit_price.amount)


def ratio(steps: tuple[WaterfallStep, ...], name: StepName) -> Fraction:
    index = next(i for i, s in enumerate(steps) if s.name is name)
    before = Fraction(steps[index - 1].unit_price.amount)
    after = Fraction(steps[index].unit_price.amount)
    return after / before if before else Fraction(1)


def complement(percent: Percent | None) -> Fraction:
    return Fraction(1) if percent is None else 1 - Fraction(percent.value) / 100


@given(quotes())
def test_json_round_trips_keep_every_step(q: Quote) -> None:
    priced = price_quote(q, CATALOG)
    assert loads(dumps(q), Quote) == q
    back = loads(dumps(priced), PricedQuote)
    assert back == priced
    assert [line.steps for line in back.lines] == [line.steps for line in priced.lines]
    assert structure(unstructure(priced), PricedQuote) == priced


junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=True),
    st.text(max_size=5),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.just(usd("-1")),
    st.just(Percent("150")),
    st.just(Duration(days=1)),
    st.lists(st.integers(), max_size=2),
)


@given(
    st.fixed_dictionaries(
        {},
        optional={
            "account": junk,
            "currency": junk,
            "price_book": junk,
            "start_date": junk,
            "lines": junk,
            "term": junk,
            "end_date": junk,
            "proration_method": junk,
            "partner_discount": junk,
            "distributor_discount": junk,
            "additional_discount_last": junk,
            "approval_policy": junk,
            "payment_terms": junk,
        },
    ),
    st.fixed_dictionaries(
        {},
        optional={
            "sku": junk | st.sampled_from(["SEAT", "NOPE"]),
            "quantity": junk,
            "discount": junk,
            "start_date": junk,
            "end_date": junk,
        },
    ),
)
def test_bad_input_raises_only_revcycle_errors(
    quote_fields: dict[str, Any], line_fields: dict[str, Any]
) -> None:
    line_args = {"sku": "SEAT", "quantity": 1, **line_fields}
    try:
        line = QuoteLine(**line_args)
        fields = {
            "account": "ACME",
            "currency": "USD",
            "price_book": "Standard",
            "start_date": START,
            "lines": [line],
            "term": Duration(months=12),
            **quote_fields,
        }
        price_quote(Quote(**fields), CATALOG)
    except errors.RevcycleError:
        pass


@given(st.one_of(junk, st.just(quote(QuoteLine("NOPE", 1)))), st.one_of(junk, st.just(CATALOG)))
def test_price_quote_refuses_wrong_arguments_with_revcycle_errors(q: Any, catalog: Any) -> None:
    with pytest.raises(errors.RevcycleError):
        price_quote(q, catalog)


# --------------------------------------------------------------------------------------------
# Known answers


def test_the_issue_example() -> None:
    # Issue 3: 10 at list 100.00, 24-month term on a 12-month price, 10 % volume, 15 %
    # additional, 5 % partner: regular 100 × 0.9 × 2 = 180.00, customer 180 × 0.85 = 153.00,
    # net 153 × 0.95 = 145.35, total 145.35 × 10 = 1,453.50.
    priced = price_quote(
        quote(
            QuoteLine("SEAT", 10, discount=Discount.percent("15")),
            term=Duration(months=24),
            partner_discount=Percent("5"),
        ),
        CATALOG,
    )
    line = priced.lines[0]
    assert line.list_unit_price == usd("100.00")
    assert line.regular_unit_price == usd("180.00")
    assert line.customer_unit_price == usd("153.00")
    assert line.partner_unit_price == usd("145.35")
    assert line.net_unit_price == usd("145.35")
    assert line.net_total == usd("1453.50")
    assert line.term_multiplier == 2
    assert [s.name.value for s in line.steps] == [
        "list",
        "contracted",
        "volume",
        "term",
        "additional",
        "partner",
        "distributor",
    ]
    assert [str(s.unit_price.amount) for s in line.steps][-1].startswith("145.35")
    assert priced.tcv == usd("1453.50")
    # MRR = 1,453.50 ÷ 24 = 60.5625 → 60.56; ARR = 12 × 60.5625 = 726.75.
    assert (priced.mrr, priced.arr) == (usd("60.56"), usd("726.75"))


@pytest.mark.parametrize(
    ("term", "end_date", "method", "multiplier"),
    [
        # docs/explanation/term-multiplier.md: an annual price over an 18-month term is × 1.5.
        (Duration(months=18), None, ProrationMethod.MONTHLY_DAILY, Fraction(3, 2)),
        # cpq.md §4: a "one-year" quote written Jan 1 to Dec 31 (inclusive) is one term, not 13
        # months as Jan 1 to Jan 1 would be.
        (None, date(2025, 12, 31), ProrationMethod.MONTHLY_DAILY, Fraction(1)),
        # cpq.md §2.5 Monthly + Daily: 12 months + 15 leftover days × 12/365 = 12 + 36/73
        # months, ÷ 12 = 76/73.
        (None, date(2026, 1, 15), ProrationMethod.MONTHLY_DAILY, Fraction(76, 73)),
        # cpq.md §2.5 Monthly (round up): a started month counts in full: 13 months ÷ 12.
        (None, date(2026, 1, 15), ProrationMethod.MONTHLY_ROUND_UP, Fraction(13, 12)),
    ],
)
def test_term_multiplier_from_the_line_span(
    term: Duration | None, end_date: date | None, method: ProrationMethod, multiplier: Fraction
) -> None:
    line = one_line(QuoteLine("SUPPORT", 1), term=term, end_date=end_date, proration_method=method)
    assert abs(Fraction(line.term_multiplier) - multiplier) < Fraction(1, 10**40)
    assert line.net_total == (usd("1200.00") * multiplier).round()


def test_amount_discount_is_not_scaled_by_the_term() -> None:
    # docs/explanation/price-waterfall.md / cpq.md §2.5: 100 × 2 (24 months) = 200 regular;
    # 10.00 off each unit for its whole term gives 190, not 200 − 2 × 10.
    line = one_line(
        QuoteLine("SEAT", 1, discount=Discount.amount(usd("10.00"))), term=Duration(months=24)
    )
    assert line.regular_unit_price == usd("200")
    assert line.net_unit_price == usd("190")


def test_target_unit_price_and_target_total_are_back_solved() -> None:
    # cpq.md §2.1 "Unit" and "Total" modes: the rep types the result; CPQ back-solves an amount.
    unit = one_line(QuoteLine("SEAT", 4, discount=Discount.unit_price(usd("75.00"))))
    assert unit.customer_unit_price == usd("75.00")
    assert "back-solved 25.00 USD off per unit" in unit.steps[4].reason
    # 1,000.00 over 3 units: 333.33... per unit, and the rounded total is the target again.
    total = one_line(QuoteLine("SEAT", 3, discount=Discount.total(usd("1000.00"))))
    assert total.net_total == usd("1000.00")
    assert abs(Fraction(total.net_unit_price.amount) - Fraction(1000, 3)) < Fraction(1, 10**40)


def test_additional_discount_last_and_partner_first() -> None:
    # Hand computation, list 100 (1 seat, no volume tier), 10 % partner, 10.00 amount discount:
    # default: (100 − 10) × 0.9 = 81; additional last: 100 × 0.9 − 10 = 80.
    line = QuoteLine("SEAT", 1, discount=Discount.amount(usd("10.00")))
    default = one_line(line, partner_discount=Percent("10"))
    last = one_line(line, partner_discount=Percent("10"), additional_discount_last=True)
    assert default.net_unit_price == usd("81")
    assert last.net_unit_price == usd("80")
    # "customer" is the price after the additional step whatever the order
    # (docs/explanation/price-waterfall.md).
    assert last.customer_unit_price == last.net_unit_price == usd("80")
    assert last.partner_unit_price == usd("90")
    assert [s.name for s in last.steps][-1] is StepName.ADDITIONAL
    first = one_line(line, partner_discount=Percent("10"), partner_discount_first=True)
    assert [s.name.value for s in first.steps][:3] == ["list", "contracted", "partner"]
    assert first.net_unit_price == usd("80")


def test_contracted_price_replaces_list_within_its_validity() -> None:
    # cpq.md §2.1 step 3: a contracted price replaces the list price (Special Price).
    catalog = Catalog(
        PRODUCTS,
        [BOOK],
        contracted_prices=[
            ContractedPrice(
                "ACME", "SEAT", price=usd("80.00"), period=Period(START, date(2025, 7, 1))
            ),
            ContractedPrice("ACME", "SUPPORT", discount=Percent("25")),
        ],
    )
    priced = price_quote(
        quote(
            QuoteLine("SEAT", 1),
            QuoteLine("SEAT", 1, start_date=date(2025, 7, 1)),
            QuoteLine("SUPPORT", 1),
        ),
        catalog,
    )
    inside, outside, support = priced.lines
    assert inside.steps[1].unit_price == usd("80.00")
    assert "contracted price 80.00 USD" in inside.steps[1].reason
    assert outside.steps[1].unit_price == usd("100.00")
    assert "no contracted price" in outside.steps[1].reason
    assert support.steps[1].unit_price == usd("900")


def test_contracted_price_in_another_currency_is_refused() -> None:
    catalog = Catalog(
        PRODUCTS,
        [BOOK],
        contracted_prices=[ContractedPrice("ACME", "SEAT", price=Money("80", "EUR"))],
    )
    with pytest.raises(errors.CurrencyMismatchError, match="Line 1 \\(SEAT\\)"):
        price_quote(quote(QuoteLine("SEAT", 1)), catalog)


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        # cpq.md §2.2 boundaries, written with inclusive up_to 9 / 19 / none: q = 9 gets no
        # discount, q = 10 the 10 % tier, q = 50 the 20 % tier (Range: every unit).
        (9, "100.00"),
        (10, "90.00"),
        (50, "80.00"),
    ],
)
def test_range_schedule_discounts_every_unit(quantity: int, expected: str) -> None:
    line = one_line(QuoteLine("SEAT", quantity))
    assert line.steps[2].unit_price == usd(expected)


def test_slab_schedule_blends_the_discount() -> None:
    # LIC: volume price at 30 units is 6.00; slab: 20 units at 0 %, 10 at 5 % (0.30 off):
    # blended 10 × 0.30 / 30 = 0.10 off per unit → 5.90; 1-year term → × 1.
    line = one_line(QuoteLine("LIC", 30))
    assert line.list_unit_price == usd("6.00")
    assert line.steps[2].unit_price == usd("5.90")
    assert "slab discount schedule" in line.steps[2].reason
    assert line.net_total == usd("177.00")


def test_aggregating_schedule_sums_the_quote() -> None:
    # cpq.md §2.2 Aggregation Scope = Quote: 5 + 6 seats pick the tier of 11 (10 %).
    schedule = DiscountSchedule(ScheduleKind.RANGE, RANGE.tiers, aggregate=True)
    seat = Product("SEAT", "Seat", ChargeKind.RECURRING, Duration(months=12))
    catalog = Catalog(
        [Product(**{**_fields(seat), "discount_schedule": schedule})],
        [PriceBook("Standard", "USD", prices={"SEAT": PerUnit(usd("100"))})],
    )
    priced = price_quote(quote(QuoteLine("SEAT", 5), QuoteLine("SEAT", 6)), catalog)
    assert [line.steps[2].unit_price for line in priced.lines] == [usd("90"), usd("90")]
    assert "total quantity 11" in priced.lines[0].steps[2].reason


def _fields(product: Product) -> dict[str, Any]:
    return {
        "sku": product.sku,
        "name": product.name,
        "charge_kind": product.charge_kind,
        "pricing_term": product.pricing_term,
    }


def test_one_time_recurring_and_usage_totals() -> None:
    # Hand computation over 12 months: SUPPORT 1,200.00 recurring; ONBOARD 5,000.00 one-time;
    # API 6 units graduated 5 × 7.00 + 1 × 6.50 = 41.50 usage (shown, not in TCV).
    priced = price_quote(
        quote(QuoteLine("SUPPORT", 1), QuoteLine("ONBOARD", 1), QuoteLine("API", 6)), CATALOG
    )
    assert priced.recurring_total == usd("1200.00")
    assert priced.one_time_total == usd("5000.00")
    assert priced.usage_total == usd("41.50")
    assert priced.tcv == usd("6200.00")
    # MRR = 1,200 ÷ 12 = 100.00; ARR = 1,200.00.
    assert (priced.mrr, priced.arr) == (usd("100.00"), usd("1200.00"))
    assert priced.lines[1].term_multiplier == 1
    assert priced.lines[2].steps[3].reason == "× 1: usage is priced per unit used"


def test_arr_is_twelve_times_the_exact_mrr() -> None:
    # 10,000.00 a year: MRR 833.333... shows 833.33, but ARR is 10,000.00, not 9,999.96.
    catalog = Catalog(
        [Product("P", "P", ChargeKind.RECURRING, Duration(months=12))],
        [PriceBook("Standard", "USD", prices={"P": Flat(usd("10000"))})],
    )
    priced = price_quote(quote(QuoteLine("P", 1)), catalog)
    assert (priced.mrr, priced.arr) == (usd("833.33"), usd("10000.00"))


def test_ramp_lines_price_their_own_span() -> None:
    # A 24-month quote ramping 10 seats in year one to 20 in year two (10 % volume tier):
    # 10 × 90 + 20 × 90 = 2,700.00, each line × 1 (its own 12 months).
    priced = price_quote(
        quote(
            QuoteLine("SEAT", 10, end_date=date(2025, 12, 31)),
            QuoteLine("SEAT", 20, start_date=date(2026, 1, 1)),
            term=Duration(months=24),
        ),
        CATALOG,
    )
    assert [line.term_multiplier for line in priced.lines] == [1, 1]
    assert priced.recurring_total == usd("2700.00")
    # MRR averages the ramp over the 24-month term: 2,700 ÷ 24 = 112.50.
    assert priced.mrr == usd("112.50")


def test_lines_outside_the_quote_term_are_refused() -> None:
    with pytest.raises(errors.ValidationError, match="outside the quote term"):
        quote(QuoteLine("SEAT", 1, end_date=date(2026, 1, 1)))


def test_rounding_is_once_per_line_at_the_minor_unit() -> None:
    # 3 units at a target total of 100.00: 33.333... × 3 = 99.999...9, half-up → 100.00.
    line = one_line(QuoteLine("SEAT", 3, discount=Discount.total(usd("100.00"))))
    assert line.net_total == usd("100.00")
    # JPY has no minor unit: 3 × 333.5 = 1000.5 → 1001 (half-up).
    catalog = Catalog(
        [Product("P", "P", ChargeKind.ONE_TIME, None)],
        [PriceBook("JP", "JPY", prices={"P": PerUnit(Money("333.5", "JPY"))})],
    )
    priced = price_quote(
        Quote("ACME", "JPY", "JP", START, [QuoteLine("P", 3)], term=Duration(months=1)), catalog
    )
    assert priced.lines[0].net_total == Money("1001", "JPY")
    down = price_quote(
        Quote(
            "ACME",
            "JPY",
            "JP",
            START,
            [QuoteLine("P", 3)],
            term=Duration(months=1),
            rounding=Rounding(RoundingMode.DOWN),
        ),
        catalog,
    )
    assert down.lines[0].net_total == Money("1000", "JPY")


def test_approvals_name_the_rule_and_the_reason() -> None:
    policy = ApprovalPolicy(
        [
            DiscountAbove(Percent("20"), "sales manager"),
            MarginBelow(Percent("40"), "finance"),
            TotalAbove(usd("2000"), "cfo"),
        ]
    )
    priced = price_quote(
        quote(
            # Effective discount 1 − 153 × 0.95 / 200 = 27.3 %; margin (145.35 − 60) / 145.35
            # = 58.7 % (cost 30 a year × 2).
            QuoteLine("SEAT", 10, discount=Discount.percent("15")),
            # Onboarding: cost 2,500, net 4,000 × 0.95 = 3,800 → margin 34.2 % < 40 %.
            QuoteLine("ONBOARD", 1, discount=Discount.unit_price(usd("4000"))),
            term=Duration(months=24),
            partner_discount=Percent("5"),
            approval_policy=policy,
        ),
        CATALOG,
    )
    assert priced.approvals == (
        Approval(
            level="sales manager",
            rule="discount_above",
            line=1,
            reason="line 1 (SEAT) has an effective discount of 27.33% off its prorated list "
            "price, above the 20% limit",
        ),
        Approval(
            level="sales manager",
            rule="discount_above",
            line=2,
            reason="line 2 (ONBOARD) has an effective discount of 24% off its prorated list "
            "price, above the 20% limit",
        ),
        Approval(
            level="finance",
            rule="margin_below",
            line=2,
            reason="line 2 (ONBOARD): net unit price 3800.00 USD over a unit cost of "
            "2500.00 USD gives a margin of 34.21%, below the minimum 40%",
        ),
        Approval(
            level="cfo",
            rule="total_above",
            reason="the quote's net total (TCV) 5253.50 USD is above 2000.00 USD",
        ),
    )
    assert priced.approval_levels == ("sales manager", "finance", "cfo")
    assert priced.needs_approval


def test_margin_rule_flags_a_cost_in_another_currency() -> None:
    catalog = Catalog(
        [Product("P", "P", ChargeKind.ONE_TIME, None, cost=Money("1", "EUR"))],
        [PriceBook("Standard", "USD", prices={"P": PerUnit(usd("10"))})],
    )
    policy = ApprovalPolicy([MarginBelow(Percent("10"), "finance")])
    priced = price_quote(quote(QuoteLine("P", 1), approval_policy=policy), catalog)
    assert "cannot be checked" in priced.approvals[0].reason


def test_total_rule_in_another_currency_is_refused() -> None:
    policy = ApprovalPolicy([TotalAbove(Money("1", "EUR"), "cfo")])
    with pytest.raises(errors.CurrencyMismatchError):
        price_quote(quote(QuoteLine("SEAT", 1), approval_policy=policy), CATALOG)


@pytest.mark.parametrize(
    ("line", "error", "message"),
    [
        (QuoteLine("NOPE", 1), errors.UnknownCodeError, "Unknown sku 'NOPE'"),
        (
            QuoteLine("SEAT", 1, discount=Discount.amount(usd("150"))),
            errors.ValidationError,
            "more than the unit price",
        ),
        (
            QuoteLine("SEAT", 0, discount=Discount.total(usd("10"))),
            errors.ValidationError,
            "zero quantity",
        ),
        (
            QuoteLine("SEAT", 1, discount=Discount.amount(Money("1", "EUR"))),
            errors.CurrencyMismatchError,
            "not in the quote currency USD",
        ),
    ],
)
def test_lines_that_cannot_be_priced(line: QuoteLine, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        price_quote(quote(line), CATALOG)


def test_missing_price_book_edition_is_named() -> None:
    with pytest.raises(errors.UnknownCodeError, match="no EUR edition; it exists in USD"):
        price_quote(Quote("ACME", "EUR", "Standard", START, [], term=Duration(months=1)), CATALOG)


def test_quote_needs_exactly_one_of_term_and_end_date() -> None:
    with pytest.raises(errors.ValidationError, match="exactly one of term"):
        Quote("ACME", "USD", "Standard", START, [])
    with pytest.raises(errors.ValidationError, match="exactly one of term"):
        Quote(
            "ACME", "USD", "Standard", START, [], term=Duration(months=1), end_date=date(2025, 2, 1)
        )
    with pytest.raises(errors.ValidationError, match="before it starts"):
        Quote("ACME", "USD", "Standard", START, [], end_date=date(2024, 12, 31))


def test_quote_and_line_changes_return_new_values() -> None:
    line = QuoteLine("SEAT", 1)
    assert line.with_quantity(5).quantity == 5
    assert line.with_discount(Discount.percent("5")).discount == Discount.percent("5")
    q = quote(line)
    assert q.add_line(line).lines == (line, line)
    assert q.with_lines([]).lines == ()
    assert q.lines == (line,)
    assert q.period == Period(START, date(2026, 1, 1))
    assert q.last_day == date(2025, 12, 31)


def test_float_quantity_is_refused() -> None:
    with pytest.raises(errors.FloatNotAllowedError):
        QuoteLine("SEAT", 1.5)


# --------------------------------------------------------------------------------------------
# Explanations, notebooks, JSON, CLI, demo


def sample() -> tuple[Quote, Catalog]:
    return loads(samples.read_text("quote.json"), Quote), loads(
        samples.read_text("catalog.json"), Catalog
    )


def test_explain_shows_every_step_and_the_totals() -> None:
    q, catalog = sample()
    text = price_quote(q, catalog).explain()
    assert "Line 1: 10 × SEAT (Platform seat)" in text
    assert "× 2 = (24 whole months" in text
    assert "TCV        18933.50 USD" in text
    assert "usage      1140.00 USD" in text
    assert "cfo: the quote's net total (TCV)" in text


def test_records_html_and_pandas() -> None:
    q, catalog = sample()
    priced = price_quote(q, catalog)
    records = priced.to_records()
    assert records[0]["net_total"] == "1453.50"
    assert all(isinstance(v, str | int) for r in records for v in r.values())
    html = priced._repr_html_()
    assert "<table>" in html
    assert "SEAT" in html
    assert "<script" not in html
    frame = priced.to_pandas()
    assert list(frame["sku"]) == [line.sku for line in q.lines]


def test_html_is_escaped() -> None:
    priced = price_quote(
        Quote("<b>ACME</b>", "USD", "Standard", START, [], term=Duration(months=1)), CATALOG
    )
    assert "&lt;b&gt;ACME&lt;/b&gt;" in priced._repr_html_()


def test_approval_rules_travel_with_a_type_tag() -> None:
    policy = ApprovalPolicy([DiscountAbove(Percent("20"), "m"), TotalAbove(usd("5"), "c")])
    data = json.loads(dumps(policy))
    assert [rule["type"] for rule in data["rules"]] == ["discount_above", "total_above"]
    assert loads(dumps(policy), ApprovalPolicy) == policy


def test_priced_line_json_is_checked() -> None:
    q, catalog = sample()
    data = unstructure(price_quote(q, catalog))
    data["lines"][0]["steps"] = data["lines"][0]["steps"][:3]
    with pytest.raises(errors.StructureError, match="each waterfall step exactly once"):
        structure(data, PricedQuote)


def test_cli_price_json(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["price", samples.path("quote.json"), "--catalog", samples.path("catalog.json")])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["tcv"] == {"amount": "18933.50", "currency": "USD"}
    assert [s["name"] for s in data["lines"][0]["steps"]][-1] == "distributor"
    assert data["schema_version"] == 1


def test_cli_price_table_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["price", samples.path("quote.json"), "--catalog", samples.path("catalog.json")]
    assert main([*args, "--format", "table"]) == 0
    out = capsys.readouterr().out
    assert "1453.50" in out
    assert "Approvals needed" in out
    assert main([*args, "--explain"]) == 0
    assert "15% additional discount" in capsys.readouterr().out


def test_cli_price_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "quote.json"
    bad.write_text(json.dumps({**json.loads(samples.read_text("quote.json")), "price_book": "X"}))
    assert main(["price", str(bad), "--catalog", samples.path("catalog.json")]) == 1
    assert "Unknown price book 'X'" in capsys.readouterr().err
    assert main(["price", "-", "--catalog", "-"]) == 1


def test_demo_section_renders() -> None:
    from revcycle._demo import s30_quote

    buffer = io.StringIO()
    s30_quote.run(Console(file=buffer, width=100))
    text = buffer.getvalue()
    assert "Waterfall of line 1 (SEAT)" in text
    assert "Platinum (wanted) versus bronze (needed?)" in text


def test_evaluate_checks_a_priced_quote_against_another_policy() -> None:
    from revcycle.approvals import evaluate

    priced = price_quote(quote(QuoteLine("SEAT", 10)), CATALOG)
    assert priced.approvals == ()
    assert not priced.needs_approval
    # 10 seats: 10 % volume discount (hand computation), above a 5 % limit.
    found = evaluate(ApprovalPolicy([DiscountAbove(Percent("5"), "manager")]), priced, CATALOG)
    assert [(a.level, a.line) for a in found] == [("manager", 1)]


def test_quote_with_rounding_and_name_round_trips() -> None:
    q = quote(QuoteLine("SEAT", 1), rounding=Rounding(RoundingMode.HALF_EVEN, 4), name="Q-1")
    assert loads(dumps(q), Quote) == q
    assert json.loads(dumps(q))["rounding"] == {"mode": "half_even", "places": 4}


@given(
    st.decimals(min_value=0, max_value=10_000, places=6),
    st.decimals(min_value=0, max_value=300, places=2),
    st.sampled_from(
        [
            RANGE,
            SLAB,
            DiscountSchedule(
                ScheduleKind.RANGE,
                [
                    DiscountTier(Decimal("5"), amount=usd("0.01")),
                    DiscountTier(Decimal("50"), amount=usd("0.02")),
                ],
            ),
        ]
    ),
    st.one_of(
        percents.map(Discount.percent),
        st.decimals(0, "0.01", places=2).map(lambda d: Discount.amount(usd(str(d)))),
        st.decimals(0, 100, places=2).map(lambda d: Discount.unit_price(usd(str(d)))),
        st.decimals(0, 100, places=2).map(lambda d: Discount.total(usd(str(d)))),
    ),
)
def test_engine_arithmetic_matches_the_pricing_module(
    unit: Decimal, quantity: Decimal, schedule: DiscountSchedule, discount: Discount
) -> None:
    # The engine writes the schedule and discount arithmetic out on raw Decimals for speed;
    # it must agree with DiscountSchedule.unit_price and Discount.apply.
    unit = max(unit, Decimal("0.02"))
    currency = usd("0").currency
    with decimal.localcontext(CTX):
        scheduled = schedule._plan().unit_price(unit, quantity, currency, 1, "X")
    assert scheduled == schedule.unit_price(Money(unit, "USD"), quantity).amount
    if discount.kind.value == "total" and quantity == 0:
        return
    with decimal.localcontext(CTX):
        discounted = discount._apply_in_context(unit, quantity, currency, 1, "X")
    assert discounted == discount.apply(Money(unit, "USD"), quantity).amount


# --------------------------------------------------------------------------------------------
# The engine's fast path against a slow reference built from the public API


def reference_waterfall(q: Quote, catalog: Catalog) -> list[dict[StepName, Fraction]]:
    """Each line's unit price after each step, recomputed one step at a time through the
    public pricing API (model.unit_price_at, DiscountSchedule.unit_price, Discount.apply,
    term_multiplier_detail), exactly in fractions."""
    from revcycle.proration import term_multiplier_detail

    order = waterfall_order(
        additional_discount_last=q.additional_discount_last,
        partner_discount_first=q.partner_discount_first,
    )
    summed: dict[str, Decimal] = {}
    for line in q.lines:
        summed[line.sku] = summed.get(line.sku, Decimal(0)) + line.quantity
    period = q.period
    result = []
    for line in q.lines:
        product = catalog.product(line.sku)
        model = catalog.price(q.price_book, q.currency, line.sku)
        start = line.start_date or period.start
        end = period.end if line.end_date is None else line.end_date + timedelta(days=1)
        # The list step shows a per-unit price as it is, even for a zero quantity.
        unit = (
            model.unit_price if isinstance(model, PerUnit) else model.unit_price_at(line.quantity)
        )
        after: dict[StepName, Fraction] = {StepName.LIST: Fraction(unit.amount)}
        for name in order[1:]:
            if name is StepName.CONTRACTED:
                contracted = catalog.contracted_price(q.account, line.sku, start)
                if contracted is not None and contracted.price is not None:
                    unit = contracted.price
                elif contracted is not None:
                    assert contracted.discount is not None
                    unit = unit * contracted.discount.complement()
            elif name is StepName.VOLUME and product.discount_schedule is not None:
                schedule = product.discount_schedule
                quantity = summed[line.sku] if schedule.aggregate else line.quantity
                unit = schedule.unit_price(unit, quantity)
            elif name is StepName.TERM and product.charge_kind is ChargeKind.RECURRING:
                assert product.pricing_term is not None
                detail = term_multiplier_detail(
                    start, end, product.pricing_term, q.proration_method
                )
                unit = Money(scale_exact(unit.amount, detail.exact), "USD")
            elif name is StepName.ADDITIONAL and line.discount is not None:
                unit = line.discount.apply(unit, line.quantity)
            elif name is StepName.PARTNER and q.partner_discount is not None:
                unit = unit * q.partner_discount.complement()
            elif name is StepName.DISTRIBUTOR and q.distributor_discount is not None:
                unit = unit * q.distributor_discount.complement()
            after[name] = Fraction(unit.amount)
        result.append(after)
    return result


@given(quotes())
def test_fast_path_agrees_with_a_step_by_step_reference(q: Quote) -> None:
    # The engine prices in one local context with Decimal operators and builds the steps
    # lazily; a slow reference through the public API must give the same unit prices (to far
    # below a millionth of a cent: DiscountSchedule.unit_price subtracts the discount where the
    # engine multiplies by its complement, so the 50th digit may differ) and the steps, once
    # built, must end at the net unit price the fast path recorded.
    priced = price_quote(q, CATALOG)
    for line, expected in zip(priced.lines, reference_waterfall(q, CATALOG), strict=True):
        net = line.net_unit_price
        assert line.steps[-1].unit_price == net
        for step in line.steps:
            assert abs(Fraction(step.unit_price.amount) - expected[step.name]) < Fraction(
                1, 10**20
            ), step
        assert line.net_total == (net * line.quantity).round(q.rounding)


@given(
    st.sampled_from(sorted(BOOK.prices)),
    st.one_of(
        st.decimals(min_value=0, max_value=10_000, places=0),
        st.decimals(min_value=0, max_value=10_000, places=4),
    ),
)
def test_engine_list_price_is_the_models_unit_price_at(sku: str, quantity: Decimal) -> None:
    # The engine writes each model's price out on the model's own tables; for every model
    # but per-unit (shown at the book price even for zero units) it is exactly unit_price_at.
    line = one_line(QuoteLine(sku, quantity))
    model = BOOK.prices[sku]
    if isinstance(model, PerUnit):
        assert line.list_unit_price == model.unit_price
    else:
        assert line.list_unit_price.amount == model.unit_price_at(quantity).amount


def test_price_quote_ignores_the_ambient_decimal_context() -> None:
    # docs/explanation/rounding-points.md: revcycle computes in its own context. A caller's
    # 3-digit, round-down context with no traps changes nothing, and it is the caller's context
    # again afterwards.
    q, catalog = sample()
    expected = dumps(price_quote(q, catalog))
    with decimal.localcontext() as ambient:
        ambient.prec = 3
        ambient.rounding = decimal.ROUND_DOWN
        ambient.traps[decimal.InvalidOperation] = False
        assert dumps(price_quote(q, catalog)) == expected
        assert decimal.getcontext() is ambient
        assert ambient.prec == 3


# --------------------------------------------------------------------------------------------
# Approvals exactly at a limit, error messages and the CLI's error paths


QUOTE_METHODS = [
    ProrationMethod.MONTHLY_DAILY,
    ProrationMethod.CALENDAR_MONTHLY_DAILY,
    ProrationMethod.MONTHLY_ROUND_UP,
    ProrationMethod.DAILY,
    ProrationMethod.THIRTY_360,
]


@given(
    st.dates(min_value=START, max_value=date(2027, 12, 31)),
    st.sampled_from(QUOTE_METHODS),
    percents,
    st.none() | channel_percents,
    st.none() | channel_percents,
)
def test_effective_discount_is_the_exact_compound_of_the_percents(
    last_day: date,
    method: ProrationMethod,
    additional: Percent,
    partner: Percent | None,
    distributor: Percent | None,
) -> None:
    # cpq.md §2.1: percents compound, so 1 − (1 − a)(1 − p)(1 − d) off the prorated list
    # price, whatever the term. The 50-digit arithmetic must not leave a last-digit residue
    # (20 % over a 199/360 term once came out as 20.000…001 % and tripped a 20 % limit).
    priced = price_quote(
        quote(
            QuoteLine("SUPPORT", 1, discount=Discount.percent(additional)),
            end_date=last_day,
            proration_method=method,
            partner_discount=partner,
            distributor_discount=distributor,
        ),
        CATALOG,
    )
    remaining = Decimal(100) - additional.value
    for channel in (partner, distributor):
        if channel is not None:
            remaining = remaining * (Decimal(100) - channel.value) / Decimal(100)
    expected = Decimal(100) - remaining
    line = priced.lines[0]
    assert line.effective_discount == Percent(expected)
    policy = ApprovalPolicy([DiscountAbove(Percent(expected), "manager")])
    assert evaluate_policy(policy, priced) == ()


def evaluate_policy(policy: ApprovalPolicy, priced: PricedQuote) -> tuple[Approval, ...]:
    from revcycle.approvals import evaluate

    return evaluate(policy, priced, CATALOG)


def test_a_discount_exactly_at_the_limit_needs_no_approval() -> None:
    # Hand computation: 1 seat (no volume tier), 20 % off, over 2025-01-01..2025-07-19 with
    # THIRTY_360: 199/360 of a year. The effective discount is 20 % exactly, not above 20 %.
    priced = price_quote(
        quote(
            QuoteLine("SEAT", 1, discount=Discount.percent("20")),
            end_date=date(2025, 7, 19),
            proration_method=ProrationMethod.THIRTY_360,
            approval_policy=ApprovalPolicy([DiscountAbove(Percent("20"), "manager")]),
        ),
        CATALOG,
    )
    line = priced.lines[0]
    assert Fraction(line.term_multiplier) != Fraction(199, 360)  # rounded to 50 digits
    assert line.effective_discount == Percent("20")
    assert str(line.effective_discount) == "20%"
    assert priced.approvals == ()


def test_a_price_exactly_at_the_margin_floor_needs_no_approval() -> None:
    # Hand computation: list 100.00, cost 48.00 a year, 20 % off: net 80 × m, cost 48 × m, a
    # margin of (80 − 48) ÷ 80 = 40 % for any term multiplier m; a 40 % minimum is met. Over
    # 2025-01-01..2025-07-19 (MONTHLY_DAILY: 6 months + 18 days × 12/365) it once came out a
    # hair below 40 % and asked finance to approve "a margin of 40%, below the minimum 40%".
    catalog = Catalog(
        [Product("P", "P", ChargeKind.RECURRING, Duration(months=12), cost=usd("48"))],
        [PriceBook("Standard", "USD", prices={"P": PerUnit(usd("100"))})],
    )
    policy = ApprovalPolicy([MarginBelow(Percent("40"), "finance")])
    for method in QUOTE_METHODS:
        for last_day in (date(2025, 7, 19), date(2025, 11, 29), date(2026, 1, 15)):
            priced = price_quote(
                quote(
                    QuoteLine("P", 1, discount=Discount.percent("20")),
                    end_date=last_day,
                    proration_method=method,
                    approval_policy=policy,
                ),
                catalog,
            )
            assert priced.approvals == (), (method, last_day)
    # One cent under the floor still needs approval: 79.99 × m vs 48 × m, a 39.99 % margin.
    below = price_quote(
        quote(
            QuoteLine("P", 1, discount=Discount.percent("20.01")),
            end_date=date(2025, 7, 19),
            approval_policy=policy,
        ),
        catalog,
    )
    assert [a.rule for a in below.approvals] == ["margin_below"]
    assert "a margin of 39.99%" in below.approvals[0].reason


def test_a_pricing_term_the_method_cannot_count_names_the_line() -> None:
    catalog = Catalog(
        [Product("WEEKLY", "Weekly pass", ChargeKind.RECURRING, Duration(weeks=1))],
        [PriceBook("Standard", "USD", prices={"WEEKLY": PerUnit(usd("10"))})],
    )
    with pytest.raises(errors.ProrationError, match=r"^Line 1 \(WEEKLY\): the MONTHLY_DAILY"):
        price_quote(quote(QuoteLine("WEEKLY", 1)), catalog)
    # DAILY counts weeks: 2025-01-01..2025-12-31 is 52 weeks + 1 day of the next 7.
    daily = price_quote(
        quote(QuoteLine("WEEKLY", 1), proration_method=ProrationMethod.DAILY), catalog
    )
    assert abs(Fraction(daily.lines[0].term_multiplier) - Fraction(365, 7)) < Fraction(1, 10**40)


def test_a_target_total_in_another_currency_names_the_line() -> None:
    with pytest.raises(
        errors.CurrencyMismatchError, match="Line 1 \\(SEAT\\): a target line total"
    ):
        price_quote(
            quote(QuoteLine("SEAT", 1, discount=Discount.total(Money("1", "EUR")))), CATALOG
        )


def test_cli_price_reports_input_errors_on_stderr(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    catalog = samples.path("catalog.json")
    data = json.loads(samples.read_text("quote.json"))
    data["lines"][0]["sku"] = "NOPE"
    unknown = tmp_path / "unknown.json"
    unknown.write_text(json.dumps(data))
    broken = tmp_path / "broken.json"
    broken.write_text('{"account": ')
    cases = [
        ([str(unknown), "--catalog", catalog], "Unknown sku 'NOPE'"),
        ([str(broken), "--catalog", catalog], "Cannot read Quote: invalid JSON"),
        ([str(tmp_path / "missing.json"), "--catalog", catalog], "missing.json"),
        ([samples.path("quote.json"), "--catalog", str(broken)], "Cannot read Catalog"),
    ]
    for args, message in cases:
        assert main(["price", *args]) == 1
        captured = capsys.readouterr()
        assert captured.out == ""
        assert message in captured.err
        assert "Traceback" not in captured.err


@pytest.mark.parametrize(
    "args",
    [
        ["price", "quote.json"],  # --catalog is required
        ["price", "quote.json", "--catalog", "catalog.json", "--format", "xml"],
    ],
)
def test_cli_price_usage_errors_exit_2(args: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
