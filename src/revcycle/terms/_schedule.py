"""Payment schedules and payments: :class:`PaymentSchedule`, its :class:`ScheduledInstallment`
lines, :class:`Payment` and :func:`apply_payment`.

Re-exported by :mod:`revcycle.terms`; import from there.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, Final, final

import attrs

from revcycle._display import ColumnKind, Columns, TypedRows, html_table
from revcycle._numbers import CTX, ZERO
from revcycle._validate import (
    check_annotated,
    check_day,
    check_type,
    require_day,
    require_sequence,
    trusted,
)
from revcycle.errors import CurrencyMismatchError, RevcycleTypeError, TermsError, shown
from revcycle.money import Currency, Money


# --------------------------------------------------------------------------------------------
# Schedules and payments


@final
@attrs.frozen(kw_only=True, field_transformer=check_annotated)
class ScheduledInstallment:
    """One installment of an invoice: when it is due, how much, and what is still open.

    ``amount = paid + discount_taken + open_amount`` always holds. ``discount_deadline`` and
    ``discounted_amount`` are set when the terms offer an early-payment discount: paying
    ``discounted_amount`` in full on or before the deadline settles the installment.
    """

    number: int
    due_date: date
    amount: Money = attrs.field(validator=check_type(Money, "Money", "An installment amount"))
    discount_deadline: date | None = None
    discounted_amount: Money | None = None
    paid: Money = attrs.field(validator=check_type(Money, "Money", "A paid amount"))
    discount_taken: Money = attrs.field(validator=check_type(Money, "Money", "A discount taken"))
    open_amount: Money = attrs.field(validator=check_type(Money, "Money", "An open amount"))

    def __attrs_post_init__(self) -> None:
        if self.paid + self.discount_taken + self.open_amount != self.amount:
            raise TermsError(
                f"Installment {self.number}: paid {self.paid} + discount {self.discount_taken} "
                f"+ open {self.open_amount} must equal its amount {self.amount}."
            )
        if (self.discount_deadline is None) != (self.discounted_amount is None):
            raise TermsError(
                f"Installment {self.number}: a discount deadline and a discounted amount go "
                "together; give both or neither."
            )

    @property
    def is_paid(self) -> bool:
        """True when nothing is open."""
        return self.open_amount.is_zero()


@final
@attrs.frozen
class Payment:
    """Money received on a day."""

    paid_on: date = attrs.field(validator=check_day("A payment's {field}"))
    amount: Money = attrs.field(validator=check_type(Money, "Money", "A payment amount"))


def _scheduled_tuple(value: Iterable[ScheduledInstallment]) -> tuple[ScheduledInstallment, ...]:
    return require_sequence(value, "A schedule's installments", kind=ScheduledInstallment)


def _payment_tuple(value: Iterable[Payment]) -> tuple[Payment, ...]:
    return require_sequence(value, "A schedule's payments", kind=Payment)


def _sum(amounts: Iterable[Money], currency: Currency) -> Money:
    result = ZERO
    for money in amounts:
        if money.currency != currency:
            raise CurrencyMismatchError(
                f"A {currency.code} schedule cannot hold the {money.currency.code} amount {money}."
            )
        result = CTX.add(result, money.amount)
    return Money(result, currency)


# One row per installment, for to_records(), to_arrow() and to_pandas().
_COLUMNS: Final = {
    "number": ColumnKind.INTEGER,
    "due_date": ColumnKind.DATE,
    "amount": ColumnKind.AMOUNT,
    "currency": ColumnKind.CHOICE,
    "discount_deadline": ColumnKind.DATE,
    "discounted_amount": ColumnKind.AMOUNT,
    "paid": ColumnKind.AMOUNT,
    "discount_taken": ColumnKind.AMOUNT,
    "open_amount": ColumnKind.AMOUNT,
}


@final
@attrs.frozen(kw_only=True, field_transformer=check_annotated)
class PaymentSchedule(TypedRows):
    """The installments of one invoice, the payments applied so far, and any credit.

    ``due_date`` is the invoice's due date (the latest installment's). ``credit`` is money
    received beyond what was open (an overpayment), reported rather than dropped.
    """

    invoice_date: date
    total: Money
    installments: tuple[ScheduledInstallment, ...] = attrs.field(converter=_scheduled_tuple)
    credit: Money = attrs.field(validator=check_type(Money, "Money", "A credit"))
    payments: tuple[Payment, ...] = attrs.field(default=(), converter=_payment_tuple)

    def __attrs_post_init__(self) -> None:
        if not self.installments:
            raise TermsError("A payment schedule needs at least one installment.")
        amounts = _sum((i.amount for i in self.installments), self.total.currency)
        if amounts != self.total:
            raise TermsError(
                f"The installments sum to {amounts}, not to the invoice total {self.total}."
            )

    @property
    def due_date(self) -> date:
        """The invoice's due date: the latest installment due date."""
        return max(i.due_date for i in self.installments)

    @property
    def currency(self) -> Currency:
        """The invoice currency."""
        return self.total.currency

    @property
    def open_amount(self) -> Money:
        """What is still open over all installments."""
        return _sum((i.open_amount for i in self.installments), self.currency)

    @property
    def paid(self) -> Money:
        """What has been applied to installments (the credit excluded)."""
        return _sum((i.paid for i in self.installments), self.currency)

    @property
    def discount_taken(self) -> Money:
        """Early-payment discounts earned so far."""
        return _sum((i.discount_taken for i in self.installments), self.currency)

    @property
    def is_paid(self) -> bool:
        """True when every installment is settled."""
        return all(i.open_amount.is_zero() for i in self.installments)

    def apply_payment(self, paid_on: date, amount: Money) -> PaymentSchedule:
        """The schedule after a payment; see :func:`apply_payment`."""
        return apply_payment(self, paid_on, amount)

    def explain(self) -> str:
        """The schedule in lines of text, for people."""
        head = f"Invoice of {self.invoice_date.isoformat()} for {self.total}"
        lines = [f"{head}, due {self.due_date.isoformat()}:"]
        for i in self.installments:
            text = f"  #{i.number} due {i.due_date.isoformat()}: {i.amount}"
            if i.discount_deadline is not None:
                text += (
                    f" ({i.discounted_amount} if paid in full by {i.discount_deadline.isoformat()})"
                )
            text += f"; open {i.open_amount}"
            lines.append(text)
        lines.extend(f"  paid {p.amount} on {p.paid_on.isoformat()}" for p in self.payments)
        if not self.credit.is_zero():
            lines.append(f"  credit (overpaid): {self.credit}")
        return "\n".join(lines)

    _columns: ClassVar[Columns] = _COLUMNS

    def _rows(self) -> list[dict[str, Any]]:
        """One row per installment (``discount_deadline`` and ``discounted_amount`` null
        where no early-payment discount applies)."""
        return [
            {
                "number": i.number,
                "due_date": i.due_date,
                "amount": i.amount.amount,
                "currency": i.amount.currency.code,
                "discount_deadline": i.discount_deadline,
                "discounted_amount": None
                if i.discounted_amount is None
                else i.discounted_amount.amount,
                "paid": i.paid.amount,
                "discount_taken": i.discount_taken.amount,
                "open_amount": i.open_amount.amount,
            }
            for i in self.installments
        ]

    def _repr_html_(self) -> str:
        rows = [
            [
                i.number,
                i.due_date.isoformat(),
                i.amount,
                "" if i.discount_deadline is None else i.discount_deadline.isoformat(),
                "" if i.discounted_amount is None else i.discounted_amount,
                i.open_amount,
            ]
            for i in self.installments
        ]
        footer = [f"Due {self.due_date.isoformat()}; open {self.open_amount}."]
        if not self.credit.is_zero():
            footer.append(f"Credit (overpaid): {self.credit}.")
        return html_table(
            f"Payment schedule, invoice of {self.invoice_date.isoformat()} for {self.total}",
            ["#", "due", "amount", "discount until", "discounted", "open"],
            rows,
            right=[2, 4, 5],
            footer=footer,
        )


