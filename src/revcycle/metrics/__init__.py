"""Recurring revenue metrics over a book of contracts: MRR, ARR, the ARR bridge, retention.

The metrics read contracts (:mod:`revcycle.contracts`), never quotes: what was signed and
amended, segment by segment (docs/reference/metrics.md). Their rules:

1. **MRR on a day** (:func:`mrr`): over the recurring segments active that day (negative
   deltas included; one-time and usage segments left out), quantity × net unit price ÷ months
   in the pricing term — a day- or week-based term counts 365/12 days a month. **ARR**
   (:func:`arr`) is the same × 12. Both are unrounded :class:`~revcycle.money.Money`: each
   price is scaled once from its exact ratio (30.00 per 30 days is exactly 365.00 a year) and
   the results are summed exactly; a line's segments are summed by quantity before they are
   priced, so a cancelled line counts exactly zero.
2. **One currency.** The figures are in ``currency`` (default: the ``rates``' currency, else the
   one currency of the book). A book in several currencies is refused
   (:class:`~revcycle.errors.CurrencyMismatchError`) unless an
   :class:`~revcycle.money.ExchangeRates` converts them: revcycle never fetches a rate.
3. **Renewal chains.** A contract whose renewal (``renews``) is in the book stops counting the
   day the renewal starts, so an early renewal never counts twice on an overlap day. Pass each
   contract once, at its latest version.
4. **The ARR bridge** (:func:`arr_bridge`): opening ARR on the day before the period, closing
   ARR on its last day, each account's change classified — ``new`` (0 → more), or
   ``reactivation`` when the account had ARR on any earlier day; ``churn`` (more → 0);
   otherwise ``expansion`` or ``contraction`` — with ``opening + new + expansion +
   reactivation − contraction − churn == closing`` exactly. A renewal belongs to the same
   account as the contract it renews, so it is an expansion, a contraction or no movement,
   never churn and new.
5. **Retention** (:func:`net_revenue_retention`, :func:`gross_revenue_retention`): Decimal
   ratios over the accounts with opening ARR (new and reactivated accounts count in neither
   the numerator nor the denominator); a book with no opening ARR has none to retain and is
   refused.

How it differs: Zuora's standard MRR leaves discounts out (its MRR export adds them back
separately); here MRR is net of every discount, as the contract locked it. Lago builds MRR from
plan prices and reports new, expansion, contraction and churn; revcycle adds reactivation, and
follows renewal chains so that a renewal signed as a new contract is not churn followed by new
business.

>>> from datetime import date
>>> from revcycle import Contract, Period, samples
>>> from revcycle.catalog import Catalog
>>> from revcycle.quotes import Quote, price_quote
>>> from revcycle.serialization import loads
>>> catalog = loads(samples.read_text("catalog.json"), Catalog)
>>> seed = Contract.from_quote(
...     price_quote(loads(samples.read_text("seed_deal.json"), Quote), catalog), id="C-1")
>>> arr([seed], date(2025, 6, 1)), mrr([seed], date(2025, 6, 1))
(Money('108000', 'USD'), Money('9000', 'USD'))
>>> bridge = arr_bridge([seed], Period.inclusive(date(2025, 1, 1), date(2025, 12, 31)))
>>> bridge.opening, bridge.new, bridge.closing
(Money('0', 'USD'), Money('108000', 'USD'), Money('108000', 'USD'))
"""

from __future__ import annotations

from revcycle.metrics._bridge import AccountArr, ArrBridge, ArrMovement
from revcycle.metrics._engine import (
    arr,
    arr_bridge,
    gross_revenue_retention,
    months_in,
    mrr,
    net_revenue_retention,
)


__all__ = [
    "AccountArr",
    "ArrBridge",
    "ArrMovement",
    "arr",
    "arr_bridge",
    "gross_revenue_retention",
    "months_in",
    "mrr",
    "net_revenue_retention",
]
