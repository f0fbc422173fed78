"""JSON in and out for the foundation types (docs/reference/serialization.md)."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, date, timedelta
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from revcycle import errors
from revcycle.dates import DayCount, Duration, Period, aligned_periods
from revcycle.money import AllocationPolicy, Currency, Money, Percent, Rounding, RoundingMode
from revcycle.proration import CountedPart, Proration, ProrationMethod, term_multiplier_detail
from revcycle.serialization import dumps, loads, structure, unstructure
from revcycle.testing import amounts, currencies, durations, money, percents, periods


@attrs.frozen(kw_only=True)
class _Line:
    quantity: Decimal
    price: Money


@attrs.frozen(kw_only=True)
class _Doc:
    name: str
    lines: tuple[_Line, ...]
    period: Period
    term: Duration
    method: ProrationMethod


def _doc() -> _Doc:
    return _Doc(
        name="Q-1",
        lines=(_Line(quantity=Decimal("2"), price=Money("9.99", "USD")),),
        period=Period(date(2024, 1, 1), date(2025, 1, 1)),
        term=Duration(months=12),
        method=ProrationMethod.MONTHLY_DAILY,
    )


def test_wire_shapes() -> None:
    assert unstructure(Money("12.30", "USD")) == {"amount": "12.30", "currency": "USD"}
    assert unstructure(Percent("12.5")) == "12.5"
    assert unstructure(Duration(months=1)) == "P1M"
    assert unstructure(Period.of_month(2024, 2)) == {"start": "2024-02-01", "end": "2024-03-01"}
    assert unstructure(Currency("JPY")) == "JPY"
    assert unstructure(RoundingMode.HALF_UP) == "half_up"
    assert unstructure(Decimal("1E+2")) == "100"


def test_top_level_documents_carry_a_schema_version() -> None:
    data = json.loads(dumps(_doc()))
    assert data["schema_version"] == 1
    assert data["lines"] == [{"quantity": "2", "price": {"amount": "9.99", "currency": "USD"}}]
    assert data["method"] == "monthly_daily"
    assert loads(dumps(_doc()), _Doc) == _doc()


def test_unknown_schema_versions_are_refused() -> None:
    text = dumps(_doc()).replace('"schema_version": 1', '"schema_version": 99')
    with pytest.raises(errors.StructureError, match="schema_version 99"):
        loads(text, _Doc)


def _messages(text: str) -> tuple[str, ...]:
    with pytest.raises(errors.StructureError) as info:
        loads(text, _Doc)
    return info.value.messages


def test_errors_name_the_json_path() -> None:
    data = json.loads(dumps(_doc()))
    data["lines"][0]["quantity"] = "two"
    (message,) = _messages(json.dumps(data))
    assert message.startswith("$.lines[0].quantity: ")
    assert "'two'" in message


def test_unknown_keys_are_refused() -> None:
    data = json.loads(dumps(_doc()))
    data["lines"][0]["colour"] = "red"
    (message,) = _messages(json.dumps(data))
    assert message.startswith("$.lines[0]: ")
    assert "colour" in message


def test_json_floats_are_refused_anywhere() -> None:
    text = dumps(_doc()).replace('"quantity": "2"', '"quantity": 2.5')
    with pytest.raises(errors.StructureError, match="numbers with a fraction"):
        loads(text, _Doc)


def test_bad_enum_and_missing_fields() -> None:
    data = json.loads(dumps(_doc()))
    data["method"] = "weekly"
    del data["name"]
    messages = _messages(json.dumps(data))
    assert any(m.startswith("$.method: expected one of") for m in messages)
    assert "$.name: required field missing" in messages


def test_invalid_domain_values_become_structure_errors() -> None:
    data = json.loads(dumps(_doc()))
    data["period"] = {"start": "2024-05-01", "end": "2024-01-01"}
    data["term"] = "P1.5M"
    data["lines"][0]["price"]["currency"] = "ZZZ"
    messages = _messages(json.dumps(data))
    assert any(m.startswith("$.period: A period must end after it starts") for m in messages)
    assert any(m.startswith("$.term: Cannot read 'P1.5M'") for m in messages)
    assert any(m.startswith("$.lines[0].price: Unknown currency code 'ZZZ'") for m in messages)


@pytest.mark.parametrize("text", ["{", "[1, 2", "NaN", '{"amount": NaN, "currency": "USD"}'])
def test_invalid_json(text: str) -> None:
    with pytest.raises(errors.StructureError):
        loads(text, Money)


@given(
    st.one_of(
        money(places=6),
        currencies(),
        percents(),
        periods(),
        durations(),
        amounts(),
        st.dates(),
        st.sampled_from(list(ProrationMethod)),
    )
)
def test_every_foundation_type_round_trips(value: object) -> None:
    cls = type(value)
    assert structure(unstructure(value), cls) == value
    assert loads(dumps(value), cls) == value


@given(st.text(max_size=20) | st.integers() | st.none() | st.lists(st.integers(), max_size=2))
def test_garbage_raises_only_structure_errors(data: object) -> None:
    for cls in (Money, Period, Duration, Percent, Currency, Decimal, date, ProrationMethod):
        with contextlib.suppress(errors.StructureError):
            structure(data, cls)


# --------------------------------------------------------------------------------------------
# Every public foundation type round-trips (issue 2 "Must show"), not only the wire scalars


def _foundation_values() -> st.SearchStrategy[object]:
    spans = st.tuples(st.dates(date(1990, 1, 1), date(2090, 1, 1)), st.integers(1, 800))
    return st.one_of(
        st.builds(Rounding, st.sampled_from(list(RoundingMode)), st.none() | st.integers(-3, 8)),
        st.sampled_from([*RoundingMode, *AllocationPolicy, *DayCount]),
        st.fractions(),
        st.datetimes(timezones=st.just(UTC)),
        spans.map(
            lambda s: term_multiplier_detail(
                s[0], s[0] + timedelta(days=s[1]), method=ProrationMethod.CALENDAR_MONTHLY_DAILY
            )
        ),
        spans.map(
            lambda s: aligned_periods(
                Period(s[0], s[0] + timedelta(days=s[1])), date(2024, 1, 31), Duration(months=1)
            )[0]
        ),
    )


@given(_foundation_values())
def test_every_public_foundation_type_round_trips(value: object) -> None:
    cls = type(value)
    assert structure(unstructure(value), cls) == value
    assert loads(dumps(value), cls) == value


def test_a_proration_round_trips_with_its_explanation() -> None:
    detail = term_multiplier_detail(date(2024, 1, 15), date(2024, 3, 10), Duration(months=1))
    back = loads(dumps(detail), Proration)
    assert back == detail
    assert back.explain() == detail.explain()
    assert isinstance(back.parts[0], CountedPart)


# --------------------------------------------------------------------------------------------
# Found in the issue 2 audit


@attrs.frozen(kw_only=True)
class _Tags:
    tags: tuple[str, ...] = ()
    counts: list[int] = attrs.Factory(list)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # cattrs reads any iterable as a sequence: "ab" became ("a", "b") and an object its keys
        ({"tags": "ab"}, "$.tags: expected a JSON array, got 'ab'"),
        ({"tags": {"x": 1}}, "$.tags: expected a JSON array, got {'x': 1}"),
        ({"counts": "12"}, "$.counts: expected a JSON array, got '12'"),
        ({"tags": None}, "$.tags: expected a JSON array, got None"),
    ],
)
def test_only_a_json_array_is_a_sequence(data: object, message: str) -> None:
    with pytest.raises(errors.StructureError) as info:
        structure(data, _Tags)
    assert info.value.messages == (message,)
    assert structure({"tags": ["a", "b"], "counts": [1]}, _Tags) == _Tags(
        tags=("a", "b"), counts=[1]
    )


@pytest.mark.parametrize("text", ["null", "[1]", '"x"'])
def test_a_non_object_where_an_object_belongs_is_said_plainly(text: str) -> None:
    # was "$: AttributeError: 'NoneType' object has no attribute 'keys'"
    with pytest.raises(errors.StructureError) as info:
        loads(text, Period)
    (message,) = info.value.messages
    assert message.startswith("$: expected a JSON object, got ")


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: loads(None, Money), errors.RevcycleTypeError),  # type: ignore[arg-type]  # json raised TypeError
        (lambda: loads("[" * 100_000 + "]" * 100_000, Money), errors.StructureError),
        (lambda: loads("1", object), errors.StructureError),  # a cattrs error escaped
        (lambda: dumps(object()), errors.RevcycleTypeError),  # json raised TypeError
        (lambda: dumps(float("nan")), errors.RevcycleTypeError),  # wrote NaN: not JSON
        # true == 1 in Python, so a boolean schema_version passed as version 1
        (
            lambda: loads('{"amount": "1", "currency": "USD", "schema_version": true}', Money),
            errors.StructureError,
        ),
    ],
)
def test_bad_input_raises_revcycle_errors(call: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        call()  # type: ignore[operator]