# Zero written with 0 to 4 decimal places (every ISO 4217 minor unit), so "0.00 USD" reads right.
ZEROS: Final = tuple(Decimal(0).scaleb(-places) for places in range(5))


def from_units(units: int, places: int, currency: Currency) -> Money:
    """``Money.from_minor_units(units, currency)`` for units and a currency that schedule() took
    from a checked Money: the same amount, without the classmethod's checks and converters.
    Kept because the classmethod costs 0.2-0.4 µs more a call, about 5 % of the schedules line
    of benchmarks/bench_terms.py (about 0.6 s for 100,000 invoices)."""
    return Money._trusted(Decimal(units).scaleb(-places, context=CTX), currency)


# Trusted builders for values schedule() has just computed and checked: they skip the
# validators (which re-add every amount) on the hot path of a bill run. An unpaid installment
# is new_installment(number, due_date, amount, deadline, discounted, zero, zero, amount);
# a new schedule new_schedule(invoice_date, total, installments, zero, ()).
new_installment: Final = trusted(
    ScheduledInstallment,
    "number",
    "due_date",
    "amount",
    "discount_deadline",
    "discounted_amount",
    "paid",
    "discount_taken",
    "open_amount",
)
new_schedule: Final = trusted(
    PaymentSchedule, "invoice_date", "total", "installments", "credit", "payments"
)


