"""The seed deal's life as a contract: signed, upsold 14 months in, renewed with a 7 % uplift,
then measured in an ARR bridge with the rest of the sample book.

Run: ``.venv/bin/python examples/contract_lifecycle.py``
"""

from __future__ import annotations

from datetime import date

from revcycle import (
    Amendment,
    ChangeQuantity,
    Contract,
    Percent,
    Period,
    RenewalPricing,
    amend,
    arr_bridge,
    price_quote,
    renew,
    samples,
)
from revcycle.catalog import Catalog
from revcycle.quotes import Quote
from revcycle.serialization import dumps, loads


def main() -> None:
    catalog = loads(samples.read_text("catalog.json"), Catalog)
    quote = loads(samples.read_text("seed_deal.json"), Quote)

    # Interval 3: the signed quote becomes contract C-1, Net 60 and all.
    contract = Contract.from_quote(price_quote(quote, catalog), id="C-1")
    print(contract.explain())
    assert contract.tcv.amount == 324_000  # 100 seats × 1,080.00 a year × 3 years

    # Interval 5: five more seats from 2026-03-01, co-terminated with the contract:
    # 5 × 1,080.00 × 22/12 = 9,900.00.
    upsell = amend(
        contract,
        Amendment(date(2026, 3, 1), [ChangeQuantity("PLATFORM-SEAT", quantity=105)]),
        catalog,
    )
    print("\n" + upsell.explain())
    assert upsell.total.amount == 9_900

    # The renewal: 105 seats from 2028-01-01 for 36 months at 1,080.00 × 1.07 a year.
    renewal = renew(upsell.contract, catalog, pricing=RenewalPricing.UPLIFT, uplift=Percent("7"))
    print("\n" + renewal.lines[0].explain())
    assert renewal.tcv.amount == 364_014
    renewed = Contract.from_quote(renewal, id="C-2", renews=upsell.contract)

    # Every value travels as JSON and comes back equal.
    assert loads(dumps(renewed), Contract) == renewed

    # How ARR moved in the year the deal renewed, over the whole sample book.
    book = [*loads(samples.read_text("contracts.json"), list[Contract]), upsell.contract, renewed]
    bridge = arr_bridge(book, Period.inclusive(date(2027, 7, 1), date(2028, 6, 30)))
    print("\n" + bridge.explain())
    contoso = bridge.account("Contoso Pharmaceuticals")
    assert contoso.change.amount == 7_938  # 105 × (1,155.60 − 1,080.00): an expansion


if __name__ == "__main__":
    main()
