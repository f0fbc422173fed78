"""JSON Schema (draft 2020-12) of every public document (issue 15).

Every sample document and the dumps() of every kind of value the suite builds validate
against the published schema of their type; a float amount, an unknown key and a wrong tag
are refused by the schema as by loads().
"""

from __future__ import annotations

import copy
import json
import pathlib
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest

from revcycle import samples
from revcycle.cli._demo._seed import seed_story
from revcycle.cli._schema import document_name, schema_of
from revcycle.errors import CliError, StructureError
from revcycle.serialization import DOCUMENTS, dumps, json_schema, loads


ROOT = pathlib.Path(__file__).parent.parent
sys.path.insert(0, str(ROOT / "docs"))
sys.path.insert(0, str(ROOT / "tests"))

SAMPLES = {
    "catalog.json": "catalog",
    "contracts.json": "contracts",
    "milestones.json": "milestones",
    "open_items.json": "open-items",
    "opportunities.json": "pipeline",
    "quote.json": "quote",
    "seed_deal.json": "quote",
    "stage_model.json": "stage-model",
    "usage_events.json": "usage-events",
    "usage_plan.json": "usage-plan",
}


def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = schema_of(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    return jsonschema.Draft202012Validator(schema, format_checker=checker)


def errors_of(name: str, document: Any) -> list[str]:
    return [
        f"{list(error.absolute_path)}: {error.message[:200]}"
        for error in validator(name).iter_errors(document)
    ]


def test_every_sample_validates_against_its_schema() -> None:
    assert set(SAMPLES) == {
        p.name for p in pathlib.Path(samples.path("quote.json")).parent.glob("*.json")
    }
    for sample, name in SAMPLES.items():
        text = samples.read_text(sample)
        loads(text, DOCUMENTS[name])  # the sample is a document of that type
        assert errors_of(name, json.loads(text)) == [], sample


def _built() -> Iterator[Any]:
    """One value of every kind the suite builds (the seed story and every aggregate)."""
    from test_frames import cases

    story = seed_story()
    yield from (story.catalog, story.quote, story.priced, story.contract, story.upsell)
    yield from (story.upsell.amendment, story.renewal, story.renewed, story.contract.payment_terms)
    yield from (c.value for found in cases().values() for c in found)


def _name_of(value: Any) -> str | None:
    for name, cls in DOCUMENTS.items():
        if isinstance(cls, type) and type(value) is cls:
            return name
    return None


def test_every_dumps_output_validates_against_its_schema() -> None:
    seen = set()
    for value in _built():
        name = _name_of(value)
        if name is None:
            continue  # ScheduleInterest and EngagementSummary are results, not documents
        seen.add(name)
        document = json.loads(dumps(value))
        assert errors_of(name, document) == [], name
        assert loads(json.dumps(document), DOCUMENTS[name]) is not None
    assert len(seen) >= 14, sorted(seen)


def _set(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    changed = copy.deepcopy(document)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


QUOTE = json.loads(samples.read_text("quote.json"))
CATALOG = json.loads(samples.read_text("catalog.json"))

# (document name, document, what was broken)
BROKEN = [
    ("quote", _set(QUOTE, ("lines", 0, "quantity"), 10.5), "a float quantity"),
    (
        "catalog",
        _set(CATALOG, ("products", 0, "cost", "amount"), 30.25),
        "a float amount",
    ),
    ("quote", _set(QUOTE, ("lines", 0, "colour"), "red"), "an unknown key"),
    ("quote", {**QUOTE, "extra": 1}, "an unknown key at the top"),
    (
        "catalog",
        _set(CATALOG, ("price_books", 0, "prices", "SEAT", "type"), "graduatd"),
        "a wrong tag",
    ),
    ("quote", {**QUOTE, "schema_version": 2}, "another schema version"),
    ("quote", _set(QUOTE, ("start_date",), "2025-13-01"), "a date that does not exist"),
]


@pytest.mark.parametrize(("name", "document", "broken"), BROKEN, ids=[b[2] for b in BROKEN])
def test_a_broken_document_is_refused_by_the_schema_as_by_loads(
    name: str, document: Any, broken: str
) -> None:
    assert errors_of(name, document) != [], broken
    with pytest.raises(StructureError):
        loads(json.dumps(document), DOCUMENTS[name])


def test_the_published_schemas_are_current() -> None:
    from write_schemas import FOLDER, schema_text

    assert {p.name for p in FOLDER.glob("*.schema.json")} == {
        f"{name}.schema.json" for name in DOCUMENTS
    }
    for name in DOCUMENTS:
        written = (FOLDER / f"{name}.schema.json").read_text(encoding="utf-8")
        assert written == schema_text(name), f"run python docs/write_schemas.py ({name})"


def test_schema_shapes() -> None:
    money = json_schema(DOCUMENTS["money"])
    assert money["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert money["additionalProperties"] is False
    assert money["properties"]["schema_version"] == {"const": 1}
    amount = money["properties"]["amount"]["anyOf"]
    assert {"type": "integer"} in amount  # a whole number is read; a float never
    assert all(branch.get("type") != "number" for branch in amount)
    models = json_schema(DOCUMENTS["catalog"])["$defs"]["AnyPricingModel"]["oneOf"]
    assert [m["properties"]["type"]["const"] for m in models] == [
        "flat", "per_unit", "graduated", "volume", "stairstep", "package",
    ]  # fmt: skip


def test_names_are_read_in_any_case() -> None:
    assert document_name("PricedQuote") == document_name("priced_quote") == "priced-quote"
    with pytest.raises(CliError, match="the documents are: money"):
        document_name("invoices please")


def test_the_cli_prints_a_schema() -> None:
    run = [sys.executable, "-m", "revcycle", "schema", "open-items"]
    out = subprocess.run(run, capture_output=True, text=True, check=True).stdout
    schema = json.loads(out)
    assert schema["$id"] == "urn:revcycle:schema:open-items"
    assert schema["required"] == ["items"]
    listed = subprocess.run(
        [sys.executable, "-m", "revcycle", "schema", "--list"], capture_output=True, text=True
    )
    assert listed.stdout.split() == list(DOCUMENTS)
    missing = subprocess.run(
        [sys.executable, "-m", "revcycle", "schema"], capture_output=True, text=True
    )
    assert missing.returncode == 1
    assert "give a document NAME" in missing.stderr
