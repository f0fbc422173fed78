"""The lines of payment terms: :class:`Installment` (a share of the total and its due-date rule)
and :class:`EarlyPaymentDiscount` ("2/10": percent off for paying early).

Re-exported by :mod:`revcycle.terms`; import from there.
"""

from __future__ import annotations

import enum
from datetime import date, timedelta
from decimal import Decimal
from typing import final

import attrs

from revcycle._numbers import CTX, HUNDRED, ZERO, DecimalLike, plain, to_decimal
from revcycle._validate import check_arguments, to_choice
from revcycle.errors import CurrencyMismatchError, RevcycleTypeError, TermsError, shown
from revcycle.money import Money, Percent
from revcycle.terms._rules import MAX_DAYS, DueRule, check_rule, whole


# --------------------------------------------------------------------------------------------
# Installments


class InstallmentKind(enum.StrEnum):
    """How an installment's share is given: a percent of the total, a fixed amount, or the
    balance (whatever the other installments leave)."""

    PERCENT = "percent"
    FIXED = "fixed"
    BALANCE = "balance"


def _to_installment_kind(value: InstallmentKind | str) -> InstallmentKind:
    return to_choice(InstallmentKind, value, "An installment kind")


def _to_discount_base(value: DiscountBase | str) -> DiscountBase:
    return to_choice(DiscountBase, value, "An early-payment discount base")


@final
@attrs.frozen(kw_only=True)
class Installment:
    """One line of a payment term: a share of the total and the rule for its due date.

    Build one with :meth:`percent`, :meth:`fixed` or :meth:`balance`.

    >>> from revcycle.terms import NetDays
    >>> Installment.percent("50", due=NetDays(30)).describe()
    '50% Net 30'
    """

    kind: InstallmentKind = attrs.field(converter=_to_installment_kind)
    due: DueRule = attrs.field(validator=check_rule)
    share: Percent | None = None
    amount: Money | None = None

    def __attrs_post_init__(self) -> None:
        if self.kind is InstallmentKind.PERCENT:
            if not isinstance(self.share, Percent) or self.amount is not None:
                raise TermsError("A percent installment needs a share (a Percent) and no amount.")
            if not ZERO < self.share.value <= HUNDRED:
                raise TermsError(
                    f"An installment percent must be above 0 and at most 100, got {self.share}."
                )
        elif self.kind is InstallmentKind.FIXED:
            if not isinstance(self.amount, Money) or self.share is not None:
                raise TermsError("A fixed installment needs an amount and no share.")
            if self.amount.amount <= ZERO:
                raise TermsError(f"A fixed installment must be above zero, got {self.amount}.")
            self.amount.minor_units  # noqa: B018 - refuses fractions of a minor unit
        elif self.share is not None or self.amount is not None:
            raise TermsError("A balance installment takes no share and no amount.")

    @classmethod
    def percent(cls, percent: Percent | Decimal | int | str, due: DueRule) -> Installment:
        """``percent`` % of the invoice total (tax included)."""
        value = percent if isinstance(percent, Percent) else Percent(percent)
        return cls(kind=InstallmentKind.PERCENT, due=due, share=value)

    @classmethod
    def fixed(cls, amount: Money, due: DueRule) -> Installment:
        """A fixed amount, in whole minor units of the invoice currency."""
        if not isinstance(amount, Money):
            raise RevcycleTypeError(
                f"A fixed installment needs a Money amount, not {shown(amount)}."
            )
        return cls(kind=InstallmentKind.FIXED, due=due, amount=amount)

    @classmethod
    def balance(cls, due: DueRule) -> Installment:
        """Whatever the other installments leave of the total."""
        return cls(kind=InstallmentKind.BALANCE, due=due)

    def describe(self) -> str:
        """The line in words ("50% Net 30", "Balance Net 60", "100.00 USD Due on receipt")."""
        if self.share is not None:
            return f"{plain(self.share.value)}% {self.due.describe()}"
        if self.kind is InstallmentKind.FIXED:
            return f"{self.amount} {self.due.describe()}"
        return f"Balance {self.due.describe()}"


