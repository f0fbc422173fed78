"""``revcycle demo``: walk the revenue cycle on the built-in sample data.

One section per part of the revenue cycle, each a private module of this package named
``s<NN>_<topic>`` with ``TITLE`` and ``run(console)``, run in the order of ``_SECTIONS``.
They use only the public API, the built-in samples and the command line's own tables. The seed
deal's story (contract, invoices, upsell, renewal, book) is built once in ``_seed``, for every
section that tells it. Without Rich (the ``cli`` extra) the demo prints plain text.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, Final

from revcycle.cli._common import add_verb, console
from revcycle.cli._plain import PlainText
from revcycle.errors import MissingExtraError


if TYPE_CHECKING:
    from rich.console import Console

# The demo's sections in the order they are printed; a new section is one more entry. They are
# imported when the demo runs (they use every engine), not for `revcycle demo --help`.
_SECTIONS: Final = (
    *("s10_foundation", "s20_pipeline", "s30_quote", "s35_contract", "s37_first_invoice"),
    *("s40_terms", "s50_usage", "s60_upsell", "s61_bill_changes", "s62_late_fee", "s63_renewal"),
    "s65_arr_bridge",
)


def register(subparsers: Any) -> None:
    """Add the ``demo`` verb."""
    summary = "walk the revenue cycle on built-in sample data"
    description = (
        "Walk the revenue cycle on the built-in sample data and print what a "
        "person would want to see at each interval."
    )
    add_verb(subparsers, "demo", summary, _handle, description=description)


def _handle(_: argparse.Namespace) -> int:
    try:
        out: Console | PlainText = console()
    except MissingExtraError:
        out = PlainText()
    run_demo(out)
    return 0


def run_demo(console: Console | PlainText) -> None:
    """Print every section of the demo."""
    console.print("[bold]revcycle demo[/bold] — the revenue cycle on built-in sample data\n")
    for name in _SECTIONS:
        __import__(f"{__name__}.{name}")  # the import statement's machinery: -X importtime names it
        section = sys.modules[f"{__name__}.{name}"]
        console.rule(f"[bold]{section.TITLE}[/bold]")
        section.run(console)
        console.print()
