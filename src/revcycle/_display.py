"""What people read: numbers and amounts as text, static HTML tables, DataFrames.

One formatter per kind of figure, used by every explanation, table and report:
:func:`amount_text` for an amount of money, :func:`number_text` for a bare number (a quantity,
a multiplier, an amount in a column whose header names the currency), :func:`fraction_text`
for an exact fraction (a term multiplier and its parts), :func:`percent_text` for a ratio
shown as a percent and :func:`days_text` for a count of days; :data:`MISSING` stands for a
figure that does not exist. None of them reads the ambient decimal context.

One renderer for every aggregate: a caption, a header row and body rows, amounts right-aligned,
truncated like pandas past a number of rows. No scripts and no external styles, so it renders
the same in Jupyter, VS Code and GitHub.

One typing of every aggregate's columns for data frames (docs/reference/serialization.md): an
aggregate names each column's :class:`ColumnKind` once, and :func:`json_records`,
:func:`arrow_table` and :func:`data_frame` write its rows as JSON scalars, a typed
``pyarrow.Table`` (rounded amounts ``decimal128(38, s)``, unrounded ``decimal256(76, 40)``,
dates ``date32``, choices dictionary-encoded) and a pandas frame of that table; an aggregate
that inherits :class:`TypedRows` gets the three methods from its rows and columns.

>>> from revcycle.money import Money
>>> amount_text(Money("12.5", "USD")), amount_text(Money("0.0006", "USD"))
('12.50 USD', '0.0006 USD')
>>> amount_text(Money("1", "USD") / 3), amount_text(Money("1234.5678", "USD"), rounded=True)
('≈0.333333 USD', '1234.57 USD')
>>> percent_text(Decimal("0.75")), days_text(Decimal("12.25")), amount_text(None)
('75.0%', '12.2', '—')
"""

from __future__ import annotations

import decimal
import enum
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction
from html import escape
from typing import TYPE_CHECKING, Any, ClassVar, Final

from revcycle._numbers import CTX, HUNDRED, fraction_to_decimal, plain
from revcycle._validate import require_extra
from revcycle.errors import ValidationError, shown
from revcycle.money import Currency, Money


if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa


MISSING: Final = "—"
"""The text of a figure that does not exist (no won deal, so no average won amount)."""

# Places shown at most before a figure is shown approximately (≈), and the tenth that
# percents and day counts are shown to.
_MOST_PLACES: Final = 6
_SIX_PLACES: Final = Decimal(1).scaleb(-_MOST_PLACES)
_TENTH: Final = Decimal("0.1")


def number_text(value: Decimal, places: int = 0) -> str:
    """A number for people: at least ``places`` decimals, exact up to six places, else ``≈``
    and six places (half-up). Trailing zeros beyond ``places`` are dropped.

    >>> number_text(Decimal("2.50")), number_text(Decimal("2.5"), 2), number_text(Decimal(1) / 7)
    ('2.5', '2.50', '≈0.142857')
    """
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if -exponent > _MOST_PLACES:
        shown = value.quantize(_SIX_PLACES, rounding=decimal.ROUND_HALF_UP, context=CTX)
        if shown != value:
            return f"≈{plain(shown)}"
        value = shown
    value = value.normalize(CTX)
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if -exponent < places:
        value = value.quantize(Decimal(1).scaleb(-places), context=CTX)
    return plain(value)


def fraction_text(value: Fraction) -> str:
    """An exact fraction for people: a whole number as it is; else ``n/d`` and its decimal,
    ``(= 1.5)`` when that decimal ends within six places, ``(≈ 1.833333)`` rounded half-even
    to six places when it does not.

    >>> fraction_text(Fraction(24)), fraction_text(Fraction(3, 2)), fraction_text(Fraction(11, 6))
    ('24', '3/2 (= 1.5)', '11/6 (≈ 1.833333)')
    """
    if value.denominator == 1:
        return str(value.numerator)
    exact = fraction_to_decimal(value)
    shown = exact.quantize(_SIX_PLACES, rounding=decimal.ROUND_HALF_EVEN, context=CTX)
    if shown == exact and Fraction(exact) == value:
        return f"{value.numerator}/{value.denominator} (= {plain(exact.normalize(CTX))})"
    return f"{value.numerator}/{value.denominator} (≈ {plain(shown)})"


def counted(count: int, unit: str) -> str:
    """``count`` and ``unit``, the unit singular for one: ``counted(1, "month")`` is
    ``'1 month'``, ``counted(15, "day")`` is ``'15 days'``."""
    return f"{count} {unit}{'' if count == 1 else 's'}"


