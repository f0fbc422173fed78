"""JSON in and out for the foundation types (DESIGN §5)."""

from __future__ import annotations

import contextlib
import json
from datetime import date
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from revcycle import errors
from revcycle.dates import Duration, Period
from revcycle.money import Currency, Money, Percent, RoundingMode
from revcycle.proration import ProrationMethod
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
