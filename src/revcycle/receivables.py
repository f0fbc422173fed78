"""Receivables aging: how old is what is still open?

Conventions (docs/reference/receivables.md):

* An :class:`OpenItem` is an amount still open on an invoice (or on one installment of it),
  with the date it fell or falls due.
* Its age is the number of calendar days past due as of a date: ``as_of − due_date``.
* Buckets: ``current`` (not yet due, **including due today**, as Odoo's "At Date" column),
  then one bucket per edge — ``1-30``, ``31-60``, ``61-90``, ``91-120`` — and ``120+`` for
  anything older. The edges are a parameter; each bucket's upper bound is inclusive.
* Totals are per account and overall, per currency; the buckets of a row always add up to its
  total exactly (sums are exact, nothing is rounded).

>>> from datetime import date
>>> from revcycle.money import Money
>>> items = [OpenItem("INV-1", "ACME", date(2024, 3, 31), Money("100.00", "USD")),
...          OpenItem("INV-2", "ACME", date(2024, 2, 15), Money("250.00", "USD")),
...          OpenItem("INV-3", "Globex", date(2023, 11, 1), Money("75.50", "USD"))]
>>> report = aging(items, as_of=date(2024, 3, 31))
>>> [(b.label, str(b.total)) for b in report.buckets]
[('current', '100.00 USD'), ('1-30', '0.00 USD'), ('31-60', '250.00 USD'),
 ('61-90', '0.00 USD'), ('91-120', '0.00 USD'), ('120+', '75.50 USD')]
>>> report.by_account["ACME"].total
Money('350.00', 'USD')
"""

from __future__ import annotations

import bisect
import decimal
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any, ClassVar, Final, final

import attrs

from revcycle._display import ColumnKind, Columns, TypedRows, html_table
from revcycle._numbers import CTX, ZERO, plain
from revcycle._validate import (
    check_annotated,
    check_arguments,
    check_day,
    check_text,
    check_type,
    is_day,
    require_day,
    require_sequence,
    trusted,
)
from revcycle.dates import DayCount
from revcycle.errors import CurrencyMismatchError, RevcycleTypeError, ValidationError, shown
from revcycle.interest import DatedRate, LateCharge, RatePeriod, describe_rate, late_interest
from revcycle.money import Currency, Money, Percent, Rounding
from revcycle.terms import Payment, PaymentSchedule


__all__ = [
    "DEFAULT_EDGES",
    "AgingBucket",
    "AgingReport",
    "AgingRow",
    "InstallmentInterest",
    "OpenItem",
    "ScheduleInterest",
    "aging",
    "bucket_labels",
    "open_items",
    "schedule_interest",
]

DEFAULT_EDGES: Final = (30, 60, 90, 120)
"""The default bucket edges in days past due: 1-30, 31-60, 61-90, 91-120, 120+."""


# Ids may be empty strings, and the date check is by type name, as they always were here.
_ITEM: Final = "An open item's {field}"
_check_str: Final = check_text(_ITEM, allow_empty=True)
_check_day: Final = check_day(_ITEM)
_check_money: Final = check_type(Money, "Money", _ITEM)


@final
@attrs.frozen
class OpenItem:
    """An amount still open on an invoice or installment, with its due date.

    The amount may be negative (an unapplied credit); it ages like any other item.
    """

    id: str = attrs.field(validator=_check_str)
    account: str = attrs.field(validator=_check_str)
    due_date: date = attrs.field(validator=_check_day)
    amount: Money = attrs.field(validator=_check_money)


@check_arguments
def open_items(schedule: PaymentSchedule, invoice_id: str, account: str) -> tuple[OpenItem, ...]:
    """The open installments of a payment schedule as open items (each ages on its own due
    date, as NetSuite and ERPNext age installments). Ids are ``invoice_id`` for a single
    installment and ``invoice_id/number`` otherwise; settled installments are left out.

    >>> from datetime import date
    >>> from revcycle.money import Money
    >>> from revcycle.terms import PaymentTerms
    >>> s = PaymentTerms.parse("50% now, 50% Net 30").schedule(date(2024, 1, 31),
    ...                                                        Money("100.00", "USD"))
    >>> [(i.id, i.due_date.isoformat()) for i in open_items(s, "INV-7", "ACME")]
    [('INV-7/1', '2024-01-31'), ('INV-7/2', '2024-03-01')]
    """
    single = len(schedule.installments) == 1
    return tuple(
        OpenItem(
            invoice_id if single else f"{invoice_id}/{i.number}",
            account,
            i.due_date,
            i.open_amount,
        )
        for i in schedule.installments
        if not i.open_amount.is_zero()
    )


