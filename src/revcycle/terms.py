"""Payment terms: when each part of an invoice falls due, and what paying early saves.

Conventions (DESIGN §3, "Payment terms"):

* Due dates count **calendar days** from the invoice date. A due-date rule is one of
  :class:`NetDays`, :class:`EndOfMonth` and :class:`DayOfMonth`; each documents its order of
  steps, clamps month ends (Jan 31 + one month is Feb 28 or 29), and never returns a date
  before the invoice date.
* Moving a due date onto a business day is a separate, optional last step
  (:class:`~revcycle.calendars.BusinessDayAdjustment`).
* A term is one or more :class:`Installment` lines — a percent of the total, a fixed amount, or
  the balance. Amounts are whole minor units that sum exactly to the total; the minor units
  left over by percent shares go where the allocation policy says (the last installment by
  default, like a balance line).
* An :class:`EarlyPaymentDiscount` ("2/10 Net 30") is earned by paying an installment in full
  on or before its deadline (inclusive): the invoice date plus the discount days.

>>> from datetime import date
>>> from revcycle.money import Money
>>> terms = PaymentTerms.parse("2/10 Net 30")
>>> schedule = terms.schedule(date(2024, 1, 31), Money("1000.00", "USD"))
>>> schedule.due_date, schedule.installments[0].discount_deadline
(datetime.date(2024, 3, 1), datetime.date(2024, 2, 10))
>>> schedule.installments[0].discounted_amount
Money('980.00', 'USD')
"""

from __future__ import annotations

import calendar as _calendar
import enum
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Final, TypeAlias, final

import attrs

from revcycle._display import html_table
from revcycle._display import to_pandas as _to_pandas
from revcycle._numbers import CTX, ZERO, plain, to_decimal
from revcycle.calendars import BusinessDayAdjustment, BusinessDayConvention
from revcycle.errors import (
    CurrencyMismatchError,
    RevcycleTypeError,
    TermsParseError,
    UnknownCodeError,
    ValidationError,
)
from revcycle.money import AllocationPolicy, Currency, Money, Percent


__all__ = [
    "PRESETS",
    "DayOfMonth",
    "DiscountBase",
    "DueRule",
    "EarlyPaymentDiscount",
    "EndOfMonth",
    "Installment",
    "InstallmentKind",
    "NetDays",
    "Payment",
    "PaymentSchedule",
    "PaymentTerms",
    "ScheduledInstallment",
    "TermsError",
    "apply_payment",
]


class TermsError(ValidationError):
    """Payment terms, a schedule or a payment that break a rule of this module."""


# --------------------------------------------------------------------------------------------
# Date arithmetic (plain integers: this runs for every installment of every invoice)


_MONTH_DAYS: Final = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _last_day(year: int, month: int) -> int:
    if month == 2 and _calendar.isleap(year):
        return 29
    return _MONTH_DAYS[month]


