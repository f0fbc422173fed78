"""Volume discount schedules: tiers of percent or amount off per unit, range or slab.

A :class:`DiscountSchedule` answers for people (``breakdown``, ``discount_per_unit``,
``unit_price``, all on Money) and, through ``_plan()``, for the quote engine's hot loop
(docs/explanation/price-waterfall.md, the ``volume`` step). Import the public names from
:mod:`revcycle.pricing`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import NamedTuple, final

import attrs

from revcycle._display import html_table, points_text
from revcycle._numbers import CTX, HUNDRED, ZERO, DecimalLike, plain, to_decimal
from revcycle._validate import check_annotated, require_sequence
from revcycle.errors import (
    CurrencyMismatchError,
    RevcycleTypeError,
    TierError,
    ValidationError,
    shown,
)
from revcycle.money import Currency, Money, Percent
from revcycle.pricing._tiers import (
    Quantity,
    _amount_bound,
    _bound_text,
    _check_bound,
    _check_bounds,
    _check_money,
    _guarded,
    _quantity,
    _salesforce_rows,
    _same_currency,
    _tier_description,
    _to_bound,
    _with_lower_bounds,
)


class ScheduleKind(enum.StrEnum):
    """How a discount schedule spreads its tiers over a quantity (Salesforce CPQ).

    ``RANGE``: the tier the whole quantity falls in discounts every unit. ``SLAB``: each unit
    gets the discount of the tier it falls in (like graduated pricing).
    """

    RANGE = "range"
    SLAB = "slab"


def _to_schedule_kind(value: ScheduleKind | str) -> ScheduleKind:
    if isinstance(value, str):  # a ScheduleKind is a str too
        try:
            return ScheduleKind(value)
        except ValueError:
            pass
    raise ValidationError(
        f"A discount schedule kind must be 'range' or 'slab', not {shown(value)}."
    )


def _to_optional_percent(value: Percent | DecimalLike | None) -> Percent | None:
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
        _check_money("A discount tier amount", self.amount)  # its type first, then the rules
        if self.percent is not None and self.amount is not None:
            raise TierError(
                f"A discount tier gives a percent or an amount, not both "
                f"(got {self.percent} and {self.amount})."
            )
        if self.percent is not None and not ZERO <= self.percent.value <= HUNDRED:
            raise TierError(
                f"A discount tier percent must be between 0 and 100, got {self.percent}."
            )

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
@attrs.frozen(kw_only=True, field_transformer=check_annotated)
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
            f"Discount tiers must be a sequence of DiscountTier values, not {shown(value)}."
        )
    tiers = require_sequence(value, "Discount tiers")
    for tier in tiers:
        if not isinstance(tier, DiscountTier):
            raise RevcycleTypeError(
                f"Every discount tier must be a DiscountTier, not {shown(tier)}."
            )
    return tiers


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
            raise RevcycleTypeError(
                f"aggregate must be True or False, not {shown(self.aggregate)}."
            )
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
                    f"None, not {shown(discount)}."
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

    # Two paths for one schedule, on purpose. ``unit_price`` above goes through ``breakdown``
    # (it subtracts the money off, as the explanation shows it); the plan below multiplies a
    # percent's complement instead, which may differ in the 50th digit, and names the quote
    # line in its errors. The quote engine runs the plan once per line, because a breakdown
    # builds a Money and a DiscountRow per tier: benchmarks/bench_quote.py's 1,000 lines took
    # about 8 ms through ``unit_price`` against about 3.5 ms through the plan (best of 15 runs
    # on Python 3.11).

    def _plan(self) -> _Plan:
        """This schedule laid out for the quote engine's hot loop (once per SKU of a quote)."""
        rows = tuple(
            (
                tier.up_to,
                None if tier.percent is None else tier.percent.value,
                # The factor of ``tier.percent.complement()``, computed once.
                None if tier.percent is None else tier.percent.complement(),
                tier.amount,
            )
            for tier in self.tiers
        )
        return _Plan(self.kind is ScheduleKind.RANGE, rows)

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
        return f"{points_text(tier.percent.value)} off"
    if tier.amount is not None:
        return f"{tier.amount} off per unit"
    return "none"


class _Plan(NamedTuple):
    """A discount schedule on raw Decimals, from :meth:`DiscountSchedule._plan`.

    Each row is ``(inclusive upper bound, percent off, 1 − percent ÷ 100, amount off)``;
    unused entries are ``None``.
    """

    range: bool
    rows: tuple[tuple[Decimal | None, Decimal | None, Decimal | None, Money | None], ...]

    def unit_price(
        self, unit: Decimal, quantity: Decimal, currency: Currency, number: int, sku: str
    ) -> Decimal:
        """The unit price after the schedule, inside ``decimal.localcontext(CTX)``.

        Line ``number`` (``sku``) of a quote in ``currency`` is named in the errors. The
        explanation uses the schedule's own breakdown, which gives the same numbers.
        """
        if quantity.is_zero():
            return unit
        if self.range:
            # Every unit gets the discount of the tier the quantity falls in (``tier_for``).
            for up_to, _, factor, amount in self.rows:
                if up_to is None or quantity <= up_to:
                    if factor is not None:
                        return unit * factor
                    if amount is None:
                        return unit
                    _check_tier_amount(amount, unit, currency, number, sku)
                    return unit - amount.amount
            return unit  # past a bounded last tier: no discount
        # SLAB: each unit gets the discount of the tier it falls in; the line carries the blend.
        total_off = ZERO
        lower = ZERO
        for up_to, percent, _, amount in self.rows:
            last = up_to is None or quantity <= up_to
            top = quantity if up_to is None or last else up_to
            # Money off one unit in this tier: a percent of the price, or an amount.
            if percent is not None:
                off = unit * percent / HUNDRED
            elif amount is not None:
                _check_tier_amount(amount, unit, currency, number, sku)
                off = amount.amount
            else:
                off = ZERO
            if off:
                total_off = total_off + (top - lower) * off
            if last:
                break
            lower = top  # this tier's bound
        return unit - total_off / quantity


def _check_tier_amount(
    amount: Money, unit: Decimal, currency: Currency, number: int, sku: str
) -> None:
    """``DiscountTier._off``'s checks, naming line ``number`` (``sku``) of a quote."""
    if amount.currency is not currency and amount.currency != currency:
        raise CurrencyMismatchError(
            f"Line {number} ({sku}): the discount schedule takes {amount} off, but the quote "
            f"is in {currency.code}."
        )
    if amount.amount > unit:
        raise ValidationError(
            f"Line {number} ({sku}): the discount schedule takes {amount} off each unit, more "
            f"than the unit price {plain(unit)} {currency.code}."
        )
