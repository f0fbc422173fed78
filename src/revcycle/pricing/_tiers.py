"""What the pricing models share: quantities, tiers, breakdown rows and the model protocol.

The checks every model runs (a quantity is a finite, non-negative Decimal; prices are Money in
one currency; tier bounds strictly increase), the :class:`Tier` and :class:`PriceRow` values,
the :class:`PricingModel` protocol, the tier-table behaviour of the three tiered models, and
the conversion of Salesforce-style lower-inclusive / upper-exclusive bounds
(docs/explanation/tier-conventions.md). Import the public names from :mod:`revcycle.pricing`.
"""

from __future__ import annotations

import decimal
import functools
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import ParamSpec, Protocol, TypeAlias, TypeVar, final

import attrs

from revcycle._display import html_table
from revcycle._numbers import CTX, ZERO, DecimalLike, in_range, plain, to_decimal
from revcycle._validate import check_annotated, require_sequence
from revcycle.errors import (
    CurrencyMismatchError,
    RevcycleTypeError,
    TierError,
    ValidationError,
    shown,
)
from revcycle.money import Currency, Money


Quantity: TypeAlias = Decimal | int | str
"""What a model accepts as a quantity (a ``float`` is refused)."""

P = ParamSpec("P")
R = TypeVar("R")

# --------------------------------------------------------------------------------------------
# Checks shared by the models


def _quantity(value: object) -> Decimal:
    """A quantity as a finite, non-negative Decimal (the fast path skips conversion)."""
    if type(value) is Decimal and value.is_finite() and value >= ZERO and in_range(value):
        return value
    quantity = to_decimal(value, "Quantity")
    if quantity < ZERO:
        raise ValidationError(
            f"Quantity must not be negative, got {plain(quantity)}; "
            "price a credit as a negative amount of a positive quantity instead."
        )
    return quantity


def _too_large(quantity: object) -> ValidationError:
    return ValidationError(
        f"Quantity {shown(quantity)} is too large to price exactly in revcycle's 50-digit context."
    )


def _guarded(method: Callable[P, R]) -> Callable[P, R]:
    """Turn a decimal overflow on absurdly large input into a ValidationError.

    Used on the explanation methods; the hot ``price`` methods catch it inline to stay lean.
    """

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except decimal.DecimalException:
            raise ValidationError(
                "A quantity or amount is too large to compute exactly in revcycle's "
                "50-digit context."
            ) from None

    return wrapper


def _divide(amount: Decimal, quantity: Decimal) -> Decimal:
    """``amount / quantity`` for an effective unit price (``quantity`` is positive)."""
    try:
        return CTX.divide(amount, quantity)
    except decimal.DecimalException:
        raise _too_large(quantity) from None


def _check_money(what: str, value: object, *, optional: bool = True) -> None:
    if value is None and optional:
        return
    if not isinstance(value, Money):
        raise RevcycleTypeError(f"{what} must be a Money amount, not {shown(value)}.")
    if value.amount < ZERO:
        raise ValidationError(f"{what} must not be negative, got {value}.")


def _same_currency(what: str, prices: Iterable[Money | None]) -> Currency | None:
    """The one currency of ``prices`` (None entries skipped), or None when there are none."""
    currency: Currency | None = None
    for price in prices:
        if price is None:
            continue
        if currency is None:
            currency = price.currency
        elif price.currency != currency:
            raise CurrencyMismatchError(
                f"{what} mixes currencies: {currency.code} and {price.currency.code} "
                f"({price}); use one currency per model."
            )
    return currency


def _amount(price: Money | None) -> Decimal:
    return ZERO if price is None else price.amount


def _bound_text(value: Decimal | None) -> str:
    return "no limit" if value is None else plain(value)


def _money_text(value: Money | None) -> str:
    return "" if value is None else str(value)


# --------------------------------------------------------------------------------------------
# Tiers and breakdown rows


def _to_bound(value: DecimalLike | None) -> Decimal | None:
    if value is None:
        return None
    return to_decimal(value, "Tier up_to")


def _check_bound(_: object, __: object, value: Decimal | None) -> None:
    if value is not None and value <= ZERO:
        raise TierError(
            f"Tier up_to must be positive, got {plain(value)}; a tier holds the quantities "
            "just above the previous bound up to and including up_to."
        )


def _check_unit_price(_: object, __: object, value: Money | None) -> None:
    _check_money("A tier's unit_price", value)


def _check_flat_price(_: object, __: object, value: Money | None) -> None:
    _check_money("A tier's flat_price", value)


