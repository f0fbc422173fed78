"""``revcycle rate``: rate a period's usage events on a plan of usage charges."""

from __future__ import annotations

import argparse
import json
from typing import Any

import attrs

from revcycle.cli._common import (
    CliError,
    add_format_argument,
    console,
    parse_period,
    print_json,
    print_table,
    read_text,
)
from revcycle.serialization import loads, structure
from revcycle.usage import (
    Aggregation,
    AnyUsageModel,
    Meter,
    UsageCharge,
    UsageEvent,
    UsageRating,
    rate_usage,
)


@attrs.frozen
class _Events:
    """An events file: ``{"events": [...]}`` (a bare JSON list is accepted too)."""

    events: tuple[UsageEvent, ...]


@attrs.frozen
class _Plan:
    """A plan file: ``{"charges": [...]}``, each a usage charge."""

    charges: tuple[UsageCharge, ...]


def register(subparsers: Any) -> None:
    """Add the ``rate`` verb."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "rate",
        help="rate usage events for a period",
        description="Rate usage events (a JSON file, or - for standard input) for a period: "
        "give a plan file of usage charges, or one charge with --metric, --aggregation and "
        "--price. Prints the rated lines and every event that was not counted (duplicates, "
        "late, future, unmetered).",
    )
    parser.add_argument("events", help='events JSON: {"events": [...]} or a list')
    parser.add_argument("--plan", help='plan JSON: {"charges": [...]}')
    parser.add_argument("--metric", help="the metric of a single charge")
    parser.add_argument(
        "--aggregation",
        choices=[a.value for a in Aggregation],
        default="sum",
        help="how the single charge's meter aggregates (default sum)",
    )
    parser.add_argument("--unique-property", help="the property a unique_count meter counts")
    parser.add_argument("--group-by", help="a property whose values are rated separately")
    parser.add_argument("--price", help='pricing model JSON, e.g. {"type": "graduated", ...}')
    parser.add_argument("--period", required=True, help="START/END in local dates, END exclusive")
    parser.add_argument("--full-period", help="the whole billing period, to prorate minimums")
    parser.add_argument("--tz", default="UTC", help="the customers' IANA timezone (UTC)")
    add_format_argument(parser)
    parser.set_defaults(handler=_handle)


def _events(source: str) -> tuple[UsageEvent, ...]:
    text = read_text(source)
    if text.lstrip().startswith("["):
        return loads(json.dumps({"events": json.loads(text)}), _Events).events
    return loads(text, _Events).events


def _charges(args: argparse.Namespace) -> tuple[UsageCharge, ...]:
    if args.plan:
        return loads(read_text(args.plan), _Plan).charges
    if not (args.metric and args.price):
        raise CliError("give --plan PLAN.json, or --metric and --price (with --aggregation).")
    data = json.loads(read_text(args.price))
    if isinstance(data, dict):
        data.pop("schema_version", None)
    model: Any = structure(data, AnyUsageModel)  # type: ignore[arg-type]
    meter = Meter(
        args.metric,
        args.aggregation,
        unique_property=args.unique_property,
        group_by=args.group_by,
    )
    return (UsageCharge(meter, model),)


def _handle(args: argparse.Namespace) -> int:
    period = parse_period(args.period, "--period")
    full = None if args.full_period is None else parse_period(args.full_period, "--full-period")
    charges = _charges(args)
    rating = rate_usage(_events(args.events), charges, period, tz=args.tz, full_period=full)
    if args.format == "json":
        print_json(rating)
    else:
        _table(rating)
    return 0


def _table(rating: UsageRating) -> None:
    out = console()
    rows = [
        [
            line.customer,
            line.metric,
            "" if line.group is None else line.group,
            f"{line.quantity:f}",
            str(line.amount),
        ]
        for line in rating.lines
    ]
    print_table(
        f"Usage {rating.period} ({rating.tz})",
        ["customer", "metric", "group", "quantity", "amount"],
        rows,
        right=[3, 4],
        out=out,
    )
    for label, events in (
        ("duplicates (counted once)", rating.duplicates),
        ("conflicting duplicates", rating.conflicts),
        ("late events (not counted)", rating.late),
        ("future events (not counted)", rating.future),
        ("unmetered events", rating.unmetered),
    ):
        if events:
            out.print(f"{len(events)} {label}: {', '.join(e.id for e in events)}")