@final
@attrs.frozen(field_transformer=check_annotated)
class AgingBucket:
    """One aging bucket: its label (``current``, ``1-30`` ... ``120+``) and its total."""

    label: str
    total: Money


@final
@attrs.frozen(kw_only=True, field_transformer=check_annotated)
class AgingRow:
    """The buckets of one account in one currency; ``account`` is ``None`` on the overall row
    of a currency."""

    account: str | None
    currency: Currency
    buckets: tuple[AgingBucket, ...]
    total: Money

    def __attrs_post_init__(self) -> None:
        # What aging() builds: ``current`` first and at least one bucket past due, every total
        # in the row's currency, and the row's total their sum (read from JSON, a row must be
        # one aging() could have built).
        who = f"The aging row of {shown(self.account)} in {self.currency.code}"
        if len(self.buckets) < 2 or self.buckets[0].label != "current":
            raise ValidationError(
                f"{who} needs the bucket 'current' first and at least one bucket past due; "
                f"got {shown([b.label for b in self.buckets])}."
            )
        if any(b.total.currency != self.currency for b in self.buckets) or (
            self.total.currency != self.currency
        ):
            raise CurrencyMismatchError(f"{who} holds an amount in another currency.")
        added = sum((b.total.amount for b in self.buckets), Decimal(0))
        if added != self.total.amount:
            raise ValidationError(
                f"{who} has the total {self.total}, but its buckets add up to {added}."
            )

    @check_arguments
    def bucket(self, label: str) -> Money:
        """The total of the bucket labelled ``label``."""
        for b in self.buckets:
            if b.label == label:
                return b.total
        labels = ", ".join(repr(b.label) for b in self.buckets)
        raise ValidationError(f"No aging bucket labelled {shown(label)}; expected one of {labels}.")

    @property
    def overdue(self) -> Money:
        """Everything past due (every bucket but ``current``)."""
        return self.total - self.buckets[0].total


# Rows and buckets of the sums aging() has just added up (no validators to re-run).
_new_bucket: Final = trusted(AgingBucket, "label", "total")
_new_row: Final = trusted(AgingRow, "account", "currency", "buckets", "total")


def bucket_labels(edges: Sequence[int] = DEFAULT_EDGES) -> tuple[str, ...]:
    """The bucket labels for ``edges``: ``current``, ``1-30`` ... ``91-120``, ``120+``.

    >>> bucket_labels((15, 45))
    ('current', '1-15', '16-45', '45+')
    """
    edges = _check_edges(edges)
    labels = ["current"]
    low = 1
    for edge in edges:
        labels.append(f"{low}-{edge}")
        low = edge + 1
    labels.append(f"{edges[-1]}+")
    return tuple(labels)


def _check_edges(edges: Sequence[int]) -> tuple[int, ...]:
    if isinstance(edges, str | bytes) or not isinstance(edges, Sequence):
        raise RevcycleTypeError(f"Aging edges must be a sequence of ints, not {shown(edges)}.")
    result = require_sequence(edges, "Aging edges", of="ints")
    if not result:
        raise ValidationError("Aging needs at least one bucket edge, such as (30, 60, 90, 120).")
    previous = 0
    for edge in result:
        if isinstance(edge, bool) or not isinstance(edge, int):
            raise RevcycleTypeError(f"Aging edges must be whole days (ints), not {shown(edge)}.")
        if edge <= previous:
            raise ValidationError(
                f"Aging edges must be positive and strictly increasing; got {shown(list(result))}."
            )
        previous = edge
    return result


def _single(report: AgingReport, what: str) -> AgingRow:
    if len(report.totals) == 1:
        return report.totals[0]
    if not report.totals:
        raise ValidationError(
            f"This aging report is empty and has no currency, so it has no {what}; pass "
            "currency=... to aging() to get zero buckets."
        )
    codes = ", ".join(row.currency.code for row in report.totals)
    raise CurrencyMismatchError(
        f"This aging report holds several currencies ({codes}), so it has no single {what}; "
        "use .for_currency(code) or .totals."
    )


