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
import sys
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from types import MemberDescriptorType, ModuleType
from typing import Any, Final, TypeVar

import attrs

from revcycle.errors import MissingExtraError, RevcycleTypeError, ValidationError


__all__ = [
    "FIELD",
    "Validator",
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
    "to_choice",
    "trusted",
]

E = TypeVar("E", bound=enum.Enum)
T = TypeVar("T")

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]
"""The attrs validator signature: ``(instance, attribute, value) -> None``."""

FIELD: Final = "{cls}.{field}"
"""The default subject of a validator's message: ``Opportunity.account``."""


def _subject(what: str, instance: object, attribute: attrs.Attribute[Any]) -> str:
    return what.format(cls=type(instance).__name__, field=attribute.name)


# --------------------------------------------------------------------------------------------
# Text


def require_text(value: object, what: str, *, allow_empty: bool = False) -> str:
    """``value`` if it is a ``str`` that is not blank (or any ``str`` with ``allow_empty``).

    >>> require_text(5, "A stage name")
    Traceback (most recent call last):
        ...
    revcycle.errors.RevcycleTypeError: A stage name must be a str, not 5.
    """
    if not isinstance(value, str):
        raise RevcycleTypeError(f"{what} must be a str, not {value!r}.")
    if not allow_empty and not value.strip():
        raise ValidationError(f"{what} must be a non-empty str, not {value!r}.")
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
            if not isinstance(value, str) and not (optional and value is None):
                fail(instance, attribute, value)

        return check_any

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not (isinstance(value, str) and value.strip()) and not (optional and value is None):
            fail(instance, attribute, value)

    return check


def check_texts(what: str = FIELD) -> Validator:
    """An attrs validator for a tuple of non-blank strings (the tuple itself may be empty).

    Every item that is not a non-blank ``str`` is a :class:`ValidationError`, as it always
    was for these lists of free text.
    """

    def check(instance: object, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
        for item in value:
            if not isinstance(item, str) or not item.strip():
                raise ValidationError(
                    f"{_subject(what, instance, attribute)} holds {item!r}; "
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
        raise RevcycleTypeError(f"{what} must be a datetime.date, not {value!r}.")
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
                f"{_subject(what, instance, attribute)} must be a datetime.date, not {value!r}."
            )

    return check


def require_aware(value: object, what: str) -> datetime:
    """``value`` if it is a timezone-aware ``datetime``; refuse naive ones clearly.

    A naive timestamp would make durations depend on the machine's zone, so it is an error.
    """
    if not isinstance(value, datetime):
        raise RevcycleTypeError(
            f"{what} must be a timezone-aware datetime, not {type(value).__name__} {value!r}."
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
    inclusive (no upper limit when ``high`` is ``None``); out of range raises ``error``."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise RevcycleTypeError(
                f"{_subject(what, instance, attribute)} must be an int, not {value!r}."
            )
        if value < low or (high is not None and value > high):
            limit = f"at least {low}" if high is None else f"from {low} to {high}"
            # An int of thousands of digits cannot even be written out (Python's limit).
            got = f"{value}" if value.bit_length() < 100 else "a number too large to show"
            raise error(f"{_subject(what, instance, attribute)} must be {limit}, got {got}.")

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
    so (``"a Handoff or None"``).
    """

    def fail(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        raise RevcycleTypeError(
            f"{_subject(what, instance, attribute)} must be {expected}, not {value!r}."
        )

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
    characters), and no mapping unless ``allow_mapping`` (a dict would give its keys). ``of``
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
    if isinstance(values, tuple):
        items = values
    elif (
        isinstance(values, str | bytes)
        or not isinstance(values, Iterable)
        or (not allow_mapping and isinstance(values, Mapping))
    ):
        expected = "a sequence" if of is None else f"a sequence of {of}"
        raise RevcycleTypeError(f"{what} must be {expected}, not {values!r}.")
    else:
        items = tuple(values)
    if kind is not None:
        for item in items:
            if not isinstance(item, kind):
                raise RevcycleTypeError(f"{what} must not hold {item!r}.")
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
        raise RevcycleTypeError(f"{what} must be a {cls.__name__}, not {value!r}.")
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(repr(member.value) for member in cls)
        raise ValidationError(f"{what} must be one of {allowed}, not {value!r}.") from None


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
