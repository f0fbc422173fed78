"""An opportunity's own checks and its stage clock at the edges, on the sample pipeline
(samples/opportunities.json): OPP-1001 won on 2025-06-20 after seven stages, OPP-1002 open in
Value Proposition, OPP-1007 still in Prospecting where it was created on 2025-05-05."""

from __future__ import annotations

from datetime import UTC, datetime

import attrs
import pytest

from revcycle import errors, samples
from revcycle.opportunity import Opportunity
from revcycle.pipeline import Pipeline
from revcycle.serialization import loads


AT = datetime(2025, 7, 1, tzinfo=UTC)


def _opportunity(id: str) -> Opportunity:
    pipeline = loads(samples.read_text("opportunities.json"), Pipeline)
    return next(o for o in pipeline.opportunities if o.id == id)


def test_a_never_moved_opportunity_entered_its_stage_when_created() -> None:
    prospect = _opportunity("OPP-1007")
    assert [change.stage for change in prospect.history] == ["Prospecting"]
    assert prospect.stage_entered_at == prospect.history[0].at
    assert prospect.stage_entered_at.date().isoformat() == "2025-05-05"


def test_the_history_is_checked_as_given() -> None:
    won = _opportunity("OPP-1001")
    history = won.history
    with pytest.raises(errors.RevcycleTypeError, match="must be a stage name or Stage, not 5"):
        attrs.evolve(won, stage=5)  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError, match="history entry 0 is 1; expected a StageC"):
        attrs.evolve(won, history=[1])  # type: ignore[list-item]
    a_year_early = attrs.evolve(history[0], at=history[0].at.replace(year=2024))
    with pytest.raises(errors.StageError, match="history entry 1 at 2024-01-06T10:00:00-05:00"):
        attrs.evolve(won, history=(history[0], a_year_early))
    with pytest.raises(errors.StageError, match="last history entry is in 'Negotiation/Review'"):
        attrs.evolve(won, history=history[:-1])


def test_closing_names_a_stage_of_the_right_kind() -> None:
    open_deal = _opportunity("OPP-1002")
    with pytest.raises(errors.StageError, match="'Prospecting' is not a closed-won stage"):
        open_deal.close_won(AT, stage="Prospecting")
    with pytest.raises(errors.StageError, match="'Closed Won' is not a closed-lost stage"):
        open_deal.close_lost("budget", AT, stage="Closed Won")
    lost = open_deal.close_lost("budget", AT)
    assert (lost.stage, lost.is_closed, lost.is_won) == ("Closed Lost", True, False)
