"""Invoices and their lines, tax, and the open items an invoice becomes
(docs/reference/billing.md).

Re-exported by :mod:`revcycle.billing`; import from there.
"""

from __future__ import annotations

import enum
import inspect
import types
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, Final, TypeAlias, final

import attrs

from revcycle._display import (
    MAX_ROWS,
    ColumnKind,
    Columns,
    TypedRows,
    amount_text,
    html_table,
    number_text,
)
from revcycle._numbers import CTX, ZERO, DecimalLike, plain, to_decimal
from revcycle._validate import (
    Validator,
    check_day,
    check_text,
    check_type,
    require_sequence,
    to_choice,
)
from revcycle.dates import Period
from revcycle.errors import CurrencyMismatchError, RevcycleTypeError, ValidationError, shown
from revcycle.money import Currency, Money, Percent, to_currency
from revcycle.receivables import OpenItem, open_items
from revcycle.terms import Payment, PaymentSchedule


class LineKind(enum.StrEnum):
    """What an invoice line bills: a recurring piece (``RECURRING``, negative for a decrease
    over a span not yet billed), a one-time charge (``ONE_TIME``), a usage piece (``USAGE``) or
    a decrease over a span already billed (``CREDIT``, capped at what was billed)."""

    RECURRING = "recurring"
    ONE_TIME = "one_time"
    USAGE = "usage"
    CREDIT = "credit"


def _to_kind(value: LineKind | str) -> LineKind:
    return to_choice(LineKind, value, "An invoice line's kind")


def _to_quantity(value: DecimalLike) -> Decimal:
    return to_decimal(value, "An invoice line's quantity")


def _to_line_fraction(value: DecimalLike) -> Decimal:
    return to_decimal(value, "An invoice line's fraction")


def _money(what: str) -> Validator:
    return check_type(Money, "Money", what)


def _period(what: str) -> Validator:
    return check_type(Period, "a Period", what)


def line_key(contract_id: str, subscription_id: str, kind: LineKind, period: Period) -> str:
    """The deterministic key of a line: ``"{contract}:{subscription}:{kind}:{start}/{end}"``
    (the kind as its lower-case value, the period's dates ISO 8601, the end exclusive)."""
    return (
        f"{contract_id}:{subscription_id}:{kind.value}:"
        f"{period.start.isoformat()}/{period.end.isoformat()}"
    )


@final
@attrs.frozen(kw_only=True)
class InvoiceLine:
    """One line of an invoice: ``quantity`` of ``sku`` over ``period`` (half-open) inside its
    bill-cycle period ``full_period``.

    ``unit_price`` is the price of one unit for a whole bill-cycle period (the net unit price
    per pricing term × the frequency's share of the term; per unit for a one-time charge; zero
    for usage, which its model prices), ``fraction`` the share of the period billed (a credit's
    is its piece's ``period_fraction``), ``precise_amount`` the unrounded amount and ``amount``
    the amount rounded once, at the line. ``key`` is
    ``"{contract_id}:{subscription_id}:{kind}:{start}/{end}"``: a line whose key was issued is
    never billed again.
    """

    key: str = attrs.field(validator=check_text("An invoice line's key"))
    kind: LineKind = attrs.field(converter=_to_kind)
    contract_id: str = attrs.field(validator=check_text("An invoice line's contract id"))
    subscription_id: str = attrs.field(validator=check_text("An invoice line's subscription id"))
    sku: str = attrs.field(validator=check_text("An invoice line's sku"))
    description: str = attrs.field(validator=check_text("An invoice line's description"))
    period: Period = attrs.field(validator=_period("An invoice line's period"))
    full_period: Period = attrs.field(validator=_period("An invoice line's full period"))
    quantity: Decimal = attrs.field(converter=_to_quantity)
    unit_price: Money = attrs.field(validator=_money("An invoice line's unit price"))
    fraction: Decimal = attrs.field(converter=_to_line_fraction)
    precise_amount: Money = attrs.field(validator=_money("An invoice line's precise amount"))
    amount: Money = attrs.field(validator=_money("An invoice line's amount"))

    def __attrs_post_init__(self) -> None:
        expected = line_key(self.contract_id, self.subscription_id, self.kind, self.period)
        if self.key != expected:
            raise ValidationError(
                f"An invoice line's key must be {shown(expected)} (contract, "
                f"subscription, kind and "
                f"period), not {shown(self.key)}."
            )
        if not self.full_period.contains(self.period):
            raise ValidationError(
                f"Line {shown(self.key)}: its period {self.period} must lie inside its full "
                f"period {self.full_period}."
            )
        currency = self.amount.currency
        for money in (self.unit_price, self.precise_amount):
            if money.currency != currency:
                raise CurrencyMismatchError(
                    f"Line {shown(self.key)} mixes {currency.code} and {money.currency.code}."
                )

    @property
    def currency(self) -> Currency:
        """The line's currency."""
        return self.amount.currency

    def explain(self) -> str:
        """The line for people: what it bills and how its amount was made."""
        head = (
            f"{self.kind.value:<9} {self.sku} {self.period.start.isoformat()} → "
            f"{self.period.last_day.isoformat()}: {self.description}"
        )
        if self.kind is LineKind.USAGE:
            rule = f"{plain(self.quantity)} units rated"
        elif self.kind is LineKind.ONE_TIME:
            rule = f"{plain(self.quantity)} × {amount_text(self.unit_price)}"
        else:
            rule = (
                f"{plain(self.quantity)} × {amount_text(self.unit_price)} a period × "
                f"{number_text(self.fraction)} of {self.full_period}"
            )
        return (
            f"{head}\n    {rule} = {amount_text(self.precise_amount)} → {amount_text(self.amount)}"
        )


