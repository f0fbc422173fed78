"""The two rating paths agree on any rows (issue 16, item 1 and the differential property).

``rate_usage_table`` once summed quantities in int64 and wrapped: two events of 2**62 units
gave a negative quantity and a charge of 0.00 where ``rate_usage`` charged the right amount.
These tests build one set of rows, rate it as ``UsageEvent`` values and as a
``pyarrow.Table``, and require the same rating (lines, duplicates, conflicts, late, future,
unmetered) or the same error, for quantities near and beyond int64 and the decimal types'
precision, fractional quantities, repeated ids and every aggregation both paths support.
"""

from __future__ import annotations

import decimal
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import JAN, JAN_START, usd
from revcycle.errors import RevcycleError, RevcycleTypeError, ValidationError
from revcycle.pricing import Graduated, PerUnit, Tier
from revcycle.usage import (
    Aggregation,
    Meter,
    Percentage,
    UnitRounding,
    UnitRoundingMode,
    UsageCharge,
    UsageError,
    UsageEvent,
    UsageRating,
    rate_usage,
    rate_usage_table,
)


D = Decimal
PROPERTIES = ("region", "user")
INT64 = 2**63
SUMS = (Aggregation.SUM, Aggregation.TIME_WEIGHTED_SUM)
WIDE = decimal.Context(prec=100)  # exact sums for the assertions, not the ambient context


