"""Usage events, step 1 of usage rating: one thing that happened, and the key of a rated line.

A :class:`UsageEvent` carries the caller's idempotency ``id``, a timezone-aware ``at`` and a
Decimal ``quantity`` (docs/reference/usage.md). Also home of the two text checks the meters
share. Re-exported by :mod:`revcycle.usage`; import them from there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Final, TypeAlias, final

import attrs

from revcycle._numbers import ONE, DecimalLike, to_decimal
from revcycle.errors import RevcycleTypeError, ValidationError, shown


UsageKey: TypeAlias = tuple[str, str, str | None]
"""``(customer, metric, group)``: what one rated line is for (group ``None`` without grouping)."""

_EMPTY: Final[Mapping[str, str]] = MappingProxyType({})


def _text(what: str) -> Callable[[object, attrs.Attribute[Any], object], None]:
    def check(_: object, __: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, str):
            raise RevcycleTypeError(f"{what} must be a string, not {shown(value)}.")
        if not value:
            raise ValidationError(f"{what} must not be empty.")

    return check


def _optional_text(what: str) -> Callable[[object, attrs.Attribute[Any], object], None]:
    check = _text(what)

    def optional(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            check(instance, attribute, value)

    return optional


def _aware(_: object, __: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, datetime):
        raise RevcycleTypeError(f"A usage event's 'at' must be a datetime, not {shown(value)}.")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(
            f"A usage event's 'at' must be timezone-aware, not the naive datetime "
            f"{value.isoformat()}; attach a zone such as UTC or ZoneInfo('Europe/Paris')."
        )


def _quantity(value: DecimalLike) -> Decimal:
    return to_decimal(value, "A usage event's quantity")


def _properties(properties: Mapping[str, str]) -> Mapping[str, str]:
    value: object = properties  # checked as it came, whatever the annotation promises
    if isinstance(value, MappingProxyType) and not value:
        return _EMPTY
    if not isinstance(value, Mapping):
        raise RevcycleTypeError(
            f"Usage event properties must be a mapping of strings to strings, not {shown(value)}."
        )
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str):
            raise RevcycleTypeError(
                f"Usage event properties map strings to strings; got {shown(key)}: {shown(item)}. "
                "Write numbers and other values as text."
            )
    return MappingProxyType(dict(value)) if value else _EMPTY


@final
@attrs.frozen(kw_only=True)
class UsageEvent:
    """One metered occurrence: ``quantity`` units of ``metric`` used by ``customer`` at ``at``.

    ``id`` is the caller's idempotency key: an id seen twice counts once. ``at`` must be
    timezone-aware. ``quantity`` defaults to 1 and may be negative (a correction) where the
    meter allows it. ``properties`` holds dimensions and unique keys as strings, read-only.

    >>> from datetime import UTC, datetime
    >>> event = UsageEvent(id="evt-1", customer="acme", metric="api_calls",
    ...                    at=datetime(2024, 1, 2, 9, 30, tzinfo=UTC),
    ...                    properties={"region": "eu"})
    >>> event.quantity, event.properties["region"]
    (Decimal('1'), 'eu')
    """

    id: str = attrs.field(validator=_text("A usage event's id"))
    customer: str = attrs.field(validator=_text("A usage event's customer"))
    metric: str = attrs.field(validator=_text("A usage event's metric"))
    at: datetime = attrs.field(validator=_aware)
    quantity: Decimal = attrs.field(default=ONE, converter=_quantity)
    # Excluded from the hash (a read-only mapping is not hashable) but part of equality.
    properties: Mapping[str, str] = attrs.field(default=_EMPTY, converter=_properties, hash=False)

    def with_quantity(self, quantity: Decimal | int | str) -> UsageEvent:
        """The same event with another quantity (a correction keeps its id)."""
        return attrs.evolve(self, quantity=quantity)

    def __reduce__(self) -> tuple[Any, ...]:
        # ``properties`` is a read-only mapping proxy, which pickle cannot write: pickle and
        # deepcopy rebuild the event from its fields and a plain dict of its properties.
        return (
            _restore_event,
            (self.id, self.customer, self.metric, self.at, self.quantity, dict(self.properties)),
        )


def _restore_event(
    id: str,
    customer: str,
    metric: str,
    at: datetime,
    quantity: Decimal,
    properties: dict[str, str],
) -> UsageEvent:
    """An event read back by pickle or deepcopy (see ``UsageEvent.__reduce__``)."""
    return UsageEvent(
        id=id, customer=customer, metric=metric, at=at, quantity=quantity, properties=properties
    )
