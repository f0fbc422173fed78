"""The values of usage metering and rating: events, meters, charges and rated lines.

Re-exported by :mod:`revcycle.usage`; import them from there.
"""

from __future__ import annotations

import decimal
import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, TypeAlias, final

import attrs

from revcycle._display import html_table
from revcycle._display import to_pandas as _to_pandas
from revcycle._numbers import CTX, ONE, PRECISION, ZERO, plain, to_decimal, to_int
from revcycle._validate import check_type, trusted
from revcycle.dates import Period
from revcycle.errors import (
    RevcycleTypeError,
    UnknownCodeError,
    UsageError,
    ValidationError,
)
from revcycle.money import Currency, Money, Percent, to_currency
from revcycle.money import total as _money_total
from revcycle.pricing import AnyPricingModel, PriceRow


UsageKey: TypeAlias = tuple[str, str, str | None]
"""``(customer, metric, group)``: what one rated line is for (group ``None`` without grouping)."""

_EMPTY: Final[Mapping[str, str]] = MappingProxyType({})


# --------------------------------------------------------------------------------------------
# Small validators and converters


def _text(what: str) -> Callable[[object, attrs.Attribute[Any], object], None]:
    def check(_: object, __: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, str):
            raise RevcycleTypeError(f"{what} must be a string, not {value!r}.")
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
        raise RevcycleTypeError(f"A usage event's 'at' must be a datetime, not {value!r}.")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(
            f"A usage event's 'at' must be timezone-aware, not the naive datetime "
            f"{value.isoformat()}; attach a zone such as UTC or ZoneInfo('Europe/Paris')."
        )


def _quantity(value: object) -> Decimal:
    return to_decimal(value, "A usage event's quantity")


def _properties(value: object) -> Mapping[str, str]:
    if isinstance(value, MappingProxyType) and not value:
        return _EMPTY
    if not isinstance(value, Mapping):
        raise RevcycleTypeError(
            f"Usage event properties must be a mapping of strings to strings, not {value!r}."
        )
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str):
            raise RevcycleTypeError(
                f"Usage event properties map strings to strings; got {key!r}: {item!r}. "
                "Write numbers and other values as text."
            )
    return MappingProxyType(dict(value)) if value else _EMPTY


def _filters(value: object) -> Mapping[str, frozenset[str]]:
    if not isinstance(value, Mapping):
        raise RevcycleTypeError(
            f"Meter filters must map a property to a value or a set of values, not {value!r}."
        )
    result: dict[str, frozenset[str]] = {}
    for key, accepted in value.items():
        if not isinstance(key, str) or not key:
            raise RevcycleTypeError(f"A meter filter's property must be a string, not {key!r}.")
        values = frozenset((accepted,)) if isinstance(accepted, str) else accepted
        if not isinstance(values, Iterable) or isinstance(values, Mapping):
            raise RevcycleTypeError(
                f"Meter filter {key!r} must accept a string or a set of strings, not {accepted!r}."
            )
        values = frozenset(values)
        if not values or not all(isinstance(v, str) for v in values):
            raise ValidationError(
                f"Meter filter {key!r} must accept at least one string value, not {accepted!r}."
            )
        result[key] = values
    return MappingProxyType(dict(sorted(result.items()))) if result else MappingProxyType({})


def _optional_money(what: str) -> Callable[[object, attrs.Attribute[Any], object], None]:
    def check(_: object, __: attrs.Attribute[Any], value: object) -> None:
        if value is not None and not isinstance(value, Money):
            raise RevcycleTypeError(f"{what} must be Money or None, not {value!r}.")

    return check


def _percent(value: object) -> Percent:
    return value if isinstance(value, Percent) else Percent(value)


def _free_events(value: object) -> int:
    number = to_int(value, "Percentage free_events")
    if number < 0:
        raise ValidationError(f"Percentage free_events must not be negative, got {number}.")
    return number


