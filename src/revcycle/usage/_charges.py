"""Usage charges, step 3 of usage rating: what a meter's quantity costs over a period.

:class:`UsageCharge` pairs a :class:`~revcycle.usage.Meter` with any pricing model of
:mod:`revcycle.pricing` or the usage-only :class:`Percentage`, with included units, a minimum
(true-up) and a maximum (cap); its breakdown rows keep ``PriceRow``'s rule ``amount == units ×
unit_price + flat_price`` (docs/reference/usage.md). Re-exported by :mod:`revcycle.usage`;
import them from there.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any, TypeAlias, final

import attrs

from revcycle._display import points_text
from revcycle._numbers import CTX, ONE, ZERO, DecimalLike, plain, to_decimal, to_int
from revcycle._validate import check_type, require_sequence
from revcycle.errors import RevcycleTypeError, UsageError, ValidationError, shown
from revcycle.money import Currency, Money, Percent, to_currency
from revcycle.pricing import AnyPricingModel, PriceRow
from revcycle.usage._meters import Meter


def _optional_money(what: str) -> Callable[[object, attrs.Attribute[Any], object], None]:
    def check(_: object, __: attrs.Attribute[Any], value: object) -> None:
        if value is not None and not isinstance(value, Money):
            raise RevcycleTypeError(f"{what} must be Money or None, not {shown(value)}.")

    return check


def _percent(value: Percent | DecimalLike) -> Percent:
    return value if isinstance(value, Percent) else Percent(value)


def _free_events(value: int) -> int:
    number = to_int(value, "Percentage free_events")
    if number < 0:
        raise ValidationError(f"Percentage free_events must not be negative, got {shown(number)}.")
    return number


def _included_units(value: DecimalLike) -> Decimal:
    number = to_decimal(value, "Included units")
    if number < 0:
        raise ValidationError(f"Included units must not be negative, got {plain(number)}.")
    return number


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
                f"order, not {shown(amounts)}."
            )
        charged = raised = lowered = 0
        raise_sum = lower_sum = ZERO
        with decimal.localcontext(CTX):
            for index, value in enumerate(require_sequence(amounts, "Percentage event amounts")):
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
                f"{points_text(self.rate.value)} of the chargeable amount",
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
            f"Percentage, not {shown(value)}."
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
                    f"The {name} of the {shown(self.meter.metric)} charge must be in the model's "
                    f"currency {cur.code}, not {value}."
                )
            if value is not None and value.is_negative():
                raise ValidationError(
                    f"The {name} of the {shown(self.meter.metric)} charge must not be negative, "
                    f"got {value}."
                )
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValidationError(
                f"The minimum {self.minimum} of the {shown(self.meter.metric)} charge is above its "
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
        exact = self._evaluate(*_priced_quantity(quantity, minimum_fraction))[0]
        return Money(exact, self.currency)

    def breakdown(self, quantity: Decimal, minimum_fraction: Decimal = ONE) -> tuple[PriceRow, ...]:
        """The rows that make :meth:`price`: included units, tier rows, minimum, maximum."""
        self._quantity_priced()
        return self._evaluate(*_priced_quantity(quantity, minimum_fraction))[1]

    def _quantity_priced(self) -> None:
        if isinstance(self.model, Percentage):
            raise ValidationError(
                f"The {shown(self.meter.metric)} charge is a Percentage of event "
                f"amounts; price its "
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


def _priced_quantity(
    quantity: Decimal, minimum_fraction: Decimal
) -> tuple[Decimal, tuple[Decimal, ...], Decimal]:
    """The arguments of ``UsageCharge._evaluate`` for a quantity a caller gives (any number
    within the limits, as every number that comes in)."""
    return (
        to_decimal(quantity, "A usage quantity"),
        (),
        to_decimal(minimum_fraction, "A minimum fraction"),
    )
