"""Co-termed amendments: price an :class:`Amendment`'s deltas and yield the next contract version.

An amendment takes effect on a day inside the contract and runs to the contract's end, so every
line it adds or changes **co-terminates** (docs/reference/amendments.md):

* a change of quantity (:class:`ChangeQuantity`, :class:`Cancel`) prices the *delta* (+5 or
  −1) at the line's locked net unit price per pricing term × the term multiplier of
  ``[effective date, contract end]`` under the contract's proration method, rounded once at the
  line; a decrease gives contract value back (a negative amount). The line keeps its
  discounts whatever the new quantity;
* a new product (:class:`AddProduct`) is priced through the quote engine itself —
  :func:`~revcycle.quotes.price_quote` on a one-line quote from the effective date to the
  contract end, with the contract's price book, contracted prices, channel discounts and
  waterfall order; its discount schedule sees the new quantity alone;
* one-time products bill in full, unprorated, and their quantity cannot change; usage products
  carry no amount (usage is billed as it is used).

The contract is never edited: :func:`amend` returns a :class:`PricedAmendment` whose
``contract`` is the next version, holding one delta segment per line.

How it differs: Salesforce CPQ co-terminates the same way but back-solves an amended line's
price from its prorated total, so an amount discount comes back un-prorated (cpq.md §4); here
the locked price is the exact price per pricing term. Stripe prorates a change over the
current billing period only; here the whole remaining term is priced, as a co-termed contract
is sold.

>>> from datetime import date
>>> from revcycle import samples
>>> from revcycle.catalog import Catalog
>>> from revcycle.quotes import Quote, price_quote
>>> from revcycle.serialization import loads
>>> catalog = loads(samples.read_text("catalog.json"), Catalog)
>>> quote = loads(samples.read_text("seed_deal.json"), Quote)
>>> contract = Contract.from_quote(price_quote(quote, catalog), id="C-1")
>>> upsell = amend(contract, Amendment(date(2026, 3, 1), [ChangeQuantity("PLATFORM-SEAT",
...                                                                      quantity=105)]), catalog)
>>> upsell.total, upsell.tcv_before, upsell.tcv_after
(Money('9900.00', 'USD'), Money('324000.00', 'USD'), Money('333900.00', 'USD'))
>>> upsell.contract.quantity("PLATFORM-SEAT", on=date(2026, 3, 1))
Decimal('105')
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, Final, final

import attrs

from revcycle._display import (
    MAX_ROWS,
    ColumnKind,
    Columns,
    TypedRows,
    amount_text,
    html_table,
)
from revcycle._numbers import CTX, ONE, ZERO, fraction_to_decimal, plain
from revcycle._validate import check_arguments, check_type
from revcycle.catalog import Catalog, ChargeKind
from revcycle.contracts import (
    AddProduct,
    Amendment,
    AmendmentLine,
    AnyChange,
    Cancel,
    ChangeQuantity,
    Contract,
    Subscription,
    check_effective_date,
)
from revcycle.dates import Period
from revcycle.errors import UnknownCodeError, ValidationError, shown
from revcycle.money import Money
from revcycle.proration import term_multiplier_detail
from revcycle.quotes import QuoteLine, price_quote


__all__ = [
    "AddProduct",
    "Amendment",
    "AmendmentLine",
    "AnyChange",
    "Cancel",
    "ChangeQuantity",
    "PricedAmendment",
    "amend",
]


def _check_amended(_: object, __: object, value: Contract) -> None:
    if value.amendment is None:
        raise ValidationError(
            f"A priced amendment holds the version an amendment made; contract {value.id} "
            f"version {value.version} was made by a quote."
        )


# One row per line, for to_records(), to_arrow() and to_pandas().
_COLUMNS: Final = {
    "contract_id": ColumnKind.TEXT,
    "version": ColumnKind.INTEGER,
    "effective_date": ColumnKind.DATE,
    "subscription_id": ColumnKind.TEXT,
    "amends": ColumnKind.TEXT,
    "sku": ColumnKind.CHOICE,
    "prior_quantity": ColumnKind.QUANTITY,
    "quantity": ColumnKind.QUANTITY,
    "delta": ColumnKind.QUANTITY,
    "start_date": ColumnKind.DATE,
    "end_date": ColumnKind.DATE,
    "net_unit_price": ColumnKind.PRECISE,
    "term_multiplier": ColumnKind.PRECISE,
    "precise_amount": ColumnKind.PRECISE,
    "amount": ColumnKind.AMOUNT,
    "currency": ColumnKind.CHOICE,
}


@final
@attrs.frozen
class PricedAmendment(TypedRows):
    """A priced amendment: the next contract version and the lines that made it.

    ``contract`` is the new version (its ``previous`` the version amended); :attr:`lines` are
    its amendment lines, :attr:`total` the sum of their rounded amounts, and
    :attr:`tcv_after` equals ``tcv_before + total`` to the cent. ``to_records()``,
    ``to_arrow()`` and ``to_pandas()`` have one row per line.
    """

    contract: Contract = attrs.field(
        validator=[
            check_type(Contract, "a Contract", "A priced amendment's contract"),
            _check_amended,
        ]
    )

    @property
    def amendment(self) -> Amendment:
        """The request that was priced."""
        assert self.contract.amendment is not None
        return self.contract.amendment

    @property
    def lines(self) -> tuple[AmendmentLine, ...]:
        """One line per segment the amendment adds (a change whose delta is zero has none)."""
        return self.contract.amendment_lines

    @property
    def total(self) -> Money:
        """The sum of the lines' rounded amounts (negative when value is given back)."""
        total = ZERO.quantize(self.contract.currency.quantum)
        for line in self.lines:
            total = CTX.add(total, line.amount.amount)
        return Money._trusted(total, self.contract.currency)

    @property
    def tcv_before(self) -> Money:
        """The TCV of the version amended."""
        assert self.contract.previous is not None
        return self.contract.previous.tcv

    @property
    def tcv_after(self) -> Money:
        """The TCV of the new version: ``tcv_before + total``."""
        return self.contract.tcv

    def explain(self) -> str:
        """The amendment for people: each line with its locked price, co-term span, term
        multiplier and amount, then the totals."""
        contract = self.contract
        amendment = self.amendment
        name = f" {amendment.id}" if amendment.id else ""
        head = (
            f"Amendment{name} of contract {contract.id}, effective "
            f"{amendment.effective_date.isoformat()} → {contract.end_date.isoformat()} "
            f"(co-termed), makes version {contract.version}:"
        )
        body = [line.explain() for line in self.lines] or ["No quantity changes: nothing to price."]
        totals = "\n".join(
            [
                f"Total {amount_text(self.total)} (sum of the rounded line amounts)",
                f"TCV {amount_text(self.tcv_before)} → {amount_text(self.tcv_after)}",
            ]
        )
        return "\n\n".join([head, *body, totals])

    _columns: ClassVar[Columns] = _COLUMNS

    def _rows(self) -> list[dict[str, Any]]:
        contract = self.contract
        effective = self.amendment.effective_date
        return [
            {
                "contract_id": contract.id,
                "version": contract.version,
                "effective_date": effective,
                "subscription_id": line.subscription_id,
                "amends": line.amends,
                "sku": line.sku,
                "prior_quantity": line.prior_quantity,
                "quantity": line.quantity,
                "delta": line.delta,
                "start_date": line.period.start,
                "end_date": line.period.last_day,
                "net_unit_price": line.net_unit_price.amount,
                "term_multiplier": line.term_multiplier,
                "precise_amount": line.precise_amount.amount,
                "amount": line.amount.amount,
                "currency": line.amount.currency.code,
            }
            for line in self.lines
        ]

    def _repr_html_(self) -> str:
        rows = [
            [
                line.subscription_id,
                line.amends or "new",
                line.sku,
                plain(line.prior_quantity),
                plain(line.quantity),
                f"{line.delta:+f}",
                line.period.start.isoformat(),
                line.period.last_day.isoformat(),
                amount_text(line.net_unit_price),
                plain(line.term_multiplier.quantize(_SIX, context=CTX).normalize(CTX)),
                amount_text(line.amount),
            ]
            for line in self.lines
        ]
        contract = self.contract
        return html_table(
            f"Amendment of {contract.id}, effective {self.amendment.effective_date.isoformat()}",
            [
                "id",
                "amends",
                "sku",
                "before",
                "after",
                "delta",
                "from",
                "to",
                "net",
                "term ×",
                "amount",
            ],
            rows,
            right=[3, 4, 5, 8, 9, 10],
            footer=[
                (
                    f"Total {amount_text(self.total)} · TCV {amount_text(self.tcv_before)} → "
                    f"{amount_text(self.tcv_after)}"
                )
            ],
            max_rows=MAX_ROWS,
        )


