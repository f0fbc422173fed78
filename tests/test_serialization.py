"""JSON in and out for the foundation types (docs/reference/serialization.md)."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, date, timedelta
from decimal import Decimal
from typing import Any, cast

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


# --------------------------------------------------------------------------------------------
# Issue 16: documented limits for a JSON document, each named in its error


def _refusal(document: str | bytes, cls: type[object] = Money) -> errors.StructureError:
    with pytest.raises(errors.StructureError) as caught:
        loads(document, cls)
    return caught.value


def _refusal_with(document: str, **limits: int) -> errors.StructureError:
    with pytest.raises(errors.StructureError) as caught:
        loads(document, Money, **limits)
    return caught.value


def test_a_list_of_invalid_items_lists_20_and_counts_up_to_1000() -> None:
    # Issue 16 item 2: 100,000 invalid items took 12 s and 786 MB; every item's message was
    # built. The first 20 problems are listed, the rest counted up to MAX_COUNTED_ERRORS
    # (1,000), where checking stops (speed is not asserted: the fuzz suite bounds it).
    from revcycle import samples
    from revcycle.quotes import Quote
    from revcycle.serialization import MAX_COUNTED_ERRORS, MAX_LISTED_ERRORS

    assert (MAX_LISTED_ERRORS, MAX_COUNTED_ERRORS) == (20, 1_000)
    document = json.loads(samples.read_text("quote.json"))
    document["lines"] = [{"sku": "X", "quantity": "abc"}] * 60_000  # 180,000 values
    error = _refusal(json.dumps(document), Quote)
    assert len(error.messages) == 21
    assert error.messages[0].startswith("$.lines[0].quantity: ")
    assert error.messages[-1] == (
        "$.lines: 980 more items have problems; checking stopped at 1,000 problems, so later "
        "items may have more (the first 20 are listed)"
    )
    # Under the cap, every problem is counted.
    document["lines"] = [{"sku": "X", "quantity": "abc"}] * 500
    error = _refusal(json.dumps(document), Quote)
    assert error.messages[-1] == ("$.lines: 480 more items have problems (the first 20 are listed)")


def test_only_listed_problems_get_a_did_you_mean() -> None:
    # The hint costs difflib's work per key: the 20 listed problems have it, the counted
    # ones are only counted.
    error = _refusal(json.dumps([{"amout": "1", "currency": "USD"}] * 30), list[Money])
    assert len(error.messages) == 21
    assert all("did you mean 'amount'?" in m for m in error.messages[:20])
    assert error.messages[20] == "$: 10 more items have problems (the first 20 are listed)"
    # The next document gets its hints again.
    assert "did you mean" in str(_refusal('{"amout": "1", "currency": "USD"}'))


def test_a_document_of_more_values_than_the_limit_is_refused_before_it_is_read() -> None:
    # Issue 16 (reliability): reading costs microseconds a value, so the size alone did not
    # bound it (16 MiB of "{}," is five million values). Every value counts one: the
    # document, each array element and object member; keys do not.
    from revcycle.serialization import MAX_DOCUMENT_VALUES

    assert MAX_DOCUMENT_VALUES == 200_000
    at_the_limit = "[" + ",".join(["1"] * (MAX_DOCUMENT_VALUES - 1)) + "]"
    assert len(loads(at_the_limit, list[int])) == MAX_DOCUMENT_VALUES - 1
    over = "[" + ",".join(["1"] * MAX_DOCUMENT_VALUES) + "]"
    error = _refusal(over, list[int])
    assert str(error) == (
        "Cannot read list: the document holds 200,001 JSON values; revcycle reads at most "
        "200,000 values in one document (max_values=, MAX_DOCUMENT_VALUES by default): split "
        "it, or raise max_values for a document you trust."
    )
    assert len(loads(over, list[int], max_values=MAX_DOCUMENT_VALUES + 1)) == MAX_DOCUMENT_VALUES
    # Objects, empty containers, and commas or brackets inside strings, counted exactly.
    document = '{"amount": "1", "currency": "USD,[{"}'  # the object and its 2 members
    with pytest.raises(errors.StructureError, match="holds 3 JSON values"):
        loads(document, Money, max_values=2)
    with pytest.raises(errors.StructureError, match="currency"):  # read, then refused
        loads(document, Money, max_values=3)
    with pytest.raises(errors.StructureError, match="holds 3 JSON values"):
        loads("[{}, []]", list[list[int]], max_values=2)
    assert loads("[[], []]", list[list[int]], max_values=3) == [[], []]


def test_a_document_of_far_more_commas_and_brackets_is_refused_on_their_count() -> None:
    # Telling a document's own commas from its strings' costs memory for each; past four per
    # value allowed (800,000), the raw count refuses it: 16 MiB of '"",' is 5.6 million.
    error = _refusal("[" + '"",' * 900_000 + '""]', list[str])
    assert str(error).startswith(
        "Cannot read list: the document holds 900,001 commas and brackets (its strings' "
        "included), more than 4 for each value it may hold; revcycle reads at most 200,000 "
    )
    # Under that count, commas in strings are told apart: 300,000 of them in one string.
    assert loads(json.dumps(["," * 300_000]), list[str]) == ["," * 300_000]


def test_read_json_reads_plain_data_under_the_rules_and_limits_of_loads() -> None:
    from revcycle.serialization import read_json

    assert read_json('{"a": [1, "2", null, true]}') == {"a": [1, "2", None, True]}
    assert read_json(b"[]") == []
    for document, message in [
        ("[1.5]", "numbers with a fraction are not accepted"),
        ('{"a": 1, "a": 2}', "holds the key 'a' twice"),
        ("[" * 40 + "]" * 40, "nested more than 32"),
        ("[" + "1," * 199_999 + "1]", "holds 200,001 JSON values"),
        ("[1", "invalid JSON"),
    ]:
        with pytest.raises(errors.StructureError, match=message):
            read_json(document)
    assert len(read_json("[" + "1," * 199_999 + "1]", max_values=200_001)) == 200_000
    with pytest.raises(errors.RevcycleTypeError, match=r"read_json\(\) reads JSON text"):
        read_json(12)  # type: ignore[arg-type]


def test_document_limits_are_whole_numbers_of_at_least_one() -> None:
    for bad in (0, -1, True, 1.5, "10", None):
        with pytest.raises(errors.RevcycleTypeError, match="must be a whole number of at least 1"):
            loads("[]", list[int], max_values=bad)  # type: ignore[arg-type]
        with pytest.raises(errors.RevcycleTypeError, match="must be a whole number of at least 1"):
            loads("[]", list[int], max_size=bad)  # type: ignore[arg-type]


def test_deep_nesting_is_refused_before_parsing() -> None:
    # Issue 16 item 2: deep nesting ended in a traceback.
    error = _refusal("[" * 5000 + "]" * 5000)
    assert "nested more than 32" in str(error)
    # What revcycle itself writes is far shallower (a contract's chain is a flat list).
    _refusal('{"amount": ' + "[" * 32 + "]" * 32 + ', "currency": "USD"}')


def test_long_integers_are_a_structure_error() -> None:
    # Issue 16 items 2 and 5: a 5,000-digit integer let Python's ValueError (4,300 digits) out.
    error = _refusal('{"amount": ' + "9" * 5000 + ', "currency": "USD"}')
    assert "integer of 5,000 digits" in str(error)
    assert "at most 40 digits" in str(error)


def test_bytes_that_do_not_decode_are_a_structure_error() -> None:
    # Issue 16 item 5: UnicodeDecodeError escaped loads() for bytes input.
    error = _refusal(b'{"amount": "1\xff", "currency": "USD"}')
    assert "not UTF-8 text" in str(error)
    assert loads(b'{"amount": "1", "currency": "USD"}', Money) == Money("1", "USD")


def test_a_repeated_key_is_refused() -> None:
    # Issue 16 item 5: duplicate keys were silently accepted (the last won).
    error = _refusal('{"amount": "1", "currency": "USD", "amount": "100"}')
    assert "holds the key 'amount' twice" in str(error)


def test_a_lone_surrogate_is_refused() -> None:
    error = _refusal('{"amount": "1", "currency": "\\ud800"}')
    assert "lone surrogate" in str(error)
    # an escaped backslash before "ud800" is not a surrogate, and a pair is a character
    assert "ud800" in str(_refusal('{"amount": "\\\\ud800", "currency": "USD"}'))
    assert "lone surrogate" not in str(_refusal('{"amount": "\\ud83d\\ude00", "currency": "USD"}'))


def test_a_document_past_the_size_limit_is_refused() -> None:
    from revcycle.serialization import MAX_DOCUMENT_SIZE

    assert MAX_DOCUMENT_SIZE == 16 * 2**20
    error = _refusal(" " * (MAX_DOCUMENT_SIZE + 1))
    assert str(error) == (
        "Cannot read Money: the document is 16,777,217 characters long; revcycle reads JSON "
        "documents of at most 16,777,216 characters (16 MiB; max_size=, MAX_DOCUMENT_SIZE by "
        "default)."
    )
    document = " " * 100 + '{"amount": "1", "currency": "USD"}'
    assert "at most 120 characters (max_size=" in str(_refusal_with(document, max_size=120))
    assert loads(document, Money, max_size=len(document)) == Money("1", "USD")


def test_an_unknown_key_gets_a_did_you_mean() -> None:
    # Issue 16, new-user item.
    from revcycle.quotes import QuoteLine

    error = _refusal('{"sku": "SEAT", "quantty": "2"}', QuoteLine)
    assert "unknown keys ['quantty']; did you mean 'quantity'?" in str(error)
    error = _refusal('{"amount": "1", "currncy": "USD"}')
    assert "did you mean 'currency'?" in str(error)


def test_a_naive_datetime_no_longer_loads() -> None:
    # Issue 16, new-user item: a model accepting any datetime read a naive one from JSON.
    from datetime import datetime

    error = _refusal('"2024-01-31T09:30:00"', datetime)
    assert "timezone-aware" in str(error)
    assert loads('"2024-01-31T09:30:00+01:00"', datetime).utcoffset() == timedelta(hours=1)
    assert loads('"2024-01-31"', date) == date(2024, 1, 31)  # dates are unaffected


def test_a_union_member_is_written_with_its_tag() -> None:
    # Issue 16, new-user item: dumps(PerUnit(...)) wrote no "type", so its output could not
    # be passed where any pricing model is expected (revcycle rate --price).
    from revcycle.pricing import AnyPricingModel, PerUnit

    model = PerUnit(Money("0.01", "USD"))
    text = dumps(model)
    assert json.loads(text)["type"] == "per_unit"
    # A union is not a class: mypy cannot bind ``type[T]`` to it, so it is passed as Any.
    assert loads(text, cast(Any, AnyPricingModel)) == model
    assert loads(text, PerUnit) == model
    wrong = _refusal(text.replace("per_unit", "flat"), PerUnit)
    assert "$.type: expected 'per_unit'" in str(wrong)


def test_a_zero_proration_divisor_is_refused() -> None:
    # Issue 16 item 7: a JSON Proration with divisor "0" was accepted, then its value raised
    # ZeroDivisionError.
    document = dumps(term_multiplier_detail(date(2024, 1, 1), date(2024, 2, 15)))
    error = _refusal(document.replace('"divisor": "12"', '"divisor": "0"'), Proration)
    assert "divisor must be above zero" in str(error)


def test_a_fraction_is_bounded_before_it_is_read() -> None:
    error = _refusal('{"description": "x", "value": "1/' + "9" * 5000 + '"}', CountedPart)
    assert "at most 100 digits" in str(error)


# Every public model that has a strategy in revcycle.testing reads back what it writes
# (issue 16 item 8: values the library writes but refuses to read back).
def _strategy_types() -> list[type]:
    from revcycle import testing

    return list(testing.TYPE_STRATEGIES)


@pytest.mark.parametrize("cls", _strategy_types(), ids=lambda cls: cls.__name__)
@given(data=st.data())
def test_every_value_a_strategy_makes_reads_back(cls: type, data: st.DataObject) -> None:
    value = data.draw(st.from_type(cls))
    assert loads(dumps(value), cls) == value


def test_dumps_refuses_a_bare_decimal_it_could_not_write_in_bounded_space() -> None:
    # Found by the long fuzz run (issue 16): dumps(Decimal("5E+999999999")) wrote the number
    # out whole, a billion digits, and the process grew to 23 GB before the kernel killed it.
    # A model's numbers are range-checked when it is built; a bare Decimal now is too, with
    # the same check and message as every number read in.
    from decimal import Decimal

    from revcycle.errors import ValidationError

    with pytest.raises(ValidationError, match="too large: about 1E\\+999999999"):
        dumps(Decimal("5E+999999999"))
    with pytest.raises(ValidationError, match="too small"):
        dumps([Decimal("5E-999999")])
    with pytest.raises(ValidationError, match="finite"):
        dumps({"a": Decimal("NaN")})
    assert dumps([Decimal("12.30"), {"a": Decimal("-0.5")}]) == '["12.30", {"a": "-0.5"}]'
