"""The opportunity: a deal in progress, its stage history and the changes that extend it."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final, final

import attrs

from revcycle._numbers import CTX, DecimalLike, plain
from revcycle._validate import (
    check_arguments,
    check_type,
    require_aware,
    require_day,
    require_sequence,
    to_choice,
)
from revcycle.dates import as_of_instant
from revcycle.errors import (
    CloseRefusedError,
    CurrencyMismatchError,
    RevcycleTypeError,
    StageError,
    UnknownCodeError,
    ValidationError,
    shown,
)
from revcycle.money import Money, Percent
from revcycle.opportunity._handoff import ClosePolicy, Handoff
from revcycle.opportunity._stages import (
    _DEFAULT,
    ForecastCategory,
    Stage,
    StageModel,
    _check_aware,
    _check_date,
    _check_flag,
    _check_money,
    _check_optional_text,
    _check_probability,
    _check_text,
    _to_category,
    _to_percent,
)


class ChangeKind(enum.StrEnum):
    """What a history entry records."""

    CREATED = "created"
    MOVED = "moved"
    WON = "won"
    LOST = "lost"
    REOPENED = "reopened"
    PROBABILITY = "probability"
    AMOUNT = "amount"
    FORECAST_CATEGORY = "forecast_category"
    CLOSE_DATE = "close_date"


def _to_change_kind(value: ChangeKind | str) -> ChangeKind:
    return to_choice(ChangeKind, value, "A history entry kind")


def _check_amount(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """An opportunity's amount (and a history entry's): Money, never below zero."""
    _check_money(instance, attribute, value)
    if value.amount < 0:
        raise ValidationError(
            f"An opportunity's amount must not be negative, got {value}; an opportunity is "
            "never worth less than zero (record a credit or a churn elsewhere)."
        )


@final
@attrs.frozen(kw_only=True)
class StageChange:
    """One row of an opportunity's history: the state it was in from ``at`` onward.

    Like Salesforce's OpportunityHistory, it records the stage, amount, probability, forecast
    category and close date after the change, what kind of change it was and, for a stage
    move, the stage it came from.
    """

    at: datetime = attrs.field(validator=_check_aware)
    kind: ChangeKind = attrs.field(converter=_to_change_kind)
    stage: str = attrs.field(validator=_check_text)
    amount: Money = attrs.field(validator=_check_amount)
    probability: Percent = attrs.field(converter=_to_percent, validator=_check_probability)
    forecast_category: ForecastCategory = attrs.field(converter=_to_category)
    close_date: date = attrs.field(validator=_check_date)
    from_stage: str | None = attrs.field(default=None, validator=_check_optional_text)
    probability_overridden: bool = attrs.field(default=False, validator=_check_flag)
    reason: str | None = attrs.field(default=None, validator=_check_optional_text)


def _to_history(values: Iterable[StageChange]) -> tuple[StageChange, ...]:
    return require_sequence(values, "Opportunity history")


def _stage_name(value: str | Stage) -> str:
    return value.name if isinstance(value, Stage) else value


def _to_model(value: StageModel) -> StageModel:
    # A converter, not only a validator: the probability and history defaults read the model
    # while __init__ runs, before any validator would see a wrong type.
    if not isinstance(value, StageModel):
        raise RevcycleTypeError(
            f"Opportunity.model must be a StageModel (such as StageModel.default()), "
            f"not {shown(value)}."
        )
    return value


def _check_stage(instance: Opportunity, _: object, value: Any) -> None:
    if not isinstance(value, str):
        raise RevcycleTypeError(
            f"Opportunity.stage must be a stage name or Stage, not {shown(value)}."
        )
    instance.model.stage(value)


def _check_history(instance: Opportunity, _: object, value: tuple[StageChange, ...]) -> None:
    if not value:
        raise StageError(f"Opportunity {shown(instance.id)} needs at least one history entry.")
    previous = instance.created_at
    for i, change in enumerate(value):
        if not isinstance(change, StageChange):
            raise RevcycleTypeError(
                f"Opportunity {shown(instance.id)} history entry {i} is {shown(change)}; "
                "expected a StageChange."
            )
        if change.stage not in instance.model:
            raise UnknownCodeError(
                f"Opportunity {shown(instance.id)} history entry {i} is in stage "
                f"{shown(change.stage)}, "
                f"which stage model {shown(instance.model.name)} does not have."
            )
        if change.amount.currency != value[0].amount.currency:
            raise CurrencyMismatchError(
                f"Opportunity {shown(instance.id)} history entry {i} is in "
                f"{change.amount.currency.code} but its first entry is in "
                f"{value[0].amount.currency.code}; one opportunity keeps one currency."
            )
        if change.at < previous:
            raise StageError(
                f"Opportunity {shown(instance.id)} history entry {i} at {change.at.isoformat()} is "
                f"earlier than {previous.isoformat()}; history timestamps must not decrease "
                "and none may precede created_at."
            )
        if (
            i
            and change.stage != value[i - 1].stage
            and change.kind is not ChangeKind.REOPENED
            and instance.model.stage(value[i - 1].stage).closed
        ):
            raise StageError(
                f"Opportunity {shown(instance.id)} history entry {i} moves from the closed stage "
                f"{shown(value[i - 1].stage)} to {shown(change.stage)} as "
                f"{shown(change.kind.value)}; a closed "
                "deal leaves its stage only by a 'reopened' entry."
            )
        previous = change.at
    last = value[-1]
    if last.stage != instance.stage:
        raise StageError(
            f"Opportunity {shown(instance.id)} is in stage {shown(instance.stage)} but "
            f"its last history "
            f"entry is in {shown(last.stage)}; the history must end in the current stage."
        )
    # The fields are the state after the last change: a disagreement would leave two answers
    # to "what is this deal worth", so it is refused rather than one of them silently winning.
    for field, current, recorded in (
        ("amount", instance.amount, last.amount),
        ("probability", instance.probability, last.probability),
        ("forecast_category", instance.forecast_category, last.forecast_category),
        ("close_date", instance.close_date, last.close_date),
    ):
        if current != recorded:
            raise StageError(
                f"Opportunity {shown(instance.id)} has {field} {current} but its last history "
                f"entry records {recorded}; the fields must match the last history entry."
            )


_check_optional_handoff: Final = check_type(Handoff, "a Handoff or None", optional=True)


@final
@attrs.frozen(kw_only=True)
class Opportunity:
    """A deal in progress: amount, expected close date, stage and its full history.

    ``stage`` is a stage name of ``model`` (a :class:`Stage` is accepted and stored by its name);
    ``probability`` and ``forecast_category`` default to the stage's and are snapshots;
    ``history`` defaults to one ``created`` entry at ``created_at``. Every change returns a new
    opportunity with one more history entry.
    """

    id: str = attrs.field(validator=_check_text)
    account: str = attrs.field(validator=_check_text)
    name: str = attrs.field(validator=_check_text)
    amount: Money = attrs.field(validator=_check_amount)
    close_date: date = attrs.field(validator=_check_date)
    owner: str = attrs.field(validator=_check_text)
    created_at: datetime = attrs.field(validator=_check_aware)
    model: StageModel = attrs.field(default=_DEFAULT, converter=_to_model)
    stage: str = attrs.field(converter=_stage_name, validator=_check_stage)
    probability: Percent = attrs.field(converter=_to_percent, validator=_check_probability)
    forecast_category: ForecastCategory = attrs.field(converter=_to_category)
    history: tuple[StageChange, ...] = attrs.field(converter=_to_history, validator=_check_history)
    lost_reason: str | None = attrs.field(default=None, validator=_check_optional_text)
    quote_id: str | None = attrs.field(default=None, validator=_check_optional_text)
    accepted_quote_id: str | None = attrs.field(default=None, validator=_check_optional_text)
    handoff: Handoff | None = attrs.field(default=None, validator=_check_optional_handoff)

    @probability.default
    def _default_probability(self) -> Percent:
        return self.model.stage(self.stage).probability

    @forecast_category.default
    def _default_category(self) -> ForecastCategory:
        return self.model.stage(self.stage).forecast_category

    @history.default
    def _default_history(self) -> tuple[StageChange, ...]:
        # The entry copies these fields before their own validators run: check them here, so
        # that a bad value is reported under the name the caller used.
        require_aware(self.created_at, "Opportunity.created_at")
        if not isinstance(self.amount, Money):
            raise RevcycleTypeError(f"Opportunity.amount must be Money, not {shown(self.amount)}.")
        require_day(self.close_date, "Opportunity.close_date")
        stage = self.model.stage(self.stage)
        return (
            StageChange(
                at=self.created_at,
                kind=ChangeKind.CREATED,
                stage=self.stage,
                amount=self.amount,
                probability=self.probability,
                forecast_category=self.forecast_category,
                close_date=self.close_date,
                probability_overridden=self.probability != stage.probability,
            ),
        )

    # -- views -----------------------------------------------------------------------------

    @property
    def current_stage(self) -> Stage:
        """The :class:`Stage` the opportunity is in."""
        return self.model.stage(self.stage)

    @property
    def is_closed(self) -> bool:
        """True in a closed (won or lost) stage."""
        return self.model.stage(self.stage).closed

    @property
    def is_won(self) -> bool:
        """True in a closed-won stage."""
        return self.model.stage(self.stage).won

    @property
    def is_open(self) -> bool:
        """True while the deal can still move."""
        return not self.model.stage(self.stage).closed

    @property
    def weighted_amount(self) -> Money:
        """amount × probability, unrounded (Salesforce's Expected Revenue)."""
        return Money._trusted(
            CTX.divide(CTX.multiply(self.amount.amount, self.probability.value), Decimal(100)),
            self.amount.currency,
        )

    @property
    def last_change_at(self) -> datetime:
        """The timestamp of the latest history entry."""
        return self.history[-1].at

    @property
    def stage_entered_at(self) -> datetime:
        """When the opportunity entered its current stage."""
        entered = self.history[-1].at
        for change in reversed(self.history):
            if change.stage != self.stage:
                break
            entered = change.at
        return entered

    @property
    def closed_at(self) -> datetime | None:
        """When the deal closed (won or lost), or ``None`` while it is open."""
        return self.stage_entered_at if self.is_closed else None

    def as_of(self, at: date | datetime) -> Opportunity | None:
        """The opportunity as it stood at ``at``, or ``None`` if it did not exist yet.

        ``at`` is an aware datetime (changes at that instant included) or a date (the whole
        day in UTC, as :meth:`Pipeline.report` counts it). The history keeps the changes up
        to then, and the stage, amount, probability, forecast category and close date are
        those of the last one kept; the lost reason is kept only while the deal stands lost.
        Links that carry no timestamp (quote ids, the handoff) are kept as they are. The
        opportunity itself is returned when nothing changed after ``at``.

        >>> from datetime import UTC, datetime
        >>> deal = Opportunity(id="OPP-1", account="ACME", name="Platform",
        ...                    amount=Money("1000", "USD"), close_date=date(2025, 9, 30),
        ...                    owner="dana", stage="Prospecting",
        ...                    created_at=datetime(2025, 6, 1, tzinfo=UTC))
        >>> later = deal.move_to("Qualification", at=datetime(2025, 7, 1, tzinfo=UTC))
        >>> later.as_of(date(2025, 6, 30)).stage, later.as_of(date(2025, 7, 1)) is later
        ('Prospecting', True)
        >>> print(later.as_of(date(2025, 5, 31)))
        None
        """
        instant = as_of_instant(at)
        history = self.history
        if history[-1].at <= instant:
            return self
        kept = tuple(change for change in history if change.at <= instant)
        if not kept or self.created_at > instant:
            return None
        last = kept[-1]
        lost = self.model.stage(last.stage).lost
        return attrs.evolve(
            self,
            stage=last.stage,
            amount=last.amount,
            probability=last.probability,
            forecast_category=last.forecast_category,
            close_date=last.close_date,
            history=kept,
            lost_reason=(last.reason or self.lost_reason) if lost else None,
        )

    # -- changes ---------------------------------------------------------------------------

    def _check_at(self, at: datetime, verb: str) -> datetime:
        require_aware(at, f"The timestamp of {verb}")
        if at < self.history[-1].at:
            raise StageError(
                f"Cannot {verb} opportunity {shown(self.id)} at {at.isoformat()}: its last change "
                f"was at {self.history[-1].at.isoformat()} and history cannot go back in time."
            )
        return at

    def _record(
        self,
        at: datetime,
        kind: ChangeKind,
        *,
        stage: Stage | None = None,
        probability: Percent | DecimalLike | None = None,
        amount: Money | None = None,
        close_date: date | None = None,
        forecast_category: ForecastCategory | None = None,
        reason: str | None = None,
        **changes: object,
    ) -> Opportunity:
        target = stage if stage is not None else self.current_stage
        moving = stage is not None
        if probability is None:
            new_probability = target.probability if moving else self.probability
            overridden = False if moving else self.history[-1].probability_overridden
        else:
            new_probability = _to_percent(probability)
            overridden = new_probability != target.probability
        if forecast_category is None:
            category = target.forecast_category if moving else self.forecast_category
        else:
            category = _to_category(forecast_category)
        new_amount = self.amount if amount is None else amount
        new_close = self.close_date if close_date is None else close_date
        change = StageChange(
            at=at,
            kind=kind,
            stage=target.name,
            amount=new_amount,
            probability=new_probability,
            forecast_category=category,
            close_date=new_close,
            from_stage=self.stage if moving else None,
            probability_overridden=overridden,
            reason=reason,
        )
        return attrs.evolve(
            self,
            stage=target.name,
            probability=new_probability,
            forecast_category=category,
            amount=new_amount,
            close_date=new_close,
            history=(*self.history, change),
            **changes,  # type: ignore[arg-type]
        )

    def _require_open(self, verb: str) -> None:
        if self.is_closed:
            raise StageError(
                f"Cannot {verb} opportunity {shown(self.id)}: it is in the closed stage "
                f"{shown(self.stage)}; reopen it first."
            )

    def move_to(
        self,
        stage: str | Stage,
        at: datetime,
        probability: Percent | DecimalLike | None = None,
    ) -> Opportunity:
        """Move to another open stage at ``at``; the probability snapshot is the stage's default.

        Pass ``probability`` to override the snapshot (the override is recorded in history).
        Closing goes through :meth:`close_won` and :meth:`close_lost`.
        """
        self._require_open("move")
        target = self.model.stage(stage)
        if target.closed:
            raise StageError(
                f"Cannot move opportunity {shown(self.id)} to the closed stage "
                f"{shown(target.name)} with "
                "move_to(); use close_won() or close_lost()."
            )
        if target.name == self.stage:
            raise StageError(
                f"Opportunity {shown(self.id)} is already in stage {shown(self.stage)}."
            )
        self._check_at(at, "move")
        return self._record(at, ChangeKind.MOVED, stage=target, probability=probability)

    def close_won(
        self,
        at: datetime,
        *,
        amount: Money | None = None,
        accepted_quote_id: str | None = None,
        handoff: Handoff | None = None,
        close_date: date | None = None,
        policy: ClosePolicy | None = None,
        stage: str | Stage | None = None,
    ) -> Opportunity:
        """Close the deal as won at ``at``.

        The amount must be positive. ``policy`` may require an accepted quote id and a complete
        handoff (given here or already on the opportunity). ``close_date`` defaults to the
        date of ``at`` in its own time zone, so closed deals count in the period they closed.
        """
        self._require_open("close")
        target = self.model.won_stage if stage is None else self.model.stage(stage)
        if not target.won:
            raise StageError(f"Stage {shown(target.name)} is not a closed-won stage.")
        self._check_at(at, "close")
        final_amount = self.amount if amount is None else amount
        _check_money(self, attrs.fields(Opportunity).amount, final_amount)
        if final_amount.amount <= 0:
            raise CloseRefusedError(
                f"Cannot close opportunity {shown(self.id)} as won with the amount {final_amount}; "
                "a won deal needs a positive amount."
            )
        quote = accepted_quote_id if accepted_quote_id is not None else self.accepted_quote_id
        final_handoff = handoff if handoff is not None else self.handoff
        if policy is not None and not isinstance(policy, ClosePolicy):
            raise RevcycleTypeError(
                f"close_won() policy must be a ClosePolicy or None, not {shown(policy)}."
            )
        rules = ClosePolicy() if policy is None else policy
        if rules.require_accepted_quote and quote is None:
            raise CloseRefusedError(
                f"Cannot close opportunity {shown(self.id)} as won: the close policy requires an "
                "accepted quote id; pass accepted_quote_id=..."
            )
        if rules.require_complete_handoff:
            missing = ("all fields",) if final_handoff is None else final_handoff.missing()
            if missing:
                raise CloseRefusedError(
                    f"Cannot close opportunity {shown(self.id)} as won: the close "
                    f"policy requires a "
                    f"complete handoff, and it is missing {', '.join(missing)}."
                )
        return self._record(
            at,
            ChangeKind.WON,
            stage=target,
            amount=final_amount,
            close_date=at.date() if close_date is None else close_date,
            accepted_quote_id=quote,
            quote_id=self.quote_id if self.quote_id is not None else quote,
            handoff=final_handoff,
        )

    def close_lost(
        self,
        reason: str,
        at: datetime,
        *,
        close_date: date | None = None,
        stage: str | Stage | None = None,
    ) -> Opportunity:
        """Close the deal as lost at ``at``, with the reason it was lost (required)."""
        self._require_open("close")
        if not isinstance(reason, str) or not reason.strip():
            raise StageError(
                f"Closing opportunity {shown(self.id)} as lost needs a reason, got {shown(reason)}."
            )
        target = self.model.lost_stage if stage is None else self.model.stage(stage)
        if not target.lost:
            raise StageError(f"Stage {shown(target.name)} is not a closed-lost stage.")
        self._check_at(at, "close")
        return self._record(
            at,
            ChangeKind.LOST,
            stage=target,
            close_date=at.date() if close_date is None else close_date,
            reason=reason,
            lost_reason=reason,
        )

    def reopen(
        self,
        stage: str | Stage,
        at: datetime,
        probability: Percent | DecimalLike | None = None,
        *,
        close_date: date | None = None,
    ) -> Opportunity:
        """Reopen a closed deal into the open stage ``stage`` (the lost reason is cleared)."""
        if not self.is_closed:
            raise StageError(
                f"Opportunity {shown(self.id)} is open; only a closed deal can reopen."
            )
        target = self.model.stage(stage)
        if target.closed:
            raise StageError(
                f"Cannot reopen opportunity {shown(self.id)} into the closed stage "
                f"{shown(target.name)}; "
                "choose an open stage."
            )
        self._check_at(at, "reopen")
        return self._record(
            at,
            ChangeKind.REOPENED,
            stage=target,
            probability=probability,
            close_date=close_date,
            lost_reason=None,
        )

    def with_probability(self, probability: Percent | DecimalLike, at: datetime) -> Opportunity:
        """Override the probability snapshot without changing stage (recorded in history)."""
        self._require_open("change the probability of")
        self._check_at(at, "change the probability of")
        return self._record(at, ChangeKind.PROBABILITY, probability=probability)

    def with_amount(self, amount: Money, at: datetime) -> Opportunity:
        """Change the amount (recorded in history, like Salesforce's OpportunityHistory)."""
        self._require_open("change the amount of")
        _check_money(self, attrs.fields(Opportunity).amount, amount)
        self._check_at(at, "change the amount of")
        return self._record(at, ChangeKind.AMOUNT, amount=amount)

    def with_close_date(self, close_date: date, at: datetime) -> Opportunity:
        """Change the expected close date (recorded in history)."""
        self._require_open("change the close date of")
        self._check_at(at, "change the close date of")
        return self._record(at, ChangeKind.CLOSE_DATE, close_date=close_date)

    def with_forecast_category(self, category: ForecastCategory, at: datetime) -> Opportunity:
        """Override the forecast category (a rep moving a deal to Commit, say)."""
        self._require_open("change the forecast category of")
        self._check_at(at, "change the forecast category of")
        return self._record(at, ChangeKind.FORECAST_CATEGORY, forecast_category=category)

    @check_arguments
    def with_quote(self, quote_id: str, *, accepted: bool = False) -> Opportunity:
        """Link a quote (the primary quote); ``accepted=True`` also records it as accepted."""
        return attrs.evolve(
            self, quote_id=quote_id, accepted_quote_id=quote_id if accepted else None
        )

    def with_handoff(self, handoff: Handoff) -> Opportunity:
        """Attach or replace the sales-to-service handoff."""
        return attrs.evolve(self, handoff=handoff)

    def explain(self) -> str:
        """The history as lines people can read."""
        lines = [f"{self.id} {self.name} ({self.account}), owner {self.owner}:"]
        for change in self.history:
            note = " (override)" if change.probability_overridden else ""
            extra = f" — {change.reason}" if change.reason else ""
            lines.append(
                f"  {change.at.isoformat()} {change.kind.value:<17} {change.stage:<22} "
                f"{plain(change.amount.amount)} {change.amount.currency.code} "
                f"at {change.probability}{note}, {change.forecast_category.value}{extra}"
            )
        return "\n".join(lines)
