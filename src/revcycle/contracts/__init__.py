"""Contracts: the record that carries a signed quote to every invoice, amendment and renewal.

A :class:`Contract` is read from the :class:`~revcycle.quotes.PricedQuote` alone
(:meth:`Contract.from_quote`): prices, discounts, dates, proration method and payment terms are
never re-keyed (docs/reference/contracts.md). Its rules:

1. Each quote line becomes a :class:`Subscription` segment, ``"{contract id}-{n}"``, at its
   net unit price **per pricing term** (1,080.00 a year, not 3,240.00 for three years): the
   line's final unit price ÷ its term multiplier, from exact rationals, so the same figure
   comes back whatever span the quote covered.
2. An :class:`Amendment` (:class:`AddProduct`, :class:`ChangeQuantity`, :class:`Cancel`),
   priced by :func:`revcycle.amendments.amend`, never edits a segment: it adds *delta*
   segments (+5 or −1 seats) from its effective date to the contract end (co-terminated), so
   a SKU's quantity on a day is the sum of the segments covering it. Each amendment yields the
   next version; every earlier one stays readable (:attr:`Contract.previous`,
   :meth:`Contract.versions`) and no value points at a later one.
3. Payment terms come from the quote or the caller (two that differ are refused), else from
   the contract renewed; none at all is refused — never a silent Net 30. A quote with
   approvals pending cannot become a contract.
4. :class:`BillingSettings` (frequency, :class:`BillingTiming`, bill-cycle anchor,
   :class:`FirstPeriod`, proration, :class:`TrueUp`) ride on the contract for billing to read.

How it differs: Salesforce CPQ keeps one subscription record per amended line and back-solves
its price from the prorated total, so an amendment can inherit a rounded or un-prorated price;
here the per-term price is exact and locked, and the delta is explicit. Stripe prorates a
subscription change from the seconds left in the current billing period; here the amendment
prices the whole remaining term, the way a co-termed contract is sold.

>>> from datetime import date
>>> from revcycle import samples
>>> from revcycle.catalog import Catalog
>>> from revcycle.quotes import Quote, price_quote
>>> from revcycle.serialization import loads
>>> catalog = loads(samples.read_text("catalog.json"), Catalog)
>>> quote = loads(samples.read_text("seed_deal.json"), Quote)
>>> contract = Contract.from_quote(price_quote(quote, catalog), id="C-1")
>>> seats = contract.subscriptions[0]
>>> seats.net_unit_price, seats.pricing_term, contract.tcv
(Money('1080', 'USD'), Duration.parse('P12M'), Money('324000.00', 'USD'))
>>> contract.payment_terms.describe(), contract.billing.anchor
('Net 60', datetime.date(2025, 1, 1))
"""

from __future__ import annotations

from revcycle.contracts._billing import BillingSettings, BillingTiming, FirstPeriod, TrueUp
from revcycle.contracts._contract import Contract, check_effective_date
from revcycle.contracts._requests import (
    AddProduct,
    Amendment,
    AmendmentLine,
    AnyChange,
    Cancel,
    ChangeQuantity,
)
from revcycle.contracts._subscription import Subscription


__all__ = [
    "AddProduct",
    "Amendment",
    "AmendmentLine",
    "AnyChange",
    "BillingSettings",
    "BillingTiming",
    "Cancel",
    "ChangeQuantity",
    "Contract",
    "FirstPeriod",
    "Subscription",
    "TrueUp",
    "check_effective_date",
]
