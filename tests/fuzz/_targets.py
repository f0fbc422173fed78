"""Which public callables the fuzz suite calls, found from the package faces' ``__all__``.

Every public module of ``revcycle`` (and the package itself) is imported and every callable its
``__all__`` names that revcycle defines becomes a target: a class (its constructor and its
named constructors), a function (an engine), and every public method of a class that has a
collected instance. A new module joins by being public and listing its names in ``__all__``.
Left out, each for its reason: enums and exceptions (Python's own behaviour), protocols, the
Hypothesis strategies of ``revcycle.testing``, the command line (fuzzed through ``main`` in
``test_fuzz_cli.py``), ``revcycle.distributed`` (a Dask cluster per call, around the engines
fuzzed here) and the two functions that change a converter.
"""

from __future__ import annotations

import enum
import functools
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import Any

import revcycle
from revcycle.money import Money, Percent


SKIPPED_MODULES = frozenset(
    {
        "revcycle.testing",
        "revcycle.cli",
        "revcycle.samples",
        # Needs a Dask cluster per call; its partitions run billing.bill and the usage
        # engines, which are fuzzed directly.
        "revcycle.distributed",
    }
)
SKIPPED_NAMES = frozenset(
    {
        "revcycle.serialization.make_converter",  # builds a converter: nothing to fuzz
        "revcycle.serialization.register_tagged_union",  # changes a converter in place
    }
)
# Methods that change something outside the value, or only hand out strategies.
SKIPPED_METHODS = frozenset({"register_type_strategies"})


@functools.cache
def public_modules() -> tuple[str, ...]:
    names = ["revcycle"]
    names += [
        f"revcycle.{info.name}"
        for info in pkgutil.iter_modules(revcycle.__path__)
        if not info.name.startswith("_")
    ]
    return tuple(name for name in names if name not in SKIPPED_MODULES)


def _skipped(obj: Any) -> bool:
    if isinstance(obj, type):
        return issubclass(obj, enum.Enum | BaseException) or getattr(obj, "_is_protocol", False)
    return False


@functools.cache
def public_callables() -> dict[str, Callable[..., Any]]:
    """``{"revcycle.money.Money": Money, ...}``: each public callable once, under the deepest
    public module that lists it."""
    found: dict[Any, str] = {}
    for module_name in public_modules():
        try:
            module = importlib.import_module(module_name)
        except ImportError:  # an optional extra that is not installed
            continue
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name, None)
            if (
                callable(obj)
                and getattr(obj, "__module__", "").startswith("revcycle")
                and not _skipped(obj)
            ):
                key = f"{module_name}.{name}"
                if key in SKIPPED_NAMES:
                    continue
                if obj not in found or found[obj] == f"revcycle.{name}":
                    found[obj] = key
    return {key: obj for obj, key in sorted(found.items(), key=lambda kv: kv[1])}


def methods_of(cls: type) -> dict[str, Callable[..., Any]]:
    """The public methods of ``cls`` that take arguments (zero-argument ones are checked on
    every accepted value), and its named constructors (class and static methods)."""
    result = {}
    for name, attribute in inspect.getmembers(cls):
        if name.startswith("_") or name in SKIPPED_METHODS:
            continue
        raw = inspect.getattr_static(cls, name)
        if isinstance(raw, property):
            continue
        if isinstance(raw, classmethod | staticmethod) or inspect.isfunction(raw):
            result[name] = attribute
    return result


def _operators() -> dict[str, tuple[type, Callable[[Any, Any], Any]]]:
    return {
        "Money * x": (Money, lambda m, x: m * x),
        "x * Money": (Money, lambda m, x: x * m),
        "Money / x": (Money, lambda m, x: m / x),
        "Money + x": (Money, lambda m, x: m + x),
        "Money - x": (Money, lambda m, x: m - x),
        "Money < x": (Money, lambda m, x: m < x),
        "Money == x": (Money, lambda m, x: m == x),
        "Percent < x": (Percent, lambda p, x: p < x),
    }


OPERATORS = _operators()
