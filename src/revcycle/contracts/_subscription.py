"""One contracted segment: a quantity of a SKU over a span at a locked price per pricing term.

Re-exported by :mod:`revcycle.contracts`; import from there.
"""

from __future__ import annotations

import re
import typing
from datetime import date
from decimal import Decimal
from typing import Final, final

import attrs

from revcycle._numbers import DecimalLike, to_decimal
from revcycle._validate import (
    Validator,
    check_arguments,
    check_text,
    check_type,
    require_day,
    to_choice,
)
from revcycle.catalog import ChargeKind
from revcycle.dates import Duration, Period
from revcycle.errors import CurrencyMismatchError, RevcycleTypeError, ValidationError, shown
from revcycle.money import Currency, Money
from revcycle.pricing import AnyPricingModel, Discount
from revcycle.quotes import PricedLine
from revcycle.usage import Meter


_ORIGIN: Final = re.compile(r"quote|amendment:[1-9][0-9]*", re.ASCII)


def _to_charge_kind(value: ChargeKind | str) -> ChargeKind:
    return to_choice(ChargeKind, value, "A subscription's charge kind")


def _to_quantity(value: DecimalLike) -> Decimal:
    return to_decimal(value, "A subscription quantity")


def _check_money(what: str) -> Validator:
    return check_type(Money, "Money", what)


def _check_origin(_: object, __: object, value: str) -> None:
    if not isinstance(value, str):
        raise RevcycleTypeError(f"A subscription's origin must be a str, not {shown(value)}.")
    if _ORIGIN.fullmatch(value) is None:
        raise ValidationError(
            f"A subscription's origin is 'quote' or 'amendment:N' (N the version the amendment "
            f"made, from 2), not {shown(value)}."
        )


@final
@attrs.frozen(kw_only=True)
class Subscription:
    """One contracted segment: ``quantity`` of ``sku`` over ``period`` (half-open).

    ``list_unit_price`` is the price book's list unit price per pricing term (the ``list``
    step, before the term multiplier); ``net_unit_price`` is the locked price **per pricing
    term** (``pricing_term``; for a one-time or usage product, per unit), worked out exactly
    from the priced line; ``total`` is the segment's rounded line total (zero for usage, which
    is billed as it is used). A quantity change adds a *delta* segment (``+5`` or ``-1``)
    rather than editing this one, so ``quantity`` may be negative. ``origin`` is ``"quote"``
    or ``"amendment:N"`` (the version the amendment made). ``model``, ``discount`` and
    ``meter`` belong to usage segments only: the pricing model and discount the usage is rated
    with, and the meter that counts it.
    """

    id: str = attrs.field(validator=check_text("A subscription id"))
    sku: str = attrs.field(validator=check_text("A subscription sku"))
    name: str = attrs.field(validator=check_text("A subscription name"))
    charge_kind: ChargeKind = attrs.field(converter=_to_charge_kind)
    quantity: Decimal = attrs.field(converter=_to_quantity)
    period: Period = attrs.field(validator=check_type(Period, "a Period", "A subscription period"))
    list_unit_price: Money = attrs.field(validator=_check_money("A list unit price"))
    net_unit_price: Money = attrs.field(validator=_check_money("A net unit price"))
    pricing_term: Duration | None = attrs.field(
        validator=check_type(Duration, "a Duration or None", "A pricing term", optional=True)
    )
    total: Money = attrs.field(validator=_check_money("A subscription total"))
    origin: str = attrs.field(validator=_check_origin)
    model: AnyPricingModel | None = attrs.field(
        default=None,
        validator=check_type(
            typing.get_args(AnyPricingModel),
            "a pricing model or None",
            "A usage model",
            optional=True,
        ),
    )
    discount: Discount | None = attrs.field(
        default=None,
        validator=check_type(Discount, "a Discount or None", "A usage discount", optional=True),
    )
    meter: Meter | None = attrs.field(
        default=None, validator=check_type(Meter, "a Meter or None", "A meter", optional=True)
    )

    def __attrs_post_init__(self) -> None:
        currency = self.net_unit_price.currency
        for money in (self.list_unit_price, self.total):
            if money.currency != currency:
                raise CurrencyMismatchError(
                    f"Subscription {shown(self.id)} mixes {currency.code} and "
                    f"{money.currency.code}."
                )
        kind = self.charge_kind
        if kind is ChargeKind.RECURRING and self.pricing_term is None:
            raise ValidationError(
                f"Subscription {shown(self.id)} is recurring, so it needs the pricing term its net "
                "unit price is per."
            )
        if kind is not ChargeKind.USAGE and (
            self.model is not None or self.discount is not None or self.meter is not None
        ):
            raise ValidationError(
                f"Subscription {shown(self.id)} is {kind.value}: only a usage segment keeps a "
                "pricing model, a discount and a meter (the others are billed at the locked price)."
            )

    @classmethod
    @check_arguments
    def from_line(
        cls,
        line: PricedLine,
        net_unit_price: Money,
        *,
        id: str,
        origin: str,
        meter: Meter | None = None,
    ) -> Subscription:
        """The segment a priced quote line becomes, at ``net_unit_price`` (its price per
        pricing term: :meth:`PricedQuote.unit_prices_per_term
        <revcycle.quotes.PricedQuote.unit_prices_per_term>`). A usage line's segment carries
        no contract value (a zero total) and keeps the line's model and discount, and
        ``meter``."""
        usage = line.charge_kind is ChargeKind.USAGE
        return cls(
            id=id,
            sku=line.sku,
            name=line.name,
            charge_kind=line.charge_kind,
            quantity=line.quantity,
            period=line.period,
            list_unit_price=line.list_unit_price,
            net_unit_price=net_unit_price,
            pricing_term=line.pricing_term,
            total=Money.zero(line.currency).round() if usage else line.net_total,
            origin=origin,
            model=line.model if usage else None,
            discount=line.discount if usage else None,
            meter=meter if usage else None,
        )

    @property
    def currency(self) -> Currency:
        """The currency of the segment's prices."""
        return self.net_unit_price.currency

    def covers(self, day: date) -> bool:
        """True when ``day`` lies in the segment's period."""
        return self.period.start <= require_day(day, "A day") < self.period.end
