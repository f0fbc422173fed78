"""Renewals: the quote that renews a contract, read from it and priced by the quote engine.

:func:`renew` builds the renewal :class:`~revcycle.quotes.Quote` from the contract alone and
prices it with :func:`~revcycle.quotes.price_quote` — there is no second waterfall
(docs/reference/renewals.md). Its rules:

1. **Dates.** The renewal starts the day after the contract's last day and runs for the
   contract's term — whole months when the contract spans whole months (a three-year contract
   renews for 36 months), else the same number of days — unless ``term=`` is given.
2. **Lines.** One line per line of the contract (a quote line, or a new product an amendment
   added), with the quantity it holds on the contract's last day: its segment plus every delta
   segment that changed it. Lines at zero (cancelled) and one-time lines are dropped.
3. **Prices**, by :class:`RenewalPricing`:

   * ``SAME``: each recurring line keeps its locked net unit price per pricing term
     (:class:`~revcycle.quotes.LockedPrice`): its steps run ``list`` (the price book now, for
     reference), ``contracted`` (the locked price, naming the contract and version),
     ``volume``, ``additional``, ``partner``, ``distributor`` unchanged (those discounts are
     inside the locked price), then ``term`` (× the renewal's term multiplier);
   * ``UPLIFT``: the same, then a last ``uplift`` step × (1 + ``uplift``);
   * ``LIST``: today's price book through the whole waterfall (contracted prices, the discount
     schedule, the term multiplier), the rep's additional and the distributor discounts
     cleared, the partner discount kept.

   A usage line has no locked unit price (usage is rated by a model): it renews at the price
   book's model, with its line discount under ``SAME`` and ``UPLIFT``, without under ``LIST``.
4. **Terms.** Payment terms (the contract's :class:`~revcycle.terms.PaymentTerms`), proration
   method, price book, rounding and waterfall order carry over, and the channel discounts too
   (the distributor's except under ``LIST``), so the renewal, signed with
   ``Contract.from_quote(renewal, id=..., renews=contract)``, amends like the contract did.

How it differs: Salesforce CPQ's renewal pricing methods are the same three (Same, List,
Uplift), but "Same" copies the subscription's *regular* price and re-applies the discounts,
so a discount edited on the product since can leak in; here the locked net price is carried
as it is, exact, and every step says where it came from. Stripe has no renewal quote: a
subscription simply continues at the price's current amount (revcycle's ``LIST``).

>>> from revcycle import Amendment, ChangeQuantity, Contract, Percent, amend, samples
>>> from revcycle.catalog import Catalog
>>> from revcycle.quotes import Quote, price_quote
>>> from revcycle.serialization import loads
>>> from datetime import date
>>> catalog = loads(samples.read_text("catalog.json"), Catalog)
>>> contract = Contract.from_quote(
...     price_quote(loads(samples.read_text("seed_deal.json"), Quote), catalog), id="C-1")
>>> upsold = amend(contract, Amendment(date(2026, 3, 1),
...                [ChangeQuantity("PLATFORM-SEAT", quantity=105)]), catalog).contract
>>> renewal = renew(upsold, catalog, pricing=RenewalPricing.UPLIFT, uplift=Percent("7"))
>>> line = renewal.lines[0]
>>> line.quantity, line.net_unit_price, line.net_total, renewal.quote.end_date
(Decimal('105'), Money('3466.80', 'USD'), Money('364014.00', 'USD'), datetime.date(2030, 12, 31))
"""

from __future__ import annotations

import enum
from datetime import timedelta
from typing import Final

import attrs

from revcycle._numbers import CTX, ZERO, DecimalLike
from revcycle._validate import check_arguments, require_text, to_choice
from revcycle.catalog import Catalog, ChargeKind
from revcycle.contracts import Contract, Subscription
from revcycle.dates import Duration, anchored_date
from revcycle.errors import PeriodError, RevcycleTypeError, ValidationError, shown
from revcycle.money import Percent
from revcycle.quotes import LockedPrice, PricedQuote, QuoteLine, price_quote


__all__ = ["RenewalPricing", "renew", "renewal_term"]


class RenewalPricing(enum.StrEnum):
    """How a renewal prices the contract's lines: at the locked prices (``SAME``), at the locked
    prices raised by an uplift (``UPLIFT``), or at today's price book (``LIST``)."""

    SAME = "same"
    UPLIFT = "uplift"
    LIST = "list"


_ONE_DAY: Final = timedelta(days=1)


@check_arguments
def renewal_term(contract: Contract) -> Duration:
    """The term a renewal of ``contract`` runs for by default: the contract's own, in whole
    months when it spans whole months (``P36M`` for three years from 2025-01-01), else in days
    (``P199D``)."""
    start, end = contract.start_date, contract.period.end
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 0 and anchored_date(start, Duration(months=months), 1) == end:
        return Duration(months=months)
    return Duration(days=contract.period.days)


