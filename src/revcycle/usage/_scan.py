"""What both scans of usage events share: the object path and the columnar path.

:func:`~revcycle.usage.rate_usage` scans ``UsageEvent`` values in one Python loop
(``usage/_engine.py``); :func:`~revcycle.usage.rate_usage_table` scans a ``pyarrow.Table`` in
Arrow kernels (``usage/_arrow.py``). Both return a :class:`Scan`, turn an accumulated value
into a quantity with :func:`finish`, refuse a negative quantity by the same rule
(:func:`refuses_negative`) and with the same error (:func:`negative_quantity`), and weigh a
``TIME_WEIGHTED_SUM`` change by the microseconds it is held (:data:`MICROSECOND`), so that
their results are equal. Neither scan imports the other.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any, Final

import attrs

from revcycle._numbers import CTX, plain
from revcycle.errors import UsageError, shown
from revcycle.usage._events import UsageEvent, UsageKey
from revcycle.usage._meters import Aggregation, Meter


MICROSECOND: Final = timedelta(microseconds=1)
"""The unit of time of both scans (Python's ``datetime`` and the table's ``at`` column)."""


@attrs.define(slots=True)
class Scan:
    """What one pass over the events found, by either scan."""

    quantities: dict[UsageKey, Decimal]
    amounts: dict[UsageKey, list[Decimal]]
    duplicates: list[UsageEvent]
    conflicts: list[UsageEvent]
    late: list[UsageEvent]
    future: list[UsageEvent]
    unmetered: list[UsageEvent]
    # The columnar scan leaves ``duplicates`` and ``conflicts`` empty when it found repeats
    # and gives instead what builds them, ``(duplicates, conflicts)``, when first read.
    pending: Callable[[], tuple[tuple[UsageEvent, ...], tuple[UsageEvent, ...]]] | None = None


def refuses_negative(meter: Meter) -> bool:
    """True when ``meter`` refuses a negative quantity: a ``SUM``, ``MAX`` or ``LATEST`` meter
    without ``allow_negative`` (a ``TIME_WEIGHTED_SUM`` takes changes of either sign)."""
    return not meter.allow_negative and meter.aggregation in (
        Aggregation.SUM,
        Aggregation.MAX,
        Aggregation.LATEST,
    )


def negative_quantity(event: UsageEvent) -> UsageError:
    """The error for a negative quantity under a meter that does not allow one."""
    return UsageError(
        f"Usage event {shown(event.id)} has the negative quantity {plain(event.quantity)} but the "
        f"{shown(event.metric)} meter does not allow negative quantities; set allow_negative=True "
        "on the meter to accept corrections."
    )


def finish(kind: Aggregation, value: Any, span: int) -> Decimal:
    """The quantity of an accumulated value (``span``: the period in microseconds)."""
    if kind is Aggregation.COUNT:
        return Decimal(value)
    if kind is Aggregation.UNIQUE_COUNT:
        return Decimal(len(value))
    if kind is Aggregation.LATEST:
        quantity: Decimal = value[1]
        return quantity
    if kind is Aggregation.TIME_WEIGHTED_SUM:
        return CTX.divide(value, Decimal(span))
    result: Decimal = value
    return result
