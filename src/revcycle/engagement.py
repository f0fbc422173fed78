"""The five engagement intervals of the revenue cycle, measured from an account's milestones.

The project's vocabulary: 1. wants & needs, 2. quote to closed won/lost,
3. fulfilment & first invoice, 4. recurring billing, 5. ongoing engagement. An
:class:`AccountJourney` holds an account's dated :class:`Milestone` values and answers which
interval the account was in on a date and how many days it spent in each.

Rules (the decisions behind them are in ``docs/explanation/engagement-intervals.md``):

* Which milestone starts which interval: ``opportunity_created`` → 1, ``first_quote`` → 2,
  ``closed_won`` → 3, ``first_invoice_paid`` → 4, the first ``amendment`` or ``renewal`` → 5.
  ``contract_start`` and ``first_invoice_issued`` happen inside interval 3.
  ``closed_lost`` ends the journey.
* Intervals never go back: an amendment before the first invoice is paid moves the account to
  interval 5, and the later payment leaves it there (interval 4 then lasted 0 days).
* Milestones are given in time order and in the order of the cycle; anything else is a
  :class:`MilestoneOrderError`, never a silent re-sort. Days are calendar days between
  milestone dates (an interval runs from its first day up to, not including, the next one's).

>>> from datetime import date
>>> journey = AccountJourney("ACME", [
...     Milestone(MilestoneKind.OPPORTUNITY_CREATED, date(2025, 1, 6)),
...     Milestone(MilestoneKind.FIRST_QUOTE, date(2025, 2, 3)),
...     Milestone(MilestoneKind.CLOSED_WON, date(2025, 3, 3)),
...     Milestone(MilestoneKind.FIRST_INVOICE_ISSUED, date(2025, 3, 10)),
...     Milestone(MilestoneKind.FIRST_INVOICE_PAID, date(2025, 4, 9)),
... ])
>>> journey.interval_on(date(2025, 3, 20))
<EngagementInterval.FULFILMENT: 'fulfilment_and_first_invoice'>
>>> [days for days in journey.durations().values()]
[28, 28, 37, 0, 0]
"""

from __future__ import annotations

import decimal
import enum
import itertools
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, Final, final

import attrs

from revcycle._display import ColumnKind, Columns, TypedRows, days_text, html_table
from revcycle._numbers import CTX
from revcycle._validate import (
    check_annotated,
    check_day,
    check_text,
    require_day,
    require_sequence,
    require_text,
    to_choice,
)
from revcycle.errors import MilestoneOrderError, RevcycleTypeError, ValidationError, shown
from revcycle.opportunity import Opportunity


__all__ = [
    "AccountJourney",
    "EngagementInterval",
    "EngagementSummary",
    "IntervalSpan",
    "IntervalStatistics",
    "Milestone",
    "MilestoneKind",
    "MilestoneOrderError",
    "milestones_from_opportunity",
    "summarize",
]


class EngagementInterval(enum.StrEnum):
    """The five intervals of a customer's journey, in order."""

    WANTS_AND_NEEDS = "wants_and_needs"
    QUOTE_TO_CLOSE = "quote_to_close"
    FULFILMENT = "fulfilment_and_first_invoice"
    RECURRING_BILLING = "recurring_billing"
    ONGOING_ENGAGEMENT = "ongoing_engagement"

    @property
    def number(self) -> int:
        """1 to 5, the interval's place in the cycle."""
        return _NUMBERS[self]

    @property
    def label(self) -> str:
        """The interval's name for people (``"2. Quote to closed won/lost"``)."""
        return _TITLES[self]


_NUMBERS: Final = {interval: i for i, interval in enumerate(EngagementInterval, start=1)}
_TITLES: Final = {
    EngagementInterval.WANTS_AND_NEEDS: "1. Wants & needs",
    EngagementInterval.QUOTE_TO_CLOSE: "2. Quote to closed won/lost",
    EngagementInterval.FULFILMENT: "3. Fulfilment & first invoice",
    EngagementInterval.RECURRING_BILLING: "4. Recurring billing",
    EngagementInterval.ONGOING_ENGAGEMENT: "5. Ongoing engagement",
}