def apply_payment(schedule: PaymentSchedule, paid_on: date, amount: Money) -> PaymentSchedule:
    """Apply a payment to a schedule, oldest due installment first; return the new schedule.

    For each open installment in due-date order: if it is untouched, the payment is dated on
    or before its discount deadline and what is left of the payment covers its discounted
    amount, the discounted amount settles it (the discount is taken). Otherwise the payment
    pays as much of the open amount as it can; a partly paid installment no longer earns the
    discount (Odoo's rule). Whatever is left after every installment is settled becomes
    ``credit``.

    >>> from datetime import date
    >>> from revcycle.terms import PaymentTerms
    >>> terms = PaymentTerms.parse("2/10 Net 30")
    >>> s = terms.schedule(date(2024, 1, 1), Money("1000.00", "USD"))
    >>> s.apply_payment(date(2024, 1, 11), Money("980.00", "USD")).open_amount
    Money('0.00', 'USD')
    >>> s.apply_payment(date(2024, 1, 12), Money("980.00", "USD")).open_amount
    Money('20.00', 'USD')
    """
    if not isinstance(schedule, PaymentSchedule):
        raise RevcycleTypeError(f"apply_payment() needs a PaymentSchedule, not {shown(schedule)}.")
    require_day(paid_on, "A payment date")
    if not isinstance(amount, Money):
        raise RevcycleTypeError(f"A payment amount must be Money, not {shown(amount)}.")
    currency = schedule.currency
    if amount.currency != currency:
        raise CurrencyMismatchError(
            f"Cannot apply a {amount.currency.code} payment to a {currency.code} invoice."
        )
    if amount.amount <= ZERO:
        raise TermsError(f"A payment must be above zero, got {amount}.")
    amount.minor_units  # noqa: B018 - refuses fractions of a minor unit
    left = amount.amount
    updated = list(schedule.installments)
    order = sorted(range(len(updated)), key=lambda k: (updated[k].due_date, updated[k].number))
    for k in order:
        item = updated[k]
        if left <= ZERO or item.open_amount.is_zero():
            continue
        untouched = item.paid.is_zero() and item.discount_taken.is_zero()
        if (
            untouched
            and item.discount_deadline is not None
            and item.discounted_amount is not None
            and paid_on <= item.discount_deadline
            and left >= item.discounted_amount.amount
        ):
            pay = item.discounted_amount.amount
            updated[k] = attrs.evolve(
                item,
                paid=item.discounted_amount,
                discount_taken=item.amount - item.discounted_amount,
                open_amount=item.open_amount - item.open_amount,
            )
        else:
            pay = min(left, item.open_amount.amount)
            updated[k] = attrs.evolve(
                item,
                paid=item.paid + Money(pay, currency),
                open_amount=item.open_amount - Money(pay, currency),
            )
        left = CTX.subtract(left, pay)
    return attrs.evolve(
        schedule,
        installments=tuple(updated),
        credit=schedule.credit + Money(left, currency),
        payments=(*schedule.payments, Payment(paid_on, amount)),
    )
