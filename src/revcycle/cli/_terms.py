"""``revcycle terms``: the payment schedule of an invoice under written payment terms.

::

    revcycle terms "2/10 Net 30" --invoice-date 2024-01-31 --amount "1000.00 USD"
    revcycle terms "50% now, 50% Net 30" --invoice-date 2024-01-31 --amount "1000.00 USD" \\
        --adjust following --holidays US --format table
    revcycle terms "Net 30" --invoice-date 2025-03-19 --amount "1000.00 EUR" \\
        --adjust following --holidays DE --market ECB
    revcycle terms "2/10 Net 30" --invoice-date 2024-01-31 --amount "1000.00 USD" \\
        --pay 2024-02-10 "980.00 USD"

The terms are parsed with :meth:`revcycle.terms.PaymentTerms.parse`. ``--holidays`` names a
country's public holidays, ``--market`` a financial calendar (``ECB`` for TARGET2, ``NYSE``);
with both, a due date moves until both are open. The JSON output is the
:class:`~revcycle.terms.PaymentSchedule` (after any ``--pay`` payments, applied in the order
given); ``--format table`` prints the installments for people.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from revcycle.calendars import (
    WEEKENDS,
    BusinessDayAdjustment,
    BusinessDayConvention,
    CountryHolidays,
    FinancialHolidays,
    HolidayCalendar,
    JointCalendar,
)
from revcycle.cli._common import (
    add_format_argument,
    add_verb,
    console,
    parse_date,
    parse_money,
    print_result,
    print_table,
)


if TYPE_CHECKING:
    from revcycle.terms import PaymentSchedule, PaymentTerms


def register(subparsers: Any) -> None:
    """Add the ``terms`` verb."""
    summary = "the payment schedule of an invoice under written payment terms"
    parser = add_verb(subparsers, "terms", summary, _handle, doc=__doc__)
    add_schedule_arguments(parser)
    add_format_argument(parser)


def add_schedule_arguments(parser: argparse.ArgumentParser) -> None:
    """The written terms, the invoice they schedule and the payments received (shared with
    ``revcycle interest``)."""
    parser.add_argument("terms", help='written terms such as "Net 30" or "2/10 Net 30"')
    parser.add_argument(
        "--invoice-date", required=True, metavar="DATE", help="the invoice date (YYYY-MM-DD)"
    )
    parser.add_argument(
        "--amount", required=True, metavar="MONEY", help='the invoice total, e.g. "1000.00 USD"'
    )
    parser.add_argument(
        "--untaxed",
        metavar="MONEY",
        help="the untaxed amount, for a discount on the untaxed amount",
    )
    parser.add_argument(
        "--adjust",
        choices=[c.value for c in BusinessDayConvention],
        help="move due dates onto business days by this convention",
    )
    parser.add_argument(
        "--holidays",
        metavar="COUNTRY[-SUBDIVISION]",
        help="a country holiday calendar for --adjust (needs the holidays extra), e.g. US or DE-BY",
    )
    parser.add_argument(
        "--market",
        metavar="MARKET",
        help="a financial calendar for --adjust (needs the holidays extra), e.g. ECB (TARGET2) "
        "or NYSE; with --holidays, due dates need both open",
    )
    parser.add_argument(
        "--pay",
        nargs=2,
        action="append",
        default=[],
        metavar=("DATE", "MONEY"),
        help="apply a payment (repeatable, applied in order)",
    )


def build_schedule(args: argparse.Namespace) -> tuple[PaymentTerms, PaymentSchedule] | None:
    """The terms and the schedule of the invoice as issued; ``None`` after printing a usage
    error (exit 2)."""
    from revcycle.terms import PaymentTerms

    calendar_option = "--holidays" if args.holidays else "--market" if args.market else None
    if calendar_option and not args.adjust:
        # A usage error (exit 2, like argparse's own), not a domain error.
        print(
            f"revcycle {args.command}: error: {calendar_option} needs --adjust (the convention "
            "that moves due dates).",
            file=sys.stderr,
        )
        return None
    terms = PaymentTerms.parse(args.terms)
    if args.adjust:
        calendars: list[HolidayCalendar] = []
        if args.holidays:
            country, _, subdivision = args.holidays.partition("-")
            calendars.append(CountryHolidays(country.upper(), subdivision.upper() or None))
        if args.market:
            calendars.append(FinancialHolidays(args.market.upper()))
        calendar: HolidayCalendar = WEEKENDS
        if calendars:
            calendar = calendars[0] if len(calendars) == 1 else JointCalendar(calendars)
        terms = terms.with_adjustment(BusinessDayAdjustment(args.adjust, calendar))
    untaxed = None if args.untaxed is None else parse_money(args.untaxed, "--untaxed")
    schedule = terms.schedule(
        parse_date(args.invoice_date, "--invoice-date"),
        parse_money(args.amount, "--amount"),
        untaxed=untaxed,
    )
    return terms, schedule


def _handle(args: argparse.Namespace) -> int:
    built = build_schedule(args)
    if built is None:
        return 2
    terms, schedule = built
    for day, amount in args.pay:
        schedule = schedule.apply_payment(parse_date(day, "--pay"), parse_money(amount, "--pay"))
    title = f"{terms.describe()}, invoice of {args.invoice_date}"
    return print_result(schedule, args.format, lambda s: print_schedule(s, title))


def print_schedule(schedule: PaymentSchedule, title: str, out: Any = None) -> None:
    """Print a schedule's installments as a table, and its totals below."""
    target = out or console()
    rows = [
        [
            item.number,
            item.due_date.isoformat(),
            item.amount,
            "" if item.discount_deadline is None else item.discount_deadline.isoformat(),
            "" if item.discounted_amount is None else item.discounted_amount,
            item.paid,
            item.open_amount,
        ]
        for item in schedule.installments
    ]
    print_table(
        title,
        ["#", "due", "amount", "discount until", "discounted", "paid", "open"],
        rows,
        right=[2, 4, 5, 6],
        out=target,
    )
    line = f"Invoice due {schedule.due_date.isoformat()}; open {schedule.open_amount}"
    if not schedule.discount_taken.is_zero():
        line += f"; early-payment discount taken {schedule.discount_taken}"
    if not schedule.credit.is_zero():
        line += f"; credit (overpaid) {schedule.credit}"
    target.print(line + ".")
