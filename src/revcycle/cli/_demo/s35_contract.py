"""Demo section: the seed deal signed — a contract that keeps the quote's prices and Net 60."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from revcycle._display import amount_text
from revcycle.cli._contract import print_contract
from revcycle.cli._demo._seed import seed_story


if TYPE_CHECKING:
    from rich.console import Console

TITLE = "Interval 3 — the signed quote becomes a contract (Net 60 carried, not re-keyed)"


def run(console: Console) -> None:
    """Print the contract section."""
    story = seed_story()
    quote, contract = story.quote, story.contract
    (seats,) = contract.subscriptions
    console.print(
        f"The founding deal, quote {quote.name}: {quote.account} buys "
        f"{seats.quantity} × {seats.name} at {seats.list_unit_price} list a year, less 10 %, "
        f"{contract.start_date.isoformat()} to {contract.end_date.isoformat()}, payment terms "
        f"[bold]{quote.payment_terms}[/bold]. Contract.from_quote reads the priced quote alone:"
    )
    print_contract(contract, console)
    invoice = date(2025, 1, 1)
    console.print(
        f"The segment locks {amount_text(seats.net_unit_price)} per {seats.pricing_term} — the "
        "price per "
        "pricing term, exact — so every later invoice, upsell and renewal starts from it.\n"
        f"Payment terms come from the quote: an invoice dated {invoice.isoformat()} falls due "
        f"on [bold]{contract.payment_terms.due_date(invoice).isoformat()}[/bold] "
        f"({contract.payment_terms.describe()}), not on "
        f"{date(2025, 1, 31).isoformat()} (a billing system's default Net 30). A contract "
        "without payment terms is refused rather than given Net 30."
    )
