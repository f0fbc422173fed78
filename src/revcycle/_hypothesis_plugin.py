"""Hypothesis entry point: lets ``st.from_type(Money)`` and friends build revcycle values.

Hypothesis runs the hook when it is imported, in every process that imports it, so the hook
costs nothing until used: it imports no revcycle module. A type's strategy is registered once
the module that defines the type has been imported (until then no code can hold the type to ask
for it), and the strategy itself is built from :mod:`revcycle.testing` at the first draw.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any


if TYPE_CHECKING:
    from collections.abc import Sequence
    from importlib.machinery import ModuleSpec
    from types import ModuleType

    from hypothesis import strategies as st

# The types with a strategy, by the module whose import defines them: (type, the function of
# revcycle.testing that draws it).
_STRATEGIES = {
    "revcycle.money": (("Currency", "currencies"), ("Money", "money"), ("Percent", "percents")),
    "revcycle.dates": (("Period", "periods"), ("Duration", "durations")),
}


def _hypothesis_setup_hook() -> None:
    if "revcycle.testing" in sys.modules:
        # revcycle.testing itself is what imported Hypothesis; it registers its strategies
        # when it finishes loading.
        return
    waiting = set()
    for name in _STRATEGIES:
        module = sys.modules.get(name)
        if module is None:
            waiting.add(name)
        else:
            _register(module)
    if waiting:
        sys.meta_path.insert(0, _RegisterOnImport(waiting))


def _register(module: ModuleType) -> None:
    """Register the strategies for the types ``module`` defines, each built when first drawn."""
    from hypothesis import strategies as st

    for type_name, strategy in _STRATEGIES[module.__name__]:
        st.register_type_strategy(getattr(module, type_name), _built_by(strategy))


def _built_by(strategy: str) -> Any:
    def build(_: type) -> st.SearchStrategy[Any]:
        from revcycle import testing

        built: st.SearchStrategy[Any] = getattr(testing, strategy)()
        return built

    return build


class _RegisterOnImport:
    """A meta path finder that finds nothing itself: it lets the other finders find each module
    it waits for and registers that module's strategies once the module has run."""

    def __init__(self, waiting: set[str]) -> None:
        self.waiting = waiting

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname not in self.waiting:
            return None
        for finder in sys.meta_path:
            if finder is not self and hasattr(finder, "find_spec"):
                spec: ModuleSpec | None = finder.find_spec(fullname, path, target)
                if spec is not None:
                    break
        else:
            return None
        loader = spec.loader
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        run_module = loader.exec_module

        def run_then_register(module: ModuleType) -> None:
            run_module(module)
            self.waiting.discard(fullname)
            if not self.waiting and self in sys.meta_path:
                sys.meta_path.remove(self)
            _register(module)

        # The loader is this import's own (finders make one per module found).
        setattr(loader, "exec_module", run_then_register)  # noqa: B010
        return spec
