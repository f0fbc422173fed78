"""The two rating paths under the fuzz bounds (issue 16, item 1 and the differential property).

The rows and charges of ``tests/test_usage_arrow_differential.py`` (quantities near and beyond
int64, at decimal128's precision, up to revcycle's 40-digit limit, repeated ids, every
aggregation), rated as ``UsageEvent`` values and as a ``pyarrow.Table``: each path must end in
a rating or a RevcycleError within the bounds, and both must end alike. A disagreement is
counted in the figures (``disagreements``) before it fails the case.
"""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given

from fuzz._harness import BrokenPromiseError, call, stats
from helpers import JAN
from revcycle.usage import UsageCharge, UsageEvent, rate_usage, rate_usage_table
from test_usage_arrow_differential import charge_sets, rows, to_table


pytestmark = pytest.mark.fuzz

TARGET = "rate_usage vs rate_usage_table"


@given(rows(), charge_sets())
def test_both_rating_paths_agree(
    drawn: tuple[list[UsageEvent], pa.DataType], charges: list[UsageCharge]
) -> None:
    events, kind = drawn
    table = to_table(events, kind)
    for tz in ("UTC", "Europe/Paris"):
        _rate_both(events, table, charges, tz)


def _rate_both(
    events: list[UsageEvent], table: pa.Table, charges: list[UsageCharge], tz: str
) -> None:
    _, by_events = call(f"{TARGET}: rate_usage", lambda: rate_usage(events, charges, JAN, tz=tz))
    _, by_table = call(
        f"{TARGET}: rate_usage_table", lambda: rate_usage_table(table, charges, JAN, tz=tz)
    )
    record = stats(TARGET)
    record.tried += 1
    refused = isinstance(by_events, Exception)
    same = type(by_events) is type(by_table) if refused else by_events == by_table
    if not same:
        record.disagreements += 1
        raise BrokenPromiseError(
            f"{TARGET}: the paths disagree in {tz}:\n{by_events!r}\n{by_table!r}"
        )
    record.accepted += not refused
    record.refused += refused
