"""Tests for the columnar path of usage rating (revcycle.usage.rate_usage_table).

The main property: on the same events, the Arrow path gives exactly the object path's result
(lines, duplicates, conflicts, late, future and unmetered events).
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import JAN, JAN_START, usd
from revcycle.errors import FloatNotAllowedError, RevcycleTypeError, ValidationError
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
    rate_usage,
    rate_usage_table,
)


D = Decimal
PROPERTIES = ("region", "user")


def to_table(events: list[UsageEvent], quantity_type: pa.DataType | None = None) -> pa.Table:
    return pa.table(
        {
            "id": pa.array([e.id for e in events], pa.string()),
            "customer": pa.array([e.customer for e in events], pa.string()),
            "metric": pa.array([e.metric for e in events], pa.string()),
            "at": pa.array([e.at for e in events], pa.timestamp("us", tz="UTC")),
            "quantity": pa.array(
                [e.quantity for e in events], quantity_type or pa.decimal128(20, 2)
            ),
            **{
                name: pa.array([e.properties.get(name) for e in events], pa.string())
                for name in PROPERTIES
            },
        }
    )


@st.composite
def events_lists(draw: st.DrawFn) -> list[UsageEvent]:
    count = draw(st.integers(0, 25))
    ids = st.sampled_from([f"e{i}" for i in range(30)])  # repeats happen: duplicates
    return [
        UsageEvent(
            id=draw(ids),
            customer=draw(st.sampled_from(["acme", "globex", "initech"])),
            metric=draw(st.sampled_from(["api_calls", "storage", "sms"])),
            at=JAN_START + timedelta(seconds=draw(st.integers(-86400 * 3, 86400 * 33))),
            quantity=draw(st.decimals(0, 5000, places=2, allow_nan=False)),
            properties=draw(
                st.dictionaries(st.sampled_from(PROPERTIES), st.sampled_from(["eu", "us"]))
            ),
        )
        for _ in range(count)
    ]


@st.composite
def charge_sets(draw: st.DrawFn) -> list[UsageCharge]:
    result = []
    for metric in draw(st.sets(st.sampled_from(["api_calls", "storage"]), min_size=1)):
        aggregation = draw(st.sampled_from(list(Aggregation)))
        meter = Meter(
            metric,
            aggregation,
            unique_property="user" if aggregation is Aggregation.UNIQUE_COUNT else None,
            group_by=draw(st.sampled_from([None, "region"])),
            filters=draw(st.sampled_from([{}, {"region": "eu"}])),
            unit_rounding=draw(st.sampled_from([None, UnitRounding(UnitRoundingMode.CEIL)])),
        )
        if aggregation is Aggregation.SUM and draw(st.booleans()):
            model: object = Percentage("2.5", "USD", fixed_fee=usd("0.1"), free_events=1)
        else:
            model = Graduated([Tier(D(100), usd("0.5")), Tier(None, usd("0.25"))])
        result.append(UsageCharge(meter, model, minimum=draw(st.sampled_from([None, usd("1")]))))  # type: ignore[arg-type]
    return result


@given(events_lists(), charge_sets())
def test_the_columnar_path_equals_the_object_path(
    events: list[UsageEvent], charges: list[UsageCharge]
) -> None:
    expected = rate_usage(events, charges, JAN)
    got = rate_usage_table(to_table(events), charges, JAN)
    assert got == expected


@given(events_lists())
def test_integer_quantities_and_time_weighted_sums_agree(events: list[UsageEvent]) -> None:
    whole = [e.with_quantity(int(e.quantity)) for e in events]
    charge = UsageCharge(Meter("storage", Aggregation.TIME_WEIGHTED_SUM), PerUnit(usd("1")))
    expected = rate_usage(whole, charge, JAN, tz="Europe/Paris")
    got = rate_usage_table(to_table(whole, pa.int64()), charge, JAN, tz="Europe/Paris")
    assert got == expected


@st.composite
def events_with_varied_ids(draw: st.DrawFn) -> list[UsageEvent]:
    # Ids of 1 to 20 characters (so 1 to 3 eight-byte words, some multi-byte, some with NUL
    # bytes), drawn from a small pool so that they repeat.
    pool = draw(st.lists(st.text("ab\x00é-", min_size=1, max_size=20), min_size=1, max_size=6))
    return [
        UsageEvent(
            id=draw(st.sampled_from(pool)),
            customer=draw(st.sampled_from(["acme", "globex"])),
            metric=draw(st.sampled_from(["api_calls", "api_callz", "sms"])),
            at=JAN_START + timedelta(seconds=draw(st.integers(-86400, 86400 * 32))),
            quantity=draw(st.decimals(0, 100, places=1, allow_nan=False)),
        )
        for _ in range(draw(st.integers(0, 25)))
    ]


def chunked(table: pa.Table, cuts: list[int], skip: int) -> pa.Table:
    """``table`` without its first ``skip`` rows, cut into chunks at ``cuts`` (each chunk a
    slice with an offset into the same buffers, as Arrow hands out real data)."""
    rows = table.num_rows - skip
    bounds = sorted({0, rows, *(min(cut, rows) for cut in cuts)})
    parts = [table.slice(skip + a, b - a) for a, b in itertools.pairwise(bounds)]
    return pa.concat_tables(parts) if parts else table.slice(skip)


@given(events_with_varied_ids(), st.lists(st.integers(0, 25), max_size=3), st.integers(0, 3))
def test_repeated_ids_are_found_whatever_the_lengths_chunks_and_slices(
    events: list[UsageEvent], cuts: list[int], skip: int
) -> None:
    # The columnar path finds repeated ids by sorting 64-bit keys read from Arrow's buffers;
    # the answer must not depend on id lengths, chunking or slice offsets.
    charge = UsageCharge(Meter("api_calls", Aggregation.SUM), PerUnit(usd("1")))
    expected = rate_usage(events, charge, JAN)
    padding = [
        UsageEvent(id=f"skipped-{i}", customer="acme", metric="api_calls", at=JAN_START)
        for i in range(skip)
    ]
    table = chunked(to_table(padding + events), cuts, skip)
    assert rate_usage_table(table, charge, JAN) == expected
    from revcycle.usage import _arrow_rows as _arrow  # where the id keys are read

    with pytest.MonkeyPatch.context() as patch:
        # Tiny blocks and no tail read byte by byte: the same keys, block by block.
        patch.setattr(_arrow, "_BLOCK", 3)
        patch.setattr(_arrow, "_TAIL", 0)
        assert rate_usage_table(table, charge, JAN) == expected


@given(events_lists(), charge_sets())
def test_shared_id_keys_and_missing_numpy_change_nothing(
    events: list[UsageEvent], charges: list[UsageCharge]
) -> None:
    import numpy as np

    from revcycle.usage import _arrow, _arrow_rows

    expected = rate_usage(events, charges, JAN)
    table = to_table(events)
    with pytest.MonkeyPatch.context() as patch:
        # Every row shares one key (the worst collisions): all are compared exactly.
        patch.setattr(_arrow_rows, "_id_keys", lambda ids: np.zeros(len(ids), np.uint64))
        assert rate_usage_table(table, charges, JAN) == expected
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_arrow, "np", None)  # the Arrow-only fallbacks
        patch.setattr(_arrow_rows, "np", None)
        assert rate_usage_table(table, charges, JAN) == expected


def test_conflicts_compare_every_field_with_the_first_occurrence() -> None:
    # Hand-built: each later occurrence differs from its id's first in at most one field;
    # only the exact copies are plain duplicates (UsageEvent equality, object path).
    at = JAN_START + timedelta(days=3)

    def event(id: str, quantity: str = "2.50", when: datetime = at, **props: str) -> UsageEvent:
        return UsageEvent(
            id=id,
            customer="acme",
            metric="api_calls",
            at=when,
            quantity=D(quantity),
            properties=props,
        )

    events = [
        event("a", region="eu"),
        event("b"),
        event("a", region="eu"),  # exact copy: a duplicate, not a conflict
        event("a"),  # the property is missing: a conflict
        event("b"),  # exact copy
        event("b", user="x"),  # a property appears: a conflict
        event("b", quantity="2.5"),  # the same amount written with one place less: equal
        event("b", quantity="2.51"),  # another amount: a conflict
        event("a", when=at + timedelta(microseconds=1), region="eu"),  # another instant
        UsageEvent(id="b", customer="globex", metric="api_calls", at=at, quantity=D("2.50")),
    ]
    charge = UsageCharge(Meter("api_calls", Aggregation.SUM), PerUnit(usd("1")))
    expected = rate_usage(events, charge, JAN)
    position = {id(e): i for i, e in enumerate(events)}  # the object path keeps the inputs
    assert [position[id(e)] for e in expected.duplicates] == [2, 3, 4, 5, 6, 7, 8, 9]
    assert [position[id(e)] for e in expected.conflicts] == [3, 5, 7, 8, 9]
    assert rate_usage_table(to_table(events), charge, JAN) == expected


@given(
    st.lists(st.integers(-(10**18), 10**18) | st.just(0) | st.integers(2**63, 2**70), max_size=12),
    st.integers(0, 6),
    st.integers(0, 3),
)
def test_decimal_sums_read_from_the_buffer_equal_arrows_own(
    units: list[int], scale: int, skip: int
) -> None:
    # Rating reads decimal sums as 64-bit integers when they fit: the same Decimals, with
    # the same exponent (so the same text, e.g. '2.50'), as Arrow's to_pylist().
    from revcycle.usage._arrow import _python_values

    values = [D(n).scaleb(-scale) for n in units]
    array = pa.array(values, pa.decimal128(38, scale))
    column = pa.chunked_array([array.slice(min(skip, len(array))), array.slice(0, skip)])
    got = _python_values(column)
    assert [str(v) for v in got] == [str(v) for v in column.to_pylist()]


def test_byte_level_checks_read_only_their_own_rows() -> None:
    from revcycle.usage._arrow import _all_equal, _has_negative
    from revcycle.usage._arrow_rows import _id_keys

    # Offsets and lengths both matter: "ab","cd" has the right total length for "ab" × 2.
    assert _all_equal(pa.chunked_array([["ab", "ab"]]), "ab")
    assert not _all_equal(pa.chunked_array([["ab", "cd"]]), "ab")
    assert not _all_equal(pa.chunked_array([["abc", ""]]), "abc")
    assert not _all_equal(pa.chunked_array([["a", "bab"]]), "ab")
    assert _all_equal(pa.chunked_array([pa.array(["x", "ab", "ab", "y"]).slice(1, 2)]), "ab")
    # A negative quantity outside the slice is not part of the table.
    amounts = pa.array([D("-1.5"), D("2"), D("0")], pa.decimal128(10, 2))
    assert not _has_negative(pa.chunked_array([amounts.slice(1)]))
    assert _has_negative(pa.chunked_array([amounts.slice(1), amounts.slice(0, 1)]))
    assert _has_negative(pa.chunked_array([pa.array([D("-1")], pa.decimal256(40, 0))]))
    assert not _has_negative(pa.chunked_array([pa.array([3, 0], pa.int64())]))
    # Keys: equal ids, equal keys; ids of up to 8 bytes differing otherwise than by leading
    # NUL bytes get different keys.
    ids = pa.array(["e1", "e10", "e1", "abcdefgh", "abcdefgi", "x" * 17, "x" * 17])
    keys = _id_keys(ids)
    assert keys[0] == keys[2]
    assert keys[5] == keys[6]
    assert len({int(k) for k in keys}) == 5
    from revcycle.usage import _arrow_rows as _arrow  # where the id keys are read

    with pytest.MonkeyPatch.context() as patch:
        for block, tail in ((1, 64), (2, 0), (4, 0)):
            patch.setattr(_arrow, "_BLOCK", block)
            patch.setattr(_arrow, "_TAIL", tail)
            assert _id_keys(ids).tolist() == keys.tolist()


def test_known_answer_on_a_table() -> None:
    # The graduated table: 150,000 calls → 107.00 (see tests/test_usage.py).
    tiers = [
        Tier(D("10000"), usd("0.001")),
        Tier(D("100000"), usd("0.0008")),
        Tier(None, usd("0.0005")),
    ]
    table = pa.table(
        {
            "id": ["a", "b", "b"],
            "customer": ["acme", "acme", "acme"],
            "metric": ["api_calls"] * 3,
            "at": pa.array([JAN_START] * 3, pa.timestamp("ns", tz="America/New_York")),
            "quantity": pa.array([100000, 50000, 50000], pa.int64()),
        }
    )
    charge = UsageCharge(Meter("api_calls", Aggregation.SUM), Graduated(tiers))
    rating = rate_usage_table(table, charge, JAN)
    assert rating.lines[0].amount == usd("107.00")
    assert [e.id for e in rating.duplicates] == ["b"]


def test_a_missing_quantity_column_counts_one_per_event() -> None:
    table = pa.table(
        {
            "id": ["a", "b"],
            "customer": ["acme", "acme"],
            "metric": ["logins", "logins"],
            "at": pa.array([JAN_START, JAN_START], pa.timestamp("us", tz="UTC")),
        }
    )
    charge = UsageCharge(Meter("logins", Aggregation.SUM), PerUnit(usd("1")))
    assert rate_usage_table(table, charge, JAN).lines[0].quantity == 2


def test_table_errors_are_revcycle_errors() -> None:
    charge = UsageCharge(Meter("m", Aggregation.SUM), PerUnit(usd("1")))
    base: dict[str, Any] = {
        "id": ["a"],
        "customer": ["acme"],
        "metric": ["m"],
        "at": pa.array([JAN_START], pa.timestamp("us", tz="UTC")),
    }
    with pytest.raises(ValidationError, match="lacks the column"):
        rate_usage_table(pa.table({"id": ["a"]}), charge, JAN)
    with pytest.raises(FloatNotAllowedError):
        rate_usage_table(pa.table({**base, "quantity": [1.5]}), charge, JAN)
    naive = {**base, "at": pa.array([datetime(2024, 1, 2)], pa.timestamp("us"))}  # noqa: DTZ001
    with pytest.raises(ValidationError, match="timezone-aware"):
        rate_usage_table(pa.table(naive), charge, JAN)
    with pytest.raises(RevcycleTypeError, match="must hold strings"):
        rate_usage_table(pa.table({**base, "region": [1]}), charge, JAN)
    with pytest.raises(RevcycleTypeError, match=r"pyarrow\.Table"):
        rate_usage_table([1, 2], charge, JAN)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="negative quantity"):
        rate_usage_table(pa.table({**base, "quantity": [-1]}), charge, JAN)


def test_empty_ids_customers_and_metrics_are_refused_like_events() -> None:
    # UsageEvent refuses an empty id, customer or metric; the table path must not bill a
    # customer "" that the object path could never see.
    events = [UsageEvent(id="1", customer="acme", metric="api_calls", at=JAN_START)]
    charge = UsageCharge(Meter("api_calls", Aggregation.SUM), PerUnit(usd("1")))
    for column in ("id", "customer", "metric"):
        table = to_table(events)
        table = table.set_column(
            table.column_names.index(column), column, pa.array([""], pa.string())
        )
        with pytest.raises(ValidationError, match=f"'{column}' column must not hold empty"):
            rate_usage_table(table, charge, JAN)


def test_trusted_unique_ids_skip_the_duplicate_search() -> None:
    events = [
        UsageEvent(id="a", customer="acme", metric="m", at=JAN_START, quantity=D(2)),
        UsageEvent(id="b", customer="acme", metric="m", at=JAN_START, quantity=D(3)),
    ]
    charge = UsageCharge(Meter("m", Aggregation.SUM), PerUnit(usd("1")))
    table = to_table(events)
    assert rate_usage_table(table, charge, JAN, assume_unique_ids=True) == rate_usage(
        events, charge, JAN
    )
    # With a repeated id the caller's promise is broken: the repeat is counted, as documented.
    repeated = to_table([*events, events[0]])
    trusted = rate_usage_table(repeated, charge, JAN, assume_unique_ids=True)
    assert trusted.lines[0].quantity == 7
    assert trusted.duplicates == ()
    assert rate_usage_table(repeated, charge, JAN).lines[0].quantity == 5


def test_without_pyarrow_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    import revcycle.usage

    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.compute", None)
    monkeypatch.delitem(sys.modules, "revcycle.usage._arrow", raising=False)
    monkeypatch.delattr(revcycle.usage, "_arrow", raising=False)
    charge = UsageCharge(Meter("m", Aggregation.SUM), PerUnit(usd("1")))
    with pytest.raises(ImportError, match=r"revcycle\[arrow\]"):
        rate_usage_table(None, charge, JAN)  # type: ignore[arg-type]


def test_property_names_too_many_to_hold_are_refused_before_they_are_read() -> None:
    # found by the long fuzz run (issue 16): properties=range(10**18) was walked into a dict.
    charge = UsageCharge(Meter("api", Aggregation.SUM), PerUnit(usd("1")))
    with pytest.raises(ValidationError, match="properties must hold at most 10,000,000 items"):
        rate_usage_table(to_table([]), charge, JAN, properties=range(10**18))  # type: ignore[arg-type]
