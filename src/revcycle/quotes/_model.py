"""The values of a quote: the quote and its lines, and the priced quote and its lines.

A :class:`PricedLine` built by the engine keeps its raw numbers and builds its waterfall steps
each time they are read (:mod:`revcycle.quotes._explain`). Import the public names from
:mod:`revcycle.quotes`.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar, Final, Protocol, final, runtime_checkable

import attrs

from revcycle._display import ColumnKind, Columns, TypedRows, amount_text, html_table
from revcycle._numbers import CTX, ONE, ZERO, DecimalLike, fraction_to_decimal, plain, to_decimal
from revcycle._validate import (
    Validator,
    check_annotated,
    check_day,
    check_text,
    check_type,
    require_day,
    require_sequence,
    require_text,
    to_choice,
)
from revcycle.approvals import Approval, ApprovalPolicy
from revcycle.catalog import ChargeKind
from revcycle.dates import Duration, Period, anchored_date
from revcycle.errors import RevcycleTypeError, UnknownCodeError, ValidationError, shown
from revcycle.money import (
    Currency,
    Money,
    Percent,
    Rounding,
    check_percent_range,
    settled_percent,
    to_currency,
)
from revcycle.pricing import AnyPricingModel, Discount
from revcycle.proration import TERM_METHODS, Proration, ProrationMethod, term_multiplier_detail
from revcycle.quotes._exact import unit_price_per_term
from revcycle.quotes._explain import _Facts, _short
from revcycle.quotes._locked import LockedPrice
from revcycle.waterfall import StepName, WaterfallStep, check_step_order, waterfall_order


def _check_optional(kind: type[Any], what: str) -> Validator:
    return check_type(kind, f"a {kind.__name__} or None", what, optional=True)


def _quantity(value: DecimalLike) -> Decimal:
    quantity = to_decimal(value, "A quote line quantity")
    if quantity < 0:
        raise ValidationError(
            f"A quote line quantity must not be negative, got {plain(quantity)}; amendments "
            "price decreases, a new quote does not."
        )
    return quantity


def _check_flag(what: str) -> Validator:
    return check_type(bool, "True or False", what)


def _as_tuple(value: object, kind: type[Any], what: str) -> tuple[Any, ...]:
    return require_sequence(value, what, kind=kind, allow_mapping=False)


def _to_lines(value: Iterable[QuoteLine]) -> tuple[QuoteLine, ...]:
    return _as_tuple(value, QuoteLine, "Quote lines")


def _to_steps(value: Iterable[WaterfallStep]) -> tuple[WaterfallStep, ...]:
    return _as_tuple(value, WaterfallStep, "Waterfall steps")


def _to_priced_lines(value: Iterable[PricedLine]) -> tuple[PricedLine, ...]:
    return _as_tuple(value, PricedLine, "Priced lines")


def _to_approvals(value: Iterable[Approval]) -> tuple[Approval, ...]:
    return _as_tuple(value, Approval, "Approvals")


def _to_granted(value: Iterable[str]) -> tuple[str, ...]:
    levels = require_sequence(value, "Granted approval levels", kind=str, allow_mapping=False)
    return tuple(dict.fromkeys(levels))


def _not_required(level: str, required: tuple[str, ...]) -> str:
    needed = ", ".join(repr(r) for r in required) if required else "no approval"
    return f"The quote does not need the approval level {shown(level)}; it needs {needed}."


def _to_charge_kind(value: ChargeKind | str) -> ChargeKind:
    return to_choice(ChargeKind, value, "A charge kind")


# --------------------------------------------------------------------------------------------
# Quote


@final
@attrs.frozen
class QuoteLine:
    """One line of a quote: a SKU, a quantity, an optional manual discount and dates.

    ``discount`` is the rep's additional discount (:class:`~revcycle.pricing.Discount`:
    percent, amount off per unit, target unit price or target line total). ``start_date`` and
    ``end_date`` (inclusive, as CPQ users write them) default to the quote's; give them to
    ramp a line within the quote term. ``locked_price`` (a :class:`LockedPrice`, as a renewal
    carries it from the contract) replaces list at the ``contracted`` step and already holds the
    line's discounts, so a line has a discount or a locked price, not both.
    """

    sku: str = attrs.field(validator=check_text("A quote line sku"))
    quantity: Decimal = attrs.field(converter=_quantity)
    discount: Discount | None = attrs.field(
        default=None, kw_only=True, validator=_check_optional(Discount, "A line discount")
    )
    start_date: date | None = attrs.field(
        default=None, kw_only=True, validator=check_day("A line start date", optional=True)
    )
    end_date: date | None = attrs.field(
        default=None, kw_only=True, validator=check_day("A line end date", optional=True)
    )
    locked_price: LockedPrice | None = attrs.field(
        default=None, kw_only=True, validator=_check_optional(LockedPrice, "A locked price")
    )

    def __attrs_post_init__(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                f"Quote line {shown(self.sku)} ends on {self.end_date.isoformat()}, before it "
                f"starts on {self.start_date.isoformat()} (the end date is inclusive)."
            )
        if self.locked_price is not None and self.discount is not None:
            raise ValidationError(
                f"Quote line {shown(self.sku)} has a locked price ({self.locked_price.source}), "
                "which already holds the line's discounts; give a discount or a locked price, "
                "not both."
            )

    def with_quantity(self, quantity: Decimal | int | str) -> QuoteLine:
        """This line with another quantity."""
        return attrs.evolve(self, quantity=quantity)

    def with_discount(self, discount: Discount | None) -> QuoteLine:
        """This line with another additional discount (``None`` removes it)."""
        return attrs.evolve(self, discount=discount)


@runtime_checkable
class StructuredTerms(Protocol):
    """What a quote reads of structured payment terms: a
    :class:`revcycle.terms.PaymentTerms` (the terms engine comes after quotes in the layers, so
    the quote names what it needs of it rather than the class)."""

    def describe(self) -> str:
        """The terms as people write them (``"Net 60"``)."""

    def schedule(self, invoice_date: date, total: Money, untaxed: Money | None = None) -> Any:
        """When an invoice of ``total`` dated ``invoice_date`` falls due."""


def _check_payment_terms(_: object, __: object, value: Any) -> None:
    if isinstance(value, str):
        require_text(value, "A quote's payment terms", allow_empty=True)
        return
    if value is None or isinstance(value, StructuredTerms):
        return
    raise RevcycleTypeError(
        'A quote\'s payment terms must be text such as "Net 60", a PaymentTerms or None, not '
        f"{shown(value)}."
    )


def terms_text(terms: str | StructuredTerms) -> str:
    """Payment terms as people write them, whether the quote holds text or terms."""
    return terms if isinstance(terms, str) else terms.describe()


def _to_method(value: ProrationMethod | str) -> ProrationMethod:
    method = value if isinstance(value, ProrationMethod) else None
    if method is None and isinstance(value, str):
        method = next((m for m in ProrationMethod if m.value == value), None)
    if method not in TERM_METHODS:
        names = ", ".join(m.name for m in TERM_METHODS)
        raise ValidationError(
            f"A quote's proration method must be one of {names}; got {shown(value)}."
        )
    assert method is not None
    return method


@final
@attrs.frozen
class Quote:
    """A quote: who buys, in which currency and price book, for which term, and its lines.

    Give the term as ``term`` (a :class:`~revcycle.dates.Duration` from ``start_date``) or
    ``end_date`` (inclusive: a one-year quote from 2025-01-01 ends 2025-12-31), not both.
    ``proration_method`` turns each line's span into a term multiplier. ``partner_discount``
    and ``distributor_discount`` are quote-level percents. ``additional_discount_last`` and
    ``partner_discount_first`` are the two documented re-orderings of the waterfall.
    ``payment_terms`` is written text (``"Net 30"``) or a
    :class:`~revcycle.terms.PaymentTerms`, carried to the contract. ``rounding`` overrides
    half-up at the minor unit for line totals.
    """

    account: str = attrs.field(validator=check_text("A quote account"))
    currency: Currency = attrs.field(converter=to_currency)
    price_book: str = attrs.field(validator=check_text("A quote price book"))
    start_date: date = attrs.field()
    lines: tuple[QuoteLine, ...] = attrs.field(converter=_to_lines)
    term: Duration | None = attrs.field(
        default=None, kw_only=True, validator=_check_optional(Duration, "A quote term")
    )
    end_date: date | None = attrs.field(
        default=None, kw_only=True, validator=check_day("A quote end date", optional=True)
    )
    proration_method: ProrationMethod = attrs.field(
        default=ProrationMethod.MONTHLY_DAILY,
        kw_only=True,
        converter=_to_method,
    )
    partner_discount: Percent | None = attrs.field(
        default=None, kw_only=True, validator=check_percent_range("A partner discount")
    )
    distributor_discount: Percent | None = attrs.field(
        default=None, kw_only=True, validator=check_percent_range("A distributor discount")
    )
    additional_discount_last: bool = attrs.field(
        default=False, kw_only=True, validator=_check_flag("additional_discount_last")
    )
    partner_discount_first: bool = attrs.field(
        default=False, kw_only=True, validator=_check_flag("partner_discount_first")
    )
    approval_policy: ApprovalPolicy | None = attrs.field(
        default=None,
        kw_only=True,
        validator=_check_optional(ApprovalPolicy, "An approval policy"),
    )
    payment_terms: str | StructuredTerms | None = attrs.field(
        default=None, kw_only=True, validator=_check_payment_terms
    )
    rounding: Rounding | None = attrs.field(
        default=None, kw_only=True, validator=_check_optional(Rounding, "A rounding rule")
    )
    name: str | None = attrs.field(
        default=None, kw_only=True, validator=_check_optional(str, "A quote name")
    )

    @start_date.validator
    def _check_start(self, _: object, value: object) -> None:
        require_day(value, "A quote start date")

    def __attrs_post_init__(self) -> None:
        if (self.term is None) == (self.end_date is None):
            raise ValidationError(
                "A quote needs exactly one of term (a Duration) or end_date (inclusive); got "
                f"term={self.term} and end_date={self.end_date}."
            )
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValidationError(
                f"The quote ends on {self.end_date.isoformat()}, before it starts on "
                f"{self.start_date.isoformat()} (the end date is inclusive)."
            )
        period = self.period
        for number, line in enumerate(self.lines, 1):
            start, last = _line_bounds(line, period)
            if start < period.start or last > period.last_day or last < start:
                raise ValidationError(
                    f"Line {number} ({line.sku}) runs from {start.isoformat()} to "
                    f"{last.isoformat()}, outside the quote term {period.start.isoformat()} to "
                    f"{period.last_day.isoformat()} (end dates inclusive)."
                )

    @property
    def period(self) -> Period:
        """The quote term as a half-open :class:`~revcycle.dates.Period`."""
        if self.end_date is not None:
            return Period.inclusive(self.start_date, self.end_date)
        assert self.term is not None
        return Period(self.start_date, anchored_date(self.start_date, self.term, 1))

    @property
    def last_day(self) -> date:
        """The quote's inclusive end date."""
        return self.period.last_day

    def with_lines(self, lines: Iterable[QuoteLine]) -> Quote:
        """This quote with other lines."""
        return attrs.evolve(self, lines=lines)

    def add_line(self, line: QuoteLine) -> Quote:
        """This quote with one more line at the end."""
        return attrs.evolve(self, lines=(*self.lines, line))

    def with_approval_policy(self, policy: ApprovalPolicy | None) -> Quote:
        """This quote under another approval policy (``None``: no approvals)."""
        return attrs.evolve(self, approval_policy=policy)


