"""``revcycle prorate``: a term multiplier or a share of a billing period, explained.

Flags::

    revcycle prorate --start 2024-01-01 --end 2025-07-01 --per P1Y --amount "1200.00 USD"
    revcycle prorate --start 2024-02-01 --end 2024-02-15 \\
        --full-start 2024-02-01 --full-end 2024-03-01 --method daily

Without ``--full-start``/``--full-end`` it answers "how many pricing terms long is
[start, end)?" (:func:`~revcycle.proration.term_multiplier`); with them, "what share of the
full period does [start, end) cover?" (:func:`~revcycle.proration.period_fraction`). ``--end``
is exclusive; ``--last-day`` gives an inclusive end instead. ``--input FILE`` (or ``-``) reads
the same request as JSON: ``{"start": ..., "end": ..., "per": "P1Y", "method":
"monthly_daily", "full": {"start": ..., "end": ...}, "amount": {"amount": ..., "currency": ...}}``.
"""

from __future__ import annotations

import argparse
from datetime import date
from fractions import Fraction
from typing import Any

import attrs

from revcycle._numbers import plain, round_to
from revcycle.cli._common import (
    add_format_argument,
    add_verb,
    console,
    parse_date,
    parse_duration,
    parse_money,
    print_json,
    print_table,
    read_model,
)
from revcycle.dates import Duration, Period
from revcycle.errors import CliError
from revcycle.money import Money
from revcycle.proration import (
    Proration,
    ProrationMethod,
    period_fraction_detail,
    term_multiplier_detail,
)


@attrs.frozen(kw_only=True)
class ProrationRequest:
    """What ``revcycle prorate`` is asked, as JSON or flags."""

    start: date
    end: date
    per: Duration = Duration(years=1)  # noqa: RUF009 - Duration is immutable
    method: ProrationMethod | None = None
    full: Period | None = None
    amount: Money | None = None


def register(subparsers: Any) -> None:
    """Add the ``prorate`` verb."""
    summary = "count a term multiplier or a share of a billing period, with its explanation"
    parser = add_verb(subparsers, "prorate", summary, _handle, doc=__doc__)
    parser.add_argument("--input", metavar="FILE", help="a JSON request (a path, or - for stdin)")
    parser.add_argument("--start", help="first day of the span (ISO 8601)")
    end = parser.add_mutually_exclusive_group()
    end.add_argument("--end", help="the day after the span (exclusive end)")
    end.add_argument("--last-day", help="the last day of the span (inclusive end)")
    parser.add_argument("--per", help="pricing term, ISO 8601 (default P1Y)")
    parser.add_argument(
        "--method",
        choices=[m.value for m in ProrationMethod],
        help="proration method (default monthly_daily for terms, daily for periods)",
    )
    parser.add_argument("--full-start", help="start of the full billing period")
    parser.add_argument("--full-end", help="exclusive end of the full period")
    parser.add_argument("--amount", help='an amount to prorate, e.g. "1200.00 USD"')
    add_format_argument(parser, csv=False)


def _request(args: argparse.Namespace) -> ProrationRequest:
    if args.input is not None:
        return read_model(args.input, ProrationRequest)
    if args.start is None or (args.end is None and args.last_day is None):
        raise CliError("give --start and --end (or --last-day), or --input FILE.")
    start = parse_date(args.start, "--start")
    if args.end is not None:
        end = parse_date(args.end, "--end")
    else:
        end = Period.inclusive(start, parse_date(args.last_day, "--last-day")).end
    full = None
    if args.full_start is not None or args.full_end is not None:
        if args.full_start is None or args.full_end is None:
            raise CliError("give both --full-start and --full-end for a period fraction.")
        full = Period(
            parse_date(args.full_start, "--full-start"), parse_date(args.full_end, "--full-end")
        )
    return ProrationRequest(
        start=start,
        end=end,
        per=Duration(years=1) if args.per is None else parse_duration(args.per, "--per"),
        method=None if args.method is None else ProrationMethod(args.method),
        full=full,
        amount=None if args.amount is None else parse_money(args.amount, "--amount"),
    )


def prorate(request: ProrationRequest) -> Proration:
    """Answer a request with the public proration functions."""
    if request.full is not None:
        method = request.method or ProrationMethod.DAILY
        return period_fraction_detail(Period(request.start, request.end), request.full, method)
    method = request.method or ProrationMethod.MONTHLY_DAILY
    return term_multiplier_detail(request.start, request.end, request.per, method)


def _handle(args: argparse.Namespace) -> int:
    from revcycle.serialization import unstructure

    request = _request(args)
    result = prorate(request)
    prorated = None if request.amount is None else result.apply(request.amount)
    if args.format == "json":
        data = {
            **unstructure(result),
            "exact": str(result.exact),
            "value": unstructure(result.value),
        }
        if prorated is not None:
            data["amount"] = unstructure(request.amount)
            data["prorated_amount"] = unstructure(prorated)
            data["prorated_amount_rounded"] = unstructure(prorated.round())
        print_json(data)
        return 0
    out = console()
    rows = [[part.description, str(part.value)] for part in result.parts]
    rows.append([f"÷ {result.divisor_description}", str(result.divisor)])
    rows.append(["= result (exact)", str(result.exact)])
    # The decimal is shown in full when it terminates (1.5), else to 10 places, marked "…".
    if Fraction(result.value) == result.exact:
        rows.append(["= result (decimal)", plain(result.value)])
    else:
        rows.append(["= result (decimal)", f"{plain(round_to(result.value, 10))}…"])
    if prorated is not None:
        rows.append([f"{request.amount} × result, rounded at the line", str(prorated.round())])
    print_table(
        f"{result.question} ({result.method.value})", ["counted", "value"], rows, right=[1], out=out
    )
    return 0