def amount_text(money: Money | None, *, rounded: bool = False) -> str:
    """An amount for people, in explanations and tables: at least the currency's minor units,
    exact up to six places, else ``≈`` and six places; then the currency code.

    ``rounded=True`` first rounds half-up to the minor unit (the figures of a report, which
    are rounded for people); ``None`` is :data:`MISSING`.
    """
    if money is None:
        return MISSING
    if rounded:
        money = money.round()
    currency = money.currency
    return f"{number_text(money.amount, currency.minor_units)} {currency.code}"


def percent_text(ratio: Decimal | None) -> str:
    """A ratio (0.75) as a percent to a tenth of a point (``75.0%``); ``None`` is
    :data:`MISSING`."""
    if ratio is None:
        return MISSING
    return plain(CTX.multiply(ratio, HUNDRED).quantize(_TENTH, context=CTX)) + "%"


def points_text(points: Decimal) -> str:
    """Percentage points as a rate for people: as written up to six decimals (``12.50%``),
    else ``≈`` and six decimals, half-up (``≈33.333333%``), never fifty digits.

    >>> points_text(Decimal("12.50")), points_text(Decimal(100) / 3)
    ('12.50%', '≈33.333333%')
    """
    exponent = points.as_tuple().exponent
    assert isinstance(exponent, int)
    if -exponent <= _MOST_PLACES:
        return f"{plain(points)}%"
    return f"{number_text(points)}%"


def days_text(days: Decimal | int | None) -> str:
    """A count of days: a whole number as it is, a fraction to a tenth of a day; ``None`` is
    :data:`MISSING`."""
    if days is None:
        return MISSING
    if isinstance(days, int):
        return str(days)
    return plain(days.quantize(_TENTH, context=CTX))


def html_table(
    caption: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    right: Sequence[int] = (),
    footer: Sequence[str] = (),
    max_rows: int | None = None,
) -> str:
    """Render a table as static HTML; every cell is escaped.

    A table of more than ``max_rows`` rows (:data:`MAX_ROWS` unless given; ``0`` for no
    limit) is truncated like pandas: the first and the last five rows around a row of ``…``,
    and a footer counting the rows, so a 5,000-deal pipeline stays a few kilobytes.

    >>> html = html_table("Q <1>", ["sku", "total"], [["A&B", "10.00 USD"]], right=[1])
    >>> "<caption>Q &lt;1&gt;</caption>" in html, ">A&amp;B</td>" in html
    (True, True)
    >>> html = html_table("Many", ["n"], [[n] for n in range(60)], max_rows=50)
    >>> html.count("<tr>"), ">59<" in html, "<p>60 rows</p>" in html
    (12, True, True)
    """

    def align(i: int) -> str:
        return "right" if i in right else "left"

    limit = MAX_ROWS if max_rows is None else max_rows
    if limit:
        rows = list(rows)
        if len(rows) > limit:
            footer = [*footer, f"{len(rows)} rows"]
            rows = [*rows[:_SHOWN], ["…"] * len(headers), *rows[-_SHOWN:]]

    head = "".join(
        f'<th style="text-align:{align(i)}">{escape(str(h))}</th>' for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td style="text-align:{align(i)}">{escape(str(cell))}</td>'
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    foot = "".join(f"<p>{escape(line)}</p>" for line in footer)
    return (
        f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>{foot}"
    )


MAX_ROWS: Final = 50
"""Past this many rows an aggregate's HTML shows only its first and last rows (like pandas)."""

_SHOWN: Final = 5  # rows shown at each end of a truncated table (pandas' min_rows ÷ 2)


# --------------------------------------------------------------------------------------------
# Typed columns for data frames


class ColumnKind(enum.StrEnum):
    """How a column of an aggregate's table is typed (its values in the rows, then in Arrow).

    ``TEXT`` (str, ``string``), ``CHOICE`` (an enum or a currency code, dictionary-encoded,
    a category in pandas), ``INTEGER`` (int, ``int64``), ``DATE`` (``date32``), ``INSTANT``
    (an aware datetime, ``timestamp[us, tz=UTC]``), ``QUANTITY`` (a Decimal, as a decimal
    with the places the column needs, at most 40, half-even), ``AMOUNT`` (a rounded amount,
    ``decimal128(38, s)`` with ``s`` the largest minor unit in the table) and ``PRECISE``
    (an unrounded amount or ratio, ``decimal256(76, 40)``, half-even at the 40th place). A
    value too large for its column is refused, never truncated. ``None`` is a null
    everywhere.
    """

    TEXT = "text"
    CHOICE = "choice"
    INTEGER = "integer"
    DATE = "date"
    INSTANT = "instant"
    QUANTITY = "quantity"
    AMOUNT = "amount"
    PRECISE = "precise"


Columns = Mapping[str, ColumnKind]
"""An aggregate's columns in order: each name and its kind."""

# Wide enough to place any 76-digit value at 40 decimal places without rounding its digits.
_WIDE: Final = decimal.Context(
    prec=120, rounding=decimal.ROUND_HALF_EVEN, traps=[decimal.InvalidOperation]
)
_PRECISE_SCALE: Final = 40
_AMOUNT_DIGITS: Final = 38
_PRECISE_DIGITS: Final = 76


def json_scalar(value: Any) -> Any:
    """One cell as a JSON scalar: decimals as plain text, dates and instants ISO 8601,
    choices their values, ints and text as they are, ``None`` as null."""
    if isinstance(value, enum.Enum):
        return value.value
    if value is None or isinstance(value, int | str):
        return value
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, date):  # a datetime is a date too
        return value.isoformat()
    return str(value)


