"""Demo section: a co-termed upsell 14 months in, and the renewal with a 7 % uplift."""

from __future__ import annotations

from typing import TYPE_CHECKING

from revcycle._display import amount_text
from revcycle.cli._amend import print_amendment
from revcycle.cli._demo._seed import UPLIFT, seed_story
from revcycle.cli._renew import print_renewal
from revcycle.quotes import StepName


if TYPE_CHECKING:
    from rich.console import Console

TITLE = "Interval 5 — a co-termed upsell, then the renewal with a 7 % uplift"


def run(console: Console) -> None:
    """Print the upsell and renewal section."""
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

    renewal = story.renewal
    (renewed,) = renewal.lines
    console.print(
        f"\nThe renewal reads version 2: one line of {renewed.quantity} seats (100 + 5 on the "
        f"last day), from {renewal.quote.start_date.isoformat()} for the contract's own 36 "
        f"months, at the locked price raised by {UPLIFT}:"
    )
    print_renewal(renewal, console)
    steps = {step.name: step for step in renewed.steps}
    console.print(
        f"Its steps say where each figure comes from: {steps[StepName.CONTRACTED].reason}; "
        f"{steps[StepName.TERM].reason}; {steps[StepName.UPLIFT].reason}. Payment terms and "
        "proration method carry over; signed, it is contract "
        f"{story.renewed.id} at {amount_text(story.renewed.subscriptions[0].net_unit_price)} a "
        "seat a year "
        f"(1080.00 × 1.07), TCV {story.renewed.tcv}."
    )
