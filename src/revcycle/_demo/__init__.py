"""The demo behind ``revcycle demo``: one section per part of the revenue cycle.

Sections are private modules of this package named ``s<NN>_<topic>``, run in name order; each
has ``TITLE`` and ``run(console)``. They use only the public API and the built-in samples.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING


if TYPE_CHECKING:
    from rich.console import Console


def run_demo(console: Console) -> None:
    """Print every section of the demo."""
    console.print("[bold]revcycle demo[/bold] — the revenue cycle on built-in sample data\n")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("s"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            console.rule(f"[bold]{module.TITLE}[/bold]")
            module.run(console)
            console.print()