def json_records(rows: Iterable[Mapping[str, Any]], columns: Columns) -> list[dict[str, Any]]:
    """``rows`` as JSON scalars (:func:`json_scalar`), in the order of ``columns``.

    >>> json_records([{"day": date(2025, 1, 1), "total": Decimal("9900.00")}],
    ...              {"day": ColumnKind.DATE, "total": ColumnKind.AMOUNT})
    [{'day': '2025-01-01', 'total': '9900.00'}]
    """
    return [{name: json_scalar(row[name]) for name in columns} for row in rows]


def _places(value: Decimal | None) -> int:
    exponent = 0 if value is None else value.as_tuple().exponent
    assert isinstance(exponent, int)
    return max(-exponent, 0)


def _integer_digits(value: Decimal | None) -> int:
    return 0 if value is None or value.is_zero() else max(value.adjusted() + 1, 0)


def _decimal_column(
    pa: Any, values: list[Decimal | None], scale: int, most: int, name: str, feature: str
) -> Any:
    """Decimals at ``scale`` places (half-even) in ``decimal128(38, scale)`` when ``most`` is
    38, else ``decimal256(76, scale)``; a value with more digits than that is refused."""
    widest = max((_integer_digits(v) for v in values), default=0)
    if widest + scale > most:
        raise ValidationError(
            f"{feature}: the column {shown(name)} holds a value with {widest} digits before "
            f"the point, too large for an Arrow decimal of {most} digits with {scale} places; "
            "it is refused rather than truncated."
        )
    quantum = Decimal(1).scaleb(-scale)
    placed = [None if v is None else v.quantize(quantum, context=_WIDE) for v in values]
    kind = pa.decimal128(most, scale) if most == _AMOUNT_DIGITS else pa.decimal256(most, scale)
    return pa.array(placed, kind)


_INT64: Final = range(-(2**63), 2**63)


def _int64s(values: list[int | None], name: str, feature: str) -> list[int | None]:
    """Whole numbers for an Arrow ``int64`` column; one past 64 bits (a count is checked up to
    40 digits) is refused rather than wrapped or left to pyarrow's OverflowError."""
    for value in values:
        if value is not None and value not in _INT64:
            raise ValidationError(
                f"{feature}: the column {shown(name)} holds {shown(value)}, past the 64-bit "
                "whole numbers of an Arrow int64 column; it is refused rather than wrapped."
            )
    return values


def _amount_scale(rows: Sequence[Mapping[str, Any]], columns: Columns) -> int:
    """The places of every rounded amount of a table: the largest minor unit of the
    currencies in its ``currency`` column, or of any amount written with more places."""
    scale = max(
        (
            _places(row[name])
            for name, kind in columns.items()
            if kind is ColumnKind.AMOUNT
            for row in rows
        ),
        default=0,
    )
    if "currency" in columns:
        codes = {row["currency"] for row in rows} - {None}
        scale = max([scale, *(Currency.of(code).minor_units for code in codes)])
    return scale


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)


