"""Start-up (issue 14): the package face loads lazily, the command line parses before it imports
an engine, and the Hypothesis plugin costs nothing until used.

What each start-up imports is checked in fresh subprocesses (``sys.modules`` and
``python -X importtime``); how long it takes is the benchmark's business
(``benchmarks/bench_startup.py``), never a test's.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import revcycle
from revcycle.cli import _VERBS, _parser, build_parser


# The package face as a plain module: the tests read its private maps (_LAZY, _SUBMODULES) and
# a misspelled name, none of which its typed face declares.
_FACE: ModuleType = importlib.import_module("revcycle")

FACE = Path(revcycle.__file__)

# Modules that `import revcycle`, `revcycle --help` and `revcycle VERB --help` must not load: the
# domain engines and what sits on them, the JSON edge (cattrs) and the optional heavy packages.
ENGINES = frozenset(
    "pricing waterfall catalog approvals quotes terms receivables opportunity pipeline "
    "engagement usage contracts amendments renewals metrics billing serialization samples "
    "testing plotting distributed".split()
)
HEAVY = frozenset({"cattrs", "pyarrow", "pandas", "holidays", "rich", "matplotlib", "hypothesis"})


def _loaded(code: str) -> set[str]:
    """The modules in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    script = f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", script], capture_output=True, text=True, check=True
    )
    return set(done.stdout.split())


def _engines_in(modules: set[str]) -> list[str]:
    return sorted(
        name
        for name in modules
        if name.split(".")[0] in HEAVY
        or (name.startswith("revcycle.") and name.split(".")[1] in ENGINES)
    )


def _type_checking_imports() -> set[tuple[str, str]]:
    """(module, name) of every re-export under ``if TYPE_CHECKING:`` in the face."""
    tree = ast.parse(FACE.read_text(encoding="utf-8"))
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If)
        and isinstance(node.test, ast.Name)
        and node.test.id == "TYPE_CHECKING"
    )
    found = set()
    for node in block.body:
        assert isinstance(node, ast.ImportFrom), ast.dump(node)
        for alias in node.names:
            assert alias.asname == alias.name, alias.name  # `X as X`: an explicit re-export
            found.add((node.module or "", alias.name))
    return found


# --------------------------------------------------------------------------------------------
# The lazy face


def test_the_lazy_map_and_the_type_checking_imports_name_the_same_things() -> None:
    lazy = {(module, name) for name, module in _FACE._LAZY.items()}
    assert lazy == _type_checking_imports()
    assert {name for _, name in lazy} == set(revcycle.__all__)
    assert len(_FACE._LAZY) == len(revcycle.__all__)  # no name owned by two modules


def test_every_name_is_the_object_its_module_defines() -> None:
    for name, module in _FACE._LAZY.items():
        assert getattr(revcycle, name) is getattr(importlib.import_module(module), name), name


def test_an_unknown_name_raises_attribute_error_with_the_usual_message() -> None:
    with pytest.raises(AttributeError, match=r"^module 'revcycle' has no attribute 'Mony'$"):
        _FACE.Mony  # noqa: B018
    assert not hasattr(revcycle, "price_quotes")
    assert getattr(revcycle, "TYPE_CHECKING", None) is None  # the flag is not left behind
    with pytest.raises(ImportError, match="cannot import name 'Mony' from 'revcycle'"):
        exec("from revcycle import Mony", {})


def test_dir_lists_every_name_and_the_submodules() -> None:
    listed = dir(revcycle)
    assert set(revcycle.__all__) <= set(listed)
    assert {"money", "dates", "billing", "quotes", "errors"} <= set(listed)
    assert listed == sorted(listed)


def test_submodules_are_attributes_of_the_package() -> None:
    for name in sorted(_FACE._SUBMODULES):
        value = getattr(revcycle, name)
        assert inspect.ismodule(value), name
        assert value is importlib.import_module(f"revcycle.{name}")


def test_import_revcycle_loads_no_other_module_of_the_package() -> None:
    # What the interpreter itself loads is left out: under CI's coverage every fresh process
    # starts coverage first, which imports typing and decimal before revcycle is asked for.
    loaded = _loaded("import revcycle") - _loaded("pass")
    assert sorted(name for name in loaded if name.startswith("revcycle")) == ["revcycle"]
    assert not loaded & {"attrs", "attr", "dateutil", "babel", "decimal", "typing"}
    assert _engines_in(loaded) == []


