"""Demo section: the upsell on the next invoice, and a cancellation's credit capped at what was
billed."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Final

from revcycle._display import amount_text
from revcycle.amendments import Amendment, Cancel, amend
from revcycle.billing import LineKind, bill
from revcycle.cli._demo._seed import SEATS, UPSELL_DAY, seed_invoices, seed_story
from revcycle.money import Money


if TYPE_CHECKING:
    from rich.console import Console

TITLE = "Interval 4 — the upsell billed, and a cancellation's credit capped at what was billed"

CANCEL_DAY: Final = date(2026, 3, 16)  # the what-if: two weeks after the upsell


def run(console: Console) -> None:
    """Print the billing-of-changes section."""
    story = seed_story()
    contract = story.upsell.contract
    issued = seed_invoices(UPSELL_DAY)
    (upsell_invoice,) = (i for i in issued if i.invoice_date == UPSELL_DAY)
    segment = contract.subscriptions[-1]
    console.print(
        f"Billed every month since, the deal has {len(issued) - 1} invoices of 9000.00 before "
        f"the upsell. The run of {UPSELL_DAY.isoformat()} reads version 2 and bills the "
        f"co-termed segment {segment.id} beside the 100 seats, on the same invoice:"
    )
    console.print(upsell_invoice.explain())
    to_end = bill([contract], through=date(2027, 12, 1))
    upsell_total = sum(
        (line.amount for line in to_end.lines if line.subscription_id == segment.id),
        start=Money.zero(contract.currency),
    )
    console.print(
        f"The upsell starts on the bill-cycle day, so its first piece is a whole month: 5 × "
        f"90.00 = {amount_text(upsell_invoice.lines[-1].amount)}, the amendment's "
        f"{amount_text(story.upsell.total)} (5 × 1080.00 × 11/6) spread over its 22 months. "
        f"Billed to the end, its pieces add up to {amount_text(upsell_total)} — the amendment's "
        "price to the cent; a piece that started mid-month would be prorated by days."
    )

    cancel = amend(contract, Amendment(CANCEL_DAY, [Cancel(SEATS)], id="A-2"), story.catalog)
    credit_run = bill([cancel.contract], through=CANCEL_DAY, issued=issued)
    (credit,) = (line for line in credit_run.lines if line.kind is LineKind.CREDIT)
    (credit_invoice,) = credit_run.invoices
    balance = credit_run.credit_balances[contract.account]
    console.print(
        "\nA contract is never edited, so a what-if is a branch off version 2. Say Contoso had "
        f"cancelled on {CANCEL_DAY.isoformat()}. The amendment gives back "
        f"{amount_text(cancel.tcv_before - cancel.tcv_after)} of contract value "
        f"(TCV {cancel.tcv_before} → {cancel.tcv_after}). An invoice cannot: March was "
        f"billed in advance, {amount_text(upsell_invoice.subtotal)} for 105 seats, so the "
        f"credit is capped at what was billed for the {credit.period.days} days left of it — "
        f"{amount_text(upsell_invoice.subtotal)} × {credit.period.days}/{credit.full_period.days}:"
    )
    console.print(credit_invoice.explain())
    console.print(
        f"The capped credit is [bold]{amount_text(-credit.amount)}[/bold]. The invoice never "
        f"goes negative: its total is {amount_text(credit_invoice.total)} and the "
        f"{amount_text(balance)} becomes Contoso's credit balance, taken off its next invoices. "
        "The rest of the contract value was never billed, so nothing more comes back."
    )
