"""CSV for integrators: the tabular documents read from CSV, and any table written as CSV.

A CSV file of open items, usage events or opportunities is read row by row into the JSON
shape of its document and through the same converter, so it meets the same validation as
JSON (decimals as text, ISO dates, aware instants, unknown columns refused); an error names the
row as a spreadsheet numbers it (the header is row 1) and the column::

    row 7, column "amount": The value must be a number written as text such as '12.30', ...

Columns (a header row is required; order is free; an empty optional cell is absent):

* open items: ``id``, ``account``, ``due_date``, ``amount``, ``currency``;
* usage events: ``id``, ``customer``, ``metric``, ``at``, optional ``quantity``, and one
  ``properties.NAME`` column per event property (an empty cell: no such property);
* opportunities: ``id``, ``account``, ``name``, ``amount``, ``currency``, ``close_date``,
  ``owner``, ``stage``, ``created_at`` (aware), optional ``probability``, ``forecast_category``,
  ``model`` (a preset name), ``lost_reason``, ``quote_id``.

:func:`~revcycle.serialization.loads_csv` reads them; :func:`dumps_csv` writes records
(``to_records()`` of any aggregate) with a header row.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from revcycle._validate import require_sequence
from revcycle.errors import RevcycleTypeError, StructureError, ValidationError, shown
from revcycle.pipeline import Pipeline
from revcycle.serialization._core import check_size, name, values_error
from revcycle.serialization._documents import OpenItemsDocument, UsageEventsDocument


__all__ = ["csv_document", "dumps_csv", "located"]

_PROPERTY: Final = "properties."
_MONEY_COLUMNS: Final = ("amount", "currency")


class _Layout:
    """How one document's rows become JSON: its required and optional columns, the list key
    of its envelope, and the class of one row."""

    def __init__(
        self,
        key: str,
        required: Sequence[str],
        optional: Sequence[str],
        build: Callable[[dict[str, Any]], Any],
        *,
        properties: bool = False,
    ) -> None:
        self.key, self.required, self.optional = key, tuple(required), tuple(optional)
        self.build, self.properties = build, properties


def _with_money(row: dict[str, Any]) -> dict[str, Any]:
    amount = {"amount": row.pop("amount"), "currency": row.pop("currency")}
    return {**row, "amount": amount}


def _with_properties(row: dict[str, Any]) -> dict[str, Any]:
    properties = {k[len(_PROPERTY) :]: row.pop(k) for k in list(row) if k.startswith(_PROPERTY)}
    return {**row, "properties": properties}


_LAYOUTS: Final[dict[Any, _Layout]] = {
    OpenItemsDocument: _Layout(
        "items", ("id", "account", "due_date", "amount", "currency"), (), _with_money
    ),
    UsageEventsDocument: _Layout(
        "events",
        ("id", "customer", "metric", "at"),
        ("quantity",),
        _with_properties,
        properties=True,
    ),
    Pipeline: _Layout(
        "opportunities",
        (
            "id",
            "account",
            "name",
            "amount",
            "currency",
            "close_date",
            "owner",
            "stage",
            "created_at",
        ),
        ("probability", "forecast_category", "model", "lost_reason", "quote_id"),
        _with_money,
    ),
}


def _fail(what: str, message: str) -> StructureError:
    return StructureError(f"Cannot read {what} from CSV:", [message])


_ROW_PATH: Final = re.compile(r"^\$\.\w+\[(\d+)\]\.?([\w.]*)")


def _located(message: str, columns: Sequence[str]) -> str:
    """A converter message about ``$.items[5].amount`` as one about row 7, column amount."""
    path, _, text = message.partition(": ")
    found = _ROW_PATH.match(path)
    if found is None:
        return message
    number = int(found.group(1)) + 2  # the header is row 1
    field = found.group(2).split(".")[0]
    if not field:
        # A rule checked by the class as a whole: the column its message names, if one.
        lower = text.lower()
        named = [
            c
            for c in columns
            if re.search(rf"\b({re.escape(c)}|{re.escape(c.replace('_', ' '))})\b", lower)
        ]
        if not named:
            return f"row {number}: {text}"
        field = named[0]
    if field == "amount" and "currenc" in text.lower():
        field = "currency"
    if field == "properties":
        field = next((c for c in columns if c.startswith(_PROPERTY)), field)
    return f'row {number}, column "{field}": {text}'


def csv_document(
    text: str, cls: Any, *, max_size: int, max_values: int
) -> tuple[dict[str, Any], list[str]]:
    """The JSON shape of a CSV document of type ``cls`` (open items, usage events, a pipeline)
    and its header; a table over its limits (``max_size`` characters, ``max_values`` values of
    its JSON shape) or
    malformed (missing, unknown or empty required cells) is refused here, the values by the
    converter (:func:`located` names their row and column)."""
    layout = _LAYOUTS.get(cls)
    what = name(cls)
    if layout is None:
        raise StructureError(f"{what} has no CSV form (open items, usage events, pipelines do).")
    if not isinstance(text, str):
        raise StructureError(f"Cannot read {what} from CSV: expected text, got {shown(text)}.")
    check_size(text, f"{what} from CSV", max_size, "CSV tables")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = list(reader.fieldnames or [])
    missing = [c for c in layout.required if c not in header]
    if missing:
        raise _fail(what, f"row 1 (the header): missing columns {shown(missing)}")
    known = {*layout.required, *layout.optional}
    extra = [
        c for c in header if c not in known and not (layout.properties and c.startswith(_PROPERTY))
    ]
    if extra:
        raise _fail(what, f"row 1 (the header): unknown columns {shown(extra)}")
    rows: list[dict[str, Any]] = []
    values = 2  # the document's object and its array of rows
    try:
        for number, cells in enumerate(reader, start=2):
            if None in cells:
                raise _fail(what, f"row {number}: more cells than the header has columns")
            row: dict[str, Any] = {}
            for column in header:
                cell = cells[column]
                if cell is None or cell == "":
                    if column in layout.required:
                        raise _fail(what, f'row {number}, column "{column}": empty')
                    continue
                row[column] = cell
            rows.append(layout.build(row))
            values += _values(rows[-1])
            if values > max_values:
                raise values_error(
                    f"{what} from CSV", f"more than {max_values:,} JSON values", max_values
                )
    except csv.Error as error:
        raise _fail(what, f"row {reader.line_num}: {error}") from None
    return {layout.key: rows}, header


def _values(node: Any) -> int:
    """The JSON values of one row's JSON shape (its object, cells and nested objects)."""
    if isinstance(node, dict):
        return 1 + sum(_values(value) for value in node.values())
    return 1


