"""The founding documents' deal, carried through the revenue cycle once for the whole demo.

Every demo section that tells the seed deal's story reads it from :func:`seed_story`: the quote
(samples/seed_deal.json) signed as contract C-1 with its Net 60, the +5 seats co-termed from
2026-03-01, the 7 % uplift renewal signed as C-2, and the book of contracts they belong to
(samples/contracts.json). A later interval adds its figures here, next to the contract it
reads: :func:`seed_invoices` bills the deal month by month, as a billing team would.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Final

import attrs

from revcycle import samples
from revcycle.amendments import Amendment, ChangeQuantity, PricedAmendment, amend
from revcycle.billing import Invoice, bill
from revcycle.catalog import Catalog
from revcycle.contracts import Contract
from revcycle.dates import Period
from revcycle.money import Percent
from revcycle.quotes import PricedQuote, Quote, price_quote
from revcycle.renewals import RenewalPricing, renew
from revcycle.serialization import loads


SEATS: Final = "PLATFORM-SEAT"
UPSELL_DAY: Final = date(2026, 3, 1)  # 14 months in
UPLIFT: Final = Percent("7")
FIRST_INVOICE_DAY: Final = date(2025, 1, 1)  # the contract's start: January billed in advance
# The bridge's year: the one in which the seed deal renews.
BRIDGE_YEAR: Final = Period.inclusive(date(2027, 7, 1), date(2028, 6, 30))


@attrs.frozen
class SeedStory:
    """The seed deal from quote to renewal, and the book it belongs to."""

    catalog: Catalog
    quote: Quote
    priced: PricedQuote
    contract: Contract  # C-1, version 1
    upsell: PricedAmendment  # +5 seats from 2026-03-01: version 2
    renewal: PricedQuote  # the 7 % uplift renewal quote
    renewed: Contract  # C-2, signed from the renewal
    book: tuple[Contract, ...]  # the sample book with C-1 (version 2) and C-2


@cache
def seed_story() -> SeedStory:
    """The seed deal's story, built once from the samples."""
    catalog = loads(samples.read_text("catalog.json"), Catalog)
    quote = loads(samples.read_text("seed_deal.json"), Quote)
    priced = price_quote(quote, catalog)
    contract = Contract.from_quote(priced, id="C-1")
    change = Amendment(UPSELL_DAY, [ChangeQuantity(SEATS, quantity=105)], id="A-1")
    upsell = amend(contract, change, catalog)
    renewal = renew(
        upsell.contract, catalog, pricing=RenewalPricing.UPLIFT, uplift=UPLIFT, id="C-2"
    )
    renewed = Contract.from_quote(renewal, id="C-2", renews=upsell.contract)
    others = loads(samples.read_text("contracts.json"), list[Contract])
    return SeedStory(
        catalog=catalog,
        quote=quote,
        priced=priced,
        contract=contract,
        upsell=upsell,
        renewal=renewal,
        renewed=renewed,
        book=(*others, upsell.contract, renewed),
    )


@cache
def seed_invoices(last_run: date) -> tuple[Invoice, ...]:
    """The seed deal (version 2, with the upsell) billed by one run on the 1st of each month
    from the contract's start through ``last_run``, each run given the invoices before it."""
    contract = seed_story().upsell.contract
    issued: list[Invoice] = []
    day = FIRST_INVOICE_DAY
    while day <= last_run:
        issued += bill([contract], through=day, issued=issued).invoices
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return tuple(issued)
