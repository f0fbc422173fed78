"""Pricing models, discount schedules and manual discounts.

A pricing model turns a quantity into an unrounded :class:`~revcycle.money.Money` amount.
Six models cover what billing and CPQ systems offer (docs/explanation/tier-conventions.md):

* :class:`Flat` — one amount, whatever the (non-zero) quantity;
* :class:`PerUnit` — quantity × unit price;
* :class:`Graduated` — each unit is priced in the tier it falls in (Stripe ``graduated``);
* :class:`Volume` — every unit is priced at the tier the whole quantity reaches (Stripe
  ``volume``);
* :class:`Stairstep` — the flat price of the tier the quantity reaches, with an optional per-unit
  overage past the last bounded tier (Chargebee ``stairstep``, Salesforce block pricing);
* :class:`Package` — ``ceil(max(q - free_units, 0) / size) × package_price``.

Tier conventions: every tier has an *inclusive* upper bound ``up_to``; the last tier of a
graduated or volume table has ``up_to=None`` (no limit); the next tier starts just above the
previous bound, so quantities may be fractional. **A zero quantity costs zero under every
model**: no tier is entered, so no flat price is charged (unlike Lago, which charges the first
tier's flat fee at zero). A minimum charge, if wanted, is explicit elsewhere.

Every model has ``price(q)`` (unrounded money), ``breakdown(q)`` (the rows that made the price,
whose amounts sum to it) and ``unit_price_at(q)`` (the effective unit price ``price(q) / q``).

>>> usd = lambda text: Money(text, "USD")
>>> tiers = [
...     Tier(Decimal("5"), unit_price=usd("7.00")),
...     Tier(Decimal("10"), unit_price=usd("6.50")),
...     Tier(None, unit_price=usd("6.00")),
... ]
>>> Volume(tiers).price(6)
Money('39.00', 'USD')
>>> Graduated(tiers).price(6)
Money('41.50', 'USD')
"""

from __future__ import annotations

import decimal
import enum
import functools
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Final, ParamSpec, Protocol, TypeAlias, TypeVar, final

import attrs

from revcycle._display import html_table
from revcycle._numbers import CTX, HUNDRED, ZERO, DecimalLike, plain, to_decimal
from revcycle.errors import (
    CurrencyMismatchError,
    RevcycleTypeError,
    TierError,
    ValidationError,
)
from revcycle.money import Currency, Money, Percent


__all__ = [
    "AnyPricingModel",
    "Discount",
    "DiscountKind",
    "DiscountRow",
    "DiscountSchedule",
    "DiscountTier",
    "Flat",
    "Graduated",
    "Package",
    "PerUnit",
    "PriceRow",
    "PricingModel",
    "ScheduleKind",
    "Stairstep",
    "Tier",
    "Volume",
]

Quantity: TypeAlias = Decimal | int | str
"""What a model accepts as a quantity (a ``float`` is refused)."""

P = ParamSpec("P")
R = TypeVar("R")

# --------------------------------------------------------------------------------------------
# Checks shared by the models


def _quantity(value: object) -> Decimal:
    """A quantity as a finite, non-negative Decimal (the fast path skips conversion)."""
    if type(value) is Decimal and value.is_finite() and value >= ZERO:
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
        f"Quantity {quantity!r} is too large to price exactly in revcycle's 50-digit context."
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
        raise RevcycleTypeError(f"{what} must be a Money amount, not {value!r}.")
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


def _to_bound(value: object) -> Decimal | None:
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
@attrs.frozen(kw_only=True)
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
        raise RevcycleTypeError(f"Tiers must be a sequence of Tier values, not {value!r}.")
    tiers = tuple(value)
    for tier in tiers:
        if not isinstance(tier, Tier):
            raise RevcycleTypeError(f"Every tier must be a Tier, not {tier!r}.")
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


# --------------------------------------------------------------------------------------------
# The six models


@final
@attrs.frozen
class Flat:
    """One fixed amount for any positive quantity (a platform fee); zero for zero quantity.

    >>> Flat(Money("99", "USD")).price(160)
    Money('99', 'USD')
    >>> Flat(Money("99", "USD")).price(0)
    Money('0', 'USD')
    """

    amount: Money = attrs.field()

    @amount.validator
    def _check(self, _: object, value: object) -> None:
        _check_money("A flat amount", value, optional=False)

    @property
    def currency(self) -> Currency:
        """The currency of the amount."""
        return self.amount.currency

    def price(self, quantity: Quantity) -> Money:
        """``amount`` when ``quantity > 0``, zero when it is zero."""
        q = _quantity(quantity)
        if q.is_zero():
            return Money._trusted(ZERO, self.amount.currency)
        return self.amount

    @_guarded
    def breakdown(self, quantity: Quantity) -> tuple[PriceRow, ...]:
        """One ``flat`` row, or no row for a zero quantity."""
        q = _quantity(quantity)
        if q.is_zero():
            return ()
        return (
            PriceRow(
                description="flat amount",
                tier=None,
                units=q,
                unit_price=None,
                flat_price=self.amount,
                amount=self.amount,
            ),
        )

    def unit_price_at(self, quantity: Quantity) -> Money:
        """``amount / quantity``; zero for zero."""
        q = _quantity(quantity)
        if q.is_zero():
            return Money._trusted(ZERO, self.amount.currency)
        return Money._trusted(_divide(self.amount.amount, q), self.amount.currency)


