"""Tests for revcycle.opportunity: stage models, transitions, history, handoff, JSON."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import JUNK
from revcycle import samples
from revcycle.errors import (
    RevcycleError,
    RevcycleTypeError,
    StructureError,
    UnknownCodeError,
    ValidationError,
)
from revcycle.money import Money, Percent
from revcycle.opportunity import (
    ChangeKind,
    ClosePolicy,
    CloseRefusedError,
    ForecastCategory,
    Handoff,
    Opportunity,
    Stage,
    StageError,
    StageModel,
    Stakeholder,
    Touchpoint,
)
from revcycle.serialization import dumps, loads, structure, unstructure


T0 = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


def make(
    stage: str | Stage = "Prospecting",
    amount: str = "100000",
    model: StageModel | None = None,
    **extra: object,
) -> Opportunity:
    return Opportunity(
        id="OPP-1",
        account="ACME",
        name="ACME platform",
        amount=Money(amount, "USD"),
        close_date=date(2025, 6, 30),
        owner="dana",
        stage=stage,
        created_at=T0,
        model=StageModel.default() if model is None else model,
        **extra,  # type: ignore[arg-type]
    )


def complete_handoff() -> Handoff:
    return Handoff(
        first_touch_channel="webinar",
        touchpoints=(Touchpoint("webinar", T0 - timedelta(days=30), "close webinar"),),
        driving_topic="Faster close",
        decision_criteria=("ERP integration",),
        customer_goal="Close in 3 days",
        success_measures=("Days to close",),
        stakeholders=(Stakeholder("Maria Lopez", "CFO"),),
    )


# --------------------------------------------------------------------------------------------
# Strategies

MODELS = st.sampled_from([StageModel.default(), StageModel.salesforce(), StageModel.hubspot()])
STEPS = st.lists(
    st.tuples(
        st.sampled_from(["move", "won", "lost", "reopen", "probability", "amount", "back"]),
        st.integers(min_value=0, max_value=10**6),  # seconds after the last change
        st.integers(min_value=0, max_value=20),  # which stage, modulo the count
        st.integers(min_value=0, max_value=100),  # a probability
    ),
    max_size=12,
)


def apply_step(opp: Opportunity, step: tuple[str, int, int, int]) -> Opportunity:
    """Apply one random step; a step the rules refuse raises a RevcycleError."""
    action, seconds, which, probability = step
    at = opp.last_change_at + timedelta(seconds=seconds)
    open_stages = opp.model.open_stages
    target = open_stages[which % len(open_stages)]
    if action == "move":
        return opp.move_to(target.name, at)
    if action == "won":
        return opp.close_won(at)
    if action == "lost":
        return opp.close_lost("lost to a competitor", at)
    if action == "reopen":
        return opp.reopen(target.name, at)
    if action == "probability":
        return opp.with_probability(Percent(probability), at)
    if action == "amount":
        return opp.with_amount(Money(which * 1000 + 1, "USD"), at)
    # "back": a timestamp before the last change must always be refused.
    return opp.move_to(target.name, opp.last_change_at - timedelta(seconds=seconds + 1))


@st.composite
def opportunities(draw: st.DrawFn) -> Opportunity:
    model = draw(MODELS)
    stage = draw(st.sampled_from(model.open_stages))
    opp = Opportunity(
        id=draw(st.text("ABC123-", min_size=1, max_size=8)),
        account="ACME",
        name="Deal",
        amount=Money(draw(st.integers(min_value=1, max_value=10**9)), "USD"),
        close_date=date(2025, 6, 30),
        owner="dana",
        stage=stage.name,
        created_at=T0,
        model=model,
    )
    for step in draw(STEPS):
        with contextlib.suppress(RevcycleError):
            opp = apply_step(opp, step)
    return opp


# --------------------------------------------------------------------------------------------
# Properties


@given(MODELS, STEPS)
def test_history_timestamps_never_decrease(
    model: StageModel, steps: list[tuple[str, int, int, int]]
) -> None:
    opp = make(model.open_stages[0], model=model)
    for step in steps:
        before = opp
        try:
            opp = apply_step(opp, step)
        except RevcycleError:
            assert opp is before
            continue
        assert len(opp.history) == len(before.history) + 1
        assert opp.history[:-1] == before.history
        assert step[0] != "back"
    times = [change.at for change in opp.history]
    assert times == sorted(times)
    assert opp.history[0].at >= opp.created_at
    assert opp.history[-1].stage == opp.stage
    assert opp.history[-1].probability == opp.probability


@given(opportunities())
def test_weighted_amount_is_amount_times_probability(opp: Opportunity) -> None:
    assert opp.weighted_amount == opp.amount * opp.probability.ratio
    assert Money.zero("USD") <= opp.weighted_amount <= opp.amount


@given(opportunities())
def test_a_closed_stage_is_terminal_until_reopened(opp: Opportunity) -> None:
    if not opp.is_closed:
        return
    later = opp.last_change_at + timedelta(hours=1)
    other = opp.model.open_stages[0].name
    with pytest.raises(StageError, match="reopen it first"):
        opp.move_to(other, later)
    with pytest.raises(StageError):
        opp.close_won(later)
    reopened = opp.reopen(other, later)
    assert reopened.is_open
    assert reopened.lost_reason is None
    assert reopened.history[-1].kind is ChangeKind.REOPENED


@given(opportunities())
def test_json_round_trip(opp: Opportunity) -> None:
    assert structure(unstructure(opp), Opportunity) == opp
    assert loads(dumps(opp), Opportunity) == opp


@given(st.integers(min_value=-50, max_value=150), st.integers(min_value=-50, max_value=150))
def test_stage_probabilities_must_lie_within_0_to_100(open_p: int, won_p: int) -> None:
    def build() -> StageModel:
        return StageModel(
            (
                Stage("Open", Percent(open_p), ForecastCategory.PIPELINE),
                Stage("Won", Percent(won_p), ForecastCategory.CLOSED, True, True),
                Stage("Lost", Percent(0), ForecastCategory.OMITTED, True),
            ),
            override_closed_probabilities=True,
        )

    if 0 <= open_p <= 100 and 0 <= won_p <= 100:
        assert build().stage("Open").probability == Percent(open_p)
    else:
        with pytest.raises(StageError, match="between 0% and 100%"):
            build()


@given(JUNK)
def test_junk_arguments_raise_only_revcycle_errors(value: object) -> None:
    opp = make()
    calls: list[Callable[[], object]] = [
        lambda: opp.move_to(value, T0),  # type: ignore[arg-type]
        lambda: opp.move_to("Qualification", value),  # type: ignore[arg-type]
        lambda: opp.move_to("Qualification", T0, probability=value),  # type: ignore[arg-type]
        lambda: opp.with_probability(value, T0),  # type: ignore[arg-type]
        lambda: opp.with_amount(value, T0),  # type: ignore[arg-type]
        lambda: opp.with_close_date(value, T0),  # type: ignore[arg-type]
        lambda: opp.with_forecast_category(value, T0),  # type: ignore[arg-type]
        lambda: opp.close_lost(value, T0),  # type: ignore[arg-type]
        lambda: opp.close_won(T0, amount=value),  # type: ignore[arg-type]
        lambda: opp.reopen(value, T0),  # type: ignore[arg-type]
        lambda: make(stage=value),  # type: ignore[arg-type]
        lambda: Stage("S", value, ForecastCategory.PIPELINE),  # type: ignore[arg-type]
        lambda: Stage("S", Percent(5), value),  # type: ignore[arg-type]
        lambda: StageModel(value),  # type: ignore[arg-type]
        lambda: StageModel.preset(value),  # type: ignore[arg-type]
        lambda: Handoff(touchpoints=value),  # type: ignore[arg-type]
        lambda: Touchpoint("call", value),  # type: ignore[arg-type]
    ]
    for call in calls:
        with contextlib.suppress(RevcycleError):
            call()


# --------------------------------------------------------------------------------------------
# Known answers


def test_default_model_is_the_founding_documents() -> None:
    # The founding document's stages (docs/reference/opportunity.md), word for word.
    expected = [
        ("Prospecting", "10", ForecastCategory.PIPELINE, False, False),
        ("Qualification", "20", ForecastCategory.PIPELINE, False, False),
        ("Needs Analysis", "30", ForecastCategory.PIPELINE, False, False),
        ("Value Proposition", "40", ForecastCategory.PIPELINE, False, False),
        ("Quote/Proposal", "50", ForecastCategory.PIPELINE, False, False),
        ("Negotiation/Review", "75", ForecastCategory.PIPELINE, False, False),
        ("Closed Won", "100", ForecastCategory.CLOSED, True, True),
        ("Closed Lost", "0", ForecastCategory.OMITTED, True, False),
    ]
    got = [
        (s.name, str(s.probability.value), s.forecast_category, s.closed, s.won)
        for s in StageModel.default().stages
    ]
    assert got == expected


def test_salesforce_preset_matches_the_anchor() -> None:
    # anchors/cpq.md §2.14, Salesforce default Opportunity stages table.
    expected: list[tuple[str, Decimal | int]] = [
        ("Prospecting", 10),
        ("Qualification", 10),
        ("Needs Analysis", 20),
        ("Value Proposition", 50),
        ("Id. Decision Makers", 60),
        ("Perception Analysis", 70),
        ("Proposal/Price Quote", 75),
        ("Negotiation/Review", 90),
        ("Closed Won", 100),
        ("Closed Lost", 0),
    ]
    model = StageModel.salesforce()
    assert [(s.name, s.probability.value) for s in model.stages] == expected
    assert model.stage("Closed Won").forecast_category is ForecastCategory.CLOSED
    assert model.stage("Closed Lost").forecast_category is ForecastCategory.OMITTED


def test_hubspot_preset_matches_the_anchor() -> None:
    # anchors/cpq.md §2.14, HubSpot default sales pipeline.
    expected: list[tuple[str, Decimal | int]] = [
        ("Appointment Scheduled", 20),
        ("Qualified to Buy", 40),
        ("Presentation Scheduled", 60),
        ("Decision Maker Bought-In", 80),
        ("Contract Sent", 90),
        ("Closed Won", 100),
        ("Closed Lost", 0),
    ]
    assert [(s.name, s.probability.value) for s in StageModel.hubspot().stages] == expected


@pytest.mark.parametrize(
    ("model", "weighted"),
    [
        # Issue 4 "Must show": 100,000 × 75 % (docs/reference/opportunity.md) and × 90 %
        # (anchors/cpq.md §2.14).
        (StageModel.default(), "75000"),
        (StageModel.salesforce(), "90000"),
    ],
)
def test_negotiation_review_weights(model: StageModel, weighted: str) -> None:
    opp = make(model=model).move_to("Negotiation/Review", T0 + timedelta(days=30))
    assert opp.weighted_amount == Money(weighted, "USD")
    lost = opp.close_lost("budget cut", T0 + timedelta(days=40))
    assert lost.weighted_amount == Money("0", "USD")
    assert lost.forecast_category is ForecastCategory.OMITTED
    assert lost.lost_reason == "budget cut"
    assert lost.close_date == date(2025, 2, 15)


def test_probability_override_is_recorded_and_replaced_on_the_next_move() -> None:
    opp = make().move_to("Quote/Proposal", T0 + timedelta(days=1), probability=Percent("65"))
    assert opp.probability == Percent("65")
    assert opp.history[-1].probability_overridden
    moved = opp.move_to("Negotiation/Review", T0 + timedelta(days=2))
    assert moved.probability == Percent("75")
    assert not moved.history[-1].probability_overridden
    edited = moved.with_probability("80", T0 + timedelta(days=3))
    assert edited.history[-1].kind is ChangeKind.PROBABILITY
    assert edited.history[-1].probability_overridden
    assert edited.stage_entered_at == T0 + timedelta(days=2)


def test_snapshot_survives_a_changed_model() -> None:
    # A stage's default changing later does not touch existing deals (anchors/cpq.md §2.14).
    opp = make().move_to("Needs Analysis", T0 + timedelta(days=1))
    data = unstructure(opp)
    custom = StageModel(
        tuple(
            attrs.evolve(s, probability=Percent("35")) if s.name == "Needs Analysis" else s
            for s in StageModel.default().stages
        )
    )
    data["model"] = unstructure(custom)
    reloaded = structure(data, Opportunity)
    assert reloaded.current_stage.probability == Percent("35")
    assert reloaded.probability == Percent("30")


def test_forecast_category_override() -> None:
    opp = make().with_forecast_category(ForecastCategory.COMMIT, T0)
    assert opp.forecast_category is ForecastCategory.COMMIT
    assert opp.move_to("Qualification", T0).forecast_category is ForecastCategory.PIPELINE


def test_stage_may_be_given_as_a_stage_value() -> None:
    stage = StageModel.default().stage("Qualification")
    assert make(stage).stage == "Qualification"
    foreign = Stage("Discovery", Percent("99"), ForecastCategory.PIPELINE)
    with pytest.raises(UnknownCodeError, match="Unknown stage 'Discovery'"):
        make(foreign)
    with pytest.raises(StageError, match="differs"):
        StageModel.default().stage(attrs.evolve(stage, probability=Percent("99")))


# --------------------------------------------------------------------------------------------
# Refusals


def test_moves_that_are_refused() -> None:
    opp = make()
    with pytest.raises(StageError, match="already in stage"):
        opp.move_to("Prospecting", T0)
    with pytest.raises(StageError, match="use close_won"):
        opp.move_to("Closed Won", T0)
    with pytest.raises(UnknownCodeError, match="Unknown stage 'Nope'"):
        opp.move_to("Nope", T0)
    with pytest.raises(StageError, match="cannot go back in time"):
        opp.move_to("Qualification", T0 - timedelta(seconds=1))
    with pytest.raises(StageError, match="only a closed deal can reopen"):
        opp.reopen("Qualification", T0)
    with pytest.raises(StageError, match="needs a reason"):
        opp.close_lost("  ", T0)
    lost = opp.close_lost("no budget", T0)
    with pytest.raises(StageError, match="into the closed stage"):
        lost.reopen("Closed Won", T0)


def test_naive_timestamps_are_refused() -> None:
    with pytest.raises(ValidationError, match="must be timezone-aware"):
        make().move_to("Qualification", datetime(2025, 2, 1, 9, 0))  # noqa: DTZ001
    with pytest.raises(ValidationError, match="created_at must be timezone-aware"):
        Opportunity(
            id="1",
            account="a",
            name="n",
            amount=Money("1", "USD"),
            close_date=date(2025, 1, 1),
            owner="o",
            stage="Prospecting",
            created_at=datetime(2025, 1, 1),  # noqa: DTZ001
        )
    with pytest.raises(RevcycleTypeError, match="timezone-aware datetime, not date"):
        make().move_to("Qualification", date(2025, 2, 1))  # type: ignore[arg-type]


def test_a_float_amount_is_refused() -> None:
    with pytest.raises(RevcycleTypeError):
        make(amount=0.5)  # type: ignore[arg-type]
    with pytest.raises(RevcycleTypeError):
        make().move_to("Qualification", T0, probability=0.5)  # type: ignore[arg-type]


def test_a_negative_amount_is_refused_everywhere() -> None:
    # Issue 16, new-user item: negative opportunity amounts were accepted; an opportunity's
    # amount is never below zero (from the constructor, a change, or JSON).
    with pytest.raises(ValidationError, match="must not be negative"):
        make(amount="-1")
    with pytest.raises(ValidationError, match="must not be negative"):
        make().with_amount(Money("-0.01", "USD"), T0)
    text = dumps(make()).replace('"100000"', '"-100000"')
    with pytest.raises(StructureError, match="must not be negative"):
        loads(text, Opportunity)
    assert make(amount="0").amount.is_zero()  # zero stays a valid (empty) deal


def test_one_history_keeps_one_currency() -> None:
    # Issue 16, new-user item: one history could mix currencies.
    from revcycle.errors import CurrencyMismatchError

    with pytest.raises(CurrencyMismatchError, match="one opportunity keeps one currency"):
        make().with_amount(Money("100", "EUR"), T0 + timedelta(days=1))
    with pytest.raises(CurrencyMismatchError):
        make().close_won(T0, amount=Money("10", "EUR"))
    opp = make()
    mixed = (*opp.history, attrs.evolve(opp.history[0], amount=Money("5", "EUR")))
    with pytest.raises(CurrencyMismatchError, match="history entry 1 is in EUR"):
        attrs.evolve(opp, history=mixed, amount=Money("5", "EUR"))
    assert isinstance(CurrencyMismatchError("x"), RevcycleError)


def test_close_won_needs_a_positive_amount() -> None:
    with pytest.raises(CloseRefusedError, match="positive amount"):
        make(amount="0").close_won(T0)
    won = make(amount="0").close_won(T0, amount=Money("10", "USD"))
    assert won.amount == Money("10", "USD")
    assert won.history[-1].amount == Money("10", "USD")


def test_close_policy() -> None:
    strict = ClosePolicy.strict()
    opp = make()
    with pytest.raises(CloseRefusedError, match="accepted quote id"):
        opp.close_won(T0, policy=strict)
    with pytest.raises(CloseRefusedError, match="missing all fields"):
        opp.close_won(T0, policy=strict, accepted_quote_id="Q-1")
    partial = Handoff(first_touch_channel="webinar")
    with pytest.raises(CloseRefusedError, match="missing touchpoints, driving_topic"):
        opp.close_won(T0, policy=strict, accepted_quote_id="Q-1", handoff=partial)
    won = opp.with_quote("Q-1", accepted=True).with_handoff(complete_handoff())
    won = won.close_won(T0 + timedelta(days=1), policy=strict)
    assert won.is_won
    assert won.accepted_quote_id == "Q-1"
    assert won.quote_id == "Q-1"
    assert won.weighted_amount == won.amount
    assert won.forecast_category is ForecastCategory.CLOSED
    assert won.closed_at == T0 + timedelta(days=1)
    assert make().close_won(T0).is_won  # the default policy asks for neither


def test_handoff_missing_and_order() -> None:
    assert Handoff().missing() == (
        "first_touch_channel",
        "touchpoints",
        "driving_topic",
        "decision_criteria",
        "customer_goal",
        "success_measures",
        "stakeholders",
    )
    assert complete_handoff().is_complete
    with pytest.raises(ValidationError, match="in time order"):
        complete_handoff().with_touchpoint(Touchpoint("call", T0 - timedelta(days=60)))
    with pytest.raises(ValidationError, match="non-empty strings"):
        Handoff(decision_criteria=("",))
    with pytest.raises(RevcycleTypeError, match="must be a sequence"):
        Handoff(decision_criteria="price")


@pytest.mark.parametrize(
    ("stages", "message"),
    [
        ((), "at least one stage"),
        (
            (
                Stage("A", Percent(10), ForecastCategory.PIPELINE),
                Stage("A", Percent(20), ForecastCategory.PIPELINE),
            ),
            "twice",
        ),
        ((Stage("Lost", Percent(0), ForecastCategory.OMITTED, True),), "closed-won stage"),
        ((Stage("Won", Percent(100), ForecastCategory.CLOSED, True, True),), "closed-lost"),
        (
            (
                Stage("Won", Percent(90), ForecastCategory.CLOSED, True, True),
                Stage("Lost", Percent(0), ForecastCategory.OMITTED, True),
            ),
            "expected 100%",
        ),
        (
            (
                Stage("Won", Percent(100), ForecastCategory.CLOSED, True, True),
                Stage("Lost", Percent(5), ForecastCategory.OMITTED, True),
            ),
            "expected 0%",
        ),
    ],
)
def test_stage_model_validation(stages: tuple[Stage, ...], message: str) -> None:
    with pytest.raises(StageError, match=message):
        StageModel(stages)


def test_won_implies_closed_and_presets_by_name() -> None:
    with pytest.raises(StageError, match="won but not closed"):
        Stage("Won", Percent(100), ForecastCategory.CLOSED, closed=False, won=True)
    assert StageModel.preset("hubspot") is StageModel.hubspot()
    with pytest.raises(UnknownCodeError, match="Unknown stage model preset 'odoo'"):
        StageModel.preset("odoo")
    assert StageModel.default().index("Quote/Proposal") == 4


# --------------------------------------------------------------------------------------------
# JSON


def test_custom_model_loads_from_json() -> None:
    model = loads(samples.read_text("stage_model.json"), StageModel)
    assert [s.name for s in model.stages] == ["New", "Qualified", "Proposition", "Won", "Lost"]
    assert model.stage("Proposition").forecast_category is ForecastCategory.BEST_CASE
    opp = make("Qualified", model=model).move_to("Proposition", T0 + timedelta(days=3))
    assert opp.weighted_amount == Money("70000", "USD")
    data = unstructure(opp)
    assert isinstance(data["model"], dict)
    assert loads(dumps(opp), Opportunity) == opp


def test_preset_model_is_written_by_name() -> None:
    data = unstructure(make(model=StageModel.salesforce()))
    assert data["model"] == "salesforce"
    assert loads('"hubspot"', StageModel) is StageModel.hubspot()


def test_bad_json_is_a_structure_error() -> None:
    data = unstructure(make())
    data["created_at"] = "2025-01-06T09:00:00"
    with pytest.raises(StructureError, match="timezone-aware"):
        structure(data, Opportunity)
    data = unstructure(make())
    data["colour"] = "red"
    with pytest.raises(StructureError, match="colour"):
        structure(data, Opportunity)
    with pytest.raises(StructureError, match="Unknown stage model preset"):
        loads('"odoo"', StageModel)


def test_timestamps_keep_their_offsets_in_json() -> None:
    berlin = timezone(timedelta(hours=1))
    opp = make().move_to("Qualification", datetime(2025, 1, 7, 9, 0, tzinfo=berlin))
    text = dumps(opp)
    assert "2025-01-07T09:00:00+01:00" in text
    assert loads(text, Opportunity).history[-1].at.utcoffset() == timedelta(hours=1)


def test_explain_lists_every_change() -> None:
    opp = make().move_to("Qualification", T0, probability=Decimal("25"))
    text = opp.explain()
    assert "created" in text
    assert "Qualification" in text
    assert "(override)" in text


JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=12)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(st.dictionaries(st.sampled_from([f.name for f in attrs.fields(Opportunity)]), JSON_VALUES))
def test_any_bad_json_raises_a_structure_error(data: dict[str, object]) -> None:
    with pytest.raises(StructureError):
        structure(data, Opportunity)


@given(st.sampled_from(["history", "stage", "model", "probability", "amount"]), JSON_VALUES)
def test_one_bad_field_in_good_json_raises_a_structure_error(field: str, value: object) -> None:
    data = unstructure(make().move_to("Qualification", T0))
    data[field] = value
    try:
        opp = structure(data, Opportunity)
    except StructureError:
        return
    assert structure(unstructure(opp), Opportunity) == opp


def test_minimal_json_takes_the_stage_defaults() -> None:
    text = (
        '{"id": "1", "account": "a", "name": "n", "amount": {"amount": "5", "currency": "USD"},'
        ' "close_date": "2025-01-01", "owner": "x", "stage": "Qualification",'
        ' "created_at": "2025-01-01T00:00:00+00:00", "model": "salesforce"}'
    )
    opp = loads(text, Opportunity)
    assert opp.probability == Percent("10")
    assert opp.forecast_category is ForecastCategory.PIPELINE
    assert [c.kind for c in opp.history] == [ChangeKind.CREATED]


def test_history_in_an_unknown_stage_is_refused() -> None:
    data = unstructure(make())
    data["history"][0]["stage"] = "Discovery"
    with pytest.raises(StructureError, match="does not have"):
        structure(data, Opportunity)


# --------------------------------------------------------------------------------------------
# Audit of issue 4: wrong types and inconsistent JSON raise RevcycleErrors with sentences.


def build(**changes: object) -> Opportunity:
    fields = {
        "id": "OPP-1",
        "account": "ACME",
        "name": "ACME platform",
        "amount": Money("100000", "USD"),
        "close_date": date(2025, 6, 30),
        "owner": "dana",
        "stage": "Prospecting",
        "created_at": T0,
        **changes,
    }
    return Opportunity(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("model", ["default", None, 5])
def test_a_model_that_is_not_a_stage_model_is_a_type_error(model: object) -> None:
    # Was an AttributeError from the probability default reading model.stage().
    with pytest.raises(RevcycleTypeError, match=r"Opportunity\.model must be a StageModel"):
        build(model=model)


def test_close_won_policy_must_be_a_close_policy() -> None:
    # Was an AttributeError ('str' object has no attribute 'require_accepted_quote').
    with pytest.raises(RevcycleTypeError, match="policy must be a ClosePolicy"):
        make().close_won(T0, policy="strict")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "build",
    [
        lambda: Stage("S", Percent(5), ForecastCategory.PIPELINE, 1),  # type: ignore[arg-type]
        lambda: Stage("S", Percent(100), ForecastCategory.CLOSED, True, 1),  # type: ignore[arg-type]
        lambda: StageModel(StageModel.default().stages, override_closed_probabilities=1),  # type: ignore[arg-type]
        lambda: ClosePolicy(require_accepted_quote=1),  # type: ignore[arg-type]
        lambda: ClosePolicy(require_complete_handoff="yes"),  # type: ignore[arg-type]
        lambda: Touchpoint("call", T0, 5),  # type: ignore[arg-type]
    ],
)
def test_flags_and_notes_of_the_wrong_type_are_revcycle_type_errors(build: object) -> None:
    # Were attrs' bare TypeError with an Attribute tuple for a message.
    with pytest.raises(RevcycleTypeError, match="must be"):
        build()  # type: ignore[operator]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("probability", "90", "probability 90% but its last history entry records 20%"),
        ("amount", {"amount": "5", "currency": "USD"}, "amount 5 USD"),
        ("forecast_category", "commit", "forecast_category commit"),
        ("close_date", "2025-09-30", "close_date 2025-09-30"),
    ],
)
def test_fields_must_match_the_last_history_entry(field: str, value: object, message: str) -> None:
    # A JSON opportunity whose probability disagreed with its history used to load, and then
    # weighted by one figure while the history (and the next change) carried the other.
    data = unstructure(make().move_to("Qualification", T0 + timedelta(days=1)))
    data[field] = value
    with pytest.raises(StructureError, match=message):
        structure(data, Opportunity)


def test_history_cannot_leave_a_closed_stage_without_reopening() -> None:
    # docs/reference/opportunity.md: closed stages are terminal unless explicitly reopened — in
    # JSON too.
    lost = make().close_lost("no budget", T0 + timedelta(days=1))
    data = unstructure(lost.reopen("Qualification", T0 + timedelta(days=2)))
    assert structure(data, Opportunity).is_open
    data["history"][-1]["kind"] = "moved"
    with pytest.raises(StructureError, match="leaves its stage only by a 'reopened' entry"):
        structure(data, Opportunity)


def test_a_stage_model_that_is_neither_a_name_nor_an_object() -> None:
    # Was "argument of type 'int' is not iterable".
    with pytest.raises(StructureError, match="preset name"):
        loads("5", StageModel)


def test_require_aware_refuses_a_name_that_is_not_text() -> None:
    # Found by the long fuzz run (issue 16): require_aware(value, what=10**100_000) let a
    # ValueError out of its own message (str() of an int past 4,300 digits).
    from revcycle.errors import RevcycleTypeError
    from revcycle.opportunity import require_aware

    with pytest.raises(RevcycleTypeError, match="names the value with text, not <an int of about"):
        require_aware(datetime(2025, 1, 6, tzinfo=UTC), 10**100_000)  # type: ignore[arg-type]
    moment = datetime(2025, 1, 6, 9, tzinfo=UTC)
    assert require_aware(moment, "Opportunity.created_at") is moment


def test_a_quote_is_linked_by_its_id_text_only() -> None:
    # Found by the fuzz run (issue 16): with_quote(np.array([1, 2]), accepted=...) let numpy's
    # ValueError out of the field's own comparison. Its arguments are checked first.
    import numpy as np

    from revcycle.errors import RevcycleTypeError

    with pytest.raises(RevcycleTypeError):
        make().with_quote(np.array([1, 2]))  # type: ignore[arg-type]
    assert make().with_quote("Q-1", accepted=True).accepted_quote_id == "Q-1"