@final
@attrs.frozen
class Tier:
    """One row of a tier table: an inclusive upper bound and the tier's prices.

    ``up_to`` is the largest quantity in the tier (``None`` for the last, unlimited tier); the
    tier starts just above the previous tier's ``up_to`` (at zero for the first tier).
    ``unit_price`` is charged per unit, ``flat_price`` once for the tier; a missing price is
    zero. Prices must not be negative.

    >>> Tier(Decimal("10"), unit_price=Money("1.50", "USD"))
    Tier(up_to=Decimal('10'), unit_price=Money('1.50', 'USD'), flat_price=None)
    """

    up_to: Decimal | None = attrs.field(converter=_to_bound, validator=_check_bound)
    unit_price: Money | None = attrs.field(default=None, validator=_check_unit_price)
    flat_price: Money | None = attrs.field(default=None, validator=_check_flat_price)


@final
@attrs.frozen(kw_only=True, field_transformer=check_annotated)
class PriceRow:
    """One row of a price breakdown: what a tier (or the whole model) charged.

    ``tier`` is the 1-based tier number (``None`` when the model is not tiered, and for an
    overage row). Every row satisfies ``amount == units × unit_price + flat_price`` (a missing
    price counts as zero); a :class:`Package` row counts packages in ``units``.
    """

    description: str
    tier: int | None
    units: Decimal
    unit_price: Money | None
    flat_price: Money | None
    amount: Money


class PricingModel(Protocol):
    """What every pricing model offers (the quote engine and usage rating rely on it)."""

    @property
    def currency(self) -> Currency:
        """The currency of every amount the model produces."""
        ...

    def price(self, quantity: Quantity) -> Money:
        """The unrounded price of ``quantity`` units."""
        ...

    def breakdown(self, quantity: Quantity) -> tuple[PriceRow, ...]:
        """The rows that make ``price(quantity)``; empty for a zero quantity."""
        ...

    def unit_price_at(self, quantity: Quantity) -> Money:
        """The effective unit price ``price(quantity) / quantity`` (zero for zero)."""
        ...


def _to_tiers(value: Iterable[Tier]) -> tuple[Tier, ...]:
    given: object = value  # callers may pass anything at run time
    if isinstance(given, str | bytes) or not isinstance(given, Iterable):
        raise RevcycleTypeError(f"Tiers must be a sequence of Tier values, not {shown(value)}.")
    tiers = require_sequence(value, "Tiers")
    for tier in tiers:
        if not isinstance(tier, Tier):
            raise RevcycleTypeError(f"Every tier must be a Tier, not {shown(tier)}.")
    return tiers


def _check_bounds(model: str, bounds: Sequence[Decimal | None]) -> None:
    """Bounds strictly increase; only the last may be None."""
    if not bounds:
        raise TierError(f"{model} needs at least one tier.")
    previous: Decimal | None = ZERO
    for number, bound in enumerate(bounds, start=1):
        if previous is None:
            raise TierError(
                f"Only the last tier may have up_to=None (no limit), but tier {number - 1} "
                f"of {len(bounds)} has it."
            )
        if bound is not None and bound <= previous and number > 1:
            raise TierError(
                f"Tier bounds must increase: tier {number} has up_to={plain(bound)} "
                f"after up_to={plain(previous)}."
            )
        previous = bound


def _tier_currency(model: str, prices: Iterable[Money | None]) -> Currency:
    currency = _same_currency(model, prices)
    if currency is None:
        raise TierError(
            f"{model} has no price in any tier, so its currency is unknown; give at least "
            "one tier a unit_price or flat_price (Money('0', ...) for a free tier)."
        )
    return currency


def _tier_description(number: int, lower: Decimal, upper: Decimal | None) -> str:
    if upper is None:
        return f"tier {number}: above {plain(lower)}"
    if lower == ZERO:
        return f"tier {number}: up to {plain(upper)}"
    return f"tier {number}: above {plain(lower)} up to {plain(upper)}"


