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

import enum
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Final, NamedTuple, final

import attrs

from revcycle._display import amount_text
from revcycle._numbers import CTX, HUNDRED, ONE, ZERO, fraction_to_decimal, plain
from revcycle._validate import trusted
from revcycle.catalog import ContractedPrice
from revcycle.errors import CurrencyMismatchError, RevcycleTypeError, ValidationError
from revcycle.money import Currency, Money, Percent
from revcycle.pricing import (
    AnyPricingModel,
    Discount,
    DiscountKind,
    DiscountSchedule,
    Flat,
    PerUnit,
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