@final
@attrs.frozen
class PerUnit:
    """``quantity × unit_price``.

    >>> PerUnit(Money("0.0006", "USD")).price(12_500)
    Money('7.5000', 'USD')
    """

    unit_price: Money = attrs.field()

    @unit_price.validator
    def _check(self, _: object, value: object) -> None:
        _check_money("A unit price", value, optional=False)

    @property
    def currency(self) -> Currency:
        """The currency of the unit price."""
        return self.unit_price.currency

    def price(self, quantity: Quantity) -> Money:
        """``quantity × unit_price``, unrounded."""
        if type(quantity) is Decimal and quantity.is_finite() and quantity >= ZERO:
            q = quantity
        else:
            q = _quantity(quantity)
        try:
            return Money._trusted(CTX.multiply(q, self.unit_price.amount), self.unit_price.currency)
        except decimal.DecimalException:
            raise _too_large(quantity) from None

    @_guarded
    def breakdown(self, quantity: Quantity) -> tuple[PriceRow, ...]:
        """One row, or no row for a zero quantity."""
        q = _quantity(quantity)
        if q.is_zero():
            return ()
        return (
            PriceRow(
                description="per unit",
                tier=None,
                units=q,
                unit_price=self.unit_price,
                flat_price=None,
                amount=self.price(q),
            ),
        )

    def unit_price_at(self, quantity: Quantity) -> Money:
        """The unit price (zero for a zero quantity, like every model)."""
        q = _quantity(quantity)
        if q.is_zero():
            return Money._trusted(ZERO, self.unit_price.currency)
        return self.unit_price


def _table(tiers: Sequence[Tier]) -> tuple[tuple[Decimal | None, Decimal, Decimal], ...]:
    return tuple((t.up_to, _amount(t.unit_price), _amount(t.flat_price)) for t in tiers)


@final
@attrs.frozen
class Graduated(_Tiered):
    """Each unit priced in the tier it falls in; a tier's flat price once the tier is entered.

    A tier holds ``min(q, up_to_i) - up_to_(i-1)`` units. The last tier must be unlimited.

    >>> tiers = [Tier(Decimal("5"), Money("7.00", "USD")), Tier(None, Money("6.00", "USD"))]
    >>> Graduated(tiers).price(6)
    Money('41.00', 'USD')
    """

    tiers: tuple[Tier, ...] = attrs.field(converter=_to_tiers)
    _currency: Currency = attrs.field(init=False, repr=False, eq=False, hash=False)
    # Per tier: (up_to, lower bound, price of every tier below + this tier's flat, unit price),
    # so that price() does one subtraction, one multiplication and one addition.
    _rows: tuple[tuple[Decimal | None, Decimal, Decimal, Decimal], ...] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        _check_bounds("A graduated table", [t.up_to for t in self.tiers])
        if self.tiers[-1].up_to is not None:
            raise TierError(
                "The last tier of a graduated table must have up_to=None (no limit), "
                f"got up_to={plain(self.tiers[-1].up_to)}."
            )
        currency = _tier_currency(
            "A graduated table", [p for t in self.tiers for p in (t.unit_price, t.flat_price)]
        )
        rows = []
        lower = below = ZERO
        try:
            for upper, unit, flat in _table(self.tiers):
                rows.append((upper, lower, CTX.add(below, flat), unit))
                if upper is not None:
                    below = CTX.add(
                        below, CTX.add(CTX.multiply(CTX.subtract(upper, lower), unit), flat)
                    )
                    lower = upper
        except decimal.DecimalException:
            raise TierError(
                "A graduated table's amounts are too large to add up exactly."
            ) from None
        object.__setattr__(self, "_currency", currency)
        object.__setattr__(self, "_rows", tuple(rows))

    def price(self, quantity: Quantity) -> Money:
        """The sum over the tiers entered of units × unit price + flat price."""
        if type(quantity) is Decimal and quantity.is_finite() and quantity >= ZERO:
            q = quantity
        else:
            q = _quantity(quantity)
        if q.is_zero():
            return Money._trusted(ZERO, self._currency)
        for upper, lower, base, unit in self._rows:
            if upper is None or q <= upper:
                try:
                    amount = CTX.add(base, CTX.multiply(CTX.subtract(q, lower), unit))
                except decimal.DecimalException:
                    raise _too_large(quantity) from None
                return Money._trusted(amount, self._currency)
        raise AssertionError("unreachable: the last tier is unlimited")  # pragma: no cover

    @_guarded
    def breakdown(self, quantity: Quantity) -> tuple[PriceRow, ...]:
        """One row per tier entered."""
        q = _quantity(quantity)
        rows: list[PriceRow] = []
        lower = ZERO
        for number, tier in enumerate(self.tiers, start=1):
            if q <= lower:
                break
            upper = tier.up_to
            top = q if upper is None or q <= upper else upper
            units = CTX.subtract(top, lower)
            amount = CTX.add(
                CTX.multiply(units, _amount(tier.unit_price)), _amount(tier.flat_price)
            )
            rows.append(
                PriceRow(
                    description=_tier_description(number, lower, upper),
                    tier=number,
                    units=units,
                    unit_price=tier.unit_price,
                    flat_price=tier.flat_price,
                    amount=Money._trusted(amount, self._currency),
                )
            )
            if upper is None:
                break
            lower = upper
        return tuple(rows)


