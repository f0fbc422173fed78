"""Edges of the JSON hooks (serialization._core), the JSON Schema builder (serialization._schema)
and the shared field checks (_validate) that the behaviour tests did not reach: wrong types and
malformed documents are refused with a message naming the problem, and the less common type
hints (literals, fixed tuples, mappings, protocols, names known only to type checkers) are
checked or described as documented."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal, SupportsInt, cast

import attrs
import pytest

from revcycle import errors
from revcycle._validate import (
    check_annotated,
    check_arguments,
    check_day,
    require_day,
    require_sequence,
    require_text,
)
from revcycle.dates import Duration
from revcycle.money import Currency, Money, RoundingMode
from revcycle.serialization import json_schema, make_converter, structure, unstructure
from revcycle.serialization._core import (
    TAGGED_UNIONS,
    known_keys,
    register_tagged_union,
    structure_errors,
)
from revcycle.terms import DueRule, PaymentTerms


if TYPE_CHECKING:  # a name the checks cannot resolve at run time: it checks nothing
    from revcycle.quotes import Quote as OnlyTyped


def _problems(data: Any, cls: Any) -> tuple[str, ...]:
    """The messages of the StructureError that reading ``data`` as ``cls`` raises."""
    with pytest.raises(errors.StructureError) as caught:
        structure(data, cls)
    return caught.value.messages


# --------------------------------------------------------------------------------------------
# serialization._core: the foundation hooks


def test_a_float_amount_is_refused_with_the_string_form_to_use() -> None:
    assert _problems({"amount": 1.5, "currency": "USD"}, Money) == (
        '$: expected a decimal written as a string such as "12.30", got the float 1.5',
    )


def test_money_missing_its_currency_names_the_key() -> None:
    assert _problems({"amount": "1"}, Money) == ("$: money needs ['currency']",)


def test_a_date_time_that_is_not_a_string_is_a_type_problem() -> None:
    assert _problems(5, datetime) == (
        '$: expected an ISO 8601 date-time such as "2024-01-31T09:30:00+00:00", got 5',
    )


def test_a_date_time_string_that_is_not_iso_8601_is_refused() -> None:
    assert _problems("next tuesday", datetime) == (
        (
            '$: expected an ISO 8601 date-time such as "2024-01-31T09:30:00+00:00", '
            "got 'next tuesday'"
        ),
    )


def test_a_whole_number_reads_as_a_fraction() -> None:
    assert structure(3, Fraction) == Fraction(3)
    assert structure(" 14/29 ", Fraction) == Fraction(14, 29)


@pytest.mark.parametrize("value", ["1/x", 1.5, None, "1/-2"])
def test_what_is_not_a_fraction_is_refused(value: object) -> None:
    (message,) = _problems(value, Fraction)
    assert message.startswith('$: expected an exact fraction such as "14/29", got ')


def test_a_zero_denominator_is_refused() -> None:
    assert _problems("1/0", Fraction) == ("$: a fraction cannot have a zero denominator: '1/0'",)


@pytest.mark.parametrize(
    ("value", "cls", "message"),
    [
        (True, int, "$: expected a whole number, got True"),
        ("3", int, "$: expected a whole number, got '3'"),
        (1, str, "$: expected a string, got 1"),
        (1, bool, "$: expected true or false, got 1"),
        ("yes", bool, "$: expected true or false, got 'yes'"),
        (5, Currency, "$: expected a currency code as a string, got 5"),
        (5, Duration, '$: expected an ISO 8601 duration such as "P1M" as a string, got 5'),
    ],
)
def test_a_scalar_of_the_wrong_json_type_is_refused(value: Any, cls: Any, message: str) -> None:
    assert _problems(value, cls) == (message,)


def test_a_boolean_never_names_an_enum_member() -> None:
    (message,) = _problems(True, RoundingMode)
    assert message.startswith("$: expected one of 'half_up', ")
    assert message.endswith(", got True")


def test_items_typed_any_are_taken_as_they_are() -> None:
    assert structure([1, "a", None], list[Any]) == [1, "a", None]
    assert structure([1, "a"], tuple[Any, ...]) == (1, "a")


def test_a_mapping_with_any_keys_or_values_structures_only_the_typed_side() -> None:
    assert structure({"a": 2}, dict[Any, int]) == {"a": 2}
    assert structure({"a": [1.5]}, dict[str, Any]) == {"a": [1.5]}
    assert _problems({"a": "x"}, dict[Any, int]) == ("$['a']: expected a whole number, got 'x'",)


def test_a_mapping_type_refuses_an_array() -> None:
    assert _problems([1, 2], dict[str, int]) == ("$: expected a JSON object, got [1, 2]",)


def test_beyond_twenty_problems_in_all_the_rest_are_counted() -> None:
    # Each array lists its ten problems; over the document, the first 20 are kept.
    messages = _problems({"a": ["x"] * 10, "b": ["x"] * 10, "c": ["x"] * 5}, dict[str, list[int]])
    assert len(messages) == 21
    assert messages[0] == "$['a'][0]: expected a whole number, got 'x'"
    assert messages[19] == "$['b'][9]: expected a whole number, got 'x'"
    assert messages[20] == "… and 5 more problems (the first 20 are listed)"


def test_a_non_object_where_an_attrs_class_belongs_is_named() -> None:
    assert _problems(5, PaymentTerms) == ("$: expected a JSON object, got int",)
    assert _problems(None, PaymentTerms) == ("$: expected a JSON object, got null",)


def test_a_tagged_union_needs_its_type_tag() -> None:
    assert _problems({"days": 30}, DueRule) == (
        (
            "$: expected an object with a 'type' tag (one of 'net_days', 'end_of_month', "
            "'day_of_month')"
        ),
    )
    assert _problems([30], DueRule) == _problems({"days": 30}, DueRule)


def test_a_tag_that_is_not_a_string_gets_no_suggestion() -> None:
    assert _problems({"type": 5, "days": 30}, DueRule) == (
        "$: unknown type tag 5; expected one of 'net_days', 'end_of_month', 'day_of_month'",
    )


def test_a_value_outside_the_union_cannot_be_written_as_it() -> None:
    with pytest.raises(errors.StructureError, match=r"^int is not a member of this union\.$"):
        unstructure(5, DueRule)


def test_a_type_with_no_json_form_is_named() -> None:
    assert _problems({}, complex) == ("$: revcycle has no JSON form for complex",)


def test_structure_refuses_what_is_not_a_type() -> None:
    with pytest.raises(errors.RevcycleTypeError, match=r"^structure\(\) needs a revcycle type"):
        structure({}, cast(Any, 5))


def test_known_keys_of_a_class_that_is_not_attrs_are_none() -> None:
    assert known_keys(int) == ()
    assert known_keys(list[int]) == ()


def test_a_structure_error_passes_through_unchanged() -> None:
    original = errors.StructureError("Cannot read Money:", ["$.amount: inner"])
    with pytest.raises(errors.StructureError) as caught, structure_errors(Money):
        raise original
    assert caught.value is original


def test_an_unexpected_attribute_error_is_reported_by_its_class() -> None:
    with pytest.raises(errors.StructureError) as caught, structure_errors(Money):
        raise AttributeError("no attribute 'amount'")
    assert caught.value.messages == ("$: AttributeError: no attribute 'amount'",)


# --------------------------------------------------------------------------------------------
# serialization._schema


def test_schema_of_a_literal_is_its_enum() -> None:
    schema = json_schema(Literal["monthly", "yearly"])
    assert schema["enum"] == ["monthly", "yearly"]
    assert schema["title"] == "Literal"


def test_schema_of_a_fixed_tuple_lists_each_item() -> None:
    schema = json_schema(tuple[int, str])
    assert schema["type"] == "array"
    assert schema["prefixItems"] == [{"type": "integer"}, {"type": "string"}]
    assert schema["items"] is False


def test_schema_of_a_frozenset_has_unique_items() -> None:
    schema = json_schema(frozenset[str])
    assert schema["items"] == {"type": "string"}
    assert schema["uniqueItems"] is True


def test_schema_of_a_type_with_no_json_form_is_refused() -> None:
    with pytest.raises(errors.RevcycleTypeError, match=r"^revcycle has no JSON Schema for complex"):
        json_schema(complex)


def test_schema_refuses_what_is_not_a_type() -> None:
    with pytest.raises(errors.RevcycleTypeError, match=r"^json_schema\(\) needs a revcycle type"):
        json_schema("Money")


def test_two_classes_of_one_name_get_distinct_definitions() -> None:
    other = attrs.make_class("Money", {"cents": attrs.field(type=int)}, frozen=True)
    schema = json_schema(cast(Any, tuple)[Money, other])
    assert schema["prefixItems"] == [{"$ref": "#/$defs/Money"}, {"$ref": "#/$defs/Money2"}]
    assert schema["$defs"]["Money2"]["properties"] == {"cents": {"type": "integer"}}


@attrs.frozen
class Cash:
    """Paid in cash."""

    amount: int


@attrs.frozen
class Card:
    """Paid by card."""

    last4: str


@pytest.fixture
def payment_union() -> Iterator[Any]:
    """A tagged union registered on a converter of its own, and unregistered afterwards."""
    union: Any = Cash | Card
    conv = make_converter()
    register_tagged_union(conv, union, {"cash": Cash, "card": Card})
    try:
        yield union, conv
    finally:
        del TAGGED_UNIONS[union]


def test_an_unexported_tagged_union_is_named_by_its_members(payment_union: Any) -> None:
    union, conv = payment_union
    assert conv.unstructure(Cash(5), unstructure_as=union) == {"type": "cash", "amount": 5}
    assert conv.structure({"type": "card", "last4": "4242"}, union) == Card("4242")
    schema = json_schema(cast(Any, list)[union])
    assert schema["items"] == {"$ref": "#/$defs/CashOrCard"}
    members = schema["$defs"]["CashOrCard"]["oneOf"]
    assert [m["properties"]["type"] for m in members] == [{"const": "cash"}, {"const": "card"}]


# --------------------------------------------------------------------------------------------
# _validate: require_* and check_*


class Day(date):
    """A date subclass that is still a calendar day (not a datetime)."""


def test_text_with_a_lone_surrogate_is_refused() -> None:
    with pytest.raises(
        errors.ValidationError, match=r"^An account must be text, not .*lone surrogate"
    ):
        require_text("caf\udce9", "An account")


def test_a_date_subclass_is_a_calendar_day() -> None:
    day = Day(2024, 1, 31)
    assert require_day(day, "An invoice date") is day


@attrs.frozen
class Visit:
    on: date = attrs.field(validator=check_day())


def test_check_day_accepts_a_date_subclass() -> None:
    assert Visit(Day(2024, 2, 29)).on == date(2024, 2, 29)


class _Huge:
    """Sized, claiming more items than any sequence argument may hold."""

    def __len__(self) -> int:
        return 10_000_001


def test_a_sequence_of_too_many_items_is_refused() -> None:
    with pytest.raises(errors.ValidationError, match=r"^Rows must hold at most 10,000,000 items"):
        require_sequence(_Huge(), "Rows")


def test_a_range_too_long_to_count_is_refused() -> None:
    with pytest.raises(errors.ValidationError, match=r"^Rows must hold at most 10,000,000 items"):
        require_sequence(range(2**64), "Rows")


# --------------------------------------------------------------------------------------------
# _validate: check_annotated and check_arguments


@attrs.frozen(field_transformer=check_annotated)
class Annotated:
    amount: Decimal
    mode: Literal["a", "b"] = "a"
    pair: tuple[int, str] = (0, "")
    table: Mapping[str, int] = attrs.field(factory=dict)
    anything: Any = None
    thing: object = None
    number: SupportsInt = 0
    typed: OnlyTyped | None = None


def test_annotated_fields_accept_values_of_their_hints() -> None:
    value = Annotated(
        Decimal("1.5"),
        "b",
        (1, "x"),
        {"k": 2},
        anything=object(),
        thing="any",
        number=3.5,
        typed="anything at all",  # type: ignore[arg-type]
    )
    assert value.mode == "b"
    assert value.pair == (1, "x")
    assert value.table == {"k": 2}


def test_a_float_for_an_annotated_decimal_says_how_to_write_it() -> None:
    with pytest.raises(
        errors.FloatNotAllowedError,
        match=r"^Annotated\.amount must be a finite Decimal within the number limits, not the "
        r'float 1\.5; pass Decimal\("1\.5"\) instead\.$',
    ):
        Annotated(1.5)  # type: ignore[arg-type]


def test_a_non_finite_decimal_is_refused() -> None:
    with pytest.raises(
        errors.RevcycleTypeError,
        match=r"^Annotated\.amount must be a finite Decimal within the number limits, not "
        r"Decimal\('NaN'\)\.$",
    ):
        Annotated(Decimal("NaN"))


def test_a_value_outside_a_literal_is_refused() -> None:
    with pytest.raises(errors.RevcycleTypeError, match=r"^Annotated\.mode must be Literal\["):
        Annotated(Decimal(1), "c")  # type: ignore[arg-type]


@pytest.mark.parametrize("pair", [(1,), (1, 2), [1, "x"], (1, "x", "y")])
def test_a_fixed_tuple_needs_each_item_in_place(pair: Any) -> None:
    with pytest.raises(errors.RevcycleTypeError, match=r"^Annotated\.pair must be tuple\[int, str"):
        Annotated(Decimal(1), pair=pair)


@pytest.mark.parametrize("table", [[("k", 1)], {"k": "1"}, {1: 1}])
def test_a_mapping_field_checks_keys_and_values(table: Any) -> None:
    with pytest.raises(errors.RevcycleTypeError, match=r"^Annotated\.table must be Mapping\["):
        Annotated(Decimal(1), table=table)


@check_arguments
def scaled(
    amount: Decimal, factor: int = 1, note: Any = None, hint: OnlyTyped | None = None
) -> Decimal:
    return amount * factor


def test_checked_arguments_pass_through() -> None:
    assert scaled(Decimal("2.5"), 2, note=object(), hint="unchecked") == Decimal("5.0")  # type: ignore[arg-type]


def test_a_wrong_positional_argument_is_named() -> None:
    with pytest.raises(
        errors.RevcycleTypeError,
        match=r"^scaled\(\) factor must be an int of at most 40 digits, not '2'\.$",
    ):
        scaled(Decimal(1), "2")  # type: ignore[arg-type]


def test_a_wrong_keyword_argument_is_named() -> None:
    with pytest.raises(
        errors.FloatNotAllowedError,
        match=r'^scaled\(\) amount must be a finite Decimal .*pass Decimal\("0\.1"\) instead\.$',
    ):
        scaled(amount=0.1)  # type: ignore[arg-type]
