"""``revcycle rate``: rate a period's usage events on a plan of usage charges."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from revcycle.cli._common import (
    add_format_argument,
    add_verb,
    console,
    parse_period,
    print_result,
    print_table,
    read_json_argument,
    read_text,
)
from revcycle.cli._progress import progress, source_name
from revcycle.errors import CliError


if TYPE_CHECKING:
    from revcycle.usage import AnyUsageModel, UsageCharge, UsageEvent, UsageRating

# revcycle.usage.Aggregation's values, written out so that `revcycle rate --help` imports no
# engine (tests/test_startup.py checks that they agree).
AGGREGATIONS = ("sum", "count", "max", "unique_count", "latest", "time_weighted_sum")


@attrs.frozen
class _Events:
    """An events file: ``{"events": [...]}`` (a bare JSON list is accepted too)."""

    events: tuple[UsageEvent, ...]
    json_name: ClassVar[str] = "usage events"


@attrs.frozen
class _Plan:
    """A plan file: ``{"charges": [...]}``, each a usage charge."""

    charges: tuple[UsageCharge, ...]
    json_name: ClassVar[str] = "a usage plan"


def register(subparsers: Any) -> None:
    """Add the ``rate`` verb."""
    summary = "rate usage events for a period"
    description = (
        "Rate usage events (a JSON file, or - for standard input) for a period: "
        "give a plan file of usage charges, or one charge with --price and either a meter "
        "file (--meter) or --metric and --aggregation. Prints the rated lines and every "
        "event that was not counted (duplicates, late, future, unmetered)."
    )
    parser = add_verb(subparsers, "rate", summary, _handle, description=description)
    parser.add_argument("events", help='events JSON: {"events": [...]} or a list')
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--plan", help='plan JSON (a file, or the JSON itself): {"charges": [...]}')
    source.add_argument(
        "--meter",
        help="meter JSON for a single charge (a file, or the JSON itself), e.g. "
        '{"metric": "api_calls", "aggregation": "sum", "filters": {"region": "eu"}}',
    )
    source.add_argument("--metric", help="the metric of a single charge")
    parser.add_argument(
        "--aggregation",
        choices=AGGREGATIONS,
        help="how the single charge's meter aggregates (default sum)",
    )
    parser.add_argument("--unique-property", help="the property a unique_count meter counts")
    parser.add_argument("--group-by", help="a property whose values are rated separately")
    parser.add_argument(
        "--price",
        help="pricing model JSON (a file, or the JSON itself), e.g. "
        '{"type": "per_unit", "unit_price": {"amount": "0.01", "currency": "USD"}}',
    )
    parser.add_argument("--period", required=True, help="START/END in local dates, END exclusive")
    parser.add_argument("--full-period", help="the whole billing period, to prorate minimums")
    parser.add_argument("--tz", default="UTC", help="the customers' IANA timezone (UTC)")
    add_format_argument(parser)
    parser.set_defaults(parser=parser)


def read_events(source: str) -> tuple[UsageEvent, ...]:
    """Usage events from a path (or ``-``): ``{"events": [...]}``, a bare list or a CSV file."""
    from revcycle.serialization import UsageEventsDocument, loads, loads_csv

    _resolve_documents()
    if source.lower().endswith(".csv"):
        return loads_csv(read_text(source), UsageEventsDocument).events
    text = read_text(source)
    if text.lstrip().startswith("["):
        # A bare list: read as the events document it stands for (same checks, same errors).
        return loads('{"events": ' + text + "}", _Events).events
    return loads(text, _Events).events


def _resolve_documents() -> None:
    """Resolve the documents' field types, which name the usage engine's classes (imported
    here, when a verb runs, rather than with the module)."""
    from revcycle.usage import UsageCharge, UsageEvent

    names = {"UsageCharge": UsageCharge, "UsageEvent": UsageEvent}
    attrs.resolve_types(_Events, localns=names)
    attrs.resolve_types(_Plan, localns=names)


def _charges(args: argparse.Namespace) -> tuple[UsageCharge, ...]:
    from revcycle.serialization import loads
    from revcycle.usage import AnyUsageModel, Meter, UsageCharge

    _resolve_documents()
    model_type: Any = AnyUsageModel  # a union, which loads() reads through its "type" tag
    parser: argparse.ArgumentParser = args.parser
    meter_flags = [
        flag
        for flag, value in (
            ("--aggregation", args.aggregation),
            ("--unique-property", args.unique_property),
            ("--group-by", args.group_by),
        )
        if value is not None
    ]
    if args.plan:
        extra = meter_flags + (["--price"] if args.price else [])
        if extra:
            parser.error(f"{', '.join(extra)} cannot be combined with --plan.")
        return loads(read_json_argument(args.plan), _Plan).charges
    if args.meter and meter_flags:
        parser.error(f"{', '.join(meter_flags)} cannot be combined with --meter.")
    if not ((args.metric or args.meter) and args.price):
        raise CliError(
            "give --plan PLAN.json, or --price MODEL.json with --meter METER.json or with "
            "--metric (and --aggregation)."
        )
    model: AnyUsageModel = loads(read_json_argument(args.price), model_type)
    if args.meter:
        meter = loads(read_json_argument(args.meter), Meter)
    else:
        meter = Meter(
            args.metric,
            args.aggregation or "sum",
            unique_property=args.unique_property,
            group_by=args.group_by,
        )
    return (UsageCharge(meter, model),)


def _handle(args: argparse.Namespace) -> int:
    from revcycle.usage import rate_usage

    period = parse_period(args.period, "--period")
    full = None if args.full_period is None else parse_period(args.full_period, "--full-period")
    # Three steps: reading the usage file (and the plan), rating, writing.
    with progress(3) as steps:
        steps.step(f"reading usage: {source_name(args.events)}")
        charges = _charges(args)
        events = read_events(args.events)
        steps.step("rating")
        rating = rate_usage(events, charges, period, tz=args.tz, full_period=full)
        steps.writing()
        return print_result(rating, args.format, _table)


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
