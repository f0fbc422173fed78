"""Branch coverage of the columnar rater, the rating results and usage on the invoice.

Events of acme on metric ``api`` at 1.00 USD a unit over January 2024 unless said otherwise.
"""

from __future__ import annotations

import copy as _copy
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest

from billing_support import amended, contract_of, plans
from revcycle import errors
from revcycle.billing._usage import check_window, rate_piece, usage_spans
from revcycle.contracts import AddProduct, Cancel, ChangeQuantity, Contract
from revcycle.dates import Period
from revcycle.money import Money
from revcycle.pricing import Graduated, PerUnit, Tier
from revcycle.usage import (
    Aggregation,
    Meter,
    UsageCharge,
    UsageEvent,
    UsageRating,
    rate_usage_table,
)


JAN = Period.of_month(2024, 1)
_AT = pa.timestamp("us", tz="UTC")


def _charge(aggregation: Aggregation = Aggregation.SUM, **meter: Any) -> UsageCharge:
    return UsageCharge(Meter("api", aggregation, **meter), PerUnit(Money("1", "USD")))


def _table(ids: list[str], quantities: list[Decimal], kind: pa.DataType | None = None) -> pa.Table:
    """One row per id, on January 5, 6, 7, ... in order."""
    n = len(ids)
    return pa.table(
        {
            "id": pa.array(ids, pa.string()),
            "customer": pa.array(["acme"] * n, pa.string()),
            "metric": pa.array(["api"] * n, pa.string()),
            "at": pa.array([datetime(2024, 1, 5 + i, tzinfo=UTC) for i in range(n)], _AT),
            "quantity": pa.array(quantities, kind or pa.decimal128(10, 0)),
        }
    )


def _lines(rating: UsageRating) -> list[tuple[str, str | None, Decimal, Money]]:
    return [(line.customer, line.group, line.quantity, line.amount) for line in rating.lines]


# --------------------------------------------------------------------------------------------
# The columnar rater


def test_columns_whose_first_chunk_is_empty() -> None:
    # Every column in two chunks, the first empty: 3 + 4 = 7 units, 7.00.
    table = pa.concat_tables([_table([], []), _table(["e0", "e1"], [Decimal(3), Decimal(4)])])
    assert table.column("metric").num_chunks == 2
    rating = rate_usage_table(table, _charge(), JAN)
    assert _lines(rating) == [("acme", None, Decimal(7), Money("7.00", "USD"))]
    assert rating.unmetered == ()


def test_a_negative_quantity_only_in_a_dropped_duplicate_is_not_refused() -> None:
    # e0 = 3, e1 = 2, then e0 again with -1 (a conflicting duplicate, dropped): the SUM meter
    # refuses negatives, but only the kept rows count: 3 + 2 = 5 units, 5.00.
    table = _table(["e0", "e1", "e0"], [Decimal(3), Decimal(2), Decimal(-1)])
    rating = rate_usage_table(table, _charge(), JAN)
    assert _lines(rating) == [("acme", None, Decimal(5), Money("5.00", "USD"))]
    assert [(e.id, e.quantity) for e in rating.conflicts] == [("e0", Decimal(-1))]
    assert [(e.id, e.quantity) for e in rating.duplicates] == [("e0", Decimal(-1))]


def test_a_negative_quantity_in_a_kept_row_is_refused_beside_a_duplicate() -> None:
    # e1 = -2 is kept (its id's first occurrence): the SUM meter refuses it.
    table = _table(["e0", "e1", "e0"], [Decimal(3), Decimal(-2), Decimal(3)])
    with pytest.raises(errors.UsageError, match="'e1' has the negative quantity -2"):
        rate_usage_table(table, _charge(), JAN)


def test_duplicates_with_a_filter_on_a_property_the_table_lacks() -> None:
    # No row carries 'region', so the filter passes none: no line; the repeat is still reported,
    # and conflicts (its 'at', Jan 6, differs from the first occurrence's Jan 5).
    table = _table(["e0", "e0"], [Decimal(3), Decimal(3)])
    rating = rate_usage_table(table, _charge(filters={"region": "eu"}), JAN)
    assert _lines(rating) == []
    assert [e.id for e in rating.duplicates] == ["e0"]
    assert [e.at for e in rating.conflicts] == [datetime(2024, 1, 6, tzinfo=UTC)]


def test_a_sum_at_a_scale_too_fine_for_arrow_is_added_in_python() -> None:
    # decimal256(76, 60): 1E-22 is 10^38 units, two rows 2 × 10^38 (over decimal128's 10^38,
    # and the scale 60 leaves no 20 digits in decimal256): summed in Python, 2E-22 units.
    table = _table(["e0", "e1"], [Decimal("1E-22")] * 2, pa.decimal256(76, 60))
    rating = rate_usage_table(table, _charge(), JAN)
    (line,) = rating.lines
    assert line.quantity == Decimal("2E-22")
    assert line.amount == Money("0.00", "USD")