@final
@attrs.frozen(kw_only=True, field_transformer=check_annotated)
class AgingReport(TypedRows):
    """Open items bucketed by days past due as of a date.

    ``rows`` has one :class:`AgingRow` per account and currency (sorted by account, then
    currency code); ``totals`` one per currency (``account=None``). For a report in one
    currency, ``buckets``, ``total`` and ``by_account`` give the everyday views.
    """

    as_of: date
    edges: tuple[int, ...]
    rows: tuple[AgingRow, ...]
    totals: tuple[AgingRow, ...]

    def __attrs_post_init__(self) -> None:
        # Every row holds the buckets of the report's edges, in order (a report read from JSON
        # with other labels would give tables whose columns are not the report's).
        labels = bucket_labels(self.edges)
        for row in (*self.rows, *self.totals):
            held = tuple(bucket.label for bucket in row.buckets)
            if held != labels:
                raise ValidationError(
                    f"An aging report with the edges {shown(list(self.edges))} holds the "
                    f"buckets {shown(list(labels))} in every row; the row of "
                    f"{shown(row.account)} in {row.currency.code} holds {shown(list(held))}."
                )

    @property
    def labels(self) -> tuple[str, ...]:
        """The bucket labels, in order."""
        return bucket_labels(self.edges)

    @property
    def currencies(self) -> tuple[Currency, ...]:
        """The currencies in the report, by code."""
        return tuple(row.currency for row in self.totals)

    @property
    def buckets(self) -> tuple[AgingBucket, ...]:
        """Every bucket in order, zero where empty (a one-currency report)."""
        return _single(self, "buckets").buckets

    @property
    def total(self) -> Money:
        """Everything open (a one-currency report)."""
        return _single(self, "total").total

    @property
    def by_account(self) -> Mapping[str, AgingRow]:
        """Each account's row (a one-currency report), read-only."""
        _single(self, "rows by account")
        return MappingProxyType({row.account: row for row in self.rows if row.account is not None})

    def for_currency(self, currency: Currency | str) -> AgingReport:
        """The part of the report in one currency."""
        code = Currency.of(currency)
        return attrs.evolve(
            self,
            rows=tuple(r for r in self.rows if r.currency == code),
            totals=tuple(r for r in self.totals if r.currency == code),
        )

    _columns: ClassVar[Columns] = {}

    def _table_columns(self) -> Columns:
        return {
            "account": ColumnKind.TEXT,
            "currency": ColumnKind.CHOICE,
            **dict.fromkeys(self.labels, ColumnKind.AMOUNT),
            "total": ColumnKind.AMOUNT,
        }

    def _rows(self) -> list[dict[str, Any]]:
        """One row per account and currency, each bucket's total under its label. The
        per-currency totals are not rows (a sum of the column would count them twice): the
        frame's sums by currency are :attr:`totals`."""
        return [
            {
                "account": row.account,
                "currency": row.currency.code,
                **{b.label: b.total.amount for b in row.buckets},
                "total": row.total.amount,
            }
            for row in self.rows
        ]

    def table(self) -> tuple[list[str], list[list[str]]]:
        """Headers and rows of text for people: accounts, then each currency's total (the
        currency column is left out when the report has one currency)."""
        several = len(self.totals) > 1
        headers = ["account", *(["currency"] if several else []), *self.labels, "total"]
        rows = [
            [
                "(all)" if row.account is None else row.account,
                *([row.currency.code] if several else []),
                *(plain(b.total.amount) for b in row.buckets),
                plain(row.total.amount),
            ]
            for row in (*self.rows, *self.totals)
        ]
        return headers, rows

    def _repr_html_(self) -> str:
        headers, rows = self.table()
        codes = ", ".join(c.code for c in self.currencies)
        return html_table(
            f"Aging as of {self.as_of.isoformat()} ({codes})",
            headers,
            rows,
            right=list(range(len(headers) - len(self.labels) - 1, len(headers))),
        )


_TABLE_DAYS: Final = 3660


def _zero(currency: Currency) -> Decimal:
    # Zero with the currency's places, so an empty bucket reads "0.00 USD".
    return CTX.multiply(currency.quantum, ZERO)