def quantities(scale: int) -> st.SearchStrategy[st.SearchStrategy[Decimal]]:
    """One size of quantity per example (so that sums of large ones happen), at ``scale``
    places: small ones, ones near and beyond int64 of either sign, near decimal128's 38
    digits, up to revcycle's limit of 40 digits before the point (docs/reference/limits.md),
    or a mix."""
    sizes = [
        st.integers(-1000, 1000),
        st.integers(INT64 // 2 - 10, INT64 + 10),
        st.integers(INT64 // 4, INT64 - 1) | st.integers(-INT64, -INT64 // 4),
        st.integers(10**37, 10**38 - 1),
        st.integers(10**39, 9 * 10**39),
    ]
    mixed = st.one_of(*sizes, st.integers(-9 * 10**39, 9 * 10**39))
    return st.sampled_from([*sizes, mixed]).map(
        lambda units: units.map(lambda n: D(n).scaleb(-scale))
    )


@st.composite
def rows(draw: st.DrawFn) -> tuple[list[UsageEvent], pa.DataType]:
    scale = draw(st.sampled_from([0, 0, 0, 2, 6, 20]))
    count = draw(st.integers(0, 12) | st.integers(2, 6))
    amounts = draw(st.lists(draw(quantities(scale)), min_size=count, max_size=count))
    if not draw(st.booleans()):
        amounts = [abs(a) for a in amounts]
    events = [
        UsageEvent(
            id=draw(st.sampled_from([f"e{i}" for i in range(16)])),  # repeats: duplicates
            customer=draw(st.sampled_from(["acme", "globex"])),
            metric=draw(st.sampled_from(["api_calls", "api_calls", "storage", "sms"])),
            at=JAN_START + timedelta(seconds=draw(st.integers(-86400 * 2, 86400 * 32))),
            quantity=amount,
            properties=draw(
                st.dictionaries(st.sampled_from(PROPERTIES), st.sampled_from(["eu", "us"]))
            ),
        )
        for amount in amounts
    ]
    kinds = column_types(amounts, scale)
    # The narrowest type half of the time: that is where a sum can pass the type's range.
    return events, draw(st.just(kinds[0]) | st.sampled_from(kinds))


def column_types(amounts: list[Decimal], scale: int) -> list[pa.DataType]:
    """The Arrow types that hold every amount exactly."""
    units = [int(a.scaleb(scale)) for a in amounts]
    largest = max((abs(u) for u in units), default=0)
    kinds: list[pa.DataType] = []
    if scale == 0 and largest < INT64:
        kinds.append(pa.int64())
    if scale == 0 and all(0 <= u < 2 * INT64 for u in units):
        kinds.append(pa.uint64())
    if largest < 10**38:
        kinds.append(pa.decimal128(38, scale))
    if largest < 10**19 and scale <= 19:
        kinds.append(pa.decimal128(19 + scale, scale))
    kinds.append(pa.decimal256(76, scale))
    return kinds


def to_table(events: list[UsageEvent], kind: pa.DataType) -> pa.Table:
    if pa.types.is_decimal(kind) and kind.scale < 0:  # pyarrow builds these only by a cast
        table = to_table(events, pa.decimal256(76, 0))
        return table.set_column(4, "quantity", table.column("quantity").cast(kind))
    return pa.table(
        {
            "id": pa.array([e.id for e in events], pa.string()),
            "customer": pa.array([e.customer for e in events], pa.string()),
            "metric": pa.array([e.metric for e in events], pa.string()),
            "at": pa.array([e.at for e in events], pa.timestamp("us", tz="UTC")),
            "quantity": pa.array(
                [int(e.quantity) if pa.types.is_integer(kind) else e.quantity for e in events],
                kind,
            ),
            **{
                name: pa.array([e.properties.get(name) for e in events], pa.string())
                for name in PROPERTIES
            },
        }
    )


@st.composite
def charge_sets(draw: st.DrawFn) -> list[UsageCharge]:
    result = []
    for metric in draw(st.sets(st.sampled_from(["api_calls", "storage"]), min_size=1)):
        # The sums (where overflow happens) twice as often as the other aggregations.
        aggregation = draw(st.sampled_from([*Aggregation, *SUMS]))
        meter = Meter(
            metric,
            aggregation,
            unique_property="user" if aggregation is Aggregation.UNIQUE_COUNT else None,
            group_by=draw(st.sampled_from([None, "region"])),
            filters=draw(st.sampled_from([{}, {"region": "eu"}])),
            unit_rounding=draw(st.sampled_from([None, UnitRounding(UnitRoundingMode.CEIL)])),
            allow_negative=draw(st.booleans()),
        )
        model: object
        if aggregation is Aggregation.SUM and draw(st.booleans()):
            model = Percentage("2.5", "USD", fixed_fee=usd("0.1"), free_events=1)
        elif draw(st.booleans()):
            model = PerUnit(usd("0.01"))
        else:
            model = Graduated([Tier(D(100), usd("0.5")), Tier(None, usd("0.25"))])
        result.append(UsageCharge(meter, model))
    return result


def outcome(rate: object) -> object:
    """The rating, or the kind of error (and its message when one charge decides it)."""
    try:
        return rate()  # type: ignore[operator]
    except RevcycleError as error:
        return type(error)


@given(rows(), charge_sets())
def test_both_paths_rate_any_rows_alike(
    drawn: tuple[list[UsageEvent], pa.DataType], charges: list[UsageCharge]
) -> None:
    events, kind = drawn
    table = to_table(events, kind)
    expected = outcome(lambda: rate_usage(events, charges, JAN))
    assert outcome(lambda: rate_usage_table(table, charges, JAN)) == expected
    assert outcome(lambda: rate_usage_table(table, charges, JAN, tz="Europe/Paris")) == outcome(
        lambda: rate_usage(events, charges, JAN, tz="Europe/Paris")
    )


def two_events(quantity: int | Decimal, kind: pa.DataType) -> tuple[list[UsageEvent], pa.Table]:
    events = [
        UsageEvent(id=i, customer="acme", metric="m", at=JAN_START, quantity=quantity)
        for i in ("a", "b")
    ]
    return events, to_table(events, kind)


def test_two_events_of_2_to_the_62_are_not_wrapped_to_a_negative_quantity() -> None:
    # Issue 16, item 1: int64 wrapped to -2**63 and the customer was charged 0.00.
    charge = UsageCharge(Meter("m", Aggregation.SUM), PerUnit(usd("0.01")))
    events, table = two_events(2**62, pa.int64())
    line = rate_usage_table(table, charge, JAN).lines[0]
    assert line.quantity == 2**63
    assert line.amount == usd("92233720368547758.08")
    assert rate_usage_table(table, charge, JAN) == rate_usage(events, charge, JAN)


@pytest.mark.parametrize(
    ("quantity", "kind"),
    [
        (2**64 - 1, pa.uint64()),  # unsigned 64-bit sums wrapped too
        (D("9" * 38), pa.decimal128(38, 0)),  # decimal128 at its precision limit
        (D("9" * 36 + ".99"), pa.decimal128(38, 2)),
        (D("9" * 39), pa.decimal256(76, 0)),  # past decimal128: added up like rate_usage
        (D("1E+39"), pa.decimal128(38, -10)),  # a negative scale (no Arrow kernel takes one)
        (D("12E+3"), pa.decimal128(5, -3)),
    ],
)
def test_sums_at_the_limits_of_each_type_are_exact(quantity: Decimal, kind: pa.DataType) -> None:
    for aggregation in (Aggregation.SUM, Aggregation.TIME_WEIGHTED_SUM):
        charge = UsageCharge(Meter("m", aggregation), PerUnit(usd("1")))
        events, table = two_events(quantity, kind)
        expected = outcome(lambda: rate_usage(events, charge, JAN))  # noqa: B023
        assert outcome(lambda: rate_usage_table(table, charge, JAN)) == expected  # noqa: B023
        if aggregation is Aggregation.SUM and quantity < 10**48:
            assert isinstance(expected, UsageRating)
            assert expected.lines[0].quantity == WIDE.add(quantity, quantity)


def test_a_table_with_an_unrelated_numeric_column_rates_when_the_properties_are_named() -> None:
    # Issue 16, new-user item: an unrelated numeric column used to be refused outright.
    events, table = two_events(3, pa.int64())
    table = table.append_column("amount_cents", pa.array([120, 340], pa.int64()))
    charge = UsageCharge(Meter("m", Aggregation.SUM, group_by="region"), PerUnit(usd("1")))
    with pytest.raises(RevcycleTypeError, match=r"'amount_cents'.*properties=\["):
        rate_usage_table(table, charge, JAN)
    rated = rate_usage_table(table, charge, JAN, properties=["region", "user"])
    assert rated == rate_usage(events, charge, JAN)
    assert rated.lines[0].quantity == 6
    # A property column a meter reads cannot be left out (its events would silently miss it).
    with pytest.raises(ValidationError, match="reads the property 'region'"):
        rate_usage_table(table, charge, JAN, properties=["user"])
    with pytest.raises(ValidationError, match="does not have"):
        rate_usage_table(table, charge, JAN, properties=["regoin"])
    with pytest.raises(ValidationError, match="event field"):
        rate_usage_table(table, charge, JAN, properties=["quantity"])
    with pytest.raises(RevcycleTypeError, match="list of column names"):
        rate_usage_table(table, charge, JAN, properties="region")
    with pytest.raises(RevcycleTypeError, match="must hold strings"):
        rate_usage_table(table, charge, JAN, properties=["amount_cents"])


def base_columns(at: pa.Array[Any]) -> dict[str, Any]:
    return {"id": ["a"], "customer": ["acme"], "metric": ["m"], "at": at}


def test_arrow_errors_never_escape_and_name_the_column() -> None:
    # Issue 16, item 7: pyarrow's own exceptions escaped; each is a RevcycleError now.
    charge = UsageCharge(Meter("m", Aggregation.SUM), PerUnit(usd("1")))
    cases: dict[str, pa.Array[Any]] = {
        # Seconds past the microsecond range: the unchecked cast wrapped silently.
        "outside the years": pa.array([2**62], pa.timestamp("s", tz="UTC")),
        # Past year 9999 in microseconds: Python's datetime cannot hold it.
        "outside the years 1": pa.array([2**62], pa.timestamp("us", tz="UTC")),
        "timezone 'Mars/Olympus'": pa.array([0], pa.timestamp("us", tz="Mars/Olympus")),
    }
    for message, at in cases.items():
        with pytest.raises(ValidationError, match=message):
            rate_usage_table(pa.table(base_columns(at)), charge, JAN)
    at = pa.array([JAN_START], pa.timestamp("us", tz="UTC"))
    wide = pa.array([D("1E+3")], pa.decimal256(76, -2))  # 78 digits at scale 0
    with pytest.raises(ValidationError, match="quantity column is decimal256"):
        rate_usage_table(pa.table({**base_columns(at), "quantity": wide}), charge, JAN)
    twice = pa.table([pa.array(["a"]), pa.array(["b"])], names=["id", "id"])
    with pytest.raises(ValidationError, match="more than one column named 'id'"):
        rate_usage_table(twice, charge, JAN)


def test_narrow_decimals_and_string_views_are_read() -> None:
    charge = UsageCharge(Meter("m", Aggregation.SUM), PerUnit(usd("1")))
    at = pa.array([JAN_START], pa.timestamp("ms", tz="UTC"))
    table = pa.table(
        {
            **base_columns(at),
            "quantity": pa.array([D("1.25")], pa.decimal32(5, 2)),
            "region": pa.array(["eu"], pa.string_view()),
        }
    )
    line = rate_usage_table(table, charge, JAN).lines[0]
    assert line.quantity == D("1.25")
    negative = table.set_column(4, "quantity", pa.array([D("-1")], pa.decimal64(5, 0)))
    with pytest.raises(UsageError, match="negative"):
        rate_usage_table(negative, charge, JAN)
