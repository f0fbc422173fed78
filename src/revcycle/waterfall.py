"""The price waterfall: the named steps a quote line's unit price goes through.

Each step records the unit price after it and the reason (docs/explanation/price-waterfall.md)::

    list         the price book model's effective unit price at the line's quantity
    contracted   the account's contracted price (replaces list) or contracted percent off
    volume       the product's discount schedule (range, or slab blended per unit)
    term         × the term multiplier (line span ÷ the product's pricing term)   = regular
    additional   the rep's discount: percent, amount off per unit, target unit price or
                 target line total (back-solved into an amount per unit)       = customer
    partner      the quote's partner discount (percent)                            = partner
    distributor  the quote's distributor discount (percent)                        = net

Percent discounts compound step by step. An amount discount is money off each unit for its
whole term: the term multiplier does not scale it (Salesforce CPQ's default). Unit prices are
never rounded inside the waterfall.

Two re-orderings are options on the quote: ``additional_discount_last`` moves ``additional`` to
the very end (the customer price is then the net price), and ``partner_discount_first`` moves
``partner`` right after the price is set (after ``contracted``, before the system discounts);
``distributor`` stays after ``partner``.

The engine that runs the waterfall is :func:`revcycle.quotes.price_quote`; this module holds the
step vocabulary and the step arithmetic it uses. Steps are built on first access from the
numbers the engine keeps, so pricing a large quote does not pay for its explanation.

>>> waterfall_order()
(<StepName.LIST: 'list'>, <StepName.CONTRACTED: 'contracted'>, <StepName.VOLUME: 'volume'>, \
<StepName.TERM: 'term'>, <StepName.ADDITIONAL: 'additional'>, <StepName.PARTNER: 'partner'>, \
<StepName.DISTRIBUTOR: 'distributor'>)
>>> [step.value for step in waterfall_order(additional_discount_last=True,
...                                         partner_discount_first=True)]
['list', 'contracted', 'partner', 'volume', 'term', 'distributor', 'additional']
"""

from __future__ import annotations

import decimal
import enum
from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final, NamedTuple, final

import attrs

from revcycle._display import amount_text
from revcycle._numbers import CTX, HUNDRED, ONE, ZERO, fraction_to_decimal, plain
from revcycle._validate import trusted
from revcycle.catalog import ContractedPrice
from revcycle.errors import CurrencyMismatchError, RevcycleTypeError, ValidationError
from revcycle.money import Currency, Money, Percent
from revcycle.pricing import (
    _DISCOUNT_NAMES,
    AnyPricingModel,
    Discount,
    DiscountKind,
    DiscountSchedule,
    Flat,
    Graduated,
    Package,
    PerUnit,
    ScheduleKind,
    Stairstep,
    Volume,
)
from revcycle.proration import Proration


if TYPE_CHECKING:
    from revcycle.quotes import Quote


__all__ = ["StepName", "WaterfallStep", "waterfall_order"]


class StepName(enum.StrEnum):
    """The steps of the price waterfall, in their default order."""

    LIST = "list"
    CONTRACTED = "contracted"
    VOLUME = "volume"
    TERM = "term"
    ADDITIONAL = "additional"
    PARTNER = "partner"
    DISTRIBUTOR = "distributor"


def _to_step_name(value: object) -> StepName:
    if type(value) is StepName:
        return value
    for name in StepName:
        if value is name or value == name.value:
            return name
    allowed = ", ".join(repr(n.value) for n in StepName)
    raise ValidationError(f"A waterfall step name must be one of {allowed}, not {value!r}.")


@final
@attrs.frozen
class WaterfallStep:
    """One step of a line's price waterfall: its name, the unit price after it, and why."""

    name: StepName = attrs.field(converter=_to_step_name)
    unit_price: Money = attrs.field()
    reason: str = attrs.field()

    @unit_price.validator
    def _check_price(self, _: object, value: object) -> None:
        if not isinstance(value, Money):
            raise RevcycleTypeError(f"A waterfall step's unit price must be Money, not {value!r}.")


