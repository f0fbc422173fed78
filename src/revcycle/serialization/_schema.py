"""JSON Schema (draft 2020-12) of every public document, from the converter's own rules.

The schema of a type is walked from its attrs fields and type hints by the rules the hooks of
this package apply (docs/reference/serialization.md): a Decimal is a string (or a whole
number; never a JSON number with a fraction), money ``{"amount", "currency"}``, dates and
instants ISO 8601, durations ISO 8601, enums their lowercase values, every registered union a
``oneOf`` on its ``"type"`` tag (the tags are the ones :func:`register_tagged_union`
recorded), unknown keys refused (``additionalProperties: false``) and ``schema_version: 1``
allowed on the top-level object. Types whose hooks read a shape of their own (a discount, a
stage model given by preset name, calendars, a contract's list of versions, an invoice's due
date, a bill run) have that shape written here, beside the hook's module name.
"""

from __future__ import annotations

import enum
import sys
import types
import typing
from collections.abc import Mapping, Sequence, Set
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

import attrs

from revcycle.billing import BillRun, Invoice
from revcycle.calendars import CountryHolidays, FinancialHolidays, JointCalendar, WeekendCalendar
from revcycle.contracts import Contract
from revcycle.dates import Duration, Period
from revcycle.errors import RevcycleTypeError
from revcycle.money import Currency, ExchangeRates, Money, Percent
from revcycle.opportunity import StageModel
from revcycle.pricing import Discount, DiscountKind
from revcycle.quotes import Quote
from revcycle.serialization._contracts import _wire_classes
from revcycle.serialization._core import TAGGED_UNIONS, name, require_type
from revcycle.terms import PaymentTerms
from revcycle.usage import Meter, UsageEvent


__all__ = ["DIALECT", "json_schema"]

DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"

_DECIMAL_TEXT: Final = r"^\s*[+-]?(\d[\d_]*(\.[\d_]*)?|\.\d[\d_]*)([eE][+-]?\d+)?\s*$"
_DECIMAL: Final = {
    "description": 'A decimal written as a string such as "12.30" (a whole number is read too).',
    "anyOf": [{"type": "string", "pattern": _DECIMAL_TEXT}, {"type": "integer"}],
}
_SCALARS: Final[dict[Any, dict[str, Any]]] = {
    Decimal: _DECIMAL,
    Percent: {**_DECIMAL, "description": 'Percent points as a string: "12.5" is 12.5 %.'},
    str: {"type": "string"},
    int: {"type": "integer"},
    bool: {"type": "boolean"},
    type(None): {"type": "null"},
    Currency: {"type": "string", "pattern": "^[A-Za-z]{3}$", "description": "ISO 4217 code."},
    date: {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
    datetime: {"type": "string", "format": "date-time"},
    Duration: {
        "type": "string",
        "pattern": r"^P(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$",
        "description": 'An ISO 8601 duration such as "P1M".',
    },
    Fraction: {
        "anyOf": [{"type": "string", "pattern": r"^\s*-?\d+(/\d+)?\s*$"}, {"type": "integer"}]
    },
}
_PRESETS: Final = ("default", "salesforce", "hubspot")


def _closed(properties: Mapping[str, Any], required: Sequence[str] = ()) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": dict(properties),
        "additionalProperties": False,
    }
    if required:
        schema["required"] = list(required)
    return schema