def _to_percent(value: Percent | DecimalLike) -> Percent:
    return value if isinstance(value, Percent) else Percent(value)


@final
@attrs.frozen
class TaxRate:
    """A tax of ``percent`` on an invoice's unrounded line amounts (``name``, such as
    ``"VAT"``, is shown on the invoice). Called with an invoice, it returns the unrounded tax;
    the bill run rounds it once per invoice. Any callable ``(Invoice) -> Money`` serves as a
    tax policy too.

    >>> TaxRate(Percent("20"), "VAT")
    TaxRate(percent=Percent('20'), name='VAT')
    """

    percent: Percent = attrs.field(converter=_to_percent)
    name: str = attrs.field(validator=check_text("A tax rate's name"))

    def __call__(self, invoice: Invoice) -> Money:
        """``percent`` of the sum of the invoice's unrounded line amounts, unrounded."""
        exact = ZERO
        for line in invoice.lines:
            exact = CTX.add(exact, line.precise_amount.amount)
        return Money._trusted(CTX.multiply(exact, self.percent.ratio), invoice.currency)


TaxPolicy: TypeAlias = Callable[["Invoice"], Money]
"""What ``bill(tax=...)`` accepts: a :class:`TaxRate` or any callable ``(Invoice) -> Money``."""


def _to_lines(value: Iterable[InvoiceLine]) -> tuple[InvoiceLine, ...]:
    return require_sequence(value, "An invoice's lines", kind=InvoiceLine)


# One row per line, for to_records(), to_arrow() and to_pandas().
LINE_COLUMNS: Final = {
    "invoice_id": ColumnKind.TEXT,
    "account": ColumnKind.TEXT,
    "contract_id": ColumnKind.TEXT,
    "invoice_date": ColumnKind.DATE,
    "due_date": ColumnKind.DATE,
    "key": ColumnKind.TEXT,
    "kind": ColumnKind.CHOICE,
    "subscription_id": ColumnKind.TEXT,
    "sku": ColumnKind.CHOICE,
    "description": ColumnKind.TEXT,
    "start_date": ColumnKind.DATE,
    "end_date": ColumnKind.DATE,
    "full_start_date": ColumnKind.DATE,
    "full_end_date": ColumnKind.DATE,
    "quantity": ColumnKind.QUANTITY,
    "unit_price": ColumnKind.PRECISE,
    "fraction": ColumnKind.PRECISE,
    "precise_amount": ColumnKind.PRECISE,
    "amount": ColumnKind.AMOUNT,
    "currency": ColumnKind.CHOICE,
}

_MONEY_FIELDS: Final = ("subtotal", "tax", "credit_applied", "total", "credit_generated")


