"""Prorate an annual subscription for a mid-month start and split the first invoice.

Run: python examples/money_and_proration.py
"""

from __future__ import annotations

from datetime import date

from revcycle import AllocationPolicy, Duration, Money, Period, ProrationMethod
from revcycle.proration import period_fraction_detail, term_multiplier_detail


def main() -> None:
    """Price a term of 14 months and 17 days on an annual price, then prorate a first month."""
    annual_price = Money("12000.00", "USD")

    # A contract from 2025-01-15 to 2026-03-31 (inclusive) on a price quoted per year.
    term = Period.inclusive(date(2025, 1, 15), date(2026, 3, 31))
    multiplier = term_multiplier_detail(term.start, term.end, Duration(years=1))
    contract_value = multiplier.apply(annual_price).round()
    print(multiplier.explain())
    print(f"Contract value: {contract_value.format()}  ({contract_value})\n")

    # Monthly billing on the 1st: the first invoice covers January 15-31 only.
    monthly = annual_price / 12
    january = Period.of_month(2025, 1)
    first_piece = Period(term.start, date(2025, 2, 1))
    for method in (ProrationMethod.DAILY, ProrationMethod.THIRTY_360):
        share = period_fraction_detail(first_piece, january, method)
        print(f"{method.value:>10}: {share.exact} of {monthly} = {share.apply(monthly).round()}")

    # The first invoice is paid in two installments; the odd cent goes to the last one.
    first_invoice = period_fraction_detail(first_piece, january).apply(monthly).round()
    parts = first_invoice.allocate([1, 1], AllocationPolicy.LAST)
    print(f"\nFirst invoice {first_invoice} in two installments: {[str(p) for p in parts]}")
    assert sum(parts, Money.zero("USD")) == first_invoice


if __name__ == "__main__":
    main()