class _Builder:
    """Walks types into schemas; every class becomes one ``$defs`` entry, named by class."""

    def __init__(self) -> None:
        self.defs: dict[str, dict[str, Any]] = {}
        self._names: dict[Any, str] = {}

    def of(self, hint: Any) -> dict[str, Any]:
        """The schema of a type hint (a ``$ref`` for a class)."""
        if hint in _SCALARS:
            return dict(_SCALARS[hint])
        origin = typing.get_origin(hint)
        args = typing.get_args(hint)
        if hint in TAGGED_UNIONS:
            return self._ref(hint, lambda: self._tagged(TAGGED_UNIONS[hint]))
        if origin in (typing.Union, types.UnionType):
            # ``Flat | PerUnit | ... | None`` flattens a tagged union: find it again.
            given = [arg for arg in args if arg is not type(None)]
            for union in TAGGED_UNIONS:
                if set(typing.get_args(union)) == set(given) and len(given) > 1:
                    return {"anyOf": [self.of(union), {"type": "null"}]}
            return {"anyOf": [self.of(arg) for arg in args]}
        if origin is typing.Literal:
            return {"enum": list(args)}
        if origin in (tuple, list) or origin in (Sequence,):
            if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
                return {
                    "type": "array",
                    "prefixItems": [self.of(a) for a in args],
                    "items": False,
                }
            return {"type": "array", "items": self.of(args[0])}
        if origin in (frozenset, set, Set):
            return {"type": "array", "items": self.of(args[0]), "uniqueItems": True}
        if origin in (dict, Mapping):
            return {"type": "object", "additionalProperties": self.of(args[1])}
        if isinstance(hint, type) and issubclass(hint, enum.Enum):
            return self._ref(hint, lambda: {"enum": [m.value for m in hint]})
        if isinstance(hint, type) and hint in _SPECIAL:
            return self._ref(hint, lambda: _SPECIAL[hint](self))
        if isinstance(hint, type) and attrs.has(hint):
            return self._ref(hint, lambda: self.fields(hint))
        raise RevcycleTypeError(f"revcycle has no JSON Schema for {name(hint)}.")

    def _ref(self, key: Any, build: typing.Callable[[], dict[str, Any]]) -> dict[str, Any]:
        found = self._names.get(key)
        if found is None:
            found = self._name_for(key)
            self._names[key] = found
            self.defs[found] = {}  # placed first: a recursive type refers to itself
            self.defs[found] = build()
        return {"$ref": f"#/$defs/{found}"}

    def _name_for(self, key: Any) -> str:
        base = getattr(key, "__name__", None) or _public_name(key) or name(key).replace(" | ", "Or")
        candidate, n = base, 2
        while candidate in self.defs:
            candidate, n = f"{base}{n}", n + 1
        return candidate

    def fields(self, cls: type[Any], skip: Sequence[str] = ()) -> dict[str, Any]:
        """An attrs class as a closed object of its init fields (by their aliases)."""
        hints = _hints(cls)
        properties: dict[str, Any] = {}
        required: list[str] = []
        for field in attrs.fields(cls):
            if not field.init or field.name in skip:
                continue
            key = field.alias or field.name
            properties[key] = self.of(hints[field.name])
            if field.default is attrs.NOTHING:
                required.append(key)
        schema = _closed(properties, required)
        if cls.__doc__:
            schema["description"] = cls.__doc__.strip().split("\n\n")[0]
        return schema

    def _tagged(self, tags: Mapping[str, type[Any]]) -> dict[str, Any]:
        """Each member's own object with its ``"type"`` tag first (the tag is required)."""
        members = []
        for tag, cls in tags.items():
            body = self.defs[self.of(cls)["$ref"].rsplit("/", 1)[1]]
            members.append(
                {
                    **body,
                    "properties": {"type": {"const": tag}, **body["properties"]},
                    "required": ["type", *body.get("required", [])],
                }
            )
        return {"oneOf": members}


def _public_name(union: Any) -> str | None:
    """The public name a union is exported under (``DueRule``, ``AnyPricingModel``)."""
    for module_name, module in sorted(sys.modules.items()):
        if module_name.startswith("revcycle.") and module is not None:
            for key, value in vars(module).items():
                if value is union and not key.startswith("_"):
                    return key
    return None


def _hints(cls: type[Any]) -> dict[str, Any]:
    attrs.resolve_types(cls)
    return {field.name: field.type for field in attrs.fields(cls)}


# --------------------------------------------------------------------------------------------
# Shapes read by hooks of their own (each names the module whose hook it mirrors)


def _money(b: _Builder) -> dict[str, Any]:  # _core
    return _closed({"amount": b.of(Decimal), "currency": b.of(Currency)}, ["amount", "currency"])


def _period(b: _Builder) -> dict[str, Any]:  # _core
    return _closed({"start": b.of(date), "end": b.of(date)}, ["start", "end"])


def _discount(b: _Builder) -> dict[str, Any]:  # _pricing
    money_kinds = [k.value for k in DiscountKind if k is not DiscountKind.PERCENT]
    return {
        "oneOf": [
            _closed({"kind": {"const": "percent"}, "value": b.of(Percent)}, ["kind", "value"]),
            _closed({"kind": {"enum": money_kinds}, "value": b.of(Money)}, ["kind", "value"]),
        ]
    }


def _stage_model(b: _Builder) -> dict[str, Any]:  # _opportunity
    return {"anyOf": [{"enum": list(_PRESETS)}, b.fields(StageModel)]}


def _rates(b: _Builder) -> dict[str, Any]:  # _opportunity
    return _closed(
        {
            "currency": {"type": "string"},
            "rates": {"type": "object", "additionalProperties": b.of(Decimal)},
        },
        ["currency"],
    )