def test_a_name_loads_only_its_own_module_and_what_that_imports() -> None:
    loaded = _loaded("import revcycle\nassert revcycle.Money.__name__ == 'Money'")
    assert "revcycle.money" in loaded
    assert _engines_in(loaded) == []
    assert "revcycle.quotes" not in _loaded("from revcycle import Period")


def test_star_import_and_submodule_attributes_in_a_fresh_process() -> None:
    code = (
        "from revcycle import *\n"
        "import revcycle\n"
        "names = set(globals())\n"
        "missing = [n for n in revcycle.__all__ if n not in names]\n"
        "assert missing == [], missing\n"
        "assert revcycle.money.Money is Money and revcycle.billing.bill is bill\n"
    )
    assert "revcycle.billing" in _loaded(code)


# --------------------------------------------------------------------------------------------
# The command line


def _imported(*argv: str) -> set[str]:
    """The modules ``revcycle ARGV`` imports, read from ``python -X importtime``."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "revcycle", *argv],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("usage: revcycle")
    lines = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    return {line.rpartition("|")[2].strip() for line in lines[1:]}  # [0] is the header


def test_revcycle_help_imports_no_verb_and_no_engine() -> None:
    imported = _imported("--help")
    assert "revcycle.cli" in imported
    assert sorted(name for name in imported if name.startswith("revcycle.")) == ["revcycle.cli"]
    assert _engines_in(imported) == []


@pytest.mark.parametrize("verb", [name for name, _, _ in _VERBS])
def test_verb_help_imports_its_own_module_and_no_engine(verb: str) -> None:
    # (a verb may import another's module for the arguments they share, e.g. interest/terms)
    imported = _imported(verb, "--help")
    module = next(module for name, module, _ in _VERBS if name == verb)
    assert f"revcycle.cli.{module}" in imported
    assert _engines_in(imported) == []


def test_the_verbs_written_out_choices_are_the_engines() -> None:
    from revcycle.cli import _aging, _rate, _renew
    from revcycle.receivables import DEFAULT_EDGES
    from revcycle.renewals import RenewalPricing
    from revcycle.usage import Aggregation

    assert ",".join(str(edge) for edge in DEFAULT_EDGES) == _aging.DEFAULT_EDGES_TEXT
    assert tuple(a.value for a in Aggregation) == _rate.AGGREGATIONS
    assert tuple(p.value for p in RenewalPricing) == _renew.PRICINGS


def test_the_lazy_help_is_the_full_parsers_help() -> None:
    # the registry's lines of help are the ones each verb's own `register` gives
    assert _parser(full=()).format_help() == build_parser().format_help()


# --------------------------------------------------------------------------------------------
# The Hypothesis plugin


def test_importing_hypothesis_imports_no_revcycle_module_but_the_plugin() -> None:
    loaded = _loaded("import hypothesis")
    assert sorted(n for n in loaded if n.startswith("revcycle")) == [
        "revcycle",
        "revcycle._hypothesis_plugin",
    ]


@pytest.mark.parametrize(
    "first",
    ["import hypothesis\nimport revcycle.money", "import revcycle.money\nimport hypothesis"],
)
def test_from_type_draws_revcycle_values_whichever_is_imported_first(first: str) -> None:
    code = (
        f"{first}\n"
        "from hypothesis import find, strategies as st\n"
        "from revcycle.money import Currency, Money\n"
        "from revcycle.dates import Period\n"
        "found = find(st.from_type(Money), lambda m: m.currency.code == 'JPY')\n"
        "assert found.amount == found.amount.quantize(1)\n"  # JPY has no minor unit
        "period = find(st.from_type(Period), lambda p: p.days > 1)\n"
        "assert period.days == 2\n"  # shrunk to the smallest period over a day
        "assert isinstance(find(st.from_type(Currency), lambda c: True), Currency)\n"
    )
    loaded = _loaded(code)
    assert "revcycle.testing" in loaded  # the strategies are revcycle.testing's
    assert (
        _engines_in({n for n in loaded if n != "revcycle.testing" and "hypothesis" not in n}) == []
    )
