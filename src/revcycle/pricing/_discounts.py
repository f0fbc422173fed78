"""Manual discounts: the rep's percent, amount off, target unit price or target line total.

:meth:`Discount.apply` prices one unit on Money for people; the quote engine's ``additional``
step calls :meth:`Discount._apply_in_context`, the same rule on raw Decimals, which
:meth:`~Discount.apply` itself calls (docs/explanation/price-waterfall.md). Import the public
names from :mod:`revcycle.pricing`.
"""

from __future__ import annotations

import decimal
import enum
from decimal import Decimal
from fractions import Fraction
from typing import Final, final

import attrs

from revcycle._numbers import CTX, HUNDRED, ONE, ZERO, DecimalLike, plain
from revcycle._validate import to_choice
from revcycle.errors import CurrencyMismatchError, RevcycleTypeError, ValidationError, shown
from revcycle.money import Currency, Money, Percent
from revcycle.pricing._tiers import Quantity, _check_money, _guarded, _quantity


class DiscountKind(enum.StrEnum):
    """What a manual discount on a quote line states (Salesforce CPQ's additional discount)."""

    PERCENT = "percent"
    AMOUNT = "amount"
    UNIT_PRICE = "unit_price"
    TOTAL = "total"


def _to_discount_kind(value: DiscountKind | str) -> DiscountKind:
    return to_choice(DiscountKind, value, "A discount kind")


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
                    f"A percent discount needs a Percent value, not {shown(self.value)}."
                )
            if self.value.value > HUNDRED:
                raise ValidationError(f"A percent discount must not exceed 100%, got {self.value}.")
            return
        what = _DISCOUNT_NAMES[self.kind]
        if not isinstance(self.value, Money):
            raise RevcycleTypeError(f"{what} needs a Money value, not {shown(self.value)}.")
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
        currency = unit_price.currency
        with decimal.localcontext(CTX):
            unit = self._apply_in_context(unit_price.amount, q, currency)
        return Money._trusted(unit, currency)

    def _apply_in_context(
        self, unit: Decimal, quantity: Decimal, currency: Currency, number: int = 0, sku: str = ""
    ) -> Decimal:
        """:meth:`apply` on raw Decimals, inside ``decimal.localcontext(CTX)``.

        The quote engine calls it once per discounted line of large quotes, with the line's
        ``number`` and ``sku``, which its errors name; without them (``number`` 0) the errors
        read as :meth:`apply`'s.
        """
        value = self.value
        if isinstance(value, Percent):
            return unit * (ONE - value.value / HUNDRED)  # × value.complement()
        if value.currency is not currency and value.currency != currency:
            what = _DISCOUNT_NAMES[self.kind]
            raise CurrencyMismatchError(
                f"Line {number} ({sku}): {what.lower()} of {value} is not in the quote currency "
                f"{currency.code}."
                if number
                else f"{what} of {value} cannot apply to a price in {currency.code} "
                f"({plain(unit)} {currency.code})."
            )
        kind = self.kind
        if kind is DiscountKind.AMOUNT:
            if value.amount > unit:
                raise ValidationError(
                    f"{_on_line(number, sku, 'the', 'An')} amount discount of {value} per unit "
                    f"is more than the unit price {plain(unit)} {currency.code}."
                )
            return unit - value.amount
        if kind is DiscountKind.UNIT_PRICE:
            return value.amount
        if quantity.is_zero():
            raise ValidationError(
                f"{_on_line(number, sku, 'a', 'A')} target total of {value} cannot be spread "
                "over a zero quantity."
            )
        return value.amount / quantity

    def _apply_exact(self, unit: Fraction, quantity: Decimal) -> Fraction:
        """:meth:`_apply_in_context` on exact fractions, without its checks (the engine made
        them when it priced the line): the same rule, step for step, for a contract's exact
        price per pricing term (``revcycle.quotes._exact``)."""
        value = self.value
        if isinstance(value, Percent):
            return unit * (1 - Fraction(value.value) / 100)
        kind = self.kind
        if kind is DiscountKind.AMOUNT:
            return unit - Fraction(value.amount)
        if kind is DiscountKind.UNIT_PRICE:
            return Fraction(value.amount)
        return Fraction(value.amount) / Fraction(quantity)


def _on_line(number: int, sku: str, article: str, alone: str) -> str:
    """How an error begins: naming line ``number`` of a quote, or (``number`` 0) on its own."""
    return f"Line {number} ({sku}): {article}" if number else alone
