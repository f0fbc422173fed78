"""Load the sample pipeline, print its headline figures and one account's journey.

Run: ``.venv/bin/python examples/pipeline_report.py``
"""

from __future__ import annotations

from datetime import date

from revcycle import samples
from revcycle.dates import Period
from revcycle.engagement import AccountJourney, summarize
from revcycle.pipeline import Pipeline
from revcycle.serialization import loads


def main() -> None:
    pipeline = loads(samples.read_text("opportunities.json"), Pipeline)
    report = pipeline.report(date(2025, 6, 20))
    for label, value in report.summary_rows():
        print(f"{label:<42} {value:>16}")

    first_half = Period(date(2025, 1, 1), date(2025, 7, 1))
    forecast = pipeline.forecast(first_half)
    print(f"\nFirst half 2025: closed {forecast.closed.round()}, commit {forecast.commit.round()}")

    print("\nStage-to-stage conversion:")
    for step in pipeline.conversion_rates():
        rate = "—" if step.rate is None else f"{step.rate * 100:.0f}%"
        print(f"  {step.from_stage:>20} → {step.to_stage:<20} {rate:>5}")

    journeys = loads(samples.read_text("milestones.json"), tuple[AccountJourney, ...])
    print(f"\n{journeys[0].account}:")
    for span in journeys[0].spans(as_of=date(2025, 12, 31)):
        print(f"  {span.interval.label:<32} {span.days:>4} days")
    print("\nMedian days per interval over all accounts (finished intervals):")
    for stats in summarize(journeys).intervals:
        print(f"  {stats.interval.label:<32} {stats.median_days if stats.accounts else '—'}")


if __name__ == "__main__":
    main()
