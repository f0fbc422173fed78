"""A grouped meter (``group_by``, the engine's general path) and negative quantities: SUM,
MAX and LATEST refuse them unless the meter allows them, and then count them as given.

Two events of acme in region eu on 2024-01-05, quantities 2 then -1: SUM 2 + (-1) = 1, MAX 2,
LATEST (same instant: the later listed wins) -1.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from revcycle import errors
from revcycle.dates import Period
from revcycle.usage import Aggregation, Meter, UsageEvent, aggregate_usage


JAN = Period.of_month(2024, 1)
AT = datetime(2024, 1, 5, tzinfo=UTC)
EVENTS = [
    UsageEvent(id=i, customer="acme", metric="gb", at=AT, quantity=q, properties={"region": "eu"})
    for i, q in (("1", Decimal(2)), ("2", Decimal(-1)))
]


@pytest.mark.parametrize(
    ("aggregation", "allowed"),
    [
        (Aggregation.SUM, Decimal(1)),
        (Aggregation.MAX, Decimal(2)),
        (Aggregation.LATEST, Decimal(-1)),
    ],
)
def test_a_grouped_meter_refuses_or_counts_a_negative_quantity(
    aggregation: Aggregation, allowed: Decimal
) -> None:
    with pytest.raises(errors.UsageError, match="Usage event '2' has the negative quantity -1"):
        aggregate_usage(EVENTS, Meter("gb", aggregation, group_by="region"), JAN)
    meter = Meter("gb", aggregation, group_by="region", allow_negative=True)
    assert aggregate_usage(EVENTS, meter, JAN) == {("acme", "eu"): allowed}


def test_aggregate_usage_checks_its_meter_and_period() -> None:
    with pytest.raises(errors.RevcycleTypeError, match="needs a Meter, not 'gb'"):
        aggregate_usage(EVENTS, "gb", JAN)  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError, match="period must be Period, not '2024-01'"):
        aggregate_usage(EVENTS, Meter("gb", Aggregation.SUM), "2024-01")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("filters", "error", "message"),
    [
        ("eu", errors.RevcycleTypeError, "must map a property to a value or a set of values"),
        ({1: "eu"}, errors.RevcycleTypeError, "filter's property must be a string, not 1"),
        ({"region": 5}, errors.RevcycleTypeError, "'region' must accept a string or a set of"),
        ({"region": {"a": 1}}, errors.RevcycleTypeError, "'region' must accept a string or a set"),
        ({"region": []}, errors.ValidationError, "'region' must accept at least one string value"),
    ],
)
def test_meter_filters_map_text_to_text(
    filters: object, error: type[errors.RevcycleError], message: str
) -> None:
    with pytest.raises(error, match=message):
        Meter("gb", Aggregation.SUM, filters=filters)  # type: ignore[arg-type]
    # A property mapped to one text value accepts exactly that value.
    assert Meter("gb", Aggregation.SUM, filters={"region": "eu"}).filters == {
        "region": frozenset({"eu"})
    }
