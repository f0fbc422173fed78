"""Stages and stage models: the sales process an opportunity moves through.

A :class:`StageModel` is data: ordered :class:`Stage` values, each with a default win
probability, a :class:`ForecastCategory` and closed/won flags, and three presets
(docs/explanation/probability-and-forecast-categories.md). The field checks the other
modules of the package share live here too.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Final, final

import attrs

from revcycle._numbers import DecimalLike
from revcycle._validate import (
    check_arguments,
    check_aware,
    check_day,
    check_text,
    check_type,
    require_sequence,
    to_choice,
)
from revcycle.errors import RevcycleTypeError, StageError, UnknownCodeError, shown
from revcycle.money import Money, Percent


# --------------------------------------------------------------------------------------------
# Field checks (the other modules of the package use them too)


# These validators name the class and field: "Opportunity.id must be ...".
_check_aware: Final = check_aware()
_check_date: Final = check_day()
_check_text: Final = check_text()
_check_optional_text: Final = check_text(optional=True)
_check_money: Final = check_type(Money, "Money")
_check_flag: Final = check_type(bool, "True or False")
_check_note: Final = check_text(allow_empty=True)


def _to_percent(value: Percent | DecimalLike) -> Percent:
    return value if isinstance(value, Percent) else Percent(value)


def _check_probability(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Percent):
        raise RevcycleTypeError(f"A probability must be a Percent, not {shown(value)}.")
    if not Decimal(0) <= value.value <= Decimal(100):
        raise StageError(
            f"{type(instance).__name__}.{attribute.name} must be between 0% and 100%, got {value}."
        )


# --------------------------------------------------------------------------------------------
# Stages


class ForecastCategory(enum.StrEnum):
    """Where a deal counts in a forecast (Salesforce's five categories).

    ``COMMIT`` is Salesforce's API value ``Forecast``; ``BEST_CASE`` is ``BestCase``.
    """

    PIPELINE = "pipeline"
    BEST_CASE = "best_case"
    COMMIT = "commit"
    CLOSED = "closed"
    OMITTED = "omitted"


def _to_category(value: ForecastCategory | str) -> ForecastCategory:
    return to_choice(ForecastCategory, value, "A forecast category")


@final
@attrs.frozen
class Stage:
    """One step of a sales process: a name, a default win probability and a forecast category.

    ``won`` implies ``closed``. The probability is a default: opportunities copy it when they
    enter the stage.

    >>> stage = Stage("Qualification", Percent("20"), ForecastCategory.PIPELINE)
    >>> stage.probability.ratio, stage.is_open
    (Decimal('0.2'), True)
    """

    name: str = attrs.field(validator=_check_text)
    probability: Percent = attrs.field(converter=_to_percent, validator=_check_probability)
    forecast_category: ForecastCategory = attrs.field(converter=_to_category)
    closed: bool = attrs.field(default=False, validator=_check_flag)
    won: bool = attrs.field(default=False, validator=_check_flag)

    def __attrs_post_init__(self) -> None:
        if self.won and not self.closed:
            raise StageError(
                f"Stage {shown(self.name)} is won but not closed; a won stage is closed."
            )

    @property
    def is_open(self) -> bool:
        """True for a stage a deal can still move on from."""
        return not self.closed

    @property
    def lost(self) -> bool:
        """True for a closed stage that is not won."""
        return self.closed and not self.won


def _to_stages(values: Iterable[Stage]) -> tuple[Stage, ...]:
    stages = require_sequence(values, "StageModel stages")
    for stage in stages:
        if not isinstance(stage, Stage):
            raise RevcycleTypeError(f"A stage model holds {shown(stage)}; expected Stage values.")
    return stages


@final
@attrs.frozen
class StageModel:
    """An ordered list of stages: the sales process an opportunity moves through.

    Rules: at least one stage, unique names, every probability within 0–100 %, at least one
    closed-won and one closed-lost stage, and closed-won stages at 100 % and closed-lost at 0 %
    unless ``override_closed_probabilities`` is set. The order is the order of the funnel
    (used by conversion rates and reports).

    >>> model = StageModel.default()
    >>> [f"{s.name} {s.probability}" for s in model.stages][:3]
    ['Prospecting 10%', 'Qualification 20%', 'Needs Analysis 30%']
    >>> model.stage("Negotiation/Review").probability
    Percent('75')
    """

    stages: tuple[Stage, ...] = attrs.field(converter=_to_stages)
    name: str = attrs.field(default="custom", kw_only=True, validator=_check_text)
    override_closed_probabilities: bool = attrs.field(
        default=False, kw_only=True, validator=_check_flag
    )
    _by_name: dict[str, Stage] = attrs.field(init=False, eq=False, repr=False)

    @_by_name.default
    def _index(self) -> dict[str, Stage]:
        return {stage.name: stage for stage in self.stages}

    def __attrs_post_init__(self) -> None:
        if not self.stages:
            raise StageError(f"Stage model {shown(self.name)} needs at least one stage.")
        seen: set[str] = set()
        for stage in self.stages:
            if stage.name in seen:
                raise StageError(
                    f"Stage model {shown(self.name)} has the stage name {shown(stage.name)} twice; "
                    "stage names must be unique."
                )
            seen.add(stage.name)
        if not any(s.won for s in self.stages):
            raise StageError(f"Stage model {shown(self.name)} needs a closed-won stage.")
        if not any(s.lost for s in self.stages):
            raise StageError(f"Stage model {shown(self.name)} needs a closed-lost stage.")
        if not self.override_closed_probabilities:
            for stage in self.stages:
                if stage.won and stage.probability.value != 100:
                    raise StageError(
                        f"Closed-won stage {shown(stage.name)} has probability "
                        f"{stage.probability}; "
                        "expected 100% (set override_closed_probabilities=True to allow it)."
                    )
                if stage.lost and stage.probability.value != 0:
                    raise StageError(
                        f"Closed-lost stage {shown(stage.name)} has probability "
                        f"{stage.probability}; "
                        "expected 0% (set override_closed_probabilities=True to allow it)."
                    )

    # -- presets ---------------------------------------------------------------------------

    @classmethod
    def default(cls) -> StageModel:
        """The founding document's stages (docs/reference/opportunity.md): Prospecting 10 % …
        Closed Lost 0 %."""
        return _DEFAULT

    @classmethod
    def salesforce(cls) -> StageModel:
        """Salesforce's default opportunity stages (anchors/cpq.md §2.14)."""
        return _SALESFORCE

    @classmethod
    def hubspot(cls) -> StageModel:
        """HubSpot's default sales pipeline (anchors/cpq.md §2.14); open stages are PIPELINE."""
        return _HUBSPOT

    @classmethod
    @check_arguments
    def preset(cls, name: str) -> StageModel:
        """A preset by name: ``"default"``, ``"salesforce"`` or ``"hubspot"``."""
        found = _PRESETS.get(name) if isinstance(name, str) else None
        if found is None:
            raise UnknownCodeError(
                f"Unknown stage model preset {shown(name)}; expected one of "
                f"{', '.join(repr(n) for n in _PRESETS)}."
            )
        return found

    # -- lookups ---------------------------------------------------------------------------

    def stage(self, name: str | Stage) -> Stage:
        """The stage called ``name`` (a :class:`Stage` is checked to belong to this model)."""
        key = name.name if isinstance(name, Stage) else name
        found = self._by_name.get(key) if isinstance(key, str) else None
        if found is None:
            known = ", ".join(repr(s.name) for s in self.stages)
            raise UnknownCodeError(
                f"Unknown stage {shown(key)} in stage model {shown(self.name)}; "
                f"expected one of {known}."
            )
        if isinstance(name, Stage) and name != found:
            raise StageError(
                f"Stage {shown(name.name)} differs from the stage of that name in model "
                f"{shown(self.name)}; pass the stage name or the model's own Stage."
            )
        return found

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._by_name

    def index(self, name: str) -> int:
        """The position of stage ``name`` in the funnel (0 for the first stage)."""
        stage = self.stage(name)
        return self.stages.index(stage)

    @property
    def open_stages(self) -> tuple[Stage, ...]:
        """The stages a deal can still move on from, in funnel order."""
        return tuple(s for s in self.stages if not s.closed)

    @property
    def won_stage(self) -> Stage:
        """The first closed-won stage (where :meth:`Opportunity.close_won` goes by default)."""
        return next(s for s in self.stages if s.won)

    @property
    def lost_stage(self) -> Stage:
        """The first closed-lost stage (where :meth:`Opportunity.close_lost` goes by default)."""
        return next(s for s in self.stages if s.lost)


def _model(name: str, rows: Sequence[tuple[str, str]]) -> StageModel:
    stages = [Stage(n, Percent(p), ForecastCategory.PIPELINE) for n, p in rows]
    stages.append(Stage("Closed Won", Percent("100"), ForecastCategory.CLOSED, True, True))
    stages.append(Stage("Closed Lost", Percent("0"), ForecastCategory.OMITTED, True, False))
    return StageModel(tuple(stages), name=name)


# The founding document's stages (docs/reference/opportunity.md).
_DEFAULT: Final = _model(
    "default",
    [
        ("Prospecting", "10"),
        ("Qualification", "20"),
        ("Needs Analysis", "30"),
        ("Value Proposition", "40"),
        ("Quote/Proposal", "50"),
        ("Negotiation/Review", "75"),
    ],
)
# anchors/cpq.md §2.14, Salesforce's OpportunityStage standard value set.
_SALESFORCE: Final = _model(
    "salesforce",
    [
        ("Prospecting", "10"),
        ("Qualification", "10"),
        ("Needs Analysis", "20"),
        ("Value Proposition", "50"),
        ("Id. Decision Makers", "60"),
        ("Perception Analysis", "70"),
        ("Proposal/Price Quote", "75"),
        ("Negotiation/Review", "90"),
    ],
)
# anchors/cpq.md §2.14, HubSpot's default sales pipeline.
_HUBSPOT: Final = _model(
    "hubspot",
    [
        ("Appointment Scheduled", "20"),
        ("Qualified to Buy", "40"),
        ("Presentation Scheduled", "60"),
        ("Decision Maker Bought-In", "80"),
        ("Contract Sent", "90"),
    ],
)
_PRESETS: Final = {"default": _DEFAULT, "salesforce": _SALESFORCE, "hubspot": _HUBSPOT}