@final
@attrs.frozen
class Volume(_Tiered):
    """Every unit at the price of the tier the whole quantity falls in (first ``q <= up_to``).

    The amount is ``q × unit_price + flat_price`` of that one tier. The last tier must be
    unlimited.

    >>> tiers = [Tier(Decimal("5"), Money("7.00", "USD")), Tier(None, Money("6.00", "USD"))]
    >>> Volume(tiers).price(5), Volume(tiers).price(6)
    (Money('35.00', 'USD'), Money('36.00', 'USD'))
    """

    tiers: tuple[Tier, ...] = attrs.field(converter=_to_tiers)
    _currency: Currency = attrs.field(init=False, repr=False, eq=False, hash=False)
    _rows: tuple[tuple[Decimal | None, Decimal, Decimal], ...] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        _check_bounds("A volume table", [t.up_to for t in self.tiers])
        if self.tiers[-1].up_to is not None:
            raise TierError(
                "The last tier of a volume table must have up_to=None (no limit), "
                f"got up_to={plain(self.tiers[-1].up_to)}."
            )
        currency = _tier_currency(
            "A volume table", [p for t in self.tiers for p in (t.unit_price, t.flat_price)]
        )
        object.__setattr__(self, "_currency", currency)
        object.__setattr__(self, "_rows", _table(self.tiers))

    def _index(self, q: Decimal) -> int:
        for index, (upper, _, _) in enumerate(self._rows):
            if upper is None or q <= upper:
                return index
        raise AssertionError("unreachable: the last tier is unlimited")  # pragma: no cover

    def price(self, quantity: Quantity) -> Money:
        """``q × unit_price + flat_price`` of the tier ``q`` falls in; zero for zero."""
        if type(quantity) is Decimal and quantity.is_finite() and quantity >= ZERO:
            q = quantity
        else:
            q = _quantity(quantity)
        if q.is_zero():
            return Money._trusted(ZERO, self._currency)
        for upper, unit, flat in self._rows:
            if upper is None or q <= upper:
                try:
                    return Money._trusted(CTX.add(CTX.multiply(q, unit), flat), self._currency)
                except decimal.DecimalException:
                    raise _too_large(quantity) from None
        raise AssertionError("unreachable: the last tier is unlimited")  # pragma: no cover

    @_guarded
    def breakdown(self, quantity: Quantity) -> tuple[PriceRow, ...]:
        """One row for the tier the quantity falls in (none for zero)."""
        q = _quantity(quantity)
        if q.is_zero():
            return ()
        index = self._index(q)
        tier = self.tiers[index]
        lower = ZERO if index == 0 else self.tiers[index - 1].up_to
        assert lower is not None
        return (
            PriceRow(
                description=_tier_description(index + 1, lower, tier.up_to) + ", all units",
                tier=index + 1,
                units=q,
                unit_price=tier.unit_price,
                flat_price=tier.flat_price,
                amount=self.price(q),
            ),
        )


