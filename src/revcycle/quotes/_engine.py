"""The quote pricing engine: every line through the price waterfall, then totals and approvals.

:func:`price_quote` opens one ``decimal.localcontext(CTX)`` per quote and runs each step on raw
Decimals through the fast paths that sit next to their public twins (a model's
``_unit_in_context``, ``DiscountSchedule._plan()``, ``Discount._apply_in_context``); each
line keeps its unit prices and the facts it shares with the lines of its SKU and span, from
which its steps are explained on demand (:mod:`revcycle.quotes._explain`). Import
:func:`price_quote` from :mod:`revcycle.quotes`.
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Final, NamedTuple, final

import attrs

from revcycle._numbers import CTX, HUNDRED, ONE, ZERO, fraction_to_decimal
from revcycle._validate import trusted
from revcycle.approvals import evaluate
from revcycle.catalog import Catalog, ChargeKind, ContractedPrice, PriceBook, Product
from revcycle.dates import Duration, Period
from revcycle.errors import (
    CurrencyMismatchError,
    ProrationError,
    RevcycleTypeError,
    ValidationError,
    shown,
)
from revcycle.money import Currency, Money, Percent, Rounding
from revcycle.pricing import AnyPricingModel
from revcycle.proration import Proration, ProrationMethod, term_multiplier_detail
from revcycle.quotes._explain import _Context, _Facts
from revcycle.quotes._locked import LockedPrice, renewal_order
from revcycle.quotes._model import PricedLine, PricedQuote, Quote, _order
from revcycle.waterfall import StepName, waterfall_order


def price_quote(quote: Quote, catalog: Catalog) -> PricedQuote:
    """Price every line of ``quote`` from ``catalog`` through the price waterfall.

    Raises :class:`~revcycle.errors.UnknownCodeError` for a SKU, price book or price the
    catalog lacks, and :class:`~revcycle.errors.ValidationError` (or a subclass such as
    :class:`~revcycle.errors.CurrencyMismatchError`) for a price or discount that cannot
    apply: one in another currency, or one that takes a unit price below zero.

    The arithmetic runs in revcycle's own 50-digit context (one ``decimal.localcontext`` per
    call), never the caller's, which is restored on return. Each line's steps are built when
    they are read; the unit prices and totals are computed here.
    """
    if not isinstance(quote, Quote):
        raise RevcycleTypeError(f"price_quote() needs a Quote, not {shown(quote)}.")
    if not isinstance(catalog, Catalog):
        raise RevcycleTypeError(f"price_quote() needs a Catalog, not {shown(catalog)}.")
    try:
        return _price(quote, catalog)
    except decimal.DecimalException:
        raise ValidationError(
            "A quantity or price on the quote is too large to compute exactly in revcycle's "
            "50-digit context."
        ) from None


def _price(quote: Quote, catalog: Catalog) -> PricedQuote:
    currency = quote.currency
    book = catalog.price_book(quote.price_book, currency)
    tier_quantities = _tier_quantities(quote, catalog)
    # One local context for the whole quote: the hot loop then uses Decimal operators, several
    # times cheaper than CTX method calls, with the same precision, rounding and traps. The
    # caller's context is untouched and restored on exit.
    with decimal.localcontext(CTX):
        lines, sums = _price_lines(quote, catalog, book, tier_quantities)

    one_time = sums[ChargeKind.ONE_TIME]
    recurring = sums[ChargeKind.RECURRING]
    months = _term_months(quote)
    # A term that counts no months (one day on the 30th under 30/360) has no monthly rate: its
    # recurring lines are worth nothing, and MRR and ARR are zero rather than a division by zero.
    monthly = CTX.divide(recurring, fraction_to_decimal(months)) if months else Decimal(0)
    rule = quote.rounding or Rounding()
    result = PricedQuote(
        quote=quote,
        lines=lines,
        one_time_total=Money._trusted(one_time, currency),
        recurring_total=Money._trusted(recurring, currency),
        usage_total=Money._trusted(sums[ChargeKind.USAGE], currency),
        tcv=Money._trusted(CTX.add(one_time, recurring), currency),
        term_months=fraction_to_decimal(months),
        mrr=Money._trusted(rule.quantize(monthly, currency), currency),
        arr=Money._trusted(rule.quantize(CTX.multiply(monthly, _TWELVE), currency), currency),
        approvals=(),
    )
    if quote.approval_policy is not None:
        approvals = evaluate(quote.approval_policy, result, catalog)
        result = attrs.evolve(result, approvals=approvals)
    return result


class _Term(NamedTuple):
    """A line's term step, ready for the hot loop: its explanation and its factors."""

    proration: Proration | str  # a Proration, or the reason a line has no term
    value: Decimal  # the multiplier as a Decimal (PricedLine.term_multiplier)
    numerator: Decimal
    denominator: Decimal | None  # None for a whole multiplier: one multiplication
    scaled: bool  # False for × 1: the step leaves the price alone