@final
@attrs.frozen(kw_only=True, repr=False)
class Invoice(TypedRows):
    """One contract's invoice of one bill run.

    ``subtotal`` is the sum of the rounded line amounts; ``tax`` the tax policy on the
    unrounded line amounts, rounded once (negative on a negative subtotal; zero without a
    policy); ``credit_applied`` the account's credit balance used here; ``total = subtotal +
    tax − credit_applied``, never negative: a negative sum is ``credit_generated`` instead, and
    the total is zero. ``payment_schedule`` is the contract's payment terms applied to the
    total on ``invoice_date``, so :attr:`due_date` follows the negotiated terms.
    ``to_records()``, ``to_arrow()`` and ``to_pandas()`` have one row per line.
    """

    id: str = attrs.field(validator=check_text("An invoice id"))
    account: str = attrs.field(validator=check_text("An invoice's account"))
    contract_id: str = attrs.field(validator=check_text("An invoice's contract id"))
    currency: Currency = attrs.field(converter=to_currency)
    invoice_date: date = attrs.field(validator=check_day("An invoice date"))
    lines: tuple[InvoiceLine, ...] = attrs.field(converter=_to_lines)
    subtotal: Money = attrs.field(validator=_money("An invoice subtotal"))
    tax: Money = attrs.field(validator=_money("An invoice's tax"))
    credit_applied: Money = attrs.field(validator=_money("An invoice's credit applied"))
    total: Money = attrs.field(validator=_money("An invoice total"))
    credit_generated: Money = attrs.field(validator=_money("An invoice's credit generated"))
    payment_schedule: PaymentSchedule = attrs.field(
        validator=check_type(PaymentSchedule, "a PaymentSchedule", "An invoice's payment schedule")
    )

    def __attrs_post_init__(self) -> None:
        _check_invoice(self)

    @property
    def due_date(self) -> date:
        """When the invoice is due: its payment schedule's (latest) due date."""
        return self.payment_schedule.due_date

    def open_items(self, payments: Iterable[Payment] = ()) -> tuple[OpenItem, ...]:
        """What is still open on the invoice after ``payments`` (each a
        :class:`~revcycle.terms.Payment`, applied in order by
        :func:`~revcycle.terms.apply_payment`): one :class:`~revcycle.receivables.OpenItem`
        per open installment, ``id`` the invoice id (``id/n`` for installment n of several),
        ready for :func:`~revcycle.receivables.aging` and late interest."""
        schedule = self.payment_schedule
        for payment in require_sequence(payments, "Payments", of="Payment", kind=Payment):
            schedule = schedule.apply_payment(payment.paid_on, payment.amount)
        return open_items(schedule, self.id, self.account)

    def __repr__(self) -> str:
        return (
            f"<Invoice {self.id} for {self.account} ({self.contract_id}) of "
            f"{self.invoice_date.isoformat()}: {len(self.lines)} lines, total {self.total}, "
            f"due {self.due_date.isoformat()}>"
        )

    def explain(self) -> str:
        """The invoice for people: every line with its arithmetic, then the totals and the due
        date from the contract's payment terms."""
        lines = [
            (
                f"Invoice {self.id} for {self.account}, contract {self.contract_id}, "
                f"{self.invoice_date.isoformat()}"
            )
        ]
        for line in self.lines:
            lines += [f"  {row}" for row in line.explain().splitlines()]
        lines.append(f"  subtotal          {amount_text(self.subtotal)}")
        lines.append(f"  tax               {amount_text(self.tax)}")
        if not self.credit_applied.is_zero():
            lines.append(f"  credit applied    {amount_text(-self.credit_applied)}")
        lines.append(f"  total             {amount_text(self.total)}")
        if not self.credit_generated.is_zero():
            lines.append(
                f"  credit generated  {amount_text(self.credit_generated)} (carried to the "
                "account's next invoice)"
            )
        lines.append(f"  due {self.due_date.isoformat()}")
        return "\n".join(lines)

    _columns: ClassVar[Columns] = LINE_COLUMNS

    def _rows(self) -> list[dict[str, Any]]:
        return line_rows(self)

    def _repr_html_(self) -> str:
        rows = [
            [
                line.kind.value,
                line.sku,
                line.period.start.isoformat(),
                line.period.last_day.isoformat(),
                plain(line.quantity),
                amount_text(line.unit_price),
                number_text(line.fraction),
                amount_text(line.amount),
                line.description,
            ]
            for line in self.lines
        ]
        footer = [
            f"Subtotal {amount_text(self.subtotal)} · tax {amount_text(self.tax)} · credit "
            f"applied {amount_text(self.credit_applied)} · total {amount_text(self.total)}"
            + (
                f" · credit generated {amount_text(self.credit_generated)}"
                if not self.credit_generated.is_zero()
                else ""
            ),
            f"Due {self.due_date.isoformat()} ({self.invoice_date.isoformat()} + payment terms)",
        ]
        return html_table(
            f"Invoice {self.id} for {self.account}",
            ["kind", "sku", "start", "last day", "qty", "unit price", "fraction", "amount", "for"],
            rows,
            right=[4, 5, 6, 7],
            footer=footer,
            max_rows=MAX_ROWS,
        )