def aging(
    items: Iterable[OpenItem],
    as_of: date,
    edges: Sequence[int] = DEFAULT_EDGES,
    currency: Currency | str | None = None,
) -> AgingReport:
    """Bucket open items by days past due as of ``as_of``.

    An item due on or after ``as_of`` is ``current``; one ``d`` days past due goes in the
    first bucket whose edge is at least ``d``, or the last (``120+``) when ``d`` is beyond
    every edge. ``currency``, when given, requires every item in it and gives a report with
    zero buckets even when there are no items. Item ids must be unique.
    """
    if not is_day(as_of):
        raise RevcycleTypeError(f"aging() needs as_of as a datetime.date, not {shown(as_of)}.")
    if not isinstance(items, Iterable):
        raise RevcycleTypeError(
            f"aging() needs an iterable of OpenItem values, not {shown(items)}."
        )
    edges = _check_edges(edges)
    labels = bucket_labels(edges)
    only = None if currency is None else Currency.of(currency)
    size = len(labels)
    last = edges[-1]
    oldest = size - 1
    # Days past due -> bucket index, looked up instead of searched for every item (up to ten
    # years; larger edges are searched).
    limit = min(last, _TABLE_DAYS)
    table = [0] + [bisect.bisect_left(edges, d) + 1 for d in range(1, limit + 1)]
    today = as_of.toordinal()

    # The hot loop of a million items: each account's first currency has its row in `first`
    # (a str key, whose hash Python caches); an account with a second currency keeps that
    # row in `other`, keyed by (account, currency code). A row's last slot holds its currency.
    first: dict[str, list[Any]] = {}
    other: dict[tuple[str, str], list[Any]] = {}
    ids: set[str] = set()
    add_id = ids.add
    count = 0

    def new_row(item: OpenItem, cur: Currency) -> list[Any]:
        if only is not None and cur != only:
            raise CurrencyMismatchError(
                f"Open item {shown(item.id)} is in {cur.code}, not {only.code}."
            )
        return [*([_zero(cur)] * size), cur]

    with decimal.localcontext(CTX):
        for item in items:
            if type(item) is not OpenItem:
                raise RevcycleTypeError(f"aging() takes OpenItem values, not {shown(item)}.")
            money = item.amount
            cur = money.currency
            account = item.account
            row = first.get(account)
            if row is None:
                row = first[account] = new_row(item, cur)
            elif row[size] is not cur and row[size] != cur:
                key = (account, cur.code)
                row = other.get(key)
                if row is None:
                    row = other[key] = new_row(item, cur)
            days = today - item.due_date.toordinal()
            if days <= 0:
                row[0] += money.amount
            elif days <= limit:
                row[table[days]] += money.amount
            elif days <= last:
                row[bisect.bisect_left(edges, days) + 1] += money.amount
            else:
                row[oldest] += money.amount
            add_id(item.id)
            count += 1
    if len(ids) != count:
        raise ValidationError(
            f"Open item ids must be unique; {count - len(ids)} items repeat an id already given."
        )

    def make_row(account: str | None, cur: Currency, amounts: Sequence[Decimal]) -> AgingRow:
        # One row per account: built from the sums above without re-checking them.
        buckets = tuple(
            _new_bucket(label, Money._trusted(amount, cur))
            for label, amount in zip(labels, amounts, strict=True)
        )
        whole = _zero(cur)
        for amount in amounts:
            whole = CTX.add(whole, amount)
        return _new_row(account, cur, buckets, Money._trusted(whole, cur))

    found = list(first.items())
    found.extend((account, row) for (account, _), row in other.items())
    found.sort(key=lambda pair: (pair[0], pair[1][size].code))
    rows = tuple(make_row(account, row[size], row[:size]) for account, row in found)
    per_currency: dict[Currency, list[Decimal]] = {}
    if only is not None:
        per_currency[only] = [_zero(only)] * size
    for _, row in found:
        cur = row[size]
        acc = per_currency.setdefault(cur, [_zero(cur)] * size)
        for k in range(size):
            acc[k] = CTX.add(acc[k], row[k])
    totals = tuple(
        make_row(None, cur, per_currency[cur]) for cur in sorted(per_currency, key=lambda c: c.code)
    )
    return AgingReport(as_of=as_of, edges=edges, rows=rows, totals=totals)


