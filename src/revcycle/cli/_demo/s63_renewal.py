"""Demo section: the seed deal renewed with a 7 % uplift, at the end of the story."""

from __future__ import annotations

from typing import TYPE_CHECKING

from revcycle._display import amount_text
from revcycle.cli._demo._seed import UPLIFT, seed_story
from revcycle.cli._renew import print_renewal
from revcycle.quotes import StepName


if TYPE_CHECKING:
    from rich.console import Console

TITLE = "Interval 5 — the renewal, with a 7 % uplift"


def run(console: Console) -> None:
    """Print the renewal section."""
    renewal, signed = seed_story().renewal, seed_story().renewed
    (renewed,) = renewal.lines
    console.print(
        "Back to the signed story: C-1 runs to its end. The renewal reads version 2: one line "
        f"of {renewed.quantity} seats (100 + 5 on the "
        f"last day), from {renewal.quote.start_date.isoformat()} for the contract's own 36 "
        f"months, at the locked price raised by {UPLIFT}:"
    )
    print_renewal(renewal, console)
    steps = {step.name: step for step in renewed.steps}
    console.print(
        f"Its steps say where each figure comes from: {steps[StepName.CONTRACTED].reason}; "
        f"{steps[StepName.TERM].reason}; {steps[StepName.UPLIFT].reason}. Payment terms and "
        f"proration method carry over; signed, it is contract {signed.id} at "
        f"{amount_text(signed.subscriptions[0].net_unit_price)} a seat a year (1080.00 × 1.07), "
        f"TCV {signed.tcv}."
    )