def _included_units(value: object) -> Decimal:
    number = to_decimal(value, "Included units")
    if number < 0:
        raise ValidationError(f"Included units must not be negative, got {plain(number)}.")
    return number


# --------------------------------------------------------------------------------------------
# Events


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


# --------------------------------------------------------------------------------------------
# Meters


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


def _choice(enum_type: type[enum.StrEnum], value: object, what: str) -> Any:
    try:
        return enum_type(value)  # type: ignore[arg-type]
    except ValueError:
        allowed = ", ".join(repr(member.value) for member in enum_type)
        raise ValidationError(f"{what} must be one of {allowed}, not {value!r}.") from None


def _aggregation(value: object) -> Aggregation:
    result: Aggregation = _choice(Aggregation, value, "A meter's aggregation")
    return result


def _unit_rounding_mode(value: object) -> UnitRoundingMode:
    result: UnitRoundingMode = _choice(UnitRoundingMode, value, "A unit rounding mode")
    return result


def _precision(value: object) -> int:
    number = to_int(value, "Unit rounding precision")
    if abs(number) > PRECISION:
        raise ValidationError(
            f"Unit rounding precision must be between -{PRECISION} and {PRECISION} decimal "
            f"places, got {number}."
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
            f"it counts); meter {meter.metric!r} has none."
        )
    if meter.aggregation is not Aggregation.UNIQUE_COUNT and meter.unique_property is not None:
        raise ValidationError(
            f"unique_property only applies to UNIQUE_COUNT meters; meter {meter.metric!r} "
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
        return quantity if self.unit_rounding is None else self.unit_rounding.apply(quantity)


# --------------------------------------------------------------------------------------------
# Percentage: a usage-only pricing model


def _row(
    description: str,
    units: Decimal,
    amount: Decimal,
    currency: Currency,
    unit_price: Money | None = None,
) -> PriceRow:
    """A breakdown row keeping PriceRow's rule ``amount == units × unit_price + flat_price``:
    an adjustment without a unit price carries its amount as the flat price."""
    flat = None
    if unit_price is None and amount:
        flat = Money(amount, currency)
    return PriceRow(
        description=description,
        tier=None,
        units=units,
        unit_price=unit_price,
        flat_price=flat,
        amount=Money(amount, currency),
    )


@final
@attrs.frozen
class Percentage:
    """A take rate on each event's amount: the events' quantities are amounts in ``currency``.

    Events are taken in time order. The first ``free_events`` cost nothing; ``free_amount``
    is then used up by the following events (a fully covered event costs nothing, a partly
    covered one is charged on the rest); each charged event costs ``rate × chargeable amount +
    fixed_fee``, clamped to ``[min_per_event, max_per_event]`` (Lago's percentage model with
    per-transaction limits, Orb's basis points with a per-event maximum).

    >>> card = Percentage(Percent("2.9"), "USD", fixed_fee=Money("0.30", "USD"))
    >>> card.price_events([Decimal("100"), Decimal("10")])
    Money('3.790', 'USD')
    """

    rate: Percent = attrs.field(converter=_percent)
    currency: Currency = attrs.field(converter=to_currency)
    fixed_fee: Money | None = attrs.field(
        default=None, kw_only=True, validator=_optional_money("Percentage fixed_fee")
    )
    min_per_event: Money | None = attrs.field(
        default=None, kw_only=True, validator=_optional_money("Percentage min_per_event")
    )
    max_per_event: Money | None = attrs.field(
        default=None, kw_only=True, validator=_optional_money("Percentage max_per_event")
    )
    free_events: int = attrs.field(default=0, kw_only=True, converter=_free_events)
    free_amount: Money | None = attrs.field(
        default=None, kw_only=True, validator=_optional_money("Percentage free_amount")
    )

    def __attrs_post_init__(self) -> None:
        if self.rate.ratio < 0:
            raise ValidationError(f"A Percentage rate must not be negative, got {self.rate}.")
        for name in ("fixed_fee", "min_per_event", "max_per_event", "free_amount"):
            value: Money | None = getattr(self, name)
            if value is not None and value.currency != self.currency:
                raise ValidationError(
                    f"Percentage {name} must be in {self.currency.code}, not {value}."
                )
            if value is not None and value.is_negative():
                raise ValidationError(f"Percentage {name} must not be negative, got {value}.")
        if (
            self.min_per_event is not None
            and self.max_per_event is not None
            and self.min_per_event > self.max_per_event
        ):
            raise ValidationError(
                f"Percentage min_per_event {self.min_per_event} is above max_per_event "
                f"{self.max_per_event}."
            )

    def price_events(self, amounts: Iterable[Decimal]) -> Money:
        """The unrounded total for events of these amounts, given in time order."""
        return Money(self._evaluate(amounts)[0], self.currency)

    def breakdown_events(self, amounts: Iterable[Decimal]) -> tuple[PriceRow, ...]:
        """The rows that make :meth:`price_events`: free events, free amount, rate, fees,
        per-event minimum and maximum adjustments. Their amounts sum to the total."""
        return self._evaluate(amounts)[1]

    def _evaluate(self, amounts: Iterable[Decimal]) -> tuple[Decimal, tuple[PriceRow, ...]]:
        ratio = self.rate.ratio
        fee = ZERO if self.fixed_fee is None else self.fixed_fee.amount
        low = None if self.min_per_event is None else self.min_per_event.amount
        high = None if self.max_per_event is None else self.max_per_event.amount
        free_left = ZERO if self.free_amount is None else self.free_amount.amount
        free_events = free_used = chargeable_sum = rate_sum = ZERO
        given: object = amounts  # typed as an iterable; a caller may still pass None
        if not isinstance(given, Iterable) or isinstance(given, str | bytes):
            raise RevcycleTypeError(
                f"Percentage pricing needs the event amounts as a list of Decimals in time "
                f"order, not {amounts!r}."
            )
        charged = raised = lowered = 0
        raise_sum = lower_sum = ZERO
        with decimal.localcontext(CTX):
            for index, value in enumerate(amounts):
                amount = to_decimal(value, "A percentage event amount")
                if amount < 0:
                    raise UsageError(
                        f"Percentage pricing needs event amounts of zero or more; "
                        f"got {plain(amount)}."
                    )
                if index < self.free_events:
                    free_events += 1
                    continue
                if free_left > 0:
                    covered = min(free_left, amount)
                    free_left -= covered
                    free_used += covered
                    amount -= covered
                    if amount == 0:
                        continue
                charged += 1
                chargeable_sum += amount
                cost = ratio * amount
                rate_sum += cost
                cost += fee
                if low is not None and cost < low:
                    raised += 1
                    raise_sum += low - cost
                elif high is not None and cost > high:
                    lowered += 1
                    lower_sum += high - cost
            total = rate_sum + fee * charged + raise_sum + lower_sum
        cur = self.currency
        rows: list[PriceRow] = []
        if free_events:
            rows.append(_row("free events", free_events, ZERO, cur))
        if free_used:
            rows.append(_row("free amount used", free_used, ZERO, cur))
        rows.append(
            _row(
                f"{self.rate} of the chargeable amount",
                chargeable_sum,
                rate_sum,
                cur,
                unit_price=Money(ratio, cur),
            )
        )
        if fee and charged:
            rows.append(
                _row(
                    "fixed fee per charged event",
                    Decimal(charged),
                    CTX.multiply(fee, Decimal(charged)),
                    cur,
                    unit_price=self.fixed_fee,
                )
            )
        if raised:
            rows.append(
                _row(
                    f"raised to the minimum {self.min_per_event} per event",
                    Decimal(raised),
                    raise_sum,
                    cur,
                )
            )
        if lowered:
            rows.append(
                _row(
                    f"capped at the maximum {self.max_per_event} per event",
                    Decimal(lowered),
                    lower_sum,
                    cur,
                )
            )
        return total, tuple(rows)


AnyUsageModel: TypeAlias = AnyPricingModel | Percentage
"""Any model a usage charge can price with: the pricing models, or :class:`Percentage`."""


# --------------------------------------------------------------------------------------------
# Charges


def _check_model(_: object, __: attrs.Attribute[Any], value: object) -> None:
    currency = getattr(value, "currency", None)
    if not isinstance(currency, Currency) or not (
        isinstance(value, Percentage) or callable(getattr(value, "breakdown", None))
    ):
        raise RevcycleTypeError(
            f"A usage charge's model must be a pricing model (Graduated, Volume, ...) or a "
            f"Percentage, not {value!r}."
        )


@final
@attrs.frozen
class UsageCharge:
    """What a customer pays for a meter's quantity over a period.

    ``included_units`` are free before the model prices the rest. ``minimum`` (Money) is a
    true-up: a period charge below it is raised to it (prorated for a partial period, see
    :func:`rate_usage`); ``maximum`` caps the period charge.
    """

    meter: Meter = attrs.field(validator=check_type(Meter, "a Meter", "A usage charge's meter"))
    model: AnyUsageModel = attrs.field(validator=_check_model)
    included_units: Decimal = attrs.field(default=ZERO, kw_only=True, converter=_included_units)
    minimum: Money | None = attrs.field(
        default=None, kw_only=True, validator=_optional_money("A usage charge's minimum")
    )
    maximum: Money | None = attrs.field(
        default=None, kw_only=True, validator=_optional_money("A usage charge's maximum")
    )

    def __attrs_post_init__(self) -> None:
        cur = self.currency
        for name in ("minimum", "maximum"):
            value: Money | None = getattr(self, name)
            if value is not None and value.currency != cur:
                raise ValidationError(
                    f"The {name} of the {self.meter.metric!r} charge must be in the model's "
                    f"currency {cur.code}, not {value}."
                )
            if value is not None and value.is_negative():
                raise ValidationError(
                    f"The {name} of the {self.meter.metric!r} charge must not be negative, "
                    f"got {value}."
                )
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValidationError(
                f"The minimum {self.minimum} of the {self.meter.metric!r} charge is above its "
                f"maximum {self.maximum}."
            )
        if isinstance(self.model, Percentage) and self.included_units:
            raise ValidationError(
                "A Percentage charge prices amounts, not units: use the model's free_amount "
                "or free_events instead of included_units."
            )

    @property
    def currency(self) -> Currency:
        """The currency of the charge (its model's)."""
        return self.model.currency

    def price(self, quantity: Decimal, minimum_fraction: Decimal = ONE) -> Money:
        """The unrounded period charge for an aggregated ``quantity``.

        ``minimum_fraction`` prorates the minimum (1 for a whole period). A Percentage charge
        prices events, not a quantity: use its model's ``price_events``.
        """
        self._quantity_priced()
        return Money(self._evaluate(quantity, (), minimum_fraction)[0], self.currency)

    def breakdown(self, quantity: Decimal, minimum_fraction: Decimal = ONE) -> tuple[PriceRow, ...]:
        """The rows that make :meth:`price`: included units, tier rows, minimum, maximum."""
        self._quantity_priced()
        return self._evaluate(quantity, (), minimum_fraction)[1]

    def _quantity_priced(self) -> None:
        if isinstance(self.model, Percentage):
            raise ValidationError(
                f"The {self.meter.metric!r} charge is a Percentage of event amounts; price its "
                "events with model.price_events(amounts) instead of a quantity."
            )

    def _evaluate(
        self, quantity: Decimal, amounts: Sequence[Decimal], minimum_fraction: Decimal
    ) -> tuple[Decimal, tuple[PriceRow, ...]]:
        total, rows = self._compute(quantity, amounts, minimum_fraction, True)
        assert rows is not None
        return total, rows

    def _total(self, quantity: Decimal, minimum_fraction: Decimal) -> Decimal:
        """The exact period charge of a quantity-priced charge, without the breakdown rows
        (the rating hot path; the rows are built when someone reads them)."""
        return self._compute(quantity, (), minimum_fraction, False)[0]

    def _totaller(self, minimum_fraction: Decimal) -> Callable[[Decimal], Decimal]:
        """:meth:`_total` for one ``minimum_fraction``, as one call per customer.

        A charge with no included units, minimum or maximum is its model's price of a
        positive quantity and zero otherwise (what :meth:`_compute` works out), so its
        customers go straight to the model.
        """
        model = self.model
        if (
            isinstance(model, Percentage)
            or self.included_units
            or self.minimum is not None
            or self.maximum is not None
        ):
            return lambda quantity: self._total(quantity, minimum_fraction)
        price = model.price

        def total(quantity: Decimal) -> Decimal:
            if type(quantity) is not Decimal or not quantity.is_finite():
                return self._total(quantity, minimum_fraction)  # converts or refuses it
            return price(quantity).amount if quantity > 0 else ZERO

        return total

    def _compute(
        self,
        quantity: Decimal,
        amounts: Sequence[Decimal],
        minimum_fraction: Decimal,
        explain: bool,
    ) -> tuple[Decimal, tuple[PriceRow, ...] | None]:
        # One body for the total and the rows, so that the two can never disagree;
        # ``explain=False`` skips building the rows (labels, PriceRow and Money values).
        if type(quantity) is not Decimal or not quantity.is_finite():
            quantity = to_decimal(quantity, "A usage quantity")
        cur = self.currency
        model = self.model
        rows: list[PriceRow] = []
        if isinstance(model, Percentage):
            total, percentage_rows = model._evaluate(amounts)
            rows = list(percentage_rows)
        else:
            included = self.included_units
            if quantity < 0:
                if explain:
                    rows.append(_row("negative usage is rated as zero", quantity, ZERO, cur))
                billable = ZERO
            elif included:
                used = min(quantity, included)
                if explain:
                    rows.append(_row(f"included units ({plain(included)})", used, ZERO, cur))
                billable = CTX.subtract(quantity, used)
            else:
                billable = quantity
            if billable > 0:
                total = model.price(billable).amount
                if explain:
                    rows.extend(model.breakdown(billable))
            else:
                total = ZERO
        if self.minimum is not None:
            floor = CTX.multiply(self.minimum.amount, minimum_fraction)
            if total < floor:
                if explain:
                    label = f"true-up to the minimum {self.minimum}"
                    if minimum_fraction != ONE:
                        shown = minimum_fraction.quantize(Decimal("0.000001"), context=CTX)
                        label += f" × {plain(shown.normalize(CTX))} of the period (prorated)"
                    rows.append(_row(label, ZERO, CTX.subtract(floor, total), cur))
                total = floor
        if self.maximum is not None and total > self.maximum.amount:
            if explain:
                rows.append(
                    _row(
                        f"capped at the maximum {self.maximum}",
                        ZERO,
                        CTX.subtract(self.maximum.amount, total),
                        cur,
                    )
                )
            total = self.maximum.amount
        return total, tuple(rows) if explain else None


# --------------------------------------------------------------------------------------------
# Results


_RowSource: TypeAlias = tuple["UsageCharge", Decimal, bool]
"""What rebuilds a line's rows with the line's own quantity and already billed quantity: the
charge, the minimum fraction, and whether the line bills progressively. One per charge and
call, shared by the charge's lines (no object per line)."""


def _line_rows(
    charge: UsageCharge,
    quantity: Decimal,
    minimum_fraction: Decimal,
    billed: Decimal | None,
) -> tuple[PriceRow, ...]:
    """The breakdown of a quantity-priced line: the charge's rows, then the already billed
    row of progressive billing (the charge of the billed quantity, subtracted)."""
    rows = charge._evaluate(quantity, (), minimum_fraction)[1]
    if billed is None:
        return rows
    before = charge._total(billed, minimum_fraction)
    label = f"already billed for {plain(billed)} units"
    return (*rows, _row(label, billed, CTX.minus(before), charge.currency))


@final
@attrs.frozen(kw_only=True)
class RatedCharge:
    """One rated usage line: what ``customer`` owes for ``metric`` (and ``group``).

    ``quantity`` is the aggregated quantity after unit rounding and before included units;
    ``already_billed`` the quantity billed earlier in the period (progressive billing), whose
    charge this line subtracts. ``precise_amount`` is exact; ``amount`` is rounded once,
    half-up at the minor unit (with progressive billing, ``round(charge(total)) −
    round(charge(already_billed))``, so partial invoices add up to one invoice). The amounts of
    ``breakdown`` sum to ``precise_amount``.
    """

    customer: str
    metric: str
    group: str | None
    quantity: Decimal
    amount: Money
    precise_amount: Money
    breakdown: tuple[PriceRow, ...]
    already_billed: Decimal = ZERO
    # The engine fills this instead of ``breakdown`` and builds the rows on first access:
    # the amounts are eager, the explanation lazy (nobody reads 10,000 customers' rows).
    _source: _RowSource | None = attrs.field(
        init=False, default=None, eq=False, hash=False, repr=False
    )

    if not TYPE_CHECKING:  # hidden from type checkers, so a misspelt attribute is still caught

        def __getattr__(self, name: str) -> Any:
            # Only reached while the ``breakdown`` slot is still empty (an engine-built line).
            if name == "breakdown":
                source = object.__getattribute__(self, "_source")
                if source is not None:
                    charge, fraction, progressive = source
                    billed = self.already_billed if progressive else None
                    rows = _line_rows(charge, self.quantity, fraction, billed)
                    object.__setattr__(self, "breakdown", rows)
                    return rows
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickle and deepcopy the rows themselves, never what rebuilds them (a charge).
        return (
            _restore_line,
            (
                self.customer,
                self.metric,
                self.group,
                self.quantity,
                self.amount,
                self.precise_amount,
                self.breakdown,
                self.already_billed,
            ),
        )

    @property
    def key(self) -> UsageKey:
        """``(customer, metric, group)``."""
        return (self.customer, self.metric, self.group)

    def explain(self) -> str:
        """How the amount was made, row by row, for people."""
        who = self.customer if self.group is None else f"{self.customer} [{self.group}]"
        head = f"{who} · {self.metric}: {plain(self.quantity)} units → {self.amount}"
        lines = [head]
        for row in self.breakdown:
            amount = plain(row.amount.amount)
            if row.unit_price is not None:
                detail = f"{plain(row.units)} × {plain(row.unit_price.amount)}"
                if row.flat_price is not None:
                    detail += f" + {plain(row.flat_price.amount)} flat"
                lines.append(f"  {row.description}: {detail} = {amount}")
            elif row.flat_price is not None and not row.units:
                lines.append(f"  {row.description}: {amount}")  # an adjustment
            else:
                lines.append(f"  {row.description}: {plain(row.units)} units, {amount}")
        lines.append(f"  precise total {self.precise_amount}, rounded {self.amount}")
        return "\n".join(lines)

    def to_record(self) -> dict[str, Any]:
        """A flat dict of JSON scalars (Decimals as strings)."""
        return {
            "customer": self.customer,
            "metric": self.metric,
            "group": self.group,
            "quantity": plain(self.quantity),
            "already_billed": plain(self.already_billed),
            "amount": plain(self.amount.amount),
            "precise_amount": plain(self.precise_amount.amount),
            "currency": self.amount.currency.code,
        }


def _restore_line(
    customer: str,
    metric: str,
    group: str | None,
    quantity: Decimal,
    amount: Money,
    precise_amount: Money,
    breakdown: tuple[PriceRow, ...],
    already_billed: Decimal,
) -> RatedCharge:
    return RatedCharge(
        customer=customer,
        metric=metric,
        group=group,
        quantity=quantity,
        amount=amount,
        precise_amount=precise_amount,
        breakdown=breakdown,
        already_billed=already_billed,
    )


# A line from values the engine computed itself, its rows left to the source (the last
# value): skips __init__ like Money._trusted (the rating hot path builds one per customer).
_rated_line: Final = trusted(
    RatedCharge,
    "customer",
    "metric",
    "group",
    "quantity",
    "amount",
    "precise_amount",
    "already_billed",
    "_source",
)


@final
@attrs.frozen(kw_only=True)
class UsageRating:
    """The result of :func:`rate_usage`: rated lines and every event that was not counted.

    ``lines`` are sorted by (customer, metric, group), group ``None`` first. ``duplicates``
    holds every repeated id's later occurrences, ``conflicts`` those of them whose fields
    differ from the first; ``late`` the events before the period, ``future`` those at or after
    its end, ``unmetered`` those of a metric no charge meters — each in input order.
    """

    period: Period
    tz: str
    lines: tuple[RatedCharge, ...]
    duplicates: tuple[UsageEvent, ...] = ()
    conflicts: tuple[UsageEvent, ...] = ()
    late: tuple[UsageEvent, ...] = ()
    future: tuple[UsageEvent, ...] = ()
    unmetered: tuple[UsageEvent, ...] = ()

    def line(self, customer: str, metric: str, group: str | None = None) -> RatedCharge:
        """The line for ``(customer, metric, group)``."""
        for candidate in self.lines:
            if candidate.key == (customer, metric, group):
                return candidate
        raise UnknownCodeError(
            f"No rated line for customer {customer!r}, metric {metric!r}, group {group!r}."
        )

    def total(self, currency: Currency | str | None = None) -> Money:
        """The sum of the rounded line amounts (lines must share one currency)."""
        return _money_total((line.amount for line in self.lines), currency)

    def explain(self) -> str:
        """Every line's explanation, then what was left out and why."""
        parts = [f"Usage rated for {self.period} in {self.tz}:"]
        parts += [line.explain() for line in self.lines]
        for label, events in (
            ("duplicate ids (counted once)", self.duplicates),
            ("conflicting duplicates (differ from the first)", self.conflicts),
            ("late events (before the period, not counted)", self.late),
            ("future events (after the period, not counted)", self.future),
            ("unmetered events (no charge for the metric)", self.unmetered),
        ):
            if events:
                ids = ", ".join(e.id for e in events[:10])
                more = f" and {len(events) - 10} more" if len(events) > 10 else ""
                parts.append(f"{len(events)} {label}: {ids}{more}")
        return "\n".join(parts)

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per line (for DataFrames and CSV)."""
        return [line.to_record() for line in self.lines]

    def to_pandas(self) -> Any:
        """A pandas DataFrame of the lines; needs the ``pandas`` extra."""
        return _to_pandas(self.to_records())

    def _repr_html_(self) -> str:
        rows = [
            [
                line.customer,
                line.metric,
                "" if line.group is None else line.group,
                plain(line.quantity),
                str(line.amount),
            ]
            for line in self.lines
        ]
        footer = [
            f"{len(events)} {label}"
            for label, events in (
                ("duplicates", self.duplicates),
                ("conflicts", self.conflicts),
                ("late", self.late),
                ("future", self.future),
                ("unmetered", self.unmetered),
            )
            if events
        ]
        return html_table(
            f"Usage {self.period} ({self.tz})",
            ["customer", "metric", "group", "quantity", "amount"],
            rows,
            right=[3, 4],
            footer=footer,
        )
