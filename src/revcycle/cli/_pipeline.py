"""``revcycle pipeline``: the pipeline report for a file of opportunities.

::

    revcycle pipeline OPPS.json [--as-of 2025-06-30] [--period-start 2025-04-01
        --period-end 2025-07-01] [--currency USD] [--stalled-days 30] [--aged-days 90]
        [--format table]

``OPPS.json`` is a pipeline document (``{"opportunities": [...], "rates": {...}}``, as
``revcycle.serialization.dumps(pipeline)`` writes it) or a bare list of opportunities.
Without ``--as-of`` the report is as of the date of the latest change in the file — never
the machine's clock. The forecast period defaults to the calendar quarter holding the as-of
date; ``--period-end`` is exclusive.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from revcycle._display import amount_text, percent_text
from revcycle.cli._common import (
    add_format_argument,
    add_verb,
    console,
    parse_date,
    print_result,
    print_table,
    read_tabular,
)
from revcycle.cli._progress import Steps, progress, source_name
from revcycle.dates import Period
from revcycle.errors import CliError


if TYPE_CHECKING:
    from revcycle.pipeline import Pipeline, PipelineReport


def register(subparsers: Any) -> None:
    """Add the ``pipeline`` verb."""
    summary = "pipeline report: weighted totals, forecast, win rate, stage times, velocity"
    description = (
        "Print the pipeline report for a JSON file of opportunities: weighted "
        "totals by stage and forecast category, the forecast for a period, win rates, "
        "average time per stage, conversion, sales velocity, stalled and old deals."
    )
    parser = add_verb(subparsers, "pipeline", summary, _handle, description=description)
    parser.add_argument("source", metavar="OPPS.json", help="pipeline JSON file, or - for stdin")
    parser.add_argument(
        "--as-of",
        default=None,
        help="report date YYYY-MM-DD (default: the date of the latest change in the file)",
    )
    parser.add_argument("--period-start", default=None, help="forecast period start")
    parser.add_argument("--period-end", default=None, help="forecast period end (exclusive)")
    parser.add_argument("--currency", default=None, help="report currency (ISO 4217 code)")
    parser.add_argument("--stalled-days", type=int, default=30, help="stalled after N days")
    parser.add_argument("--aged-days", type=int, default=90, help="old after N days")
    add_format_argument(parser)


def read_pipeline(source: str) -> Pipeline:
    """Read a pipeline document, a bare JSON list of opportunities, or a CSV file of them
    (a ``.csv`` path), from a path or ``-``."""
    from revcycle.pipeline import Pipeline
    from revcycle.serialization import loads

    def read_json(text: str) -> Pipeline:
        if text.lstrip().startswith("["):
            text = '{"opportunities": ' + text + "}"
        return loads(text, Pipeline)

    return read_tabular(source, Pipeline, read_json)


def _handle(args: argparse.Namespace) -> int:
    # Three steps: reading the opportunities, computing the report, writing it.
    with progress(3) as steps:
        steps.step(f"reading opportunities: {source_name(args.source)}")
        pipeline = read_pipeline(args.source)
        report = _report(args, pipeline, steps)
        steps.writing()
        return print_result(report, args.format, print_report)


def _report(args: argparse.Namespace, pipeline: Pipeline, steps: Steps) -> PipelineReport:
    """The report the flags ask for, on ``pipeline``."""
    if not pipeline.opportunities:
        # Both usually come from the deals: the latest change and their one currency.
        needed = [] if args.as_of is not None else ["--as-of"]
        if args.currency is None and pipeline.rates is None:
            needed.append("--currency")
        if needed:
            raise CliError(
                f"the file has no opportunities; pass {' and '.join(needed)} to report on it."
            )
    as_of = None if args.as_of is None else parse_date(args.as_of, "--as-of")
    if as_of is None:
        as_of = max(o.last_change_at.date() for o in pipeline.opportunities)
    period = None
    if args.period_start is not None or args.period_end is not None:
        if args.period_start is None or args.period_end is None:
            raise CliError("give both --period-start and --period-end, or neither.")
        period = Period(
            parse_date(args.period_start, "--period-start"),
            parse_date(args.period_end, "--period-end"),
        )
    steps.step("computing the report")
    return pipeline.report(
        as_of,
        period=period,
        currency=args.currency,
        stalled_days=args.stalled_days,
        aged_days=args.aged_days,
    )


def print_report(report: PipelineReport, out: Any = None) -> None:
    """Print a report as tables (used by the CLI and the demo)."""
    target = out or console()
    print_table(
        f"Pipeline as of {report.as_of.isoformat()} ({report.currency.code})",
        ["figure", "value"],
        report.summary_rows(),
        right=[1],
        out=target,
    )
    print_table(
        "By stage",
        ["stage", "deals", "amount", "weighted", "mean days in stage"],
        report.stage_rows(),
        right=[1, 2, 3, 4],
        out=target,
    )
    print_table(
        "By forecast category",
        ["category", "deals", "amount", "weighted"],
        [
            [
                c.category.value,
                c.count,
                amount_text(c.amount, rounded=True),
                amount_text(c.weighted, rounded=True),
            ]
            for c in report.by_forecast_category
        ],
        right=[1, 2, 3],
        out=target,
    )
    print_table(
        "Stage-to-stage conversion",
        ["from", "to", "reached", "advanced", "rate"],
        [
            [c.from_stage, c.to_stage, c.entered, c.advanced, percent_text(c.rate)]
            for c in report.conversion_rates
        ],
        right=[2, 3, 4],
        out=target,
    )
    flagged = [("stalled", f) for f in report.stalled] + [("old", f) for f in report.aged]
    if flagged:
        print_table(
            f"Stalled (≥ {report.stalled_days} days in stage) and old (> {report.aged_days} "
            "days open) deals",
            ["flag", "id", "name", "owner", "stage", "days"],
            [[kind, f.id, f.name, f.owner, f.stage, f.days] for kind, f in flagged],
            right=[5],
            out=target,
        )
