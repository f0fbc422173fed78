"""Sphinx configuration of the revcycle docs site.

Build it (warnings are errors, every notebook executed)::

    .venv/bin/sphinx-build -W --keep-going -b html docs docs/_build/html

The Markdown pages are the source (MyST); the notebooks under ``notebooks/`` are Jupytext
Markdown notebooks that MyST-NB executes on every build; the API reference (``api/``, written
by :func:`write_api_pages` on each build, not kept in git) has one page per public module,
generated from the docstrings and their types.
"""

from __future__ import annotations

import pkgutil
from importlib import import_module
from pathlib import Path
from typing import get_args

import revcycle


project = "revcycle"
author = "revcycle developers"
copyright = "2026, revcycle developers"
release = revcycle.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_nb",  # MyST Markdown and executed notebooks (it brings myst_parser)
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
]

root_doc = "index"
exclude_patterns = ["_build", "jupyter_execute", "**/.ipynb_checkpoints"]

# MyST: links to headings (`page.md#a-heading`) resolve; `:::` fences for directives.
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3

# Notebooks: executed on every build; an exception in a cell fails the build.
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_timeout = 120
nb_merge_streams = True

# The API reference: signatures with their types, members in source order.
# (The members of each module are listed on its page: its own names, each object once.)
autodoc_default_options = {"show-inheritance": True, "member-order": "bysource"}
autodoc_typehints = "signature"
autodoc_preserve_defaults = True

html_theme = "furo"
html_title = f"revcycle {release}"


def public_modules() -> list[str]:
    """The public modules of revcycle (no leading underscore), by name."""
    return sorted(
        f"revcycle.{info.name}"
        for info in pkgutil.iter_modules(revcycle.__path__)
        if not info.name.startswith("_")
    )


def _write(path: Path, text: str) -> None:
    # Only when it changed, so an incremental build does not re-read every page.
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _home(name: str, obj: object, modules: list[str]) -> str:
    """The public module whose page documents ``obj`` (re-exported from ``revcycle``)."""
    for module in modules:
        if getattr(import_module(module), name, None) is obj and name in getattr(
            import_module(module), "__all__", ()
        ):
            return module
    raise LookupError(f"revcycle.{name} is exported by no public module's __all__")


def _own_names(module: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The names of ``module.__all__`` it documents (defined in it or its private modules), and
    the re-exported ones with the public module that documents them."""
    mod = import_module(module)
    public = public_modules()
    own: list[str] = []
    elsewhere: list[tuple[str, str]] = []
    for name in getattr(mod, "__all__", ()):
        obj = getattr(mod, name)
        # A type alias (a union) lives with the classes it joins.
        joined = [a for a in get_args(obj) if getattr(a, "__module__", "").startswith("revcycle.")]
        defined_in = getattr(joined[0] if joined else obj, "__module__", None) or module
        home = ".".join(defined_in.split(".")[:2])
        if (
            home in public
            and home != module
            and getattr(import_module(home), name, None) is obj
            and name in getattr(import_module(home), "__all__", ())
        ):
            elsewhere.append((name, home))
        else:
            own.append(name)
    return own, elsewhere


def _module_page(module: str) -> str:
    own, elsewhere = _own_names(module)
    # autodoc writes reST: it must be parsed as reST, not as MyST Markdown. Each object is
    # documented once, on the page of the module that defines it.
    if not hasattr(import_module(module), "__all__"):
        own = []  # every public name: `:members:` without a list
    members = f"\n   :members: {', '.join(own)}".rstrip()
    text = f"# `{module}`\n\n```{{eval-rst}}\n.. automodule:: {module}{members}\n```\n"
    if elsewhere:
        text += (
            "\nAlso importable from here: "
            + ", ".join(f"{{py:obj}}`{name} <{home}.{name}>`" for name, home in elsewhere)
            + ".\n"
        )
    return text


def write_api_pages(folder: Path) -> None:
    """Write ``api/index.md`` and one page per public module into ``folder``."""
    folder.mkdir(exist_ok=True)
    modules = public_modules()
    for module in modules:
        _write(folder / f"{module.removeprefix('revcycle.')}.md", _module_page(module))
    rows = ""
    for name in sorted(revcycle.__all__, key=str.lower):
        home = _home(name, getattr(revcycle, name), modules)
        page = home.removeprefix("revcycle.")
        rows += f"| {{py:obj}}`revcycle.{name} <{home}.{name}>` | {{doc}}`{home} <{page}>` |\n"
    toctree = "\n".join(m.removeprefix("revcycle.") for m in modules)
    _write(
        folder / "index.md",
        "# API reference\n\n"
        "Generated from the docstrings and their types: one page per public module. The\n"
        "hand-written [reference pages](../index.md#reference) add the rules and examples.\n\n"
        f"```{{toctree}}\n:maxdepth: 1\n\n{toctree}\n```\n\n"
        "## The names importable from `revcycle`\n\n"
        "| name | documented in |\n|---|---|\n" + rows,
    )


write_api_pages(Path(__file__).resolve().parent / "api")