# --------------------------------------------------------------------------------------------
# Rating results


def test_a_lazy_rating_copies_with_its_duplicates_and_conflicts() -> None:
    # e0 = 3, e1 = 4, then e0 again with 5 (conflicting): 3 + 4 = 7 units.
    table = _table(["e0", "e1", "e0"], [Decimal(3), Decimal(4), Decimal(5)])
    rating = rate_usage_table(table, _charge(), JAN)
    # copy.copy goes through __reduce__, which reads the pending duplicates first.
    copy = _copy.copy(rating)
    assert isinstance(copy, UsageRating)
    assert [(e.id, e.quantity) for e in copy.duplicates] == [("e0", Decimal(5))]
    assert [e.id for e in copy.conflicts] == ["e0"]
    assert _lines(copy) == [("acme", None, Decimal(7), Money("7.00", "USD"))]
    assert copy == rating


def test_unknown_attributes_of_results_raise_attribute_error() -> None:
    rating = rate_usage_table(_table(["e0"], [Decimal(3)]), _charge(), JAN)
    with pytest.raises(AttributeError, match="'UsageRating' object has no attribute 'nope'"):
        getattr(rating, "nope")  # noqa: B009 - an attribute no type checker knows
    (line,) = rating.lines
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        getattr(line, "nope")  # noqa: B009 - an attribute no type checker knows


def test_a_rated_line_as_a_record() -> None:
    # One event of 3 units at 1.00: 3 units, 3.00.
    (line,) = rate_usage_table(_table(["e0"], [Decimal(3)]), _charge(), JAN).lines
    record = line.to_record()
    assert record["customer"] == "acme"
    assert record["metric"] == "api"
    assert record["group"] is None
    assert Decimal(record["quantity"]) == 3
    assert Decimal(record["amount"]) == Decimal("3.00")
    assert record["currency"] == "USD"


# --------------------------------------------------------------------------------------------
# Usage on the invoice


def _api_catalog() -> Any:
    return plans(usage={"API": Graduated([Tier(None, Money("0.01", "USD"))])}, PLAN="10.00")


def _api_contract(api: int = 0) -> Contract:
    return contract_of(
        _api_catalog(),
        {"PLAN": 1, "API": api},
        id="U",
        start=date(2025, 1, 1),
        end=date(2025, 12, 31),
        meters={"API": Meter("api_calls", Aggregation.SUM)},
    )


def test_a_contract_without_usage_lines_has_no_usage_spans() -> None:
    contract = contract_of(
        _api_catalog(), {"PLAN": 1}, id="P", start=date(2025, 1, 1), end=date(2025, 12, 31)
    )
    assert usage_spans(contract) == {}


def test_a_usage_line_cancelled_then_restored_bills_two_spans() -> None:
    # Estimate 5 from Feb 1, cancelled Mar 1 (5 -> 0: the first span ends), 5 again May 1
    # (0 -> 5: a second span starts); a product added Jun 1 amends no line.
    catalog = _api_catalog()
    contract = _api_contract()
    contract = amended(contract, catalog, date(2025, 2, 1), ChangeQuantity("API", quantity=5))
    contract = amended(contract, catalog, date(2025, 3, 1), Cancel("API"))
    contract = amended(contract, catalog, date(2025, 5, 1), ChangeQuantity("API", quantity=5))
    contract = amended(contract, catalog, date(2025, 6, 1), AddProduct("PLAN", quantity=1))
    (root,) = [
        s for s in contract.subscriptions if s.sku == "API" and s.id in usage_spans(contract)
    ]
    spans = usage_spans(contract)
    assert spans == {
        root.id: [(date(2025, 1, 1), date(2025, 3, 1)), (date(2025, 5, 1), root.period.end)]
    }


def test_rate_piece_counts_only_its_account() -> None:
    # ACME: 100 calls at 0.01 = 1.00; OTHER's 50 calls are rated but not ACME's.
    charge = UsageCharge(
        Meter("api_calls", Aggregation.SUM), Graduated([Tier(None, Money("0.01", "USD"))])
    )
    events = [
        UsageEvent(
            id=f"{who}-1",
            customer=who,
            metric="api_calls",
            at=datetime(2025, 1, 10, tzinfo=UTC),
            quantity=calls,
        )
        for who, calls in (("ACME", 100), ("OTHER", 50))
    ]
    month = Period.of_month(2025, 1)
    assert rate_piece(charge, "ACME", events, month, month) == (Decimal(100), Decimal("1.00"))


def test_a_grouped_meter_cannot_accumulate_over_a_window() -> None:
    contract = _api_contract(1)
    (segment,) = [s for s in contract.subscriptions if s.sku == "API"]
    charge = UsageCharge(
        Meter("api_calls", Aggregation.SUM, group_by="region"),
        Graduated([Tier(None, Money("0.01", "USD"))]),
    )
    with pytest.raises(errors.ValidationError, match="its meter groups by 'region'"):
        check_window(charge, segment)