# Steps built from the engine's own numbers: the name is a StepName, the price a Money and the
# reason a str by construction, so attrs' __init__ (converter and validator) would only repeat
# the checks on every step of every line.
_trusted_step: Final = trusted(WaterfallStep, "name", "unit_price", "reason")


def _short(value: Decimal) -> str:
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if -exponent <= 6:
        return plain(value)
    return "≈" + plain(value.quantize(Decimal("0.000001"), context=CTX))


# --------------------------------------------------------------------------------------------
# Running a line through the waterfall

_DEFAULT_ORDER: Final = tuple(StepName)


def waterfall_order(
    *, additional_discount_last: bool = False, partner_discount_first: bool = False
) -> tuple[StepName, ...]:
    """The order of the waterfall steps under the quote's two re-ordering options."""
    order = list(_DEFAULT_ORDER)
    if partner_discount_first:
        # Right after the price is set (list or contracted), before the system discounts.
        order.remove(StepName.PARTNER)
        order.insert(order.index(StepName.CONTRACTED) + 1, StepName.PARTNER)
    if additional_discount_last:
        order.remove(StepName.ADDITIONAL)
        order.append(StepName.ADDITIONAL)
    return tuple(order)


def _order(quote: Quote) -> tuple[StepName, ...]:
    return waterfall_order(
        additional_discount_last=quote.additional_discount_last,
        partner_discount_first=quote.partner_discount_first,
    )


@final
class _Context:
    """What every line of one priced quote shares (order, quote-level discounts)."""

    __slots__ = (
        "currency",
        "distributor_reason",
        "order",
        "partner",
        "partner_reason",
        "position",
        "price_book",
        "quote",
    )

    def __init__(self, quote: Quote) -> None:
        self.quote = quote
        self.currency = quote.currency
        self.order = _order(quote)
        self.position = {name: i for i, name in enumerate(self.order)}
        self.price_book = quote.price_book
        self.partner = quote.partner_discount
        # The same on every line: written once.
        partner, distributor = quote.partner_discount, quote.distributor_discount
        self.partner_reason = (
            "no partner discount" if partner is None else f"{partner} partner discount"
        )
        self.distributor_reason = (
            "no distributor discount"
            if distributor is None
            else f"{distributor} distributor discount"
        )


class _Trace(NamedTuple):
    """The raw results of one line's waterfall, kept to build its steps on demand.

    The engine makes one per line and keeps it as a plain tuple of these fields (cheaper to
    build than a named tuple, let alone an object with an ``__init__``); it is wrapped with
    ``_Trace._make`` only when the steps are asked for.
    """

    context: _Context
    prices: Sequence[Decimal]
    model: AnyPricingModel
    quantity: Decimal
    contracted: ContractedPrice | None
    schedule: DiscountSchedule | None
    schedule_quantity: Decimal
    proration: Proration | str
    discount: Discount | None

    def steps(self) -> tuple[WaterfallStep, ...]:
        context = self.context
        currency = context.currency
        return tuple(
            _trusted_step(name, Money._trusted(price, currency), self.reason(name, i))
            for i, (name, price) in enumerate(zip(context.order, self.prices, strict=True))
        )

    def reason(self, name: StepName, index: int) -> str:
        quote = self.context.quote
        currency = self.context.currency
        if name is StepName.LIST:
            return f"price book {quote.price_book}: {_describe_model(self.model, self.quantity)}"
        before = self.prices[index - 1] if index else ZERO
        if name is StepName.CONTRACTED:
            contracted = self.contracted
            if contracted is None:
                return f"no contracted price for {quote.account}"
            valid = "" if contracted.period is None else f", valid {contracted.period}"
            if contracted.price is not None:
                return f"contracted price {contracted.price} for {quote.account}{valid}"
            return f"contracted discount {contracted.discount} for {quote.account}{valid}"
        if name is StepName.VOLUME:
            if self.schedule is None:
                return "no discount schedule"
            return _describe_schedule(self.schedule, before, self.schedule_quantity, currency)
        if name is StepName.TERM:
            proration = self.proration
            if isinstance(proration, str):
                return proration
            parts = " + ".join(
                f"{_fraction(p.value)} {p.description}" for p in proration.parts if p.value
            )
            return (
                f"× {_fraction(proration.exact)} = ({parts or '0'}) ÷ "
                f"{_fraction(proration.divisor)} {proration.divisor_description}, "
                f"{proration.method.value}"
            )
        if name is StepName.ADDITIONAL:
            return _describe_discount(
                self.discount, before, self.prices[index], self.quantity, currency
            )
        if name is StepName.PARTNER:
            return self.context.partner_reason
        return self.context.distributor_reason


