"""Hooks for the foundation types and the translation of cattrs errors into revcycle errors."""

from __future__ import annotations

import enum
import re
import types
import typing
from collections.abc import Iterator, Mapping, Set
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

import cattrs
from cattrs.cols import (
    homogenous_tuple_structure_factory,
    is_mutable_sequence,
    is_sequence,
    list_structure_factory,
)
from cattrs.errors import (
    BaseValidationError,
    ForbiddenExtraKeysError,
    StructureHandlerNotFoundError,
)

from revcycle._numbers import plain, to_decimal
from revcycle.dates import Duration, Period
from revcycle.errors import RevcycleError, RevcycleTypeError, StructureError, ValidationError
from revcycle.money import Currency, Money, Percent


_UNIONS = (typing.Union, types.UnionType)

TAGGED_UNIONS: dict[Any, Mapping[str, type[Any]]] = {}
"""Every union registered by :func:`register_tagged_union`, with its tags (the JSON Schema
of a union is written from them)."""
_FRACTION = re.compile(r"-?\d+(/\d+)?")
_MONEY_KEYS = frozenset({"amount", "currency"})


def name(cls: Any) -> str:
    """A readable name for a type or a type hint (a union reads ``Flat | PerUnit``); a class
    that is only a document's envelope names itself in a ``json_name`` class attribute."""
    members = typing.get_args(cls) if typing.get_origin(cls) in _UNIONS else ()
    if members:
        return " | ".join(name(member) for member in members)
    return getattr(cls, "json_name", None) or getattr(cls, "__name__", None) or str(cls)


def _structure_decimal(value: Any, _: Any) -> Decimal:
    if isinstance(value, float):
        raise RevcycleTypeError(
            f'expected a decimal written as a string such as "12.30", got the float {value!r}'
        )
    return to_decimal(value, "The value")


def require_keys(
    value: Any, keys: Set[str], *, expected: str, kind: str, subject: str
) -> Mapping[str, Any]:
    """``value`` as a JSON object with exactly ``keys``, for a hook that reads one by hand.

    Otherwise a :class:`ValidationError`: ``expected {expected}, got ...`` for something else
    than an object, ``unknown {kind} keys [...]``, or ``{subject} needs [...]``.
    """
    if not isinstance(value, Mapping):
        raise ValidationError(f"expected {expected}, got {value!r}")
    extra = set(value) - keys
    if extra:
        raise ValidationError(f"unknown {kind} keys {sorted(extra)!r}")
    missing = keys - set(value)
    if missing:
        raise ValidationError(f"{subject} needs {sorted(missing)!r}")
    return value


def _structure_money(value: Any, _: Any) -> Money:
    data = require_keys(
        value,
        _MONEY_KEYS,
        expected='money as {"amount": "12.30", "currency": "USD"}',
        kind="money",
        subject="money",
    )
    return Money(_structure_decimal(data["amount"], Decimal), data["currency"])


def _structure_date(value: Any, _: Any) -> date:
    if not isinstance(value, str):
        raise RevcycleTypeError(f'expected an ISO 8601 date such as "2024-01-31", got {value!r}')
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            f'expected an ISO 8601 date such as "2024-01-31", got {value!r}'
        ) from None


def _structure_datetime(value: Any, _: Any) -> datetime:
    if not isinstance(value, str):
        raise RevcycleTypeError(
            f'expected an ISO 8601 date-time such as "2024-01-31T09:30:00+00:00", got {value!r}'
        )
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            f'expected an ISO 8601 date-time such as "2024-01-31T09:30:00+00:00", got {value!r}'
        ) from None


def _structure_str_only(kind: str) -> Any:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise RevcycleTypeError(f"expected {kind} as a string, got {value!r}")
        return value

    return check


_currency_text = _structure_str_only("a currency code")
_duration_text = _structure_str_only('an ISO 8601 duration such as "P1M"')


def _structure_enum(value: Any, cls: type[enum.Enum]) -> enum.Enum:
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(repr(m.value) for m in cls)
        raise ValidationError(f"expected one of {allowed}, got {value!r}") from None


def _structure_fraction(value: Any, _: Any) -> Fraction:
    if isinstance(value, int) and not isinstance(value, bool):
        return Fraction(value)
    if not isinstance(value, str) or not _FRACTION.fullmatch(value.strip()):
        raise ValidationError(f'expected an exact fraction such as "14/29", got {value!r}')
    try:
        return Fraction(value.strip())
    except ZeroDivisionError:
        raise ValidationError(f"a fraction cannot have a zero denominator: {value!r}") from None


