"""Quotes: pricing a quote, its totals, explanations, JSON, CLI and demo.

The waterfall's steps are tested in ``test_waterfall.py``, the approval rules in
``test_approvals.py``.

Known answers cite their source: the issue text, the anchors (``shared/anchors/cpq.md``) or a
hand computation written out in the comment.
"""

from __future__ import annotations

import copy
import decimal
import gc
import io
import json
import pickle
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from helpers import (
    CATALOG,
    START,
    one_line,
    quote,
    quotes,
    usd,
)
from revcycle import errors, samples
from revcycle.catalog import Catalog, ChargeKind, PriceBook, Product
from revcycle.cli import main
from revcycle.dates import Duration, Period
from revcycle.money import Money, Percent, Rounding, RoundingMode
from revcycle.pricing import (
    Discount,
    Flat,
    PerUnit,
)
from revcycle.proration import ProrationMethod
from revcycle.quotes import (
    PricedLine,
    PricedQuote,
    Quote,
    QuoteLine,
    price_quote,
)
from revcycle.serialization import dumps, loads, structure, unstructure
from revcycle.waterfall import WaterfallStep


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
def test_json_round_trips_keep_every_step(q: Quote) -> None:
    priced = price_quote(q, CATALOG)
    assert loads(dumps(q), Quote) == q
    back = loads(dumps(priced), PricedQuote)
    assert back == priced
    assert [line.steps for line in back.lines] == [line.steps for line in priced.lines]
    assert structure(unstructure(priced), PricedQuote) == priced


@given(quotes())
def test_a_priced_line_is_the_same_value_however_it_is_read(q: Quote) -> None:
    # An engine-built line keeps its numbers and builds its steps when they are read
    # (docs/explanation/price-waterfall.md): each read gives equal steps, none is kept on the
    # line, and a copy, a pickle or a line rebuilt from its public fields is equal to it.
    priced = price_quote(q, CATALOG)
    for line in priced.lines:
        steps = line.steps
        assert line.steps == steps
        assert not any(
            isinstance(held, tuple) and any(isinstance(item, WaterfallStep) for item in held)
            for held in gc.get_referents(line)
        )
        assert steps[-1].unit_price == line.net_unit_price
        assert line.net_total == (line.net_unit_price * line.quantity).round()
        assert line.currency == priced.currency
        rebuilt = PricedLine(
            number=line.number,
            sku=line.sku,
            name=line.name,
            charge_kind=line.charge_kind,
            quantity=line.quantity,
            period=line.period,
            term_multiplier=line.term_multiplier,
            steps=[WaterfallStep(s.name, s.unit_price, s.reason) for s in steps],
            net_total=line.net_total,
            pricing_term=line.pricing_term,
            model=line.model,
            discount=line.discount,
            locked_price=line.locked_price,
        )
        assert rebuilt == line
        assert hash(rebuilt) == hash(line)
        assert rebuilt.explain() == line.explain()
    assert pickle.loads(pickle.dumps(priced)) == priced
    assert copy.deepcopy(priced) == priced


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
        QuoteLine("SEAT", 1.5)  # type: ignore[arg-type]


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
    from revcycle.cli._demo import s30_quote

    buffer = io.StringIO()
    s30_quote.run(Console(file=buffer, width=100))
    text = buffer.getvalue()
    assert "Waterfall of line 1 (SEAT)" in text
    assert "Platinum (wanted) versus bronze (needed?)" in text


def test_quote_with_rounding_and_name_round_trips() -> None:
    q = quote(QuoteLine("SEAT", 1), rounding=Rounding(RoundingMode.HALF_EVEN, 4), name="Q-1")
    assert loads(dumps(q), Quote) == q
    assert json.loads(dumps(q))["rounding"] == {"mode": "half_even", "places": 4}


# --------------------------------------------------------------------------------------------
# The caller's decimal context


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
# Error messages and the CLI's error paths


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


# --------------------------------------------------------------------------------------------
# Issue 16, new-user item: every non-whole term multiplier printed "(≈ ≈1.833333)", and a
# one-month pricing term "÷ 1 months"