def _fraction(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator} (≈ {_short(fraction_to_decimal(value))})"


# Where a plain-tuple trace keeps the two fields read without building the steps.
_CONTEXT_AT: Final = _Trace._fields.index("context")
_PRICES_AT: Final = _Trace._fields.index("prices")

_ONE_TIME_TERM: Final = "× 1: a one-time charge has no term"
_USAGE_TERM: Final = "× 1: usage is priced per unit used"


def _complement(percent: Percent | None) -> Decimal | None:
    if percent is None or percent.value.is_zero():
        return None
    return percent.complement()


# The step arithmetic runs inside the ``decimal.localcontext(CTX)`` the engine opens once per
# quote, with plain Decimal operators (several times cheaper than ``CTX.multiply(...)`` calls):
# the same precision, rounding and traps as CTX, and the same order of operations, so the same
# numbers. The ``_apply_*`` wrappers open that context themselves, to be called from anywhere.


def _apply_discount(
    discount: Discount,
    unit: Decimal,
    quantity: Decimal,
    currency: Currency,
    number: int,
    sku: str,
) -> Decimal:
    """The unit price after the rep's discount; the semantics of ``Discount.apply``."""
    with decimal.localcontext(CTX):
        return _discounted_unit(discount, unit, quantity, currency, number, sku)


def _apply_schedule(
    schedule: DiscountSchedule,
    unit: Decimal,
    quantity: Decimal,
    currency: Currency,
    number: int,
    sku: str,
) -> Decimal:
    """The unit price after the volume schedule (range: the tier of ``quantity``; slab:
    the blended discount per unit)."""
    with decimal.localcontext(CTX):
        return _scheduled_unit(_schedule_plan(schedule), unit, quantity, currency, number, sku)


def _list_unit_function(model: AnyPricingModel) -> Callable[[Any, Decimal], Decimal]:
    """The function ``f`` with ``f(model, quantity)`` = ``model.unit_price_at(quantity)``.

    The engine looks it up once per SKU and calls it, inside its context, with each line's
    quantity. A per-unit price is read as is (even for a zero quantity: the list step shows the
    book's price). The other models' prices are written out on raw Decimals from the tables the
    models precompute (the same operations in the same order as their ``price``), then divided
    once by the quantity, as ``unit_price_at`` does.
    """
    return _LIST_UNIT[type(model)]


def _per_unit_list(model: PerUnit, quantity: Decimal) -> Decimal:
    return model.unit_price.amount


def _flat_list(model: Flat, quantity: Decimal) -> Decimal:
    if quantity.is_zero():
        return ZERO
    return model.amount.amount / quantity


def _graduated_list(model: Graduated, quantity: Decimal) -> Decimal:
    if quantity.is_zero():
        return ZERO
    # Rows: (inclusive upper bound, lower bound, price of the tiers below, unit price).
    for upper, lower, base, unit in model._rows:
        if upper is None or quantity <= upper:
            return (base + (quantity - lower) * unit) / quantity
    raise AssertionError("unreachable: the last tier is unlimited")  # pragma: no cover