@final
@attrs.frozen
class Stairstep(_Tiered):
    """The flat price of the tier the quantity falls in, plus an optional per-unit overage.

    Tiers carry only a ``flat_price``. Either the last tier is unlimited, or every tier is
    bounded and ``overage_unit_price`` prices each unit past the last bound (on top of the last
    tier's flat price).

    >>> steps = [Tier(Decimal("10"), flat_price=Money("100", "USD")),
    ...          Tier(Decimal("50"), flat_price=Money("400", "USD"))]
    >>> model = Stairstep(steps, overage_unit_price=Money("9", "USD"))
    >>> model.price(10), model.price(11), model.price(52)
    (Money('100', 'USD'), Money('400', 'USD'), Money('418', 'USD'))
    """

    tiers: tuple[Tier, ...] = attrs.field(converter=_to_tiers)
    overage_unit_price: Money | None = attrs.field(default=None)
    _currency: Currency = attrs.field(init=False, repr=False, eq=False, hash=False)
    _rows: tuple[tuple[Decimal | None, Decimal], ...] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )

    @overage_unit_price.validator
    def _check_overage(self, _: object, value: object) -> None:
        _check_money("A stairstep overage_unit_price", value)

    def __attrs_post_init__(self) -> None:
        _check_bounds("A stairstep table", [t.up_to for t in self.tiers])
        for number, tier in enumerate(self.tiers, start=1):
            if tier.unit_price is not None:
                raise TierError(
                    f"Stairstep tier {number} has unit_price={tier.unit_price}; a stairstep tier "
                    "charges only its flat_price (use Volume for per-unit tiers)."
                )
        last = self.tiers[-1].up_to
        if self.overage_unit_price is None and last is not None:
            raise TierError(
                f"The last stairstep tier has up_to={plain(last)} and there is no "
                "overage_unit_price, so larger quantities have no price; make the last tier "
                "unlimited (up_to=None) or give an overage_unit_price."
            )
        if self.overage_unit_price is not None and last is None:
            raise TierError(
                "A stairstep overage_unit_price applies past the last bounded tier, but the "
                "last tier is unlimited (up_to=None); bound it or drop the overage price."
            )
        currency = _tier_currency(
            "A stairstep table",
            [*(t.flat_price for t in self.tiers), self.overage_unit_price],
        )
        object.__setattr__(self, "_currency", currency)
        object.__setattr__(
            self, "_rows", tuple((t.up_to, _amount(t.flat_price)) for t in self.tiers)
        )

    @classmethod
    def from_blocks(
        cls,
        rows: Sequence[tuple[DecimalLike, DecimalLike | None, Money]],
        *,
        overage_unit_price: Money | None = None,
        step: DecimalLike = Decimal(1),
    ) -> Stairstep:
        """Build from Salesforce CPQ block prices ``(lower, upper, block_price)``.

        Salesforce block bounds are lower-inclusive and upper-exclusive and contiguous
        (anchors: cpq.md §2.3); each becomes a tier with ``up_to = upper - step`` (``step`` is
        the smallest quantity increment, 1 for whole units). The first block must start at
        zero or at ``step``. With an ``overage_unit_price``, the unlimited top block
        ``(lower, None, price)`` charges ``price + (q - lower) × overage`` as Salesforce's
        overage rate does: it becomes a tier up to ``lower`` followed by overage. (A bounded
        top block with an overage charges the overage past its upper bound instead.)

        >>> usd = lambda text: Money(text, "USD")
        >>> model = Stairstep.from_blocks(
        ...     [(1, 11, usd("100")), (11, 51, usd("400")), (51, None, usd("700"))],
        ...     overage_unit_price=usd("5"))
        >>> model.price(10), model.price(50), model.price(51), model.price(60)
        (Money('100', 'USD'), Money('400', 'USD'), Money('700', 'USD'), Money('745', 'USD'))
        """
        converted = _salesforce_rows(rows, step)
        increment = to_decimal(step, "A quantity step")
        if converted[0][1] > ZERO:
            raise TierError(
                f"The first block starts at {plain(CTX.add(converted[0][1], increment))}; "
                "smaller quantities would have no price. Start it at 0 or at the step."
            )
        tiers: list[Tier] = []
        for number, below, up_to, price in converted:
            if not isinstance(price, Money):
                raise RevcycleTypeError(
                    f"The price of Salesforce block {number} must be Money, not {price!r}."
                )
            if up_to is None and overage_unit_price is not None:
                # Salesforce's overage: block price + (q - lower bound) × rate, so the block
                # price covers quantities up to its lower bound and every unit past it is
                # overage.
                up_to = CTX.add(below, increment)
                if up_to <= ZERO:
                    raise TierError(
                        "An unlimited block starting at 0 with an overage price is per-unit "
                        "pricing plus a flat fee; start the block at the step instead."
                    )
            tiers.append(Tier(up_to, flat_price=price))
        return cls(tiers, overage_unit_price=overage_unit_price)

    def price(self, quantity: Quantity) -> Money:
        """The flat price of the tier ``q`` falls in, plus overage past the last bound."""
        q = _quantity(quantity)
        if q.is_zero():
            return Money._trusted(ZERO, self._currency)
        for upper, flat in self._rows:
            if upper is None or q <= upper:
                return Money._trusted(flat, self._currency)
        upper, flat = self._rows[-1]
        assert upper is not None
        assert self.overage_unit_price is not None
        try:
            extra = CTX.multiply(CTX.subtract(q, upper), self.overage_unit_price.amount)
            return Money._trusted(CTX.add(flat, extra), self._currency)
        except decimal.DecimalException:
            raise _too_large(quantity) from None

    @_guarded
    def breakdown(self, quantity: Quantity) -> tuple[PriceRow, ...]:
        """The tier row, plus an overage row past the last bound (none for zero)."""
        q = _quantity(quantity)
        if q.is_zero():
            return ()
        lower = ZERO
        for number, tier in enumerate(self.tiers, start=1):
            if tier.up_to is None or q <= tier.up_to:
                return (
                    PriceRow(
                        description=_tier_description(number, lower, tier.up_to),
                        tier=number,
                        units=q,
                        unit_price=None,
                        flat_price=tier.flat_price,
                        amount=Money._trusted(_amount(tier.flat_price), self._currency),
                    ),
                )
            lower = tier.up_to
        last = self.tiers[-1]
        assert last.up_to is not None
        assert self.overage_unit_price is not None
        over = CTX.subtract(q, last.up_to)
        return (
            PriceRow(
                description=_tier_description(
                    len(self.tiers),
                    ZERO if len(self.tiers) == 1 else _amount_bound(self.tiers[-2].up_to),
                    last.up_to,
                ),
                tier=len(self.tiers),
                units=last.up_to,
                unit_price=None,
                flat_price=last.flat_price,
                amount=Money._trusted(_amount(last.flat_price), self._currency),
            ),
            PriceRow(
                description=f"overage above {plain(last.up_to)}",
                tier=None,
                units=over,
                unit_price=self.overage_unit_price,
                flat_price=None,
                amount=Money._trusted(
                    CTX.multiply(over, self.overage_unit_price.amount), self._currency
                ),
            ),
        )


def _amount_bound(value: Decimal | None) -> Decimal:
    assert value is not None
    return value


def _to_package_size(value: object) -> Decimal:
    return to_decimal(value, "A package size")


def _to_free_units(value: object) -> Decimal:
    return to_decimal(value, "A package's free_units")


