"""The contract: a chain of versions, each a frozen value, built from a priced quote and then
from amendments (docs/reference/contracts.md).

Re-exported by :mod:`revcycle.contracts`; import from there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Final, final

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
from revcycle._numbers import CTX, ZERO, fraction_to_decimal, plain
from revcycle._validate import (
    Validator,
    check_arguments,
    check_day,
    check_text,
    check_type,
    check_whole,
    require_day,
    require_sequence,
    require_text,
    to_choice,
    trusted,
)
from revcycle.catalog import ChargeKind
from revcycle.contracts._billing import BillingSettings
from revcycle.contracts._index import LineIndex
from revcycle.contracts._requests import Amendment, AmendmentLine
from revcycle.contracts._sources import meters_of, payment_terms_of
from revcycle.contracts._subscription import Subscription
from revcycle.dates import Duration, Period, day_after
from revcycle.errors import (
    CurrencyMismatchError,
    RevcycleTypeError,
    UnknownCodeError,
    ValidationError,
    shown,
)
from revcycle.money import Currency, Money, Percent, Rounding, check_percent_range, to_currency
from revcycle.proration import TERM_METHODS, ProrationMethod, term_multiplier_detail
from revcycle.quotes import PricedQuote, Quote, QuoteLine
from revcycle.terms import PaymentTerms
from revcycle.usage import Meter


_MONTH: Final = Duration(months=1)


def _to_method(value: ProrationMethod | str) -> ProrationMethod:
    method = to_choice(ProrationMethod, value, "A contract's proration method")
    if method not in TERM_METHODS:
        names = ", ".join(m.name for m in TERM_METHODS)
        raise ValidationError(
            f"A contract's proration method counts pricing terms, so it must be one of {names}; "
            f"got {method.name}."
        )
    return method


def _to_subscriptions(value: Iterable[Subscription]) -> tuple[Subscription, ...]:
    return require_sequence(value, "Contract subscriptions", kind=Subscription)


def _to_lines(value: Iterable[AmendmentLine]) -> tuple[AmendmentLine, ...]:
    return require_sequence(value, "Amendment lines", kind=AmendmentLine)


def _check_flag(what: str) -> Validator:
    return check_type(bool, "True or False", what)


def _optional(kind: type[Any], what: str) -> Validator:
    return check_type(kind, f"a {kind.__name__} or None", what, optional=True)


def _check_contract(what: str) -> Validator:
    # Contract is looked up when the check runs: it is the class being defined.
    def check(_: object, __: object, value: object) -> None:
        if value is not None and not isinstance(value, Contract):
            raise RevcycleTypeError(f"{what} must be a Contract or None, not {shown(value)}.")

    return check


# One row per segment, for to_records(), to_arrow() and to_pandas().
_COLUMNS: Final = {
    "contract_id": ColumnKind.TEXT,
    "subscription_id": ColumnKind.TEXT,
    "sku": ColumnKind.CHOICE,
    "name": ColumnKind.TEXT,
    "charge_kind": ColumnKind.CHOICE,
    "origin": ColumnKind.CHOICE,
    "quantity": ColumnKind.QUANTITY,
    "start_date": ColumnKind.DATE,
    "end_date": ColumnKind.DATE,
    "pricing_term": ColumnKind.CHOICE,
    "list_unit_price": ColumnKind.PRECISE,
    "net_unit_price": ColumnKind.PRECISE,
    "total": ColumnKind.AMOUNT,
    "currency": ColumnKind.CHOICE,
}


@final
@attrs.frozen(kw_only=True, eq=False, repr=False)
class Contract(TypedRows):
    """One version of a contract: the deal the quote became, and what each amendment added.

    Built by :meth:`from_quote` (version 1) and :func:`revcycle.amendments.amend` (the next
    version); every earlier version stays readable through :attr:`previous` and
    :meth:`versions`, and no value points at a later one. The fields other than
    ``subscriptions``, ``version``, ``previous``, ``amendment`` and ``amendment_lines`` are the
    same in every version: they come from the quote (for the products amendments add) and the
    contract's own terms.

    ``end_date`` is inclusive, as on the quote; :attr:`period` is half-open. ``subscriptions``
    is every segment of the chain up to this version, in order of creation; ids are
    ``"{id}-{n}"``. ``billing`` holds the settings with ``anchor`` resolved (the start when
    ``None``). ``renews`` is the contract this one renews, or ``None``. ``to_records()``,
    ``to_arrow()`` and ``to_pandas()`` have one row per segment.
    """

    id: str = attrs.field(validator=check_text("A contract id"))
    account: str = attrs.field(validator=check_text("A contract's account"))
    currency: Currency = attrs.field(converter=to_currency)
    start_date: date = attrs.field(validator=check_day("A contract's start date"))
    end_date: date = attrs.field(validator=check_day("A contract's end date"))
    proration_method: ProrationMethod = attrs.field(
        default=ProrationMethod.MONTHLY_DAILY, converter=_to_method
    )
    price_book: str = attrs.field(validator=check_text("A contract's price book"))
    partner_discount: Percent | None = attrs.field(
        default=None, validator=check_percent_range("A partner discount")
    )
    distributor_discount: Percent | None = attrs.field(
        default=None, validator=check_percent_range("A distributor discount")
    )
    additional_discount_last: bool = attrs.field(
        default=False, validator=_check_flag("additional_discount_last")
    )
    partner_discount_first: bool = attrs.field(
        default=False, validator=_check_flag("partner_discount_first")
    )
    rounding: Rounding | None = attrs.field(
        default=None, validator=_optional(Rounding, "A rounding rule")
    )
    payment_terms: PaymentTerms = attrs.field(
        validator=check_type(PaymentTerms, "PaymentTerms", "A contract's payment terms")
    )
    billing: BillingSettings = attrs.field(
        factory=BillingSettings,
        validator=check_type(BillingSettings, "BillingSettings", "A contract's billing"),
    )
    subscriptions: tuple[Subscription, ...] = attrs.field(converter=_to_subscriptions)
    version: int = attrs.field(default=1, validator=check_whole(1, what="A contract version"))
    previous: Contract | None = attrs.field(
        default=None, validator=_check_contract("A previous version")
    )
    amendment: Amendment | None = attrs.field(
        default=None, validator=_optional(Amendment, "An amendment")
    )
    amendment_lines: tuple[AmendmentLine, ...] = attrs.field(default=(), converter=_to_lines)
    renews: Contract | None = attrs.field(
        default=None, validator=_check_contract("A renewed contract")
    )
    # The segments this version adds (all of version 1's). A version built by an amendment or
    # read from JSON holds only these, and ``subscriptions`` is gathered from the chain the
    # first time it is read (without recursion), so a long chain is neither copied nor
    # compared version by version in full.
    _added: tuple[Subscription, ...] = attrs.field(init=False, default=(), repr=False)
    # How many segments the chain holds up to this version (the next one is numbered after).
    _count: int = attrs.field(init=False, default=0, repr=False)
    # Where the segments are (LineIndex), made on first need; an amendment hands its own on
    # to the version it makes, so a chain of amendments never re-reads the whole contract.
    _index: LineIndex | None = attrs.field(init=False, default=None, repr=False)

    if not TYPE_CHECKING:  # hidden from type checkers, so a misspelt attribute is still caught

        def __getattr__(self, name: str) -> Any:
            # Only reached when the ``subscriptions`` slot is still empty (a later version).
            if name == "subscriptions":
                gathered = _gather(self)
                object.__setattr__(self, "subscriptions", gathered)
                return gathered
            raise AttributeError(
                f"{shown(type(self).__name__)} object has no attribute {shown(name)}"
            )

    def __attrs_post_init__(self) -> None:
        if self.billing.anchor is None:
            object.__setattr__(self, "billing", self.billing.resolved(self.start_date))
        previous = self.previous
        before = () if previous is None else previous.subscriptions
        if self.subscriptions[: len(before)] != before:
            assert previous is not None
            raise ValidationError(
                f"Contract {shown(self.id)} version {shown(self.version)} must keep every "
                f"segment of version {shown(previous.version)} unchanged, in order, and add its "
                "own after them."
            )
        object.__setattr__(self, "_added", self.subscriptions[len(before) :])
        object.__setattr__(self, "_count", len(self.subscriptions))
        _check_version(self, len(before) + 1)

    # -- reading ---------------------------------------------------------------------------

    @property
    def period(self) -> Period:
        """The contract term, half-open: from the start date to the day after the end date."""
        # The day after the end must exist: a contract ending 9999-12-31 is a PeriodError (its
        # checks read the term while it is built, so such a contract is never made).
        return Period(self.start_date, day_after(self.end_date, "A contract's end date"))

    @property
    def added(self) -> tuple[Subscription, ...]:
        """The segments this version adds (every segment of version 1)."""
        return self._added

    @property
    def tcv(self) -> Money:
        """Total contract value: the sum of the rounded totals of every segment (usage is not
        contract value; a decrease counts negative)."""
        total = ZERO.quantize(self.currency.quantum)
        for segment in self.subscriptions:
            total = CTX.add(total, segment.total.amount)
        return Money._trusted(total, self.currency)

    @property
    def segment_count(self) -> int:
        """How many segments the chain holds up to this version: ``len(subscriptions)``,
        without gathering them (the next segment's id is ``"{id}-{segment_count + 1}"``)."""
        return self._count

    @property
    def skus(self) -> tuple[str, ...]:
        """Every SKU on the contract, in the order it first came."""
        return tuple(self._line_index().by_sku)

    def segments_of(self, sku: str) -> tuple[Subscription, ...]:
        """Every segment of ``sku`` (deltas included), in order of creation; empty when the
        contract never held it."""
        require_text(sku, "A sku")
        return self._line_index().by_sku.get(sku, ())

    def line_of(self, segment_id: str) -> str:
        """The id of the segment that opened the line ``segment_id`` belongs to: the segment
        a delta changes, or ``segment_id`` itself for a quote line or a new product."""
        require_text(segment_id, "A subscription id")
        return self._line_index().line_of.get(segment_id, segment_id)

    def _line_index(self) -> LineIndex:
        index = self._index
        if index is None:
            lines = [line for version in self.versions() for line in version.amendment_lines]
            index = LineIndex.of(self.subscriptions, lines)
            object.__setattr__(self, "_index", index)
        return index

    @property
    def meters(self) -> Mapping[str, Meter]:
        """The meter of each usage SKU that has one."""
        return {s.sku: s.meter for s in self.subscriptions if s.meter is not None}

    def versions(self) -> tuple[Contract, ...]:
        """Every version from the first to this one."""
        chain = []
        version: Contract | None = self
        while version is not None:
            chain.append(version)
            version = version.previous
        return tuple(reversed(chain))

    def subscription(self, id: str) -> Subscription:
        """The segment with ``id``; :class:`~revcycle.errors.UnknownCodeError` if none."""
        require_text(id, "A subscription id")
        for segment in self.subscriptions:
            if segment.id == id:
                return segment
        raise UnknownCodeError(
            f"Contract {shown(self.id)} (version {shown(self.version)}) has no subscription "
            f"{shown(id)}; its segments are {shown(self.subscriptions[0].id)} to "
            f"{shown(self.subscriptions[-1].id)}."
            if self.subscriptions
            else f"Contract {shown(self.id)} has no subscriptions, so none is {shown(id)}."
        )

    def subscriptions_on(self, day: date) -> tuple[Subscription, ...]:
        """Every segment covering ``day``, negative deltas included."""
        require_day(day, "A day")
        return tuple(s for s in self.subscriptions if s.period.start <= day < s.period.end)

    def quantity(self, sku: str, *, on: date) -> Decimal:
        """The quantity of ``sku`` held on ``on``: the sum of the segments covering that day
        (zero outside them). A SKU never on the contract is an
        :class:`~revcycle.errors.UnknownCodeError`."""
        segments = self.segments_of(sku)
        if not segments:
            skus = shown(tuple(sorted(self.skus))) if self.skus else "none"
            raise UnknownCodeError(
                f"Contract {shown(self.id)} has no sku {shown(sku)}; its skus are {skus}."
            )
        require_day(on, "A day")
        held = ZERO
        for segment in segments:
            if segment.covers(on):
                held = CTX.add(held, segment.quantity)
        return held

    def lines(self) -> dict[str, tuple[Subscription, ...]]:
        """The contract's lines, keyed by the id of the segment that opened each (a quote line,
        or a new product an amendment added), in order of creation: that segment, then the
        delta segments that changed its quantity. A line's quantity on a day is the sum of its
        segments covering the day."""
        line_of = self._line_index().line_of
        found: dict[str, list[Subscription]] = {}
        for segment in self.subscriptions:
            found.setdefault(line_of.get(segment.id, segment.id), []).append(segment)
        return {root: tuple(segments) for root, segments in found.items()}

    def new_quote(self, lines: Iterable[QuoteLine], *, start_date: date, end_date: date) -> Quote:
        """A quote on this contract's terms — its account, currency, price book, proration
        method, partner and distributor discounts, waterfall order and rounding — from
        ``start_date`` to ``end_date`` (inclusive): how an amendment prices a new product and a
        renewal its lines, through the quote engine."""
        return Quote(
            self.account,
            self.currency,
            self.price_book,
            start_date,
            lines,
            end_date=end_date,
            proration_method=self.proration_method,
            partner_discount=self.partner_discount,
            distributor_discount=self.distributor_discount,
            additional_discount_last=self.additional_discount_last,
            partner_discount_first=self.partner_discount_first,
            rounding=self.rounding,
        )

    # -- construction ------------------------------------------------------------------------

    @classmethod
    def from_quote(
        cls,
        priced: PricedQuote,
        *,
        id: str,
        payment_terms: PaymentTerms | str | None = None,
        billing: BillingSettings | None = None,
        meters: Mapping[str, Meter] | None = None,
        renews: Contract | None = None,
    ) -> Contract:
        """Version 1 of a contract, read from the priced quote alone (no catalog).

        Payment terms come from the quote's ``payment_terms`` or the ``payment_terms``
        argument (a :class:`~revcycle.terms.PaymentTerms` or text); two that differ are a
        conflict, and with neither they come from ``renews``; with none at all the contract is
        refused (never a silent Net 30). ``billing`` defaults to ``BillingSettings()`` and
        ``meters`` (a meter per usage SKU) to none, or to those of ``renews``. A quote with
        approvals pending is refused. Each line becomes a segment ``"{id}-{n}"`` at its net
        unit price per pricing term (:meth:`PricedQuote.unit_prices_per_term
        <revcycle.quotes.PricedQuote.unit_prices_per_term>`).
        """
        if not isinstance(priced, PricedQuote):
            raise RevcycleTypeError(
                f"Contract.from_quote() needs a PricedQuote, not {shown(priced)}."
            )
        require_text(id, "A contract id")
        if renews is not None and not isinstance(renews, Contract):
            raise RevcycleTypeError(f"renews must be a Contract or None, not {shown(renews)}.")
        quote = priced.quote
        pending = priced.pending_approvals
        if pending:
            levels = ", ".join(repr(level) for level in pending)
            raise ValidationError(
                f"The quote for {shown(quote.account)} still needs approval ({levels}), so it "
                f"cannot become contract {shown(id)}; grant it first with "
                f"priced.approve({levels})."
            )
        terms = payment_terms_of(
            quote.payment_terms, payment_terms, None if renews is None else renews.payment_terms, id
        )
        if billing is None:
            billing = BillingSettings() if renews is None else renews.billing
        usage = [line.sku for line in priced.lines if line.charge_kind is ChargeKind.USAGE]
        meters = meters_of(meters, None if renews is None else renews.meters, usage, id)
        segments = [
            Subscription.from_line(
                line, net, id=f"{id}-{number}", origin="quote", meter=meters.get(line.sku)
            )
            for number, (line, net) in enumerate(
                zip(priced.lines, priced.unit_prices_per_term(), strict=True), 1
            )
        ]
        return cls(
            id=id,
            account=quote.account,
            currency=priced.currency,
            start_date=quote.start_date,
            end_date=quote.last_day,
            proration_method=quote.proration_method,
            price_book=quote.price_book,
            partner_discount=quote.partner_discount,
            distributor_discount=quote.distributor_discount,
            additional_discount_last=quote.additional_discount_last,
            partner_discount_first=quote.partner_discount_first,
            rounding=quote.rounding,
            payment_terms=terms,
            billing=billing,
            subscriptions=segments,
            renews=renews,
        )

    def amended(
        self,
        amendment: Amendment,
        lines: Iterable[AmendmentLine],
        added: Iterable[Subscription],
    ) -> Contract:
        """The next version: this one with ``amendment``, its priced ``lines`` and the
        segments they ``added`` (one per line, in order), checked but not priced — price an
        amendment with :func:`revcycle.amendments.amend`, which calls this.

        Only what the version adds is checked and kept, so a chain of any length is built
        (and read from JSON) in time and memory that grow with what it adds.
        """
        if not isinstance(amendment, Amendment):
            raise RevcycleTypeError(
                f"An amended version needs an Amendment, not {shown(amendment)}."
            )
        new_segments = require_sequence(added, "Added segments", kind=Subscription)
        new_lines = _to_lines(lines)
        later = _new_version(
            *(getattr(self, name) for name in _CONSTANT),
            self.version + 1,
            self,
            amendment,
            new_lines,
            self.renews,
            new_segments,
            self._count + len(new_segments),
            None,
        )
        _check_version(later, self._count + 1)
        index = self._index
        if index is not None:
            # The index moves on to the new version: the chain keeps one, not one a version
            # (this one makes its own again if it is read or amended again).
            object.__setattr__(later, "_index", index.extended(new_segments, new_lines))
            object.__setattr__(self, "_index", None)
        return later

    # -- equality, hashing and repr: over the chain, never recursing into it ---------------

    def _own(self) -> tuple[Any, ...]:
        return (
            *(getattr(self, name) for name in _CONSTANT),
            self.version,
            self.amendment,
            self.amendment_lines,
            self._added,
            self.renews,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Contract):
            return NotImplemented
        if self is other:
            return True
        mine, theirs = self.versions(), other.versions()
        return len(mine) == len(theirs) and all(
            a._own() == b._own() for a, b in zip(mine, theirs, strict=True)
        )

    def __hash__(self) -> int:
        return hash((self.id, self.account, self.start_date, self.version, len(self._added)))

    def __repr__(self) -> str:
        return (
            f"<Contract {self.id} version {self.version} for {self.account}: "
            f"{self.start_date.isoformat()} to {self.end_date.isoformat()}, "
            f"{len(self.subscriptions)} segments, TCV {self.tcv}>"
        )

    # -- for people and data frames ----------------------------------------------------------

    def explain(self) -> str:
        """The contract for people: its terms, every segment, its TCV, and the amendment that
        made this version with each line's explanation."""
        months = term_multiplier_detail(
            self.start_date, self.period.end, _MONTH, self.proration_method
        ).exact
        head = [
            (
                f"Contract {self.id}, version {self.version}, for {self.account} in "
                f"{self.currency.code}, price book {self.price_book}"
            ),
            (
                f"  {self.start_date.isoformat()} → {self.end_date.isoformat()} "
                f"({number_text(fraction_to_decimal(months))} months, "
                f"{self.proration_method.value})"
            ),
            f"  payment terms {self.payment_terms.describe()}",
            f"  billing {self.billing.describe()}",
        ]
        if self.renews is not None:
            head.append(f"  renews {self.renews.id} (version {self.renews.version})")
        rows = ["Segments (quantity per segment; a SKU's quantity on a day is their sum):"]
        rows += [f"  {_describe(segment)}" for segment in self.subscriptions]
        rows.append(f"TCV {amount_text(self.tcv)} (the sum of the segments' rounded totals)")
        parts = ["\n".join(head), "\n".join(rows)]
        if self.amendment is not None:
            title = f"Amendment{' ' + self.amendment.id if self.amendment.id else ''}"
            effective = self.amendment.effective_date.isoformat()
            lines = [f"{title}, effective {effective}, made version {self.version}:"]
            for line in self.amendment_lines:
                lines += [f"  {row}" for row in line.explain().splitlines()]
            if not self.amendment_lines:
                lines.append("  no change of quantity: no new segment")
            parts.append("\n".join(lines))
        return "\n\n".join(parts)

    _columns: ClassVar[Columns] = _COLUMNS

    def _rows(self) -> list[dict[str, Any]]:
        return [
            {
                "contract_id": self.id,
                "subscription_id": s.id,
                "sku": s.sku,
                "name": s.name,
                "charge_kind": s.charge_kind,
                "origin": s.origin,
                "quantity": s.quantity,
                "start_date": s.period.start,
                "end_date": s.period.last_day,
                "pricing_term": None if s.pricing_term is None else str(s.pricing_term),
                "list_unit_price": s.list_unit_price.amount,
                "net_unit_price": s.net_unit_price.amount,
                "total": s.total.amount,
                "currency": s.currency.code,
            }
            for s in self.subscriptions
        ]

    def _repr_html_(self) -> str:
        rows = [
            [
                s.id,
                s.sku,
                plain(s.quantity),
                s.period.start.isoformat(),
                s.period.last_day.isoformat(),
                amount_text(s.list_unit_price),
                amount_text(s.net_unit_price),
                "" if s.pricing_term is None else str(s.pricing_term),
                amount_text(s.total),
                s.origin,
            ]
            for s in self.subscriptions
        ]
        return html_table(
            f"Contract {self.id} v{self.version} for {self.account}",
            ["id", "sku", "qty", "start", "last day", "list", "net", "per", "total", "origin"],
            rows,
            right=[2, 5, 6, 8],
            footer=[
                (
                    f"TCV {amount_text(self.tcv)} · {self.start_date.isoformat()} → "
                    f"{self.end_date.isoformat()} · payment terms {self.payment_terms.describe()}"
                )
            ],
            max_rows=MAX_ROWS,
        )


# The fields every version shares with the first.
_CONSTANT: Final = (
    "id",
    "account",
    "currency",
    "start_date",
    "end_date",
    "proration_method",
    "price_book",
    "partner_discount",
    "distributor_discount",
    "additional_discount_last",
    "partner_discount_first",
    "rounding",
    "payment_terms",
    "billing",
)


# A later version, filled by Contract.amended from values it checks itself: ``subscriptions``
# stays empty until first read.
_new_version: Final = trusted(
    Contract,
    *_CONSTANT,
    "version",
    "previous",
    "amendment",
    "amendment_lines",
    "renews",
    "_added",
    "_count",
    "_index",
)


def _gather(contract: Contract) -> tuple[Subscription, ...]:
    """Every segment of the chain up to ``contract``: the nearest version that holds them
    all, then what each later one adds (a loop, not a recursion)."""
    pieces = []
    version: Contract | None = contract
    while version is not None:
        try:
            known: tuple[Subscription, ...] = object.__getattribute__(version, "subscriptions")
        except AttributeError:
            pieces.append(version._added)
            version = version.previous
            continue
        pieces.append(known)
        break
    gathered: list[Subscription] = []
    for piece in reversed(pieces):
        gathered.extend(piece)
    return tuple(gathered)


def _check_version(contract: Contract, first: int) -> None:
    """The checks of one version on what it adds (``first`` is the number of its first new
    segment): its number, the fields it shares with the first version, its amendment's date,
    the ids, currency, span and origin of its new segments, and its amendment lines (one per
    new segment, in order)."""
    cid = shown(contract.id)  # the id as messages show it (any length, any characters)
    if contract.end_date < contract.start_date:
        raise ValidationError(
            f"Contract {cid} ends on {contract.end_date.isoformat()}, before it starts on "
            f"{contract.start_date.isoformat()} (the end date is inclusive)."
        )
    previous = contract.previous
    version = contract.version
    if previous is None:
        if version != 1 or contract.amendment is not None or contract.amendment_lines:
            raise ValidationError(
                f"Contract {cid} version {shown(version)} has no previous version: only "
                "version 1 does, and it has no amendment."
            )
    else:
        amendment = contract.amendment
        if version != previous.version + 1 or amendment is None:
            raise ValidationError(
                f"Contract {cid} version {shown(version)} must follow version "
                f"{shown(previous.version)} (numbered one more) and record the amendment that "
                "made it."
            )
        for name in _CONSTANT:
            if getattr(contract, name) != getattr(previous, name):
                raise ValidationError(
                    f"Contract {cid} version {shown(version)} changes {name}, which every version "
                    f"shares with the first ({shown(getattr(previous, name))})."
                )
        _check_effective_date(previous, amendment.effective_date)
    origin = "quote" if previous is None else f"amendment:{version}"
    added = contract._added
    period = contract.period
    for number, segment in enumerate(added, first):
        expected = f"{contract.id}-{number}"
        if segment.id != expected:
            raise ValidationError(
                f"Segment number {number} of contract {cid} must have the id {shown(expected)} "
                f"(ids count segments in order of creation), not {shown(segment.id)}."
            )
        if segment.currency != contract.currency:
            raise CurrencyMismatchError(
                f"Segment {shown(segment.id)} is in {segment.currency.code}, but contract {cid} "
                f"is in {contract.currency.code}."
            )
        if not period.contains(segment.period):
            raise ValidationError(
                f"Segment {shown(segment.id)} runs over {segment.period}, outside the term "
                f"{period} of contract {cid}."
            )
        if segment.origin != origin:
            raise ValidationError(
                f"Segment {shown(segment.id)} was made by version {shown(version)}, so its "
                f"origin is {shown(origin)}, not {shown(segment.origin)}."
            )
    made = [line.subscription_id for line in contract.amendment_lines]
    if previous is not None and made != [segment.id for segment in added]:
        raise ValidationError(
            f"Contract {cid} version {shown(version)}'s amendment lines must each make one of "
            f"its new segments, in order; they make {shown(made) if made else 'none'}."
        )
    for line, segment in zip(contract.amendment_lines, added, strict=False):
        if (line.sku, line.delta, line.period, line.amount) != (
            segment.sku,
            segment.quantity,
            segment.period,
            segment.total,
        ):
            raise ValidationError(
                f"Amendment line {shown(line.subscription_id)} and the segment it makes "
                "disagree on the sku, the quantity (its delta), the period or the amount (its "
                "total)."
            )
    if contract.renews is not None and contract.renews.account != contract.account:
        raise ValidationError(
            f"Contract {cid} for {shown(contract.account)} cannot renew contract "
            f"{shown(contract.renews.id)} of {shown(contract.renews.account)}."
        )


@check_arguments
def check_effective_date(contract: Contract, effective: date) -> None:
    """Refuse an amendment of ``contract`` effective on ``effective``: outside the contract's
    term (its start to its inclusive end) or before the amendment that made ``contract``."""
    _check_effective_date(contract, effective)


def _check_effective_date(contract: Contract, effective: date) -> None:
    require_day(effective, "An amendment's effective date")
    if not contract.start_date <= effective <= contract.end_date:
        raise ValidationError(
            f"An amendment of contract {shown(contract.id)} must take effect within its term, "
            f"{contract.start_date.isoformat()} to {contract.end_date.isoformat()} (inclusive); "
            f"got {effective.isoformat()}."
        )
    earlier = contract.amendment
    if earlier is not None and effective < earlier.effective_date:
        raise ValidationError(
            f"An amendment of contract {shown(contract.id)} may not take effect on "
            f"{effective.isoformat()}, before the previous amendment (version "
            f"{shown(contract.version)}, effective {earlier.effective_date.isoformat()})."
        )


def _describe(segment: Subscription) -> str:
    per = "" if segment.pricing_term is None else f" per {segment.pricing_term}"
    quantity = plain(segment.quantity) if segment.origin == "quote" else f"{segment.quantity:+f}"
    return (
        f"{segment.id}  {quantity} × {segment.sku}, {segment.period.start.isoformat()} → "
        f"{segment.period.last_day.isoformat()}: list {amount_text(segment.list_unit_price)}, "
        f"net {amount_text(segment.net_unit_price)}{per}; total {amount_text(segment.total)} "
        f"({segment.origin})"
    )
