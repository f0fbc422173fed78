"""Hooks for the foundation types and the translation of cattrs errors into revcycle errors."""

from __future__ import annotations

import difflib
import enum
import re
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Set
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

import attrs
import cattrs
from cattrs.cols import is_mapping, is_mutable_sequence, is_sequence
from cattrs.errors import (
    BaseValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
    StructureHandlerNotFoundError,
)

from revcycle._numbers import check_fraction, plain, to_decimal
from revcycle._validate import allowed_values, named_member
from revcycle.dates import Duration, Period
from revcycle.errors import RevcycleError, RevcycleTypeError, StructureError, ValidationError, shown
from revcycle.money import Currency, Money, Percent


MAX_LISTED_ERRORS: Final = 20
"""Problems listed in full: per JSON array or object, and in all; the rest are counted."""

MAX_COUNTED_ERRORS: Final = 1_000
"""Problems counted in one JSON array or object: at this many, the items after it are not
checked (each problem costs an exception or ten, so a document of 200,000 broken items would
otherwise cost seconds to refuse)."""


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
            f'expected a decimal written as a string such as "12.30", got the float {shown(value)}'
        )
    return to_decimal(value, "The value")


def _unstructure_decimal(value: Decimal) -> str:
    # A model's numbers were range-checked when it was built, but a bare Decimal given to
    # dumps() (alone, or in a list or dict) was not: written out whole, 5E+999999999 is a
    # billion digits. The same range check as for every number read in.
    return plain(to_decimal(value, "A number written as JSON"))


def require_keys(
    value: Any, keys: Set[str], *, expected: str, kind: str, subject: str
) -> Mapping[str, Any]:
    """``value`` as a JSON object with exactly ``keys``, for a hook that reads one by hand.

    Otherwise a :class:`ValidationError`: ``expected {expected}, got ...`` for something else
    than an object, ``unknown {kind} keys [...]``, or ``{subject} needs [...]``.
    """
    if not isinstance(value, Mapping):
        raise ValidationError(f"expected {expected}, got {shown(value)}")
    extra = set(value) - keys
    if extra:
        raise ValidationError(
            f"unknown {kind} keys {shown(sorted(extra))}{did_you_mean(extra, keys)}"
        )
    missing = keys - set(value)
    if missing:
        raise ValidationError(f"{subject} needs {shown(sorted(missing))}")
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
        raise RevcycleTypeError(
            f'expected an ISO 8601 date such as "2024-01-31", got {shown(value)}'
        )
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            f'expected an ISO 8601 date such as "2024-01-31", got {shown(value)}'
        ) from None


def _structure_datetime(value: Any, _: Any) -> datetime:
    if not isinstance(value, str):
        raise RevcycleTypeError(
            'expected an ISO 8601 date-time such as "2024-01-31T09:30:00+00:00", got '
            f"{shown(value)}"
        )
    try:
        result = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            'expected an ISO 8601 date-time such as "2024-01-31T09:30:00+00:00", got '
            f"{shown(value)}"
        ) from None
    if result.utcoffset() is None:
        # A naive time would mean a different instant on every machine's zone.
        raise ValidationError(
            "expected a timezone-aware date-time, with its UTC offset such as "
            f'"2024-01-31T09:30:00+00:00", got the naive {shown(value)}'
        )
    return result


def _structure_str_only(kind: str) -> Any:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise RevcycleTypeError(f"expected {kind} as a string, got {shown(value)}")
        return value

    return check


_currency_text = _structure_str_only("a currency code")
_duration_text = _structure_str_only('an ISO 8601 duration such as "P1M"')


def _structure_enum(value: Any, cls: type[enum.Enum]) -> enum.Enum:
    member = named_member(cls, value)
    if member is None:
        raise ValidationError(f"expected one of {allowed_values(cls)}, got {shown(value)}")
    return member


