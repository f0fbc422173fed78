"""Documents at the size limits, for every document type ``revcycle.serialization`` reads.

The mutations of ``test_fuzz_json`` make documents of a few hundred values, or ones over the
limits that are refused before anything is read. The work a document can cost is largest just
under the limits, so each document type is also read at them: its longest array filled up to
:data:`MAX_DOCUMENT_VALUES` values with copies of its first item (valid items, read in full;
a document whose items need distinct ids or whose totals must add up refuses the copies
after building them, which costs as much), with ``{}`` (the most items, each a problem: the
error path), and with each item's first key misspelt (the "did you mean" path). Each read
must end within the harness's bounds (2 s of CPU, 256 MB), and a value read must survive its
own round trip and its observers. CSV tables are read at their limits too.

Memory is measured as the growth of the process's resident peak (``resident=True``): under
:mod:`tracemalloc` these reads take twenty times longer, which the long run cannot afford.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import settings

from fuzz._harness import call, check_value
from fuzz._world import document_types, instances
from revcycle.receivables import OpenItem
from revcycle.serialization import (
    MAX_DOCUMENT_VALUES,
    OpenItemsDocument,
    UsageEventsDocument,
    dumps,
    dumps_csv,
    loads,
    loads_csv,
)
from revcycle.usage import UsageEvent


pytestmark = pytest.mark.fuzz


def _values(node: Any) -> int:
    """JSON values as ``MAX_DOCUMENT_VALUES`` counts them (keys do not count)."""
    if isinstance(node, dict):
        return 1 + sum(_values(v) for v in node.values())
    if isinstance(node, list):
        return 1 + sum(_values(v) for v in node)
    return 1


def _longest_array(node: Any) -> list[Any] | None:
    """The non-empty array whose first item holds the most values (the costliest to repeat)."""
    best: list[Any] | None = None
    stack = [node]
    while stack:
        here = stack.pop()
        children = list(here.values()) if isinstance(here, dict) else here
        if (
            isinstance(here, list)
            and here
            and (best is None or _values(here[0]) > _values(best[0]))
        ):
            best = here
        if isinstance(here, dict | list):
            stack.extend(c for c in children if isinstance(c, dict | list))
    return best


def _misspelt(item: Any) -> Any:
    if isinstance(item, dict) and item:
        first = next(iter(item))
        return {(first + "x" if k == first else k): v for k, v in item.items()}
    return {}


def _filled(name: str, fill: str) -> str | None:
    """The sample of document type ``name`` with its longest array filled to the limit."""
    _, samples = DOCUMENTS[name]
    data = json.loads(dumps(samples[0]))
    array = _longest_array(data)
    if array is None:
        return None
    item = array[0] if fill == "valid" else _misspelt(array[0]) if fill == "misspelt" else {}
    room = MAX_DOCUMENT_VALUES - _values(data)
    array.extend([item] * (room // _values(item)))
    assert _values(data) <= MAX_DOCUMENT_VALUES
    return json.dumps(data)


DOCUMENTS = document_types()
# The short profile (the CI step, under a minute in all) reads the documents the command line
# reads at the limits; the long ones read every document type (about two minutes).
_SHORT = ("list[Contract]", "tuple[OpenItem, ...]", "revcycle.serialization.UsageEventsDocument")
_CASES = [
    (name, fill)
    for name in sorted(DOCUMENTS)
    for fill in ("valid", "empty", "misspelt")
    if _longest_array(json.loads(dumps(DOCUMENTS[name][1][0]))) is not None
    and (settings().max_examples >= 1_000 or name in _SHORT)
]


@pytest.mark.parametrize(("name", "fill"), _CASES)
def test_document_at_the_value_limit(name: str, fill: str) -> None:
    cls, _ = DOCUMENTS[name]
    document = _filled(name, fill)
    assert document is not None
    what = f"loads {name} at the limit"
    ok, value = call(what, lambda: loads(document, cls), resident=True)
    if ok:
        check_value(what, value, resident=True)


def _open_item_rows() -> list[dict[str, Any]]:
    return [
        {
            "id": item.id,
            "account": item.account,
            "due_date": item.due_date.isoformat(),
            "amount": str(item.amount.amount),
            "currency": item.amount.currency.code,
        }
        for item in instances(OpenItem)
    ]


def _usage_event_rows() -> list[dict[str, Any]]:
    return [
        {
            "id": event.id,
            "customer": event.customer,
            "metric": event.metric,
            "at": event.at.isoformat(),
            "quantity": str(event.quantity),
        }
        for event in instances(UsageEvent)
    ]


@pytest.mark.parametrize(
    ("cls", "rows"),
    [(OpenItemsDocument, _open_item_rows), (UsageEventsDocument, _usage_event_rows)],
    ids=["open items", "usage events"],
)
def test_csv_at_the_value_limit(cls: Any, rows: Any) -> None:
    sample = rows()
    assert sample
    # Every row has a new id: a table of repeated ids is refused at its first repeat.
    table = dumps_csv(
        [
            {**sample[k % len(sample)], "id": f"row-{k}"}
            for k in range(MAX_DOCUMENT_VALUES // len(sample[0]))
        ]
    )
    what = f"loads_csv {cls.__name__} at the limit"
    ok, value = call(what, lambda: loads_csv(table, cls), resident=True)
    if ok:
        check_value(what, value, resident=True)