def check_installments(lines: tuple[Installment, ...]) -> None:
    """The rules the installments of one payment term follow together: at least one line, one
    balance line at most, percents that total 100 % (less than 100 % beside a balance line),
    fixed lines only beside a balance line and in one currency.

    :class:`~revcycle.terms.PaymentTerms` checks them; the parser checks them too, before it
    hands its lines over, so that its error names the text it could not read.
    """
    if not lines:
        raise TermsError("Payment terms need at least one installment.")
    for line in lines:
        if not isinstance(line, Installment):
            raise RevcycleTypeError(f"Payment terms take Installment lines, not {shown(line)}.")
    balances = sum(1 for line in lines if line.kind is InstallmentKind.BALANCE)
    fixed = [line for line in lines if line.kind is InstallmentKind.FIXED]
    percents = sum((line.share.value for line in lines if line.share is not None), start=ZERO)
    if balances > 1:
        raise TermsError(f"Payment terms may have one balance installment, not {balances}.")
    if balances == 0:
        if fixed:
            raise TermsError(
                "Fixed installments need a balance installment to take the rest of the "
                "total; add Installment.balance(due=...)."
            )
        if percents != HUNDRED:
            raise TermsError(
                f"Percent installments must total 100 % unless a balance installment "
                f"takes the rest; they total {plain(percents)} %."
            )
    elif percents >= HUNDRED:
        raise TermsError(
            f"Percent installments total {plain(percents)} %, leaving nothing for the "
            "balance installment; they must total less than 100 %."
        )
    currencies = {line.amount.currency for line in fixed if line.amount is not None}
    if len(currencies) > 1:
        codes = ", ".join(sorted(c.code for c in currencies))
        raise CurrencyMismatchError(f"Fixed installments mix currencies: {codes}.")


# --------------------------------------------------------------------------------------------
# Early-payment discount


class DiscountBase(enum.StrEnum):
    """What an early-payment discount is a percent of: the invoice ``total`` (tax included,
    Odoo's "included" and ERPNext's rule) or the ``untaxed`` amount (Odoo's "excluded": the
    tax is paid in full)."""

    TOTAL = "total"
    UNTAXED = "untaxed"


def _to_percent(value: Percent | DecimalLike) -> Percent:
    return value if isinstance(value, Percent) else Percent(to_decimal(value, "A discount percent"))


@final
@attrs.frozen
class EarlyPaymentDiscount:
    """A cash discount for paying early: ``percent`` off when paid within ``days`` calendar
    days of the invoice date (inclusive), on the total or the untaxed amount.

    >>> EarlyPaymentDiscount(Percent("2"), 10)
    EarlyPaymentDiscount(percent=Percent('2'), days=10, base=<DiscountBase.TOTAL: 'total'>)
    """

    percent: Percent = attrs.field(converter=_to_percent)
    days: int = attrs.field(validator=whole(0, MAX_DAYS))
    base: DiscountBase = attrs.field(default=DiscountBase.TOTAL, converter=_to_discount_base)

    def __attrs_post_init__(self) -> None:
        if not ZERO < self.percent.value < HUNDRED:
            raise TermsError(
                f"An early-payment discount must be above 0 % and below 100 %, got {self.percent}."
            )

    @check_arguments
    def deadline(self, invoice_date: date) -> date:
        """The last day the discount can be earned: the invoice date plus ``days``."""
        try:
            return invoice_date + timedelta(days=self.days)
        except OverflowError:
            raise TermsError(
                f"A discount deadline {self.days} days after {invoice_date.isoformat()} falls "
                "outside the supported calendar."
            ) from None

    def annual_cost(self, net_days: int) -> Decimal:
        """The yearly rate a buyer gives up by not taking the discount, as a ratio.

        The finance identity ``r / (1 − r) × 365 / (net_days − days)``: 2/10 Net 30 costs
        about 37.24 % a year.

        >>> round(EarlyPaymentDiscount(Percent("2"), 10).annual_cost(30) * 100, 2)
        Decimal('37.24')
        """
        if isinstance(net_days, bool) or not isinstance(net_days, int):
            raise RevcycleTypeError(f"The net days must be an int, not {shown(net_days)}.")
        if net_days <= self.days or net_days > MAX_DAYS:
            raise TermsError(
                f"The net days ({shown(net_days)}) must be after the discount days "
                f"({self.days}) and at most {MAX_DAYS:,}."
            )
        ratio = self.percent.ratio
        per_period = CTX.divide(ratio, CTX.subtract(Decimal(1), ratio))
        return CTX.divide(CTX.multiply(per_period, Decimal(365)), Decimal(net_days - self.days))