def located(error: StructureError, header: Sequence[str], cls: Any) -> StructureError:
    """The converter's ``error`` on a CSV document, each message naming its row and column."""
    messages = [_located(m, header) for m in error.messages]
    return StructureError(f"Cannot read {name(cls)} from CSV:", messages)


def dumps_csv(records: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    """Records of JSON scalars (``to_records()``: text, whole numbers, booleans, ``None``) as
    CSV text with a header row; ``None`` is an empty cell, and so is a column a record lacks.
    The header is ``columns`` (a record holding another column is refused), or every column
    of the records in the order first met.

    >>> print(dumps_csv([{"sku": "SEAT", "total": "9900.00", "end": None}]), end="")
    sku,total,end
    SEAT,9900.00,
    """
    rows = require_sequence(records, "CSV records", of="mappings", kind=Mapping)
    if columns is not None:
        columns = require_sequence(columns, "CSV columns", of="str", kind=str)
    seen: dict[str, None] = dict.fromkeys(columns or ())
    for number, row in enumerate(rows, 1):
        for key, value in row.items():
            if key not in seen:
                if not isinstance(key, str):
                    raise RevcycleTypeError(
                        f"CSV record {number}'s column names must be text, not {shown(key)}."
                    )
                if columns is not None:
                    raise ValidationError(
                        f"CSV record {number} holds the column {shown(key)}, which is not one "
                        f"of the columns {shown(list(seen))}."
                    )
                seen[key] = None
            if value is not None and not isinstance(value, str | int | Decimal):
                raise RevcycleTypeError(
                    f"CSV record {number}'s {shown(key)} must be text, a number, a boolean or "
                    f"None (a JSON scalar, as to_records() writes), not {shown(value)}."
                )
    header = list(seen)
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
