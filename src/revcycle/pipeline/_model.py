"""The pipeline: a frozen set of opportunities and the metrics computed from one summary built
in a single pass over them and their histories."""

from __future__ import annotations

import decimal
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar, Final, TypeVar, final

import attrs

from revcycle._display import (
    ColumnKind,
    Columns,
    TypedRows,
    amount_text,
    html_table,
    points_text,
)
from revcycle._numbers import CTX, HUNDRED, ZERO
from revcycle._validate import check_arguments, check_type, require_day, require_sequence, trusted
from revcycle.dates import Duration, Period, anchored_date, as_of_instant, day_after
from revcycle.errors import (
    CurrencyMismatchError,
    RevcycleTypeError,
    ValidationError,
    shown,
)
from revcycle.money import Currency, ExchangeRates, Money
from revcycle.opportunity import (
    ForecastCategory,
    Opportunity,
    StageModel,
)
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


_US_PER_DAY: Final = Decimal(86_400_000_000)
_DAY_PLACES: Final = Decimal("0.000001")
_NO_TIME: Final = timedelta(0)

_T = TypeVar("_T")
# The totals are computed from checked opportunities: filled in without __init__.
_new_stage_total: Final = trusted(StageTotal, "stage", "count", "amount", "weighted")
_new_category_total: Final = trusted(CategoryTotal, "category", "count", "amount", "weighted")


# --------------------------------------------------------------------------------------------
# The single-pass summary