_ONE_TIME: Final = _Term("× 1: a one-time charge has no term", ONE, ONE, None, False)
_USAGE: Final = _Term("× 1: usage is priced per unit used", ONE, ONE, None, False)


def _term(
    kind: ChargeKind,
    per: Duration | None,
    span: Period,
    method: ProrationMethod,
    number: int,
    sku: str,
) -> _Term:
    """The term step of line ``number`` (of ``kind``, priced per ``per``) over ``span``."""
    if kind is ChargeKind.ONE_TIME:
        return _ONE_TIME
    if kind is not ChargeKind.RECURRING:
        return _USAGE
    assert per is not None
    try:
        detail = term_multiplier_detail(span.start, span.end, per, method)
    except ProrationError as error:
        # Name the line: the method is the quote's, the pricing term the product's.
        text = str(error)
        raise ProrationError(f"Line {number} ({sku}): {text[:1].lower()}{text[1:]}") from None
    exact = detail.exact
    whole = exact.denominator == 1
    return _Term(
        proration=detail,
        value=fraction_to_decimal(exact),
        numerator=Decimal(exact.numerator),
        denominator=None if whole else Decimal(exact.denominator),
        scaled=exact != 1,
    )


def _shared_term(
    shared: dict[tuple[ChargeKind, Duration | None, date, date], _Term],
    plan: _Sku,
    span: Period,
    method: ProrationMethod,
    number: int,
    sku: str,
) -> _Term:
    """The term step of line ``number`` (``sku``, of ``plan``) over ``span``, counted once per
    charge kind, pricing term and span of a quote and shared by every SKU that has them."""
    key = (plan.kind, plan.per, span.start, span.end)
    term = shared.get(key)
    if term is None:
        term = shared[key] = _term(plan.kind, plan.per, span, method, number, sku)
    return term


def _scale(unit: Decimal, term: _Term) -> Decimal:
    """``scale_exact(unit, multiplier)`` inside the engine's context: multiply, then divide."""
    if not term.scaled:
        return unit
    if term.denominator is None:
        return unit * term.numerator
    return unit * term.numerator / term.denominator


@final
class _Sku:
    """What every line of one SKU shares within one priced quote, looked up once."""

    __slots__ = (
        "contracted",
        "facts",
        "kind",
        "list_unit",
        "model",
        "name",
        "per",
        "pricing_term",
        "schedule",
        "schedule_plan",
        "term",
    )

    def __init__(
        self, product: Product, model: AnyPricingModel, contracted: ContractedPrice | None
    ) -> None:
        self.model = model
        self.list_unit = model._unit_in_context
        self.name = product.name
        self.kind = product.charge_kind
        self.per = product.pricing_term
        # What the priced line carries: a one-time product has no pricing term.
        self.pricing_term = None if self.kind is ChargeKind.ONE_TIME else self.per
        self.schedule = product.discount_schedule
        self.schedule_plan = None if self.schedule is None else self.schedule._plan()
        # For the lines that run over the whole quote term (most of them): the contracted
        # price valid on the quote's start date, and the term step once it is first needed.
        self.contracted = contracted
        self.term: _Term | None = None
        self.facts: _Facts | None = None


