"""Demo section: the ARR bridge of the sample book over the year the seed deal renews."""

from __future__ import annotations

from typing import TYPE_CHECKING

from revcycle.cli._arr import print_bridge
from revcycle.cli._demo._seed import BRIDGE_YEAR, seed_story
from revcycle.metrics import arr_bridge


if TYPE_CHECKING:
    from rich.console import Console

TITLE = "Interval 5 — the ARR bridge: how the book's recurring revenue moved"


def run(console: Console) -> None:
    """Print the ARR bridge section."""
    story = seed_story()
    accounts = sorted({c.account for c in story.book})
    console.print(
        f"The sample book: {len(story.book)} contracts of {len(accounts)} accounts "
        f"({', '.join(accounts)}), the seed contract C-1 and its renewal C-2 among them. ARR "
        "is 12 × the monthly value of the recurring segments active on a day; the bridge "
        "classifies each account's change between the day before the period and its last day:"
    )
    bridge = arr_bridge(story.book, BRIDGE_YEAR)
    print_bridge(bridge, console)
    console.print(
        "The renewal C-2 supersedes C-1 on the same account, so Contoso's 7 % uplift is an "
        "expansion — not a churn followed by new business — and the movements add up: "
        f"{bridge.opening.round()} + {bridge.new.round()} + {bridge.expansion.round()} + "
        f"{bridge.reactivation.round()} − {bridge.contraction.round()} − "
        f"{bridge.churn.round()} = {bridge.closing.round()}."
    )