class MilestoneKind(enum.StrEnum):
    """A dated event in an account's journey."""

    OPPORTUNITY_CREATED = "opportunity_created"
    FIRST_QUOTE = "first_quote"
    CLOSED_WON = "closed_won"
    CLOSED_LOST = "closed_lost"
    CONTRACT_START = "contract_start"
    FIRST_INVOICE_ISSUED = "first_invoice_issued"
    FIRST_INVOICE_PAID = "first_invoice_paid"
    AMENDMENT = "amendment"
    RENEWAL = "renewal"


# The interval a milestone starts (None: it happens inside the current interval).
_STARTS: Final[Mapping[MilestoneKind, EngagementInterval | None]] = {
    MilestoneKind.OPPORTUNITY_CREATED: EngagementInterval.WANTS_AND_NEEDS,
    MilestoneKind.FIRST_QUOTE: EngagementInterval.QUOTE_TO_CLOSE,
    MilestoneKind.CLOSED_WON: EngagementInterval.FULFILMENT,
    MilestoneKind.CLOSED_LOST: None,
    MilestoneKind.CONTRACT_START: None,
    MilestoneKind.FIRST_INVOICE_ISSUED: None,
    MilestoneKind.FIRST_INVOICE_PAID: EngagementInterval.RECURRING_BILLING,
    MilestoneKind.AMENDMENT: EngagementInterval.ONGOING_ENGAGEMENT,
    MilestoneKind.RENEWAL: EngagementInterval.ONGOING_ENGAGEMENT,
}
# The cycle's order: a milestone may not follow one of a higher rank.
_RANK: Final = {
    MilestoneKind.OPPORTUNITY_CREATED: 0,
    MilestoneKind.FIRST_QUOTE: 1,
    MilestoneKind.CLOSED_WON: 2,
    MilestoneKind.CLOSED_LOST: 2,
    MilestoneKind.CONTRACT_START: 3,
    MilestoneKind.FIRST_INVOICE_ISSUED: 3,
    MilestoneKind.FIRST_INVOICE_PAID: 3,
    MilestoneKind.AMENDMENT: 3,
    MilestoneKind.RENEWAL: 3,
}
_ONCE: Final = frozenset(MilestoneKind) - {MilestoneKind.AMENDMENT, MilestoneKind.RENEWAL}
# Milestones that need another one before them.
_NEEDS: Final = {
    MilestoneKind.CONTRACT_START: MilestoneKind.CLOSED_WON,
    MilestoneKind.FIRST_INVOICE_ISSUED: MilestoneKind.CLOSED_WON,
    MilestoneKind.FIRST_INVOICE_PAID: MilestoneKind.FIRST_INVOICE_ISSUED,
    MilestoneKind.AMENDMENT: MilestoneKind.CONTRACT_START,
    MilestoneKind.RENEWAL: MilestoneKind.CONTRACT_START,
}


def _to_kind(value: MilestoneKind | str) -> MilestoneKind:
    return to_choice(MilestoneKind, value, "A milestone kind")


@final
@attrs.frozen
class Milestone:
    """One dated event of an account's journey, with an optional reference (an id, a note)."""

    kind: MilestoneKind = attrs.field(converter=_to_kind)
    on: date = attrs.field(validator=check_day())
    reference: str = attrs.field(default="", kw_only=True, validator=check_text(allow_empty=True))


@final
@attrs.frozen(kw_only=True, field_transformer=check_annotated)
class IntervalSpan:
    """A stretch of days spent in one interval: ``[start, end)`` in calendar days.

    ``ongoing`` is True for the last interval of a journey that has not ended (its ``end`` is
    the last milestone, or the ``as_of`` date asked for).
    """

    interval: EngagementInterval
    start: date
    end: date
    ongoing: bool

    @property
    def days(self) -> int:
        """The number of calendar days in the span."""
        return (self.end - self.start).days


def _to_milestones(values: Iterable[Milestone]) -> tuple[Milestone, ...]:
    return require_sequence(values, "Milestones", of="Milestone")


