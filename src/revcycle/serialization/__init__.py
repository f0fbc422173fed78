"""JSON in and out for every public revcycle model, built on cattrs.

Rules (docs/reference/serialization.md):

* snake_case keys; unknown keys are refused;
* a Decimal is a JSON string (``"12.30"``); a JSON number with a fraction (a float) is refused;
* money is ``{"amount": "12.30", "currency": "USD"}``; a percent is a string of percent points
  (``"12.5"`` is 12.5 %);
* dates are ISO 8601 (``"2024-01-31"``), datetimes ISO 8601 with their offset, durations
  ISO 8601 (``"P1M"``), a period ``{"start": ..., "end": ...}`` with an exclusive end;
* enums are their lowercase values; every union carries a ``"type"`` tag;
* :func:`dumps` adds ``"schema_version": 1`` to a top-level document and :func:`loads` checks it
  when present;
* errors are :class:`~revcycle.errors.StructureError` whose messages name the JSON path
  (``$.lines[2].quantity``).

Domain modules register their own hooks in private modules of this package
(``revcycle.serialization._<domain>``), each with a ``register(converter)`` function;
``_DOMAINS`` names them, in the order they are applied when the converter is made.

>>> from revcycle import Money
>>> dumps(Money("12.30", "USD"))
'{"amount": "12.30", "currency": "USD", "schema_version": 1}'
>>> loads('{"amount": "12.30", "currency": "USD"}', Money)
Money('12.30', 'USD')
"""

from __future__ import annotations

import json
from typing import Any, Final, TypeVar

from cattrs.preconf.json import JsonConverter
from cattrs.preconf.json import make_converter as _make_json_converter

from revcycle.errors import RevcycleError, RevcycleTypeError, StructureError
from revcycle.serialization import (
    _billing,
    _contracts,
    _opportunity,
    _pricing,
    _quotes,
    _terms,
    _usage,
)
from revcycle.serialization._core import name as _name
from revcycle.serialization._core import register_core, register_tagged_union, structure_errors
from revcycle.serialization._csv import csv_document, dumps_csv, located
from revcycle.serialization._documents import (
    DOCUMENTS,
    ContractBookDocument,
    OpenItemsDocument,
    UsageEventsDocument,
    UsagePlanDocument,
)
from revcycle.serialization._schema import json_schema


__all__ = [
    # JSON Schema and the named documents (issue 15)
    "DOCUMENTS",
    "SCHEMA_VERSION",
    "ContractBookDocument",
    "OpenItemsDocument",
    "UsageEventsDocument",
    "UsagePlanDocument",
    "converter",
    "dumps",
    "dumps_csv",
    "json_schema",
    "loads",
    "loads_csv",
    "make_converter",
    "register_tagged_union",
    "structure",
    "unstructure",
]

T = TypeVar("T")

SCHEMA_VERSION: Final = 1

# The domains' hooks, applied in this order after the core ones; a new domain is one more entry
# (and its import).
_DOMAINS: Final = (_opportunity, _pricing, _quotes, _terms, _usage, _contracts, _billing)


def make_converter() -> JsonConverter:
    """Build a converter with revcycle's JSON rules and every domain's hooks."""
    conv = _make_json_converter(forbid_extra_keys=True, detailed_validation=True)
    register_core(conv)
    for domain in _DOMAINS:
        domain.register(conv)
    return conv


converter: Final = make_converter()


def unstructure(obj: Any, as_type: Any = None) -> Any:
    """Turn a revcycle value into JSON-ready Python data (dicts, lists, strings)."""
    if as_type is None:
        return converter.unstructure(obj)
    return converter.unstructure(obj, unstructure_as=as_type)


def structure(data: Any, cls: type[T]) -> T:
    """Build a revcycle value of type ``cls`` from JSON-ready Python data."""
    with structure_errors(cls):
        return converter.structure(data, cls)


def dumps(obj: Any, *, indent: int | None = None) -> str:
    """Serialize a revcycle value to JSON text (a top-level object gets ``schema_version``)."""
    data = unstructure(obj)
    if isinstance(data, dict):
        data = {**data, "schema_version": SCHEMA_VERSION}
    try:
        return json.dumps(data, indent=indent, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as error:
        # An object with no JSON form, or a float NaN/infinity (not JSON at all).
        raise RevcycleTypeError(f"Cannot write {obj!r} as JSON: {error}.") from None


def loads(text: str | bytes, cls: type[T]) -> T:
    """Read JSON text into a revcycle value of type ``cls``.

    A JSON number with a fraction (a float) is refused anywhere in the document: decimals
    travel as strings.
    """
    if not isinstance(text, str | bytes | bytearray):
        raise RevcycleTypeError(f"loads() reads JSON text (str or bytes), not {text!r}.")
    try:
        data = json.loads(text, parse_float=_refuse_float, parse_constant=_refuse_constant)
    except _FloatInJsonError as error:
        raise StructureError(
            f"Cannot read {_name(cls)}: JSON numbers with a fraction are not accepted "
            f'(got {error.args[0]}); write decimals as strings such as "12.30".'
        ) from None
    except json.JSONDecodeError as error:
        raise StructureError(f"Cannot read {_name(cls)}: invalid JSON ({error}).") from None
    except RecursionError:
        raise StructureError(f"Cannot read {_name(cls)}: the JSON is nested too deeply.") from None
    if isinstance(data, dict) and "schema_version" in data:
        version = data.pop("schema_version")
        if type(version) is not int or version != SCHEMA_VERSION:
            raise StructureError(
                f"Cannot read {_name(cls)}: schema_version {version!r} is not supported; "
                f"this revcycle reads schema_version {SCHEMA_VERSION}."
            )
    return structure(data, cls)


class _FloatInJsonError(RevcycleError):
    pass


def _refuse_float(text: str) -> Any:
    raise _FloatInJsonError(text)


def _refuse_constant(text: str) -> Any:
    raise _FloatInJsonError(text)


def loads_csv(text: str, cls: type[T]) -> T:
    """Read a CSV table (a header row, then one row per item) into a document of type ``cls``:
    :class:`OpenItemsDocument`, :class:`UsageEventsDocument` or
    :class:`~revcycle.pipeline.Pipeline`, through the same converter as :func:`loads`; errors
    name the row (the header is row 1) and the column
    (docs/how-to/integrate-with-schemas-and-csv.md)."""
    data, header = csv_document(text, cls)
    try:
        return structure(data, cls)
    except StructureError as error:
        raise located(error, header, cls) from None
