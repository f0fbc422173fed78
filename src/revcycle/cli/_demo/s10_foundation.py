"""Demo section: exact money, drift-free schedules and named proration methods."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from revcycle._numbers import plain, round_to
from revcycle.cli._common import print_table
from revcycle.dates import Duration, Period, aligned_periods, anchored_date
from revcycle.money import AllocationPolicy, Money
from revcycle.proration import ProrationMethod, term_multiplier_detail


if TYPE_CHECKING:
    from rich.console import Console

TITLE = "Foundation: exact money, schedules that never drift, proration you can explain"


def run(console: Console) -> None:
    """Print the foundation section."""
    total = Money("1000.00", "USD")
    console.print(
        f"An invoice total of {total.format()} split into three installments — every cent "
        "accounted for, the policy decides who gets the odd cent:"
    )
    rows = [
        [policy.value, *(str(part) for part in total.split(3, policy))]
        for policy in AllocationPolicy
    ]
    print_table("Allocation", ["policy", "1st", "2nd", "3rd"], rows, right=[1, 2, 3], out=console)

    price = Money("1234567.891", "EUR")
    console.print(
        f"\nOne unrounded amount, {price}, formatted for people (rounded half-up at the "
        "minor unit, explicit locale):"
    )
    print_table(
        "Formatting",
        ["locale", "text"],
        [[loc, price.format(locale=loc)] for loc in ("en_US", "de_DE", "fr_FR", "ja_JP")],
        out=console,
    )

    anchor = date(2024, 1, 31)
    step = Duration(months=1)
    dates = [anchored_date(anchor, step, n).isoformat() for n in range(6)]
    console.print(
        f"\nA monthly bill cycle anchored on {anchor.isoformat()} (anchor + n × month, month "
        f"ends clamped — back to the 31st whenever the month has one):\n  {', '.join(dates)}"
    )
    span = Period(date(2024, 1, 15), date(2024, 4, 10))
    rows = [
        [
            str(piece.period),
            str(piece.full),
            "leading stub"
            if piece.leading_stub
            else "trailing stub"
            if piece.trailing_stub
            else "",
        ]
        for piece in aligned_periods(span, date(2024, 1, 1), step)
    ]
    print_table(
        f"Subscription {span} cut along a bill cycle on the 1st",
        ["billed piece", "its full period", "stub"],
        rows,
        out=console,
    )

    start, end = date(2024, 1, 15), date(2025, 3, 10)
    annual = Money("12000.00", "USD")
    rows = []
    for method in (
        ProrationMethod.MONTHLY_DAILY,
        ProrationMethod.CALENDAR_MONTHLY_DAILY,
        ProrationMethod.MONTHLY_ROUND_UP,
        ProrationMethod.DAILY,
        ProrationMethod.THIRTY_360,
    ):
        detail = term_multiplier_detail(start, end, Duration(years=1), method)
        rows.append(
            [
                method.value,
                str(detail.exact),
                plain(round_to(detail.value, 6)),
                str(detail.apply(annual).round()),
            ]
        )
    print_table(
        f"An annual price of {annual} over [{start}, {end}) under each term method",
        ["method", "multiplier (exact)", "≈", "line total"],
        rows,
        right=[1, 2, 3],
        out=console,
    )
    detail = term_multiplier_detail(start, end)
    console.print("\nEvery multiplier explains itself:\n" + detail.explain())
