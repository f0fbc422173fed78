"""Test collection for the whole repository.

Markdown files (``docs/**/*.md`` and ``README.md``) are collected as doctests: every ``>>>``
example in them runs. Code fence lines are blanked first, so an example's expected output
may end right before the closing fence.
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest
from _pytest.doctest import DoctestItem, get_optionflags

# Import the package before pytest collects any of its files: under --import-mode=importlib a
# private module collected first would otherwise be executed twice (once by its parent
# package, once as the collected file), giving two copies of its classes.
import revcycle  # noqa: F401


collect_ignore = [
    "src/revcycle/__main__.py",
    "benchmarks",
    "examples",
    "docs/conf.py",
    "docs/_build",
]

_FENCE = re.compile(r"^\s*```.*$", re.MULTILINE)


class MarkdownDoctestFile(pytest.File):
    """A Markdown file whose ``>>>`` examples run as one doctest."""

    def collect(self):  # type: ignore[no-untyped-def]
        text = _FENCE.sub("", self.path.read_text(encoding="utf-8"))
        parser = doctest.DocTestParser()
        test = parser.get_doctest(text, {}, self.path.name, str(self.path), 0)
        if test.examples:
            runner = doctest.DebugRunner(verbose=False, optionflags=get_optionflags(self.config))
            yield DoctestItem.from_parent(self, name=test.name, runner=runner, dtest=test)


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix == ".md":
        return MarkdownDoctestFile.from_parent(parent, path=file_path)
    return None