# --------------------------------------------------------------------------------------------
# Late interest on a partly paid schedule


@final
@attrs.frozen(kw_only=True, field_transformer=check_annotated)
class InstallmentInterest:
    """The late interest of one installment: one :class:`~revcycle.interest.LateCharge` per
    stretch of late days at one open amount (each stretch ends on a payment date, the last
    on the as-of date), and the interest of them all, rounded once."""

    number: int
    due_date: date
    amount: Money
    charges: tuple[LateCharge, ...]
    interest: Money

    @property
    def days(self) -> int:
        """Late days under the day count, over every stretch."""
        return sum(charge.days for charge in self.charges)


# One row per installment, for to_records(), to_arrow() and to_pandas().
_INTEREST_COLUMNS: Final = {
    "number": ColumnKind.INTEGER,
    "due_date": ColumnKind.DATE,
    "amount": ColumnKind.AMOUNT,
    "currency": ColumnKind.CHOICE,
    "days": ColumnKind.INTEGER,
    "interest": ColumnKind.AMOUNT,
}


@final
@attrs.frozen(kw_only=True, field_transformer=check_annotated)
class ScheduleInterest(TypedRows):
    """Late interest on a payment schedule as of a date, installment by installment:
    ``interest`` is the sum of the installments' interests, each rounded once."""

    invoice_date: date
    as_of: date
    rate: Percent | None
    per: RatePeriod
    day_count: DayCount
    installments: tuple[InstallmentInterest, ...]
    interest: Money

    def _repr_html_(self) -> str:
        rows = [
            [item.number, item.due_date.isoformat(), item.amount, item.days, item.interest]
            for item in self.installments
        ]
        return html_table(
            f"Late interest as of {self.as_of.isoformat()}",
            ["#", "due", "amount", "days late", "interest"],
            rows,
            right=[2, 3, 4],
            footer=[f"Total interest (each installment rounded once): {self.interest}"],
        )

    def explain(self) -> str:
        """How the interest was computed, for people: the rate and its period, then each
        installment's stretches of open amount and its interest rounded once."""
        head = f"Late interest on the invoice of {self.invoice_date.isoformat()}"
        lines = [
            f"{head}, as of {self.as_of.isoformat()}:",
            f"  {describe_rate(self.rate, self.per, self.day_count)}",
        ]
        for item in self.installments:
            head = f"  installment {item.number}, due {item.due_date.isoformat()}, {item.amount}"
            if not item.charges:
                lines.append(f"{head}: nothing late")
                continue
            lines.append(f"{head}:")
            for charge in item.charges:
                lines.extend(f"    on {charge.amount} open: {p.describe()}" for p in charge.pieces)
            lines.append(f"    interest (rounded once): {item.interest}")
        lines.append(f"  total interest: {self.interest}")
        return "\n".join(lines)

    _columns: ClassVar[Columns] = _INTEREST_COLUMNS

    def _rows(self) -> list[dict[str, Any]]:
        """One row per installment: number, due date, amount, late days, interest."""
        return [
            {
                "number": item.number,
                "due_date": item.due_date,
                "amount": item.amount.amount,
                "currency": item.amount.currency.code,
                "days": item.days,
                "interest": item.interest.amount,
            }
            for item in self.installments
        ]


def _issued(schedule: PaymentSchedule) -> PaymentSchedule:
    """``schedule`` as issued: every installment open in full, no payment, no credit."""
    zero = schedule.total - schedule.total
    return attrs.evolve(
        schedule,
        installments=tuple(
            attrs.evolve(i, paid=zero, discount_taken=zero, open_amount=i.amount)
            for i in schedule.installments
        ),
        credit=zero,
        payments=(),
    )


