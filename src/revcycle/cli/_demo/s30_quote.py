"""Demo section: a quote priced through the waterfall, its totals, approvals, and a choice."""

from __future__ import annotations

from typing import TYPE_CHECKING

from revcycle import samples
from revcycle._display import amount_text
from revcycle.catalog import Catalog
from revcycle.cli._common import print_table
from revcycle.cli._price import print_totals
from revcycle.errors import shown
from revcycle.quotes import Quote, QuoteLine, price_quote
from revcycle.serialization import loads


if TYPE_CHECKING:
    from rich.console import Console

TITLE = "Interval 2 — the quote: what is it going to cost?"


def run(console: Console) -> None:
    """Print the quote section."""
    catalog = loads(samples.read_text("catalog.json"), Catalog)
    quote = loads(samples.read_text("quote.json"), Quote)
    priced = price_quote(quote, catalog)
    period = quote.period
    console.print(
        f"Quote {quote.name} for {quote.account}: {len(quote.lines)} lines in "
        f"{quote.currency.code} from price book {shown(quote.price_book)}, "
        f"{period.start.isoformat()} to {period.last_day.isoformat()} (inclusive), "
        f"partner discount {quote.partner_discount}, payment terms {quote.payment_terms}."
    )

    seat = priced.lines[0]
    console.print(
        f"\nEvery line keeps its price waterfall. Line 1, {seat.quantity} × {seat.name} at an "
        "annual list price, over a 24-month term:"
    )
    print_table(
        f"Waterfall of line 1 ({seat.sku})",
        ["step", "unit price", "why"],
        [[step.name.value, amount_text(step.unit_price), step.reason] for step in seat.steps],
        right=[1],
        out=console,
    )
    console.print(
        f"Net total = net unit price × quantity, rounded once: {seat.net_total}. "
        "Unit prices are never rounded on the way down."
    )

    print_totals(
        priced, "Totals the way finance reads them", tcv="TCV (one-time + recurring)", out=console
    )
    console.print(
        "MRR is the recurring total over the term's months; ARR is 12 × that. Usage is "
        "estimated at the quoted quantity and kept out of the TCV."
    )
    if priced.approvals:
        print_table(
            "Approvals the policy asks for",
            ["level", "why"],
            [[a.level, a.reason] for a in priced.approvals],
            out=console,
        )

    # Wants versus needs: the customer wants platinum support; does bronze do the job?
    bronze = quote.with_lines(
        QuoteLine("SUPPORT-BRONZE", line.quantity) if line.sku == "SUPPORT-PLATINUM" else line
        for line in quote.lines
    )
    bronze_priced = price_quote(bronze, catalog)
    console.print(
        "\nWants versus needs: the same quote with bronze instead of platinum support, "
        "side by side:"
    )
    print_table(
        "Platinum (wanted) versus bronze (needed?)",
        ["figure", "platinum", "bronze", "difference"],
        [
            [name, str(a), str(b), str(a - b)]
            for name, a, b in (
                ("TCV", priced.tcv, bronze_priced.tcv),
                ("MRR", priced.mrr, bronze_priced.mrr),
                ("ARR", priced.arr, bronze_priced.arr),
            )
        ],
        right=[1, 2, 3],
        out=console,
    )
    levels = ", ".join(bronze_priced.approval_levels) or "none"
    console.print(f"Approvals with bronze: {levels}.")
