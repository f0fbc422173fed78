"""``revcycle aging``: bucket open items by days past due as of a date.

::

    revcycle aging ITEMS.json --as-of 2024-06-30
    revcycle aging ITEMS.json --as-of 2024-06-30 --edges 30,60,90 --format table

``ITEMS.json`` (a path, or ``-`` for standard input) is ``{"items": [...]}`` or a bare list of
open items, each ``{"id", "account", "due_date", "amount": {"amount", "currency"}}``. The JSON
output is the :class:`~revcycle.receivables.AgingReport`; ``--format table`` prints one row per
account and currency and one total per currency.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from revcycle.cli._common import (
    add_format_argument,
    add_verb,
    parse_date,
    print_result,
    print_table,
    read_tabular,
)
from revcycle.errors import StructureError, ValidationError, shown


if TYPE_CHECKING:
    from revcycle.receivables import AgingReport, OpenItem

# revcycle.receivables.DEFAULT_EDGES, written out so that `revcycle aging --help` imports no
# engine (tests/test_startup.py checks that they agree).
DEFAULT_EDGES_TEXT = "30,60,90,120"


def register(subparsers: Any) -> None:
    """Add the ``aging`` verb."""
    summary = "bucket open items by days past due as of a date"
    parser = add_verb(subparsers, "aging", summary, _handle, doc=__doc__)
    parser.add_argument(
        "items", metavar="ITEMS.json", help="the open items (a path, or - for stdin)"
    )
    parser.add_argument(
        "--as-of", required=True, metavar="DATE", help="the aging date (YYYY-MM-DD)"
    )
    parser.add_argument(
        "--edges",
        default=DEFAULT_EDGES_TEXT,
        metavar="N,N,...",
        help="bucket edges in days past due (default 30,60,90,120)",
    )
    add_format_argument(parser)


def read_items(text: str) -> tuple[OpenItem, ...]:
    """Open items from ``{"items": [...]}`` or a bare JSON list."""
    from revcycle.receivables import OpenItem
    from revcycle.serialization import OpenItemsDocument, loads

    start = text.lstrip()[:1]
    if start not in ("[", "{"):
        raise StructureError(
            'Cannot read open items: expected {"items": [...]} or a JSON list of open items, '
            f"got a document starting {shown(text.lstrip()[:20])}."
        )
    try:
        if start == "[":
            return loads(text, tuple[OpenItem, ...])
        return loads(text, OpenItemsDocument).items
    except StructureError as error:
        # The model names ("tuple", "OpenItemsDocument") mean nothing to whoever wrote the file.
        _, colon, rest = error.summary.partition(":")
        raise StructureError(f"Cannot read open items{colon}{rest}", error.messages) from None


def _handle(args: argparse.Namespace) -> int:
    from revcycle.receivables import aging
    from revcycle.serialization import OpenItemsDocument

    try:
        edges = tuple(int(part) for part in args.edges.split(","))
    except ValueError:
        raise ValidationError(
            "--edges must be whole days separated by commas such as 30,60,90, not "
            f"{shown(args.edges)}."
        ) from None
    document = read_tabular(
        args.items, OpenItemsDocument, lambda text: OpenItemsDocument(read_items(text))
    )
    report = aging(document.items, parse_date(args.as_of, "--as-of"), edges)
    return print_result(report, args.format, print_aging)


def print_aging(report: AgingReport, out: Any = None) -> None:
    """Print an aging report as a table."""
    headers, rows = report.table()
    codes = ", ".join(c.code for c in report.currencies)
    print_table(
        f"Aging as of {report.as_of.isoformat()}, days past due ({codes})",
        headers,
        rows,
        right=list(range(len(headers) - len(report.labels) - 1, len(headers))),
        out=out,
    )
