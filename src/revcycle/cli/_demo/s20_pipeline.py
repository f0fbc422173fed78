"""Demo section: a pipeline moving through stages, its weighted forecast, an account's journey."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from revcycle import samples
from revcycle.cli._common import print_table
from revcycle.engagement import AccountJourney, summarize
from revcycle.money import Money
from revcycle.opportunity import Opportunity, StageModel
from revcycle.pipeline import Pipeline
from revcycle.serialization import loads


if TYPE_CHECKING:
    from rich.console import Console

TITLE = "Interval 1: opportunity stages, the weighted pipeline and the five intervals"


def run(console: Console) -> None:
    """Print the pipeline section."""
    created = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
    rows = []
    for model in (StageModel.default(), StageModel.salesforce()):
        deal = Opportunity(
            id="X",
            account="Example",
            name="Example",
            amount=Money("100000", "USD"),
            close_date=date(2025, 6, 30),
            owner="rep",
            stage="Prospecting",
            created_at=created,
            model=model,
        ).move_to("Negotiation/Review", at=datetime(2025, 3, 3, 9, 0, tzinfo=UTC))
        lost = deal.close_lost("budget cut", at=datetime(2025, 4, 1, 9, 0, tzinfo=UTC))
        rows.append(
            [
                model.name,
                str(deal.probability),
                str(deal.weighted_amount.round()),
                f"{lost.weighted_amount.round()} ({lost.forecast_category.value})",
            ]
        )
    console.print(
        "The same 100,000 USD deal at Negotiation/Review under two stage models — the "
        "probability is a snapshot the deal takes when it enters the stage:"
    )
    print_table(
        "Stage models",
        ["model", "probability", "weighted", "after close lost"],
        rows,
        right=[1, 2, 3],
        out=console,
    )

    pipeline = loads(samples.read_text("opportunities.json"), Pipeline)
    acme = next(o for o in pipeline.opportunities if o.id == "OPP-1001")
    console.print(f"\n{acme.name}: every change kept with its timestamp and probability.")
    print_table(
        "History",
        ["at", "change", "stage", "probability", "category"],
        [
            [
                c.at.date().isoformat(),
                c.kind.value,
                c.stage,
                f"{c.probability}{' (override)' if c.probability_overridden else ''}",
                c.forecast_category.value,
            ]
            for c in acme.history
        ],
        right=[3],
        out=console,
    )
    handoff = acme.handoff
    if handoff is not None:
        missing = ", ".join(handoff.missing()) or "nothing"
        console.print(
            f"Handoff to customer success — goal: {handoff.customer_goal}; judged by: "
            f"{', '.join(handoff.success_measures)}; missing: {missing}."
        )

    report = pipeline.report(date(2025, 6, 20))
    console.print(
        f"\nThe sample pipeline ({len(pipeline.opportunities)} deals, EUR converted at the "
        "file's explicit rate) as of 2025-06-20:"
    )
    print_table(
        f"Pipeline ({report.currency.code})",
        ["figure", "value"],
        report.summary_rows()[:13],
        right=[1],
        out=console,
    )

    journeys = loads(samples.read_text("milestones.json"), tuple[AccountJourney, ...])
    journey = journeys[0]
    console.print(f"\n{journey.account}'s journey through the five intervals:")
    print_table(
        "Intervals",
        ["interval", "from", "to", "days"],
        [
            [s.interval.label, s.start.isoformat(), s.end.isoformat(), s.days]
            for s in journey.spans(as_of=date(2025, 12, 31))
        ],
        right=[3],
        out=console,
    )
    summary = summarize(journeys)
    print_table(
        f"Days per interval over {summary.accounts} accounts (finished intervals)",
        ["interval", "accounts", "mean", "median", "min", "max"],
        summary.rows(),
        right=[1, 2, 3, 4, 5],
        out=console,
    )