# PricedLine filled directly by the engine: every value is computed and checked there, so
# attrs' __init__ (converters, validators) would only repeat the work. The steps, net total,
# model, pricing term and locked price are left empty: PricedLine.__getattr__ makes them from
# the line's unit prices, net amount and _Facts on demand. One object per line (the line; its
# tuple of unit prices holds only Decimals, which the collector stops tracking): at 10⁵ lines
# the cyclic collector's full passes over a trace and a Money per line took a third of the
# pricing time.
_trusted_line: Final = trusted(
    PricedLine,
    "number",
    "sku",
    "name",
    "charge_kind",
    "quantity",
    "period",
    "term_multiplier",
    "discount",
    "_facts",
    "_step_prices",
    "_net",
)


_DEFAULT_ORDER: Final = waterfall_order()


def _complement(percent: Percent | None) -> Decimal | None:
    if percent is None or percent.value.is_zero():
        return None
    return percent.complement()


def _contracted_unit(
    contracted: ContractedPrice, unit: Decimal, currency: Currency, number: int, sku: str
) -> Decimal:
    """The unit price after the contracted step, inside the engine's context."""
    if contracted.price is not None:
        if contracted.price.currency != currency:
            raise CurrencyMismatchError(
                f"Line {number} ({sku}): the contracted price for {contracted.account} is in "
                f"{contracted.price.currency.code}, but the quote is in {currency.code}."
            )
        return contracted.price.amount
    assert contracted.discount is not None
    return unit * (ONE - contracted.discount.value / HUNDRED)  # × complement()


def _locked_prices(
    locked: LockedPrice, list_price: Decimal, term: _Term, plan: _Sku, currency: Currency, line: str
) -> tuple[Decimal, ...]:
    """The unit prices after each step of a line with a locked price, in
    :func:`~revcycle.quotes._locked.renewal_order`; inside the engine's context."""
    price = locked.unit_price
    if price.currency != currency:
        raise CurrencyMismatchError(
            f"{line}: the locked price from {locked.source} is in {price.currency.code}, but "
            f"the quote is in {currency.code}."
        )
    if locked.pricing_term != plan.pricing_term:
        raise ValidationError(
            f"{line}: the locked price from {locked.source} is per {locked.pricing_term}, but "
            f"the product is now priced per {plan.pricing_term}; renew it at today's prices "
            "instead."
        )
    unit = price.amount
    scaled = _scale(unit, term)
    if locked.uplift is None:
        return (list_price, unit, unit, unit, unit, unit, scaled)
    return (list_price, unit, unit, unit, unit, unit, scaled, scaled * locked.uplift_factor())


