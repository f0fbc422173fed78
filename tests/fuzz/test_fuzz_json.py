"""Mutated JSON for every document type ``revcycle.serialization`` reads (issue 16).

A valid document of each type (a collected instance, written by ``dumps``) is mutated: a value
replaced by a hostile one (a float, a 5,000-digit integer, a lone surrogate, nesting past the
limit, a wrong type), a key dropped, an unknown or repeated key added, a list grown, the text
cut, garbled or sent as bytes. ``loads`` must give a value or a StructureError (a
RevcycleError) within the bounds; a value it gives must survive its own round trip.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzz._harness import call, check_value
from fuzz._world import document_types
from revcycle.serialization import dumps, loads


pytestmark = pytest.mark.fuzz


DOCUMENTS = document_types()

# Raw JSON text that json.dumps would not write: put in place of a placeholder string.
_RAW = [
    "9" * 5000,
    "-" + "9" * 41,
    "9" * 40,
    "1.5",
    "-0.0",
    "1e999",
    "NaN",
    "-Infinity",
    '"\\ud800"',
    '"\\udc00\\ud800"',
    '"\\\\ud800"',
    '"\\ud83d\\ude00"',
    "[" * 40 + "]" * 40,
    '{"a":' * 40 + "1" + "}" * 40,
    "[" * 100_000 + "]" * 100_000,
    '"' + "x" * 1_000_000 + '"',
    '"1e999999999"',
    '"0E-999999"',
    '"' + "9" * 101 + '"',
    '"9999-12-31"',
    '"0001-01-01"',
    '"2024-01-01T00:00:00"',
    '"P99999999999999999999Y"',
    "true",
    "null",
    "{}",
    "[]",
    '""',
]
_PLACEHOLDER = "@@RAW{}@@"


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*path, i))
    return found


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        node = node[step]
    return node


@st.composite
def mutated(draw: st.DrawFn, sample: Any) -> str | bytes:
    """A JSON document: ``sample`` written by dumps, then mutated once or twice."""
    data = json.loads(dumps(sample))
    raws: list[str] = []
    for _ in range(draw(st.integers(1, 2))):
        paths = _paths(data)
        path = draw(st.sampled_from(paths))
        parent_path, last = path[:-1], path[-1] if path else None
        kind = draw(st.sampled_from(["raw", "value", "drop", "unknown", "twice", "grow", "tag"]))
        if kind == "raw" or not path:
            raws.append(draw(st.sampled_from(_RAW)))
            replacement: Any = _PLACEHOLDER.format(len(raws) - 1)
            if not path:
                data = replacement
                continue
            _get(data, parent_path)[last] = replacement
        elif kind == "value":
            _get(data, parent_path)[last] = draw(
                st.one_of(
                    st.none(),
                    st.booleans(),
                    st.integers(),
                    st.text(max_size=20),
                    st.lists(st.integers(), max_size=3),
                    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
                )
            )
        elif kind == "drop" and isinstance(_get(data, parent_path), dict):
            del _get(data, parent_path)[last]
        elif kind == "unknown" and isinstance(_get(data, parent_path), dict):
            key = str(last)
            typo = key[:-1] if len(key) > 1 else key + "x"
            _get(data, parent_path)[draw(st.sampled_from([typo, "extra", key.upper()]))] = 1
        elif kind == "twice" and isinstance(_get(data, parent_path), dict):
            raws.append(f"{json.dumps(last)}: {json.dumps(_get(data, path))}, {json.dumps(last)}")
            parent = _get(data, parent_path)
            value = parent.pop(last)
            parent[_PLACEHOLDER.format(len(raws) - 1)] = value
        elif kind == "grow" and isinstance(_get(data, path), list) and _get(data, path):
            items = _get(data, path)
            items.extend(items[:1] * draw(st.sampled_from([10, 10, 10, 500, 5_000])))
        elif kind == "tag" and isinstance(_get(data, parent_path), dict):
            _get(data, parent_path)["type"] = draw(st.sampled_from(["per_unitt", "", 1, None]))
    text = json.dumps(data, ensure_ascii=False)
    for k, raw in enumerate(raws):
        # A placeholder value stands for raw text; a placeholder key for `"key": value, "key"`.
        text = text.replace(json.dumps(_PLACEHOLDER.format(k)), raw, 1)
    whole = draw(st.sampled_from(["as is"] * 6 + ["cut", "garble", "bytes", "utf-16", "bom"]))
    if whole == "cut":
        return text[: draw(st.integers(0, max(len(text) - 1, 0)))]
    if whole == "garble":
        at = draw(st.integers(0, len(text)))
        return (
            text[:at]
            + draw(st.sampled_from(["\x00", "\ufeff", "}", "\\", '"', "\ud800"]))
            + text[at:]
        )
    if whole == "bytes":
        return text.encode("utf-8", "surrogatepass")
    if whole == "utf-16":
        return text.encode("utf-16", "surrogatepass")
    if whole == "bom":
        return "\ufeff" + text
    return text


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
@given(data=st.data())
def test_mutated_document(name: str, data: st.DataObject) -> None:
    cls, samples = DOCUMENTS[name]
    sample = samples[data.draw(st.integers(0, len(samples) - 1), label="sample")]
    document = data.draw(mutated(sample), label="document")
    ok, value = call(f"loads {name}", lambda: loads(document, cls))
    if ok:
        check_value(f"loads {name}", value)
