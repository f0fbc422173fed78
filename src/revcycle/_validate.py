"""The small checks every value object makes on its fields, in one place.

Two shapes of the same checks:

* ``require_*`` and :func:`to_choice` take a value and a ``what`` text (the subject of the
  error sentence, such as ``"as_of"`` or ``"An invoice date"``) and return the value, or raise
  a :mod:`revcycle.errors` error. Use them on function arguments and inside converters.
* ``check_*`` build attrs validators (:func:`check_text`, :func:`check_texts`,
  :func:`check_day`, :func:`check_aware`, :func:`check_whole`, :func:`check_type`). Their
  ``what`` is a template: ``{cls}`` becomes the class name and ``{field}`` the field name;
  the default ``"{cls}.{field}"`` gives ``"Opportunity.account must be a non-empty str, not
  ''."``. The template is filled in only when a check fails, so a passing check costs one or
  two type tests.

The other side of the same rule: a value an engine has just computed from checked values is
not checked again. :func:`trusted` builds such a value without ``__init__``;
:func:`require_extra` imports an optional package or says which extra brings it.

Converters stay small named functions in each module (``def _to_kind(value: Kind | str) ->
Kind: return to_choice(Kind, value, "A kind")``): the attrs mypy plugin takes the ``__init__``
parameter type from a converter's signature and accepts only named functions there.

Wrong types raise :class:`~revcycle.errors.RevcycleTypeError`; right types with bad values raise
:class:`~revcycle.errors.ValidationError` (or the subclass a caller passes as ``error``).

>>> require_text("ACME", "An account")
'ACME'
>>> require_text("  ", "An account")
Traceback (most recent call last):
    ...
revcycle.errors.ValidationError: An account must be a non-empty str, not '  '.
"""

from __future__ import annotations

import enum
import functools
import inspect
import re
import sys
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sized
from datetime import date, datetime
from decimal import Decimal
from types import MemberDescriptorType, ModuleType
from typing import Any, Final, TypeVar

import attrs

from revcycle._numbers import MAX_PLACES, MAX_WHOLE_DIGITS, in_range
from revcycle.errors import (
    FloatNotAllowedError,
    MissingExtraError,
    RevcycleTypeError,
    ValidationError,
    shown,
)


__all__ = [
    "FIELD",
    "Validator",
    "check_annotated",
    "check_arguments",
    "check_aware",
    "check_day",
    "check_text",
    "check_texts",
    "check_type",
    "check_whole",
    "is_day",
    "require_aware",
    "require_day",
    "require_extra",
    "require_sequence",
    "require_text",
    "shown",
    "to_choice",
    "trusted",
]

E = TypeVar("E", bound=enum.Enum)
T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]
"""The attrs validator signature: ``(instance, attribute, value) -> None``."""

MAX_ITEMS: Final = 10_000_000
"""The most items a sequence argument may hold (:func:`require_sequence`)."""

FIELD: Final = "{cls}.{field}"
"""The default subject of a validator's message: ``Opportunity.account``."""


def _subject(what: str, instance: object, attribute: attrs.Attribute[Any]) -> str:
    return what.format(cls=type(instance).__name__, field=attribute.name)


# --------------------------------------------------------------------------------------------
# Text


# A lone surrogate is a str that is not text: UTF-8 cannot write it (to JSON, a file or a
# terminal), so text fields refuse it. Python makes one from bytes that are not UTF-8 (argv).
_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def _not_text(value: str) -> bool:
    """True for a str holding a lone surrogate (pure ASCII is answered without a search)."""
    return not value.isascii() and _SURROGATE.search(value) is not None


def require_text(value: object, what: str, *, allow_empty: bool = False) -> str:
    """``value`` if it is a ``str`` that is not blank (or any ``str`` with ``allow_empty``),
    and is text: no lone surrogate (UTF-8 could not write it).

    >>> require_text(5, "A stage name")
    Traceback (most recent call last):
        ...
    revcycle.errors.RevcycleTypeError: A stage name must be a str, not 5.
    """
    if not isinstance(value, str):
        raise RevcycleTypeError(f"{what} must be a str, not {shown(value)}.")
    if not allow_empty and not value.strip():
        raise ValidationError(f"{what} must be a non-empty str, not {shown(value)}.")
    if _not_text(value):
        raise ValidationError(
            f"{what} must be text, not {shown(value[:40])}: it holds a lone surrogate, which UTF-8 "
            "cannot write."
        )
    return value