@final
@attrs.frozen
class Package:
    """Whole packages of ``size`` units: ``ceil(max(q - free_units, 0) / size) × package_price``.

    A started package counts in full; ``free_units`` come off first (Lago ``package``).

    >>> model = Package(Decimal("10"), Money("5", "USD"), free_units=Decimal("3"))
    >>> model.price(3), model.price(4), model.price(13), model.price(14)
    (Money('0', 'USD'), Money('5', 'USD'), Money('5', 'USD'), Money('10', 'USD'))
    """

    size: Decimal = attrs.field(converter=_to_package_size)
    package_price: Money = attrs.field()
    free_units: Decimal = attrs.field(default=ZERO, converter=_to_free_units)

    @size.validator
    def _check_size(self, _: object, value: Decimal) -> None:
        if value <= ZERO:
            raise ValidationError(f"A package size must be positive, got {plain(value)}.")

    @package_price.validator
    def _check_price(self, _: object, value: object) -> None:
        _check_money("A package_price", value, optional=False)

    @free_units.validator
    def _check_free(self, _: object, value: Decimal) -> None:
        if value < ZERO:
            raise ValidationError(f"A package's free_units must not be negative, got {value}.")

    @property
    def currency(self) -> Currency:
        """The currency of the package price."""
        return self.package_price.currency

    def packages(self, quantity: Quantity) -> Decimal:
        """How many packages ``quantity`` units need (a whole number)."""
        q = _quantity(quantity)
        billable = CTX.subtract(q, self.free_units)
        if billable <= ZERO:
            return ZERO
        try:
            whole, rest = CTX.divmod(billable, self.size)
            if not rest.is_zero():
                whole = CTX.add(whole, Decimal(1))
        except decimal.DecimalException:
            raise _too_large(quantity) from None
        return whole

    def price(self, quantity: Quantity) -> Money:
        """The number of packages × the package price."""
        count = self.packages(quantity)
        return Money._trusted(
            CTX.multiply(count, self.package_price.amount), self.package_price.currency
        )

    @_guarded
    def breakdown(self, quantity: Quantity) -> tuple[PriceRow, ...]:
        """One row counting packages in ``units`` (none when no package is needed)."""
        q = _quantity(quantity)
        count = self.packages(q)
        if count.is_zero():
            return ()
        free = f", {plain(self.free_units)} free" if self.free_units else ""
        return (
            PriceRow(
                description=(
                    f"{plain(count)} package(s) of {plain(self.size)} units "
                    f"for {plain(q)} units{free}"
                ),
                tier=None,
                units=count,
                unit_price=self.package_price,
                flat_price=None,
                amount=self.price(q),
            ),
        )

    def unit_price_at(self, quantity: Quantity) -> Money:
        """The effective unit price ``price(quantity) / quantity``; zero for zero."""
        q = _quantity(quantity)
        if q.is_zero():
            return Money._trusted(ZERO, self.package_price.currency)
        return Money._trusted(_divide(self.price(q).amount, q), self.package_price.currency)


AnyPricingModel: TypeAlias = Flat | PerUnit | Graduated | Volume | Stairstep | Package
"""Every pricing model revcycle ships (a tagged union in JSON)."""


# --------------------------------------------------------------------------------------------
# Discount schedules


class ScheduleKind(enum.StrEnum):
    """How a discount schedule spreads its tiers over a quantity (Salesforce CPQ).

    ``RANGE``: the tier the whole quantity falls in discounts every unit. ``SLAB``: each unit
    gets the discount of the tier it falls in (like graduated pricing).
    """

    RANGE = "range"
    SLAB = "slab"


def _to_schedule_kind(value: object) -> ScheduleKind:
    try:
        return ScheduleKind(value if isinstance(value, str) else repr(value))
    except ValueError:
        raise ValidationError(
            f"A discount schedule kind must be 'range' or 'slab', not {value!r}."
        ) from None


def _to_optional_percent(value: object) -> Percent | None:
    if value is None or isinstance(value, Percent):
        return value
    return Percent(to_decimal(value, "A discount tier percent"))


@final
@attrs.frozen
class DiscountTier:
    """One tier of a discount schedule: an inclusive upper bound and the discount.

    ``percent`` is a percent off the unit price (0 to 100); ``amount`` is money off each unit.
    Give at most one; a tier with neither gives no discount.
    """

    up_to: Decimal | None = attrs.field(converter=_to_bound, validator=_check_bound)
    percent: Percent | None = attrs.field(default=None, converter=_to_optional_percent)
    amount: Money | None = attrs.field(default=None)

    def __attrs_post_init__(self) -> None:
        if self.percent is not None and self.amount is not None:
            raise TierError(
                f"A discount tier gives a percent or an amount, not both "
                f"(got {self.percent} and {self.amount})."
            )
        if self.percent is not None and not ZERO <= self.percent.value <= HUNDRED:
            raise TierError(
                f"A discount tier percent must be between 0 and 100, got {self.percent}."
            )
        _check_money("A discount tier amount", self.amount)

    def _off(self, list_unit_price: Money) -> Money:
        """Money off one unit of ``list_unit_price``."""
        if self.percent is not None:
            return Money._trusted(
                CTX.divide(CTX.multiply(list_unit_price.amount, self.percent.value), HUNDRED),
                list_unit_price.currency,
            )
        if self.amount is not None:
            if self.amount.currency != list_unit_price.currency:
                raise CurrencyMismatchError(
                    f"A discount of {self.amount} cannot apply to a {list_unit_price.currency} "
                    f"price ({list_unit_price})."
                )
            if self.amount.amount > list_unit_price.amount:
                raise ValidationError(
                    f"A discount of {self.amount} per unit is more than the unit price "
                    f"{list_unit_price}."
                )
            return self.amount
        return Money._trusted(ZERO, list_unit_price.currency)


