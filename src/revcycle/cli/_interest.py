"""``revcycle interest``: late interest on an invoice's payment schedule, partly paid or not.

::

    revcycle interest "Net 30" --invoice-date 2024-01-01 --amount "1000.00 USD" \\
        --pay 2024-03-01 "600.00 USD" --as-of 2024-03-31 --rate 1.5 --per month
    revcycle interest "50% now, 50% Net 30" --invoice-date 2024-01-31 \\
        --amount "1000.00 USD" --as-of 2024-06-30 --rate 8 --format table

The schedule is built as ``revcycle terms`` builds it (the same terms, ``--adjust``,
``--holidays`` and ``--market``); the ``--pay`` payments are applied in date order, and
:func:`revcycle.receivables.schedule_interest` charges each installment on its open amount
from its due date to each payment date and to ``--as-of``, rounded once per installment.
``--rate`` is a percent **a year** unless ``--per month`` (× 12) or ``--per day`` (× 365)
says otherwise. The JSON output is the :class:`~revcycle.receivables.ScheduleInterest`;
``--format table`` prints the installments and the explanation.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from revcycle.cli._common import (
    add_format_argument,
    add_verb,
    console,
    parse_date,
    parse_money,
    print_result,
    print_table,
)
from revcycle.cli._terms import add_schedule_arguments, build_schedule
from revcycle.dates import DayCount
from revcycle.interest import RatePeriod
from revcycle.money import Percent


if TYPE_CHECKING:
    from revcycle.receivables import ScheduleInterest


def register(subparsers: Any) -> None:
    """Add the ``interest`` verb."""
    summary = "late interest on an invoice's payment schedule, partly paid or not"
    parser = add_verb(subparsers, "interest", summary, _handle, doc=__doc__)
    add_schedule_arguments(parser)  # --pay too: the payments, in date order
    parser.add_argument(
        "--as-of", required=True, metavar="DATE", help="the date interest runs up to (inclusive)"
    )
    parser.add_argument(
        "--rate", required=True, metavar="PERCENT", help="the rate in percent, e.g. 1.5"
    )
    parser.add_argument(
        "--per",
        choices=[p.value for p in RatePeriod],
        default=RatePeriod.YEAR.value,
        help="the period the rate is stated for (default: year)",
    )
    parser.add_argument(
        "--day-count",
        choices=[d.value for d in DayCount],
        default=DayCount.ACT_365.value,
        help="the day count (default: act_365)",
    )
    add_format_argument(parser)


def _handle(args: argparse.Namespace) -> int:
    from revcycle.receivables import schedule_interest
    from revcycle.terms import Payment

    built = build_schedule(args)
    if built is None:
        return 2
    _, schedule = built
    payments = [
        Payment(parse_date(day, "--pay"), parse_money(amount, "--pay")) for day, amount in args.pay
    ]
    result = schedule_interest(
        schedule,
        payments,
        as_of=parse_date(args.as_of, "--as-of"),
        rate=Percent(args.rate),
        per=args.per,
        day_count=args.day_count,
    )
    return print_result(result, args.format, lambda r: print_interest(r, args.terms))


def print_interest(result: ScheduleInterest, terms: str, out: Any = None) -> None:
    """Print the installments' interest as a table, then the explanation."""
    target = out or console()
    rows = [
        [item.number, item.due_date.isoformat(), item.amount, item.days, item.interest]
        for item in result.installments
    ]
    print_table(
        f"Late interest as of {result.as_of.isoformat()}, {terms}",
        ["#", "due", "amount", "days late", "interest"],
        rows,
        right=[2, 3, 4],
        out=target,
    )
    target.print(result.explain(), markup=False)
