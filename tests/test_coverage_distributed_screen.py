"""One partition screened for a distributed rating (``screen_partition``), at its edges.

Three rows of id ``a`` (orders 0, 1, 2; quantities 1, 1, 2): the first is kept; the second is
a duplicate, the third a duplicate that conflicts (its quantity differs). An empty partition
keeps nothing and reports nothing; nulls and empty strings are refused by column.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pyarrow as pa
import pytest

from revcycle import distributed, errors
from revcycle.dates import Period
from revcycle.distributed import screen_partition
from revcycle.distributed._dask import ORDER
from revcycle.money import Money
from revcycle.pricing import PerUnit
from revcycle.usage import Aggregation, Meter, UsageCharge


JAN = Period.of_month(2024, 1)
CHARGE = UsageCharge(Meter("api", Aggregation.SUM), PerUnit(Money("1", "USD")))


def _table(ids: list[str | None], quantities: list[int] | None = None) -> pa.Table:
    n = len(ids)
    return pa.table(
        {
            "id": pa.array(ids, pa.string()),
            "customer": pa.array(["acme"] * n, pa.string()),
            "metric": pa.array(["api"] * n, pa.string()),
            "at": pa.array([datetime(2024, 1, 5, tzinfo=UTC)] * n, pa.timestamp("us", tz="UTC")),
            "quantity": pa.array([Decimal(q) for q in quantities or [1] * n], pa.decimal128(10, 0)),
            ORDER: pa.array(range(n), pa.int64()),
        }
    )


def test_later_occurrences_are_duplicates_and_conflicts_when_they_differ() -> None:
    kept, left_out = screen_partition(_table(["a", "a", "a"], [1, 1, 2]), CHARGE, JAN)
    assert kept.column("id").to_pylist() == ["a"]
    assert [(order, why, event.quantity) for order, why, event in left_out] == [
        (1, "duplicates", Decimal(1)),
        (2, "duplicates", Decimal(2)),
        (2, "conflicts", Decimal(2)),
    ]


def test_an_empty_partition_keeps_and_reports_nothing() -> None:
    kept, left_out = screen_partition(_table([]), [CHARGE], JAN)
    assert (kept.num_rows, left_out) == (0, [])


def test_nulls_empty_ids_and_bad_charges_are_refused() -> None:
    with pytest.raises(errors.ValidationError, match="'id' column must not hold nulls"):
        screen_partition(_table(["a", None]), CHARGE, JAN)
    with pytest.raises(errors.ValidationError, match="'id' column must not hold empty strings"):
        screen_partition(_table(["a", ""]), CHARGE, JAN)
    with pytest.raises(errors.RevcycleTypeError, match="a list of them, not 'x'"):
        screen_partition(_table(["a"]), "x", JAN)  # type: ignore[arg-type]


def test_more_charges_or_contracts_than_can_be_held_are_refused_before_they_are_read() -> None:
    # found by the long fuzz run (issue 16): a range of 10**18 charges or contracts was turned
    # into a list (a MemoryError) before any size check.
    with pytest.raises(errors.ValidationError, match="at most 10,000,000 items"):
        screen_partition(_table(["a"]), range(10**18), JAN)  # type: ignore[arg-type]
    with pytest.raises(errors.ValidationError, match="at most 10,000,000 items"):
        distributed.bill(range(10**18), through=date(2024, 1, 31))