def _micros(delta: timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _six_places(value: Decimal) -> Decimal:
    # Six places at most; a value that terminates sooner keeps its short form (2.5).
    short = value.quantize(_DAY_PLACES, context=CTX)
    return value if short == value else short


def _days(micros: int) -> Decimal:
    return _six_places(CTX.divide(Decimal(micros), _US_PER_DAY))


def _mean_days(micros: int, count: int) -> Decimal | None:
    if not count:
        return None
    return _six_places(CTX.divide(Decimal(micros), CTX.multiply(_US_PER_DAY, Decimal(count))))


class _Summary:
    """Everything the metrics need, gathered in one pass (private; never exposed).

    Per-deal facts live in parallel lists of plain values (no per-deal tuples), which keeps
    the allocation count, and so the garbage collector's work, low on large pipelines.
    """

    __slots__ = (
        "closed_cycle",
        "closed_date",
        "closed_idx",
        "closed_won",
        "currencies",
        "funnel",
        "open_entered",
        "open_idx",
        "open_order",
        "open_stage",
        "reached",
        "stage_order",
        "stage_time",
        "stage_visits",
        "state",
        "won_label",
    )

    def __init__(self, opportunities: tuple[Opportunity, ...]) -> None:
        self.currencies: dict[str, Currency] = {}
        # Stage order: every model's stages in model order, first model first.
        models: list[StageModel] = []
        for opp in opportunities:
            model = opp.model
            if not any(model is m for m in models) and model not in models:
                models.append(model)
        order: dict[str, None] = {}
        funnel: dict[str, None] = {}
        won_names: set[str] = set()
        lost_names: set[str] = set()
        for model in models:
            for step in model.stages:
                order.setdefault(step.name)
                if not step.closed:
                    funnel.setdefault(step.name)
                elif step.won:
                    won_names.add(step.name)
                else:
                    lost_names.add(step.name)
        self.stage_order: tuple[str, ...] = tuple(order)
        terminal = won_names | lost_names
        self.open_order: tuple[str, ...] = tuple(n for n in order if n not in terminal)
        self.funnel: tuple[str, ...] = tuple(n for n in funnel if n not in won_names)
        self.won_label = models[0].won_stage.name if models else "Closed Won"
        position = {name: i for i, name in enumerate(self.funnel)}
        won_position = len(self.funnel)
        for name in won_names:
            position[name] = won_position
        for name in lost_names:
            position.setdefault(name, -1)

        # state[i]: 0 open, 1 won, 2 lost — looked up per model, since models may differ.
        self.state: list[int] = []
        self.closed_idx: list[int] = []
        self.closed_date: list[date] = []
        self.closed_won: list[bool] = []
        self.closed_cycle: list[timedelta] = []  # created_at → closed
        self.open_idx: list[int] = []
        self.open_stage: list[str] = []  # the current stage of each open deal
        self.open_entered: list[datetime] = []  # when it entered that stage
        # Durations accumulate as timedelta sums (C arithmetic), converted once at the end;
        # visits are counted from a list of stage names (one C-level Counter at the end).
        stage_delta: dict[str, timedelta] = dict.fromkeys(self.stage_order, _NO_TIME)
        visited: list[str] = []
        visit = visited.append
        reached = [0] * (won_position + 2)
        state = self.state
        closed_idx, closed_date = self.closed_idx, self.closed_date
        closed_won, closed_cycle = self.closed_won, self.closed_cycle
        open_idx, open_stage, open_entered = self.open_idx, self.open_stage, self.open_entered
        get_position = position.get
        kinds: dict[int, dict[str, int]] = {}
        for model in models:
            kinds[id(model)] = {
                s.name: (1 if s.won else 2) if s.closed else 0 for s in model.stages
            }
        single = kinds[id(models[0])] if len(models) == 1 else None
        for i, opp in enumerate(opportunities):
            history = opp.history
            first = history[0]
            stage = first.stage
            entered = first.at
            best = get_position(stage, -1)
            for change in history:
                name = change.stage
                if name is not stage and name != stage:
                    at = change.at
                    stage_delta[stage] += at - entered
                    visit(stage)
                    stage = name
                    entered = at
                    pos = get_position(name, -1)
                    if pos > best:
                        best = pos
            reached[best + 1] += 1
            kind_of = single
            if kind_of is None:
                # Equal models loaded from JSON are distinct objects: look them up by value.
                kind_of = kinds.get(id(opp.model))
                if kind_of is None:
                    kind_of = kinds[id(opp.model)] = {
                        s.name: (1 if s.won else 2) if s.closed else 0 for s in opp.model.stages
                    }
            kind = kind_of[stage]
            state.append(kind)
            if kind:
                closed_idx.append(i)
                closed_date.append(opp.close_date)
                closed_won.append(kind == 1)
                closed_cycle.append(entered - opp.created_at)
            else:
                open_idx.append(i)
                open_stage.append(stage)
                open_entered.append(entered)
        for opp in opportunities:
            currency = opp.amount.currency
            self.currencies.setdefault(currency.code, currency)
        self.stage_time = {name: _micros(delta) for name, delta in stage_delta.items()}
        counts = Counter(visited)
        self.stage_visits = {name: counts.get(name, 0) for name in self.stage_order}
        # reached[k + 1] counts deals whose furthest position is k (-1: none).
        self.reached = reached

    def closed_in(self, period: Period | None) -> list[int]:
        """Positions in the closed lists of the deals closing in ``period`` (all if None)."""
        if period is None:
            return list(range(len(self.closed_idx)))
        start, end = period.start, period.end
        return [k for k, day in enumerate(self.closed_date) if start <= day < end]


# --------------------------------------------------------------------------------------------
# Pipeline


def _to_opportunities(values: Iterable[Opportunity]) -> tuple[Opportunity, ...]:
    return require_sequence(values, "A pipeline's opportunities", of="Opportunity")


def _check_opportunities(_: object, __: object, values: tuple[Opportunity, ...]) -> None:
    seen: set[str] = set()
    for i, opp in enumerate(values):
        if not isinstance(opp, Opportunity):
            raise RevcycleTypeError(f"Pipeline item {i} is {shown(opp)}; expected an Opportunity.")
        if opp.id in seen:
            raise ValidationError(
                f"Opportunity id {shown(opp.id)} appears twice in the pipeline; ids must be unique."
            )
        seen.add(opp.id)


_check_rates: Final = check_type(
    ExchangeRates, "ExchangeRates or None", "Pipeline rates", optional=True
)


def _as_of_instant(as_of: date | datetime) -> datetime:
    # Open visits are measured up to this instant: a datetime itself, or for a date the
    # midnight that ends it (UTC), one microsecond after the day's last covered instant.
    instant = as_of_instant(as_of)
    if isinstance(as_of, datetime):
        return instant
    day_after(as_of, "An as_of day")  # that midnight must exist: not after 9999-12-31
    return instant + timedelta(microseconds=1)


def _check_days(days: object, what: str) -> int:
    # Not _validate.check_whole(): a wrong type is a ValidationError here, as it always was.
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ValidationError(
            f"{what} must be a whole number of days (0 or more), not {shown(days)}."
        )
    return days


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if denominator.is_zero():
        return None
    return CTX.divide(numerator, denominator)


# One row per opportunity, for to_records(), to_arrow() and to_pandas().
_COLUMNS: Final = {
    "id": ColumnKind.TEXT,
    "account": ColumnKind.TEXT,
    "name": ColumnKind.TEXT,
    "owner": ColumnKind.CHOICE,
    "stage": ColumnKind.CHOICE,
    "amount": ColumnKind.AMOUNT,
    "currency": ColumnKind.CHOICE,
    "probability": ColumnKind.QUANTITY,
    "weighted": ColumnKind.PRECISE,
    "forecast_category": ColumnKind.CHOICE,
    "close_date": ColumnKind.DATE,
    "created_at": ColumnKind.INSTANT,
}


@final
@attrs.frozen
class Pipeline(TypedRows):
    """A set of opportunities and the analytics sales leaders ask of it.

    ``rates`` converts other currencies into the report currency. Results are computed from
    one cached single-pass summary; the pipeline itself never changes.

    >>> Pipeline([]).weighted_total("EUR")
    Money('0', 'EUR')
    """

    opportunities: tuple[Opportunity, ...] = attrs.field(
        converter=_to_opportunities, validator=_check_opportunities
    )
    rates: ExchangeRates | None = attrs.field(default=None, kw_only=True, validator=_check_rates)
    _memo: dict[Any, Any] = attrs.field(init=False, factory=dict, eq=False, repr=False)

    # -- internals -------------------------------------------------------------------------

    def _summary(self) -> _Summary:
        summary: _Summary | None = self._memo.get("summary")
        if summary is None:
            summary = self._memo["summary"] = _Summary(self.opportunities)
        return summary

    @check_arguments
    def report_currency(self, currency: Currency | str | None = None) -> Currency:
        """The currency totals are reported in: ``currency``, else the rate table's, else the
        one currency every opportunity uses."""
        if currency is not None:
            return Currency.of(currency)
        if self.rates is not None:
            return self.rates.currency
        found = self._summary().currencies
        if len(found) == 1:
            return next(iter(found.values()))
        if not found:
            raise ValidationError(
                "An empty pipeline has no currency; pass currency=... to report in one."
            )
        raise CurrencyMismatchError(
            f"The pipeline mixes currencies ({', '.join(sorted(found))}); give Pipeline an "
            "ExchangeRates table (rates=...) to report them in one currency."
        )

    def _amounts(self, currency: Currency) -> list[Decimal]:
        """Every opportunity's amount in ``currency``, as plain Decimals (cached)."""
        key = ("amounts", currency.code)
        cached: list[Decimal] | None = self._memo.get(key)
        if cached is not None:
            return cached
        factors: dict[str, Decimal] = {}
        for code in self._summary().currencies:
            if code == currency.code:
                continue
            if self.rates is None:
                raise CurrencyMismatchError(
                    f"Cannot report {code} opportunities in {currency.code} without exchange "
                    "rates; give Pipeline an ExchangeRates table (rates=...)."
                )
            factors[code] = self.rates.factor(code, currency)
        if factors:
            amounts = [
                CTX.multiply(o.amount.amount, factors[o.amount.currency.code])
                if o.amount.currency.code in factors
                else o.amount.amount
                for o in self.opportunities
            ]
        else:
            amounts = [o.amount.amount for o in self.opportunities]
        self._memo[key] = amounts
        return amounts

    def _weighted(self, currency: Currency) -> list[Decimal]:
        """amount × probability points per opportunity (divide by 100 once at the end)."""
        key = ("weighted", currency.code)
        cached: list[Decimal] | None = self._memo.get(key)
        if cached is None:
            amounts = self._amounts(currency)
            multiply = CTX.multiply
            cached = [
                multiply(a, o.probability.value)
                for a, o in zip(amounts, self.opportunities, strict=True)
            ]
            self._memo[key] = cached
        return cached

    @staticmethod
    def _money(amount: Decimal, currency: Currency) -> Money:
        return Money._trusted(amount, currency)

    # -- totals ----------------------------------------------------------------------------

    def _sum(self, values: list[Decimal], open_only: bool) -> Decimal:
        """The sum of per-opportunity ``values``, over every deal or the open ones only."""
        with decimal.localcontext(CTX):
            if open_only:
                return sum((values[i] for i in self._summary().open_idx), ZERO)
            return sum(values, ZERO)

    @check_arguments
    def total(self, currency: Currency | str | None = None, *, open_only: bool = False) -> Money:
        """The sum of amounts (unweighted), all deals or open ones only."""
        cur = self.report_currency(currency)
        return self._money(self._sum(self._amounts(cur), open_only), cur)

    @check_arguments
    def weighted_total(
        self, currency: Currency | str | None = None, *, open_only: bool = False
    ) -> Money:
        """Σ amount × probability (closed-won deals count in full, lost ones at 0 %)."""
        cur = self.report_currency(currency)
        points = self._sum(self._weighted(cur), open_only)
        return self._money(CTX.divide(points, HUNDRED), cur)

    def _groups(self, currency: Currency) -> tuple[dict[Any, list[Any]], dict[Any, list[Any]]]:
        """Count, amount and weight points per stage and per category, in one pass (cached)."""
        key = ("groups", currency.code)
        cached: tuple[dict[Any, list[Any]], dict[Any, list[Any]]] | None = self._memo.get(key)
        if cached is not None:
            return cached
        amounts, weighted = self._amounts(currency), self._weighted(currency)
        by_stage: dict[Any, list[Any]] = {n: [0, ZERO, ZERO] for n in self._summary().stage_order}
        by_category: dict[Any, list[Any]] = {c: [0, ZERO, ZERO] for c in ForecastCategory}
        with decimal.localcontext(CTX):
            for i, opp in enumerate(self.opportunities):
                row = by_stage[opp.stage]
                row[0] += 1
                row[1] += amounts[i]
                row[2] += weighted[i]
                row = by_category[opp.forecast_category]
                row[0] += 1
                row[1] += amounts[i]
                row[2] += weighted[i]
        self._memo[key] = (by_stage, by_category)
        return by_stage, by_category

    def _totals(
        self,
        currency: Currency | str | None,
        which: int,
        new: Callable[[Any, int, Money, Money], _T],
    ) -> tuple[_T, ...]:
        """Count, amount and weighted amount per stage (``which`` 0) or per forecast category
        (1), each made into a result by ``new``."""
        cur = self.report_currency(currency)
        return tuple(
            new(key, count, self._money(amount, cur), self._money(CTX.divide(points, HUNDRED), cur))
            for key, (count, amount, points) in self._groups(cur)[which].items()
        )

    @check_arguments
    def by_stage(self, currency: Currency | str | None = None) -> tuple[StageTotal, ...]:
        """Count, amount and weighted amount per stage, every stage in funnel order."""
        return self._totals(currency, 0, _new_stage_total)

    @check_arguments
    def by_forecast_category(
        self, currency: Currency | str | None = None
    ) -> tuple[CategoryTotal, ...]:
        """Count, amount and weighted amount per forecast category (all five, in order)."""
        return self._totals(currency, 1, _new_category_total)

    @check_arguments
    def forecast(self, period: Period, currency: Currency | str | None = None) -> Forecast:
        """The forecast for deals whose close date falls in ``period`` (see :class:`Forecast`)."""
        if not isinstance(period, Period):
            raise RevcycleTypeError(f"forecast() needs a Period, not {shown(period)}.")
        cur = self.report_currency(currency)
        amounts, weighted = self._amounts(cur), self._weighted(cur)
        start, end = period.start, period.end
        closed = commit = best = pipe = points = ZERO
        open_deals = won_deals = 0
        state = self._summary().state
        with decimal.localcontext(CTX):
            for i, opp in enumerate(self.opportunities):
                if not start <= opp.close_date < end:
                    continue
                if state[i]:
                    if state[i] == 1:
                        closed += amounts[i]
                        won_deals += 1
                    continue
                category = opp.forecast_category
                if category is ForecastCategory.OMITTED:
                    continue
                open_deals += 1
                points += weighted[i]
                pipe += amounts[i]
                if category is ForecastCategory.COMMIT or category is ForecastCategory.CLOSED:
                    commit += amounts[i]
                elif category is ForecastCategory.BEST_CASE:
                    best += amounts[i]
            return Forecast(
                period=period,
                closed=self._money(closed, cur),
                commit=self._money(closed + commit, cur),
                best_case=self._money(closed + commit + best, cur),
                pipeline=self._money(pipe, cur),
                weighted=self._money(points / HUNDRED, cur),
                open_deals=open_deals,
                won_deals=won_deals,
            )

    # -- outcomes and speed ------------------------------------------------------------------

    def _closed_in(self, period: Period | None) -> list[int]:
        if period is not None and not isinstance(period, Period):
            raise RevcycleTypeError(f"period must be a Period or None, not {shown(period)}.")
        return self._summary().closed_in(period)

    @check_arguments
    def win_rate(
        self, period: Period | None = None, currency: Currency | str | None = None
    ) -> WinRate:
        """Won ÷ (won + lost) by count and by amount, for deals closing in ``period``."""
        cur = self.report_currency(currency)
        amounts = self._amounts(cur)
        won = lost = 0
        won_amount = lost_amount = ZERO
        summary = self._summary()
        with decimal.localcontext(CTX):
            for k in self._closed_in(period):
                if summary.closed_won[k]:
                    won += 1
                    won_amount += amounts[summary.closed_idx[k]]
                else:
                    lost += 1
                    lost_amount += amounts[summary.closed_idx[k]]
            return WinRate(
                won=won,
                lost=lost,
                won_amount=self._money(won_amount, cur),
                lost_amount=self._money(lost_amount, cur),
                by_count=_ratio(Decimal(won), Decimal(won + lost)),
                by_amount=_ratio(won_amount, won_amount + lost_amount),
            )

    @check_arguments
    def stage_durations(self, as_of: date | datetime | None = None) -> tuple[StageDuration, ...]:
        """Average time in each open stage (closed stages are terminal and left out).

        Finished visits always count; with ``as_of`` (an aware datetime, or a date meaning
        the end of that day in UTC) the current visit of each open deal counts up to it.
        """
        summary = self._summary()
        time_us = dict(summary.stage_time)
        visits = dict(summary.stage_visits)
        if as_of is not None:
            instant = _as_of_instant(as_of)
            for stage, entered in zip(summary.open_stage, summary.open_entered, strict=True):
                if entered <= instant:
                    time_us[stage] += _micros(instant - entered)
                    visits[stage] += 1
        return tuple(
            StageDuration(
                stage=name,
                visits=visits[name],
                total_days=_days(time_us[name]),
                mean_days=_mean_days(time_us[name], visits[name]),
            )
            for name in summary.open_order
        )

    def conversion_rates(self) -> tuple[StageConversion, ...]:
        """Stage-to-stage conversion through the funnel, ending with the last open stage → won."""
        summary = self._summary()
        labels = (*summary.funnel, summary.won_label)
        # at_least[k]: deals whose furthest position is k or later.
        counts = summary.reached[1:]
        at_least = [0] * (len(counts) + 1)
        for k in range(len(counts) - 1, -1, -1):
            at_least[k] = at_least[k + 1] + counts[k]
        return tuple(
            StageConversion(
                from_stage=labels[k],
                to_stage=labels[k + 1],
                entered=at_least[k],
                advanced=at_least[k + 1],
                rate=_ratio(Decimal(at_least[k + 1]), Decimal(at_least[k])),
            )
            for k in range(len(summary.funnel))
        )

    @check_arguments
    def velocity(
        self, period: Period | None = None, currency: Currency | str | None = None
    ) -> SalesVelocity:
        """Sales velocity per day; win rate, average won amount and cycle from deals closing
        in ``period`` (all closed deals by default), open deals as they stand."""
        cur = self.report_currency(currency)
        amounts = self._amounts(cur)
        summary = self._summary()
        rows = self._closed_in(period)
        won = [
            (summary.closed_idx[k], _micros(summary.closed_cycle[k]))
            for k in rows
            if summary.closed_won[k]
        ]
        open_deals = len(summary.open_idx)
        rate = _ratio(Decimal(len(won)), Decimal(len(rows)))
        if not won:
            return SalesVelocity(
                open_deals=open_deals,
                win_rate=rate,
                average_won_amount=None,
                average_cycle_days=None,
                per_day=None,
            )
        with decimal.localcontext(CTX):
            average = sum((amounts[i] for i, _ in won), ZERO) / len(won)
            cycle_us = sum(c for _, c in won)
            cycle_days = Decimal(cycle_us) / _US_PER_DAY / len(won)
            per_day = None
            if rate is not None and not cycle_days.is_zero():
                per_day = self._money(open_deals * rate * average / cycle_days, cur)
        return SalesVelocity(
            open_deals=open_deals,
            win_rate=rate,
            average_won_amount=self._money(average, cur),
            average_cycle_days=_six_places(cycle_days),
            per_day=per_day,
        )

    # -- flags -------------------------------------------------------------------------------

    @check_arguments
    def older_than(self, days: int, as_of: date) -> tuple[DealFlag, ...]:
        """Open deals created more than ``days`` days before ``as_of`` (oldest first).

        Age counts calendar days from the date of ``created_at`` in its own time zone.
        """
        limit = _check_days(days, "The age limit")
        day = require_day(as_of, "as_of")
        opps = self.opportunities
        hits = []
        for i in self._summary().open_idx:
            age = (day - opps[i].created_at.date()).days
            if age > limit:
                hits.append((-age, opps[i].id, i))
        return self._flags(hits)

    @check_arguments
    def stalled(self, days: int, as_of: date) -> tuple[DealFlag, ...]:
        """Open deals whose stage has not changed for ``days`` days or more on ``as_of``.

        Counts calendar days since the date the deal entered its current stage (amount and
        probability edits do not count as movement). Longest-stalled first.
        """
        limit = _check_days(days, "The stall limit")
        day = require_day(as_of, "as_of")
        opps = self.opportunities
        hits = []
        summary = self._summary()
        for i, entered in zip(summary.open_idx, summary.open_entered, strict=True):
            idle = (day - entered.date()).days
            if idle >= limit:
                hits.append((-idle, opps[i].id, i))
        return self._flags(hits)

    def _flags(self, hits: list[tuple[int, str, int]]) -> tuple[DealFlag, ...]:
        # Sorting plain tuples (most days first, then id) is much cheaper than sorting flags.
        hits.sort()
        opps = self.opportunities
        return tuple(
            DealFlag(
                id=opps[i].id,
                name=opps[i].name,
                owner=opps[i].owner,
                stage=opps[i].stage,
                days=-negative,
            )
            for negative, _, i in hits
        )

    # -- point in time ---------------------------------------------------------------------

    @check_arguments
    def as_of(self, at: date | datetime) -> Pipeline:
        """The pipeline as it stood at ``at`` (an aware datetime, or a date meaning that whole
        day in UTC): every opportunity rewound with :meth:`Opportunity.as_of`, those created
        later left out; the same pipeline when nothing changed after ``at``."""
        instant = as_of_instant(at)
        if all(o.history[-1].at <= instant for o in self.opportunities):
            return self
        rewound = (o.as_of(instant) for o in self.opportunities)
        return Pipeline([o for o in rewound if o is not None], rates=self.rates)

    # -- the report ----------------------------------------------------------------------------

    @check_arguments
    def report(
        self,
        as_of: date,
        *,
        period: Period | None = None,
        currency: Currency | str | None = None,
        stalled_days: int = 30,
        aged_days: int = 90,
    ) -> PipelineReport:
        """Every metric at once, as of a date.

        ``period`` (the forecast and win-rate window) defaults to the calendar quarter that
        holds ``as_of``; current stage visits are measured to the end of ``as_of`` (UTC).
        The pipeline is taken as it stood on ``as_of`` (:meth:`as_of`): changes after that
        day are left out, and so are deals created later.
        """
        day = require_day(as_of, "as_of")
        then = self.as_of(day)
        if then is not self:  # reported in the currency of the pipeline as it stands now
            return then.report(
                day,
                period=period,
                currency=self.report_currency(currency),
                stalled_days=stalled_days,
                aged_days=aged_days,
            )
        window = _quarter(day) if period is None else period
        cur = self.report_currency(currency)
        return PipelineReport(
            as_of=day,
            currency=cur,
            deals=len(self.opportunities),
            open_deals=len(self._summary().open_idx),
            total=self.total(cur, open_only=True),
            weighted_total=self.weighted_total(cur, open_only=True),
            by_stage=self.by_stage(cur),
            by_forecast_category=self.by_forecast_category(cur),
            forecast=self.forecast(window, cur),
            win_rate=self.win_rate(window, cur),
            win_rate_all_time=self.win_rate(None, cur),
            stage_durations=self.stage_durations(day),
            conversion_rates=self.conversion_rates(),
            velocity=self.velocity(None, cur),
            stalled=self.stalled(stalled_days, day),
            stalled_days=stalled_days,
            aged=self.older_than(aged_days, day),
            aged_days=aged_days,
        )

    # -- notebooks ---------------------------------------------------------------------------

    _columns: ClassVar[Columns] = _COLUMNS

    def _rows(self) -> list[dict[str, Any]]:
        """One row per opportunity in its own currency: ``probability`` in percent points,
        ``weighted`` the amount × probability, unrounded (so the column sums to
        :meth:`weighted_total`), ``created_at`` in UTC."""
        divide, multiply = CTX.divide, CTX.multiply
        return [
            {
                "id": o.id,
                "account": o.account,
                "name": o.name,
                "owner": o.owner,
                "stage": o.stage,
                "amount": o.amount.amount,
                "currency": o.amount.currency.code,
                "probability": o.probability.value,
                "weighted": divide(multiply(o.amount.amount, o.probability.value), HUNDRED),
                "forecast_category": o.forecast_category,
                "close_date": o.close_date,
                "created_at": o.created_at,
            }
            for o in self.opportunities
        ]

    def _repr_html_(self) -> str:
        rows = [
            [
                o.id,
                o.name,
                o.stage,
                points_text(o.probability.value),
                amount_text(o.amount),
                o.close_date.isoformat(),
            ]
            for o in self.opportunities
        ]
        return html_table(
            f"Pipeline ({len(rows)} opportunities)",
            ["id", "name", "stage", "probability", "amount", "close date"],
            rows,
            right=[3, 4],
        )


def _quarter(day: date) -> Period:
    start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    # Q4 of 9999 ends past the calendar: a PeriodError naming it, as every schedule date.
    return Period(start, anchored_date(start, Duration(months=3), 1))
