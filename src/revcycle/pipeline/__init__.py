"""Pipeline analytics: weighted totals, forecasts, win rates, stage times, conversion, velocity.

A :class:`Pipeline` is a frozen collection of :class:`~revcycle.opportunity.Opportunity`
values. Every metric reads one summary built in a single pass over the opportunities and
their histories (amounts stay plain Decimals inside it), so a report over 100,000 deals with
a million history rows takes about a second.

Conventions:

* **Weighted** amount = amount × the opportunity's probability snapshot, unrounded.
* **One currency.** Totals are in one report currency. Mixed currencies need an
  :class:`ExchangeRates` table (rates *to* the report currency); without one a
  :class:`~revcycle.errors.CurrencyMismatchError` says which currencies were found.
* **Closed deals count where they closed:** by their ``close_date`` (``close_won`` and
  ``close_lost`` set it to the day they closed).
* **Durations** are measured between history timestamps (timezone-aware) and reported in days
  to six decimal places; a visit to a stage ends when the stage changes (amount or
  probability edits do not end it); the final visit of an open deal counts only up to an
  ``as_of`` given by the caller. Closed stages are terminal and have no duration.

The names live in private modules (``_results``: the values the metrics return; ``_model``:
the pipeline and its single-pass summary; ``_report``: the report); import them from here.

>>> from datetime import date, datetime, timezone
>>> from revcycle.money import Money
>>> from revcycle.opportunity import Opportunity
>>> at = datetime(2025, 1, 6, 9, 0, tzinfo=timezone.utc)
>>> opp = Opportunity(
...     id="OPP-1", account="ACME", name="Platform", amount=Money("100000", "USD"),
...     close_date=date(2025, 6, 30), owner="dana", stage="Negotiation/Review", created_at=at,
... )
>>> Pipeline([opp]).weighted_total()
Money('75000', 'USD')
"""

from __future__ import annotations

# ExchangeRates lives in revcycle.money; it was defined here before and stays importable.
from revcycle.money import ExchangeRates
from revcycle.pipeline._model import Pipeline
from revcycle.pipeline._report import PipelineReport
from revcycle.pipeline._results import (
    CategoryTotal,
    DealFlag,
    Forecast,
    SalesVelocity,
    StageConversion,
    StageDuration,
    StageTotal,
    WinRate,
)


__all__ = [
    "CategoryTotal",
    "DealFlag",
    "ExchangeRates",
    "Forecast",
    "Pipeline",
    "PipelineReport",
    "SalesVelocity",
    "StageConversion",
    "StageDuration",
    "StageTotal",
    "WinRate",
]
