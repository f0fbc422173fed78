"""Billing: periods, invoices and idempotent bill runs, from the contract to the due date.

The invoice takes its prices, discounts, proration and payment terms from the contract, so the
founding documents' story (net 60 on the quote, net 30 on the invoice, a late fee) cannot
happen (docs/reference/billing.md). Its rules:

1. **Pieces and anchors.** A segment is cut along its contract's bill cycle,
   ``anchored_date(anchor, frequency, n)``; a piece shorter than its period is prorated by
   ``period_fraction`` (:func:`billing_periods`). A piece costs quantity × net unit price per
   pricing term × the frequency's share of the term × its fraction, rounded once at the line.
2. **Billed equals contracted.** With ``TrueUp.LAST_PERIOD`` (the default) a segment's last
   piece is its contracted total less every earlier piece, so a contract billed to its end
   adds up to its quote to the cent; the presets of :class:`BillingSettings` reproduce Stripe,
   Lago, Kill Bill and Chargebee instead.
3. **Idempotent keys.** Every :class:`InvoiceLine` has the key
   ``"{contract}:{subscription}:{kind}:{start}/{end}"``; :func:`bill` never bills a key found
   in ``issued``, so a second run with the first run's invoices bills nothing.
4. **Credits capped at what was billed.** A decrease over a span already billed is a
   ``CREDIT`` line, at most what was billed net for that SKU over the span; an invoice never
   goes negative: the excess is a credit balance applied to the account's next invoices.
5. **Usage** bills in arrears through :func:`~revcycle.usage.rate_usage`; a usage SKU whose
   pricing term is longer than the frequency accumulates its tiers over the term (volume
   tracked over several periods).
6. **Tax and terms.** Tax is levied on the unrounded line amounts and rounded once per
   invoice; the payment schedule (and :attr:`Invoice.due_date`) comes from the contract's
   payment terms; :meth:`Invoice.open_items` feeds aging and late interest.

How it differs: Stripe prorates to the second and lets a billing system's terms differ from the
quote's; Lago computes day prices in floats. Here every amount is exact and every line says how
it was made (:meth:`BillRun.explain`).

>>> from datetime import date
>>> from revcycle import Contract, samples
>>> from revcycle.catalog import Catalog
>>> from revcycle.quotes import Quote, price_quote
>>> from revcycle.serialization import loads
>>> catalog = loads(samples.read_text("catalog.json"), Catalog)
>>> quote = loads(samples.read_text("seed_deal.json"), Quote)
>>> contract = Contract.from_quote(price_quote(quote, catalog), id="C-1")
>>> run = bill([contract], through=date(2025, 1, 1))
>>> (invoice,) = run.invoices
>>> invoice.total, invoice.due_date
(Money('9000.00', 'USD'), datetime.date(2025, 3, 2))
>>> bill([contract], through=date(2025, 1, 1), issued=run.invoices).invoices
()
"""

from __future__ import annotations

from revcycle.billing._invoice import Invoice, InvoiceLine, LineKind, TaxPolicy, TaxRate
from revcycle.billing._periods import BillingPeriod, billing_periods
from revcycle.billing._run import BillRun, bill
from revcycle.contracts import BillingSettings, BillingTiming, FirstPeriod, TrueUp


__all__ = [
    "BillRun",
    "BillingPeriod",
    "BillingSettings",
    "BillingTiming",
    "FirstPeriod",
    "Invoice",
    "InvoiceLine",
    "LineKind",
    "TaxPolicy",
    "TaxRate",
    "TrueUp",
    "bill",
    "billing_periods",
]