def _order(quote: Quote) -> tuple[StepName, ...]:
    """The waterfall order under the quote's two re-ordering options."""
    return waterfall_order(
        additional_discount_last=quote.additional_discount_last,
        partner_discount_first=quote.partner_discount_first,
    )


def _line_bounds(line: QuoteLine, period: Period) -> tuple[date, date]:
    start = period.start if line.start_date is None else line.start_date
    last = period.last_day if line.end_date is None else line.end_date
    return start, last


# --------------------------------------------------------------------------------------------
# Priced results


def _check_steps(_: object, __: object, value: tuple[WaterfallStep, ...]) -> None:
    check_step_order([step.name for step in value])


@final
@attrs.frozen(kw_only=True, field_transformer=check_annotated)
class PricedLine:
    """One priced quote line: its waterfall steps, term multiplier and rounded net total.

    ``steps`` holds every step in the order applied; the unit prices after ``term`` (regular),
    ``additional`` (customer) and ``partner`` are named properties whatever the order, and
    :attr:`net_unit_price` is the price after the last step. Unit prices are unrounded term
    prices; ``net_total`` is ``net unit price × quantity`` rounded once. ``pricing_term`` (the
    product's, ``None`` for a one-time product), ``model`` (the price book's pricing model),
    ``discount`` (the rep's) and ``locked_price`` (a renewal's, from the contract) are what a
    contract needs besides the prices, so that it is built from the priced quote alone.
    """

    number: int
    sku: str
    name: str
    charge_kind: ChargeKind = attrs.field(converter=_to_charge_kind)
    quantity: Decimal
    period: Period
    term_multiplier: Decimal
    steps: tuple[WaterfallStep, ...] = attrs.field(converter=_to_steps, validator=_check_steps)
    net_total: Money
    # What a contract reads of the line besides its prices (on an engine-built line, read
    # from its trace on first access).
    pricing_term: Duration | None = attrs.field(
        default=None, validator=_check_optional(Duration, "A priced line's pricing term")
    )
    model: AnyPricingModel | None = attrs.field(
        default=None,
        validator=check_type(
            typing.get_args(AnyPricingModel),
            "a pricing model or None",
            "A priced line's model",
            optional=True,
        ),
    )
    discount: Discount | None = attrs.field(
        default=None, validator=_check_optional(Discount, "A priced line's discount")
    )
    locked_price: LockedPrice | None = attrs.field(
        default=None, validator=_check_optional(LockedPrice, "A priced line's locked price")
    )
    # An engine-built line leaves ``steps`` and ``net_total`` empty and keeps its own numbers
    # here: the facts it shares with the quote's other lines of its SKU and span (an
    # ``_explain._Facts``), the unit price after each step and the rounded net amount. The
    # arithmetic is eager, the explanation lazy: ``steps`` is built from these each time it is
    # read (not kept, so that a large quote whose steps are read once keeps no step objects).
    _facts: _Facts | None = attrs.field(init=False, default=None, eq=False, hash=False, repr=False)
    _step_prices: Sequence[Decimal] | None = attrs.field(
        init=False, default=None, eq=False, hash=False, repr=False
    )
    _net: Decimal | None = attrs.field(init=False, default=None, eq=False, hash=False, repr=False)

    if not TYPE_CHECKING:  # hidden from type checkers, so a misspelt attribute is still caught

        def __getattr__(self, name: str) -> Any:
            # Only reached when a slot the engine leaves empty is read: ``steps``, built from
            # the line's numbers and facts on every read, or ``net_total`` and the fields the
            # facts hold (``model``, ``pricing_term``, ``locked_price``), kept once read.
            facts = object.__getattribute__(self, "_facts")
            if facts is not None:
                if name == "steps":
                    return facts.trace(self._step_prices, self.quantity, self.discount).steps()
                if name == "net_total":
                    value = Money._trusted(self._net, facts.context.currency)
                elif name == "locked_price":
                    source = facts.contracted
                    value = source if isinstance(source, LockedPrice) else None
                elif name in ("model", "pricing_term"):
                    value = getattr(facts.sku, name)
                else:
                    raise AttributeError(
                        f"{shown(type(self).__name__)} object has no attribute {shown(name)}"
                    )
                object.__setattr__(self, name, value)
                return value
            raise AttributeError(
                f"{shown(type(self).__name__)} object has no attribute {shown(name)}"
            )

    @property
    def currency(self) -> Currency:
        """The currency of the line."""
        facts = self._facts
        if facts is not None:
            return facts.context.currency
        return self.net_total.currency

    def _after(self, name: StepName) -> Money:
        facts = self._facts
        if facts is not None:
            context = facts.context
            prices = self._step_prices
            assert prices is not None
            return Money._trusted(prices[context.position[name]], context.currency)
        # Every priced line carries every step of the waterfall (read back from JSON too).
        return {step.name: step.unit_price for step in self.steps}[name]

    def _prices(self) -> tuple[Sequence[StepName], Sequence[Decimal]]:
        """The names of the steps in order and the unit price after each, without building
        the steps of an engine-built line."""
        facts = self._facts
        prices = self._step_prices
        if facts is not None and prices is not None:
            return facts.context.order, prices
        steps = self.steps
        return [step.name for step in steps], [step.unit_price.amount for step in steps]

    def _exact_multiplier(self, method: ProrationMethod) -> Fraction:
        """The exact term multiplier of a recurring line under the quote's ``method``: the
        engine's own, or counted again from the period and pricing term and checked against
        :attr:`term_multiplier` (a line read from JSON)."""
        facts = self._facts
        if facts is not None and isinstance(facts.proration, Proration):
            exact: Fraction = facts.proration.exact
            return exact
        if self.pricing_term is None:
            raise ValidationError(
                f"Line {self.number} ({self.sku}) is recurring but has no pricing term, so its "
                "price per pricing term is unknown."
            )
        period = self.period
        exact = term_multiplier_detail(period.start, period.end, self.pricing_term, method).exact
        if fraction_to_decimal(exact) != self.term_multiplier:
            raise ValidationError(
                f"Line {self.number} ({self.sku}) has the term multiplier "
                f"{plain(self.term_multiplier)}, but {period} counts "
                f"{_short(fraction_to_decimal(exact))} terms of {self.pricing_term} under "
                f"{method.value}."
            )
        return exact

    @property
    def list_unit_price(self) -> Money:
        """The unit price after the ``list`` step (price book or tiered effective price)."""
        return self._after(StepName.LIST)

    @property
    def regular_unit_price(self) -> Money:
        """The unit price after the ``term`` step: system discounts and proration applied."""
        return self._after(StepName.TERM)

    @property
    def customer_unit_price(self) -> Money:
        """The unit price after the ``additional`` step (the rep's discount)."""
        return self._after(StepName.ADDITIONAL)

    @property
    def partner_unit_price(self) -> Money:
        """The unit price after the ``partner`` step."""
        return self._after(StepName.PARTNER)

    @property
    def net_unit_price(self) -> Money:
        """The final unit price, after every step."""
        prices = self._step_prices
        if prices is not None:
            return Money._trusted(prices[-1], self.currency)
        return self.steps[-1].unit_price

    @property
    def effective_discount(self) -> Percent:
        """The discount off the prorated list price: ``1 − net ÷ (list × term multiplier)``.

        Rounded half-even to 30 decimal places of a percentage point (the approval rules
        compare at that precision), so a 20 % discount over a fractional term is exactly 20 %
        and not 20.000…001 % from the last digit of the 50-digit arithmetic. Zero when the
        prorated list price is zero.
        """
        base = CTX.multiply(self.list_unit_price.amount, self.term_multiplier)
        if base.is_zero():
            return Percent(ZERO)
        return settled_percent(CTX.subtract(ONE, CTX.divide(self.net_unit_price.amount, base)))

    def explain(self) -> str:
        """The line's waterfall for people: one row per step, then the rounded total."""
        unit = self.net_unit_price
        if self.charge_kind is ChargeKind.ONE_TIME:
            when = f"one-time, on {self.period.start.isoformat()}"
        else:
            when = (
                f"{self.charge_kind.value}, {self.period.start.isoformat()} to "
                f"{self.period.last_day.isoformat()}"
            )
        rows = [f"Line {self.number}: {plain(self.quantity)} × {self.sku} ({self.name}), {when}"]
        rows.extend(
            f"  {step.name.value:<12}{amount_text(step.unit_price):>18}  {step.reason}"
            for step in self.steps
        )
        rows.append(
            f"  {'net total':<12}{self.net_total!s:>18}  {amount_text(unit)} × "
            f"{plain(self.quantity)}, rounded once"
        )
        return "\n".join(rows)