def _weekends(b: _Builder) -> dict[str, Any]:  # _terms
    return _closed({"weekend": b.of(tuple[int, ...]), "holidays": b.of(tuple[date, ...])})


def _country(b: _Builder) -> dict[str, Any]:  # _terms
    return _closed(
        {
            "country": b.of(str),
            "subdivision": b.of(str | None),
            "categories": b.of(tuple[str, ...] | None),
        },
        ["country"],
    )


def _financial(b: _Builder) -> dict[str, Any]:  # _terms
    return _closed({"market": b.of(str)}, ["market"])


def _joint(b: _Builder) -> dict[str, Any]:  # _terms
    calendar: Any = next(u for u in TAGGED_UNIONS if JointCalendar in TAGGED_UNIONS[u].values())
    return _closed({"calendars": {"type": "array", "items": b.of(calendar)}}, ["calendars"])


def _meter(b: _Builder) -> dict[str, Any]:  # _usage: filters map to one value or a list
    schema = b.fields(Meter, skip=("filters",))
    one_or_many = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
    schema["properties"]["filters"] = {"type": "object", "additionalProperties": one_or_many}
    return schema


def _event(b: _Builder) -> dict[str, Any]:  # _usage: properties are strings
    schema = b.fields(UsageEvent, skip=("properties",))
    schema["properties"]["properties"] = {
        "type": "object",
        "additionalProperties": {"type": "string"},
    }
    return schema


def _quote(b: _Builder) -> dict[str, Any]:  # _quotes: payment terms as text or an object
    schema = b.fields(Quote, skip=("payment_terms",))
    schema["properties"]["payment_terms"] = {
        "anyOf": [{"type": "null"}, {"type": "string"}, b.of(PaymentTerms)]
    }
    return schema


def _contract(b: _Builder) -> dict[str, Any]:  # _contracts: the flat list of versions
    version, _, _ = _wire_classes()
    return _closed(
        {"versions": {"type": "array", "minItems": 1, "items": b.of(version)}}, ["versions"]
    )


def _invoice(b: _Builder) -> dict[str, Any]:  # _billing: its due date for readers
    schema = b.fields(Invoice)
    schema["properties"]["due_date"] = b.of(date)
    return schema


def _bill_run(b: _Builder) -> dict[str, Any]:  # _billing
    return _closed(
        {
            "invoices": b.of(tuple[Invoice, ...]),
            "credit_balances": b.of(dict[str, Money]),
            "late_usage": b.of(tuple[UsageEvent, ...]),
        },
        ["invoices", "credit_balances", "late_usage"],
    )


_SPECIAL: Final[dict[type[Any], typing.Callable[[_Builder], dict[str, Any]]]] = {
    Money: _money,
    Period: _period,
    Discount: _discount,
    StageModel: _stage_model,
    ExchangeRates: _rates,
    WeekendCalendar: _weekends,
    CountryHolidays: _country,
    FinancialHolidays: _financial,
    JointCalendar: _joint,
    Meter: _meter,
    UsageEvent: _event,
    Quote: _quote,
    Contract: _contract,
    Invoice: _invoice,
    BillRun: _bill_run,
}


def json_schema(cls: Any, *, title: str | None = None) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the documents :func:`~revcycle.serialization.loads`
    reads as ``cls`` and :func:`~revcycle.serialization.dumps` writes: a class, a union or a
    list of them. A top-level object may carry ``"schema_version": 1``.

    >>> from revcycle import Money
    >>> schema = json_schema(Money)
    >>> schema["required"], schema["properties"]["schema_version"]
    (['amount', 'currency'], {'const': 1})
    """
    require_type(cls, "json_schema()")
    builder = _Builder()
    root = builder.of(cls)
    document: dict[str, Any] = {"$schema": DIALECT, "title": title or name(cls)}
    if "$ref" in root:
        description = builder.defs[root["$ref"].rsplit("/", 1)[1]].get("description")
        if description:
            document["description"] = description
    document.update(_versioned(root, builder))
    document["$defs"] = dict(sorted(builder.defs.items()))
    return document


def _versioned(schema: dict[str, Any], builder: _Builder) -> dict[str, Any]:
    """``schema`` as the top of a document: ``schema_version`` allowed on its object(s)."""
    if "$ref" in schema:
        schema = builder.defs[schema["$ref"].rsplit("/", 1)[1]]
    if "properties" in schema:
        return {**schema, "properties": {**schema["properties"], "schema_version": {"const": 1}}}
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return {**schema, key: [_versioned(member, builder) for member in schema[key]]}
    return schema