@final
@attrs.frozen(kw_only=True)
class DiscountRow:
    """One row of a discount schedule's breakdown: units and the money off each of them.

    ``tier`` is the 1-based tier number, ``None`` for units past a bounded last tier (no
    discount). ``unit_price`` is the price of these units after the discount.
    """

    description: str
    tier: int | None
    units: Decimal
    discount_per_unit: Money
    unit_price: Money


def _to_discount_tiers(value: Iterable[DiscountTier]) -> tuple[DiscountTier, ...]:
    given: object = value  # callers may pass anything at run time
    if isinstance(given, str | bytes) or not isinstance(given, Iterable):
        raise RevcycleTypeError(
            f"Discount tiers must be a sequence of DiscountTier values, not {value!r}."
        )
    tiers = tuple(value)
    for tier in tiers:
        if not isinstance(tier, DiscountTier):
            raise RevcycleTypeError(f"Every discount tier must be a DiscountTier, not {tier!r}.")
    return tiers


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
        raise TierError(f"Salesforce-style tiers must be a non-empty sequence, not {rows!r}.")
    out: list[tuple[int, Decimal, Decimal | None, object]] = []
    previous_upper: Decimal | None = None
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, tuple) or len(row) != 3:
            raise RevcycleTypeError(
                f"Salesforce tier {number} must be a (lower, upper, price or discount) tuple, "
                f"not {row!r}."
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


@final
@attrs.frozen
class DiscountSchedule:
    """A volume discount schedule: tiers of percent or amount off per unit.

    Tiers use revcycle's inclusive ``up_to`` bounds (build from Salesforce's lower-inclusive /
    upper-exclusive bounds with :meth:`from_bounds`). Past a bounded last tier there is no
    discount. A schedule uses one discount unit: every tier gives a percent, or every tier an
    amount (a tier with neither gives nothing).

    ``aggregate=True`` (``RANGE`` only, as in Salesforce) asks the quote engine to pick the tier
    from the summed quantity of every line of the same product on the quote.

    >>> schedule = DiscountSchedule(ScheduleKind.RANGE, [
    ...     DiscountTier(Decimal("9")),
    ...     DiscountTier(Decimal("19"), percent=Percent("10")),
    ...     DiscountTier(None, percent=Percent("20")),
    ... ])
    >>> schedule.unit_price(Money("100", "USD"), 10)
    Money('90', 'USD')
    """

    kind: ScheduleKind = attrs.field(converter=_to_schedule_kind)
    tiers: tuple[DiscountTier, ...] = attrs.field(converter=_to_discount_tiers)
    aggregate: bool = attrs.field(default=False, kw_only=True)

    def __attrs_post_init__(self) -> None:
        _check_bounds("A discount schedule", [t.up_to for t in self.tiers])
        has_percent = any(t.percent is not None for t in self.tiers)
        has_amount = any(t.amount is not None for t in self.tiers)
        if has_percent and has_amount:
            raise TierError(
                "A discount schedule gives either percents or amounts off, not both; "
                "split it into two schedules."
            )
        _same_currency("A discount schedule", [t.amount for t in self.tiers])
        if not isinstance(self.aggregate, bool):
            raise RevcycleTypeError(f"aggregate must be True or False, not {self.aggregate!r}.")
        if self.aggregate and self.kind is ScheduleKind.SLAB:
            raise TierError(
                "Only a RANGE discount schedule can aggregate quantity across the quote; "
                "a SLAB schedule discounts each line's own units."
            )

    @classmethod
    def from_bounds(
        cls,
        kind: ScheduleKind | str,
        rows: Sequence[tuple[DecimalLike, DecimalLike | None, Percent | Money | None]],
        *,
        step: DecimalLike = Decimal(1),
        aggregate: bool = False,
    ) -> DiscountSchedule:
        """Build from Salesforce-style tiers ``(lower, upper, discount)``.

        Salesforce bounds are lower-inclusive and upper-exclusive, and each tier's lower bound
        equals the previous tier's upper bound (tiers 1–10 are written ``(1, 11, ...)``); the
        last ``upper`` may be ``None``. revcycle's inclusive ``up_to`` is ``upper - step``,
        where ``step`` is the smallest quantity increment (1 for whole units; 0.01 for a
        quantity scale of 2). Quantities below the first lower bound get no discount.
        The discount is a :class:`Percent`, a :class:`Money` amount off per unit, or ``None``.

        >>> schedule = DiscountSchedule.from_bounds("range", [
        ...     (1, 10, Percent("0")), (10, 20, Percent("10")), (20, None, Percent("20"))])
        >>> [plain(t.up_to) if t.up_to else None for t in schedule.tiers]
        ['9', '19', None]
        """
        tiers: list[DiscountTier] = []
        for number, below, up_to, discount in _salesforce_rows(rows, step):
            if number == 1 and below > ZERO:
                # Quantities below the first lower bound get no discount.
                tiers.append(DiscountTier(below))
            if isinstance(discount, Percent):
                tiers.append(DiscountTier(up_to, percent=discount))
            elif isinstance(discount, Money) or discount is None:
                tiers.append(DiscountTier(up_to, amount=discount))
            else:
                raise RevcycleTypeError(
                    f"The discount of Salesforce tier {number} must be a Percent, Money or "
                    f"None, not {discount!r}."
                )
        return cls(kind, tiers, aggregate=aggregate)

    def tier_for(self, quantity: Quantity) -> int | None:
        """The 1-based tier ``quantity`` falls in (``None`` for zero or past the last bound)."""
        q = _quantity(quantity)
        if q.is_zero():
            return None
        for number, tier in enumerate(self.tiers, start=1):
            if tier.up_to is None or q <= tier.up_to:
                return number
        return None

    @_guarded
    def breakdown(self, list_unit_price: Money, quantity: Quantity) -> tuple[DiscountRow, ...]:
        """The units of each tier and their discount (one row for ``RANGE``)."""
        _check_money("A list unit price", list_unit_price, optional=False)
        q = _quantity(quantity)
        if q.is_zero():
            return ()
        if self.kind is ScheduleKind.RANGE:
            number = self.tier_for(q)
            if number is None:
                return (self._undiscounted(list_unit_price, q, self.tiers[-1].up_to),)
            off = self.tiers[number - 1]._off(list_unit_price)
            lower = ZERO if number == 1 else _amount_bound(self.tiers[number - 2].up_to)
            return (
                DiscountRow(
                    description=_tier_description(number, lower, self.tiers[number - 1].up_to)
                    + ", all units",
                    tier=number,
                    units=q,
                    discount_per_unit=off,
                    unit_price=list_unit_price - off,
                ),
            )
        rows: list[DiscountRow] = []
        lower = ZERO
        for number, tier in enumerate(self.tiers, start=1):
            if q <= lower:
                return tuple(rows)
            top = q if tier.up_to is None or q <= tier.up_to else tier.up_to
            off = tier._off(list_unit_price)
            rows.append(
                DiscountRow(
                    description=_tier_description(number, lower, tier.up_to),
                    tier=number,
                    units=CTX.subtract(top, lower),
                    discount_per_unit=off,
                    unit_price=list_unit_price - off,
                )
            )
            if tier.up_to is None:
                return tuple(rows)
            lower = tier.up_to
        if q > lower:
            rows.append(self._undiscounted(list_unit_price, CTX.subtract(q, lower), lower))
        return tuple(rows)

    @staticmethod
    def _undiscounted(list_unit_price: Money, units: Decimal, above: Decimal | None) -> DiscountRow:
        return DiscountRow(
            description=f"above {_bound_text(above)}: no discount",
            tier=None,
            units=units,
            discount_per_unit=Money._trusted(ZERO, list_unit_price.currency),
            unit_price=list_unit_price,
        )

    @_guarded
    def discount_per_unit(self, list_unit_price: Money, quantity: Quantity) -> Money:
        """The money off each unit, on average over ``quantity`` units (unrounded).

        ``RANGE``: the discount of the tier the quantity falls in. ``SLAB``: the units of each
        tier × that tier's discount, summed and divided by the quantity (a blended discount).
        """
        rows = self.breakdown(list_unit_price, quantity)
        if not rows:
            return Money._trusted(ZERO, list_unit_price.currency)
        if len(rows) == 1:
            return rows[0].discount_per_unit
        total_off = ZERO
        units = ZERO
        for row in rows:
            total_off = CTX.add(total_off, CTX.multiply(row.units, row.discount_per_unit.amount))
            units = CTX.add(units, row.units)
        return Money._trusted(CTX.divide(total_off, units), list_unit_price.currency)

    def unit_price(self, list_unit_price: Money, quantity: Quantity) -> Money:
        """The unit price after the schedule's discount (unrounded).

        For ``RANGE`` pass the quantity that picks the tier (the aggregated quantity when
        ``aggregate`` is set); for ``SLAB`` the line's quantity.
        """
        return list_unit_price - self.discount_per_unit(list_unit_price, quantity)

    def to_records(self) -> list[dict[str, str | int | None]]:
        """The schedule as flat records: tier, bounds, and the percent or amount off."""
        return [
            {
                "tier": number,
                "above": plain(lower),
                "up_to": None if tier.up_to is None else plain(tier.up_to),
                "percent": None if tier.percent is None else plain(tier.percent.value),
                "amount": None if tier.amount is None else plain(tier.amount.amount),
                "currency": None if tier.amount is None else tier.amount.currency.code,
            }
            for number, tier, lower in _with_lower_bounds(self.tiers)
        ]

    def _repr_html_(self) -> str:
        rows = [
            [str(number), plain(lower), _bound_text(tier.up_to), _discount_text(tier)]
            for number, tier, lower in _with_lower_bounds(self.tiers)
        ]
        caption = f"{self.kind.value.title()} discount schedule"
        if self.aggregate:
            caption += " (quantity aggregated across the quote)"
        return html_table(
            caption, ["tier", "above", "up to (inclusive)", "discount"], rows, right=[1, 2, 3]
        )


def _discount_text(tier: DiscountTier) -> str:
    if tier.percent is not None:
        return f"{tier.percent} off"
    if tier.amount is not None:
        return f"{tier.amount} off per unit"
    return "none"


# --------------------------------------------------------------------------------------------
# Manual discounts


class DiscountKind(enum.StrEnum):
    """What a manual discount on a quote line states (Salesforce CPQ's additional discount)."""

    PERCENT = "percent"
    AMOUNT = "amount"
    UNIT_PRICE = "unit_price"
    TOTAL = "total"


def _to_discount_kind(value: object) -> DiscountKind:
    try:
        return DiscountKind(value if isinstance(value, str) else repr(value))
    except ValueError:
        allowed = ", ".join(repr(k.value) for k in DiscountKind)
        raise ValidationError(f"A discount kind must be one of {allowed}, not {value!r}.") from None


# How messages name a discount that carries money (a percent discount names itself).
_DISCOUNT_NAMES: Final = {
    DiscountKind.PERCENT: "A percent discount",
    DiscountKind.AMOUNT: "An amount discount",
    DiscountKind.UNIT_PRICE: "A target unit price",
    DiscountKind.TOTAL: "A target line total",
}


@final
@attrs.frozen
class Discount:
    """A rep's manual discount on a quote line: percent, amount off, target unit price or total.

    Build one with :meth:`percent`, :meth:`amount` (money off each unit), :meth:`unit_price`
    (the unit price the rep wants) or :meth:`total` (the line total the rep wants); ``value``
    is a :class:`Percent` for ``PERCENT`` and :class:`Money` otherwise. In JSON it is
    ``{"kind": "percent", "value": "10"}`` or
    ``{"kind": "amount", "value": {"amount": "5", "currency": "USD"}}``.

    >>> Discount.percent("10").apply(Money("80", "USD"), 3)
    Money('72.0', 'USD')
    >>> Discount.total(Money("200", "USD")).apply(Money("80", "USD"), 4)
    Money('50', 'USD')
    """

    kind: DiscountKind = attrs.field(converter=_to_discount_kind)
    value: Percent | Money = attrs.field()

    def __attrs_post_init__(self) -> None:
        if self.kind is DiscountKind.PERCENT:
            if not isinstance(self.value, Percent):
                raise RevcycleTypeError(
                    f"A percent discount needs a Percent value, not {self.value!r}."
                )
            if self.value.value > HUNDRED:
                raise ValidationError(f"A percent discount must not exceed 100%, got {self.value}.")
            return
        what = _DISCOUNT_NAMES[self.kind]
        if not isinstance(self.value, Money):
            raise RevcycleTypeError(f"{what} needs a Money value, not {self.value!r}.")
        if self.value.amount < ZERO:
            raise ValidationError(f"{what} must not be negative, got {self.value}.")

    @classmethod
    def percent(cls, percent: Percent | DecimalLike) -> Discount:
        """A percent off the unit price (``Discount.percent("12.5")`` is 12.5 % off).

        A negative percent is a markup; more than 100 % is refused.
        """
        value = percent if isinstance(percent, Percent) else Percent(percent)
        return cls(DiscountKind.PERCENT, value)

    @classmethod
    def amount(cls, money_per_unit: Money) -> Discount:
        """Money off each unit of the line's price."""
        return cls(DiscountKind.AMOUNT, money_per_unit)

    @classmethod
    def unit_price(cls, money: Money) -> Discount:
        """A target unit price; the engine back-solves the discount."""
        return cls(DiscountKind.UNIT_PRICE, money)

    @classmethod
    def total(cls, money: Money) -> Discount:
        """A target line total; the engine back-solves a unit price ``total / quantity``."""
        return cls(DiscountKind.TOTAL, money)

    @_guarded
    def __str__(self) -> str:
        if self.kind is DiscountKind.PERCENT:
            return f"{self.value} off"
        if self.kind is DiscountKind.AMOUNT:
            return f"{self.value} off per unit"
        if self.kind is DiscountKind.UNIT_PRICE:
            return f"unit price set to {self.value}"
        return f"line total set to {self.value}"

    def apply(self, unit_price: Money, quantity: Quantity) -> Money:
        """The unit price after this discount, unrounded.

        ``PERCENT``: ``unit_price × (1 - p)``. ``AMOUNT``: ``unit_price - amount`` (refused when
        the amount is more than the price). ``UNIT_PRICE``: the target. ``TOTAL``: the target
        total divided by ``quantity`` (refused for a zero quantity).
        """
        _check_money("A unit price", unit_price, optional=False)
        q = _quantity(quantity)
        value = self.value
        if isinstance(value, Percent):
            return unit_price * value.complement()
        if value.currency != unit_price.currency:
            raise CurrencyMismatchError(
                f"{_DISCOUNT_NAMES[self.kind]} of {value} cannot apply to a price in "
                f"{unit_price.currency.code} ({unit_price})."
            )
        if self.kind is DiscountKind.AMOUNT:
            if value.amount > unit_price.amount:
                raise ValidationError(
                    f"An amount discount of {value} per unit is more than the unit price "
                    f"{unit_price}."
                )
            return unit_price - value
        if self.kind is DiscountKind.UNIT_PRICE:
            return value
        if q.is_zero():
            raise ValidationError(
                f"A target total of {value} cannot be spread over a zero quantity."
            )
        return Money._trusted(CTX.divide(value.amount, q), value.currency)