def _check_account(_: object, __: object, value: Any) -> None:
    # A wrong type is a ValidationError here, as it always was; the rest (text that JSON can
    # write: no lone surrogate) is the shared check's.
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(
            f"An account journey needs a non-empty account name, not {shown(value)}."
        )
    require_text(value, "An account journey's account")


def _check_milestones(instance: AccountJourney, _: object, values: tuple[Milestone, ...]) -> None:
    who = f"Account {shown(instance.account)}"
    if not values:
        raise MilestoneOrderError(f"{who} has no milestones; a journey starts with one.")
    seen: set[MilestoneKind] = set()
    previous: Milestone | None = None
    for i, milestone in enumerate(values):
        if not isinstance(milestone, Milestone):
            raise RevcycleTypeError(
                f"{who} milestone {i} is {shown(milestone)}; expected a Milestone."
            )
        kind = milestone.kind
        if i == 0 and kind is not MilestoneKind.OPPORTUNITY_CREATED:
            raise MilestoneOrderError(
                f"{who} starts with {kind.value} on {milestone.on.isoformat()}; a journey "
                "starts with opportunity_created."
            )
        if previous is not None:
            if milestone.on < previous.on:
                raise MilestoneOrderError(
                    f"{who} has milestones out of order: {kind.value} on "
                    f"{milestone.on.isoformat()} is listed after {previous.kind.value} on "
                    f"{previous.on.isoformat()}; give milestones in time order."
                )
            if _RANK[kind] < _RANK[previous.kind]:
                raise MilestoneOrderError(
                    f"{who} has {kind.value} ({milestone.on.isoformat()}) after "
                    f"{previous.kind.value} ({previous.on.isoformat()}); the cycle runs "
                    "created, first quote, closed, then contract, invoices and amendments."
                )
            if previous.kind is MilestoneKind.CLOSED_LOST:
                raise MilestoneOrderError(
                    f"{who} has {kind.value} on {milestone.on.isoformat()} after it was closed "
                    "lost; a lost journey ends there (start a new journey for a new deal)."
                )
        if kind in _ONCE and kind in seen:
            raise MilestoneOrderError(f"{who} has {kind.value} twice; it happens once.")
        if kind is MilestoneKind.CLOSED_LOST and MilestoneKind.CLOSED_WON in seen:
            raise MilestoneOrderError(f"{who} cannot be closed lost after closed won.")
        needed = _NEEDS.get(kind)
        if needed is not None and needed not in seen:
            raise MilestoneOrderError(
                f"{who} has {kind.value} on {milestone.on.isoformat()} without an earlier "
                f"{needed.value}."
            )
        seen.add(kind)
        previous = milestone


