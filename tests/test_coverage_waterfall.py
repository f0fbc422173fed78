"""A waterfall step built by hand: its name given as text is read as the StepName it spells,
anything else is refused with the names allowed, and its unit price must be Money."""

from __future__ import annotations

import pytest

from revcycle import errors
from revcycle.money import Money
from revcycle.waterfall import StepName, WaterfallStep


PRICE = Money("1080.00", "USD")


def test_a_step_name_given_as_text_is_the_step_it_spells() -> None:
    step = WaterfallStep("term", PRICE, "10 % off for a 3-year term")
    assert step.name is StepName.TERM
    assert WaterfallStep(StepName.UPLIFT, PRICE, "7 % uplift").name is StepName.UPLIFT
    # The last of the eight names is found too (the search runs to the end).
    assert WaterfallStep("uplift", PRICE, "7 % uplift") == WaterfallStep(
        StepName.UPLIFT, PRICE, "7 % uplift"
    )


def test_an_unknown_step_name_lists_the_allowed_ones() -> None:
    with pytest.raises(errors.ValidationError) as raised:
        WaterfallStep("rebate", PRICE, "r")
    assert str(raised.value) == (
        "A waterfall step name must be one of 'list', 'contracted', 'volume', 'term', "
        "'additional', 'partner', 'distributor', 'uplift', not 'rebate'."
    )


def test_a_step_price_must_be_money() -> None:
    with pytest.raises(errors.RevcycleTypeError, match=r"unit price must be Money, not '1080\.00'"):
        WaterfallStep(StepName.LIST, "1080.00", "r")  # type: ignore[arg-type]