@check_arguments
def renew(
    contract: Contract,
    catalog: Catalog,
    *,
    pricing: RenewalPricing | str = RenewalPricing.SAME,
    uplift: Percent | DecimalLike | None = None,
    term: Duration | None = None,
    id: str | None = None,
) -> PricedQuote:
    """The priced renewal quote of ``contract`` (its latest version), from ``catalog``.

    ``pricing`` is a :class:`RenewalPricing` (or its value, ``"uplift"``); ``uplift`` a
    :class:`~revcycle.money.Percent` (``Percent("7")`` multiplies by 1.07; text, an int or a
    Decimal are read as one), required for ``UPLIFT`` and refused otherwise; ``term`` a
    :class:`~revcycle.dates.Duration` (default: :func:`renewal_term`); ``id`` names the
    renewal quote (its ``name``; default ``"Renewal of C-1"``).

    Refused, with a :class:`~revcycle.errors.ValidationError`: ``UPLIFT`` without an uplift, an
    uplift with another method, an uplift below −100 %, a contract with nothing left to renew
    (every line cancelled or one-time); wrong types and floats raise
    :class:`~revcycle.errors.RevcycleTypeError`. The catalog must still hold every product
    renewed (:class:`~revcycle.errors.UnknownCodeError` otherwise): the ``list`` step shows
    today's price, and a product now priced per another term cannot keep its locked price.
    """
    method = to_choice(RenewalPricing, pricing, "A renewal pricing")
    raised = _to_uplift(uplift, method)
    if term is not None and not isinstance(term, Duration):
        raise RevcycleTypeError(f"A renewal term must be a Duration or None, not {shown(term)}.")
    name = f"Renewal of {contract.id}" if id is None else require_text(id, "A renewal id")

    try:
        start = contract.end_date + _ONE_DAY
        end = anchored_date(start, term or renewal_term(contract), 1)
    except (OverflowError, PeriodError):
        raise ValidationError(
            f"Contract {contract.id} ends on {contract.end_date.isoformat()}: a renewal after "
            "it would end beyond the last date Python can hold."
        ) from None
    lines = [
        _line(contract, segments, method, raised)
        for segments in contract.lines().values()
        if segments[0].charge_kind is not ChargeKind.ONE_TIME
    ]
    kept = [line for line in lines if line is not None]
    if not kept:
        raise ValidationError(
            f"Contract {contract.id} has nothing to renew: on its last day, "
            f"{contract.end_date.isoformat()}, every recurring and usage line is at zero."
        )
    quote = attrs.evolve(
        contract.new_quote(kept, start_date=start, end_date=end - _ONE_DAY),
        payment_terms=contract.payment_terms,
        name=name,
    )
    if method is RenewalPricing.LIST:
        quote = attrs.evolve(quote, distributor_discount=None)
    return price_quote(quote, catalog)


def _to_uplift(value: Percent | DecimalLike | None, method: RenewalPricing) -> Percent | None:
    if value is None:
        if method is RenewalPricing.UPLIFT:
            raise ValidationError(
                'An UPLIFT renewal needs the uplift: pass uplift=Percent("7") to raise the '
                "locked prices by 7 %."
            )
        return None
    uplift = value if isinstance(value, Percent) else Percent(value)
    if method is not RenewalPricing.UPLIFT:
        raise ValidationError(
            f"An uplift ({uplift}) raises the locked prices of an UPLIFT renewal only; this "
            f"renewal is {method.name}. Pass pricing=RenewalPricing.UPLIFT, or no uplift."
        )
    if uplift.value < -100:
        raise ValidationError(
            f"A renewal uplift below -100 % would make the prices negative; got {uplift}."
        )
    return uplift


def _line(
    contract: Contract,
    segments: tuple[Subscription, ...],
    method: RenewalPricing,
    uplift: Percent | None,
) -> QuoteLine | None:
    """The renewal line of one contract line (its segment and its deltas), or ``None`` when it
    holds nothing on the contract's last day."""
    last = contract.end_date
    quantity = ZERO
    for segment in segments:
        if segment.covers(last):
            quantity = CTX.add(quantity, segment.quantity)
    if quantity <= 0:
        return None
    opened = segments[0]
    if method is RenewalPricing.LIST:
        return QuoteLine(opened.sku, quantity)
    if opened.charge_kind is ChargeKind.USAGE:
        return QuoteLine(opened.sku, quantity, discount=opened.discount)
    locked = LockedPrice(
        unit_price=opened.net_unit_price,
        pricing_term=opened.pricing_term,
        contract=contract.id,
        version=contract.version,
        subscription=opened.id,
        uplift=uplift,
    )
    return QuoteLine(opened.sku, quantity, locked_price=locked)
