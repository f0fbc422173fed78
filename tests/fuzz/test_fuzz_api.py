"""Hostile values for every argument of every public constructor, engine and method (issue 16).

Each case starts from valid arguments (a collected instance's fields for a constructor, values
drawn by annotation for a function or method, ``_world.py``) and replaces one or two of them by
a hostile value or a value of a wrong type. It must end in a value or a RevcycleError within the
bounds of ``_harness.py``; an accepted value must survive repr, the JSON round trip and its
observers. Run long with ``--hypothesis-profile=fuzz`` (docs/reference/testing.md).
"""

from __future__ import annotations

import functools
import inspect
import itertools
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzz._harness import call, check_value, hostile
from fuzz._targets import OPERATORS, methods_of, public_callables
from fuzz._world import hints, instance, instances, parameters, valid_for, world_value


pytestmark = pytest.mark.fuzz

CALLABLES = public_callables()
METHODS = {
    f"{name}.{method}": (cls, method)
    for name, cls in CALLABLES.items()
    if isinstance(cls, type)
    for method in methods_of(cls)
}


def _replace(data: st.DataObject, arguments: dict[str, Any], names: list[str]) -> None:
    """Replace one or two arguments by hostile values, or by a value of another type."""
    if not names:
        return
    mode = data.draw(_MODES)
    if mode == "none":
        return
    count = 2 if mode == "two" and len(names) > 1 else 1
    for name in data.draw(_permutations(tuple(names)))[:count]:
        arguments[name] = world_value(data, name) if mode == "wrong" else hostile(data, name)


_MODES = st.sampled_from(["hostile", "hostile", "hostile", "two", "wrong", "none"])


@functools.cache
def _permutations(names: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    return st.permutations(names)


def _arguments(data: st.DataObject, func: Callable[..., Any]) -> tuple[list[Any], dict[str, Any]]:
    """Valid-looking arguments for ``func`` from its annotations, then the replacements."""
    params = parameters(func)
    types = hints(func)
    arguments: dict[str, Any] = {}
    for param in params:
        if param.default is not param.empty and data.draw(st.booleans(), label="default"):
            continue
        arguments[param.name] = data.draw(
            valid_for(types.get(param.name, Any), param.name), label=param.name
        )
    _replace(data, arguments, [p.name for p in params])
    positional = [
        arguments.pop(p.name) for p in params if p.kind is p.POSITIONAL_ONLY and p.name in arguments
    ]
    return positional, arguments


def _constructor_arguments(data: st.DataObject, cls: type) -> dict[str, Any]:
    """A collected instance's fields as keyword arguments, then the replacements."""
    base = instance(data, cls, "base")
    fields = [f for f in attrs.fields(type(base)) if f.init]
    arguments = {f.alias or f.name: getattr(base, f.name) for f in fields}
    _replace(data, arguments, list(arguments))
    return arguments


def _run(thunk: Callable[[], Any]) -> Callable[[], Any]:
    """Consume what a call returns lazily (an iterator), so its work is bounded too."""

    def run() -> Any:
        result = thunk()
        if isinstance(result, Iterator):
            return tuple(itertools.islice(result, 1000))
        return result

    return run


@pytest.mark.parametrize("name", sorted(CALLABLES))
@given(data=st.data())
def test_public_callable(name: str, data: st.DataObject) -> None:
    func = CALLABLES[name]
    if isinstance(func, type) and attrs.has(func) and instances(func):
        kwargs = _constructor_arguments(data, func)
        ok, value = call(name, lambda: func(**kwargs))
    else:
        args, kwargs = _arguments(data, func)
        ok, value = call(name, _run(lambda: func(*args, **kwargs)))
    if ok:
        check_value(name, value)


@pytest.mark.parametrize("name", sorted(METHODS))
@given(data=st.data())
def test_public_method(name: str, data: st.DataObject) -> None:
    cls, method = METHODS[name]
    raw = inspect.getattr_static(cls, method)
    if isinstance(raw, classmethod | staticmethod):
        bound = getattr(cls, method)
    else:
        bound = getattr(instance(data, cls, "self"), method)
    args, kwargs = _arguments(data, bound)
    ok, value = call(name, _run(lambda: bound(*args, **kwargs)))
    if ok:
        check_value(name, value)


@pytest.mark.parametrize("name", sorted(OPERATORS))
@given(data=st.data())
def test_operator(name: str, data: st.DataObject) -> None:
    cls, operation = OPERATORS[name]
    left = instance(data, cls, "left")
    right = world_value(data, "right") if data.draw(st.booleans()) else hostile(data, "right")
    ok, value = call(name, lambda: operation(left, right))
    if ok:
        check_value(name, value)


def test_every_public_class_has_a_collected_instance() -> None:
    # A class without one is fuzzed through its annotations only; a seed in _world.py gives
    # its constructor valid fields to start from.
    missing = [
        name
        for name, obj in CALLABLES.items()
        if isinstance(obj, type) and attrs.has(obj) and not instances(obj)
    ]
    assert missing == []
