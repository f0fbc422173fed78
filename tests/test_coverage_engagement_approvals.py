"""A journey closes once, one way; an approval policy holds rules, nothing else."""

from __future__ import annotations

from datetime import date

import pytest

from revcycle import errors
from revcycle.approvals import ApprovalPolicy
from revcycle.engagement import AccountJourney, Milestone
from revcycle.engagement import MilestoneKind as M


def _journey(*kinds: M) -> AccountJourney:
    days = [date(2025, 1, 1 + i) for i in range(len(kinds))]
    return AccountJourney(
        "Acme", [Milestone(kind, day) for kind, day in zip(kinds, days, strict=True)]
    )


def test_a_won_journey_cannot_then_be_lost() -> None:
    with pytest.raises(errors.MilestoneOrderError, match="cannot be closed lost after closed won"):
        _journey(M.OPPORTUNITY_CREATED, M.CLOSED_WON, M.CLOSED_LOST)


def test_a_lost_journey_ends_there() -> None:
    # Winning after losing is refused as any milestone after a loss is.
    with pytest.raises(errors.MilestoneOrderError, match="closed_won on 2025-01-03 after it was"):
        _journey(M.OPPORTUNITY_CREATED, M.CLOSED_LOST, M.CLOSED_WON)
    lost = _journey(M.OPPORTUNITY_CREATED, M.CLOSED_LOST)
    assert [m.kind for m in lost.milestones] == [M.OPPORTUNITY_CREATED, M.CLOSED_LOST]


def test_an_approval_policy_holds_a_sequence_of_rules() -> None:
    with pytest.raises(errors.RevcycleTypeError, match="must be a sequence, not 'rules'"):
        ApprovalPolicy("rules")  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError, match="MarginBelow or TotalAbove values, not 5"):
        ApprovalPolicy([5])  # type: ignore[list-item]
    assert ApprovalPolicy([]).rules == ()