@final
@attrs.frozen
class AccountJourney:
    """An account's milestones, in order, and the intervals they mark out."""

    account: str = attrs.field(validator=_check_account)
    milestones: tuple[Milestone, ...] = attrs.field(
        converter=_to_milestones, validator=_check_milestones
    )

    @property
    def first_day(self) -> date:
        """The date of the first milestone (the opportunity was created)."""
        return self.milestones[0].on

    @property
    def last_day(self) -> date:
        """The date of the last milestone."""
        return self.milestones[-1].on

    @property
    def lost(self) -> bool:
        """True when the journey ended closed lost."""
        return self.milestones[-1].kind is MilestoneKind.CLOSED_LOST

    def _transitions(self) -> list[tuple[date, EngagementInterval | None]]:
        result: list[tuple[date, EngagementInterval | None]] = []
        current: EngagementInterval | None = None
        for milestone in self.milestones:
            if milestone.kind is MilestoneKind.CLOSED_LOST:
                result.append((milestone.on, None))
                break
            starts = _STARTS[milestone.kind]
            if starts is not None and (current is None or starts.number > current.number):
                current = starts
                result.append((milestone.on, current))
        return result

    @property
    def current_interval(self) -> EngagementInterval | None:
        """The interval after the last milestone (``None`` once closed lost)."""
        return self._transitions()[-1][1]

    def interval_on(self, day: date) -> EngagementInterval | None:
        """The interval the account is in on ``day``; ``None`` before the journey starts or
        from the day it is closed lost. On a milestone's date the new interval applies."""
        require_day(day, "interval_on() day")
        found: EngagementInterval | None = None
        for start, interval in self._transitions():
            if start > day:
                break
            found = interval
        return found

    def spans(self, as_of: date | None = None) -> tuple[IntervalSpan, ...]:
        """The intervals in order with their days; the last runs to ``as_of`` if given.

        Without ``as_of`` an ongoing last interval ends at the last milestone, so the days
        add up to the span from the first to the last milestone. ``as_of`` must not be
        before the last milestone.
        """
        if as_of is not None:
            require_day(as_of, "as_of")
            if as_of < self.last_day:
                raise ValidationError(
                    f"as_of {as_of.isoformat()} is before the last milestone of account "
                    f"{shown(self.account)}, on {self.last_day.isoformat()}; use until(as_of) for "
                    "the journey as it stood then, or interval_on() for one day."
                )
        transitions = self._transitions()
        result = []
        for (start, interval), (end, _) in itertools.pairwise(transitions):
            if interval is not None:
                result.append(IntervalSpan(interval=interval, start=start, end=end, ongoing=False))
        start, interval = transitions[-1]
        if interval is not None:
            end = self.last_day if as_of is None else as_of
            result.append(IntervalSpan(interval=interval, start=start, end=end, ongoing=True))
        return tuple(result)

    def until(self, day: date) -> AccountJourney:
        """The journey as it stood on ``day``: its milestones on or before that day. ``day``
        must not be before the first milestone (the journey had not begun).

        >>> trip = AccountJourney("ACME", [
        ...     Milestone(MilestoneKind.OPPORTUNITY_CREATED, date(2025, 1, 1)),
        ...     Milestone(MilestoneKind.FIRST_QUOTE, date(2025, 2, 1))])
        >>> [m.kind.value for m in trip.until(date(2025, 1, 15)).milestones]
        ['opportunity_created']
        """
        require_day(day, "until() day")
        if day < self.first_day:
            raise ValidationError(
                f"Account {shown(self.account)} has no journey yet on {day.isoformat()}; its first "
                f"milestone is on {self.first_day.isoformat()}."
            )
        if day >= self.last_day:
            return self
        return attrs.evolve(self, milestones=tuple(m for m in self.milestones if m.on <= day))

    def durations(self, as_of: date | None = None) -> dict[EngagementInterval, int]:
        """Days spent in each of the five intervals (0 where the account never was)."""
        days = dict.fromkeys(EngagementInterval, 0)
        for span in self.spans(as_of):
            days[span.interval] += span.days
        return days


def milestones_from_opportunity(opportunity: Opportunity) -> tuple[Milestone, ...]:
    """The milestones an opportunity knows: created, and closed won or lost.

    Dates are taken in each timestamp's own time zone (``created_at.date()``) and the close
    date of a closed deal. Add quote, contract and invoice milestones from their own records.
    """
    if not isinstance(opportunity, Opportunity):
        raise RevcycleTypeError(f"Expected an Opportunity, not {shown(opportunity)}.")
    result = [Milestone(MilestoneKind.OPPORTUNITY_CREATED, opportunity.created_at.date())]
    if opportunity.is_closed:
        kind = MilestoneKind.CLOSED_WON if opportunity.is_won else MilestoneKind.CLOSED_LOST
        result.append(Milestone(kind, opportunity.close_date, reference=opportunity.id))
    return tuple(result)


# --------------------------------------------------------------------------------------------
# Aggregates

_PLACES: Final = Decimal("0.000001")


@final
@attrs.frozen(kw_only=True, field_transformer=check_annotated)
class IntervalStatistics:
    """Days spent in one interval over many accounts (``None`` where no account counted)."""

    interval: EngagementInterval
    accounts: int
    mean_days: Decimal | None
    median_days: Decimal | None
    min_days: int | None
    max_days: int | None