def _structure_int(value: Any, _: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RevcycleTypeError(f"expected a whole number, got {value!r}")
    return value


def _structure_str(value: Any, _: Any) -> str:
    if not isinstance(value, str):
        raise RevcycleTypeError(f"expected a string, got {value!r}")
    return value


def _structure_bool(value: Any, _: Any) -> bool:
    if not isinstance(value, bool):
        raise RevcycleTypeError(f"expected true or false, got {value!r}")
    return value


def _arrays_only(factory: Any) -> Any:
    """Wrap a cattrs sequence hook factory so that only a JSON array is read as a sequence.

    cattrs turns any iterable into a tuple or list: the string ``"ab"`` would become
    ``("a", "b")`` and an object its keys, silently. A JSON array is the only sequence.
    """

    def make(cls: Any, conv: cattrs.Converter) -> Any:
        inner = factory(cls, conv)

        def structure_array(value: Any, cls: Any) -> Any:
            if not isinstance(value, list | tuple):
                raise RevcycleTypeError(f"expected a JSON array, got {value!r}")
            return inner(value, cls)

        return structure_array

    return make


def register_tagged_union(
    conv: cattrs.Converter, union: Any, tags: Mapping[str, type[Any]]
) -> None:
    """Register a union of attrs classes whose JSON form carries an explicit ``"type"`` tag.

    Tags are stable strings chosen by revcycle (never class names), so renaming a class
    cannot break stored JSON.
    """
    by_class = {cls: tag for tag, cls in tags.items()}
    TAGGED_UNIONS[union] = dict(tags)

    def unstructure_member(value: Any) -> dict[str, Any]:
        tag = by_class.get(type(value))
        if tag is None:
            raise StructureError(f"{type(value).__name__} is not a member of this union.")
        data: dict[str, Any] = conv.unstructure(value, unstructure_as=type(value))
        return {"type": tag, **data}

    def structure_member(data: Any, _: Any) -> Any:
        if not isinstance(data, Mapping) or "type" not in data:
            expected = ", ".join(repr(t) for t in tags)
            raise ValueError(f"expected an object with a 'type' tag (one of {expected})")
        tag = data["type"]
        cls = tags.get(tag)
        if cls is None:
            expected = ", ".join(repr(t) for t in tags)
            raise ValueError(f"unknown type tag {tag!r}; expected one of {expected}")
        rest = {k: v for k, v in data.items() if k != "type"}
        return conv.structure(rest, cls)

    conv.register_unstructure_hook(union, unstructure_member)
    conv.register_structure_hook(union, structure_member)


def register_core(conv: cattrs.Converter) -> None:
    """Register the foundation hooks (Decimal, Money, Percent, dates, durations, enums)."""
    conv.register_unstructure_hook(Decimal, plain)
    conv.register_structure_hook(Decimal, _structure_decimal)
    conv.register_unstructure_hook(
        Money, lambda m: {"amount": plain(m.amount), "currency": m.currency.code}
    )
    conv.register_structure_hook(Money, _structure_money)
    conv.register_unstructure_hook(Currency, lambda c: c.code)
    conv.register_structure_hook(Currency, lambda v, _: Currency.of(_currency_text(v)))
    conv.register_unstructure_hook(Percent, lambda p: plain(p.value))
    conv.register_structure_hook(Percent, lambda v, _: Percent(_structure_decimal(v, Decimal)))
    conv.register_unstructure_hook(Duration, str)
    conv.register_structure_hook(Duration, lambda v, _: Duration.parse(_duration_text(v)))
    conv.register_unstructure_hook(date, lambda d: d.isoformat())
    conv.register_structure_hook(date, _structure_date)
    conv.register_unstructure_hook(datetime, lambda d: d.isoformat())
    conv.register_structure_hook(datetime, _structure_datetime)
    conv.register_unstructure_hook(
        Period, lambda p: {"start": p.start.isoformat(), "end": p.end.isoformat()}
    )
    conv.register_unstructure_hook(Fraction, str)
    conv.register_structure_hook(Fraction, _structure_fraction)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(bool, _structure_bool)
    # Registered in this order so that lists (mutable sequences) are matched first.
    conv.register_structure_hook_factory(
        is_sequence, _arrays_only(homogenous_tuple_structure_factory)
    )
    conv.register_structure_hook_factory(is_mutable_sequence, _arrays_only(list_structure_factory))
    # cattrs dispatches on the MRO, where a StrEnum meets `str` before `Enum`: name it.
    for base in (enum.StrEnum, enum.IntEnum, enum.Enum):
        conv.register_structure_hook(base, _structure_enum)
        conv.register_unstructure_hook(base, lambda e: e.value)


def _describe(exc: BaseException, _: Any = None) -> str:
    if isinstance(exc, RevcycleError):
        return str(exc).rstrip(".")
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, ForbiddenExtraKeysError):
        return f"unknown keys {sorted(exc.extra_fields)!r}"
    if isinstance(exc, AttributeError) and exc.name == "keys":
        # cattrs reads an attrs class from a mapping and met something else
        return f"expected a JSON object, got {exc.obj!r}"
    if isinstance(exc, TypeError) and str(exc).startswith("argument of type"):
        return "expected a JSON object, got " + str(exc).split("'")[1].replace("NoneType", "null")
    if isinstance(exc, StructureHandlerNotFoundError):
        return f"revcycle has no JSON form for {name(exc.type_)}"
    if isinstance(exc, TypeError | ValueError):
        return str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {exc}"


def _path_first(message: str) -> str:
    text, sep, path = message.rpartition(" @ ")
    return f"{path}: {text}" if sep else message


@contextmanager
def structure_errors(cls: Any) -> Iterator[None]:
    """Turn any error raised while structuring ``cls`` into a :class:`StructureError`."""
    try:
        yield
    except StructureError:
        raise
    except BaseValidationError as error:
        messages = [
            _path_first(m) for m in cattrs.transform_error(error, "$", format_exception=_describe)
        ]
        raise StructureError(f"Cannot read {name(cls)}:", messages) from error
    except ForbiddenExtraKeysError as error:
        raise StructureError(f"Cannot read {name(cls)}:", [f"$: {_describe(error)}"]) from error
    except (
        RevcycleError,
        KeyError,
        TypeError,
        ValueError,
        AttributeError,
        StructureHandlerNotFoundError,
    ) as error:
        raise StructureError(f"Cannot read {name(cls)}:", [f"$: {_describe(error)}"]) from error