def check_text(
    what: str = FIELD, *, allow_empty: bool = False, optional: bool = False
) -> Validator:
    """An attrs validator for a ``str`` field: not blank unless ``allow_empty``; ``None`` is
    accepted too when ``optional``."""

    # A closure per case, so that a passing check (the common case, once per row in some loops)
    # makes no test it does not need.
    def fail(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        require_text(value, _subject(what, instance, attribute), allow_empty=allow_empty)

    if allow_empty:

        def check_any(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
            if not (
                isinstance(value, str) and (value.isascii() or not _SURROGATE.search(value))
            ) and not (optional and value is None):
                fail(instance, attribute, value)

        return check_any

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not (
            isinstance(value, str)
            and value.strip()
            and (value.isascii() or not _SURROGATE.search(value))
        ) and not (optional and value is None):
            fail(instance, attribute, value)

    return check


def check_texts(what: str = FIELD) -> Validator:
    """An attrs validator for a tuple of non-blank strings (the tuple itself may be empty).

    Every item that is not a non-blank ``str`` is a :class:`ValidationError`, as it always
    was for these lists of free text.
    """

    def check(instance: object, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
        for item in value:
            if not isinstance(item, str) or not item.strip() or _not_text(item):
                raise ValidationError(
                    f"{_subject(what, instance, attribute)} holds {shown(item)}; "
                    "expected non-empty strings."
                )

    return check


# --------------------------------------------------------------------------------------------
# Dates and timestamps


def is_day(value: object) -> bool:
    """True for a calendar day: a ``datetime.date`` that is not a ``datetime``.

    ``datetime`` is a subclass of ``date``, so a plain ``isinstance`` would let a timestamp
    through; its subclasses (``pandas.Timestamp``) are refused too: revcycle's calendars count
    whole days, and a time of day would be silently dropped.

    >>> is_day(date(2024, 1, 31)), is_day(datetime(2024, 1, 31))
    (True, False)
    """
    # Exactly a date is by far the most common case: answer it with one identity test.
    if type(value) is date:
        return True
    if not isinstance(value, date):
        return False
    return not isinstance(value, datetime)


def require_day(value: object, what: str) -> date:
    """``value`` if it is a calendar day (see :func:`is_day`), else a type error.

    >>> require_day(datetime(2024, 1, 31, 9, 0), "An invoice date")
    Traceback (most recent call last):
        ...
    revcycle.errors.RevcycleTypeError: An invoice date must be a datetime.date, not datetime.datetime(2024, 1, 31, 9, 0).
    """  # noqa: E501
    if type(value) is date:
        return value
    if not is_day(value):
        raise RevcycleTypeError(f"{what} must be a datetime.date, not {shown(value)}.")
    assert isinstance(value, date)
    return value


def check_day(what: str = FIELD, *, optional: bool = False) -> Validator:
    """An attrs validator for a calendar-day field (see :func:`is_day`); ``None`` is accepted
    too when ``optional``."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if type(value) is date or (optional and value is None):
            return
        if not is_day(value):
            raise RevcycleTypeError(
                f"{_subject(what, instance, attribute)} must be a datetime.date, not "
                f"{shown(value)}."
            )

    return check


def require_aware(value: object, what: str) -> datetime:
    """``value`` if it is a timezone-aware ``datetime``; refuse naive ones clearly.

    A naive timestamp would make durations depend on the machine's zone, so it is an error.
    """
    if not isinstance(what, str):  # public as revcycle.opportunity.require_aware
        raise RevcycleTypeError(f"require_aware() names the value with text, not {shown(what)}.")
    if not isinstance(value, datetime):
        raise RevcycleTypeError(
            f"{what} must be a timezone-aware datetime, not {type(value).__name__} {shown(value)}."
        )
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(
            f"{what} must be timezone-aware; got the naive datetime {value.isoformat()}. "
            "Pass tzinfo, e.g. datetime(2025, 1, 6, 9, 0, tzinfo=timezone.utc)."
        )
    return value


def check_aware(what: str = FIELD) -> Validator:
    """An attrs validator for a timezone-aware ``datetime`` field."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        require_aware(value, _subject(what, instance, attribute))

    return check


# --------------------------------------------------------------------------------------------
# Numbers, types, sequences and choices


def check_whole(
    low: int,
    high: int | None = None,
    *,
    what: str = "{cls} {field}",
    error: type[ValidationError] = ValidationError,
) -> Validator:
    """An attrs validator for an ``int`` field (``bool`` refused) from ``low`` to ``high``
    inclusive; out of range raises ``error``. Without ``high`` the field is still an int of
    at most :data:`~revcycle._numbers.MAX_WHOLE_DIGITS` (40) digits, as every int field
    checked by its annotation is (:func:`check_annotated`): a count or a version number never
    needs more, and a 5,000-digit one would be costly to show, store and compare.

    >>> @attrs.frozen
    ... class Version:
    ...     number: int = attrs.field(validator=check_whole(1, what="A version"))
    >>> Version(10**40)
    Traceback (most recent call last):
        ...
    revcycle.errors.ValidationError: A version must be at least 1, an int of at most 40 digits, got 10000000000000000000000000000000000000000.
    """  # noqa: E501
    top = _INT_LIMIT - 1 if high is None else high
    limit = f"at least {low}" if high is None else f"from {low} to {high}"

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise RevcycleTypeError(
                f"{_subject(what, instance, attribute)} must be an int, not {shown(value)}."
            )
        if value < low or value > top:
            most = (
                f", an int of at most {MAX_WHOLE_DIGITS} digits"
                if high is None and value > top
                else ""
            )
            raise error(
                f"{_subject(what, instance, attribute)} must be {limit}{most}, got {shown(value)}."
            )

    return check


def check_type(
    types: type[Any] | tuple[type[Any], ...],
    expected: str,
    what: str = FIELD,
    *,
    optional: bool = False,
) -> Validator:
    """An attrs validator for a field holding ``types`` (or ``None`` when ``optional``).

    ``expected`` completes the sentence: ``check_type(Money, "Money")`` says
    ``"Opportunity.amount must be Money, not 5."``; an optional field's ``expected`` should say
    so (``"a Handoff or None"``). When ``types`` holds ``str``, a str must be text too (no lone
    surrogate, as :func:`require_text` checks): JSON could not write it.
    """

    def fail(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        raise RevcycleTypeError(
            f"{_subject(what, instance, attribute)} must be {expected}, not {shown(value)}."
        )

    kinds = types if isinstance(types, tuple) else (types,)
    if any(issubclass(str, kind) for kind in kinds):

        def check_text_too(
            instance: object, attribute: attrs.Attribute[Any], value: object
        ) -> None:
            if isinstance(value, str):
                if _not_text(value):
                    require_text(value, _subject(what, instance, attribute), allow_empty=True)
            elif not (optional and value is None) and not isinstance(value, types):
                fail(instance, attribute, value)

        return check_text_too

    if optional:

        def check_optional(
            instance: object, attribute: attrs.Attribute[Any], value: object
        ) -> None:
            if value is not None and not isinstance(value, types):
                fail(instance, attribute, value)

        return check_optional

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, types):
            fail(instance, attribute, value)

    return check


def require_sequence(
    values: object,
    what: str,
    of: str | None = None,
    *,
    kind: type[Any] | tuple[type[Any], ...] | None = None,
    allow_mapping: bool = True,
) -> tuple[Any, ...]:
    """``values`` as a tuple: any iterable but a ``str`` or ``bytes`` (whose items would be
    characters), and no mapping unless ``allow_mapping`` (a dict would give its keys); a sized
    one of at most :data:`MAX_ITEMS` (10,000,000) items. ``of``
    names the items in the message; with ``kind`` every item must be an instance of it.

    >>> require_sequence(["a", "b"], "Decision criteria")
    ('a', 'b')
    >>> require_sequence("ab", "Milestones", of="Milestone")
    Traceback (most recent call last):
        ...
    revcycle.errors.RevcycleTypeError: Milestones must be a sequence of Milestone, not 'ab'.
    >>> require_sequence([1, "2"], "Quote lines", kind=int)
    Traceback (most recent call last):
        ...
    revcycle.errors.RevcycleTypeError: Quote lines must not hold '2'.
    """
    if isinstance(values, Sized) and not isinstance(values, str | bytes):
        try:
            count = len(values)
        except OverflowError:  # a range of more items than a machine word counts
            count = MAX_ITEMS + 1
        if count > MAX_ITEMS:
            raise ValidationError(
                f"{what} must hold at most {MAX_ITEMS:,} items, not {shown(values)}."
            )
    if isinstance(values, tuple):
        items = values
    elif (
        isinstance(values, str | bytes)
        or not isinstance(values, Iterable)
        or (not allow_mapping and isinstance(values, Mapping))
    ):
        expected = "a sequence" if of is None else f"a sequence of {of}"
        raise RevcycleTypeError(f"{what} must be {expected}, not {shown(values)}.")
    else:
        items = tuple(values)
    if kind is not None:
        for item in items:
            if not isinstance(item, kind):
                raise RevcycleTypeError(f"{what} must not hold {shown(item)}.")
    return items


def to_choice(cls: type[E], value: object, what: str, *, str_only: bool = False) -> E:
    """The member of the enum ``cls`` that ``value`` is or names, with an error listing the
    allowed values. ``str_only`` refuses anything but a ``str`` (or member) with a type error
    first; otherwise every unknown value is a :class:`ValidationError`.

    >>> from revcycle.money import RoundingMode
    >>> to_choice(RoundingMode, "half_up", "A rounding mode")
    <RoundingMode.HALF_UP: 'half_up'>
    >>> to_choice(RoundingMode, "nearest", "A rounding mode")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    revcycle.errors.ValidationError: A rounding mode must be one of 'half_up', ..., not 'nearest'.
    """
    if isinstance(value, cls):
        return value
    if str_only and not isinstance(value, str):
        raise RevcycleTypeError(f"{what} must be a {cls.__name__}, not {shown(value)}.")
    member = named_member(cls, value)
    if member is not None:
        return member
    raise ValidationError(f"{what} must be one of {allowed_values(cls)}, not {shown(value)}.")


def named_member(cls: type[E], value: object) -> E | None:
    """The member of ``cls`` that ``value`` names, or ``None``. Only a str or an int can name
    a member: anything else is not even looked up (an enum builds its own message with
    ``repr()``, which a hostile value can break)."""
    if isinstance(value, str | int) and not isinstance(value, bool):
        try:
            return cls(value)
        except ValueError:
            return None
    return None


def allowed_values(cls: type[enum.Enum]) -> str:
    """The values of ``cls`` for a message: ``'sum', 'count', ...``."""
    return ", ".join(repr(member.value) for member in cls)


# --------------------------------------------------------------------------------------------
# Every field checked by its annotation


def check_annotated(
    cls: type[Any], fields: list[attrs.Attribute[Any]]
) -> list[attrs.Attribute[Any]]:
    """An attrs ``field_transformer``: every field without a validator of its own gets one
    that checks the value against the field's annotation (``int``, ``Money | None``,
    ``tuple[PricedLine, ...]`` ...), so a value class needs no hand-written type check per
    field: ``@attrs.frozen(field_transformer=check_annotated)``.

    The annotations are resolved on first use (they may name classes defined later in the
    module); a name that cannot be resolved, a protocol or ``Any`` checks nothing. ``int``
    refuses ``bool``; ``date`` refuses ``datetime`` (see :func:`is_day`); a ``Decimal`` must be
    finite and within revcycle's number limits (docs/reference/limits.md).

    >>> @attrs.frozen(field_transformer=check_annotated)
    ... class Row:
    ...     count: int
    ...     label: str | None = None
    >>> Row(3, "a")
    Row(count=3, label='a')
    >>> Row(1.5)
    Traceback (most recent call last):
        ...
    revcycle.errors.RevcycleTypeError: Row.count must be an int of at most 40 digits, not 1.5.
    """
    return [
        field.evolve(validator=_AnnotationCheck(field.name))
        if field.validator is None and field.init
        else field
        for field in fields
    ]


class _AnnotationCheck:
    """The validator :func:`check_annotated` gives a field; the annotation is compiled to a
    test on the first value checked."""

    __slots__ = ("expected", "name", "test")

    def __init__(self, name: str) -> None:
        self.name = name
        self.test: Callable[[Any], bool] | None = None
        self.expected = ""

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        test = self.test
        if test is None:
            hint = _resolve(type(instance), self.name)
            test = self.test = _compile(hint)
            self.expected = _describe(hint)
        if not test(value):
            raise _refusal(f"{type(instance).__name__}.{self.name}", self.expected, value)


def _refusal(subject: str, expected: str, value: object) -> RevcycleTypeError:
    """The error for ``value`` where ``expected`` belongs; a float where a number belongs says
    how to write it exactly, as :func:`~revcycle._numbers.to_decimal` does."""
    if isinstance(value, float) and "Decimal" in expected:
        return FloatNotAllowedError(
            f"{subject} must be {expected}, not the float {shown(value)}; "
            f'pass Decimal("{value}") instead.'
        )
    return RevcycleTypeError(f"{subject} must be {expected}, not {shown(value)}.")


def check_arguments(func: F) -> F:
    """A decorator: every argument of ``func`` is checked against its annotation, as
    :func:`check_annotated` checks fields, before ``func`` runs (``self`` and ``cls`` are
    not). For public methods and functions off the hot paths, so that a wrong type is one
    :class:`~revcycle.errors.RevcycleTypeError` naming the argument, never an
    ``AttributeError`` from deep inside.

    >>> @check_arguments
    ... def days(start: date, count: int = 1) -> int:
    ...     return count
    >>> days(date(2024, 1, 1), count=2)
    2
    >>> days("2024-01-01")
    Traceback (most recent call last):
        ...
    revcycle.errors.RevcycleTypeError: days() start must be a datetime.date, not '2024-01-01'.
    """
    names = [p.name for p in inspect.signature(func).parameters.values()]
    # Compiled on the first call (annotations may name classes defined later): the checks of
    # positional arguments by position, and every check by name for keyword arguments.
    by_position: list[tuple[int, str, Callable[[Any], bool], str]] = []
    by_name: dict[str, tuple[Callable[[Any], bool], str]] = {}
    ready: list[bool] = []

    def compile_all() -> None:
        checks = []
        for position, name in enumerate(names):
            if name in ("self", "cls") or name not in func.__annotations__:
                continue
            hint = _evaluate(func.__annotations__[name], func.__globals__)
            if hint is not Any:
                checks.append((position, name, _compile(hint), _describe(hint)))
        # Replaced whole, so that two threads' first calls at once cannot add a check twice.
        by_position[:] = checks
        by_name.update({name: (test, expected) for _, name, test, expected in checks})
        ready.append(True)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not ready:
            compile_all()
        given = len(args)  # fewer positional arguments than parameters when defaults are used
        for position, name, test, expected in by_position:
            if position < given and not test(args[position]):
                raise _refusal(f"{func.__name__}() {name}", expected, args[position])
        for name, value in kwargs.items():
            check = by_name.get(name)
            if check is not None and not check[0](value):
                raise _refusal(f"{func.__name__}() {name}", check[1], value)
        return func(*args, **kwargs)

    return typing.cast(F, wrapper)


def _resolve(cls: type[Any], name: str) -> Any:
    module = sys.modules.get(cls.__module__)
    namespace = dict(vars(module)) if module is not None else {}
    return _evaluate(cls.__annotations__.get(name, Any), namespace)


def _evaluate(raw: Any, namespace: dict[str, Any]) -> Any:
    try:
        # As typing.get_type_hints() does, in the namespace of the class's module.
        return eval(raw, namespace) if isinstance(raw, str) else raw
    except Exception:  # a name imported only for type checking: check nothing
        return Any


def _compile(hint: Any) -> Callable[[Any], bool]:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is Any or hint is object:
        return lambda _: True
    if hint is None or hint is type(None):
        return lambda value: value is None
    if origin in (typing.Union, types.UnionType):
        tests = [_compile(arg) for arg in args]
        return lambda value: any(test(value) for test in tests)
    if origin is typing.Literal:
        return lambda value: value in args
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            item = _compile(args[0])
            return lambda value: isinstance(value, tuple) and all(item(v) for v in value)
        items = [_compile(arg) for arg in args]
        return lambda value: (
            isinstance(value, tuple)
            and len(value) == len(items)
            and all(test(v) for test, v in zip(items, value, strict=True))
        )
    if origin is not None and isinstance(origin, type) and issubclass(origin, Mapping):
        if len(args) != 2:
            return lambda value: isinstance(value, Mapping)
        key, item = _compile(args[0]), _compile(args[1])
        return lambda value: (
            isinstance(value, Mapping) and all(key(k) and item(v) for k, v in value.items())
        )
    if origin is not None:  # another generic (a Sequence, a Callable): its origin only
        return _compile(origin) if isinstance(origin, type) else (lambda _: True)
    if not isinstance(hint, type) or getattr(hint, "_is_protocol", False):
        return lambda _: True
    if hint is int:  # a count or a number of days: within the number limits too
        return lambda value: (
            isinstance(value, int)
            and not isinstance(value, bool)
            and -_INT_LIMIT < value < _INT_LIMIT
        )
    if hint is date:
        return is_day
    if hint is str:  # text: no lone surrogate (UTF-8, and so JSON, cannot write one)
        return lambda value: isinstance(value, str) and not _not_text(value)
    if hint is Decimal:
        return lambda value: (
            isinstance(value, Decimal)
            and value.is_finite()
            # a computed zero may carry a large exponent (0 ÷ a small number); never a long one
            and (in_range(value) or (not value and value.adjusted() >= -MAX_PLACES))
        )
    return lambda value: isinstance(value, hint)


_INT_LIMIT: Final = 10**MAX_WHOLE_DIGITS


def _describe(hint: Any) -> str:
    if hint is type(None) or hint is None:
        return "None"
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return " or ".join(_describe(arg) for arg in typing.get_args(hint))
    if hint is date:
        return "a datetime.date"
    if hint is int:
        return f"an int of at most {MAX_WHOLE_DIGITS} digits"
    if hint is Decimal:
        return "a finite Decimal within the number limits"
    if isinstance(hint, type) and not typing.get_args(hint):
        return hint.__name__
    # A generic such as collections.abc.Sequence[revcycle.interest.DatedRate]: names only.
    return re.sub(r"\b(?:[a-z_]\w*\.)+", "", str(hint))


# --------------------------------------------------------------------------------------------
# Optional packages


def require_extra(module: str, extra: str, feature: str, *, hint: str = "") -> ModuleType:
    """Import ``module`` from an optional package and return it, or raise
    :class:`~revcycle.errors.MissingExtraError` naming ``feature`` and the
    ``pip install 'revcycle[extra]'`` that brings the package.

    The one way revcycle imports an optional package (the extras of ``pyproject.toml``:
    ``holidays``, ``pandas``, ``arrow``, ``cli`` ... ). Call it where the package is first
    needed, so that ``import revcycle`` works without it.

    >>> require_extra("json", "testing", "A doctest").__name__
    'json'
    >>> require_extra("not_installed_anywhere", "plot", "A plot")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    revcycle.errors.MissingExtraError: A plot needs the matplotlib package: pip install 'revcy...'.
    """
    try:
        # The import statement's own function (not importlib), so that a test or a sandbox
        # that replaces builtins.__import__ to hide a package is obeyed.
        __import__(module)
    except ImportError as error:
        raise MissingExtraError(extra, feature, hint) from error
    return sys.modules[module]


# --------------------------------------------------------------------------------------------
# Trusted values


def trusted(cls: type[T], *fields: str) -> Callable[..., T]:
    """A builder of ``cls`` instances from values revcycle computed and checked itself: it takes
    the values of ``fields`` positionally and fills the slots without running ``__init__``
    (no converter, no validator, no ``__attrs_post_init__``).

    The one way to fill a frozen attrs (slots) value on an engine's hot path. Like attrs'
    own ``__init__``, the builder is generated code, one slot descriptor ``__set__`` call per
    field (the cheapest way CPython offers to fill a slot of a frozen class). Fields left out
    stay empty: only for a class that fills them on first access (``PricedLine.steps``).

    >>> import attrs
    >>> @attrs.frozen
    ... class Pair:
    ...     left: int = attrs.field(converter=int)
    ...     right: int
    >>> new_pair = trusted(Pair, "left", "right")
    >>> new_pair(1, 2)
    Pair(left=1, right=2)
    """
    if len(set(fields)) != len(fields):
        raise ValueError(f"trusted({cls.__name__}, ...) names a field twice: {fields}.")
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls}
    for i, name in enumerate(fields):
        slot = getattr(cls, name, None)
        if not isinstance(slot, MemberDescriptorType):
            raise TypeError(f"{cls.__name__}.{name} is not a slot; trusted() fills slots only.")
        namespace[f"set_{i}"] = slot.__set__
    args = ", ".join(f"v_{i}" for i in range(len(fields)))
    body = "".join(f"    set_{i}(value, v_{i})\n" for i in range(len(fields)))
    source = f"def build({args}):\n    value = new(cls)\n{body}    return value\n"
    exec(compile(source, f"<trusted {cls.__qualname__}>", "exec"), namespace)
    build: Callable[..., T] = namespace["build"]
    build.__name__ = build.__qualname__ = f"trusted_{cls.__name__}"
    build.__doc__ = f"A {cls.__name__} from trusted {', '.join(fields)} (no __init__)."
    return build
