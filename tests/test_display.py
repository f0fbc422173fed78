"""What people and data frames read: truncated HTML tables and typed columns."""

from __future__ import annotations

import builtins
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from revcycle import errors
from revcycle._display import (
    ColumnKind,
    arrow_table,
    data_frame,
    html_table,
    json_records,
)
from revcycle._numbers import CTX


COLUMNS = {
    "sku": ColumnKind.TEXT,
    "kind": ColumnKind.CHOICE,
    "number": ColumnKind.INTEGER,
    "day": ColumnKind.DATE,
    "quantity": ColumnKind.QUANTITY,
    "total": ColumnKind.AMOUNT,
    "unit": ColumnKind.PRECISE,
}
ROWS = [
    {
        "sku": "SEAT",
        "kind": "recurring",
        "number": 1,
        "day": date(2026, 3, 1),
        "quantity": Decimal("5"),
        "total": Decimal("9900.00"),
        "unit": CTX.divide(Decimal(1), Decimal(3)),  # 50 digits
    },
    {
        "sku": "KWD",
        "kind": "recurring",
        "number": 2,
        "day": None,
        "quantity": Decimal("-1.5"),
        "total": Decimal("1.125"),  # a KWD amount: three minor units
        "unit": Decimal("1080"),
    },
]


def test_a_long_table_shows_its_first_and_last_rows_and_a_count() -> None:
    html = html_table("T", ["n"], [[n] for n in range(51)], max_rows=50)
    shown = [str(n) for n in range(51) if f">{n}<" in html]
    assert shown == ["0", "1", "2", "3", "4", "46", "47", "48", "49", "50"]
    assert "<p>51 rows</p>" in html
    assert "<p>" not in html_table("T", ["n"], [[n] for n in range(50)], max_rows=50)


def test_columns_are_typed_never_text() -> None:
    table = arrow_table(ROWS, COLUMNS, "A test")
    types = {field.name: str(field.type) for field in table.schema}
    assert types == {
        "sku": "string",
        "kind": "dictionary<values=string, indices=int32, ordered=0>",
        "number": "int64",
        "day": "date32[day]",
        "quantity": "decimal128(38, 1)",
        "total": "decimal128(38, 3)",  # the largest minor unit in the table
        "unit": "decimal256(76, 40)",
    }
    assert table.column("unit").to_pylist()[0] == Decimal("0." + "3" * 40)
    assert table.column("total").to_pylist() == [Decimal("9900.000"), Decimal("1.125")]
    frame = data_frame(ROWS, COLUMNS, "A test")
    assert frame["total"].sum() == Decimal("9901.125")
    assert json_records(ROWS, COLUMNS)[1] == {
        "sku": "KWD",
        "kind": "recurring",
        "number": 2,
        "day": None,
        "quantity": "-1.5",
        "total": "1.125",
        "unit": "1080",
    }


def test_a_value_too_large_for_its_column_is_refused() -> None:
    rows = [{"unit": Decimal("1E+40")}]
    with pytest.raises(errors.ValidationError, match="too large for an Arrow decimal"):
        arrow_table(rows, {"unit": ColumnKind.PRECISE}, "A test")


def test_a_frame_needs_pyarrow_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    real = builtins.__import__

    def hide_pyarrow(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.split(".")[0] == "pyarrow":
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", hide_pyarrow)
    with pytest.raises(errors.MissingExtraError, match=r"revcycle\[arrow\]"):
        arrow_table(ROWS, COLUMNS, "A test")
    # The pandas extra brings pyarrow: a frame without it names that extra.
    with pytest.raises(errors.MissingExtraError, match=r"revcycle\[pandas\]"):
        data_frame(ROWS, COLUMNS, "A test")