def _volume_list(model: Volume, quantity: Decimal) -> Decimal:
    if quantity.is_zero():
        return ZERO
    # Rows: (inclusive upper bound, unit price, flat price); the last tier is unlimited.
    for upper, unit, flat in model._rows:
        if upper is None or quantity <= upper:
            return (quantity * unit + flat) / quantity
    raise AssertionError("unreachable: the last tier is unlimited")  # pragma: no cover


def _stairstep_list(model: Stairstep, quantity: Decimal) -> Decimal:
    if quantity.is_zero():
        return ZERO
    # Rows: (inclusive upper bound, flat price); past a bounded last tier, overage per unit.
    for upper, flat in model._rows:
        if upper is None or quantity <= upper:
            return flat / quantity
    assert upper is not None
    assert model.overage_unit_price is not None
    return (flat + (quantity - upper) * model.overage_unit_price.amount) / quantity


def _package_list(model: Package, quantity: Decimal) -> Decimal:
    if quantity.is_zero():
        return ZERO
    billable = quantity - model.free_units
    if billable <= ZERO:
        packages = ZERO
    else:
        packages, rest = divmod(billable, model.size)
        if not rest.is_zero():
            packages = packages + ONE
    return packages * model.package_price.amount / quantity


_LIST_UNIT: Final[dict[type[Any], Callable[[Any, Decimal], Decimal]]] = {
    PerUnit: _per_unit_list,
    Flat: _flat_list,
    Graduated: _graduated_list,
    Volume: _volume_list,
    Stairstep: _stairstep_list,
    Package: _package_list,
}


def _contracted_unit(
    contracted: ContractedPrice, unit: Decimal, currency: Currency, number: int, sku: str
) -> Decimal:
    """The unit price after the contracted step, inside the engine's context."""
    if contracted.price is not None:
        if contracted.price.currency != currency:
            raise CurrencyMismatchError(
                f"Line {number} ({sku}): the contracted price for {contracted.account} is in "
                f"{contracted.price.currency.code}, but the quote is in {currency.code}."
            )
        return contracted.price.amount
    assert contracted.discount is not None
    return unit * (ONE - contracted.discount.value / HUNDRED)  # × complement()


def _discounted_unit(
    discount: Discount,
    unit: Decimal,
    quantity: Decimal,
    currency: Currency,
    number: int,
    sku: str,
) -> Decimal:
    """The unit price after the rep's discount, inside the engine's context.

    Written out on raw Decimals (the semantics of ``Discount.apply``) because it runs once per
    line of large quotes.
    """
    value = discount.value
    if isinstance(value, Percent):
        return unit * (ONE - value.value / HUNDRED)  # × value.complement()
    if value.currency is not currency and value.currency != currency:
        what = _DISCOUNT_NAMES[discount.kind].lower()
        raise CurrencyMismatchError(
            f"Line {number} ({sku}): {what} of {value} is not in the quote currency "
            f"{currency.code}."
        )
    kind = discount.kind
    if kind is DiscountKind.AMOUNT:
        if value.amount > unit:
            raise ValidationError(
                f"Line {number} ({sku}): the amount discount of {value} per unit is more than "
                f"the unit price {plain(unit)} {currency.code}."
            )
        return unit - value.amount
    if kind is DiscountKind.UNIT_PRICE:
        return value.amount
    if quantity.is_zero():
        raise ValidationError(
            f"Line {number} ({sku}): a target total of {value} cannot be spread over a zero "
            "quantity."
        )
    return value.amount / quantity


class _Schedule(NamedTuple):
    """A discount schedule laid out for the engine's hot loop (once per SKU of a quote).

    Each row is ``(inclusive upper bound, percent off, 1 − percent ÷ 100, amount off)``;
    unused entries are ``None``. Build it with :func:`_schedule_plan` inside the engine's
    context.
    """

    range: bool
    rows: tuple[tuple[Decimal | None, Decimal | None, Decimal | None, Money | None], ...]


