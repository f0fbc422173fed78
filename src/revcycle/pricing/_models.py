"""The six pricing models: Flat, PerUnit, Graduated, Volume, Stairstep and Package.

Each model prices a quantity three ways: ``price(q)`` (unrounded money), ``breakdown(q)`` (the
rows that made the price) and ``unit_price_at(q)`` (``price(q) / q``). Each also has
``_unit_in_context(q)``, the quote engine's list step: the effective unit price on raw
Decimals, to be called inside ``decimal.localcontext(CTX)``, with the same operations in the
same order as ``price`` and one division by the quantity, as ``unit_price_at`` does, so it
gives the same numbers (a per-unit price is the exception: the list step shows the book's price
even for a zero quantity).

The two paths are one rule written twice, on purpose, side by side in each class. ``price``
and ``unit_price_at`` run in the caller's context through ``CTX`` calls: entering a local
context per call costs about as much as a whole graduated ``price``, so
benchmarks/bench_pricing.py part 1 (10,000 graduated prices in about 13 ms) would take 1.5 to
2 times as long. The engine, in turn, cannot afford ``unit_price_at``'s checks and Money per
line: benchmarks/bench_quote.py's 1,000 lines took 4.5 ms through it against 3.2 ms through
``_unit_in_context`` (best of 15 runs on Python 3.11).
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from decimal import Decimal
from typing import TypeAlias, final

import attrs

from revcycle._numbers import CTX, ONE, ZERO, DecimalLike, in_range, plain, to_decimal
from revcycle.errors import RevcycleTypeError, TierError, ValidationError, shown
from revcycle.money import Currency, Money
from revcycle.pricing._tiers import (
    PriceRow,
    Quantity,
    Tier,
    _amount,
    _amount_bound,
    _check_bounds,
    _check_money,
    _divide,
    _guarded,
    _quantity,
    _salesforce_rows,
    _tier_currency,
    _tier_description,
    _Tiered,
    _to_tiers,
    _too_large,
)


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

    def _unit_in_context(self, quantity: Decimal) -> Decimal:
        """``unit_price_at(quantity)`` on raw Decimals, inside ``decimal.localcontext(CTX)``."""
        if quantity.is_zero():
            return ZERO
        return self.amount.amount / quantity

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
        if (
            type(quantity) is Decimal
            and quantity.is_finite()
            and quantity >= ZERO
            and in_range(quantity)
        ):
            q = quantity
        else:
            q = _quantity(quantity)
        try:
            return Money._trusted(CTX.multiply(q, self.unit_price.amount), self.unit_price.currency)
        except decimal.DecimalException:
            raise _too_large(quantity) from None

    def _unit_in_context(self, quantity: Decimal) -> Decimal:
        """The list step's unit price: the book's price as is, even for a zero quantity."""
        return self.unit_price.amount

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
        if (
            type(quantity) is Decimal
            and quantity.is_finite()
            and quantity >= ZERO
            and in_range(quantity)
        ):
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

    def _unit_in_context(self, quantity: Decimal) -> Decimal:
        """``unit_price_at(quantity)`` on raw Decimals, inside ``decimal.localcontext(CTX)``."""
        if quantity.is_zero():
            return ZERO
        for upper, lower, base, unit in self._rows:
            if upper is None or quantity <= upper:
                return (base + (quantity - lower) * unit) / quantity
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
        if (
            type(quantity) is Decimal
            and quantity.is_finite()
            and quantity >= ZERO
            and in_range(quantity)
        ):
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

    def _unit_in_context(self, quantity: Decimal) -> Decimal:
        """``unit_price_at(quantity)`` on raw Decimals, inside ``decimal.localcontext(CTX)``."""
        if quantity.is_zero():
            return ZERO
        for upper, unit, flat in self._rows:
            if upper is None or quantity <= upper:
                return (quantity * unit + flat) / quantity
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

    def to_records(self) -> list[dict[str, str | int | None]]:
        """The tier table as flat records (as for every tier table), then, when there is an
        ``overage_unit_price``, one more record for the units past the last bound: ``tier``
        ``None``, ``above`` the last bound, ``up_to`` ``None`` and the overage as
        ``unit_price`` (charged per unit on top of the last tier's flat price).

        >>> steps = [Tier(Decimal("10"), flat_price=Money("100", "USD"))]
        >>> Stairstep(steps, overage_unit_price=Money("9", "USD")).to_records()[-1]
        {'tier': None, 'above': '10', 'up_to': None, 'unit_price': '9', 'flat_price': None, \
'currency': 'USD'}
        """
        records = super().to_records()
        overage = self.overage_unit_price
        last = self.tiers[-1].up_to
        if overage is not None and last is not None:
            records.append(
                {
                    "tier": None,
                    "above": plain(last),
                    "up_to": None,
                    "unit_price": plain(overage.amount),
                    "flat_price": None,
                    "currency": self._currency.code,
                }
            )
        return records

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
                    f"The price of Salesforce block {number} must be Money, not {shown(price)}."
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

    def _unit_in_context(self, quantity: Decimal) -> Decimal:
        """``unit_price_at(quantity)`` on raw Decimals, inside ``decimal.localcontext(CTX)``."""
        if quantity.is_zero():
            return ZERO
        for upper, flat in self._rows:
            if upper is None or quantity <= upper:
                return flat / quantity
        assert upper is not None
        assert self.overage_unit_price is not None
        return (flat + (quantity - upper) * self.overage_unit_price.amount) / quantity

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


def _to_package_size(value: DecimalLike) -> Decimal:
    return to_decimal(value, "A package size")


def _to_free_units(value: DecimalLike) -> Decimal:
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

    def _unit_in_context(self, quantity: Decimal) -> Decimal:
        """``unit_price_at(quantity)`` on raw Decimals, inside ``decimal.localcontext(CTX)``."""
        if quantity.is_zero():
            return ZERO
        billable = quantity - self.free_units
        if billable <= ZERO:
            packages = ZERO
        else:
            packages, rest = divmod(billable, self.size)
            if not rest.is_zero():
                packages = packages + ONE
        return packages * self.package_price.amount / quantity

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

TieredModel: TypeAlias = Graduated | Volume | Stairstep
"""The models priced from a tier table: annotate a collection of them with this name
(``dict[str, TieredModel]``) rather than leave the checker to infer their private base."""