# One row per interval, for to_records(), to_arrow() and to_pandas().
_SUMMARY_COLUMNS: Final = {
    "interval": ColumnKind.CHOICE,
    "accounts": ColumnKind.INTEGER,
    "mean_days": ColumnKind.QUANTITY,
    "median_days": ColumnKind.QUANTITY,
    "min_days": ColumnKind.INTEGER,
    "max_days": ColumnKind.INTEGER,
}


@final
@attrs.frozen(kw_only=True, field_transformer=check_annotated)
class EngagementSummary(TypedRows):
    """Per interval, how long accounts spent in it; see :func:`summarize`."""

    as_of: date | None
    accounts: int
    intervals: tuple[IntervalStatistics, ...]

    _columns: ClassVar[Columns] = _SUMMARY_COLUMNS

    def _rows(self) -> list[dict[str, Any]]:
        return [
            {
                "interval": s.interval,
                "accounts": s.accounts,
                "mean_days": s.mean_days,
                "median_days": s.median_days,
                "min_days": s.min_days,
                "max_days": s.max_days,
            }
            for s in self.intervals
        ]

    def rows(self) -> list[tuple[str, ...]]:
        """Rows for people: interval, accounts, mean, median, min, max (days)."""
        return [
            (
                s.interval.label,
                str(s.accounts),
                days_text(s.mean_days),
                days_text(s.median_days),
                days_text(s.min_days),
                days_text(s.max_days),
            )
            for s in self.intervals
        ]

    def _repr_html_(self) -> str:
        return html_table(
            f"Days per engagement interval ({self.accounts} accounts)",
            ["interval", "accounts", "mean", "median", "min", "max"],
            self.rows(),
            right=[1, 2, 3, 4, 5],
        )


def _rounded(value: Decimal) -> Decimal:
    # Six places at most; a mean that terminates sooner keeps its short form (72.8).
    short = value.quantize(_PLACES, context=CTX)
    return value if short == value else short


def _median(values: list[int]) -> Decimal:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Decimal(ordered[middle])
    return CTX.divide(Decimal(ordered[middle - 1] + ordered[middle]), Decimal(2))


def summarize(journeys: Iterable[AccountJourney], as_of: date | None = None) -> EngagementSummary:
    """Mean and median days per interval over many accounts.

    A span counts once it is finished (the account moved on, or was lost). With ``as_of``,
    each journey is cut off at ``as_of`` (:meth:`AccountJourney.until`: the milestones after
    it have not happened yet) and its ongoing interval counts too, measured up to ``as_of``;
    an account whose first milestone is after ``as_of`` is not counted. Means are to six
    decimal places.
    """
    items = require_sequence(journeys, "summarize() journeys", of="AccountJourney")
    if as_of is not None:
        require_day(as_of, "as_of")
    values: dict[EngagementInterval, list[int]] = {i: [] for i in EngagementInterval}
    accounts: set[str] = set()
    counted = 0
    for journey in items:
        if not isinstance(journey, AccountJourney):
            raise RevcycleTypeError(
                f"summarize() needs AccountJourney values, not {shown(journey)}."
            )
        if journey.account in accounts:
            raise ValidationError(
                f"Account {shown(journey.account)} has two journeys; give one journey per account."
            )
        accounts.add(journey.account)
        if as_of is not None:
            if as_of < journey.first_day:
                continue  # the account's journey had not begun
            journey = journey.until(as_of)
        counted += 1
        for span in journey.spans(as_of):
            if span.ongoing and as_of is None:
                continue
            values[span.interval].append(span.days)
    stats = []
    with decimal.localcontext(CTX):
        for interval, days in values.items():
            if days:
                mean = _rounded(Decimal(sum(days)) / len(days))
                stats.append(
                    IntervalStatistics(
                        interval=interval,
                        accounts=len(days),
                        mean_days=mean,
                        median_days=_median(days),
                        min_days=min(days),
                        max_days=max(days),
                    )
                )
            else:
                stats.append(
                    IntervalStatistics(
                        interval=interval,
                        accounts=0,
                        mean_days=None,
                        median_days=None,
                        min_days=None,
                        max_days=None,
                    )
                )
    return EngagementSummary(as_of=as_of, accounts=counted, intervals=tuple(stats))