def line_rows(invoice: Invoice) -> list[dict[str, Any]]:
    """One row per line of ``invoice``, under :data:`LINE_COLUMNS`."""
    head = {
        "invoice_id": invoice.id,
        "account": invoice.account,
        "contract_id": invoice.contract_id,
        "invoice_date": invoice.invoice_date,
        "due_date": invoice.due_date,
    }
    return [
        {
            **head,
            "key": line.key,
            "kind": line.kind,
            "subscription_id": line.subscription_id,
            "sku": line.sku,
            "description": line.description,
            "start_date": line.period.start,
            "end_date": line.period.last_day,
            "full_start_date": line.full_period.start,
            "full_end_date": line.full_period.last_day,
            "quantity": line.quantity,
            "unit_price": line.unit_price.amount,
            "fraction": line.fraction,
            "precise_amount": line.precise_amount.amount,
            "amount": line.amount.amount,
            "currency": line.currency.code,
        }
        for line in invoice.lines
    ]


def _check_invoice(invoice: Invoice) -> None:
    """The rules an invoice read from JSON or built by hand must keep (the bill run builds its
    own without them: it computed every figure by these rules)."""
    name = f"Invoice {shown(invoice.id)}"
    currency = invoice.currency
    if not invoice.lines:
        raise ValidationError(f"{name} needs at least one line.")
    for line in invoice.lines:
        if line.contract_id != invoice.contract_id:
            raise ValidationError(
                f"{name} of contract {shown(invoice.contract_id)} holds line {shown(line.key)} "
                f"of contract {shown(line.contract_id)}."
            )
        if line.currency != currency:
            raise CurrencyMismatchError(
                f"{name} is in {currency.code}, but line {shown(line.key)} is in "
                f"{line.currency.code}."
            )
    for field in _MONEY_FIELDS:
        money: Money = getattr(invoice, field)
        if money.currency != currency:
            raise CurrencyMismatchError(
                f"{name} is in {currency.code}, but its {field} is {money}."
            )
    subtotal = ZERO
    for line in invoice.lines:
        subtotal = CTX.add(subtotal, line.amount.amount)
    if subtotal != invoice.subtotal.amount:
        raise ValidationError(
            f"{name}'s subtotal {invoice.subtotal} must be the sum of its rounded line amounts, "
            f"{plain(subtotal)}."
        )
    for field in ("credit_applied", "total", "credit_generated"):
        if getattr(invoice, field).is_negative():
            raise ValidationError(f"{name}'s {field} must not be negative.")
    before = invoice.subtotal + invoice.tax - invoice.credit_applied
    if before != invoice.total - invoice.credit_generated or (
        not invoice.total.is_zero() and not invoice.credit_generated.is_zero()
    ):
        raise ValidationError(
            f"{name}: subtotal + tax − credit applied ({before}) must be its total when it is "
            "not negative, else the credit generated (with a zero total)."
        )
    schedule = invoice.payment_schedule
    if schedule.total != invoice.total or schedule.invoice_date != invoice.invoice_date:
        raise ValidationError(
            f"{name}'s payment schedule must be for its total {invoice.total} on "
            f"{invoice.invoice_date.isoformat()}."
        )


# Python's own callables (len, abs, dict, str.upper, a list's append ...): none takes an
# Invoice and returns Money, so one given as a tax policy is a mistake, found at the entry.
_BUILT_IN: Final = (
    types.BuiltinFunctionType,
    types.MethodDescriptorType,
    types.WrapperDescriptorType,
    types.MethodWrapperType,
    types.ClassMethodDescriptorType,
)


def require_tax(tax: object) -> TaxPolicy | None:
    """``tax`` as a tax policy: ``None``, a :class:`TaxRate` or a callable of one argument
    (the invoice); anything else (a number, a Percent, a class, one of Python's built-in
    functions, a function of no or of two arguments) is refused with the fix, before
    anything is billed. An exception a caller's own policy raises is its own, and passes
    through."""
    if tax is None or isinstance(tax, TaxRate):
        return tax
    expected = (
        "tax must be a TaxRate (such as TaxRate(Percent('20'), 'VAT')) or a callable "
        "(Invoice) -> Money"
    )
    refused = isinstance(tax, Percent | Decimal | int | float | str | type)
    if refused or isinstance(tax, _BUILT_IN) or not callable(tax):
        raise RevcycleTypeError(f"{expected}, not {shown(tax)}.")
    try:
        signature = inspect.signature(tax)
    except (TypeError, ValueError):  # a callable Python cannot describe: judged by its result
        signature = None
    if signature is not None:
        try:
            signature.bind(None)
        except TypeError:
            raise RevcycleTypeError(
                f"{expected}, not {shown(tax)}: it cannot be called with one argument, the invoice."
            ) from None
    policy: TaxPolicy = tax
    return policy
