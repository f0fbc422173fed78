"""Demo section: the seed contract's first invoice, due when the contract says (Net 60)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from revcycle._display import amount_text
from revcycle.billing import bill
from revcycle.cli._demo._seed import FIRST_INVOICE_DAY, seed_story


if TYPE_CHECKING:
    from rich.console import Console

TITLE = "Interval 3 ends — the first invoice, due when the contract says"


def run(console: Console) -> None:
    """Print the first-invoice section."""
    contract = seed_story().contract
    settings = contract.billing
    console.print(
        f"Contract {contract.id} bills {settings.describe()}. A bill run takes the contracts and "
        f"a day, through={FIRST_INVOICE_DAY.isoformat()}: January is billed in advance, the "
        "invoice dated that day:"
    )
    run = bill([contract], through=FIRST_INVOICE_DAY)
    (invoice,) = run.invoices
    console.print(invoice.explain())
    days = (invoice.due_date - invoice.invoice_date).days
    console.print(
        f"100 seats × {amount_text(contract.subscriptions[0].net_unit_price)} a year ÷ 12 = "
        f"{amount_text(invoice.total)}, due [bold]{invoice.due_date.isoformat()}[/bold]: "
        f"{days} days after the invoice date, because the contract says "
        f"{contract.payment_terms.describe()} — the terms come from the quote, never from a "
        "billing system's default."
    )
    again = bill([contract], through=FIRST_INVOICE_DAY, issued=run.invoices)
    console.print(
        f"Each line has a key — {invoice.lines[0].key} — so running the same bill again, given "
        f"the invoices issued, bills {len(again.invoices)} new invoices: a retried run never "
        "bills twice."
    )