class _Tiered:
    """Shared behaviour of the tier-table models (not public)."""

    __slots__ = ()

    tiers: tuple[Tier, ...]
    _currency: Currency

    @property
    def currency(self) -> Currency:
        """The currency of the tier prices."""
        return self._currency

    def price(self, quantity: Quantity) -> Money:
        """The unrounded price of ``quantity`` units (each model defines it)."""
        raise NotImplementedError  # pragma: no cover

    def unit_price_at(self, quantity: Quantity) -> Money:
        """The effective unit price ``price(quantity) / quantity``; zero for zero."""
        q = _quantity(quantity)
        if q.is_zero():
            return Money._trusted(ZERO, self._currency)
        return Money._trusted(_divide(self.price(q).amount, q), self._currency)

    def to_records(self) -> list[dict[str, str | int | None]]:
        """The tier table as flat records (JSON scalars) for a DataFrame or a report.

        ``above`` is the exclusive lower bound, ``up_to`` the inclusive upper bound (``None``:
        no limit); prices are decimal strings in ``currency``, ``None`` when missing.
        """
        records: list[dict[str, str | int | None]] = []
        lower = ZERO
        for number, tier in enumerate(self.tiers, start=1):
            records.append(
                {
                    "tier": number,
                    "above": plain(lower),
                    "up_to": None if tier.up_to is None else plain(tier.up_to),
                    "unit_price": None
                    if tier.unit_price is None
                    else plain(tier.unit_price.amount),
                    "flat_price": None
                    if tier.flat_price is None
                    else plain(tier.flat_price.amount),
                    "currency": self._currency.code,
                }
            )
            if tier.up_to is not None:
                lower = tier.up_to
        return records

    def _repr_html_(self) -> str:
        rows = [
            [
                str(number),
                plain(lower),
                _bound_text(tier.up_to),
                _money_text(tier.unit_price),
                _money_text(tier.flat_price),
            ]
            for number, tier, lower in _with_lower_bounds(self.tiers)
        ]
        footer = []
        overage = getattr(self, "overage_unit_price", None)
        if overage is not None:
            footer.append(f"Past the last tier: {overage} per unit over its bound.")
        return html_table(
            f"{type(self).__name__} pricing ({self._currency.code})",
            ["tier", "above", "up to (inclusive)", "unit price", "flat price"],
            rows,
            right=[1, 2, 3, 4],
            footer=footer,
        )


class _Bounded(Protocol):
    @property
    def up_to(self) -> Decimal | None: ...


B = TypeVar("B", bound=_Bounded)


def _with_lower_bounds(tiers: Sequence[B]) -> list[tuple[int, B, Decimal]]:
    """Each tier with its 1-based number and its exclusive lower bound."""
    out: list[tuple[int, B, Decimal]] = []
    lower = ZERO
    for number, tier in enumerate(tiers, start=1):
        out.append((number, tier, lower))
        if tier.up_to is not None:
            lower = tier.up_to
    return out


def _amount_bound(value: Decimal | None) -> Decimal:
    assert value is not None
    return value


def _salesforce_rows(
    rows: Sequence[tuple[object, object, object]], step: DecimalLike
) -> list[tuple[int, Decimal, Decimal | None, object]]:
    """Check Salesforce-style ``(lower, upper, payload)`` rows and convert their bounds.

    Returns ``(number, lower_up_to, up_to, payload)`` per row, where ``lower_up_to`` is the
    inclusive bound just below the row's lower bound (``lower - step``, zero or less when the
    row starts at the first step) and ``up_to`` is ``upper - step`` (``None`` when unlimited).
    """
    increment = to_decimal(step, "A quantity step")
    if increment <= ZERO:
        raise TierError(f"A quantity step must be positive, got {plain(increment)}.")
    given: object = rows  # callers may pass anything at run time
    if isinstance(given, str | bytes) or not isinstance(given, Sequence) or not given:
        raise TierError(f"Salesforce-style tiers must be a non-empty sequence, not {shown(rows)}.")
    out: list[tuple[int, Decimal, Decimal | None, object]] = []
    previous_upper: Decimal | None = None
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, tuple) or len(row) != 3:
            raise RevcycleTypeError(
                f"Salesforce tier {number} must be a (lower, upper, price or discount) tuple, "
                f"not {shown(row)}."
            )
        lower = to_decimal(row[0], f"The lower bound of Salesforce tier {number}")
        upper = (
            None
            if row[1] is None
            else to_decimal(row[1], f"The upper bound of Salesforce tier {number}")
        )
        if number == 1 and lower < ZERO:
            raise TierError(f"The first lower bound must not be negative, got {plain(lower)}.")
        if number > 1 and (previous_upper is None or lower != previous_upper):
            raise TierError(
                f"Salesforce tier {number} starts at {plain(lower)} but the previous tier "
                f"ends at {_bound_text(previous_upper)}; each lower bound must equal the "
                "previous upper bound."
            )
        if upper is not None and upper <= lower:
            raise TierError(
                f"Salesforce tier {number} has upper bound {plain(upper)} not above its "
                f"lower bound {plain(lower)}."
            )
        up_to = None if upper is None else CTX.subtract(upper, increment)
        if up_to is not None and up_to <= ZERO:
            raise TierError(
                f"Salesforce tier {number} [{plain(lower)}, {_bound_text(upper)}) holds no "
                f"quantity above zero in steps of {plain(increment)}; drop it."
            )
        out.append((number, CTX.subtract(lower, increment), up_to, row[2]))
        previous_upper = upper
    return out
