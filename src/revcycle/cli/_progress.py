"""A progress display for the long verbs (``bill``, ``pipeline``, ``rate``), on a terminal only.

::

    with progress(3) as steps:
        steps.step("reading opportunities.json")
        ...
        steps.step("computing the report")
        ...
        steps.writing()
        print_json(report)

The display is shown only when standard error is a terminal (``sys.stderr.isatty()``), Rich
(the ``cli`` extra) is installed and Rich calls the terminal interactive (not ``TERM=dumb``;
``NO_COLOR`` drops its colours as Rich does). It is drawn on standard error, never on standard
output, and is transient: it is erased when the work ends. Otherwise nothing is shown and Rich
is not imported: piped, redirected or on a plain install the verbs write exactly what they
wrote before.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePath
from typing import TYPE_CHECKING, final


if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

__all__ = ["Steps", "progress", "source_name"]


class Steps:
    """The steps of one verb's work. This base class shows nothing (standard error is not a
    terminal, or Rich is not installed)."""

    def step(self, description: str) -> None:
        """Start the next step, ``description`` (the one before it is done)."""

    def writing(self) -> None:
        """Start the last step, writing the result to standard output. When standard output is
        a terminal too, the display is erased first, so that it never mixes with the output."""


@final
class _Shown(Steps):
    """Steps shown as a determinate Rich progress bar on standard error."""

    def __init__(self, bar: Progress, total: int) -> None:
        self._bar = bar
        self._task: TaskID = bar.add_task("starting", total=total)
        self._started = False

    def step(self, description: str) -> None:
        self._bar.update(self._task, description=description, advance=1 if self._started else 0)
        self._started = True

    def writing(self) -> None:
        if sys.stdout.isatty():
            self._bar.stop()  # transient: the display is erased
        else:
            self.step("writing")


def _rich_progress() -> Progress | None:
    """A transient Rich progress display on standard error, or ``None`` when it is not to be
    shown: standard error is not a terminal, Rich is not installed, or Rich finds the terminal
    not interactive (``TERM=dumb``)."""
    if not sys.stderr.isatty():
        return None
    try:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )
    except ImportError:
        return None
    console = Console(stderr=True)
    if not console.is_interactive:
        return None
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),  # a file name is text, not markup
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        redirect_stdout=False,  # standard output is the result's, never the display's
        redirect_stderr=False,
    )


@contextmanager
def progress(total: int) -> Iterator[Steps]:
    """The :class:`Steps` of ``total`` steps, shown on standard error while the block runs when
    it is a terminal (see the module's docstring); erased when the block ends or raises."""
    bar = _rich_progress()
    if bar is None:
        yield Steps()
        return
    with bar:
        yield _Shown(bar, total)


def source_name(source: str) -> str:
    """A file as a step names it: its name without the folders, or standard input for ``-``."""
    return "standard input" if source == "-" else PurePath(source).name
