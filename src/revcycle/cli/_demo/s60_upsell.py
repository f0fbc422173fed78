"""Demo section: a co-termed upsell 14 months in (billed in the next section)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from revcycle.cli._amend import print_amendment
from revcycle.cli._demo._seed import seed_story


if TYPE_CHECKING:
    from rich.console import Console

TITLE = "Interval 5 — a co-termed upsell, 14 months in"


def run(console: Console) -> None:
    """Print the upsell section."""
    story = seed_story()
    upsell = story.upsell
    (line,) = upsell.lines
    console.print(
        f"On {upsell.amendment.effective_date.isoformat()}, 14 months in, the customer goes "
        f"from {line.prior_quantity} to {line.quantity} seats. The 5 new seats end with the "
        "contract (co-terminated) and are priced for the remaining span at the locked price:"
    )
    print_amendment(upsell, console)
    console.print(upsell.explain())
    console.print(
        "\nThe contract is never edited: the upsell made version 2, a delta segment of +5; "
        f"version 1 is still readable (TCV {story.contract.tcv})."
    )