def _month_plus(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _check_date(value: object, what: str) -> date:
    if not isinstance(value, date) or type(value).__name__ == "datetime":
        raise RevcycleTypeError(f"{what} must be a datetime.date, not {value!r}.")
    return value


def _outside_calendar(rule: object, invoice_date: date) -> TermsError:
    return TermsError(
        f"{rule!r} applied to {invoice_date.isoformat()} falls outside the supported calendar."
    )


def _whole(low: int, high: int | None = None) -> Any:
    def check(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
        owner = type(instance).__name__
        if isinstance(value, bool) or not isinstance(value, int):
            raise RevcycleTypeError(f"{owner} {attribute.name} must be an int, not {value!r}.")
        if value < low or (high is not None and value > high):
            limit = f"at least {low}" if high is None else f"from {low} to {high}"
            raise TermsError(f"{owner} {attribute.name} must be {limit}, got {value}.")

    return check


# --------------------------------------------------------------------------------------------
# Due-date rules


@final
@attrs.frozen
class NetDays:
    """Due ``days`` calendar days after the invoice date ("Net 30"; ``NetDays(0)`` is due on
    receipt).

    >>> from datetime import date
    >>> NetDays(30).due_date(date(2022, 1, 31))
    datetime.date(2022, 3, 2)
    """

    days: int = attrs.field(validator=_whole(0))

    def due_date(self, invoice_date: date) -> date:
        """The invoice date plus ``days`` calendar days."""
        return self._date(_check_date(invoice_date, "An invoice date"))

    def _date(self, invoice_date: date) -> date:
        try:
            return invoice_date + timedelta(days=self.days)
        except OverflowError:
            raise _outside_calendar(self, invoice_date) from None

    def describe(self) -> str:
        """The rule in words ("Net 30", "Due on receipt"); :meth:`PaymentTerms.parse` reads it."""
        return "Due on receipt" if self.days == 0 else f"Net {self.days}"


@final
@attrs.frozen
class EndOfMonth:
    """Due on the last day of the invoice month, or of the month ``months`` later, plus
    ``days`` calendar days.

    Steps: take the invoice month; go ``months`` months ahead; take that month's last day;
    add ``days``. "Net 30 EOM" is ``EndOfMonth(days=30)``; "end of next month" is
    ``EndOfMonth(months=1)``. The month end is found from the month, never by adding a month to
    the invoice day, so it cannot land on the 28th or 30th by mistake.

    >>> from datetime import date
    >>> EndOfMonth(months=1).due_date(date(2024, 1, 31))
    datetime.date(2024, 2, 29)
    >>> EndOfMonth(days=30).due_date(date(2024, 1, 15))
    datetime.date(2024, 3, 1)
    """

    months: int = attrs.field(default=0, validator=_whole(0))
    days: int = attrs.field(default=0, validator=_whole(0))

    def due_date(self, invoice_date: date) -> date:
        """The last day of the month ``months`` after the invoice month, plus ``days``."""
        return self._date(_check_date(invoice_date, "An invoice date"))

    def _date(self, invoice_date: date) -> date:
        year, month = _month_plus(invoice_date.year, invoice_date.month, self.months)
        try:
            return date(year, month, _last_day(year, month)) + timedelta(days=self.days)
        except (OverflowError, ValueError):
            raise _outside_calendar(self, invoice_date) from None

    def describe(self) -> str:
        """The rule in words ("EOM", "Net 30 EOM", "End of next month")."""
        if self.months == 0:
            return "EOM" if self.days == 0 else f"Net {self.days} EOM"
        if self.months == 1 and self.days == 0:
            return "End of next month"
        text = f"End of the month {self.months} months after the invoice month"
        return text if self.days == 0 else f"{text}, plus {self.days} days"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@final
@attrs.frozen
class DayOfMonth:
    """Due on day ``day`` of a later month: "the 10th of next month", "10th prox".

    Steps, in this order: (1) the invoice date plus ``after_days`` calendar days; (2) if
    ``cutoff_day`` is set and that date's day of the month is after it, one extra month;
    (3) ``months`` months ahead (0 allowed: the same month); (4) day ``day`` of that month,
    clamped to its last day (31 gives Feb 28 or 29); (5) a result before the invoice date
    becomes the invoice date (possible only with ``months=0``).

    >>> from datetime import date
    >>> DayOfMonth(10).due_date(date(2024, 1, 20))
    datetime.date(2024, 2, 10)
    >>> DayOfMonth(31).due_date(date(2024, 1, 5))
    datetime.date(2024, 2, 29)
    >>> DayOfMonth(25, months=0, cutoff_day=20).due_date(date(2024, 1, 21))
    datetime.date(2024, 2, 25)
    """

    day: int = attrs.field(validator=_whole(1, 31))
    months: int = attrs.field(default=1, kw_only=True, validator=_whole(0))
    after_days: int = attrs.field(default=0, kw_only=True, validator=_whole(0))
    cutoff_day: int | None = attrs.field(default=None, kw_only=True)

    @cutoff_day.validator
    def _check_cutoff(self, attribute: attrs.Attribute[int | None], value: int | None) -> None:
        if value is not None:
            _whole(1, 31)(self, attribute, value)

    def due_date(self, invoice_date: date) -> date:
        """The due date by the five steps in the class docstring."""
        return self._date(_check_date(invoice_date, "An invoice date"))

    def _date(self, invoice_date: date) -> date:
        try:
            start = invoice_date + timedelta(days=self.after_days)
            months = self.months
            if self.cutoff_day is not None and start.day > self.cutoff_day:
                months += 1
            year, month = _month_plus(start.year, start.month, months)
            due = date(year, month, min(self.day, _last_day(year, month)))
        except (OverflowError, ValueError):
            raise _outside_calendar(self, invoice_date) from None
        return max(due, invoice_date)

    def describe(self) -> str:
        """The rule in words ("10th of next month")."""
        if self.months == 1 and self.after_days == 0 and self.cutoff_day is None:
            return f"{_ordinal(self.day)} of next month"
        parts = [f"{_ordinal(self.day)} of the month {self.months} months later"]
        if self.after_days:
            parts.append(f"counted from {self.after_days} days after the invoice date")
        if self.cutoff_day is not None:
            parts.append(f"one month later if issued after the {_ordinal(self.cutoff_day)}")
        return ", ".join(parts)


DueRule: TypeAlias = NetDays | EndOfMonth | DayOfMonth
"""A due-date rule: anything with ``due_date(invoice_date) -> date``."""

_DUE_RULES: Final = (NetDays, EndOfMonth, DayOfMonth)


def _check_rule(_: object, __: object, value: Any) -> None:
    if not isinstance(value, _DUE_RULES):
        raise RevcycleTypeError(
            f"A due-date rule must be NetDays, EndOfMonth or DayOfMonth, not {value!r}."
        )


# --------------------------------------------------------------------------------------------
# Installments


class InstallmentKind(enum.StrEnum):
    """How an installment's share is given: a percent of the total, a fixed amount, or the
    balance (whatever the other installments leave)."""

    PERCENT = "percent"
    FIXED = "fixed"
    BALANCE = "balance"


_HUNDRED: Final = Decimal(100)


@final
@attrs.frozen(kw_only=True)
class Installment:
    """One line of a payment term: a share of the total and the rule for its due date.

    Build one with :meth:`percent`, :meth:`fixed` or :meth:`balance`.

    >>> Installment.percent("50", due=NetDays(30)).describe()
    '50% Net 30'
    """

    kind: InstallmentKind = attrs.field(converter=InstallmentKind)
    due: DueRule = attrs.field(validator=_check_rule)
    share: Percent | None = None
    amount: Money | None = None

    def __attrs_post_init__(self) -> None:
        if self.kind is InstallmentKind.PERCENT:
            if not isinstance(self.share, Percent) or self.amount is not None:
                raise TermsError("A percent installment needs a share (a Percent) and no amount.")
            if not ZERO < self.share.value <= _HUNDRED:
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
            raise RevcycleTypeError(f"A fixed installment needs a Money amount, not {amount!r}.")
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


# --------------------------------------------------------------------------------------------
# Early-payment discount


class DiscountBase(enum.StrEnum):
    """What an early-payment discount is a percent of: the invoice ``total`` (tax included,
    Odoo's "included" and ERPNext's rule) or the ``untaxed`` amount (Odoo's "excluded": the
    tax is paid in full)."""

    TOTAL = "total"
    UNTAXED = "untaxed"


def _to_percent(value: object) -> Percent:
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
    days: int = attrs.field(validator=_whole(0))
    base: DiscountBase = attrs.field(default=DiscountBase.TOTAL, converter=DiscountBase)

    def __attrs_post_init__(self) -> None:
        if not ZERO < self.percent.value < _HUNDRED:
            raise TermsError(
                f"An early-payment discount must be above 0 % and below 100 %, got {self.percent}."
            )

    def deadline(self, invoice_date: date) -> date:
        """The last day the discount can be earned: the invoice date plus ``days``."""
        return invoice_date + timedelta(days=self.days)

    def annual_cost(self, net_days: int) -> Decimal:
        """The yearly rate a buyer gives up by not taking the discount, as a ratio.

        The finance identity ``r / (1 − r) × 365 / (net_days − days)``: 2/10 Net 30 costs
        about 37.24 % a year.

        >>> round(EarlyPaymentDiscount(Percent("2"), 10).annual_cost(30) * 100, 2)
        Decimal('37.24')
        """
        if net_days <= self.days:
            raise TermsError(
                f"The net days ({net_days}) must be after the discount days ({self.days})."
            )
        ratio = self.percent.ratio
        per_period = CTX.divide(ratio, CTX.subtract(Decimal(1), ratio))
        return CTX.divide(CTX.multiply(per_period, Decimal(365)), Decimal(net_days - self.days))


# --------------------------------------------------------------------------------------------
# Schedules and payments


def _check_money(what: str) -> Any:
    def check(_: object, __: object, value: object) -> None:
        if not isinstance(value, Money):
            raise RevcycleTypeError(f"{what} must be Money, not {value!r}.")

    return check


@final
@attrs.frozen(kw_only=True)
class ScheduledInstallment:
    """One installment of an invoice: when it is due, how much, and what is still open.

    ``amount = paid + discount_taken + open_amount`` always holds. ``discount_deadline`` and
    ``discounted_amount`` are set when the terms offer an early-payment discount: paying
    ``discounted_amount`` in full on or before the deadline settles the installment.
    """

    number: int
    due_date: date
    amount: Money = attrs.field(validator=_check_money("An installment amount"))
    discount_deadline: date | None = None
    discounted_amount: Money | None = None
    paid: Money = attrs.field(validator=_check_money("A paid amount"))
    discount_taken: Money = attrs.field(validator=_check_money("A discount taken"))
    open_amount: Money = attrs.field(validator=_check_money("An open amount"))

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

    paid_on: date
    amount: Money


def _scheduled_tuple(value: Iterable[ScheduledInstallment]) -> tuple[ScheduledInstallment, ...]:
    return tuple(value)


def _payment_tuple(value: Iterable[Payment]) -> tuple[Payment, ...]:
    return tuple(value)


def _sum(amounts: Iterable[Money], currency: Currency) -> Money:
    result = ZERO
    for money in amounts:
        if money.currency != currency:
            raise CurrencyMismatchError(
                f"A {currency.code} schedule cannot hold the {money.currency.code} amount {money}."
            )
        result = CTX.add(result, money.amount)
    return Money(result, currency)


@final
@attrs.frozen(kw_only=True)
class PaymentSchedule:
    """The installments of one invoice, the payments applied so far, and any credit.

    ``due_date`` is the invoice's due date (the latest installment's). ``credit`` is money
    received beyond what was open (an overpayment), reported rather than dropped.
    """

    invoice_date: date
    total: Money
    installments: tuple[ScheduledInstallment, ...] = attrs.field(converter=_scheduled_tuple)
    credit: Money = attrs.field(validator=_check_money("A credit"))
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

    def to_records(self) -> list[dict[str, Any]]:
        """One flat record per installment (JSON scalars; amounts as strings)."""
        return [
            {
                "number": i.number,
                "due_date": i.due_date.isoformat(),
                "amount": plain(i.amount.amount),
                "currency": i.amount.currency.code,
                "discount_deadline": None
                if i.discount_deadline is None
                else i.discount_deadline.isoformat(),
                "discounted_amount": None
                if i.discounted_amount is None
                else plain(i.discounted_amount.amount),
                "paid": plain(i.paid.amount),
                "discount_taken": plain(i.discount_taken.amount),
                "open_amount": plain(i.open_amount.amount),
            }
            for i in self.installments
        ]

    def to_pandas(self) -> Any:
        """:meth:`to_records` as a pandas DataFrame (needs the ``pandas`` extra)."""
        return _to_pandas(self.to_records())

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


def _distribute(
    units: int, scaled: Sequence[int], scale: int, policy: AllocationPolicy
) -> list[int]:
    """Split ``units`` minor units into parts whose exact shares are ``scaled[i] / scale``.

    The same algorithm as :func:`revcycle.money.allocate` (DESIGN §4.1), in integers: each part
    gets its exact share truncated, and the units left over go one at a time by ``policy`` to
    the parts with a non-zero share. ``sum(scaled) == units * scale`` and no share is negative.
    """
    floors = [x // scale for x in scaled]
    left = units - sum(floors)
    if left:
        live = [i for i, x in enumerate(scaled) if x]
        if policy is AllocationPolicy.LARGEST_REMAINDER:
            order = sorted(live, key=lambda i: (-(scaled[i] % scale), i))
        elif policy is AllocationPolicy.FIRST:
            order = live
        else:
            order = live[::-1]
        for k in range(left):
            floors[order[k % len(order)]] += 1
    return floors


# Zero written with 0 to 4 decimal places (every ISO 4217 minor unit), so "0.00 USD" reads right.
_ZEROS: Final = tuple(Decimal(0).scaleb(-places) for places in range(5))


def _from_units(units: int, places: int, currency: Currency) -> Money:
    return Money._trusted(Decimal(units).scaleb(-places, context=CTX), currency)


# Trusted builders for values schedule() has just computed and checked: they skip the
# validators (which re-add every amount) on the hot path of a bill run.


def _new_installment(
    number: int,
    due_date: date,
    amount: Money,
    deadline: date | None,
    discounted: Money | None,
    zero: Money,
) -> ScheduledInstallment:
    item = object.__new__(ScheduledInstallment)
    put = object.__setattr__
    put(item, "number", number)
    put(item, "due_date", due_date)
    put(item, "amount", amount)
    put(item, "discount_deadline", deadline)
    put(item, "discounted_amount", discounted)
    put(item, "paid", zero)
    put(item, "discount_taken", zero)
    put(item, "open_amount", amount)
    return item


def _new_schedule(
    invoice_date: date,
    total: Money,
    installments: tuple[ScheduledInstallment, ...],
    zero: Money,
) -> PaymentSchedule:
    schedule = object.__new__(PaymentSchedule)
    put = object.__setattr__
    put(schedule, "invoice_date", invoice_date)
    put(schedule, "total", total)
    put(schedule, "installments", installments)
    put(schedule, "credit", zero)
    put(schedule, "payments", ())
    return schedule


def apply_payment(schedule: PaymentSchedule, paid_on: date, amount: Money) -> PaymentSchedule:
    """Apply a payment to a schedule, oldest due installment first; return the new schedule.

    For each open installment in due-date order: if it is untouched, the payment is dated on
    or before its discount deadline and what is left of the payment covers its discounted
    amount, the discounted amount settles it (the discount is taken). Otherwise the payment
    pays as much of the open amount as it can; a partly paid installment no longer earns the
    discount (Odoo's rule). Whatever is left after every installment is settled becomes
    ``credit``.

    >>> from datetime import date
    >>> terms = PaymentTerms.parse("2/10 Net 30")
    >>> s = terms.schedule(date(2024, 1, 1), Money("1000.00", "USD"))
    >>> s.apply_payment(date(2024, 1, 11), Money("980.00", "USD")).open_amount
    Money('0.00', 'USD')
    >>> s.apply_payment(date(2024, 1, 12), Money("980.00", "USD")).open_amount
    Money('20.00', 'USD')
    """
    if not isinstance(schedule, PaymentSchedule):
        raise RevcycleTypeError(f"apply_payment() needs a PaymentSchedule, not {schedule!r}.")
    _check_date(paid_on, "A payment date")
    if not isinstance(amount, Money):
        raise RevcycleTypeError(f"A payment amount must be Money, not {amount!r}.")
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


# --------------------------------------------------------------------------------------------
# Payment terms


def _to_installments(value: Iterable[Installment]) -> tuple[Installment, ...]:
    return tuple(value)


def _to_adjustment(value: object) -> BusinessDayAdjustment | None:
    if value is None or isinstance(value, BusinessDayAdjustment):
        return value
    if isinstance(value, BusinessDayConvention | str):
        return BusinessDayAdjustment(value)
    raise RevcycleTypeError(
        f"A business-day adjustment must be a BusinessDayAdjustment or a "
        f"BusinessDayConvention, not {value!r}."
    )


def _check_discount(_: object, __: object, value: Any) -> None:
    if value is not None and not isinstance(value, EarlyPaymentDiscount):
        raise RevcycleTypeError(
            f"An early-payment discount must be an EarlyPaymentDiscount, not {value!r}."
        )


@final
@attrs.frozen
class PaymentTerms:
    """When an invoice's total falls due, in one or more installments.

    Percent installments must total 100 % unless a balance installment takes the rest (then
    they must total less than 100 %); fixed installments need a balance installment.
    ``allocation`` says where the minor units left over by percent shares go (the last
    installment by default). ``adjustment``, when set, moves each due date onto a business day
    after its rule (never before the invoice date: a date the convention would move before it
    moves forward instead).

    >>> from datetime import date
    >>> from revcycle.money import Money
    >>> terms = PaymentTerms.parse("50% now, 50% Net 30")
    >>> [(i.due_date.isoformat(), str(i.amount))
    ...  for i in terms.schedule(date(2024, 1, 31), Money("100.01", "USD")).installments]
    [('2024-01-31', '50.00 USD'), ('2024-03-01', '50.01 USD')]
    """

    installments: tuple[Installment, ...] = attrs.field(converter=_to_installments)
    early_payment_discount: EarlyPaymentDiscount | None = attrs.field(
        default=None, validator=_check_discount
    )
    allocation: AllocationPolicy = attrs.field(
        default=AllocationPolicy.LAST, converter=AllocationPolicy
    )
    adjustment: BusinessDayAdjustment | None = attrs.field(default=None, converter=_to_adjustment)

    def __attrs_post_init__(self) -> None:
        lines = self.installments
        if not lines:
            raise TermsError("Payment terms need at least one installment.")
        for line in lines:
            if not isinstance(line, Installment):
                raise RevcycleTypeError(f"Payment terms take Installment lines, not {line!r}.")
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
            if percents != _HUNDRED:
                raise TermsError(
                    f"Percent installments must total 100 % unless a balance installment "
                    f"takes the rest; they total {plain(percents)} %."
                )
        elif percents >= _HUNDRED:
            raise TermsError(
                f"Percent installments total {plain(percents)} %, leaving nothing for the "
                "balance installment; they must total less than 100 %."
            )
        currencies = {line.amount.currency for line in fixed if line.amount is not None}
        if len(currencies) > 1:
            codes = ", ".join(sorted(c.code for c in currencies))
            raise CurrencyMismatchError(f"Fixed installments mix currencies: {codes}.")
        # Percent shares as integer numerators over one common scale, computed once, so that
        # schedule() splits a total with integer arithmetic only.
        shares = [
            Fraction(line.share.value) / 100 if line.share is not None else Fraction(0)
            for line in lines
        ]
        scale = math.lcm(*(f.denominator for f in shares))
        object.__setattr__(self, "_scale", scale)
        object.__setattr__(
            self, "_numerators", tuple(f.numerator * (scale // f.denominator) for f in shares)
        )

    _scale: int = attrs.field(init=False, default=1, eq=False, repr=False, hash=False)
    _numerators: tuple[int, ...] = attrs.field(
        init=False, default=(), eq=False, repr=False, hash=False
    )

    # -- construction --------------------------------------------------------------------

    @classmethod
    def parse(cls, text: str) -> PaymentTerms:
        """Read written terms: "Due on receipt", "Net 30", "2/10 Net 30", "1% 10 Net 30",
        "EOM", "Net 30 EOM", "End of next month", "10th prox", "50% now, 50% Net 30",
        "30% now, balance Net 60".

        Case and extra spaces do not matter. Anything else raises
        :class:`~revcycle.errors.TermsParseError` naming the part that was not understood.

        >>> PaymentTerms.parse("1% 10 Net 30").early_payment_discount.percent
        Percent('1')
        >>> PaymentTerms.parse("Net thirty")
        Traceback (most recent call last):
        ...
        revcycle.errors.TermsParseError: Cannot read payment terms 'Net thirty': did not understand
        'net thirty'; expected terms such as 'Net 30', ...
        """
        return _parse(text)

    @classmethod
    def net(cls, days: int) -> PaymentTerms:
        """Net ``days``: the whole total due ``days`` calendar days after the invoice date."""
        return cls((Installment.percent(_HUNDRED, NetDays(days)),))

    @classmethod
    def preset(cls, name: str) -> PaymentTerms:
        """One of :data:`PRESETS` by name (``"net_30"``, ``"2_10_net_30"`` ...)."""
        found = PRESETS.get(name)
        if found is None:
            raise UnknownCodeError(
                f"No payment-terms preset named {name!r}; expected one of "
                f"{', '.join(repr(k) for k in PRESETS)}."
            )
        return found

    def with_adjustment(
        self, adjustment: BusinessDayAdjustment | BusinessDayConvention | None
    ) -> PaymentTerms:
        """The same terms with a different business-day adjustment."""
        return attrs.evolve(self, adjustment=adjustment)

    def with_discount(self, discount: EarlyPaymentDiscount | None) -> PaymentTerms:
        """The same terms with a different early-payment discount."""
        return attrs.evolve(self, early_payment_discount=discount)

    # -- use -----------------------------------------------------------------------------

    def describe(self) -> str:
        """The terms in words; the common forms read back with :meth:`parse`.

        >>> PaymentTerms.parse("2 / 10 net 30").describe()
        '2/10 Net 30'
        """
        lines = self.installments
        if len(lines) == 1:
            text = lines[0].due.describe()
        else:
            text = ", ".join(line.describe() for line in lines)
        discount = self.early_payment_discount
        if discount is not None:
            text = f"{plain(discount.percent.value)}/{discount.days} {text}"
        if self.adjustment is not None:
            text += f" (adjusted {self.adjustment.convention.value})"
        return text

    def __str__(self) -> str:
        return self.describe()

    def due_dates(self, invoice_date: date) -> tuple[date, ...]:
        """Each installment's due date, business-day adjustment included."""
        _check_date(invoice_date, "An invoice date")
        return tuple(self._due(line.due, invoice_date) for line in self.installments)

    def due_date(self, invoice_date: date) -> date:
        """The invoice's due date: the latest installment due date."""
        return max(self.due_dates(invoice_date))

    def _due(self, rule: DueRule, invoice_date: date) -> date:
        day = rule._date(invoice_date)
        adjustment = self.adjustment
        if adjustment is None:
            return day
        moved = adjustment.apply(day)
        if moved < invoice_date:
            moved = BusinessDayConvention.FOLLOWING.adjust(day, adjustment.calendar)
        return moved

    def schedule(
        self, invoice_date: date, total: Money, untaxed: Money | None = None
    ) -> PaymentSchedule:
        """The installments of an invoice of ``total`` issued on ``invoice_date``.

        ``total`` must be whole minor units and not negative. ``untaxed`` is needed when the
        early-payment discount is on the untaxed amount. Installment amounts sum exactly to
        the total; the discount (rounded half-up once, on the whole base) is split over the
        installments in proportion to their amounts with the same allocation policy, so the
        discounted amounts sum exactly to the discounted total. An installment's discount
        deadline is the invoice date plus the discount days, or its due date if earlier.
        """
        _check_date(invoice_date, "An invoice date")
        if not isinstance(total, Money):
            raise RevcycleTypeError(f"An invoice total must be Money, not {total!r}.")
        currency = total.currency
        units = total.minor_units
        if units < 0:
            raise TermsError(f"An invoice total must not be negative, got {total}.")
        lines = self.installments
        zero = Money._trusted(_ZEROS[currency.minor_units], currency)
        discount = self.early_payment_discount
        deadline = None if discount is None else discount.deadline(invoice_date)
        if len(lines) == 1:
            # The common single-line term: no allocation, one installment.
            due = self._due(lines[0].due, invoice_date)
            if discount is None or deadline is None:
                only = _new_installment(1, due, total, None, None, zero)
            else:
                off = self._discount(discount, total, untaxed)
                only = _new_installment(1, due, total, min(deadline, due), total - off, zero)
            return _new_schedule(invoice_date, total, (only,), zero)

        places = currency.minor_units
        parts = self._amounts(total, units)
        amounts = [_from_units(u, places, currency) for u in parts]
        dues = [self._due(line.due, invoice_date) for line in lines]
        discounted: Sequence[Money | None] = (None,) * len(lines)
        if discount is not None:
            off_units = self._discount(discount, total, untaxed).minor_units
            if off_units == 0 or units == 0:
                cuts = [0] * len(lines)
            else:
                scaled = [off_units * u for u in parts]
                cuts = _distribute(off_units, scaled, units, self.allocation)
            discounted = [
                _from_units(u - c, places, currency) for u, c in zip(parts, cuts, strict=True)
            ]
        installments = tuple(
            _new_installment(
                n,
                dues[n - 1],
                amounts[n - 1],
                None if deadline is None else min(deadline, dues[n - 1]),
                discounted[n - 1],
                zero,
            )
            for n in range(1, len(lines) + 1)
        )
        return _new_schedule(invoice_date, total, installments, zero)

    def _amounts(self, total: Money, units: int) -> list[int]:
        """Each installment's amount in minor units (see :func:`_distribute`)."""
        currency = total.currency
        lines = self.installments
        rest = units
        for line in lines:
            if line.amount is not None:
                if line.amount.currency != currency:
                    raise CurrencyMismatchError(
                        f"A fixed installment of {line.amount} cannot be part of a "
                        f"{currency.code} invoice."
                    )
                rest -= line.amount.minor_units
        scale = self._scale
        scaled: list[int] = []
        balance_at = -1
        percent_sum = 0
        for line, numerator in zip(lines, self._numerators, strict=True):
            if line.kind is InstallmentKind.PERCENT:
                share = units * numerator
                scaled.append(share)
                percent_sum += share
            elif line.kind is InstallmentKind.BALANCE:
                balance_at = len(scaled)
                scaled.append(0)
        if balance_at >= 0:
            scaled[balance_at] = rest * scale - percent_sum
        if rest < 0 or (balance_at >= 0 and scaled[balance_at] < 0):
            raise TermsError(
                f"The fixed and percent installments come to more than the total {total}; "
                "the balance installment would be negative."
            )
        parts = iter(
            _distribute(rest, scaled, scale, self.allocation) if rest else [0] * len(scaled)
        )
        return [
            line.amount.minor_units if line.amount is not None else next(parts) for line in lines
        ]

    @staticmethod
    def _discount(discount: EarlyPaymentDiscount, total: Money, untaxed: Money | None) -> Money:
        if discount.base is DiscountBase.UNTAXED:
            if untaxed is None:
                raise TermsError(
                    "This early-payment discount is on the untaxed amount; pass untaxed=... "
                    "to schedule()."
                )
            if not isinstance(untaxed, Money):
                raise RevcycleTypeError(f"The untaxed amount must be Money, not {untaxed!r}.")
            if untaxed.currency != total.currency:
                raise CurrencyMismatchError(
                    f"The untaxed amount {untaxed} is not in the invoice currency "
                    f"{total.currency.code}."
                )
            if not ZERO <= untaxed.amount <= total.amount:
                raise TermsError(
                    f"The untaxed amount {untaxed} must be between zero and the total {total}."
                )
            base = untaxed
        else:
            base = total
        # base × percent / 100, rounded once, half-up at the minor unit.
        exact = CTX.multiply(base.amount, discount.percent.value).scaleb(-2, context=CTX)
        currency = total.currency
        rounded = exact.quantize(currency.quantum, rounding=ROUND_HALF_UP, context=CTX)
        return Money._trusted(rounded, currency)


# --------------------------------------------------------------------------------------------
# Parsing written terms

_RECEIPT: Final = frozenset(
    {
        "due on receipt",
        "due upon receipt",
        "on receipt",
        "upon receipt",
        "payable on receipt",
        "receipt",
        "due immediately",
        "immediately",
        "immediate",
        "due now",
        "now",
        "upfront",
        "up front",
        "in advance",
        "cod",
        "cash on delivery",
    }
)
_NUM: Final = r"\d+(?:\.\d+)?"
_NET = re.compile(
    r"(?:net|n)\s*/?\s*(?P<days>\d+)(?:\s*days?)?(?:\s*(?P<eom>eom|end of (?:the )?month))?"
)
_DAYS = re.compile(
    r"(?:due\s+)?(?:in\s+|within\s+)?(?P<days>\d+)\s*days?"
    r"(?:\s*(?P<eom>eom|(?:after )?(?:the )?end of (?:the )?month))?"
)
_EOM = re.compile(r"eom|end of (?:the )?month|end of (?:the )?invoice month")
_EOM_PLUS = re.compile(r"(?:eom|end of (?:the )?month)\s*\+\s*(?P<days>\d+)(?:\s*days?)?")
_NEXT_EOM = re.compile(r"end of (?:the )?(?:next|following) month|eonm")
_PROX = re.compile(
    r"(?:(?:on\s+)?the\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+"
    r"(?:prox(?:imo)?|of (?:the )?(?:next|following) month)"
)
_DISCOUNT = re.compile(
    rf"(?:(?P<pct>{_NUM})\s*%?\s*/\s*(?P<days>\d+)|(?P<pct2>{_NUM})\s*%\s*(?P<days2>\d+))"
    r"(?:\s*days?)?[\s,]*"
)
_PERCENT_LINE = re.compile(rf"(?P<pct>{_NUM})\s*%\s*(?:due\s+)?(?P<rest>.*)")
_BALANCE_LINE = re.compile(
    r"(?:the\s+)?(?:balance|rest|remainder|remaining)\s*(?:due\s+)?(?P<rest>.*)"
)
_SEPARATORS = re.compile(r"\s*(?:,|;|\band\b|\bthen\b)\s*")
_EXAMPLES: Final = "'Net 30', '2/10 Net 30', 'Net 30 EOM' or '50% now, 50% Net 30'"


class _NotUnderstoodError(Exception):
    def __init__(self, part: str, why: str = "") -> None:
        super().__init__(part, why)
        self.part = part
        self.why = why


def _parse_due(text: str) -> DueRule:
    part = text.strip()
    if part in _RECEIPT:
        return NetDays(0)
    for pattern in (_NET, _DAYS):
        match = pattern.fullmatch(part)
        if match is not None:
            days = int(match["days"])
            return EndOfMonth(days=days) if match["eom"] else NetDays(days)
    if _EOM.fullmatch(part):
        return EndOfMonth()
    match = _EOM_PLUS.fullmatch(part)
    if match is not None:
        return EndOfMonth(days=int(match["days"]))
    if _NEXT_EOM.fullmatch(part):
        return EndOfMonth(months=1)
    match = _PROX.fullmatch(part)
    if match is not None:
        day = int(match["day"])
        if not 1 <= day <= 31:
            raise _NotUnderstoodError(part, f"day {day} is not a day of the month")
        return DayOfMonth(day)
    raise _NotUnderstoodError(part)


def _parse_lines(text: str) -> tuple[Installment, ...]:
    parts = [p for p in _SEPARATORS.split(text) if p]
    if not parts:
        raise _NotUnderstoodError(text)
    if len(parts) == 1 and not _PERCENT_LINE.fullmatch(parts[0]):
        return (Installment.percent(_HUNDRED, _parse_due(parts[0])),)
    lines: list[Installment] = []
    for part in parts:
        match = _PERCENT_LINE.fullmatch(part)
        if match is not None:
            lines.append(Installment.percent(match["pct"], _parse_due(match["rest"])))
            continue
        match = _BALANCE_LINE.fullmatch(part)
        if match is not None:
            lines.append(Installment.balance(_parse_due(match["rest"])))
            continue
        raise _NotUnderstoodError(part, "each installment starts with a percent or 'balance'")
    return tuple(lines)


def _parse(text: str) -> PaymentTerms:
    if not isinstance(text, str):
        raise RevcycleTypeError(f"PaymentTerms.parse() needs a str, not {text!r}.")
    norm = " ".join(text.lower().split()).rstrip(".")
    try:
        match = _DISCOUNT.match(norm)
        rest = norm[match.end() :] if match is not None else ""
        if match is not None and "%" not in rest:
            if not rest:
                raise _NotUnderstoodError(norm, "a discount needs the net terms after it")
            pct = match["pct"] or match["pct2"]
            days = int(match["days"] or match["days2"])
            discount = EarlyPaymentDiscount(Percent(pct), days)
            return PaymentTerms((Installment.percent(_HUNDRED, _parse_due(rest)),), discount)
        return PaymentTerms(_parse_lines(norm))
    except _NotUnderstoodError as error:
        why = f" ({error.why})" if error.why else ""
        raise TermsParseError(
            f"Cannot read payment terms {text!r}: did not understand {error.part!r}{why}; "
            f"expected terms such as {_EXAMPLES}."
        ) from None
    except ValidationError as error:
        raise TermsParseError(f"Cannot read payment terms {text!r}: {error}") from None


# --------------------------------------------------------------------------------------------
# Presets


def _presets() -> Mapping[str, PaymentTerms]:
    texts = {
        "due_on_receipt": "Due on receipt",
        "net_7": "Net 7",
        "net_10": "Net 10",
        "net_15": "Net 15",
        "net_30": "Net 30",
        "net_45": "Net 45",
        "net_60": "Net 60",
        "net_90": "Net 90",
        "eom": "EOM",
        "net_30_eom": "Net 30 EOM",
        "end_of_next_month": "End of next month",
        "10th_prox": "10th prox",
        "2_10_net_30": "2/10 Net 30",
        "1_10_net_30": "1/10 Net 30",
        "50_now_50_net_30": "50% now, 50% Net 30",
    }
    return MappingProxyType({name: _parse(text) for name, text in texts.items()})


PRESETS: Final = _presets()
"""Common terms by name: ``net_30``, ``2_10_net_30``, ``net_30_eom`` ... (read-only)."""
