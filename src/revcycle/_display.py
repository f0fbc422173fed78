"""Static, escaped HTML for notebooks (``_repr_html_``) and plain records for DataFrames.

One renderer for every aggregate: a caption, a header row and body rows, amounts right-aligned.
No scripts and no external styles, so it renders the same in Jupyter, VS Code and GitHub.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from revcycle._validate import require_extra


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
