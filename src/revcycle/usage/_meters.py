"""Meters, step 2 of usage rating: how a period's events become one quantity per customer.

:class:`Meter` names the metric, its :class:`Aggregation`, property filters, grouping and an
optional :class:`UnitRounding` (docs/how-to/usage-aggregations.md). Re-exported by
:mod:`revcycle.usage`; import them from there.
"""

from __future__ import annotations

import decimal
import enum
from collections.abc import Iterable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Final, final

import attrs

from revcycle._numbers import CTX, ONE, PRECISION, plain, to_decimal, to_int
from revcycle._validate import check_arguments, check_type, require_sequence, to_choice
from revcycle.errors import RevcycleTypeError, ValidationError, shown
from revcycle.usage._events import UsageEvent, _optional_text, _text


def _filters(filters: Mapping[str, str | Iterable[str]]) -> Mapping[str, frozenset[str]]:
    value: object = filters  # checked as it came, whatever the annotation promises
    if not isinstance(value, Mapping):
        raise RevcycleTypeError(
            f"Meter filters must map a property to a value or a set of values, not {shown(value)}."
        )
    result: dict[str, frozenset[str]] = {}
    for key, accepted in value.items():
        if not isinstance(key, str) or not key:
            raise RevcycleTypeError(
                f"A meter filter's property must be a string, not {shown(key)}."
            )
        values = frozenset((accepted,)) if isinstance(accepted, str) else accepted
        if not isinstance(values, Iterable) or isinstance(values, Mapping):
            raise RevcycleTypeError(
                f"Meter filter {shown(key)} must accept a string or a set of strings, "
                f"not {shown(accepted)}."
            )
        values = frozenset(require_sequence(values, f"Meter filter {shown(key)}"))
        if not values or not all(isinstance(v, str) for v in values):
            raise ValidationError(
                f"Meter filter {shown(key)} must accept at least one string value, not "
                f"{shown(accepted)}."
            )
        result[key] = values
    return MappingProxyType(dict(sorted(result.items()))) if result else MappingProxyType({})


class Aggregation(enum.StrEnum):
    """How a meter turns a period's events into one quantity per customer and group.

    ``SUM`` adds quantities, ``COUNT`` counts events, ``MAX`` takes the largest quantity,
    ``UNIQUE_COUNT`` counts distinct values of the meter's ``unique_property``, ``LATEST``
    takes the quantity of the event with the latest ``at`` (ties: the later one given), and
    ``TIME_WEIGHTED_SUM`` averages a running level (each quantity a change to it) over the
    period's real elapsed time.
    """

    SUM = "sum"
    COUNT = "count"
    MAX = "max"
    UNIQUE_COUNT = "unique_count"
    LATEST = "latest"
    TIME_WEIGHTED_SUM = "time_weighted_sum"


class UnitRoundingMode(enum.StrEnum):
    """How :class:`UnitRounding` rounds: ``ROUND`` half-up, ``CEIL`` up, ``FLOOR`` down."""

    ROUND = "round"
    CEIL = "ceil"
    FLOOR = "floor"


_UNIT_ROUNDING: Final = {
    UnitRoundingMode.ROUND: decimal.ROUND_HALF_UP,
    UnitRoundingMode.CEIL: decimal.ROUND_CEILING,
    UnitRoundingMode.FLOOR: decimal.ROUND_FLOOR,
}


def _aggregation(value: Aggregation | str) -> Aggregation:
    result: Aggregation = to_choice(Aggregation, value, "A meter's aggregation")
    return result


def _unit_rounding_mode(value: UnitRoundingMode | str) -> UnitRoundingMode:
    result: UnitRoundingMode = to_choice(UnitRoundingMode, value, "A unit rounding mode")
    return result


def _precision(value: int) -> int:
    number = to_int(value, "Unit rounding precision")
    if abs(number) > PRECISION:
        raise ValidationError(
            f"Unit rounding precision must be between -{PRECISION} and {PRECISION} decimal "
            f"places, got {shown(number)}."
        )
    return number


