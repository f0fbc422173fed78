"""The pipeline report: every metric as of a date, in one currency, and its views for people
(rows, records, HTML); amounts are shown through the shared formatters of ``_display``."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Final, final

import attrs

from revcycle._display import (
    MISSING,
    ColumnKind,
    Columns,
    TypedRows,
    amount_text,
    days_text,
    html_table,
    percent_text,
)
from revcycle._validate import check_annotated
from revcycle.money import Currency, Money
from revcycle.pipeline import _results


# One row per stage, for to_records(), to_arrow() and to_pandas().
_COLUMNS: Final = {
    "stage": ColumnKind.CHOICE,
    "count": ColumnKind.INTEGER,
    "amount": ColumnKind.PRECISE,
    "weighted": ColumnKind.PRECISE,
    "currency": ColumnKind.CHOICE,
    "mean_days": ColumnKind.QUANTITY,
}


@final
@attrs.frozen(kw_only=True, field_transformer=check_annotated)
class PipelineReport(TypedRows):
    """Every pipeline metric as of a date, in one currency (what ``revcycle pipeline`` prints).

    ``total`` and ``weighted_total`` cover open deals; ``forecast`` and ``win_rate`` the
    report period; ``velocity`` all closed deals.
    """

    as_of: date
    currency: Currency
    deals: int
    open_deals: int
    total: Money
    weighted_total: Money
    by_stage: tuple[_results.StageTotal, ...]
    by_forecast_category: tuple[_results.CategoryTotal, ...]
    forecast: _results.Forecast
    win_rate: _results.WinRate
    win_rate_all_time: _results.WinRate
    stage_durations: tuple[_results.StageDuration, ...]
    conversion_rates: tuple[_results.StageConversion, ...]
    velocity: _results.SalesVelocity
    stalled: tuple[_results.DealFlag, ...]
    stalled_days: int
    aged: tuple[_results.DealFlag, ...]
    aged_days: int

    def summary_rows(self) -> list[tuple[str, str]]:
        """The headline figures as (label, value) rows, amounts rounded for people."""
        f, w, v = self.forecast, self.win_rate, self.velocity
        return [
            ("Open deals", f"{self.open_deals} of {self.deals}"),
            ("Open pipeline", amount_text(self.total, rounded=True)),
            ("Weighted pipeline", amount_text(self.weighted_total, rounded=True)),
            (f"Forecast {f.period} closed", amount_text(f.closed, rounded=True)),
            ("Forecast commit", amount_text(f.commit, rounded=True)),
            ("Forecast best case", amount_text(f.best_case, rounded=True)),
            ("Forecast open pipeline", amount_text(f.pipeline, rounded=True)),
            ("Win rate in period (count)", percent_text(w.by_count)),
            ("Win rate in period (amount)", percent_text(w.by_amount)),
            ("Win rate all time (count)", percent_text(self.win_rate_all_time.by_count)),
            ("Average won amount", amount_text(v.average_won_amount, rounded=True)),
            ("Average cycle (days)", days_text(v.average_cycle_days)),
            ("Sales velocity per day", amount_text(v.per_day, rounded=True)),
            (f"Stalled ≥ {self.stalled_days} days", str(len(self.stalled))),
            (f"Older than {self.aged_days} days", str(len(self.aged))),
        ]

    def stage_rows(self) -> list[tuple[str, ...]]:
        """Per stage: count, amount, weighted, mean days in stage (rounded for people)."""
        durations = {d.stage: d for d in self.stage_durations}
        rows: list[tuple[str, ...]] = []
        for total in self.by_stage:
            duration = durations.get(total.stage)
            rows.append(
                (
                    total.stage,
                    str(total.count),
                    amount_text(total.amount, rounded=True),
                    amount_text(total.weighted, rounded=True),
                    days_text(duration.mean_days) if duration else MISSING,
                )
            )
        return rows

    _columns: ClassVar[Columns] = _COLUMNS

    def _rows(self) -> list[dict[str, Any]]:
        """One row per stage in funnel order: the deals' count, amount and weighted amount in
        the report currency (unrounded: converted amounts are exact), mean days in stage."""
        durations = {d.stage: d for d in self.stage_durations}
        rows = []
        for total in self.by_stage:
            duration = durations.get(total.stage)
            rows.append(
                {
                    "stage": total.stage,
                    "count": total.count,
                    "amount": total.amount.amount,
                    "weighted": total.weighted.amount,
                    "currency": self.currency.code,
                    "mean_days": duration.mean_days if duration else None,
                }
            )
        return rows

    def _repr_html_(self) -> str:
        return html_table(
            f"Pipeline as of {self.as_of.isoformat()} ({self.currency.code})",
            ["stage", "deals", "amount", "weighted", "mean days in stage"],
            self.stage_rows(),
            right=[1, 2, 3, 4],
            footer=[f"{label}: {value}" for label, value in self.summary_rows()],
        )