def _open_amounts(
    schedule: PaymentSchedule, payments: Sequence[Payment]
) -> list[tuple[date, tuple[Money, ...]]]:
    """Each payment date with every installment's open amount after it: the schedule's own
    payments replayed from the issued schedule (which must give the schedule back), then
    ``payments``, all in date order."""
    history = (*schedule.payments, *payments)
    state = _issued(schedule)
    if not schedule.payments and state != schedule:
        raise ValidationError(
            "The schedule shows amounts paid but records no payments; pass the schedule as "
            "issued with the payments, so that what was open when is known."
        )
    changes: list[tuple[date, tuple[Money, ...]]] = []
    for k, payment in enumerate(history):
        if not isinstance(payment, Payment):
            raise RevcycleTypeError(
                f"schedule_interest() takes payments as Payment(paid_on, amount), not "
                f"{shown(payment)}."
            )
        if k and payment.paid_on < history[k - 1].paid_on:
            raise ValidationError(
                f"Payments must come in date order: {payment.paid_on.isoformat()} follows "
                f"{history[k - 1].paid_on.isoformat()}."
            )
        state = state.apply_payment(payment.paid_on, payment.amount)
        if k == len(schedule.payments) - 1 and state != schedule:
            raise ValidationError(
                "The schedule's installments do not follow from its payments; pass the "
                "schedule as issued with the payments."
            )
        changes.append((payment.paid_on, tuple(i.open_amount for i in state.installments)))
    return changes


@check_arguments
def schedule_interest(
    schedule: PaymentSchedule,
    payments: Iterable[Payment] = (),
    *,
    as_of: date,
    rate: Percent | Decimal | int | str | Sequence[DatedRate] | None = None,
    per: RatePeriod | str = RatePeriod.YEAR,
    day_count: DayCount | str = DayCount.ACT_365,
    rounding: Rounding | None = None,
) -> ScheduleInterest:
    """Late interest on a partly paid schedule as of ``as_of``, installment by installment.

    The schedule's own payments, then ``payments`` (each a :class:`~revcycle.terms.Payment`,
    in date order), are applied as :meth:`PaymentSchedule.apply_payment` applies them. Each
    installment earns :func:`~revcycle.interest.late_interest` on its open amount from its due
    date to each payment date that changes it, and on what stays open up to ``as_of``; its
    stretches are summed exactly and rounded once per installment. ``rate`` and ``per`` are
    those of ``late_interest`` (a rate a year unless ``per`` says otherwise).

    >>> from datetime import date
    >>> from revcycle.interest import RatePeriod
    >>> from revcycle.money import Money, Percent
    >>> from revcycle.terms import Payment, PaymentTerms
    >>> s = PaymentTerms.parse("Net 30").schedule(date(2024, 1, 1), Money("1000.00", "USD"))
    >>> late = schedule_interest(s, [Payment(date(2024, 3, 1), Money("600.00", "USD"))],
    ...                          as_of=date(2024, 3, 31), rate=Percent("1.5"),
    ...                          per=RatePeriod.MONTH)
    >>> late.interest  # 1000 for 30 days, then 400 for 30 days, at 18 % a year
    Money('20.71', 'USD')
    """
    require_day(as_of, "An as-of date")
    given: object = payments
    if isinstance(given, str | bytes) or not isinstance(given, Iterable):
        raise RevcycleTypeError(
            f"schedule_interest() needs payments as a list, not {shown(given)}."
        )
    changes = _open_amounts(schedule, require_sequence(payments, "schedule_interest() payments"))
    items: list[InstallmentInterest] = []
    charge: LateCharge | None = None
    for k, item in enumerate(schedule.installments):
        due, open_amount, since = item.due_date, item.amount, item.due_date
        charges: list[LateCharge] = []
        for day, opens in [*changes, (as_of, ())]:
            day = min(day, as_of)
            start = max(due, since)
            # Always priced, even when nothing is late: the rate is checked either way.
            charge = late_interest(
                open_amount, start, max(day, start), rate, day_count, None, rounding, per=per
            )
            if charge.days:
                charges.append(charge)
            if not opens or day >= as_of:
                break
            open_amount, since = opens[k], day
        exact = ZERO
        for each in charges:
            for piece in each.pieces:
                exact = CTX.add(exact, piece.interest.amount)
        items.append(
            InstallmentInterest(
                number=item.number,
                due_date=due,
                amount=item.amount,
                charges=tuple(charges),
                interest=Money(exact, item.amount.currency).round(rounding),
            )
        )
    assert charge is not None  # a schedule has at least one installment
    total = items[0].interest
    for each_item in items[1:]:
        total += each_item.interest
    return ScheduleInterest(
        invoice_date=schedule.invoice_date,
        as_of=as_of,
        rate=charge.rate,
        per=charge.per,
        day_count=charge.day_count,
        installments=tuple(items),
        interest=total,
    )
