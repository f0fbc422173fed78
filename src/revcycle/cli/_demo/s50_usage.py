"""Demo section: a month of API calls and storage rated on tiers, with every event accounted for."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from revcycle.cli._common import print_table
from revcycle.dates import Period
from revcycle.samples import read_text
from revcycle.serialization import loads
from revcycle.usage import UsageCharge, UsageEvent, rate_usage


if TYPE_CHECKING:
    from rich.console import Console

TITLE = "Recurring billing: usage metered, rated on tiers, explained"


@attrs.frozen
class _Events:
    events: tuple[UsageEvent, ...]


@attrs.frozen
class _Plan:
    charges: tuple[UsageCharge, ...]


def run(console: Console) -> None:
    """Print the usage section."""
    events = loads(read_text("usage_events.json"), _Events).events
    charges = loads(read_text("usage_plan.json"), _Plan).charges
    january = Period.of_month(2024, 1)
    console.print(
        f"{len(events)} usage events for January 2024: daily API-call counts for three "
        "customers (graduated: 0.001 up to 10,000 calls, 0.0008 up to 100,000, then 0.0005) "
        "and storage level changes (a time-weighted sum of GB, 0.10 per GB-month, minimum 5.00)."
    )
    rating = rate_usage(events, charges, january)
    rows = [
        [line.customer, line.metric, f"{line.quantity:f}", str(line.amount)]
        for line in rating.lines
    ]
    print_table(
        "Rated usage, January 2024",
        ["customer", "metric", "quantity", "amount"],
        rows,
        right=[2, 3],
        out=console,
    )
    console.print("\nEvery line explains itself — acme's API calls, tier by tier:")
    console.print(rating.line("acme", "api_calls").explain())
    console.print("\nNothing is dropped silently:")
    for label, found in (
        ("retried with the same id, counted once", rating.duplicates),
        ("same id but a different payload (reported, not merged)", rating.conflicts),
        ("dated before January (late: the period may already be invoiced)", rating.late),
        ("dated after January (for the next period)", rating.future),
    ):
        if found:
            console.print(f"  {len(found)} {label}: {', '.join(e.id for e in found)}")

    mid = rate_usage([e for e in events if e.at.day <= 15], charges[:1], january)
    first = mid.line("acme", "api_calls")
    final = rate_usage(
        events, charges[:1], january, already_billed={first.key: first.quantity}
    ).line("acme", "api_calls")
    console.print(
        f"\nProgressive billing: acme was invoiced {first.amount} for {first.quantity:f} "
        f"calls on the 15th; at month end the delta is {final.amount}, and "
        f"{first.amount} + {final.amount} = {first.amount + final.amount}, exactly the "
        f"one-shot {rating.line('acme', 'api_calls').amount}."
    )
