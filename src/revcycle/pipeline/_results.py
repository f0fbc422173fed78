"""The values a pipeline's metrics return: totals, the forecast, win rates, stage durations,
conversion, velocity and flagged deals. Plain frozen records; :mod:`revcycle.pipeline`
computes them."""

from __future__ import annotations

from decimal import Decimal
from typing import final

import attrs

from revcycle._validate import check_annotated
from revcycle.dates import Period
from revcycle.money import Money
from revcycle.opportunity import ForecastCategory


@final
@attrs.frozen(kw_only=True, field_transformer=check_annotated)
class StageTotal:
    """Deals in one stage: how many, their amount and weighted amount."""

    stage: str
    count: int
    amount: Money
    weighted: Money


@final
@attrs.frozen(kw_only=True, field_transformer=check_annotated)
class CategoryTotal:
    """Deals in one forecast category: how many, their amount and weighted amount."""

    category: ForecastCategory
    count: int
    amount: Money
    weighted: Money


@final
@attrs.frozen(kw_only=True, field_transformer=check_annotated)
class Forecast:
    """Salesforce-style forecast for deals closing in ``period`` (by close date).

    Cumulative, as Salesforce rolls them up: ``closed`` is won amounts; ``commit`` is closed
    plus open Commit; ``best_case`` is commit plus open Best Case; ``pipeline`` is the open
    pipeline (open Pipeline, Best Case and Commit deals, without closed). ``weighted`` is the
    open deals' amount × probability. Lost deals and open Omitted deals count nowhere; an open
    deal whose category was set to Closed counts as Commit until it really closes.
    """

    period: Period
    closed: Money
    commit: Money
    best_case: Money
    pipeline: Money
    weighted: Money
    open_deals: int
    won_deals: int


@final
@attrs.frozen(kw_only=True, field_transformer=check_annotated)
class WinRate:
    """Won ÷ (won + lost), by count and by amount; ``None`` when nothing closed."""

    won: int
    lost: int
    won_amount: Money
    lost_amount: Money
    by_count: Decimal | None
    by_amount: Decimal | None


@final
@attrs.frozen(kw_only=True, field_transformer=check_annotated)
class StageDuration:
    """Time spent in a stage over every finished visit (and open ones up to ``as_of``).

    Days to six decimal places; ``mean_days`` is ``None`` when no visit was measured.
    """

    stage: str
    visits: int
    total_days: Decimal
    mean_days: Decimal | None


@final
@attrs.frozen(kw_only=True, field_transformer=check_annotated)
class StageConversion:
    """Of the deals that reached ``from_stage``, the share that reached ``to_stage``.

    A deal reaches a stage when it enters it or any later open stage, or wins; a deal
    created at a later stage counts as having reached the earlier ones.
    """

    from_stage: str
    to_stage: str
    entered: int
    advanced: int
    rate: Decimal | None


@final
@attrs.frozen(kw_only=True, field_transformer=check_annotated)
class SalesVelocity:
    """Pipeline value per day: open deals × win rate × average won amount ÷ average cycle days.

    The cycle of a won deal runs from ``created_at`` to the time it closed. ``per_day`` is
    ``None`` when any factor is undefined (nothing closed, nothing won, a zero cycle).
    """

    open_deals: int
    win_rate: Decimal | None
    average_won_amount: Money | None
    average_cycle_days: Decimal | None
    per_day: Money | None


@final
@attrs.frozen(kw_only=True, field_transformer=check_annotated)
class DealFlag:
    """An open deal flagged by a report (stalled or old), with the number of days."""

    id: str
    name: str
    owner: str
    stage: str
    days: int
