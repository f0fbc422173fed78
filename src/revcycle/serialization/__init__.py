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
  (``$.lines[2].quantity``); an unknown key gets a "did you mean";
* limits (docs/reference/limits.md), each named in its error: a document of at most
  :data:`MAX_DOCUMENT_SIZE` characters (16 MiB) holding at most :data:`MAX_DOCUMENT_VALUES`
  (200,000) JSON values (a caller raises both for a document it trusts), nested at most
  :data:`MAX_DEPTH` (32) arrays and objects deep, integers of at most 40 digits, no key twice
  in one object, valid Unicode text (no lone surrogate); the first :data:`MAX_LISTED_ERRORS`
  (20) problems of an array or object are listed in full, the rest counted up to
  :data:`MAX_COUNTED_ERRORS` (1,000), where checking that array or object stops;
* a member of a tagged union written on its own carries its ``"type"`` tag too, and reading
  one accepts it (``dumps(PerUnit(...))`` can be passed where any pricing model is expected).

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
import re
from collections.abc import Mapping
from typing import Any, Final, TypeVar

from cattrs.preconf.json import JsonConverter
from cattrs.preconf.json import make_converter as _make_json_converter

from revcycle._numbers import MAX_WHOLE_DIGITS
from revcycle.errors import RevcycleError, RevcycleTypeError, StructureError, shown
from revcycle.serialization import (
    _billing,
    _contracts,
    _opportunity,
    _pricing,
    _quotes,
    _terms,
    _usage,
)
from revcycle.serialization._core import (
    MAX_COUNTED_ERRORS,
    MAX_LISTED_ERRORS,
    check_size,
    member_tag,
    positive_limit,
    register_core,
    register_tagged_union,
    require_type,
    structure_errors,
    values_error,
)
from revcycle.serialization._core import name as _name
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
    "MAX_COUNTED_ERRORS",
    "MAX_DEPTH",
    "MAX_DOCUMENT_SIZE",
    "MAX_DOCUMENT_VALUES",
    "MAX_LISTED_ERRORS",
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
    "read_json",
    "register_tagged_union",
    "structure",
    "unstructure",
]

T = TypeVar("T")

SCHEMA_VERSION: Final = 1

MAX_DOCUMENT_SIZE: Final = 16 * 1024 * 1024
"""The longest JSON document :func:`loads` (and CSV table :func:`loads_csv`) reads by default,
in characters (or bytes): 16 MiB. Larger data sets travel as tables (``rate_usage_table``) or
in several documents; ``max_size=`` raises it for a document the caller trusts."""

MAX_DOCUMENT_VALUES: Final = 200_000
"""The most JSON values one document holds by default: every string, number, ``true``,
``false``, ``null``, array and object counts one (keys do not); a CSV table counts the values
of the JSON document it is read as. Reading costs a few microseconds a value whatever the
value, so this bounds the work of one :func:`loads` (under a second of CPU for the costliest
document types on the 2-core machine of docs/reference/limits.md) as the size alone cannot:
16 MiB of ``{},`` is five million values. About 1,600 contracts or 28,000 usage events fit;
``max_values=`` raises it for a document the caller trusts."""

MAX_DEPTH: Final = 32
"""The deepest nesting of JSON arrays and objects :func:`loads` reads. What revcycle writes
stays under 10 (a contract's version chain is a flat list)."""

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
    """Turn a revcycle value into JSON-ready Python data (dicts, lists, strings).

    A member of a tagged union (a pricing model) carries its ``"type"`` tag, so that what is
    written can be read wherever the union is expected.
    """
    if as_type is not None:
        require_type(as_type, "unstructure()")
    try:
        if as_type is not None:
            return converter.unstructure(obj, unstructure_as=as_type)
        data = converter.unstructure(obj)
    except RecursionError:  # Python data nested deeper than the interpreter recurses
        raise RevcycleTypeError(
            f"Cannot write {type(obj).__name__} as JSON: it is nested too deeply."
        ) from None
    except RevcycleError:  # a hook's own refusal (a calendar no union names) says it best
        raise
    except (AttributeError, TypeError, ValueError) as error:
        # The converter met a value that is not the type it was told to write (as_type).
        raise RevcycleTypeError(
            f"Cannot write {type(obj).__name__} as JSON"
            f"{'' if as_type is None else ' as ' + _name(as_type)}: {str(error)[:200]}."
        ) from None
    tag = member_tag(converter, type(obj))
    if tag is not None and isinstance(data, dict):
        data = {"type": tag, **data}
    return data


def structure(data: Any, cls: type[T]) -> T:
    """Build a revcycle value of type ``cls`` from JSON-ready Python data.

    For a member of a tagged union, the ``"type"`` tag :func:`unstructure` writes is accepted
    (and must be that member's).
    """
    require_type(cls, "structure()")
    tag = member_tag(converter, cls)
    if tag is not None and isinstance(data, Mapping) and "type" in data:
        if data["type"] != tag:
            raise StructureError(
                f"Cannot read {_name(cls)}:",
                [f"$.type: expected {shown(tag)}, got {shown(data['type'])}"],
            )
        data = {k: v for k, v in data.items() if k != "type"}
    with structure_errors(cls):
        return converter.structure(data, cls)