@final
@attrs.frozen
class UnitRounding:
    """Round an aggregated quantity before pricing: ``precision`` decimal places.

    A negative precision rounds to tens (-1), hundreds (-2) and so on; ``CEIL`` and ``FLOOR``
    round toward positive and negative infinity.

    >>> UnitRounding(UnitRoundingMode.CEIL).apply(Decimal("10.2"))
    Decimal('11')
    >>> UnitRounding(UnitRoundingMode.ROUND, -2).apply(Decimal("123.456"))
    Decimal('100')
    >>> UnitRounding(UnitRoundingMode.CEIL, -2).apply(Decimal("123.456"))
    Decimal('200')
    """

    mode: UnitRoundingMode = attrs.field(converter=_unit_rounding_mode)
    precision: int = attrs.field(default=0, converter=_precision)

    def apply(self, quantity: Decimal) -> Decimal:
        """``quantity`` rounded by this rule."""
        quantity = to_decimal(quantity, "A quantity to round")
        quantum = ONE.scaleb(-self.precision, context=CTX)
        try:
            rounded = quantity.quantize(quantum, rounding=_UNIT_ROUNDING[self.mode], context=CTX)
            if self.precision < 0:
                # 1E+2 reads badly on an invoice; keep the value, show it as 100.
                rounded = rounded.quantize(ONE, context=CTX)
        except decimal.InvalidOperation:
            raise ValidationError(
                f"Cannot round the quantity {plain(quantity)} to {self.precision} decimal "
                f"places within {PRECISION} significant digits; use a smaller precision."
            ) from None
        return rounded


def _check_meter(meter: Meter) -> None:
    if meter.aggregation is Aggregation.UNIQUE_COUNT and meter.unique_property is None:
        raise ValidationError(
            f"A UNIQUE_COUNT meter needs unique_property (the property whose distinct values "
            f"it counts); meter {shown(meter.metric)} has none."
        )
    if meter.aggregation is not Aggregation.UNIQUE_COUNT and meter.unique_property is not None:
        raise ValidationError(
            f"unique_property only applies to UNIQUE_COUNT meters; meter {shown(meter.metric)} "
            f"aggregates by {meter.aggregation.name}."
        )


@final
@attrs.frozen
class Meter:
    """How events of ``metric`` become one quantity per customer (and group) over a period.

    ``filters`` maps a property to the value (or set of values) an event must carry to count,
    such as ``{"region": "eu"}``. ``group_by`` names a property whose values split a customer's
    usage into separately rated groups (an event without it falls in group ``None``).
    ``unit_rounding`` rounds each aggregated quantity before pricing. ``allow_negative`` lets
    ``SUM``, ``MAX`` and ``LATEST`` meters take negative quantities (corrections); a
    ``TIME_WEIGHTED_SUM`` always accepts them, since they lower the running level.

    >>> Meter("storage_gb", Aggregation.TIME_WEIGHTED_SUM, group_by="region").group_by
    'region'
    """

    metric: str = attrs.field(validator=_text("A meter's metric"))
    aggregation: Aggregation = attrs.field(converter=_aggregation)
    unique_property: str | None = attrs.field(
        default=None, kw_only=True, validator=_optional_text("A meter's unique_property")
    )
    filters: Mapping[str, frozenset[str]] = attrs.field(
        factory=dict, kw_only=True, converter=_filters, hash=False
    )
    group_by: str | None = attrs.field(
        default=None, kw_only=True, validator=_optional_text("A meter's group_by")
    )
    unit_rounding: UnitRounding | None = attrs.field(
        default=None,
        kw_only=True,
        validator=check_type(
            UnitRounding, "a UnitRounding or None", "A meter's unit_rounding", optional=True
        ),
    )
    allow_negative: bool = attrs.field(
        default=False,
        kw_only=True,
        validator=check_type(bool, "True or False", "A meter's allow_negative"),
    )

    def __attrs_post_init__(self) -> None:
        _check_meter(self)

    @check_arguments
    def accepts(self, event: UsageEvent) -> bool:
        """True when ``event`` is of this meter's metric and passes every filter."""
        if event.metric != self.metric:
            return False
        props = event.properties
        return all(props.get(key) in accepted for key, accepted in self.filters.items())

    def group_of(self, event: UsageEvent) -> str | None:
        """The group ``event`` falls in (``None`` without grouping or without the property)."""
        return None if self.group_by is None else event.properties.get(self.group_by)

    def round_units(self, quantity: Decimal) -> Decimal:
        """``quantity`` after this meter's unit rounding (unchanged without one)."""
        quantity = to_decimal(quantity, "A metered quantity")
        return quantity if self.unit_rounding is None else self.unit_rounding.apply(quantity)
