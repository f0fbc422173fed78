"""How a priced quote line explains itself: the steps of its waterfall, built on demand.

The engine keeps on each line only its own numbers (the unit price after each step, the
rounded net amount) and a reference to :class:`_Facts`, what the lines of one SKU over one
span share (the quote-wide :class:`_Context`, the SKU, the contracted price, the discount
schedule, the term step). Reading ``PricedLine.steps`` puts the two together as a
:class:`_Trace` and builds the steps from it; their reasons
(docs/explanation/price-waterfall.md) are written only when someone reads them.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Final, NamedTuple, Protocol, final

from revcycle._display import amount_text, points_text
from revcycle._numbers import CTX, ZERO, plain
from revcycle._validate import trusted
from revcycle.catalog import ContractedPrice
from revcycle.dates import Duration
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
from revcycle.quotes._locked import LockedPrice
from revcycle.waterfall import StepName, WaterfallStep


# Steps built from the engine's own numbers: the name is a StepName by construction, so
# attrs' __init__ (converter and validator) would only repeat the checks on every step of every
# line. The unit price and reason are left to WaterfallStep.__getattr__, which asks the line's
# trace for them when they are first read.
_trusted_step: Final = trusted(WaterfallStep, "name", "_source", "_index")


def _short(value: Decimal) -> str:
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if -exponent <= 6:
        return plain(value)
    return "≈" + plain(value.quantize(Decimal("0.000001"), context=CTX))


@final
class _Context:
    """What every line of one priced quote shares (order, quote-level discounts)."""

    __slots__ = (
        "account",
        "currency",
        "distributor_reason",
        "order",
        "partner_reason",
        "position",
        "price_book",
    )

    def __init__(
        self,
        *,
        account: str,
        currency: Currency,
        price_book: str,
        order: tuple[StepName, ...],
        partner_discount: Percent | None,
        distributor_discount: Percent | None,
    ) -> None:
        self.account = account
        self.currency = currency
        self.price_book = price_book
        self.order = order
        self.position = {name: i for i, name in enumerate(order)}
        # The same on every line: written once.
        self.partner_reason = (
            "no partner discount"
            if partner_discount is None
            else f"{points_text(partner_discount.value)} partner discount"
        )
        self.distributor_reason = (
            "no distributor discount"
            if distributor_discount is None
            else f"{points_text(distributor_discount.value)} distributor discount"
        )


class _SkuFacts(Protocol):
    """What every line of one SKU shares within a priced quote (the engine's ``_Sku``)."""

    @property
    def model(self) -> AnyPricingModel: ...
    @property
    def pricing_term(self) -> Duration | None: ...


@final
class _Facts:
    """What the priced lines of one SKU over one span share within a priced quote: made once
    per SKU and span by the engine (once per line for a line with a locked price), so that a
    line holds one reference where it would hold six."""

    __slots__ = ("context", "contracted", "proration", "schedule", "schedule_quantity", "sku")

    def __init__(
        self,
        context: _Context,
        sku: _SkuFacts,
        contracted: ContractedPrice | LockedPrice | None,
        schedule: DiscountSchedule | None,
        schedule_quantity: Decimal | None,
        proration: Proration | str,
    ) -> None:
        self.context = context
        self.sku = sku
        self.contracted = contracted  # the source of the contracted step
        self.schedule = schedule
        # The quantity the schedule reads when it aggregates the SKU's lines (None: the line's)
        self.schedule_quantity = schedule_quantity
        self.proration = proration

    def trace(
        self, prices: Sequence[Decimal], quantity: Decimal, discount: Discount | None
    ) -> _Trace:
        """The trace of a line with these facts, ``prices`` after its steps, ``quantity`` and
        ``discount``."""
        schedule_quantity = self.schedule_quantity
        return _Trace(
            self.context,
            prices,
            self.sku,
            quantity,
            self.contracted,
            self.schedule,
            quantity if schedule_quantity is None else schedule_quantity,
            self.proration,
            discount,
        )


class _Trace(NamedTuple):
    """The raw results of one line's waterfall, put together when its steps are read.

    Made from the line's own numbers and its :class:`_Facts` each time the steps are read;
    the steps read their prices and reasons from it, so reading them wraps nothing.
    """

    context: _Context
    prices: Sequence[Decimal]
    sku: _SkuFacts
    quantity: Decimal
    contracted: ContractedPrice | LockedPrice | None  # the source of the contracted step
    schedule: DiscountSchedule | None
    schedule_quantity: Decimal
    proration: Proration | str
    discount: Discount | None

    def steps(self) -> tuple[WaterfallStep, ...]:
        """The line's steps; each makes its unit price and reason when they are first read."""
        step = _trusted_step
        return tuple([step(name, self, i) for i, name in enumerate(self.context.order)])

    def unit_price(self, index: int) -> Money:
        """The unit price after the ``index``-th step."""
        return Money._trusted(self.prices[index], self.context.currency)

    def reason(self, name: StepName, index: int) -> str:
        context = self.context
        currency = context.currency
        if isinstance(self.contracted, LockedPrice) and name is not StepName.TERM:
            return self._locked_reason(name, self.contracted)
        if name is StepName.LIST:
            return (
                f"price book {context.price_book}: {_describe_model(self.sku.model, self.quantity)}"
            )
        before = self.prices[index - 1] if index else ZERO
        if name is StepName.CONTRACTED:
            contracted = self.contracted
            assert not isinstance(contracted, LockedPrice)  # explained above
            if contracted is None:
                return f"no contracted price for {context.account}"
            valid = "" if contracted.period is None else f", valid {contracted.period}"
            if contracted.price is not None:
                return f"contracted price {contracted.price} for {context.account}{valid}"
            off = "" if contracted.discount is None else points_text(contracted.discount.value)
            return f"contracted discount {off} for {context.account}{valid}"
        if name is StepName.VOLUME:
            if self.schedule is None:
                return "no discount schedule"
            return _describe_schedule(self.schedule, before, self.schedule_quantity, currency)
        if name is StepName.TERM:
            proration = self.proration
            if isinstance(proration, str):
                return proration
            return proration.summary()
        if name is StepName.ADDITIONAL:
            return _describe_discount(
                self.discount, before, self.prices[index], self.quantity, currency
            )
        if name is StepName.PARTNER:
            return context.partner_reason
        return context.distributor_reason

    def _locked_reason(self, name: StepName, locked: LockedPrice) -> str:
        """The reasons of a line priced from a contract's locked price (a renewal's), but for
        its ``term`` step, which reads as on any line."""
        if name is StepName.LIST:
            model = _describe_model(self.sku.model, self.quantity)
            return (
                f"price book {self.context.price_book} now: {model} (for reference; the locked "
                "price replaces it)"
            )
        if name is StepName.CONTRACTED:
            per = "" if locked.pricing_term is None else f" per {locked.pricing_term}"
            return (
                f"locked net unit price {amount_text(locked.unit_price)}{per} from {locked.source}"
            )
        if name is StepName.UPLIFT:
            assert locked.uplift is not None
            factor = plain(locked.uplift_factor())
            return f"{points_text(locked.uplift.value)} renewal uplift: × {factor}"
        return "unchanged: the locked price already holds the contract's discounts"


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
        if schedule.aggregate
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
        return f"{points_text(value.value)} additional discount"
    off = amount_text(Money._trusted(CTX.subtract(before, after), currency))
    if discount.kind is DiscountKind.AMOUNT:
        return f"{amount_text(value)} off each unit for its whole term (not scaled by the term)"
    if discount.kind is DiscountKind.UNIT_PRICE:
        return f"target unit price {amount_text(value)}: back-solved {off} off per unit"
    return (
        f"target line total {amount_text(value)} ÷ quantity {plain(quantity)}: back-solved {off} "
        "off per unit"
    )
