"""Price the built-in sample quote, print its waterfall, then try a what-if.

Run: ``.venv/bin/python examples/price_quote.py``
"""

from __future__ import annotations

from revcycle import samples
from revcycle.catalog import Catalog
from revcycle.money import Percent
from revcycle.pricing import Discount
from revcycle.quotes import Quote, price_quote
from revcycle.serialization import loads


def main() -> None:
    catalog = loads(samples.read_text("catalog.json"), Catalog)
    quote = loads(samples.read_text("quote.json"), Quote)

    priced = price_quote(quote, catalog)
    print(priced.explain())

    # What if the rep gives 20 % on the seats instead of 15 %?
    lines = [
        line.with_discount(Discount.percent(Percent("20"))) if line.sku == "SEAT" else line
        for line in quote.lines
    ]
    what_if = price_quote(quote.with_lines(lines), catalog)
    print(f"\nWith 20 % on the seats: TCV {what_if.tcv} (was {priced.tcv}); approvals:")
    for approval in what_if.approvals:
        print(f"  {approval.level}: {approval.reason}")


if __name__ == "__main__":
    main()