def dumps(obj: Any, *, indent: int | None = None) -> str:
    """Serialize a revcycle value to JSON text (a top-level object gets ``schema_version``);
    ``indent`` is ``None`` (one line) or 0 to 16 spaces."""
    if indent is not None and (
        isinstance(indent, bool) or not isinstance(indent, int) or not 0 <= indent <= 16
    ):
        raise RevcycleTypeError(
            f"dumps() indent must be None or 0 to 16 spaces, not {shown(indent)}."
        )
    data = unstructure(obj)
    if isinstance(data, dict):
        data = {**data, "schema_version": SCHEMA_VERSION}
    try:
        return json.dumps(data, indent=indent, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as error:
        # An object with no JSON form, a float NaN/infinity (not JSON at all), or data nested
        # deeper than the interpreter recurses.
        raise RevcycleTypeError(
            f"Cannot write {type(obj).__name__} as JSON: {str(error)[:200]}."
        ) from None


def loads(
    text: str | bytes,
    cls: type[T],
    *,
    max_size: int = MAX_DOCUMENT_SIZE,
    max_values: int = MAX_DOCUMENT_VALUES,
) -> T:
    """Read JSON text into a revcycle value of type ``cls``.

    A JSON number with a fraction (a float) is refused anywhere in the document: decimals
    travel as strings. The document's limits (size, values, depth, digits, repeated keys, lone
    surrogates) are checked before any value is built; see the module docstring. ``max_size``
    (characters) and ``max_values`` raise the first two for a document the caller trusts
    (a whole contract book exported by its own system): the work grows with them.
    """
    require_type(cls, "loads()")
    data = _parse(text, _name(cls), max_size, max_values, "loads()")
    if isinstance(data, dict) and "schema_version" in data:
        version = data.pop("schema_version")
        if type(version) is not int or version != SCHEMA_VERSION:
            raise StructureError(
                f"Cannot read {_name(cls)}: schema_version {shown(version)} is not supported; "
                f"this revcycle reads schema_version {SCHEMA_VERSION}."
            )
    return structure(data, cls)


def read_json(
    text: str | bytes,
    *,
    max_size: int = MAX_DOCUMENT_SIZE,
    max_values: int = MAX_DOCUMENT_VALUES,
) -> Any:
    """JSON text as plain Python data (dicts, lists, strings, ints, booleans, ``None``), read
    under the rules and limits of :func:`loads`: for a caller that looks at a document before
    choosing the type to read it as (the command line tells a bill run from a list of
    invoices so).

    >>> read_json('{"invoices": []}')
    {'invoices': []}
    """
    return _parse(text, "JSON", max_size, max_values, "read_json()")


def _parse(text: object, what: str, max_size: int, max_values: int, where: str) -> Any:
    """The checks of :func:`loads` before any value is built, then the text parsed."""
    if not isinstance(text, str | bytes | bytearray):
        raise RevcycleTypeError(
            f"{where} reads JSON text (str or bytes), not {type(text).__name__}."
        )
    check_size(text, what, max_size, "JSON documents")
    if not isinstance(text, str):
        text = _decode(bytes(text), what)
    _check_text(text, what, positive_limit(max_values, "max_values"))
    try:
        return json.loads(
            text,
            parse_float=_refuse_float,
            parse_constant=_refuse_constant,
            parse_int=_parse_int,
            object_pairs_hook=_object,
        )
    except _FloatInJsonError as error:
        raise StructureError(
            f"Cannot read {what}: JSON numbers with a fraction are not accepted "
            f'(got {error.args[0][:40]}); write decimals as strings such as "12.30".'
        ) from None
    except _DocumentError as error:
        raise StructureError(f"Cannot read {what}: {error}") from None
    except json.JSONDecodeError as error:
        raise StructureError(f"Cannot read {what}: invalid JSON ({error}).") from None


class _FloatInJsonError(RevcycleError):
    pass


class _DocumentError(RevcycleError):
    """A document that breaks one of the limits; the message completes "Cannot read X: "."""


def _decode(data: bytes, what: str) -> str:
    # The encodings JSON allows (RFC 8259 names UTF-8; json.loads also reads UTF-16 and 32).
    encoding = json.detect_encoding(data)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise StructureError(
            f"Cannot read {what}: the document is not {encoding.upper()} text ({error.reason} "
            f"at byte {error.start:,})."
        ) from None


# A string literal (its escapes included); an empty array or object; every byte but a bracket.
_STRING: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_EMPTY: Final = re.compile(r"\[\s*\]|\{\s*\}")
_NOT_BRACKET: Final = bytes(b for b in range(256) if b not in b"[]{}")
# Telling a document's own commas and brackets from its strings' costs memory for each: past
# this many per value allowed, a document is refused on its raw count.
_MARKS_PER_VALUE: Final = 4
# A \uD800-\uDFFF escape (after an even number of backslashes), and a raw surrogate.
_SURROGATE_ESCAPE: Final = re.compile(r"(?<!\\)(?:\\\\)*\\u([dD][89a-fA-F][0-9a-fA-F]{2})")
_RAW_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def _check_text(text: str, what: str, max_values: int) -> None:
    """Refuse a document of more than ``max_values`` values, nested deeper than
    :data:`MAX_DEPTH` or holding a lone surrogate, before it is parsed (so that nothing big or
    deep is ever built).

    Values are counted once each string is replaced by one character: the document itself,
    plus one per comma and one per array or object that is not empty (an array of k items
    holds k - 1 commas). A document of more than four commas and brackets per value allowed,
    its strings' included, is refused on that count.
    """
    opens = text.count("[") + text.count("{")
    # Brackets and commas inside strings count too, so this is an upper bound.
    marks = opens + text.count(",")
    if opens > MAX_DEPTH or 1 + marks > max_values:
        if marks > _MARKS_PER_VALUE * max_values:
            raise values_error(
                what,
                f"{marks:,} commas and brackets (its strings' included), more than "
                f"{_MARKS_PER_VALUE} for each value it may hold",
                max_values,
            )
        bare = _STRING.sub("0", text)
        # UTF-8 writes other characters in bytes of 0x80 and above: no bracket among them.
        brackets = bare.encode("utf-8", "surrogatepass").translate(None, _NOT_BRACKET)
        opened = brackets.count(b"[") + brackets.count(b"{")
        values = 1 + bare.count(",") + opened - _EMPTY.subn("", bare)[1]
        if values > max_values:
            raise values_error(what, f"{values:,} JSON values", max_values)
        depth = deepest = 0
        for bracket in brackets:
            depth += 1 if bracket in b"[{" else -1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    raise StructureError(
                        f"Cannot read {what}: the JSON is nested more than {MAX_DEPTH} arrays "
                        "and objects deep; revcycle's documents are never that deep."
                    )
    raw = None if text.isascii() else _RAW_SURROGATE.search(text)
    if raw is not None:
        raise StructureError(_lone_surrogate(what, raw.group(), raw.start()))
    if "\\u" not in text:
        return
    escapes = list(_SURROGATE_ESCAPE.finditer(text))
    k = 0
    while k < len(escapes):
        code = int(escapes[k].group(1), 16)
        paired = (
            code < 0xDC00
            and k + 1 < len(escapes)
            and escapes[k + 1].start() == escapes[k].end()
            and escapes[k + 1].group().startswith("\\u")
            and int(escapes[k + 1].group(1), 16) >= 0xDC00
        )
        if not paired:
            escape = escapes[k].group()
            raise StructureError(
                _lone_surrogate(what, escape[escape.rindex("\\") :], escapes[k].start())
            )
        k += 2


def _lone_surrogate(what: str, escape: str, at: int) -> str:
    return (
        f"Cannot read {what}: the JSON holds a lone surrogate {shown(escape)} (at character "
        f"{at:,}), "
        "which is not text that UTF-8 can write."
    )


def _parse_int(text: str) -> int:
    if len(text) - text.startswith("-") > MAX_WHOLE_DIGITS:
        raise _DocumentError(
            f"the JSON holds an integer of {len(text):,} digits; integers have at most "
            f'{MAX_WHOLE_DIGITS} digits (write decimals as strings such as "12.30").'
        )
    return int(text)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DocumentError(
                    f"a JSON object holds the key {shown(key[:60])} twice; each key may "
                    f"appear once."
                )
            seen.add(key)
    return result


def _refuse_float(text: str) -> Any:
    raise _FloatInJsonError(text)


def _refuse_constant(text: str) -> Any:
    raise _FloatInJsonError(text)


def loads_csv(
    text: str,
    cls: type[T],
    *,
    max_size: int = MAX_DOCUMENT_SIZE,
    max_values: int = MAX_DOCUMENT_VALUES,
) -> T:
    """Read a CSV table (a header row, then one row per item) into a document of type ``cls``:
    :class:`OpenItemsDocument`, :class:`UsageEventsDocument` or
    :class:`~revcycle.pipeline.Pipeline`, through the same converter as :func:`loads`; errors
    name the row (the header is row 1) and the column
    (docs/how-to/integrate-with-schemas-and-csv.md). The table has the same limits as a JSON
    document: ``max_size`` characters, and ``max_values`` values of the JSON document it is
    read as (each row an object of its cells, an amount an object of two).
    """
    require_type(cls, "loads_csv()")
    data, header = csv_document(
        text, cls, max_size=max_size, max_values=positive_limit(max_values, "max_values")
    )
    try:
        return structure(data, cls)
    except StructureError as error:
        raise located(error, header, cls) from None
