"""Usage metering and rating: raw usage events in, exact and explainable charges out.

The engine behind usage-based billing (docs/reference/usage.md). Four steps, each a value you
can inspect:

1. :class:`UsageEvent` — one thing that happened (an API call, a gigabyte stored), with a
   unique ``id``, a timezone-aware timestamp and a Decimal ``quantity``.
2. :class:`Meter` — how events of one metric become a quantity per customer (and per group)
   over a period: :class:`Aggregation` ``SUM``, ``COUNT``, ``MAX``, ``UNIQUE_COUNT``,
   ``LATEST`` or ``TIME_WEIGHTED_SUM``; optional property filters, grouping and
   :class:`UnitRounding`.
3. :class:`UsageCharge` — a meter and a pricing model (any model of :mod:`revcycle.pricing`, or
   :class:`Percentage`), with included units, a minimum (true-up) and a maximum (cap).
4. :func:`rate_usage` — every customer at once: one :class:`RatedCharge` per customer, metric
   and group, each with its breakdown rows and :meth:`~RatedCharge.explain`.

Conventions:

* Period dates are local dates in the customer's timezone ``tz`` (UTC by default); an event
  belongs to the period when ``start 00:00 <= at < end 00:00`` in that zone.
* A repeated event id counts once (the first occurrence); later occurrences are reported in
  ``duplicates``, and those whose fields differ from the first also in ``conflicts``.
* Events before the period are reported as ``late``, at or after its end as ``future``, and
  events of a metric no charge meters as ``unmetered``: none is counted, none is dropped
  silently.
* Amounts are exact; a line's ``amount`` is rounded once, half-up at the currency's minor unit.

>>> from datetime import UTC, datetime
>>> from decimal import Decimal
>>> from revcycle import Money, Period
>>> from revcycle.pricing import Graduated, Tier
>>> calls = Meter("api_calls", Aggregation.SUM)
>>> tiers = [Tier(Decimal("10000"), Money("0.001", "USD")),
...          Tier(Decimal("100000"), Money("0.0008", "USD")),
...          Tier(None, Money("0.0005", "USD"))]
>>> charge = UsageCharge(calls, Graduated(tiers))
>>> at = datetime(2024, 1, 15, 12, 0, tzinfo=UTC)
>>> events = [UsageEvent(id="e1", customer="acme", metric="api_calls", at=at,
...                      quantity=Decimal("150000"))]
>>> rating = rate_usage(events, [charge], Period.of_month(2024, 1))
>>> rating.lines[0].amount
Money('107.00', 'USD')
"""

from __future__ import annotations

from revcycle.errors import UsageError
from revcycle.usage._charges import AnyUsageModel, Percentage, UsageCharge
from revcycle.usage._engine import (
    aggregate_usage,
    period_bounds,
    rate_usage,
    rate_usage_table,
    zone_of,
)
from revcycle.usage._events import UsageEvent, UsageKey
from revcycle.usage._meters import Aggregation, Meter, UnitRounding, UnitRoundingMode
from revcycle.usage._results import RatedCharge, UsageRating


__all__ = [
    "Aggregation",
    "AnyUsageModel",
    "Meter",
    "Percentage",
    "RatedCharge",
    "UnitRounding",
    "UnitRoundingMode",
    "UsageCharge",
    "UsageError",
    "UsageEvent",
    "UsageKey",
    "UsageRating",
    "aggregate_usage",
    "period_bounds",
    "rate_usage",
    "rate_usage_table",
    "zone_of",
]
