"""Data frames that compute (DESIGN §5 "Notebooks and data frames", issue 15).

For every aggregate with ``to_pandas()`` — the list below is checked complete against every
class in ``src`` that has one — the frame's sums by currency equal the library's own totals
exactly, every amount column has a decimal dtype, and the HTML stays small and escaped.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

import revcycle
from revcycle import (
    Money,
    Opportunity,
    PaymentTerms,
    Period,
    Pipeline,
    aging,
    samples,
)
from revcycle._display import ColumnKind, TypedRows
from revcycle.billing import bill
from revcycle.cli._demo._seed import BRIDGE_YEAR, seed_story
from revcycle.engagement import AccountJourney, summarize
from revcycle.errors import MissingExtraError, ValidationError
from revcycle.metrics import arr_bridge
from revcycle.receivables import OpenItem, schedule_interest
from revcycle.serialization import (
    OpenItemsDocument,
    UsageEventsDocument,
    UsagePlanDocument,
    loads,
)
from revcycle.terms import Payment
from revcycle.usage import rate_usage


DECIMAL_KINDS = (ColumnKind.AMOUNT, ColumnKind.PRECISE, ColumnKind.QUANTITY)
NAMES = [
    "PricedQuote", "Contract", "PricedAmendment", "ArrBridge", "Invoice", "BillRun",
    "PaymentSchedule", "ScheduleInterest", "AgingReport", "UsageRating", "Pipeline",
    "PipelineReport", "EngagementSummary",
]  # fmt: skip


@dataclass(frozen=True)
class Case:
    """An aggregate, the column whose sum by currency is a library total, and that total
    (currency code → amount) worked out by the library itself."""

    value: TypedRows
    column: str
    totals: dict[str, Decimal]


def _deal(
    id: str, name: str, amount: Money, stage: str = "Prospecting", *, account: str = "Fabrikam"
) -> Opportunity:
    made = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    return Opportunity(
        id=id, account=account, name=name, amount=amount, close_date=date(2025, 9, 30),
        owner="lee", stage=stage, created_at=made,
    )  # fmt: skip


def _pipeline() -> Pipeline:
    deals = loads(samples.read_text("opportunities.json"), Pipeline).opportunities
    first = deals[0]
    euro = _deal("OPP-EUR", "Euro deal", Money("1234.56", "EUR"), "Negotiation/Review")
    assert first.amount.currency.code == "USD"
    return Pipeline([*deals, euro])


def _by_currency(pipeline: Pipeline) -> dict[str, Pipeline]:
    codes = sorted({o.amount.currency.code for o in pipeline.opportunities})
    return {
        code: Pipeline([o for o in pipeline.opportunities if o.amount.currency.code == code])
        for code in codes
    }


@cache
def cases() -> dict[str, list[Case]]:
    """Every aggregate with to_pandas(), by class name, built from the samples."""
    story = seed_story()
    run = bill(story.book, through=date(2027, 9, 1))
    (invoice, *_) = run.invoices
    schedule = PaymentTerms.parse("2/10 Net 30").schedule(date(2025, 1, 31), Money("999", "KWD"))
    three = PaymentTerms.parse("Net 30").schedule(date(2025, 1, 31), Money("1000.00", "USD"))
    interest = schedule_interest(
        three, [Payment(date(2025, 4, 1), Money("400.00", "USD"))], as_of=date(2025, 6, 30), rate=8
    )
    items = loads(samples.read_text("open_items.json"), OpenItemsDocument).items
    items = (*items, OpenItem("K-1", "Kuwait Co", date(2025, 5, 1), Money("12.345", "KWD")))
    report = aging(items, date(2025, 6, 30))
    events = loads(samples.read_text("usage_events.json"), UsageEventsDocument).events
    charges = loads(samples.read_text("usage_plan.json"), UsagePlanDocument).charges
    rating = rate_usage(events, charges, Period.of_month(2024, 1))
    pipeline = _pipeline()
    by_currency = _by_currency(pipeline)
    usd = by_currency["USD"]
    journeys = loads(samples.read_text("milestones.json"), list[AccountJourney])
    summary = summarize(journeys, as_of=date(2026, 3, 1))
    priced = story.priced
    sold = sum((line.net_total.amount for line in priced.lines), Decimal(0))
    return {
        "PricedQuote": [
            Case(priced, "net_total", {"USD": sold}),
            Case(story.renewal, "net_total", {"USD": story.renewal.tcv.amount}),
        ],
        "Contract": [
            Case(story.upsell.contract, "total", {"USD": story.upsell.contract.tcv.amount})
        ],
        "PricedAmendment": [Case(story.upsell, "amount", {"USD": story.upsell.total.amount})],
        "ArrBridge": [
            Case(
                arr_bridge(story.book, BRIDGE_YEAR),
                "closing",
                {"USD": arr_bridge(story.book, BRIDGE_YEAR).closing.amount},
            )
        ],
        "Invoice": [Case(invoice, "amount", {"USD": invoice.subtotal.amount})],
        "BillRun": [
            Case(run, "amount", {"USD": sum((i.subtotal.amount for i in run.invoices), Decimal(0))})
        ],
        "PaymentSchedule": [
            Case(schedule, "amount", {"KWD": schedule.total.amount}),
            Case(
                three.apply_payment(date(2025, 2, 1), Money("1", "USD")),
                "open_amount",
                {"USD": Decimal("999.00")},
            ),
        ],
        "ScheduleInterest": [Case(interest, "interest", {"USD": interest.interest.amount})],
        "AgingReport": [
            Case(report, "total", {row.currency.code: row.total.amount for row in report.totals})
        ],
        "UsageRating": [Case(rating, "amount", {"USD": rating.total().amount})],
        "Pipeline": [
            Case(pipeline, "amount", {c: p.total().amount for c, p in by_currency.items()}),
            Case(
                pipeline, "weighted", {c: p.weighted_total().amount for c, p in by_currency.items()}
            ),
        ],
        "PipelineReport": [
            Case(usd.report(date(2025, 6, 20)), "weighted", {"USD": usd.weighted_total().amount}),
            Case(usd.report(date(2025, 6, 20)), "amount", {"USD": usd.total().amount}),
        ],
        "EngagementSummary": [
            Case(summary, "accounts", {"": Decimal(sum(s.accounts for s in summary.intervals))})
        ],
    }


def _classes_with_to_pandas() -> Iterator[type[Any]]:
    for info in pkgutil.walk_packages(revcycle.__path__, "revcycle."):
        if info.name.endswith("__main__"):
            continue  # running it would run the command line
        try:
            module = importlib.import_module(info.name)
        except (ImportError, MissingExtraError):  # an optional package absent here
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == info.name and hasattr(cls, "to_pandas") and cls is not TypedRows:
                yield cls


def test_the_list_of_aggregates_is_complete() -> None:
    assert {cls.__name__ for cls in _classes_with_to_pandas()} == set(NAMES) == set(cases())


@pytest.mark.parametrize("name", NAMES)
def test_sums_by_currency_equal_the_library_totals_exactly(name: str) -> None:
    for case in cases()[name]:
        assert type(case.value).__name__ == name
        frame = case.value.to_pandas()
        if "currency" in frame.columns:
            sums = frame.groupby("currency", observed=True)[case.column].sum()
            got = {str(code): value for code, value in sums.items()}
        else:
            got = {"": Decimal(int(frame[case.column].sum()))}
        assert got == case.totals, (name, case.column)
        assert all(isinstance(v, Decimal) for v in got.values())


@pytest.mark.parametrize("name", NAMES)
def test_every_amount_column_is_a_decimal_and_never_text(name: str) -> None:
    for case in cases()[name]:
        value = case.value
        table = value.to_arrow()
        frame = value.to_pandas()
        kinds = value._table_columns()
        assert list(frame.columns) == list(kinds) == table.column_names
        for column, kind in kinds.items():
            dtype = frame[column].dtype
            assert isinstance(dtype, pd.ArrowDtype), (column, dtype)
            arrow_type = dtype.pyarrow_dtype
            if kind in DECIMAL_KINDS:
                assert pa.types.is_decimal(arrow_type), (column, arrow_type)
            if kind is ColumnKind.AMOUNT:
                assert isinstance(arrow_type, pa.Decimal128Type), (column, arrow_type)
                assert arrow_type.precision == 38
                minor = max(Currency_minor(code) for code in frame["currency"].unique())
                assert arrow_type.scale == minor, column
            if kind is ColumnKind.PRECISE:
                assert isinstance(arrow_type, pa.Decimal256Type), (column, arrow_type)
                assert (arrow_type.precision, arrow_type.scale) == (76, 40)
            if kind is ColumnKind.DATE:
                assert arrow_type == pa.date32()
            if kind is ColumnKind.INSTANT:
                assert arrow_type == pa.timestamp("us", tz="UTC")
            if kind is ColumnKind.CHOICE:
                assert pa.types.is_dictionary(arrow_type)
            assert not (kind in DECIMAL_KINDS and pa.types.is_string(arrow_type))
        # The records are the same rows as JSON scalars.
        assert len(value.to_records()) == len(frame)


def Currency_minor(code: object) -> int:
    return revcycle.Currency(str(code)).minor_units


def test_the_kwd_schedule_keeps_three_places_and_the_pipeline_its_instants() -> None:
    (case, _) = cases()["PaymentSchedule"]
    assert str(case.value.to_arrow().schema.field("amount").type) == "decimal128(38, 3)"
    frame = cases()["Pipeline"][0].value.to_pandas()
    # Written 2025-01-06T10:00:00-05:00 in the sample: the column is in UTC.
    assert frame["created_at"].iloc[0] == pd.Timestamp("2025-01-06T15:00:00", tz="UTC")
    assert frame["close_date"].iloc[0] == date(2025, 6, 20)


def test_an_unrounded_amount_too_large_for_decimal256_is_refused_not_truncated() -> None:
    # Within revcycle's number limits (below 1E+40, docs/reference/limits.md) but 77 digits
    # unrounded: more than an Arrow decimal holds.
    huge = _deal("X", "Huge", Money("9" * 39 + "." + "9" * 38, "USD"))
    with pytest.raises(ValidationError, match="refused rather than truncated"):
        Pipeline([huge]).to_arrow()


def _big_pipeline(size: int) -> Pipeline:
    return Pipeline(
        [
            _deal(f"OPP-{n}", f"Deal {n} & co", Money(f"{n}.50", "USD"), account=f"<Acct {n}>")
            for n in range(size)
        ]
    )


def test_a_5000_deal_pipeline_renders_small_escaped_html() -> None:
    html = _big_pipeline(5000)._repr_html_()
    assert len(html) < 5000
    assert html.count("<tr>") == 12  # header, five first, the ellipsis row, five last
    assert "OPP-0<" in html
    assert "OPP-4999<" in html
    assert "OPP-2500<" not in html
    assert "<p>5000 rows</p>" in html
    assert "&lt;Acct" not in html  # the account is not shown; the name is, escaped:
    assert "Deal 0 &amp; co" in html


@pytest.mark.parametrize("name", NAMES)
def test_every_aggregate_has_static_escaped_html(name: str) -> None:
    for case in cases()[name]:
        html = case.value._repr_html_()  # type: ignore[attr-defined]
        assert html.startswith("<table>")
        assert "<script" not in html
        assert 'style="' in html


def test_every_aggregate_truncates_past_fifty_rows() -> None:
    many = PaymentTerms.parse("Net 30")
    schedule = many.schedule(date(2025, 1, 1), Money("1", "USD"))
    assert "rows</p>" not in schedule._repr_html_()
    table = _big_pipeline(51)
    assert "<p>51 rows</p>" in table._repr_html_()
    assert "<p>" not in _big_pipeline(50)._repr_html_().split("</table>")[1]
