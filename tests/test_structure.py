"""The shape of the package: no import circles, imports only down the layers, no private names
across packages, no module over 800 lines.

The layers are those of the architecture (``docs/explanation/architecture.md``): a module may
import from the layers before its own and from its own concept; among the domain engines each
imports only the engines listed before it; the edges (serialization, CLI, testing, plotting,
distributed, the package face) come last. Every import counts — top level, inside functions and
under ``TYPE_CHECKING`` — and there is no allow-list. The checks run on the real tree and, to show
that they can fail, on small trees written for the purpose.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path

import pytest


SRC = Path(__file__).resolve().parent.parent / "src" / "revcycle"

LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors", "_numbers", "_validate", "_iso4217", "samples"),
    ("money",),
    ("dates", "calendars"),
    ("proration", "interest", "_display"),
    ("pricing", "waterfall"),
    ("catalog",),
    # The domain engines, each after the ones it may use.
    ("approvals",),
    ("quotes",),
    ("terms",),
    ("receivables",),
    ("opportunity",),
    ("pipeline",),
    ("engagement",),
    ("usage",),
    ("contracts",),
    ("amendments",),
    ("renewals",),
    ("metrics",),
    ("billing",),
    # The edges; "" is the package face, revcycle/__init__.py.
    (
        "serialization",
        "cli",
        "testing",
        "plotting",
        "distributed",
        "_hypothesis_plugin",
        "__main__",
        "",
    ),
)
LAYER_OF = {concept: number for number, names in enumerate(LAYERS) for concept in names}
# The private helpers whose names any package may import.
SHARED_HELPERS = frozenset({"_numbers", "_validate", "_display", "_iso4217"})
MAX_LINES = 800


def _modules(root: Path) -> dict[str, Path]:
    """Every module under ``root`` by dotted name (a package by its own name)."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = [root.name, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _concept(module: str) -> str:
    """The top-level concept a module belongs to (``revcycle.pricing._tiers`` → ``pricing``)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _imports(module: str, path: Path, modules: dict[str, Path]) -> Iterator[tuple[int, str, str]]:
    """``(line, imported module, imported name)`` for every import of the package in ``path``;
    the name is ``""`` for a plain ``import x``."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    root = module.split(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == root:
                    yield node.lineno, alias.name, ""
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target.split(".")[0] != root:
                continue
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if submodule in modules:
                    yield node.lineno, submodule, ""
                else:
                    yield node.lineno, target, alias.name


def _graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for _, target, _ in _imports(name, path, modules):
            if target in modules and target != name:
                graph[name].add(target)
    return graph


def circles(root: Path) -> list[list[str]]:
    """Each import circle once, as the path that closes it."""
    graph = _graph(_modules(root))
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in state:
            continue
        path = [start]
        state[start] = 1
        todo = [iter(sorted(graph[start]))]
        while todo:
            following = next(todo[-1], None)
            if following is None:
                state[path.pop()] = 2
                todo.pop()
            elif state.get(following) == 1:
                found.append([*path[path.index(following) :], following])
            elif following not in state:
                state[following] = 1
                path.append(following)
                todo.append(iter(sorted(graph[following])))
    return found


def upward_imports(root: Path) -> list[str]:
    """Imports of a concept from a later layer (or of a concept no layer names)."""
    modules = _modules(root)
    found = []
    for name, path in modules.items():
        here = _concept(name)
        for line, target, _ in _imports(name, path, modules):
            there = _concept(target)
            if there == here:
                continue
            if here not in LAYER_OF or there not in LAYER_OF:
                found.append(f"{path.name}:{line} {here or 'face'} -> {there or 'face'} (no layer)")
            elif LAYER_OF[there] > LAYER_OF[here]:
                found.append(f"{path.name}:{line} {here or 'face'} -> {there or 'face'}")
    return found


