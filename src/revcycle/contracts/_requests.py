"""Amendment requests and their priced lines: what a contract version records of the amendment
that made it (docs/reference/contracts.md).

:func:`revcycle.amendments.amend` prices an :class:`Amendment`; its lines are
:class:`AmendmentLine` values. They live with the contract because a contract holds them.
Re-exported by :mod:`revcycle.contracts`; import from there.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Final, final

import attrs

from revcycle._display import amount_text
from revcycle._numbers import DecimalLike, plain, to_decimal
from revcycle._validate import Validator, check_day, check_text, check_type, require_sequence
from revcycle.dates import Period
from revcycle.errors import CurrencyMismatchError, ValidationError, shown
from revcycle.money import Money
from revcycle.pricing import Discount


def _quantity(value: DecimalLike) -> Decimal:
    quantity = to_decimal(value, "An amendment quantity")
    if quantity < 0:
        raise ValidationError(
            f"An amendment quantity is the new total and must not be below zero, got "
            f"{plain(quantity)}; to remove a line, Cancel it."
        )
    return quantity


_optional_subscription: Final = check_text("A subscription id", optional=True)


@final
@attrs.frozen
class AddProduct:
    """Sell ``quantity`` of a product from the effective date to the contract end, priced
    through the quote waterfall (the contract's price book, contracted prices and channel
    discounts), with the rep's ``discount`` if any. A SKU already on the contract becomes a
    second line at today's price."""

    sku: str = attrs.field(validator=check_text("An added product's sku"))
    quantity: Decimal = attrs.field(kw_only=True, converter=_quantity)
    discount: Discount | None = attrs.field(
        default=None,
        kw_only=True,
        validator=check_type(Discount, "a Discount or None", "A line discount", optional=True),
    )


@final
@attrs.frozen
class ChangeQuantity:
    """Make ``quantity`` the new total of a SKU (or of the line ``subscription``) from the
    effective date; the delta is the new total minus the quantity held on that date."""

    sku: str = attrs.field(validator=check_text("A changed product's sku"))
    quantity: Decimal = attrs.field(kw_only=True, converter=_quantity)
    subscription: str | None = attrs.field(
        default=None, kw_only=True, validator=_optional_subscription
    )


@final
@attrs.frozen
class Cancel:
    """Take a SKU (or the line ``subscription``) to zero from the effective date."""

    sku: str = attrs.field(validator=check_text("A cancelled product's sku"))
    subscription: str | None = attrs.field(
        default=None, kw_only=True, validator=_optional_subscription
    )


AnyChange = AddProduct | ChangeQuantity | Cancel
"""One change of an amendment (JSON: a ``"type"`` tag ``add_product``, ``change_quantity`` or
``cancel``)."""

_CHANGE_TYPES: Final = (AddProduct, ChangeQuantity, Cancel)


def _to_changes(value: Iterable[AnyChange]) -> tuple[AnyChange, ...]:
    changes = require_sequence(value, "Amendment changes", kind=_CHANGE_TYPES)
    if not changes:
        raise ValidationError(
            "An amendment needs at least one change (AddProduct, ChangeQuantity or Cancel)."
        )
    return changes


@final
@attrs.frozen
class Amendment:
    """A request to change a contract from ``effective_date`` (inclusive) to its end: the
    ``changes`` in order, each seeing the ones before it, and an optional ``id`` (a reference
    such as a change order's number).

    >>> from datetime import date
    >>> Amendment(date(2026, 3, 1), [ChangeQuantity("SEAT", quantity=105)]).changes
    (ChangeQuantity(sku='SEAT', quantity=Decimal('105'), subscription=None),)
    """

    effective_date: date = attrs.field(validator=check_day("An amendment's effective date"))
    changes: tuple[AnyChange, ...] = attrs.field(converter=_to_changes)
    id: str | None = attrs.field(
        default=None, validator=check_text("An amendment id", optional=True)
    )


def _check_money(what: str) -> Validator:
    return check_type(Money, "Money", what)


def _to_decimal_field(value: DecimalLike) -> Decimal:
    return to_decimal(value, "An amendment line figure")


@final
@attrs.frozen(kw_only=True)
class AmendmentLine:
    """One priced line of an amendment: the segment it creates and the contract value it adds.

    ``subscription_id`` is the segment the line creates, ``amends`` the segment whose quantity
    it changes (``None`` for a new product); ``prior_quantity`` and ``quantity`` are the
    quantities before and after on the effective date (the line's, or the SKU's), ``delta``
    their difference. ``net_unit_price`` is per pricing term; ``period`` runs from the
    effective date to the contract end (half-open); ``term_multiplier`` is that span in
    pricing terms. ``precise_amount`` is ``delta × net unit price × term multiplier``
    unrounded, ``amount`` that rounded once (negative for a decrease); ``reason`` says how the
    price and the multiplier were found, for :meth:`explain`.
    """

    subscription_id: str = attrs.field(validator=check_text("An amendment line's subscription"))
    amends: str | None = attrs.field(validator=_optional_subscription)
    sku: str = attrs.field(validator=check_text("An amendment line's sku"))
    prior_quantity: Decimal = attrs.field(converter=_to_decimal_field)
    quantity: Decimal = attrs.field(converter=_to_decimal_field)
    delta: Decimal = attrs.field(converter=_to_decimal_field)
    net_unit_price: Money = attrs.field(validator=_check_money("A net unit price"))
    period: Period = attrs.field(validator=check_type(Period, "a Period", "A line period"))
    term_multiplier: Decimal = attrs.field(converter=_to_decimal_field)
    amount: Money = attrs.field(validator=_check_money("A line amount"))
    precise_amount: Money = attrs.field(validator=_check_money("A precise line amount"))
    reason: str = attrs.field(validator=check_text("An amendment line's reason"))

    def __attrs_post_init__(self) -> None:
        if self.delta != self.quantity - self.prior_quantity:
            raise ValidationError(
                f"Amendment line {shown(self.subscription_id)}: the delta {plain(self.delta)} "
                f"is not {plain(self.quantity)} − {plain(self.prior_quantity)}."
            )
        currency = self.net_unit_price.currency
        for money in (self.amount, self.precise_amount):
            if money.currency != currency:
                raise CurrencyMismatchError(
                    f"Amendment line {shown(self.subscription_id)} mixes {currency.code} and "
                    f"{money.currency.code}."
                )

    def explain(self) -> str:
        """The line for people: the delta, the span, what it amends, then its reason."""
        change = f"{self.delta:+f}"
        amends = (
            f"amends {self.amends}: {plain(self.prior_quantity)} → {plain(self.quantity)}"
            if self.amends
            else "a new line"
        )
        head = (
            f"{self.subscription_id}: {change} × {self.sku}, {self.period.start.isoformat()} → "
            f"{self.period.last_day.isoformat()} ({amends}); {amount_text(self.amount)}"
        )
        return "\n".join([head, *(f"  {row}" for row in self.reason.splitlines())])
