"""A price locked on a contract and carried to a quote line: :class:`LockedPrice`.

A renewal quote line is priced from the contract, not from the price book: the contract's net
unit price per pricing term replaces list at the ``contracted`` step, the discounts it already
holds are not applied again, and the renewal's ``term`` (and ``uplift``) steps run on it.
:func:`revcycle.renewals.renew` builds such lines; the quote engine prices them
(docs/reference/renewals.md). Import :class:`LockedPrice` from :mod:`revcycle.quotes`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final, final

import attrs

from revcycle._numbers import CTX, HUNDRED, ONE
from revcycle._validate import Validator, check_text, check_type, check_whole
from revcycle.dates import Duration
from revcycle.errors import RevcycleTypeError, ValidationError, shown
from revcycle.money import Money, Percent
from revcycle.waterfall import StepName


def _check_uplift(_: object, __: object, value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, Percent):
        raise RevcycleTypeError(f"A renewal uplift must be a Percent or None, not {shown(value)}.")
    if value.value < -HUNDRED:
        raise ValidationError(
            f"A renewal uplift below -100 % would make the price negative; got {value}."
        )


def _check_price(_: object, __: object, value: Any) -> None:
    if not isinstance(value, Money):
        raise RevcycleTypeError(f"A locked unit price must be Money, not {shown(value)}.")
    if value.amount < 0:
        raise ValidationError(f"A locked unit price cannot be negative; got {value}.")


_check_term: Final[Validator] = check_type(
    Duration, "a Duration or None", "A locked price's pricing term", optional=True
)


@final
@attrs.frozen(kw_only=True)
class LockedPrice:
    """A contract's net unit price **per pricing term**, carried to a quote line.

    ``unit_price`` is the price per ``pricing_term`` (``None`` for a price per unit: one-time
    or usage), as :attr:`revcycle.contracts.Subscription.net_unit_price` holds it; it already
    holds every discount of the original line (volume, additional, partner, distributor).
    ``contract``, ``version`` and ``subscription`` name where it was locked. ``uplift`` raises
    it on renewal (``Percent("7")`` multiplies by 1.07, after the term multiplier).

    A quote line with a locked price runs the steps ``list`` (the price book now, for
    reference), ``contracted`` (this price), ``volume``, ``additional``, ``partner`` and
    ``distributor`` unchanged, ``term`` (× the term multiplier of the line's span), and with an
    uplift a last ``uplift`` step.
    """

    unit_price: Money = attrs.field(validator=_check_price)
    pricing_term: Duration | None = attrs.field(validator=_check_term)
    contract: str = attrs.field(validator=check_text("A locked price's contract"))
    version: int = attrs.field(validator=check_whole(1, what="A locked price's contract version"))
    subscription: str = attrs.field(validator=check_text("A locked price's subscription"))
    uplift: Percent | None = attrs.field(default=None, validator=_check_uplift)

    @property
    def source(self) -> str:
        """Where the price was locked, for people: ``"contract C-1 version 2, line C-1-1"``."""
        return f"contract {self.contract} version {self.version}, line {self.subscription}"

    def uplift_factor(self) -> Decimal:
        """``1 + uplift`` (1 without an uplift): 1.07 for 7 %."""
        if self.uplift is None:
            return ONE
        return CTX.add(ONE, CTX.divide(self.uplift.value, HUNDRED))


def renewal_order(*, uplift: bool) -> tuple[StepName, ...]:
    """The steps of a line with a locked price: the seven classic steps with ``term`` moved
    after ``distributor`` (the locked price already holds the discounts), then ``uplift``."""
    return (
        StepName.LIST,
        StepName.CONTRACTED,
        StepName.VOLUME,
        StepName.ADDITIONAL,
        StepName.PARTNER,
        StepName.DISTRIBUTOR,
        StepName.TERM,
        *((StepName.UPLIFT,) if uplift else ()),
    )
