"""The progress display of the long verbs (issue 15, "Packaging and CLI"): shown on standard error
when it is a terminal, nothing at all when it is piped, and standard output the same either way.

The terminal is a pseudo-terminal (``pty.openpty()``) given to the child as its standard error;
standard output stays a pipe, so its JSON is compared with the piped run's.
"""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
import threading
from collections.abc import Mapping

import pytest

from revcycle import samples
from revcycle.cli import _progress
from revcycle.cli._progress import Steps, progress, source_name


S = samples.path
# The bill run reads three files (a determinate bar, one step a file); its --issued file is the
# first month's run, written by the `january` fixture.
VERBS = {
    "pipeline": ["pipeline", S("opportunities.json")],
    "rate": [
        *("rate", S("usage_events.json"), "--plan", S("usage_plan.json")),
        *("--period", "2024-01-01/2024-02-01"),
    ],
    "bill": [
        *("bill", S("contracts.json"), "--through", "2025-02-01"),
        *("--usage", S("usage_events.json")),
    ],
}


@pytest.fixture(scope="module")
def january(tmp_path_factory: pytest.TempPathFactory) -> str:
    done = _piped(["bill", S("contracts.json"), "--through", "2025-01-01"], _env())
    assert done.returncode == 0, done.stderr
    path = tmp_path_factory.mktemp("bill") / "january.json"
    path.write_text(done.stdout, encoding="utf-8")
    return str(path)


def _argv(verb: str, january: str) -> list[str]:
    return [*VERBS[verb], "--issued", january] if verb == "bill" else VERBS[verb]


def _env(**extra: str) -> dict[str, str]:
    """The environment, with the variables that change Rich's idea of the terminal set."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"NO_COLOR", "FORCE_COLOR", "TTY_INTERACTIVE", "TTY_COMPATIBLE", "TERM"}
    }
    return {**env, "TERM": "xterm-256color", "COLUMNS": "100", **extra}


def _piped(argv: list[str], env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "revcycle", *argv],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def _on_a_terminal(argv: list[str], env: Mapping[str, str]) -> tuple[int, str, bytes]:
    """``revcycle ARGV`` with a pseudo-terminal as standard error: (exit code, standard output,
    what the terminal received)."""
    master, slave = pty.openpty()
    received = bytearray()

    def drain() -> None:  # so that the child never blocks on a full terminal buffer
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the child closed its end
                return
            if not chunk:
                return
            received.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "revcycle", *argv],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=slave,
            env=env,
        )
        os.close(slave)
        out, _ = child.communicate(timeout=120)
        reader.join(timeout=10)
    finally:
        os.close(master)
    return child.returncode, out.decode("utf-8"), bytes(received)


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_piped_the_verb_writes_nothing_on_standard_error(verb: str, january: str) -> None:
    done = _piped(_argv(verb, january), _env())
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert json.loads(done.stdout)["schema_version"] == 1


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_on_a_terminal_the_progress_goes_to_standard_error_only(verb: str, january: str) -> None:
    env = _env()
    piped = _piped(_argv(verb, january), env)
    code, out, terminal = _on_a_terminal(_argv(verb, january), env)
    assert code == 0, terminal
    assert out == piped.stdout  # the same bytes: the display never touches standard output
    assert json.loads(out) == json.loads(piped.stdout)
    assert terminal  # the display was drawn (and erased: it is transient)
    assert b"\x1b[" in terminal  # drawn with the terminal's control sequences


def test_on_a_dumb_terminal_nothing_is_shown() -> None:
    code, out, terminal = _on_a_terminal(VERBS["pipeline"], _env(TERM="dumb"))
    assert code == 0
    assert json.loads(out)["schema_version"] == 1
    assert terminal == b""


def test_an_error_on_a_terminal_is_still_its_one_line() -> None:
    argv = ["pipeline", "/nonexistent/opps.json"]
    code, out, terminal = _on_a_terminal(argv, _env())
    assert (code, out) == (1, "")
    assert b"revcycle pipeline: cannot read /nonexistent/opps.json" in terminal


def test_piped_the_verb_does_not_import_rich() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "revcycle", *VERBS["pipeline"]],
        capture_output=True,
        text=True,
        env=_env(),
        check=False,
    )
    assert done.returncode == 0
    imported = {line.rpartition("|")[2].strip() for line in done.stderr.splitlines()}
    assert "revcycle.cli._progress" in imported
    assert not {name for name in imported if name.split(".")[0] == "rich"}


# --------------------------------------------------------------------------------------------
# In process: the helper's choices


class _Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def _terminal(monkeypatch: pytest.MonkeyPatch) -> _Terminal:
    """Standard error as a terminal, for the rest of the test (patched in the test's body:
    pytest's capture sets ``sys.stderr`` again between a fixture and the test)."""
    stream = _Terminal()
    monkeypatch.setattr(sys, "stderr", stream)
    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_INTERACTIVE", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    return stream


def test_not_a_terminal_gives_the_silent_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    with progress(2) as steps:
        assert type(steps) is Steps
        steps.step("reading")
        steps.writing()
    assert stream.getvalue() == ""


def test_without_rich_nothing_is_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _terminal(monkeypatch)
    for name in ("rich", "rich.console", "rich.progress"):
        monkeypatch.setitem(sys.modules, name, None)  # importing it fails, as on a plain install
    with progress(2) as steps:
        assert type(steps) is Steps
        steps.step("reading")
    assert terminal.getvalue() == ""


def test_on_a_terminal_the_steps_are_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("rich")
    terminal = _terminal(monkeypatch)
    with progress(2) as steps:
        assert type(steps) is not Steps
        steps.step("billing")
        steps.step("reading [bold]x.json")  # a file name is text, not markup
    shown = terminal.getvalue()
    assert "reading [bold]x.json" in shown  # the last frame, drawn as the display stops
    assert "1/2" in shown
    assert shown.endswith("\x1b[2K")  # and erased: the display is transient


def test_writing_is_a_step_when_standard_output_is_not_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("rich")
    terminal = _terminal(monkeypatch)
    with progress(2) as steps:
        steps.step("rating")
        steps.writing()  # standard output (pytest's capture) is not a terminal
    assert "writing" in terminal.getvalue()


def test_writing_to_a_terminal_erases_the_display_first(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("rich")
    terminal = _terminal(monkeypatch)
    out = _Terminal()
    monkeypatch.setattr(sys, "stdout", out)
    with progress(2) as steps:
        steps.step("rating")
        steps.writing()
        erased = terminal.getvalue()
        print("the result")
    assert erased.endswith("\x1b[2K")
    assert "writing" not in erased
    assert terminal.getvalue() == erased  # nothing drawn after the output began
    assert out.getvalue() == "the result\n"


def test_source_name() -> None:
    assert source_name("-") == "standard input"
    assert source_name("/tmp/books/contracts.json") == "contracts.json"
    assert _progress.__all__ == ["Steps", "progress", "source_name"]