def _structure_fraction(value: Any, _: Any) -> Fraction:
    if isinstance(value, int) and not isinstance(value, bool):
        return Fraction(value)
    if not isinstance(value, str) or not _FRACTION.fullmatch(value.strip()):
        raise ValidationError(f'expected an exact fraction such as "14/29", got {shown(value)}')
    numerator, _, denominator = value.strip().partition("/")
    if max(len(numerator.lstrip("-")), len(denominator)) > _FRACTION_DIGITS:
        # Refused before int() reads it: Python reads at most 4,300 digits.
        raise ValidationError(
            f"expected an exact fraction with at most {_FRACTION_DIGITS} digits in its "
            f"numerator and denominator, got {shown(value[:20])}… ({len(value):,} characters)"
        )
    try:
        return check_fraction(Fraction(value.strip()), "The fraction")
    except ZeroDivisionError:
        raise ValidationError(
            f"a fraction cannot have a zero denominator: {shown(value)}"
        ) from None


def _structure_int(value: Any, _: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RevcycleTypeError(f"expected a whole number, got {shown(value)}")
    return value


def _structure_str(value: Any, _: Any) -> str:
    if not isinstance(value, str):
        raise RevcycleTypeError(f"expected a string, got {shown(value)}")
    return value


def _structure_bool(value: Any, _: Any) -> bool:
    if not isinstance(value, bool):
        raise RevcycleTypeError(f"expected true or false, got {shown(value)}")
    return value


_FRACTION_DIGITS: Final = 100


# True while the items of an array or object past the listed problems are checked: their
# problems are only counted, so no hint is worked out for them (difflib costs tens of
# microseconds a key, which a document of 200,000 mistyped keys would pay in full).
_COUNTING_ONLY: Final[ContextVar[bool]] = ContextVar("revcycle_counting_only", default=False)


def did_you_mean(unknown: Iterable[str], known: Iterable[str]) -> str:
    """``"; did you mean 'quantity'?"`` for the known keys closest to the unknown ones (by
    :mod:`difflib`), or ``""`` when none is close (or the problem is only counted)."""
    if _COUNTING_ONLY.get():
        return ""
    names = sorted({str(k) for k in known})
    close = sorted(
        {m for key in unknown for m in difflib.get_close_matches(str(key)[:100], names, n=2)}
    )
    return f"; did you mean {' or '.join(repr(m) for m in close)}?" if close else ""


class _MoreItemsError(ValueError):
    """Stands for the problems of a JSON array or object past the ones listed in full."""

    def __init__(self, more: int, *, stopped: bool) -> None:
        rest = (
            f"; checking stopped at {MAX_COUNTED_ERRORS:,} problems, so later items may have more"
            if stopped
            else ""
        )
        super().__init__(f"{more:,} more items have problems{rest}{_LISTED}")


_LISTED: Final = f" (the first {MAX_LISTED_ERRORS} are listed)"


def _structure_items(
    pairs: Iterable[tuple[Any, Any]],
    structure_one: Callable[[Any], Any],
    note: Callable[[Any], IterableValidationNote],
    cls: Any,
) -> list[Any]:
    """Structure every item, listing the first :data:`MAX_LISTED_ERRORS` problems in full (as
    cattrs would, with their place) and only counting the rest, up to
    :data:`MAX_COUNTED_ERRORS`, so that a document of 100,000 bad items costs no more memory
    than one of 20, and little more time than one of 1,000."""
    results: list[Any] = []
    errors: list[Exception] = []
    more = 0
    stopped = False
    counting = None
    try:
        for where, item in pairs:
            try:
                results.append(structure_one(item))
            except Exception as error:  # every problem of one item, as cattrs' hooks collect
                if len(errors) < MAX_LISTED_ERRORS:
                    error.__notes__ = [*getattr(error, "__notes__", []), note(where)]
                    errors.append(error)
                    if len(errors) == MAX_LISTED_ERRORS and counting is None:
                        counting = _COUNTING_ONLY.set(True)
                else:
                    more += 1
                    stopped = MAX_LISTED_ERRORS + more >= MAX_COUNTED_ERRORS
                    if stopped:
                        break
    finally:
        if counting is not None:
            _COUNTING_ONLY.reset(counting)
    if errors:
        if more:
            errors.append(_MoreItemsError(more, stopped=stopped))
        raise IterableValidationError(f"While structuring {shown(cls)}", errors, cls)
    return results


def _hook(conv: cattrs.Converter, item_type: Any) -> Callable[[Any, Any], Any] | None:
    """The structure hook of ``item_type`` (``None`` for ``Any``: items are taken as they are);
    a type that contains itself is structured late, as cattrs does."""
    if item_type is Any:
        return None
    try:
        return conv.get_structure_hook(item_type)
    except RecursionError:
        return conv.structure


def _sequence_factory(build: Callable[[list[Any]], Any]) -> Any:
    """A structure hook factory for a homogeneous sequence type built by ``build`` from a list.

    Only a JSON array is read as a sequence: cattrs would turn any iterable into one (the
    string ``"ab"`` into ``("a", "b")``, an object into its keys), silently.
    """

    def make(cls: Any, conv: cattrs.Converter) -> Any:
        args = typing.get_args(cls)
        item_type = args[0] if args else Any
        structure_item = _hook(conv, item_type)

        def structure_array(value: Any, _: Any) -> Any:
            if not isinstance(value, list | tuple):
                raise RevcycleTypeError(f"expected a JSON array, got {shown(value)}")
            if structure_item is None:
                return build(list(value))
            return build(
                _structure_items(
                    enumerate(value),
                    lambda item: structure_item(item, item_type),
                    lambda i: IterableValidationNote(f"Structuring {cls} @ index {i}", i, cls),
                    cls,
                )
            )

        return structure_array

    return make


def _mapping_factory(cls: Any, conv: cattrs.Converter) -> Any:
    """A structure hook factory for a JSON object read as a mapping (``dict[str, X]``), with
    the same cap on listed problems as arrays."""
    args = typing.get_args(cls)
    key_type, value_type = args if len(args) == 2 else (Any, Any)
    structure_key = _hook(conv, key_type)
    structure_value = _hook(conv, value_type)

    def structure_one(pair: tuple[Any, Any]) -> tuple[Any, Any]:
        key, value = pair
        if structure_key is not None:
            key = structure_key(key, key_type)
        if structure_value is not None:
            value = structure_value(value, value_type)
        return key, value

    def structure_object(value: Any, _: Any) -> dict[Any, Any]:
        if not isinstance(value, Mapping):
            raise RevcycleTypeError(f"expected a JSON object, got {shown(value)}")
        return dict(
            _structure_items(
                ((key, (key, item)) for key, item in value.items()),
                structure_one,
                lambda key: IterableValidationNote(
                    f"Structuring mapping value @ key {shown(key)}", key, value_type
                ),
                cls,
            )
        )

    return structure_object


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
        cls = tags.get(tag) if isinstance(tag, str) else None
        if cls is None:
            expected = ", ".join(repr(t) for t in tags)
            hint = did_you_mean([tag], tags) if isinstance(tag, str) else ""
            raise ValueError(f"unknown type tag {shown(tag)}; expected one of {expected}{hint}")
        rest = {k: v for k, v in data.items() if k != "type"}
        return conv.structure(rest, cls)

    conv.register_unstructure_hook(union, unstructure_member)
    conv.register_structure_hook(union, structure_member)
    _member_tags(conv).update(by_class)


# The "type" tag of every class that is a member of a tagged union, per converter: a member
# written on its own (dumps(PerUnit(...))) carries its tag too, so that it reads back wherever
# the union is expected (``revcycle rate --price``).
_TAGS_ATTRIBUTE: Final = "_revcycle_member_tags"


def _member_tags(conv: cattrs.Converter) -> dict[type[Any], str]:
    tags: dict[type[Any], str] | None = getattr(conv, _TAGS_ATTRIBUTE, None)
    if tags is None:
        tags = {}
        setattr(conv, _TAGS_ATTRIBUTE, tags)
    return tags


def member_tag(conv: cattrs.Converter, cls: Any) -> str | None:
    """The ``"type"`` tag of ``cls`` when it is a member of a tagged union, else ``None``."""
    return _member_tags(conv).get(cls)


def known_keys(cls: Any) -> tuple[str, ...]:
    """The JSON keys of an attrs class (its fields' init names), for "did you mean"."""
    if isinstance(cls, type) and attrs.has(cls):
        return tuple(f.alias or f.name for f in attrs.fields(cls) if f.init)
    return ()


def register_core(conv: cattrs.Converter) -> None:
    """Register the foundation hooks (Decimal, Money, Percent, dates, durations, enums)."""
    conv.register_unstructure_hook(Decimal, _unstructure_decimal)
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
    conv.register_structure_hook_factory(is_sequence, _sequence_factory(tuple))
    conv.register_structure_hook_factory(is_mutable_sequence, _sequence_factory(list))
    conv.register_structure_hook_factory(is_mapping, _mapping_factory)
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
        hint = did_you_mean(exc.extra_fields, known_keys(exc.cl))
        return f"unknown keys {shown(sorted(exc.extra_fields))}{hint}"
    if isinstance(exc, AttributeError) and exc.name == "keys":
        # cattrs reads an attrs class from a mapping and met something else
        return f"expected a JSON object, got {shown(exc.obj)}"
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
        # In all, too, the first problems are listed and the rest counted (an array's own
        # count of its unlisted items is always kept).
        counts = [m for m in messages if m.endswith(_LISTED)]
        problems = [m for m in messages if not m.endswith(_LISTED)]
        if len(problems) > MAX_LISTED_ERRORS:
            more = len(problems) - MAX_LISTED_ERRORS
            problems[MAX_LISTED_ERRORS:] = [f"… and {more:,} more problems{_LISTED}"]
        messages = problems + counts
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


def positive_limit(value: object, name: str) -> int:
    """``value``, a document limit given by a caller (``max_size``, ``max_values``)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise RevcycleTypeError(f"{name} must be a whole number of at least 1, not {shown(value)}.")
    return value


def check_size(text: str | bytes | bytearray, what: str, max_size: object, kind: str) -> None:
    """Refuse a document longer than ``max_size`` characters
    (:data:`~revcycle.serialization.MAX_DOCUMENT_SIZE` by default), before anything is read
    from it; ``kind`` names what is read ("JSON documents", "CSV tables")."""
    limit = positive_limit(max_size, "max_size")
    if len(text) > limit:
        mib = f"{limit // 2**20} MiB; " if limit % 2**20 == 0 else ""
        raise StructureError(
            f"Cannot read {what}: the document is {len(text):,} characters long; revcycle reads "
            f"{kind} of at most {limit:,} characters ({mib}max_size=, MAX_DOCUMENT_SIZE by "
            "default)."
        )


def values_error(what: str, holds: str, limit: int) -> StructureError:
    """The error for a document of more than ``limit`` values; ``holds`` says how many
    (``"312,001 JSON values"``, ``"more than 200,000 JSON values"``)."""
    return StructureError(
        f"Cannot read {what}: the document holds {holds}; revcycle reads at most {limit:,} "
        "values in one document (max_values=, MAX_DOCUMENT_VALUES by default): split it, or "
        "raise max_values for a document you trust."
    )


def require_type(cls: Any, where: str) -> None:
    """``cls`` must be what a converter dispatches on: a class or a type hint."""
    if isinstance(cls, type) or typing.get_origin(cls) is not None:
        return
    raise RevcycleTypeError(
        f"{where} needs a revcycle type (such as Money or tuple[OpenItem, ...]), not {shown(cls)}."
    )