def private_imports(root: Path) -> list[str]:
    """Private names (and private modules) imported from another concept than the importer's,
    other than from the shared helpers."""
    modules = _modules(root)
    found = []
    for name, path in modules.items():
        for line, target, imported in _imports(name, path, modules):
            if _concept(target) == _concept(name) or _concept(target) in SHARED_HELPERS:
                continue
            hidden = [part for part in [*target.split(".")[1:], imported] if part]
            if any(part.startswith("_") and not part.startswith("__") for part in hidden):
                found.append(f"{path.name}:{line} {'.'.join([target, imported]).rstrip('.')}")
    return found


def long_modules(root: Path) -> list[str]:
    return [
        f"{path.relative_to(root)} {lines}"
        for path in sorted(root.rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]


# --------------------------------------------------------------------------------------------
# The real tree


def test_no_import_circles() -> None:
    assert circles(SRC) == []


def test_imports_follow_the_layers() -> None:
    assert upward_imports(SRC) == []


def test_no_private_names_cross_packages() -> None:
    assert private_imports(SRC) == []


def test_no_module_is_over_800_lines() -> None:
    assert long_modules(SRC) == []


def test_every_concept_has_a_layer() -> None:
    top_level = {_concept(name) for name in _modules(SRC)}
    assert top_level <= set(LAYER_OF), sorted(top_level - set(LAYER_OF))


# --------------------------------------------------------------------------------------------
# The checks can fail


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "revcycle"
    for relative, text in {"__init__.py": "", **files}.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_a_circle_through_a_function_level_import_is_found(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "money.py": "def f():\n    from revcycle import dates\n",
            "dates.py": "import revcycle.money\n",
        },
    )
    assert circles(root) == [["revcycle.dates", "revcycle.money", "revcycle.dates"]]


def test_a_circle_inside_a_package_under_type_checking_is_found(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "terms/__init__.py": "from revcycle.terms._model import X\n",
            "terms/_model.py": "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from ._parse import parse\n",
            "terms/_parse.py": "from revcycle.terms import X\n",
        },
    )
    assert len(circles(root)) == 1


def test_an_import_up_the_layers_is_found(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"waterfall.py": "from revcycle.quotes import Quote\n", "quotes.py": ""})
    assert upward_imports(root) == ["waterfall.py:1 waterfall -> quotes"]


def test_an_engine_importing_a_later_engine_or_the_face_is_found(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {"approvals.py": "import revcycle.quotes\n", "quotes.py": "from revcycle import Money\n"},
    )
    assert upward_imports(root) == [
        "approvals.py:1 approvals -> quotes",
        "quotes.py:1 quotes -> face",
    ]


def test_a_private_name_across_packages_is_found(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "pricing/__init__.py": "",
            "pricing/_tiers.py": "_ROWS = 1\n",
            "quotes.py": "from revcycle.pricing._tiers import Tier\n"
            "from revcycle.pricing import _ROWS\n"
            "from revcycle._numbers import _private_helper\n",
            "_numbers.py": "",
        },
    )
    assert private_imports(root) == [
        "quotes.py:1 revcycle.pricing._tiers.Tier",
        "quotes.py:2 revcycle.pricing._ROWS",
    ]


def test_a_long_module_is_found(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"money.py": "x = 1\n" * (MAX_LINES + 1)})
    assert long_modules(root) == [f"money.py {MAX_LINES + 1}"]


# --------------------------------------------------------------------------------------------
# Every public name of round 1 is still where it was

ROUND_ONE = json.loads(
    (Path(__file__).resolve().parent / "data" / "public_names_round1.json").read_text()
)


@pytest.mark.parametrize("module", sorted(ROUND_ONE))
def test_round_one_public_names_still_import(module: str) -> None:
    import importlib

    imported = importlib.import_module(module)
    names = set(ROUND_ONE[module])
    assert names <= set(imported.__all__), sorted(names - set(imported.__all__))
    for name in names:
        assert getattr(imported, name) is not None