def arrow_table(rows: Sequence[Mapping[str, Any]], columns: Columns, feature: str) -> pa.Table:
    """``rows`` as a ``pyarrow.Table`` typed by ``columns`` (needs the ``arrow`` extra; the
    missing-extra error names ``feature``, such as ``"Contract.to_arrow()"``).

    >>> table = arrow_table([{"sku": "SEAT", "total": Decimal("9900.00")}],
    ...                     {"sku": ColumnKind.CHOICE, "total": ColumnKind.AMOUNT}, "A doctest")
    >>> str(table.schema.field("total").type), table.column("total").to_pylist()
    ('decimal128(38, 2)', [Decimal('9900.00')])
    """
    arrow = require_extra("pyarrow", "arrow", feature)
    amount_scale = _amount_scale(rows, columns)
    arrays = []
    for name, kind in columns.items():
        values = [row[name] for row in rows]
        if kind is ColumnKind.TEXT:
            array = arrow.array(values, arrow.string())
        elif kind is ColumnKind.CHOICE:
            texts = [v.value if isinstance(v, enum.Enum) else v for v in values]
            array = arrow.array(texts, arrow.string()).dictionary_encode()
        elif kind is ColumnKind.INTEGER:
            array = arrow.array(_int64s(values, name, feature), arrow.int64())
        elif kind is ColumnKind.DATE:
            array = arrow.array(values, arrow.date32())
        elif kind is ColumnKind.INSTANT:
            array = arrow.array([_utc(v) for v in values], arrow.timestamp("us", tz="UTC"))
        elif kind is ColumnKind.AMOUNT:
            array = _decimal_column(arrow, values, amount_scale, _AMOUNT_DIGITS, name, feature)
        elif kind is ColumnKind.QUANTITY:
            scale = min(max((_places(v) for v in values), default=0), _PRECISE_SCALE)
            widest = max((_integer_digits(v) for v in values), default=0)
            most = _AMOUNT_DIGITS if widest + scale <= _AMOUNT_DIGITS else _PRECISE_DIGITS
            array = _decimal_column(arrow, values, scale, most, name, feature)
        else:
            array = _decimal_column(arrow, values, _PRECISE_SCALE, _PRECISE_DIGITS, name, feature)
        arrays.append(array)
    table: pa.Table = arrow.Table.from_arrays(arrays, names=list(columns))
    return table


def data_frame(rows: Sequence[Mapping[str, Any]], columns: Columns, feature: str) -> pd.DataFrame:
    """``rows`` as a pandas DataFrame: the :func:`arrow_table` with ``pd.ArrowDtype`` columns
    (needs the ``pandas`` extra, which brings pyarrow), so sums and group-bys are exact."""
    pandas = require_extra("pandas", "pandas", feature)
    require_extra("pyarrow", "pandas", feature)
    frame: pd.DataFrame = arrow_table(rows, columns, feature).to_pandas(
        types_mapper=pandas.ArrowDtype
    )
    return frame


class TypedRows:
    """What an aggregate inherits to offer ``to_records()``, ``to_arrow()`` and ``to_pandas()``
    from one list of rows (``_rows()``: Python values, one dict per row) under its typed
    ``_columns``, so the three views can never disagree."""

    __slots__ = ()
    _columns: ClassVar[Columns]

    def _rows(self) -> list[dict[str, Any]]:
        raise NotImplementedError  # pragma: no cover - every aggregate lists its rows

    def _table_columns(self) -> Columns:
        """The columns of this value's table: ``_columns``, unless they depend on the value
        (an aging report's buckets)."""
        return self._columns

    def to_records(self) -> list[dict[str, Any]]:
        """One flat record per row (JSON scalars: decimals as text, dates ISO 8601)."""
        return json_records(self._rows(), self._table_columns())

    def to_arrow(self) -> pa.Table:
        """The rows as a typed ``pyarrow.Table`` (the ``arrow`` extra), which Polars and
        DuckDB read as they are: rounded amounts ``decimal128(38, s)``, unrounded ones
        ``decimal256(76, 40)``, dates ``date32``, currencies and enums dictionary-encoded."""
        feature = f"{type(self).__name__}.to_arrow()"
        return arrow_table(self._rows(), self._table_columns(), feature)

    def to_pandas(self) -> pd.DataFrame:
        """:meth:`to_arrow` as a pandas DataFrame with ``pd.ArrowDtype`` columns (the
        ``pandas`` extra): decimals stay exact, so sums equal the library's totals."""
        feature = f"{type(self).__name__}.to_pandas()"
        return data_frame(self._rows(), self._table_columns(), feature)
