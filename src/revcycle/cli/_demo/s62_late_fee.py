"""Demo section: the seed deal's open invoices aged, and the day-55 payment that owes no late
fee under the contract's Net 60 (a Net 30 billing system would have charged one)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Final

import attrs

from revcycle._display import amount_text
from revcycle.cli._aging import print_aging
from revcycle.cli._common import print_table
from revcycle.cli._demo._seed import UPSELL_DAY, seed_invoices, seed_story
from revcycle.cli._demo.s40_terms import LATE_FEE, LATE_RATE
from revcycle.interest import late_interest
from revcycle.receivables import OpenItem, aging
from revcycle.terms import Payment, PaymentTerms


if TYPE_CHECKING:
    from rich.console import Console

TITLE = "Interval 4 — aging, and a payment on day 55: no late fee under Net 60"

LAST_RUN: Final = date(2026, 4, 1)
PAID_ON: Final = UPSELL_DAY + timedelta(days=55)  # 2026-04-25: day 55 of the upsell invoice
AS_OF: Final = PAID_ON - timedelta(days=1)  # the receivables the day before it is paid


def run(console: Console) -> None:
    """Print the aging and late-fee section."""
    invoices = seed_invoices(LAST_RUN)
    items: list[OpenItem] = []
    for invoice in invoices:
        # Every invoice before the upsell's was paid on its due date; the rest are open.
        paid = (
            ()
            if invoice.invoice_date >= UPSELL_DAY
            else (Payment(invoice.due_date, invoice.total),)
        )
        items += invoice.open_items(paid)
    console.print(
        f"By {AS_OF.isoformat()} Contoso has paid every invoice up to February's on its due "
        f"date. Two are open: the upsell's of {UPSELL_DAY.isoformat()} and April's. Aged as of "
        f"{AS_OF.isoformat()} on the due dates the invoices carry:"
    )
    print_aging(aging(items, AS_OF), out=console)
    net30 = PaymentTerms.parse("Net 30")
    dates = {invoice.id: invoice.invoice_date for invoice in invoices}
    rekeyed = [attrs.evolve(item, due_date=net30.due_date(dates[item.id])) for item in items]
    overdue = aging(rekeyed, AS_OF).by_account[invoices[0].account].overdue
    console.print(
        "Nothing is overdue: 'current' includes what is not yet due. A billing system that "
        f"re-keyed the deal with its default Net 30 would show {amount_text(overdue)} overdue "
        "today — and send a dunning letter."
    )

    (invoice,) = (i for i in invoices if i.invoice_date == UPSELL_DAY)
    terms = seed_story().upsell.contract.payment_terms.describe()
    day = (PAID_ON - invoice.invoice_date).days
    open_after = invoice.open_items([Payment(PAID_ON, invoice.total)])
    labels = (f"the contract ({terms})", "a Net 30 billing system")
    ours, theirs = charges = [
        late_interest(invoice.total, due, PAID_ON, LATE_RATE, fixed_fee=LATE_FEE)
        for due in (invoice.due_date, net30.due_date(invoice.invoice_date))
    ]
    rows = [
        [label, c.due_date.isoformat(), c.days, c.interest, c.fixed_fee, c.total]
        for label, c in zip(labels, charges, strict=True)
    ]
    console.print(
        f"\nOn {PAID_ON.isoformat()}, day {day}, Contoso pays the upsell invoice in full, "
        f"{amount_text(invoice.total)}; {len(open_after)} open items remain on it. Late charges "
        f"at {LATE_RATE} a year plus {amount_text(LATE_FEE)} per late invoice:"
    )
    print_table(
        f"The upsell invoice of {invoice.invoice_date.isoformat()}, paid {PAID_ON.isoformat()}",
        ["due date from", "due", "days late", "interest", "fee", "late charge"],
        rows,
        right=[2, 3, 4, 5],
        out=console,
    )
    console.print(
        f"[bold]No late fee[/bold] ({amount_text(ours.total)}): the payment on day {day} is "
        f"within the contract's {terms}. A Net 30 billing system would have charged "
        f"{amount_text(theirs.total)} ({amount_text(invoice.total)} × {LATE_RATE} × "
        f"{theirs.days}/365 = {amount_text(theirs.interest)}, plus the {amount_text(LATE_FEE)} "
        "fee) for a payment the customer made on time."
    )