def _price_lines(
    quote: Quote,
    catalog: Catalog,
    book: PriceBook,
    tier_quantities: dict[str, Decimal],
) -> tuple[list[PricedLine], dict[ChargeKind, Decimal]]:
    """Price every line; must run inside ``decimal.localcontext(CTX)``.

    Returns the priced lines and the sums of their rounded totals per charge kind.
    """
    currency = quote.currency
    context = _Context(
        account=quote.account,
        currency=currency,
        price_book=quote.price_book,
        order=_order(quote),
        partner_discount=quote.partner_discount,
        distributor_discount=quote.distributor_discount,
    )
    rounding = quote.rounding
    quantum = currency.quantum
    period = quote.period
    order = context.order
    account = quote.account
    method = quote.proration_method
    partner_factor = _complement(quote.partner_discount)
    distributor_factor = _complement(quote.distributor_discount)
    # The contexts of lines with a locked price (without, then with an uplift), made on demand.
    locked_contexts: dict[bool, _Context] = {}
    # Lines of a large quote repeat SKUs, spans and terms: look each up and count each once.
    # A term step depends on the charge kind, the pricing term and the span (the method is
    # the quote's), not on the SKU: SKUs priced per the same term over the same span share
    # one (``shared``). The facts a line keeps for its explanation are made once per SKU and
    # span: on the SKU's _Sku for the quote's own span, in ``ramps`` for a ramped line's.
    skus: dict[str, _Sku] = {}
    spans: dict[tuple[date, date], Period] = {}
    shared: dict[tuple[ChargeKind, Duration | None, date, date], _Term] = {}
    ramps: dict[tuple[str, date, date], tuple[_Facts, _Term, ContractedPrice | None]] = {}
    contracts: dict[tuple[str, date], ContractedPrice | None] = {}
    one_day = timedelta(days=1)
    half_up = decimal.ROUND_HALF_UP
    default_order = order == _DEFAULT_ORDER
    new_line = _trusted_line

    lines: list[PricedLine] = []
    sums = dict.fromkeys(ChargeKind, ZERO.quantize(quantum))
    for number, line in enumerate(quote.lines, 1):
        sku = line.sku
        plan = skus.get(sku)
        if plan is None:
            plan = skus[sku] = _Sku(
                catalog.product(sku),
                book.model(sku),
                catalog.contracted_price(account, sku, period.start),
            )
        kind = plan.kind
        quantity = line.quantity

        term: _Term | None
        if line.start_date is None and line.end_date is None:
            span = period
            term = plan.term
            facts = plan.facts
            if term is None or facts is None:
                term = plan.term = _shared_term(shared, plan, span, method, number, sku)
                facts = plan.facts = _facts(
                    context, plan, plan.contracted, term, tier_quantities, sku
                )
            contracted = plan.contracted
        else:
            start = period.start if line.start_date is None else line.start_date
            end = period.end if line.end_date is None else line.end_date + one_day
            known = spans.get((start, end))
            if known is None:
                known = spans[(start, end)] = Period(start, end)
            span = known
            ramp = ramps.get((sku, start, end))
            if ramp is None:
                if (sku, start) in contracts:
                    contracted = contracts[(sku, start)]
                else:
                    contracted = contracts[(sku, start)] = catalog.contracted_price(
                        account, sku, start
                    )
                term = _shared_term(shared, plan, span, method, number, sku)
                ramp = ramps[(sku, start, end)] = (
                    _facts(context, plan, contracted, term, tier_quantities, sku),
                    term,
                    contracted,
                )
            facts, term, contracted = ramp

        schedule_plan = plan.schedule_plan
        schedule_quantity = facts.schedule_quantity
        if schedule_quantity is None:
            schedule_quantity = quantity
        discount = line.discount

        unit = plan.list_unit(quantity)
        prices: Sequence[Decimal]
        locked = line.locked_price
        if locked is not None:
            # A renewal's line: priced from the contract, in the renewal's order of steps.
            prices = _locked_prices(locked, unit, term, plan, currency, f"Line {number} ({sku})")
            unit = prices[-1]
            uplifted = locked.uplift is not None
            known_context = locked_contexts.get(uplifted)
            if known_context is None:
                known_context = locked_contexts[uplifted] = _Context(
                    account=account,
                    currency=currency,
                    price_book=quote.price_book,
                    order=renewal_order(uplift=uplifted),
                    partner_discount=quote.partner_discount,
                    distributor_discount=quote.distributor_discount,
                )
            facts = _Facts(
                known_context, plan, locked, plan.schedule, facts.schedule_quantity, term.proration
            )
        elif default_order:
            # Straight-line code for the usual order (the loop below handles re-orderings).
            # It is kept for speed: the loop compares each step with StepName members, and
            # benchmarks/bench_quote.py's 1,000 lines take about 1.8× as long through it (5.8 ms
            # against 3.2 ms, best of 15 runs on Python 3.11).
            list_price = unit
            if contracted is not None:
                unit = _contracted_unit(contracted, unit, currency, number, sku)
            contracted_price = unit
            if schedule_plan is not None:
                unit = schedule_plan.unit_price(unit, schedule_quantity, currency, number, sku)
            volume_price = unit
            if term.scaled:  # _scale, inline
                unit = unit * term.numerator
                if term.denominator is not None:
                    unit = unit / term.denominator
            regular = unit
            if discount is not None:
                factor = discount._factor
                if factor is not None:  # a percent: Discount._apply_in_context, inline
                    unit = unit * factor
                else:
                    unit = discount._apply_in_context(unit, quantity, currency, number, sku)
            customer = unit
            if partner_factor is not None:
                unit = unit * partner_factor
            partner = unit
            if distributor_factor is not None:
                unit = unit * distributor_factor
            prices = (list_price, contracted_price, volume_price, regular, customer, partner, unit)
        else:
            steps: list[Decimal] = []
            for name in order:
                if name is StepName.CONTRACTED:
                    if contracted is not None:
                        unit = _contracted_unit(contracted, unit, currency, number, sku)
                elif name is StepName.VOLUME:
                    if schedule_plan is not None:
                        unit = schedule_plan.unit_price(
                            unit, schedule_quantity, currency, number, sku
                        )
                elif name is StepName.TERM:
                    unit = _scale(unit, term)
                elif name is StepName.ADDITIONAL:
                    if discount is not None:
                        unit = discount._apply_in_context(unit, quantity, currency, number, sku)
                elif name is StepName.PARTNER:
                    if partner_factor is not None:
                        unit = unit * partner_factor
                elif name is StepName.DISTRIBUTOR and distributor_factor is not None:
                    unit = unit * distributor_factor
                steps.append(unit)
            prices = tuple(steps)  # holds Decimals only: the collector stops tracking it

        if rounding is None:
            # Positional: Decimal.quantize parses keyword arguments slowly.
            net_total = (unit * quantity).quantize(quantum, half_up)
        else:
            net_total = rounding.quantize(unit * quantity, currency)
        sums[kind] += net_total

        # The steps and the net total's Money are left to PricedLine.__getattr__, which makes
        # them from the line's numbers and facts on demand: the arithmetic is eager, the
        # explanation lazy.
        priced = new_line(
            number,
            sku,
            plan.name,
            kind,
            quantity,
            span,
            term.value,
            discount,
            facts,
            prices,
            net_total,
        )
        lines.append(priced)
    return lines, sums


