"""The bill run: every contract's lines due through a date that were not issued before, one
invoice per contract, tax once per invoice, credit balances carried from invoice to invoice
(docs/explanation/idempotent-keys.md).

Re-exported by :mod:`revcycle.billing`; import from there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Any, ClassVar, Final, final

import attrs

from revcycle._display import MAX_ROWS, Columns, TypedRows, amount_text, html_table, number_text
from revcycle._numbers import CTX, ONE, ZERO, fraction_to_decimal, plain
from revcycle._validate import require_day, require_sequence, trusted
from revcycle.billing._credits import Ledger, capped
from revcycle.billing._invoice import (
    LINE_COLUMNS,
    Invoice,
    InvoiceLine,
    LineKind,
    TaxPolicy,
    TaxRate,
    line_rows,
    require_tax,
)
from revcycle.billing._periods import Calendar, first_stretch, fraction_of, usage_window
from revcycle.billing._pieces import TRUE_UP, RecurringPrices, rounder
from revcycle.billing._usage import (
    UsageBook,
    check_window,
    discount_factor,
    rate_piece,
    usage_charge,
    usage_spans,
)
from revcycle.catalog import ChargeKind
from revcycle.contracts import BillingTiming, Contract, Subscription, TrueUp
from revcycle.dates import Period
from revcycle.errors import CurrencyMismatchError, RevcycleTypeError, ValidationError, shown
from revcycle.money import Currency, Money
from revcycle.usage import UsageEvent


_new_line: Final = trusted(
    InvoiceLine,
    "key",
    "kind",
    "contract_id",
    "subscription_id",
    "sku",
    "description",
    "period",
    "full_period",
    "quantity",
    "unit_price",
    "fraction",
    "precise_amount",
    "amount",
)
_new_invoice: Final = trusted(
    Invoice,
    "id",
    "account",
    "contract_id",
    "currency",
    "invoice_date",
    "lines",
    "subtotal",
    "tax",
    "credit_applied",
    "total",
    "credit_generated",
    "payment_schedule",
)

_RECURRING: Final = LineKind.RECURRING
_CREDIT: Final = LineKind.CREDIT
# Where each kind of line of one period sorts on its invoice: charges, then usage, then credits.
_ORDER: Final = {LineKind.RECURRING: 0, LineKind.ONE_TIME: 0, LineKind.USAGE: 1, LineKind.CREDIT: 2}


def _to_invoices(value: Iterable[Invoice]) -> tuple[Invoice, ...]:
    return require_sequence(value, "A bill run's invoices", kind=Invoice)


def _to_balances(value: Mapping[str, Money]) -> Mapping[str, Money]:
    if not isinstance(value, Mapping):
        raise RevcycleTypeError(
            f"Credit balances must map an account to Money, not {shown(value)}."
        )
    for account, money in value.items():
        if not isinstance(account, str) or not isinstance(money, Money):
            raise RevcycleTypeError(
                f"Credit balances must map an account (str) to Money, not "
                f"{shown(account)}: {shown(money)}."
            )
        if money.is_negative():
            raise ValidationError(f"The credit balance of {shown(account)} must not be negative.")
    return MappingProxyType(dict(value))


def _to_late(value: Iterable[UsageEvent]) -> tuple[UsageEvent, ...]:
    return require_sequence(value, "Late usage", kind=UsageEvent)


@final
@attrs.frozen(kw_only=True, repr=False)
class BillRun(TypedRows):
    """What one call of :func:`bill` produced: ``invoices`` (one per contract with a line, in
    order of contract id), the account ``credit_balances`` after the run (from the issued
    invoices and this run's), and ``late_usage``: events for periods already billed, listed
    and never rated silently. ``to_records()``, ``to_arrow()`` and ``to_pandas()`` have one row
    per line."""

    invoices: tuple[Invoice, ...] = attrs.field(default=(), converter=_to_invoices)
    credit_balances: Mapping[str, Money] = attrs.field(
        factory=dict, converter=_to_balances, hash=False
    )
    late_usage: tuple[UsageEvent, ...] = attrs.field(default=(), converter=_to_late)

    @property
    def lines(self) -> tuple[InvoiceLine, ...]:
        """Every line of every invoice, invoice by invoice."""
        return tuple(line for invoice in self.invoices for line in invoice.lines)

    def __repr__(self) -> str:
        return (
            f"<BillRun: {len(self.invoices)} invoices, {sum(len(i.lines) for i in self.invoices)}"
            f" lines, {len(self.late_usage)} late usage events>"
        )

    def explain(self) -> str:
        """The run for people: every invoice with its lines and totals, the credit balances
        after it and the late usage events."""
        if not self.invoices:
            parts = ["No invoice: nothing was due that had not been issued."]
        else:
            parts = [invoice.explain() for invoice in self.invoices]
        balances = [
            f"  {account}: {amount_text(money)}"
            for account, money in sorted(self.credit_balances.items())
        ]
        parts.append("\n".join(["Credit balances after the run:", *balances]))
        if self.late_usage:
            late = [
                f"  {e.id} {e.customer} {e.metric} at {e.at.isoformat()}: {plain(e.quantity)}"
                for e in self.late_usage
            ]
            parts.append(
                "\n".join(["Late usage (its periods were billed; not rated again):", *late])
            )
        return "\n\n".join(parts)

    _columns: ClassVar[Columns] = LINE_COLUMNS

    def _rows(self) -> list[dict[str, Any]]:
        return [row for invoice in self.invoices for row in line_rows(invoice)]

    def _repr_html_(self) -> str:
        rows = [
            [
                invoice.id,
                invoice.account,
                invoice.contract_id,
                invoice.invoice_date.isoformat(),
                invoice.due_date.isoformat(),
                len(invoice.lines),
                amount_text(invoice.subtotal),
                amount_text(invoice.tax),
                amount_text(invoice.credit_applied),
                amount_text(invoice.total),
                amount_text(invoice.credit_generated),
            ]
            for invoice in self.invoices
        ]
        footer = [
            (
                f"{len(self.invoices)} invoices · {len(self.late_usage)} late usage events · "
                f"{sum(1 for m in self.credit_balances.values() if not m.is_zero())} accounts "
                "with a credit balance"
            )
        ]
        return html_table(
            "Bill run",
            [
                "invoice",
                "account",
                "contract",
                "date",
                "due",
                "lines",
                "subtotal",
                "tax",
                "credit applied",
                "total",
                "credit generated",
            ],
            rows,
            right=[5, 6, 7, 8, 9, 10],
            footer=footer,
            max_rows=MAX_ROWS,
        )


# --------------------------------------------------------------------------------------------
# What was issued before


class _Issued:
    """The invoices issued before the run, read once: every line key, the invoices of each
    contract, and each account's credit balance and currency."""

    __slots__ = ("balances", "by_contract", "currencies", "keys")

    def __init__(self, invoices: tuple[Invoice, ...]) -> None:
        self.keys: set[str] = set()
        self.by_contract: dict[str, list[Invoice]] = {}
        self.balances: dict[str, Decimal] = {}
        self.currencies: dict[str, Currency] = {}
        ids: set[str] = set()
        for invoice in invoices:
            if invoice.id in ids:
                raise ValidationError(
                    f"issued holds invoice {shown(invoice.id)} twice; give each issued invoice "
                    "once."
                )
            ids.add(invoice.id)
            _same_currency(
                self.currencies, invoice.account, invoice.currency, f"invoice {shown(invoice.id)}"
            )
            self.keys.update(line.key for line in invoice.lines)
            self.by_contract.setdefault(invoice.contract_id, []).append(invoice)
            account = invoice.account
            self.balances[account] = CTX.subtract(
                CTX.add(self.balances.get(account, ZERO), invoice.credit_generated.amount),
                invoice.credit_applied.amount,
            )

    def lines(self, contract_id: str) -> Iterable[InvoiceLine]:
        """Every issued line of a contract."""
        for invoice in self.by_contract.get(contract_id, ()):
            yield from invoice.lines


def _same_currency(
    currencies: dict[str, Currency], account: str, currency: Currency, what: str
) -> None:
    known = currencies.setdefault(account, currency)
    if known != currency:
        raise CurrencyMismatchError(
            f"Account {shown(account)} is billed in {known.code}, but {what} is in "
            f"{currency.code}: "
            "one account, one currency."
        )


# --------------------------------------------------------------------------------------------
# One contract's lines


_Sorted = tuple[date, int, int, InvoiceLine]


class _ContractRun:
    """The lines one contract bills in one run."""

    __slots__ = (
        "account",
        "advance",
        "anchor",
        "book",
        "calendar",
        "contract",
        "currency",
        "issued",
        "keys",
        "late",
        "ledger",
        "lines",
        "negatives",
        "round_line",
        "settings",
        "step",
        "through",
    )

    def __init__(
        self,
        contract: Contract,
        through: date,
        issued: _Issued,
        book: UsageBook,
        calendar: Calendar,
    ) -> None:
        self.contract = contract
        self.account = contract.account
        self.currency = contract.currency
        self.settings = settings = contract.billing
        self.anchor = settings.anchor
        self.step = settings.frequency
        self.advance = settings.timing is BillingTiming.IN_ADVANCE
        self.through = through
        self.issued = issued
        self.keys = issued.keys
        self.book = book
        self.calendar = calendar
        rounding, currency = contract.rounding, contract.currency
        self.round_line = rounder(rounding, currency)
        self.lines: list[_Sorted] = []
        self.negatives: list[tuple[int, Subscription, Period, str, Period, Money, Decimal, Decimal]]
        self.negatives = []
        self.ledger: Ledger | None = None
        self.late: list[UsageEvent] = []

    def run(self) -> list[InvoiceLine]:
        contract = self.contract
        segments = contract.subscriptions
        if any(s.quantity < ZERO and s.charge_kind is ChargeKind.RECURRING for s in segments):
            self.ledger = Ledger()
            order = {segment.id: index for index, segment in enumerate(segments)}
            for line in self.issued.lines(contract.id):
                if line.kind is _RECURRING or line.kind is _CREDIT:
                    self.ledger.add(
                        line.sku,
                        line.period,
                        line.amount.amount,
                        issued=True,
                        order=order.get(line.subscription_id, -1),
                    )
        usage = False
        for index, segment in enumerate(segments):
            kind = segment.charge_kind
            if kind is ChargeKind.RECURRING:
                self._recurring(index, segment)
            elif kind is ChargeKind.ONE_TIME:
                self._one_time(index, segment)
            else:
                usage = True
        for pending in self.negatives:
            self._decrease(*pending)
        if usage:
            self._usage(segments)
        lines = self.lines
        lines.sort(key=lambda item: item[:3])
        return [item[3] for item in lines]

    def _recurring(self, index: int, segment: Subscription) -> None:
        contract, through, advance = self.contract, self.through, self.advance
        cid, sid = contract.id, segment.id
        prefix = f"{cid}:{sid}:recurring:"
        keys, append, ledger = self.keys, self.lines.append, self.ledger
        prices = RecurringPrices(segment, self.step, self.round_line)
        same = prices.same
        settings = self.settings
        policy = first_stretch(segment, settings, contract.start_date)
        method = settings.proration
        end = segment.period.end
        positive = segment.quantity >= ZERO
        true_up = positive and settings.true_up is TrueUp.LAST_PERIOD
        total = segment.total.amount
        currency = self.currency
        running = ZERO
        first = True
        quantity, sku, name = segment.quantity, segment.sku, segment.name
        assert self.anchor is not None
        for piece, text, full in self.calendar.cut(
            segment.period.start, end, self.anchor, self.step
        ):
            if (piece.start > through) if advance else (piece.end > through):
                break
            note = ""
            if piece is full:
                unit, precise, amount = same or prices.whole(full)
                fraction = ONE
            else:
                stub = policy if first and piece.start > full.start else None
                fraction, exact = fraction_of(piece, full, method, stub, self.calendar)
                unit, precise, amount = prices.part(full, exact)
                if stub is None:
                    note = f", prorated {exact.numerator}/{exact.denominator}"
                else:
                    true_up = False
                    note = ", first period free" if exact == 0 else ", first period in full"
            first = False
            if true_up and piece.end == end:
                amount = precise = Money._trusted(CTX.subtract(total, running), currency)
                note = (
                    f", {TRUE_UP}: {amount_text(segment.total)} less "
                    f"{amount_text(Money._trusted(running, currency))} billed before"
                )
            running = CTX.add(running, amount.amount)
            key = prefix + text
            if not positive:
                credit = f"{cid}:{sid}:credit:{text}"
                if key not in keys and credit not in keys:
                    self.negatives.append(
                        (index, segment, piece, text, full, unit, fraction, precise.amount)
                    )
                continue
            if key in keys:
                continue
            line = _new_line(
                key,
                _RECURRING,
                cid,
                sid,
                sku,
                name + note if note else name,
                piece,
                full,
                quantity,
                unit,
                fraction,
                precise,
                amount,
            )
            append((piece.start, index, 0, line))
            if ledger is not None:
                ledger.add(sku, piece, amount.amount, issued=False, order=index)

    def _decrease(
        self,
        index: int,
        segment: Subscription,
        piece: Period,
        text: str,
        full: Period,
        unit: Money,
        fraction: Decimal,
        precise: Decimal,
    ) -> None:
        """A negative piece: a negative recurring line over a span not issued, a credit over a
        span issued; either way capped at what was billed net for the SKU over the span."""
        ledger = self.ledger
        assert ledger is not None
        sku = segment.sku
        billed = ledger.net_over(sku, piece, index)
        exact, amount, was_capped = capped(precise, billed, self.round_line)
        kind = _CREDIT if ledger.issued_over(sku, piece, index) else _RECURRING
        note = "credit for" if kind is _CREDIT else "decrease of"
        description = f"{segment.name}, {note} {plain(-segment.quantity)}"
        if was_capped:
            description += (
                f", capped at what was billed net over the span ("
                f"{number_text(fraction_to_decimal(max(billed, Fraction(0))))})"
            )
        currency = self.currency
        line = _new_line(
            f"{self.contract.id}:{segment.id}:{kind.value}:{text}",
            kind,
            self.contract.id,
            segment.id,
            sku,
            description,
            piece,
            full,
            segment.quantity,
            unit,
            fraction,
            Money._trusted(exact, currency),
            Money._trusted(amount, currency),
        )
        self.lines.append((piece.start, index, _ORDER[kind], line))
        ledger.add(sku, piece, amount, issued=False, order=index)

    def _one_time(self, index: int, segment: Subscription) -> None:
        span = segment.period
        if span.start > self.through:
            return
        cid = self.contract.id
        _, text = self.calendar.period(span.start, span.end)
        key = f"{cid}:{segment.id}:one_time:{text}"
        if key in self.keys:
            return
        line = _new_line(
            key,
            LineKind.ONE_TIME,
            cid,
            segment.id,
            segment.sku,
            segment.name,
            span,
            span,
            segment.quantity,
            segment.net_unit_price,
            ONE,
            segment.net_unit_price * segment.quantity,
            segment.total,
        )
        self.lines.append((span.start, index, 0, line))

    def _usage(self, segments: tuple[Subscription, ...]) -> None:
        contract, through = self.contract, self.through
        cid, account, currency = contract.id, self.account, self.currency
        by_id = {segment.id: (index, segment) for index, segment in enumerate(segments)}
        for sid, spans in usage_spans(contract).items():
            index, segment = by_id[sid]
            window = usage_window(segment, self.settings)
            meter = segment.meter
            prefix = f"{cid}:{sid}:usage:"
            charge = None
            factor = ONE
            # The window's earlier pieces: quantity and amount, issued or billed in this run.
            windows: dict[Period, tuple[Decimal, Decimal]] = {}
            for start, end in spans:
                for piece, text, full, whole in self.calendar.cut_windows(
                    start, end, self.settings, contract.start_date, window
                ):
                    if piece.end > through:
                        break
                    key = prefix + text
                    if key in self.keys:
                        if meter is not None:
                            self.late.extend(self.book.between(account, meter.metric, piece))
                        continue
                    if charge is None:
                        charge = usage_charge(contract, segment)
                        factor = discount_factor(contract, segment)
                        if window is not None:
                            check_window(charge, segment)
                    events = self.book.between(account, charge.meter.metric, piece)
                    used, alone = rate_piece(charge, account, events, piece, full)
                    if window is None:
                        precise = CTX.multiply(alone, factor)
                        amount = self.round_line(precise)
                        note = f", {plain(used)} units"
                    else:
                        if whole not in windows:
                            windows[whole] = self._issued_in_window(sid, whole, piece)
                        before, billed = windows[whole]
                        cumulative = charge.price(CTX.add(before, used)).amount
                        earlier = charge.price(before).amount if before else ZERO
                        precise = CTX.multiply(CTX.subtract(cumulative, earlier), factor)
                        amount = CTX.subtract(
                            self.round_line(CTX.multiply(cumulative, factor)), billed
                        )
                        windows[whole] = (CTX.add(before, used), CTX.add(billed, amount))
                        note = (
                            f", {plain(used)} units ({plain(CTX.add(before, used))} in the "
                            f"window {whole.start.isoformat()} → {whole.last_day.isoformat()})"
                        )
                    fraction, _ = fraction_of(piece, full, self.settings.proration, None)
                    line = _new_line(
                        key,
                        LineKind.USAGE,
                        cid,
                        sid,
                        segment.sku,
                        segment.name + note,
                        piece,
                        full,
                        used,
                        Money._trusted(ZERO, currency),
                        fraction,
                        Money._trusted(precise, currency),
                        Money._trusted(amount, currency),
                    )
                    self.lines.append((piece.start, index, 1, line))

    def _issued_in_window(self, sid: str, window: Period, piece: Period) -> tuple[Decimal, Decimal]:
        """The quantity and amount of the window's pieces issued before ``piece``."""
        quantity = amount = ZERO
        for line in self.issued.lines(self.contract.id):
            if (
                line.kind is LineKind.USAGE
                and line.subscription_id == sid
                and window.start <= line.period.start
                and line.period.end <= piece.start
            ):
                quantity = CTX.add(quantity, line.quantity)
                amount = CTX.add(amount, line.amount.amount)
        return quantity, amount


# --------------------------------------------------------------------------------------------
# Invoices


def _invoice(
    contract: Contract,
    lines: list[InvoiceLine],
    invoice_date: date,
    tax: TaxPolicy | None,
    balance: Decimal,
) -> tuple[Invoice, Decimal]:
    """The contract's invoice of ``lines`` and the account's credit balance after it."""
    currency = contract.currency
    quantum = currency.quantum
    nothing = ZERO.quantize(quantum)
    subtotal = ZERO
    for line in lines:
        subtotal = CTX.add(subtotal, line.amount.amount)
    held = tuple(lines)

    def assemble(levied: Decimal, credit: Decimal) -> tuple[Invoice, Decimal, Decimal]:
        """The invoice with ``levied`` tax and at most ``credit`` of the balance applied; the
        credit it applied and the credit it generated."""
        before = CTX.add(subtotal, levied)
        applied = generated = ZERO
        if before < ZERO:
            generated, total = CTX.minus(before), ZERO
        else:
            applied = min(credit, before)
            total = CTX.subtract(before, applied)
        total_money = Money._trusted(total.quantize(quantum, context=CTX), currency)
        invoice = _new_invoice(
            f"INV-{held[0].key}",
            contract.account,
            contract.id,
            currency,
            invoice_date,
            held,
            Money._trusted(subtotal, currency),
            Money._trusted(levied or nothing, currency),
            Money._trusted(applied.quantize(quantum, context=CTX), currency),
            total_money,
            Money._trusted(generated.quantize(quantum, context=CTX), currency),
            contract.payment_terms.schedule(invoice_date, total_money),
        )
        return invoice, applied, generated

    levied = nothing
    if isinstance(tax, TaxRate):
        exact = ZERO
        for line in held:
            exact = CTX.add(exact, line.precise_amount.amount)
        levied = rounder(contract.rounding, currency)(CTX.multiply(exact, tax.percent.ratio))
    elif tax is not None:
        levy = tax(assemble(nothing, ZERO)[0])  # the invoice before tax and credit
        if not isinstance(levy, Money) or levy.currency != currency:
            raise RevcycleTypeError(
                f"A tax policy must return Money in {currency.code}, not {shown(levy)}."
            )
        levied = rounder(contract.rounding, currency)(levy.amount)
    invoice, applied, generated = assemble(levied, balance)
    return invoice, CTX.add(CTX.subtract(balance, applied), generated)


def bill(
    contracts: Iterable[Contract],
    *,
    through: date,
    issued: Iterable[Invoice] = (),
    usage: Iterable[UsageEvent] = (),
    invoice_date: date | None = None,
    tax: TaxRate | TaxPolicy | None = None,
) -> BillRun:
    """Bill every line of ``contracts`` due through ``through`` whose key was not issued.

    An in-advance piece is due once ``piece.start <= through``; an in-arrears or usage piece
    once ``piece.end <= through`` (its exclusive end: April in arrears bills on a run through
    May 1); a one-time charge once its segment starts. Lines whose key is in ``issued`` are not
    billed again, so ``bill(..., issued=run.invoices)`` over the same range bills nothing.
    ``usage`` events belong to a contract when ``customer`` is its account and ``metric`` its
    meter's. ``invoice_date`` defaults to ``through``; ``tax`` is a :class:`TaxRate` or any
    callable ``(Invoice) -> Money``, applied to the unrounded line amounts and rounded once per
    invoice. One invoice per contract with a line; each account's credit balance (from
    ``issued`` and the run, no hidden state) is applied to its next invoices in order of
    contract id.

    Refused, billing nothing: the same contract id twice, an invoice issued twice, an account
    in two currencies (an issued invoice in another currency), a float anywhere.
    """
    given = require_sequence(contracts, "bill() contracts", of="Contract", kind=Contract)
    require_day(through, "bill() through")
    day = through if invoice_date is None else require_day(invoice_date, "bill() invoice_date")
    policy = require_tax(tax)
    previous = _Issued(require_sequence(issued, "bill() issued", of="Invoice", kind=Invoice))
    book = UsageBook(usage)
    seen: set[str] = set()
    for contract in given:
        if contract.id in seen:
            raise ValidationError(
                f"bill() got contract {shown(contract.id)} twice; bill each contract once per run "
                "(its latest version holds every segment)."
            )
        seen.add(contract.id)
        _same_currency(
            previous.currencies,
            contract.account,
            contract.currency,
            f"contract {shown(contract.id)}",
        )
    calendar = Calendar()
    balances = dict(previous.balances)
    invoices: list[Invoice] = []
    late: list[UsageEvent] = []
    for contract in sorted(given, key=lambda c: c.id):
        work = _ContractRun(contract, through, previous, book, calendar)
        lines = work.run()
        late.extend(work.late)
        if lines:
            account = contract.account
            invoice, balances[account] = _invoice(
                contract, lines, day, policy, balances.get(account, ZERO)
            )
            invoices.append(invoice)
    credit_balances = {
        account: Money._trusted(
            balances.get(account, ZERO).quantize(currency.quantum, context=CTX), currency
        )
        for account, currency in sorted(previous.currencies.items())
    }
    return _new_run(tuple(invoices), MappingProxyType(credit_balances), tuple(late))


_new_run: Final = trusted(BillRun, "invoices", "credit_balances", "late_usage")
