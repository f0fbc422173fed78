"""Plain text for people when Rich (the ``cli`` extra) is not installed.

``revcycle demo`` runs on a plain ``pip install revcycle``: :class:`PlainText` stands in for a
Rich console — ``print``, ``rule`` and (through :func:`revcycle.cli._common.print_table`)
tables with aligned columns — and drops the few Rich style tags the demo writes.
"""

from __future__ import annotations

import re
import sys
import textwrap
from collections.abc import Sequence
from typing import Final, TextIO, final


# The Rich style tags revcycle writes ([bold] ... [/bold], [bold red]); any other bracket is
# text.
_WORDS: Final = "bold|italic|dim|underline|red|green|yellow|blue|magenta|cyan"
_STYLE: Final = re.compile(rf"\[/?(?:{_WORDS})(?: (?:{_WORDS}))*\]")
_WIDTH: Final = 100


@final
class PlainText:
    """What the demo needs of a console, written as plain text to ``file`` (standard output by
    default)."""

    def __init__(self, file: TextIO | None = None) -> None:
        self.file = file if file is not None else sys.stdout

    def print(self, *objects: object, sep: str = " ", end: str = "\n") -> None:
        """Print ``objects`` as text, without style tags."""
        text = sep.join(str(o) for o in objects)
        self.file.write(_STYLE.sub("", text) + end)

    def rule(self, title: str = "") -> None:
        """A line across the page with ``title`` in it."""
        title = _STYLE.sub("", title)
        if not title:
            self.file.write("─" * _WIDTH + "\n")
            return
        side = max(_WIDTH - len(title) - 2, 2)
        self.file.write(f"{'─' * (side // 2)} {title} {'─' * (side - side // 2)}\n")

    def table(
        self,
        title: str,
        headers: Sequence[str],
        rows: Sequence[Sequence[object]],
        *,
        right: Sequence[int] = (),
    ) -> None:
        """A table: ``title``, then aligned columns (``right``: the right-aligned ones)."""
        cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
        widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

        def line(row: Sequence[str]) -> str:
            return "  ".join(
                cell.rjust(width) if i in right else cell.ljust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            ).rstrip()

        text = [title, line(cells[0]), "  ".join("─" * w for w in widths)]
        text += [line(row) for row in cells[1:]]
        self.file.write("\n".join(text) + "\n")


# reST roles (:meth:`~revcycle.terms.PaymentTerms.parse`, :class:`Money <revcycle.Money>`) and
# inline literals (``--format``), as the verb modules' docstrings write them for Sphinx.
_ROLE: Final = re.compile(r":[a-z]+(?::[a-z]+)?:`(~?)([^`<]*?)(?:\s*<([^`>]*)>)?`")
_LITERAL: Final = re.compile(r"``(.+?)``", re.DOTALL)


def _role_text(match: re.Match[str]) -> str:
    tilde, text, target = match.groups()
    if target is not None:
        return str(text)
    return str(text).rsplit(".", 1)[-1] if tilde else str(text)


def plain_help(doc: str) -> str:
    """A docstring written for Sphinx, in plain words for ``--help``: roles become their text
    (``:meth:`~a.B.c``` → ``c``), inline literals lose their backquotes, and a literal block's
    ``::`` marker becomes a colon (or goes, when it stands alone); prose is wrapped again."""
    lines: list[str] = []
    for line in doc.splitlines():
        if line.strip() == "::":
            continue
        lines.append(line[:-2].rstrip() + ":" if line.endswith("::") else line)
    text = _LITERAL.sub(r"\1", _ROLE.sub(_role_text, "\n".join(lines)))
    blocks = [block.strip("\n") for block in re.split(r"\n\s*\n", text) if block.strip()]
    return "\n\n".join(_refill(block) for block in blocks) + "\n"


def _refill(block: str) -> str:
    """A paragraph of prose wrapped again (its markup gone, its lines are ragged); indented
    blocks (examples) and lists stay as laid out."""
    if any(line[:1].isspace() or line.startswith(("- ", "* ")) for line in block.splitlines()):
        return block
    return textwrap.fill(block, width=_WIDTH - 8, break_on_hyphens=False, break_long_words=False)