def _facts(
    context: _Context,
    plan: _Sku,
    contracted: ContractedPrice | None,
    term: _Term,
    tier_quantities: dict[str, Decimal],
    sku: str,
) -> _Facts:
    """The facts the lines of ``sku`` (``plan``) over one span share: with ``contracted`` (the
    price valid on the span's first day) and ``term`` (its term step)."""
    schedule = plan.schedule
    aggregated = schedule is not None and schedule.aggregate
    return _Facts(
        context,
        plan,
        contracted,
        schedule,
        tier_quantities[sku] if aggregated else None,
        term.proration,
    )


_TWELVE: Final = Decimal(12)


def _term_months(quote: Quote) -> Fraction:
    period = quote.period
    detail = term_multiplier_detail(
        period.start, period.end, Duration(months=1), quote.proration_method
    )
    return detail.exact


def _tier_quantities(quote: Quote, catalog: Catalog) -> dict[str, Decimal]:
    """Quantities summed per SKU across the quote, for schedules that aggregate.

    Also the first look-up of every line's SKU, so an unknown SKU is reported before any line
    is priced.
    """
    totals: dict[str, Decimal] = {}
    aggregates: dict[str, bool] = {}
    for line in quote.lines:
        sku = line.sku
        aggregate = aggregates.get(sku)
        if aggregate is None:
            schedule = catalog.product(sku).discount_schedule
            aggregate = aggregates[sku] = schedule is not None and schedule.aggregate
        if aggregate:
            totals[sku] = CTX.add(totals.get(sku, ZERO), line.quantity)
    return totals
