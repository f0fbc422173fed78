"""The columnar rater (``rate_usage_table``) at its edges.

Two events of acme on metric ``api``, 3 units each, on 2024-01-05 and 2024-01-06, at 1.00 a
unit: 6 units, 6.00. A property the table lacks: a filter on it passes no event (no lines), a
group by it puts every event in the ``None`` group (6 units), a unique count of it counts no
value (0 units). An empty table rates nothing. Wrong column types, nulls in a core column
and property names that are not text are refused.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest

from revcycle import errors
from revcycle.dates import Period
from revcycle.money import Money
from revcycle.pricing import PerUnit
from revcycle.usage import Aggregation, Meter, UsageCharge, UsageRating, rate_usage_table


JAN = Period.of_month(2024, 1)


def _charge(aggregation: Aggregation = Aggregation.SUM, **meter: Any) -> UsageCharge:
    return UsageCharge(Meter("api", aggregation, **meter), PerUnit(Money("1", "USD")))


def _table(n: int = 2, **columns: pa.Array[Any]) -> pa.Table:
    base: dict[str, pa.Array[Any]] = {
        "id": pa.array([f"e{i}" for i in range(n)], pa.string()),
        "customer": pa.array(["acme"] * n, pa.string()),
        "metric": pa.array(["api"] * n, pa.string()),
        "at": pa.array(
            [datetime(2024, 1, 5 + i, tzinfo=UTC) for i in range(n)], pa.timestamp("us", tz="UTC")
        ),
        "quantity": pa.array([Decimal(3)] * n, pa.decimal128(10, 0)),
    }
    return pa.table({**base, **columns})


def _lines(rating: UsageRating) -> list[tuple[str, str | None, Decimal, Money]]:
    return [(line.customer, line.group, line.quantity, line.amount) for line in rating.lines]


def test_a_property_the_table_lacks() -> None:
    assert _lines(rate_usage_table(_table(), _charge(filters={"region": "eu"}), JAN)) == []
    grouped = rate_usage_table(_table(), _charge(group_by="region"), JAN)
    assert _lines(grouped) == [("acme", None, Decimal(6), Money("6.00", "USD"))]
    unique = _charge(Aggregation.UNIQUE_COUNT, unique_property="user")
    assert _lines(rate_usage_table(_table(), unique, JAN)) == [
        ("acme", None, Decimal(0), Money("0.00", "USD"))
    ]


def test_an_empty_table_rates_nothing() -> None:
    assert _lines(rate_usage_table(_table(0), _charge(), JAN)) == []


def test_columns_of_the_wrong_kind_are_refused() -> None:
    with pytest.raises(errors.RevcycleTypeError, match="'at' column must be a timestamp, not str"):
        rate_usage_table(_table(at=pa.array(["x", "y"])), _charge(), JAN)
    with pytest.raises(errors.RevcycleTypeError, match="must be integer or decimal, not string"):
        rate_usage_table(_table(quantity=pa.array(["1", "2"])), _charge(), JAN)
    with pytest.raises(errors.ValidationError, match="'customer' column must not hold nulls"):
        rate_usage_table(_table(customer=pa.array(["acme", None], pa.string())), _charge(), JAN)
    with pytest.raises(errors.RevcycleTypeError, match="name columns as strings, not 1"):
        rate_usage_table(_table(), _charge(), JAN, properties=[1])  # type: ignore[list-item]