def _schedule_plan(schedule: DiscountSchedule) -> _Schedule:
    """``schedule`` as a :class:`_Schedule`; inside the engine's context."""
    rows = tuple(
        (
            tier.up_to,
            None if tier.percent is None else tier.percent.value,
            # The factor of ``tier.percent.complement()``, computed once.
            None if tier.percent is None else ONE - tier.percent.value / HUNDRED,
            tier.amount,
        )
        for tier in schedule.tiers
    )
    return _Schedule(schedule.kind is ScheduleKind.RANGE, rows)


def _scheduled_unit(
    schedule: _Schedule,
    unit: Decimal,
    quantity: Decimal,
    currency: Currency,
    number: int,
    sku: str,
) -> Decimal:
    """The unit price after the volume schedule, inside the engine's context.

    Written out on raw Decimals (it runs once per line of large quotes); the explanation uses
    the schedule's own breakdown, which gives the same numbers.
    """
    if quantity.is_zero():
        return unit
    if schedule.range:
        # Every unit gets the discount of the tier the quantity falls in (``tier_for``).
        for up_to, _, factor, amount in schedule.rows:
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
    for up_to, percent, _, amount in schedule.rows:
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


def _aggregates(schedule: DiscountSchedule) -> bool:
    # Only RANGE schedules may aggregate (pricing refuses SLAB with aggregate=True).
    return schedule.aggregate


def _units(quantity: Decimal) -> str:
    return f"{plain(quantity)} unit{'' if quantity == 1 else 's'}"


def _describe_model(model: AnyPricingModel, quantity: Decimal) -> str:
    if isinstance(model, PerUnit):
        return f"per unit {amount_text(model.unit_price)}"
    if isinstance(model, Flat):
        return f"flat {amount_text(model.amount)} over {_units(quantity)}"
    kind = type(model).__name__.lower()
    rows = model.breakdown(quantity)
    if not rows:
        return f"{kind}: a zero quantity costs zero"
    parts = []
    for row in rows:
        pieces = []
        if row.unit_price is not None:
            pieces.append(f"{plain(row.units)} × {amount_text(row.unit_price)}")
        if row.flat_price is not None:
            pieces.append(f"flat {amount_text(row.flat_price)}")
        parts.append(f"{row.description}: {' + '.join(pieces) or amount_text(row.amount)}")
    total = model.price(quantity)
    return f"{kind} ({'; '.join(parts)}) = {amount_text(total)} over {_units(quantity)}"


def _describe_schedule(
    schedule: DiscountSchedule, before: Decimal, quantity: Decimal, currency: Currency
) -> str:
    rows = schedule.breakdown(Money._trusted(before, currency), quantity)
    kind = schedule.kind.value
    aggregated = (
        f" (tier picked by the quote's total quantity {plain(quantity)})"
        if _aggregates(schedule)
        else ""
    )
    if not rows:
        return f"{kind} discount schedule: a zero quantity gets no discount"
    shown = "; ".join(
        f"{row.description}: {plain(row.units)} units at {amount_text(row.discount_per_unit)} off"
        for row in rows
    )
    if len(rows) > 1:
        shown += " (blended per unit)"
    return f"{kind} discount schedule{aggregated}: {shown}"


def _describe_discount(
    discount: Discount | None,
    before: Decimal,
    after: Decimal,
    quantity: Decimal,
    currency: Currency,
) -> str:
    if discount is None:
        return "no additional discount"
    value = discount.value
    if isinstance(value, Percent):
        return f"{value} additional discount"
    off = amount_text(Money._trusted(CTX.subtract(before, after), currency))
    if discount.kind is DiscountKind.AMOUNT:
        return f"{amount_text(value)} off each unit for its whole term (not scaled by the term)"
    if discount.kind is DiscountKind.UNIT_PRICE:
        return f"target unit price {amount_text(value)}: back-solved {off} off per unit"
    return (
        f"target line total {amount_text(value)} ÷ quantity {plain(quantity)}: back-solved {off} "
        "off per unit"
    )