def test_a_non_whole_term_multiplier_reads_once_approximately() -> None:
    # 22 months of a 12-month price: × 11/6 (STORAGE is priced per month: ÷ 1 month).
    line = one_line(QuoteLine("SEAT", Decimal("1")), term=Duration(months=22))
    reason = line.steps[3].reason
    assert reason.startswith("× 11/6 (≈ 1.833333) = (22 whole months from 2025-01-01 to ")
    assert "≈ ≈" not in reason
    monthly = one_line(QuoteLine("STORAGE", Decimal("100")), term=Duration(months=1))
    assert monthly.steps[3].reason.endswith("÷ 1 month in the pricing term P1M, monthly_daily")
    half = one_line(QuoteLine("SEAT", Decimal("1")), term=Duration(months=18))
    assert half.steps[3].reason.startswith("× 3/2 (= 1.5) = (18 whole months")


def test_a_quote_ending_on_the_calendars_last_day_is_a_period_error() -> None:
    # Issue 16 item 7: OverflowError at year 9999.
    with pytest.raises(errors.PeriodError, match=r"9999-12-31.*supported calendar"):
        quote(QuoteLine("SEAT", Decimal("1")), end_date=date(9999, 12, 31))


# What a contract reads of a priced quote (issue 12): pricing term, model, discount, and the
# exact net unit price per pricing term


def test_a_priced_line_carries_its_pricing_term_model_and_discount() -> None:
    ten_off = Discount.percent(Percent("10"))
    priced = price_quote(
        quote(QuoteLine("SEAT", 5, discount=ten_off), QuoteLine("ONBOARD", 1), QuoteLine("API", 9)),
        CATALOG,
    )
    seat, onboard, api = priced.lines
    assert (seat.pricing_term, seat.model, seat.discount) == (
        Duration(months=12),
        CATALOG.price("Standard", "USD", "SEAT"),
        ten_off,
    )
    assert onboard.pricing_term is None  # one-time: no pricing term
    assert api.model == CATALOG.price("Standard", "USD", "API")
    assert loads(dumps(priced), PricedQuote).lines == priced.lines


YEARLY = Catalog(
    [Product("P", "Platform seat", ChargeKind.RECURRING, Duration(months=12))],
    [PriceBook("Standard", "USD", prices={"P": PerUnit(usd("1200.00"))})],
)


@pytest.mark.parametrize(
    ("last_day", "method"),
    [
        # 199 days: 6 whole months and 17 days under MONTHLY_DAILY, (6 + 17 × 12/365) ÷ 12.
        (date(2025, 7, 18), ProrationMethod.MONTHLY_DAILY),
        (date(2026, 6, 30), ProrationMethod.MONTHLY_DAILY),  # 18 months: × 3/2
        (date(2025, 7, 18), ProrationMethod.DAILY),
        (date(2025, 7, 18), ProrationMethod.CALENDAR_MONTHLY_DAILY),
        (date(2025, 7, 18), ProrationMethod.THIRTY_360),
    ],
)
def test_a_yearly_price_comes_back_exactly_per_year(
    last_day: date, method: ProrationMethod
) -> None:
    # DESIGN §4.3: 1,200 a year over any span is exactly 1,200 per pricing term; dividing the
    # 50-digit net unit price by the 50-digit multiplier would leave 1,199.99…9.
    q = Quote(
        "ACME",
        "USD",
        "Standard",
        START,
        [QuoteLine("P", 3)],
        end_date=last_day,
        proration_method=method,
    )
    priced = price_quote(q, YEARLY)
    assert priced.unit_prices_per_term() == (usd("1200"),)
    assert str(priced.unit_prices_per_term()[0].amount) == "1200"


def test_an_amount_discount_is_spread_over_the_original_term() -> None:
    # Three years at 1,200 a year is 3,600.00 a unit; 100.00 off each unit for its whole term
    # (not scaled) leaves 3,500.00, that is 3,500/3 = 1,166.66… a year; 5 % partner off after it.
    q = quote(
        QuoteLine("P", 2, discount=Discount.amount(usd("100"))),
        end_date=date(2027, 12, 31),
        partner_discount=Percent("5"),
    )
    exact = price_quote(q, YEARLY)._exact_unit_prices_per_term()
    assert exact == [Fraction(3500, 3) * Fraction(95, 100)]


def test_a_target_price_is_a_price_per_term() -> None:
    # A target line total of 5,000.00 over 2 units for 18 months: 2,500.00 a unit for the
    # span, 2,500 ÷ 3/2 = 5,000/3 a year.
    q = quote(QuoteLine("P", 2, discount=Discount.total(usd("5000"))), end_date=date(2026, 6, 30))
    assert price_quote(q, YEARLY)._exact_unit_prices_per_term() == [Fraction(5000, 3)]


