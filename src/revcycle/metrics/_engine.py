"""MRR, ARR, the ARR bridge and retention over a book of contracts.

Re-exported by :mod:`revcycle.metrics`; import from there.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Final

from revcycle._numbers import CTX, ZERO
from revcycle._validate import check_arguments, require_day, require_sequence, trusted
from revcycle.catalog import ChargeKind
from revcycle.contracts import Contract
from revcycle.dates import Duration, Period
from revcycle.errors import CurrencyMismatchError, RevcycleTypeError, ValidationError, shown
from revcycle.metrics._bridge import (
    SUMS,
    AccountArr,
    ArrBridge,
    ArrMovement,
    classify,
    movements,
    opening_day,
)
from revcycle.money import Currency, ExchangeRates, Money


# What a recurring segment counts under: its account, its currency, its net unit price per
# pricing term and that term (numbered). The segments of one line share a key, so a line's
# quantities are summed before they are priced, and a line cancelled to zero counts exactly
# zero.
_Key = tuple[str, str, Decimal, int]


@check_arguments
def months_in(term: Duration) -> Fraction:
    """The months in a pricing term: its years and months, and its weeks and days at 365/12
    days a month (``P30D`` is 360/365 of a month).

    >>> months_in(Duration(years=1)), months_in(Duration(days=73))
    (Fraction(12, 1), Fraction(12, 5))
    """
    return term.years * 12 + term.months + Fraction((term.weeks * 7 + term.days) * 12, 365)


class _Book:
    """A book of contracts as the metrics read it: checked once, in one report currency, with
    each renewed contract cut off where its renewal starts."""

    def __init__(
        self,
        contracts: Iterable[Contract],
        currency: Currency | str | None,
        rates: ExchangeRates | None,
    ) -> None:
        # Checked as it came, whatever the annotation promises, and its size before it is read.
        book = require_sequence(
            contracts, "A book of contracts", of="Contract", allow_mapping=False
        )
        if rates is not None and not isinstance(rates, ExchangeRates):
            raise RevcycleTypeError(f"rates must be an ExchangeRates or None, not {shown(rates)}.")
        by_id: dict[str, Contract] = {}
        for contract in book:
            if not isinstance(contract, Contract):
                raise RevcycleTypeError(
                    f"A book of contracts holds Contracts, not {shown(contract)}."
                )
            if contract.id in by_id:
                raise ValidationError(
                    f"Contract {contract.id} is in the book twice; pass each contract once, at "
                    "its latest version."
                )
            by_id[contract.id] = contract
        self.contracts = book
        self.currency = _report_currency(book, currency, rates)
        self.factors: dict[str, Decimal] = {}
        for code in {c.currency.code for c in book}:
            if code == self.currency.code:
                continue
            if rates is None:
                raise CurrencyMismatchError(
                    f"The book holds contracts in {code}, and ARR is reported in "
                    f"{self.currency.code}: give rates=ExchangeRates(...) to convert them."
                )
            self.factors[code] = rates.factor(code, self.currency)
        # A renewal supersedes the contract it renews from its own start: on and after that
        # day only the renewal counts, so the two never count twice.
        self.cutoff: dict[str, date] = {}
        for contract in book:
            renewed = contract.renews
            if renewed is None or renewed.id not in by_id:
                continue
            if by_id[renewed.id].account != contract.account:
                raise ValidationError(
                    f"Contract {contract.id} of {contract.account} renews {renewed.id}, but the "
                    f"book's {renewed.id} belongs to {by_id[renewed.id].account}."
                )
            known = self.cutoff.get(renewed.id)
            if known is None or contract.start_date < known:
                self.cutoff[renewed.id] = contract.start_date
        # Each pricing term's number, by value and by object, and its scales: the numerators
        # of a month's and a year's revenue, and the denominator (see _term).
        self._term_numbers: dict[Duration, int] = {}
        self._term_by_id: dict[int, int] = {}
        self._scales: list[tuple[Decimal, Decimal, Decimal]] = []

    def _term(self, term: Duration | None) -> int:
        """A small number for the pricing term ``term`` (equal terms share it), so that keys
        hold only numbers and text: cheap to hash, and never tracked by the garbage
        collector however large the book."""
        number = self._term_by_id.get(id(term))
        if number is None:
            assert term is not None  # a recurring segment has a pricing term
            number = self._term_numbers.get(term)
            if number is None:
                number = self._term_numbers[term] = len(self._scales)
                length = months_in(term)  # price × months ÷ length, as whole numbers
                self._scales.append(
                    (
                        Decimal(length.denominator),
                        Decimal(length.denominator * 12),
                        Decimal(length.numerator),
                    )
                )
            self._term_by_id[id(term)] = number
        return number

    def held(self, days: Sequence[date]) -> list[dict[_Key, Decimal]]:
        """For each of ``days``, the recurring quantities held, by account and price."""
        found: list[dict[_Key, Decimal]] = [{} for _ in days]
        cutoff = self.cutoff
        recurring = ChargeKind.RECURRING
        add = SUMS.add
        term_of = self._term_by_id.get
        for contract in self.contracts:
            cut = cutoff.get(contract.id)
            account = contract.account
            code = contract.currency.code
            for segment in contract.subscriptions:
                if segment.charge_kind is not recurring:
                    continue
                period = segment.period
                start, end = period.start, period.end
                if cut is not None and cut < end:
                    end = cut
                key: _Key | None = None
                for quantities, day in zip(found, days, strict=True):
                    if start <= day < end:
                        if key is None:
                            term = segment.pricing_term
                            number = term_of(id(term))
                            if number is None:
                                number = self._term(term)
                            key = (account, code, segment.net_unit_price.amount, number)
                        quantities[key] = add(quantities.get(key, ZERO), segment.quantity)
        return found

    def revenue(self, quantities: dict[_Key, Decimal], months: int) -> dict[str, Decimal]:
        """Each account's recurring revenue of ``months`` months (1: MRR, 12: ARR) from its
        ``quantities``: quantity × net unit price × ``months`` ÷ months in the pricing term,
        each price rounded once (50 digits) in the report currency, then summed exactly."""
        totals: dict[str, Decimal] = {}
        scales = self._scales
        factors = self.factors
        at = 1 if months == 12 else 0
        for (account, code, price, term), quantity in quantities.items():
            if not quantity:
                continue
            scale = scales[term]
            value = CTX.multiply(CTX.multiply(quantity, price), scale[at])
            factor = factors.get(code)
            if factor is not None:
                value = CTX.multiply(value, factor)
            value = CTX.divide(value, scale[2])
            totals[account] = SUMS.add(totals.get(account, ZERO), value)
        return totals

    def had_arr_before(self, accounts: set[str], day: date) -> set[str]:
        """Those of ``accounts`` that had ARR on some day before ``day``: each account's
        quantities are followed from change to change (a segment's start, its end, its
        renewal's start), in one pass over the book."""
        changes: dict[str, dict[date, list[tuple[_Key, Decimal]]]] = {a: {} for a in accounts}
        for contract in self.contracts:
            found = changes.get(contract.account)
            if found is None:
                continue
            cut = self.cutoff.get(contract.id) or day
            code = contract.currency.code
            for segment in contract.subscriptions:
                if segment.charge_kind is not ChargeKind.RECURRING:
                    continue
                start = segment.period.start
                end = min(segment.period.end, day, cut)
                if start >= end:
                    continue
                price = segment.net_unit_price.amount
                key = (contract.account, code, price, self._term(segment.pricing_term))
                found.setdefault(start, []).append((key, segment.quantity))
                found.setdefault(end, []).append((key, -segment.quantity))
        had = set()
        for account, found in changes.items():
            held: dict[_Key, Decimal] = {}
            for when in sorted(found):
                for key, quantity in found[when]:
                    held[key] = SUMS.add(held.get(key, ZERO), quantity)
                if when < day and self.revenue(held, 1).get(account, ZERO) > 0:
                    had.add(account)
                    break
        return had


def _report_currency(
    book: tuple[Contract, ...], currency: Currency | str | None, rates: ExchangeRates | None
) -> Currency:
    """``currency``, else the rates' currency, else the book's one currency."""
    if currency is not None:
        return Currency.of(currency)
    if rates is not None:
        return rates.currency
    found = sorted({c.currency.code for c in book})
    if len(found) == 1:
        return book[0].currency
    if not found:
        raise ValidationError(
            "An empty book of contracts has no currency; pass currency=... to report in one."
        )
    raise CurrencyMismatchError(
        f"The book mixes currencies ({', '.join(found)}); give rates=ExchangeRates(...) to "
        "report them in one currency."
    )


def _day(on: object) -> date:
    return require_day(on, "The day of a metric")


@check_arguments
def mrr(
    contracts: Iterable[Contract],
    on: date,
    *,
    currency: Currency | str | None = None,
    rates: ExchangeRates | None = None,
) -> Money:
    """Monthly recurring revenue on the day ``on``: over the recurring segments active that day,
    quantity × net unit price ÷ months in the pricing term (:func:`months_in`), unrounded.

    ``currency`` is the report currency (default: the rates', else the book's one currency);
    contracts in another currency need ``rates``. A renewed contract stops counting the day its
    renewal (in the book) starts.
    """
    return _revenue(contracts, on, currency, rates, 1)


@check_arguments
def arr(
    contracts: Iterable[Contract],
    on: date,
    *,
    currency: Currency | str | None = None,
    rates: ExchangeRates | None = None,
) -> Money:
    """Annual recurring revenue on the day ``on``: as :func:`mrr`, × 12 (each price × 12 ÷
    the months of its term, rounded once, so 30.00 per 30 days is exactly 365.00 a year)."""
    return _revenue(contracts, on, currency, rates, 12)


def _revenue(
    contracts: Iterable[Contract],
    on: date,
    currency: Currency | str | None,
    rates: ExchangeRates | None,
    months: int,
) -> Money:
    book = _Book(contracts, currency, rates)
    (held,) = book.held([_day(on)])
    total = ZERO
    for amount in book.revenue(held, months).values():
        total = SUMS.add(total, amount)
    return Money._trusted(total, book.currency)


# Built from the figures the engine just summed: the bridge's own checks would only repeat them.
_new_account: Final = trusted(AccountArr, "account", "opening", "closing", "movement")
_new_bridge: Final = trusted(
    ArrBridge,
    "opening",
    "new",
    "expansion",
    "contraction",
    "churn",
    "reactivation",
    "closing",
    "period",
    "accounts",
)


@check_arguments
def arr_bridge(
    contracts: Iterable[Contract],
    period: Period,
    *,
    currency: Currency | str | None = None,
    rates: ExchangeRates | None = None,
) -> ArrBridge:
    """The ARR bridge of the book over ``period`` (half-open): opening ARR on the day before it,
    closing ARR on its last day, and each account's change classified (:class:`ArrBridge`).

    An account with no ARR on the day before and some on the last day is ``new``, or
    ``reactivation`` when it had ARR on any earlier day. A renewal and the contract it renews
    are one account's ARR, so a renewal is an expansion, a contraction or no movement — never
    churn and new.
    """
    day_before = opening_day(period)
    book = _Book(contracts, currency, rates)
    before, last = book.held([day_before, period.last_day])
    openings, closings = book.revenue(before, 12), book.revenue(last, 12)
    report = book.currency
    figures: list[tuple[str, Decimal, Decimal, ArrMovement]] = []
    for account in sorted(openings.keys() | closings.keys()):
        opening = openings.get(account, ZERO)
        closing = closings.get(account, ZERO)
        if opening or closing:
            figures.append((account, opening, closing, classify(opening, closing)))
    arrivals = {account for account, _, _, kind in figures if kind is ArrMovement.NEW}
    returning = book.had_arr_before(arrivals, period.start) if arrivals else set()
    rows: list[AccountArr] = []
    totals = dict.fromkeys(
        ("opening", "new", "expansion", "contraction", "churn", "reactivation", "closing"), ZERO
    )
    for account, opening, closing, movement in figures:
        if account in returning:
            movement = ArrMovement.REACTIVATION
        row = _new_account(
            account, Money._trusted(opening, report), Money._trusted(closing, report), movement
        )
        rows.append(row)
        for name, amount in movements(row).items():
            totals[name] = SUMS.add(totals[name], amount)
    money = [Money._trusted(amount, report) for amount in totals.values()]
    return _new_bridge(*money, period, tuple(rows))


@check_arguments
def net_revenue_retention(
    contracts: Iterable[Contract],
    period: Period,
    *,
    currency: Currency | str | None = None,
    rates: ExchangeRates | None = None,
) -> Decimal:
    """``(opening + expansion − contraction − churn) ÷ opening`` over ``period``, a ratio (1.05
    is 105 %): :attr:`ArrBridge.net_revenue_retention`. Only accounts with opening ARR count;
    a book without any is refused."""
    bridge = arr_bridge(contracts, period, currency=currency, rates=rates)
    return bridge.net_revenue_retention


@check_arguments
def gross_revenue_retention(
    contracts: Iterable[Contract],
    period: Period,
    *,
    currency: Currency | str | None = None,
    rates: ExchangeRates | None = None,
) -> Decimal:
    """``(opening − contraction − churn) ÷ opening`` over ``period``, a ratio:
    :attr:`ArrBridge.gross_revenue_retention`."""
    bridge = arr_bridge(contracts, period, currency=currency, rates=rates)
    return bridge.gross_revenue_retention
