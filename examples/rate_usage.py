"""Rate a month of API calls on graduated tiers, bill part of it early, and show the rest.

Run: .venv/bin/python examples/rate_usage.py
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from revcycle import Money, Period
from revcycle.pricing import Graduated, Tier
from revcycle.usage import Aggregation, Meter, UsageCharge, UsageEvent, rate_usage


def main() -> None:
    tiers = Graduated(
        [
            Tier(Decimal("10000"), Money("0.001", "USD")),
            Tier(Decimal("100000"), Money("0.0008", "USD")),
            Tier(None, Money("0.0005", "USD")),
        ]
    )
    charge = UsageCharge(Meter("api_calls", Aggregation.SUM), tiers, minimum=Money("20.00", "USD"))
    january = Period.of_month(2024, 1)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    daily = {"acme": 4_800, "globex": 1_300, "initech": 150}
    events = [
        UsageEvent(
            id=f"{customer}-{day}",
            customer=customer,
            metric="api_calls",
            at=start + timedelta(days=day, hours=9),
            quantity=Decimal(calls),
        )
        for day in range(31)
        for customer, calls in daily.items()
    ]
    events.append(events[0])  # a retry with the same id: counted once

    rating = rate_usage(events, charge, january)
    print(rating.explain())

    # Progressive billing: acme is invoiced on the 15th, then the rest at month end.
    cutoff = start + timedelta(days=15)
    mid = rate_usage([e for e in events if e.at < cutoff], charge, january).line(
        "acme", "api_calls"
    )
    rest = rate_usage(events, charge, january, already_billed={mid.key: mid.quantity}).line(
        "acme", "api_calls"
    )
    whole = rating.line("acme", "api_calls")
    print(f"\nacme: {mid.amount} on the 15th + {rest.amount} at month end = {whole.amount}")
    assert mid.amount + rest.amount == whole.amount


if __name__ == "__main__":
    main()
