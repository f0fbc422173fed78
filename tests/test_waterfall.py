"""The price waterfall: the order of the steps, each step's arithmetic, and the engine's fast
path against the public pricing API and a slow step-by-step reference.

Known answers cite their source: the issue text, the anchors (``shared/anchors/cpq.md``) or a
hand computation written out in the comment.
"""

from __future__ import annotations

import decimal
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import (
    BOOK,
    CATALOG,
    PRODUCTS,
    RANGE,
    SLAB,
    START,
    one_line,
    percents,
    quote,
    quotes,
    usd,
)
from revcycle import errors
from revcycle._numbers import CTX, scale_exact
from revcycle.catalog import Catalog, ChargeKind, ContractedPrice, PriceBook, Product
from revcycle.dates import Duration, Period
from revcycle.money import Money, Percent
from revcycle.pricing import (
    Discount,
    DiscountSchedule,
    DiscountTier,
    PerUnit,
    ScheduleKind,
)
from revcycle.proration import ProrationMethod
from revcycle.quotes import (
    PricedLine,
    Quote,
    QuoteLine,
    StepName,
    WaterfallStep,
    price_quote,
)
from revcycle.serialization import dumps, loads
from revcycle.waterfall import waterfall_order


# --------------------------------------------------------------------------------------------
# Properties


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


# --------------------------------------------------------------------------------------------
# Known answers, step by step


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


# --------------------------------------------------------------------------------------------
# The engine's fast path against the public pricing API and a slow reference


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


# --------------------------------------------------------------------------------------------
# The uplift step (DESIGN §4.3: a renewal line's steps; a priced line holds uplift at most
# once, after term)


def test_the_default_order_is_unchanged_by_the_uplift_step() -> None:
    assert StepName.UPLIFT.value == "uplift"
    assert [s.value for s in waterfall_order()] == [
        "list",
        "contracted",
        "volume",
        "term",
        "additional",
        "partner",
        "distributor",
    ]
    assert waterfall_order(uplift=True)[-1] is StepName.UPLIFT
    assert waterfall_order(additional_discount_last=True, uplift=True)[-2:] == (
        StepName.ADDITIONAL,
        StepName.UPLIFT,
    )


RENEWAL_ORDER = [
    StepName.LIST,
    StepName.CONTRACTED,
    StepName.VOLUME,
    StepName.ADDITIONAL,
    StepName.PARTNER,
    StepName.DISTRIBUTOR,
    StepName.TERM,
    StepName.UPLIFT,
]


def renewal_line(order: list[StepName]) -> PricedLine:
    """A renewal line as part 2 of issue 12 builds it: the list price now (1,250.00), the
    locked 1,080.00 a year, three years (× 3 = 3,240.00), then a 7 % uplift (3,466.80)."""
    prices = {
        StepName.LIST: "1250.00",
        StepName.CONTRACTED: "1080.00",
        StepName.VOLUME: "1080.00",
        StepName.ADDITIONAL: "1080.00",
        StepName.PARTNER: "1080.00",
        StepName.DISTRIBUTOR: "1080.00",
        StepName.TERM: "3240.00",
        StepName.UPLIFT: "3466.80",
    }
    return PricedLine(
        number=1,
        sku="PLATFORM-SEAT",
        name="Platform seat",
        charge_kind=ChargeKind.RECURRING,
        quantity=Decimal("105"),
        period=Period(date(2028, 1, 1), date(2031, 1, 1)),
        term_multiplier=Decimal(3),
        steps=[WaterfallStep(name, usd(prices[name]), "renewal") for name in order],
        net_total=usd("364014.00"),
        pricing_term=Duration(months=12),
    )


def test_a_priced_line_holds_a_renewal_lines_steps() -> None:
    line = renewal_line(RENEWAL_ORDER)
    # "after that step whatever the order": term comes after the discounts here.
    assert line.list_unit_price == usd("1250.00")
    assert line.regular_unit_price == usd("3240.00")
    assert line.customer_unit_price == usd("1080.00")
    assert line.partner_unit_price == usd("1080.00")
    assert line.net_unit_price == usd("3466.80")
    back = loads(dumps(line), PricedLine)
    assert back == line
    assert [step.name for step in back.steps] == RENEWAL_ORDER


@pytest.mark.parametrize(
    "order",
    [
        [*RENEWAL_ORDER[:6], StepName.UPLIFT, StepName.TERM],  # uplift before term
        [*RENEWAL_ORDER, StepName.UPLIFT],  # uplift twice
        RENEWAL_ORDER[1:],  # no list step
        [*RENEWAL_ORDER[:7], StepName.TERM],  # term twice, no uplift
    ],
)
def test_a_priced_line_refuses_steps_out_of_the_rule(order: list[StepName]) -> None:
    with pytest.raises(errors.ValidationError, match=r"uplift .*after term|after the term step"):
        renewal_line(order)


def test_a_step_name_is_text_or_a_step_name_only() -> None:
    # Found by the fuzz run (issue 16): a numpy array as a step's name escaped as numpy's own
    # ValueError ("truth value of an array ... is ambiguous") from comparing it with each name.
    import numpy as np

    from revcycle import Money
    from revcycle.errors import ValidationError

    with pytest.raises(ValidationError, match="A waterfall step name must be one of"):
        WaterfallStep(np.array([1, 2]), Money("1.00", "USD"), "why")  # type: ignore[arg-type]
    assert WaterfallStep("term", Money("1.00", "USD"), "why").name is StepName.TERM