@given(quotes())
def test_the_exact_price_per_term_agrees_with_the_engine(q: Quote) -> None:
    # The exact per-term price times the exact term multiplier is the engine's net unit price,
    # to the engine's 50 digits (its few roundings put it within 1e-45 of the exact value).
    priced = price_quote(q, CATALOG)
    exact = priced._exact_unit_prices_per_term()
    back = loads(dumps(priced), PricedQuote)
    assert back._exact_unit_prices_per_term() == exact
    for line, per_term, money in zip(
        priced.lines, exact, priced.unit_prices_per_term(), strict=True
    ):
        assert money.amount == decimal.Context(prec=50).divide(
            per_term.numerator, per_term.denominator
        )
        if line.charge_kind is not ChargeKind.RECURRING:
            assert money == line.net_unit_price
            continue
        multiplier = line._exact_multiplier(q.proration_method)
        if multiplier == 0:  # a span that counts no terms locks one whole term's price
            continue
        net = Fraction(line.net_unit_price.amount)
        assert abs(per_term * multiplier - net) <= max(abs(net), Fraction(1)) * Fraction(1, 10**45)


def test_a_priced_line_edited_by_hand_is_refused() -> None:
    priced = price_quote(quote(QuoteLine("P", 2, discount=Discount.percent("10"))), YEARLY)
    data = unstructure(priced)
    data["lines"][0]["discount"]["value"] = "20"  # the steps still say 10 % off
    with pytest.raises(errors.ValidationError, match="does not follow from its steps"):
        structure(data, PricedQuote).unit_prices_per_term()
    data = unstructure(priced)
    data["lines"][0]["term_multiplier"] = "2"
    with pytest.raises(errors.ValidationError, match="has the term multiplier 2, but"):
        structure(data, PricedQuote).unit_prices_per_term()


def test_percents_show_short_in_explanations() -> None:
    # Issue 16, new-user item: rates printed 50 digits. (The term multiplier's "(≈ ≈1.833333)"
    # is the fraction formatter's, tested with proration.)
    third = Percent(decimal.Context(prec=50).divide(100, 3))
    line = QuoteLine("SEAT", 3, discount=Discount.percent(third))
    priced = price_quote(quote(line, term=Duration(months=22), partner_discount=third), CATALOG)
    text = priced.explain()
    assert "≈33.333333% additional discount" in text
    assert "≈33.333333% partner discount" in text
    assert "33.3333333" not in text


def test_a_term_that_counts_no_months_has_zero_mrr() -> None:
    # Found by test_json_round_trips_keep_every_step: under 30/360 the one day 2020-01-30 counts
    # D1 = 30, D2 = 31 -> 30, so 0 days; the SEAT line is worth 0.00 and MRR is not 0.00 / 0.
    quote = Quote(
        "ACME",
        "USD",
        "Standard",
        date(2020, 1, 30),
        [QuoteLine("SEAT", Decimal("1"))],
        end_date=date(2020, 1, 30),
        proration_method=ProrationMethod.THIRTY_360,
    )
    priced = price_quote(quote, CATALOG)
    assert priced.term_months == 0
    assert priced.recurring_total == usd("0.00")
    assert (priced.mrr, priced.arr) == (usd("0.00"), usd("0.00"))


def test_a_quote_name_or_payment_terms_with_a_lone_surrogate_is_refused() -> None:
    # Found by a sweep after the long fuzz run (issue 16): the name (a check_type(str) field)
    # and the payment terms text took a lone surrogate, which dumps() wrote and loads() refused.
    with pytest.raises(errors.ValidationError, match="lone surrogate"):
        quote(name="Q\ud800")
    with pytest.raises(errors.ValidationError, match="lone surrogate"):
        quote(payment_terms="Net \udcff")
    assert quote(name="Quoté ☃").name == "Quoté ☃"


def test_an_effective_discount_past_the_percent_range_is_refused_not_an_arithmetic_error() -> None:
    # Found by the fuzz run (issue 16): a priced line built with a term multiplier of 1E-100
    # has a prorated list price so small that its effective discount is about -1E+104 %; the
    # rounding to whole points raised decimal.InvalidOperation. It is now the Percent range's
    # ValidationError.
    line = price_quote(quote(QuoteLine("SEAT", 10)), CATALOG).lines[0]
    odd = attrs.evolve(line, term_multiplier=Decimal("1E-100"))
    with pytest.raises(errors.ValidationError, match="Percent value is too large"):
        odd.effective_discount  # noqa: B018 - the property under test
    assert line.effective_discount == Percent("10")
