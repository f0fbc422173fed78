"""Demo section: net-60 on the deal, net-30 on the bill, and the late fee that follows."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import attrs

from revcycle import samples
from revcycle.cli._aging import print_aging, read_items
from revcycle.cli._common import print_table
from revcycle.cli._terms import print_schedule
from revcycle.interest import late_interest
from revcycle.money import Money, Percent
from revcycle.receivables import aging
from revcycle.terms import PaymentTerms


if TYPE_CHECKING:
    from rich.console import Console

TITLE = "Intervals 3 and 4 — payment terms: when is it due, and is it really late?"

INVOICE_DATE = date(2025, 5, 1)
PAID_ON = date(2025, 6, 25)
AMOUNT = Money("12000.00", "USD")
LATE_RATE = Percent("18")  # 1.5 % a month, a common contractual late rate
LATE_FEE = Money("40.00", "USD")


def run(console: Console) -> None:
    """Print the payment-terms section."""
    negotiated = PaymentTerms.parse("Net 60")
    billed = PaymentTerms.parse("Net 30")
    console.print(
        "Northwind Traders negotiated [bold]Net 60[/bold] on the deal. The billing system "
        "still sent invoice INV-1001 with its default, [bold]Net 30[/bold]: "
        f"{AMOUNT} on {INVOICE_DATE.isoformat()}. The customer paid on "
        f"{PAID_ON.isoformat()}, day {(PAID_ON - INVOICE_DATE).days} — within what it agreed."
    )
    rows = []
    for label, terms in (("deal (negotiated)", negotiated), ("bill (re-keyed)", billed)):
        due = terms.due_date(INVOICE_DATE)
        charge = late_interest(AMOUNT, due, PAID_ON, LATE_RATE, fixed_fee=LATE_FEE)
        rows.append(
            [
                label,
                terms.describe(),
                due.isoformat(),
                charge.days,
                charge.interest,
                charge.fixed_fee,
                charge.total,
            ]
        )
    print_table(
        f"The same invoice under both terms, paid {PAID_ON.isoformat()} "
        f"(late rate {LATE_RATE} a year, {LATE_FEE} per late invoice)",
        ["terms from", "terms", "due", "days late", "interest", "fee", "late charge"],
        rows,
        right=[3, 4, 5, 6],
        out=console,
    )
    console.print(
        f"The {rows[1][6]} late charge under the bill's terms is [bold red]wrong[/bold red]: "
        "the contract says Net 60, so the payment was on time. In revcycle the terms live on "
        "the contract the quote became, and the invoice takes them from there — nothing is "
        "re-keyed, so this charge never gets computed."
    )

    console.print(
        "\nTerms are data with a documented order of steps, so they can be written as people "
        "write them. An early-payment discount, 2/10 Net 30, paid on day 10:"
    )
    early = PaymentTerms.parse("2/10 Net 30").schedule(INVOICE_DATE, AMOUNT)
    paid = early.apply_payment(date(2025, 5, 11), Money("11760.00", "USD"))
    print_schedule(paid, "2/10 Net 30 on INV-1001, 11,760.00 paid on 2025-05-11", out=console)
    split = PaymentTerms.parse("30% now, balance Net 60 EOM").schedule(INVOICE_DATE, AMOUNT)
    print_schedule(split, "30% now, balance Net 60 EOM", out=console)

    as_of = date(2025, 6, 30)
    items = read_items(samples.read_text("open_items.json"))
    console.print(
        f"\nReceivables on {as_of.isoformat()}: 'current' includes what falls due today, so "
        "INV-1001, due today under its real Net 60, is not overdue."
    )
    print_aging(aging(items, as_of), out=console)
    wrong = tuple(
        attrs.evolve(item, due_date=billed.due_date(INVOICE_DATE))
        if item.id == "INV-1001"
        else item
        for item in items
    )
    northwind = aging(wrong, as_of).by_account["Northwind Traders"]
    console.print(
        "Under the re-keyed Net 30, the same report would show Northwind Traders with "
        f"{northwind.overdue} overdue instead of "
        f"{aging(items, as_of).by_account['Northwind Traders'].overdue} — and a dunning letter."
    )