_SIX: Final = Decimal("0.000001")


# --------------------------------------------------------------------------------------------
# Pricing an amendment


@check_arguments
def amend(contract: Contract, amendment: Amendment, catalog: Catalog) -> PricedAmendment:
    """Price ``amendment`` on ``contract`` and return the next version with its lines.

    The changes apply in order, each seeing the ones before it. Refused, changing nothing: an
    effective date outside the contract (its start to its inclusive end) or before the
    previous amendment's, a SKU the contract (or, for a new product, the catalog) does not
    know (:class:`~revcycle.errors.UnknownCodeError`), a SKU on two lines without
    ``subscription=``, a quantity that would go below zero on any day to the contract end, and
    a quantity change on a one-time product (:class:`~revcycle.errors.ValidationError`).
    """
    check_effective_date(contract, amendment.effective_date)
    book = _Book(contract, amendment)
    try:
        for change in amendment.changes:
            if isinstance(change, AddProduct):
                book.add(change, catalog)
            else:
                book.change(change)
    except decimal.DecimalException:
        raise ValidationError(
            "A quantity or price of the amendment is too large to compute exactly in "
            "revcycle's 50-digit context."
        ) from None
    return PricedAmendment(contract.amended(amendment, book.lines, book.added))


@final
class _Book:
    """The segments of one contract as one amendment sees them: its lines (a segment and the
    deltas that amend it), and the lines and segments the amendment adds, in order.

    It reads only the SKUs the amendment changes (``Contract.segments_of``, ``line_of``), so
    an amendment costs what it changes, not what the contract already holds."""

    def __init__(self, contract: Contract, amendment: Amendment) -> None:
        self.contract = contract
        self.effective = amendment.effective_date
        self.span = Period(self.effective, contract.period.end)
        self.version = contract.version + 1
        self.origin = f"amendment:{self.version}"
        self.lines: list[AmendmentLine] = []
        self.added: list[Subscription] = []
        # What this amendment adds, by SKU, and each of its delta segments' line.
        self.added_by_sku: dict[str, list[Subscription]] = {}
        self.line_of: dict[str, str] = {}

    def _of_sku(self, sku: str) -> list[Subscription]:
        return [*self.contract.segments_of(sku), *self.added_by_sku.get(sku, ())]

    def _root(self, segment_id: str) -> str:
        return self.line_of.get(segment_id) or self.contract.line_of(segment_id)

    def _next_id(self) -> str:
        return f"{self.contract.id}-{self.contract.segment_count + len(self.added) + 1}"

    def _keep(self, line: AmendmentLine, segment: Subscription) -> None:
        self.lines.append(line)
        self.added.append(segment)
        self.added_by_sku.setdefault(segment.sku, []).append(segment)

    # -- a new product ---------------------------------------------------------------------

    def add(self, change: AddProduct, catalog: Catalog) -> None:
        if change.quantity.is_zero():
            return  # a zero delta makes no segment and takes no id
        contract = self.contract
        quote = contract.new_quote(
            [QuoteLine(change.sku, change.quantity, discount=change.discount)],
            start_date=self.effective,
            end_date=contract.end_date,
        )
        priced = price_quote(quote, catalog)
        line = priced.lines[0]
        net = priced.unit_prices_per_term()[0]
        usage = line.charge_kind is ChargeKind.USAGE
        segment = Subscription.from_line(
            line,
            net,
            id=self._next_id(),
            origin=self.origin,
            meter=next(
                (s.meter for s in reversed(contract.segments_of(change.sku)) if s.meter), None
            ),
        )
        per = "" if line.pricing_term is None else f" per {line.pricing_term}"
        head = (
            f"a new line, priced through the quote waterfall over {_span(self.span)} (price "
            f"book {contract.price_book}): net unit price {amount_text(net)}{per}"
        )
        reason = "\n".join(
            [
                head,
                *(row.strip() for row in line.explain().splitlines()[1:]),  # its steps
                *(["usage carries no amount: it is billed as it is used"] if usage else []),
            ]
        )
        self._keep(
            AmendmentLine(
                subscription_id=segment.id,
                amends=None,
                sku=change.sku,
                prior_quantity=ZERO,
                quantity=change.quantity,
                delta=change.quantity,
                net_unit_price=net,
                period=self.span,
                term_multiplier=line.term_multiplier,
                amount=segment.total,
                precise_amount=segment.total if usage else line.net_unit_price * line.quantity,
                reason=reason,
            ),
            segment,
        )

    # -- a change of quantity ----------------------------------------------------------------

    def change(self, change: ChangeQuantity | Cancel) -> None:
        sku = change.sku
        of_sku = self._of_sku(sku)
        if not of_sku:
            skus = ", ".join(sorted({*self.contract.skus, *self.added_by_sku})) or "none"
            raise UnknownCodeError(
                f"Contract {self.contract.id} has no sku {shown(sku)} to change; its skus are "
                f"{skus}. Add a new product with AddProduct."
            )
        root = self._line(change, of_sku)
        if root.charge_kind is ChargeKind.ONE_TIME:
            raise ValidationError(
                f"{sku} is a one-time product: it bills once, in full, so its quantity cannot "
                "change by amendment."
            )
        members = [s for s in of_sku if self._root(s.id) == root.id]
        counted = of_sku if change.subscription is None else members
        day = self.effective
        prior = _held(counted, day)
        target = change.quantity if isinstance(change, ChangeQuantity) else ZERO
        delta = CTX.subtract(target, prior)
        if delta.is_zero():
            return  # a zero delta makes no segment and takes no id
        _never_below_zero(of_sku, delta, self.span, f"{sku}'s quantity")
        _never_below_zero(members, delta, self.span, f"the quantity of line {root.id} ({sku})")
        self._locked(root, prior, target, delta)

    def _line(self, change: ChangeQuantity | Cancel, of_sku: list[Subscription]) -> Subscription:
        """The line a change amends: the one named by ``subscription=``, else the SKU's only
        line in force on the effective date."""
        by_id = {s.id: s for s in of_sku}
        day = self.effective
        if change.subscription is not None:
            named = change.subscription
            if named not in by_id:
                if any(s.id == named for s in (*self.contract.subscriptions, *self.added)):
                    raise ValidationError(
                        f"Subscription {named} is not a line of {change.sku}; name one of "
                        f"{change.sku}'s lines ({', '.join(by_id)})."
                    )
                raise UnknownCodeError(
                    f"Contract {self.contract.id} has no subscription {shown(named)}; the lines of "
                    f"{change.sku} are {', '.join(by_id)}."
                )
            root = by_id[self._root(named)]
            if not root.covers(day):
                raise ValidationError(
                    f"Line {root.id} ({change.sku}) runs {_span(root.period)}, so it is not in "
                    f"force on {day.isoformat()} to be changed."
                )
            return root
        lines = [s for s in of_sku if self._root(s.id) == s.id and s.covers(day)]
        if not lines:
            raise ValidationError(
                f"No line of {change.sku} is in force on {day.isoformat()}, so there is none to "
                "change; add a new line with AddProduct."
            )
        if len(lines) > 1:
            listed = "; ".join(
                f"{s.id} at {amount_text(s.net_unit_price)}"
                + ("" if s.pricing_term is None else f" per {s.pricing_term}")
                for s in lines
            )
            raise ValidationError(
                f"{change.sku} is on {len(lines)} lines on {day.isoformat()} ({listed}); name "
                "the one to change with subscription=."
            )
        return lines[0]

    def _locked(self, root: Subscription, prior: Decimal, target: Decimal, delta: Decimal) -> None:
        """The delta line and segment of ``root`` at its locked price, co-termed."""
        contract = self.contract
        currency = contract.currency
        span = self.span
        locked = root.net_unit_price
        per = "" if root.pricing_term is None else f" per {root.pricing_term}"
        source = "from the quote" if root.origin == "quote" else f"added by {root.origin}"
        price_text = f"locked net unit price {amount_text(locked)}{per} ({root.id}, {source})"
        if root.charge_kind is ChargeKind.USAGE:
            multiplier = ONE
            precise = amount = Money.zero(currency).round()
            reason = (
                f"{price_text}; usage carries no amount: it is billed as it is used, with "
                "the line's model and discount"
            )
        else:
            assert root.pricing_term is not None
            detail = term_multiplier_detail(
                span.start, span.end, root.pricing_term, contract.proration_method
            )
            multiplier = fraction_to_decimal(detail.exact)
            precise = locked * delta * detail.exact
            amount = precise.round(contract.rounding)
            reason = "\n".join(
                [
                    price_text,
                    f"co-termed to the contract end: term multiplier {detail.summary()}",
                    (
                        f"{delta:+f} × {amount_text(locked)} × {detail.exact} = "
                        f"{amount_text(amount)}, rounded once"
                    ),
                ]
            )
        segment_id = self._next_id()
        self._keep(
            AmendmentLine(
                subscription_id=segment_id,
                amends=root.id,
                sku=root.sku,
                prior_quantity=prior,
                quantity=target,
                delta=delta,
                net_unit_price=locked,
                period=span,
                term_multiplier=multiplier,
                amount=amount,
                precise_amount=precise,
                reason=reason,
            ),
            attrs.evolve(
                root, id=segment_id, quantity=delta, period=span, total=amount, origin=self.origin
            ),
        )
        self.line_of[segment_id] = root.id


def _span(period: Period) -> str:
    return f"{period.start.isoformat()} → {period.last_day.isoformat()}"


def _held(segments: Sequence[Subscription], day: date) -> Decimal:
    held = ZERO
    for segment in segments:
        if segment.covers(day):
            held = CTX.add(held, segment.quantity)
    return held


def _never_below_zero(
    segments: Sequence[Subscription], delta: Decimal, span: Period, what: str
) -> None:
    """Refuse ``delta`` over ``span`` if it takes the quantity of ``segments`` below zero on
    any day of the span (the quantity only changes where a segment starts or ends)."""
    days = {span.start}
    for segment in segments:
        for day in (segment.period.start, segment.period.end):
            if span.start < day < span.end:
                days.add(day)
    for day in sorted(days):
        after = CTX.add(_held(segments, day), delta)
        if after < 0:
            raise ValidationError(
                f"The amendment would take {what} to {plain(after)} on {day.isoformat()}; a "
                "quantity may not go below zero."
            )
