"""What people read: numbers and amounts as text, static HTML tables, DataFrames.

One formatter per kind of figure, used by every explanation, table and report:
:func:`amount_text` for an amount of money, :func:`number_text` for a bare number (a quantity,
a multiplier, an amount in a column whose header names the currency), :func:`percent_text`
for a ratio shown as a percent and :func:`days_text` for a count of days; :data:`MISSING`
stands for a figure that does not exist. None of them reads the ambient decimal context.

One renderer for every aggregate: a caption, a header row and body rows, amounts right-aligned.
No scripts and no external styles, so it renders the same in Jupyter, VS Code and GitHub.

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
from collections.abc import Iterable, Sequence
from decimal import Decimal
from html import escape
from typing import Any, Final

from revcycle._numbers import CTX, HUNDRED, plain
from revcycle._validate import require_extra
from revcycle.money import Money


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
) -> str:
    """Render a table as static HTML; every cell is escaped.

    >>> html = html_table("Q <1>", ["sku", "total"], [["A&B", "10.00 USD"]], right=[1])
    >>> "<caption>Q &lt;1&gt;</caption>" in html, ">A&amp;B</td>" in html
    (True, True)
    """

    def align(i: int) -> str:
        return "right" if i in right else "left"

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


def to_pandas(records: list[dict[str, Any]]) -> Any:
    """A pandas DataFrame of ``records``; needs the ``pandas`` extra. Amounts stay Decimal."""
    pd = require_extra("pandas", "pandas", "to_pandas()")
    return pd.DataFrame.from_records(records)