# One row per line, for to_records(), to_arrow() and to_pandas().
_LINE_COLUMNS: Final = {
    "line": ColumnKind.INTEGER,
    "sku": ColumnKind.CHOICE,
    "name": ColumnKind.TEXT,
    "charge_kind": ColumnKind.CHOICE,
    "quantity": ColumnKind.QUANTITY,
    "start_date": ColumnKind.DATE,
    "end_date": ColumnKind.DATE,
    "term_multiplier": ColumnKind.PRECISE,
    "list_unit_price": ColumnKind.PRECISE,
    "regular_unit_price": ColumnKind.PRECISE,
    "customer_unit_price": ColumnKind.PRECISE,
    "partner_unit_price": ColumnKind.PRECISE,
    "net_unit_price": ColumnKind.PRECISE,
    "net_total": ColumnKind.AMOUNT,
    "currency": ColumnKind.CHOICE,
}


@final
@attrs.frozen(kw_only=True, field_transformer=check_annotated)
class PricedQuote(TypedRows):
    """A priced quote: its lines, the totals finance reads, and the approvals it needs.

    * ``one_time_total``: sum of one-time lines; ``recurring_total``: sum of recurring lines
      over their terms; ``tcv`` (total contract value): one-time plus recurring.
    * ``usage_total``: the usage lines at their quoted (estimated) quantities, shown but not
      in the TCV.
    * ``term_months``: the quote term in months under the quote's proration method
      (``MONTHLY_DAILY``: whole months, then leftover days × 12/365).
    * ``mrr``: ``recurring_total ÷ term_months`` — the average monthly recurring revenue over
      the whole quote term, so a ramp averages out; ``arr`` is 12 × that exact average. Both
      are rounded once, half-up.

    Every total is a sum of rounded line totals.
    """

    quote: Quote
    lines: tuple[PricedLine, ...] = attrs.field(converter=_to_priced_lines)
    one_time_total: Money
    recurring_total: Money
    usage_total: Money
    tcv: Money
    term_months: Decimal
    mrr: Money
    arr: Money
    approvals: tuple[Approval, ...] = attrs.field(converter=_to_approvals)
    granted: tuple[str, ...] = attrs.field(default=(), converter=_to_granted)

    def __attrs_post_init__(self) -> None:
        required = self.approval_levels
        for level in self.granted:
            if level not in required:
                raise UnknownCodeError(_not_required(level, required))

    @property
    def currency(self) -> Currency:
        """The quote currency."""
        return self.quote.currency

    @property
    def pending_approvals(self) -> tuple[str, ...]:
        """The approval levels the quote needs and has not been granted, in the order the
        rules fired; empty when it may become a contract."""
        granted = self.granted
        return tuple(level for level in self.approval_levels if level not in granted)

    def approve(self, *levels: str) -> PricedQuote:
        """This priced quote with the approval ``levels`` granted (kept in ``granted``).

        A level the quote does not need is an :class:`~revcycle.errors.UnknownCodeError`;
        granting a level twice is harmless. Prices and approvals are unchanged.
        """
        required = self.approval_levels
        for level in levels:
            require_text(level, "An approval level")
            if level not in required:
                raise UnknownCodeError(_not_required(level, required))
        return attrs.evolve(self, granted=(*self.granted, *levels))

    def unit_prices_per_term(self) -> tuple[Money, ...]:
        """Each line's net unit price per pricing term, in line order: the final unit price ÷
        the term multiplier, worked out from exact rationals (1,200.00 a year over 199 days
        comes back as exactly 1,200.00), then to 50 significant digits. A one-time or usage
        line's is its net unit price. This is the price a contract locks."""
        currency = self.currency
        return tuple(
            Money._trusted(fraction_to_decimal(exact), currency)
            for exact in self._exact_unit_prices_per_term()
        )

    def _exact_unit_prices_per_term(self) -> list[Fraction]:
        quote = self.quote
        method = quote.proration_method
        found = []
        for line in self.lines:
            names, prices = line._prices()
            if line.charge_kind is not ChargeKind.RECURRING:
                found.append(Fraction(prices[-1]))
                continue
            found.append(
                unit_price_per_term(
                    names,
                    prices,
                    line._exact_multiplier(method),
                    discount=line.discount,
                    uplift=None if line.locked_price is None else line.locked_price.uplift,
                    quantity=line.quantity,
                    partner=quote.partner_discount,
                    distributor=quote.distributor_discount,
                    line=f"Line {line.number} ({line.sku})",
                )
            )
        return found

    @property
    def needs_approval(self) -> bool:
        """True when any approval rule fired."""
        return bool(self.approvals)

    @property
    def approval_levels(self) -> tuple[str, ...]:
        """The distinct approval levels needed, in the order the rules fired."""
        return tuple(dict.fromkeys(a.level for a in self.approvals))

    def _granted(self, approval: Approval) -> str:
        return " (granted)" if approval.level in self.granted else ""

    def explain(self) -> str:
        """The whole quote for people: each line's waterfall, the totals and the approvals."""
        quote = self.quote
        period = quote.period
        head = [
            (
                f"Quote{' ' + quote.name if quote.name else ''} for {quote.account} in "
                f"{quote.currency.code}, price book {quote.price_book}: "
                f"{period.start.isoformat()} to {period.last_day.isoformat()} "
                f"({_short(self.term_months)} months, {quote.proration_method.value})"
            ),
        ]
        order = ", ".join(step.value for step in _order(quote))
        head.append(f"Waterfall order: {order}.")
        if any(line.locked_price is not None for line in quote.lines):
            head.append(
                "Lines with a locked price (from a contract): list, contracted, volume, "
                "additional, partner, distributor, term, then uplift when raised."
            )
        if quote.payment_terms:
            head.append(f"Payment terms: {terms_text(quote.payment_terms)}.")
        body = [line.explain() for line in self.lines]
        totals = [
            "Totals (sums of rounded line totals):",
            f"  one-time   {self.one_time_total}",
            f"  recurring  {self.recurring_total}",
            f"  TCV        {self.tcv}",
            f"  MRR        {self.mrr}  (recurring ÷ {_short(self.term_months)} months)",
            f"  ARR        {self.arr}  (12 × MRR before rounding)",
            f"  usage      {self.usage_total}  (estimated at the quoted quantities; not in TCV)",
        ]
        if self.approvals:
            totals.append("Approvals needed:")
            totals += [f"  {a.level}: {a.reason}{self._granted(a)}" for a in self.approvals]
        else:
            totals.append("No approval needed.")
        return "\n\n".join(["\n".join(head), *body, "\n".join(totals)])

    _columns: ClassVar[Columns] = _LINE_COLUMNS

    def _rows(self) -> list[dict[str, Any]]:
        """One row per line: ``end_date`` is the line's last day (inclusive, as quoted)."""
        return [
            {
                "line": line.number,
                "sku": line.sku,
                "name": line.name,
                "charge_kind": line.charge_kind,
                "quantity": line.quantity,
                "start_date": line.period.start,
                "end_date": line.period.last_day,
                "term_multiplier": line.term_multiplier,
                "list_unit_price": line.list_unit_price.amount,
                "regular_unit_price": line.regular_unit_price.amount,
                "customer_unit_price": line.customer_unit_price.amount,
                "partner_unit_price": line.partner_unit_price.amount,
                "net_unit_price": line.net_unit_price.amount,
                "net_total": line.net_total.amount,
                "currency": line.currency.code,
            }
            for line in self.lines
        ]

    def _repr_html_(self) -> str:
        rows = [
            [
                line.number,
                line.sku,
                line.charge_kind.value,
                plain(line.quantity),
                _short(line.term_multiplier),
                amount_text(line.list_unit_price),
                amount_text(line.regular_unit_price),
                amount_text(line.customer_unit_price),
                amount_text(line.net_unit_price),
                str(line.net_total),
            ]
            for line in self.lines
        ]
        footer = [
            (
                f"One-time {self.one_time_total} · recurring {self.recurring_total} · "
                f"TCV {self.tcv} · MRR {self.mrr} · ARR {self.arr} · usage (not in TCV) "
                f"{self.usage_total}"
            ),
            *(f"Approval ({a.level}): {a.reason}{self._granted(a)}" for a in self.approvals),
        ]
        return html_table(
            f"Quote for {self.quote.account}",
            ["#", "sku", "charge", "qty", "term ×", "list", "regular", "customer", "net", "total"],
            rows,
            right=[3, 4, 5, 6, 7, 8, 9],
            footer=footer,
        )
