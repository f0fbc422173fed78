"""Schedule an invoice under payment terms, apply payments, charge late interest, age receivables.

Run: python examples/payment_terms.py
"""

from __future__ import annotations

from datetime import date

from revcycle import Money, Percent
from revcycle.calendars import BusinessDayAdjustment, BusinessDayConvention, WeekendCalendar
from revcycle.interest import DatedRate, late_interest
from revcycle.receivables import OpenItem, aging, open_items
from revcycle.terms import PaymentTerms


def main() -> None:
    """Walk one invoice from its terms to its place in the aging report."""
    invoice_date = date(2025, 1, 31)
    total = Money("24000.00", "EUR")

    # A deposit now and the balance at the end of next month, moved off weekends and the
    # customer's closing day on 2025-02-28 (modified following stays in February).
    closed = WeekendCalendar(holidays=frozenset({date(2025, 2, 28)}))
    terms = PaymentTerms.parse("25% now, balance end of next month").with_adjustment(
        BusinessDayAdjustment(BusinessDayConvention.MODIFIED_FOLLOWING, closed)
    )
    schedule = terms.schedule(invoice_date, total)
    print(f"Terms: {terms}")
    print(schedule.explain(), "\n")

    # The deposit is paid on time; the balance arrives late, in two parts.
    schedule = schedule.apply_payment(date(2025, 2, 3), Money("6000.00", "EUR"))
    schedule = schedule.apply_payment(date(2025, 4, 15), Money("10000.00", "EUR"))
    print(schedule.explain(), "\n")

    # What is still open, aged on 2025-05-31.
    items = (
        *open_items(schedule, "INV-2025-014", "Contoso GmbH"),
        OpenItem("INV-2024-388", "Contoso GmbH", date(2024, 12, 15), Money("1200.00", "EUR")),
    )
    report = aging(items, as_of=date(2025, 5, 31))
    headers, rows = report.table()
    for line in (headers, *rows):
        print(" ".join(f"{cell:>12}" for cell in line))
    print()

    # Statutory late interest on the overdue balance (ECB rate + 8 points, 40 EUR per invoice).
    overdue = schedule.installments[-1]
    eu = [
        DatedRate(date(2025, 1, 1), Percent("11.15")),  # ECB 3.15 % + 8
        DatedRate(date(2025, 7, 1), Percent("10.15")),  # ECB 2.15 % + 8
    ]
    charge = late_interest(
        overdue.open_amount,
        overdue.due_date,
        date(2025, 5, 31),
        eu,
        fixed_fee=Money("40.00", "EUR"),
    )
    print(charge.explain())


if __name__ == "__main__":
    main()
