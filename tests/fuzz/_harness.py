"""The fuzz suite's hostile values and its bounded runner.

Every case runs under two bounds (:data:`CPU_SECONDS` of CPU time and :data:`PEAK_BYTES` of
memory traced by :mod:`tracemalloc`) and must end in a value or a
:class:`~revcycle.errors.RevcycleError`. A value that was accepted must then survive ``repr``,
``dumps``/``loads`` (equal after the round trip), ``explain()`` and its other public
observers (zero-argument methods and properties), under the same bounds.

With ``REVCYCLE_FUZZ_STATS=path`` every target appends one JSON line of figures per test run
(inputs tried, refused, accepted, the slowest case, the largest peak) for the closing report.
"""

from __future__ import annotations

import atexit
import decimal
import enum
import functools
import json
import math
import os
import resource
import signal
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
from hypothesis import strategies as st

from revcycle.errors import RevcycleError
from revcycle.serialization import dumps, loads


CPU_SECONDS = 2.0
"""The CPU time one case may take (the call and the checks on its result, each)."""

PEAK_BYTES = 256 * 1024 * 1024
"""The memory one case may trace at its peak."""

HANG_SECONDS = 20
"""A case still running after this much CPU time is stopped as a hang."""


class Hang(BaseException):
    """Raised by the CPU timer in a case that runs far past its bound (not an Exception, so
    that no ``except Exception`` in the code under test swallows it)."""


class BrokenPromiseError(AssertionError):
    """A case that broke a promise: an exception other than RevcycleError, a bound passed, a
    value that does not survive its checks."""


# --------------------------------------------------------------------------------------------
# Hostile values

_BIG = [10**18, 2**63 - 1, 2**63, 2**64, 10**40, 10**100, 10**4300, -(2**63), -(10**40)]
_HUGE_INT = 10**100_000  # 100,001 digits


@functools.cache  # built once: a strategy is cheap to draw from, dear to build
def _decimals() -> st.SearchStrategy[Decimal]:
    exponents = st.sampled_from([-(10**9), -999_999, -10_000, -101, -100, 39, 40, 999_999, 10**9])
    return st.one_of(
        st.sampled_from(
            [
                Decimal("NaN"),
                Decimal("sNaN"),
                Decimal("Infinity"),
                Decimal("-Infinity"),
                Decimal("-0"),
                Decimal("0E+99999"),
                Decimal("0E-99999"),
                Decimal("9" * 101),
                Decimal("1." + "3" * 120),
                Decimal("1e39") - 1,
                Decimal("-1E-100"),
            ]
        ),
        st.builds(lambda m, e: Decimal(f"{m}E{e}"), st.integers(-9, 9), exponents),
        st.decimals(allow_nan=True, allow_infinity=True),
    )


@functools.cache  # built once: a strategy is cheap to draw from, dear to build
def _texts() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(
            [
                "",
                " ",
                "\x00",
                "\ud800",
                "a\udcff",
                "NaN",
                "-inf",
                "1e999999999",
                "9" * 5000,
                "1_000",
                "12,30",
                "٣",
                "2024-13-45",
                "9999-12-31",
                "0001-01-01",
                "P99999999999Y",
                "P1.5M",
                "Net 99999999999999999999",
                "\n\r\t",
                "<script>",
                "'; DROP TABLE",
            ]
        ),
        st.text(max_size=30),
    )


def _nested(depth: int, kind: type) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value] if kind is list else {"a": value}
    return value


def _constants() -> list[Any]:
    import numpy as np

    return [
        *_BIG,
        _HUGE_INT,
        -_HUGE_INT,
        _nested(100_000, list),
        _nested(2_000, dict),
        [None] * 1000,
        list(range(100_000)),
        "x" * 100_000,
        {"": None},
        (),
        [],
        {},
        set(),
        frozenset({1}),
        object(),
        type,
        len,
        Fraction(1, 3),
        Fraction(10**200, 3),
        complex(1, 1),
        Ellipsis,
        range(10**18),
        b"",
        b"\xff\xfe",
        bytearray(b"12"),
        memoryview(b"1"),
        np.int64(19257),
        np.int64(-1),
        np.uint64(2**64 - 1),
        np.int8(-128),
        np.float64("nan"),
        np.float32(1.5),
        np.bool_(True),
        np.datetime64("2024-01-01"),
        np.array([1, 2]),
        date.min,
        date.max,
        date(2024, 2, 29),
        datetime.min,  # noqa: DTZ901 - naive on purpose
        datetime.max,  # noqa: DTZ901 - naive on purpose
        datetime(2024, 1, 1),  # noqa: DTZ001 - naive on purpose
        datetime(2024, 1, 1, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-12))),
        timedelta.max,
        timedelta(days=-1),
        timedelta(0),
        decimal.getcontext(),
        math,
        enum.Enum,
    ]


CONSTANTS = _constants()
"""Hostile values drawn by index: Hypothesis shows the index, never a 100,000-deep list."""


@functools.cache  # built once: a strategy is cheap to draw from, dear to build
def _printable() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        _decimals(),
        st.integers(),
        st.booleans(),
        st.none(),
        _texts(),
    )


def hostile(data: st.DataObject, label: str = "hostile") -> Any:
    """A value no public argument should take without a clear RevcycleError (or a valid
    result): floats, NaN, infinities, huge and tiny exponents, 10⁵-digit ints, bools, None,
    bytes, surrogates, deep lists and dicts, numpy scalars, wrong types, negative and zero
    sizes, the calendar's first and last days, naive and aware datetimes."""
    if data.draw(_IS_CONSTANT, label=f"{label} is a constant"):
        return CONSTANTS[data.draw(_CONSTANT_INDEX, label=label)]
    return data.draw(_printable(), label=label)


_IS_CONSTANT = st.booleans()
_CONSTANT_INDEX = st.integers(0, len(CONSTANTS) - 1)


# --------------------------------------------------------------------------------------------
# Bounded runs


@contextmanager
def _cpu_guard(what: str) -> Iterator[None]:
    """Stop a case that runs far past its bound (a hang) with :class:`Hang`."""

    def stop(*_: Any) -> None:
        raise Hang(f"{what}: still running after {HANG_SECONDS} s of CPU time")

    previous = signal.signal(signal.SIGPROF, stop)
    signal.setitimer(signal.ITIMER_PROF, HANG_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


# A case that takes less CPU time than this cannot have touched 256 MB; others are run a
# second time under tracemalloc, which slows Python's allocations two to four times (so the
# CPU time is measured on the first, untraced run).
_TRACE_AFTER = 0.02


def _outcome(thunk: Callable[[], Any]) -> tuple[Any, Exception | None]:
    """``(value, None)`` or ``(None, the exception)``: a Hang goes on up (it is no Exception)."""
    try:
        return thunk(), None
    except Exception as caught:
        return None, caught


def _status(key: str) -> int:
    """A figure of this process's ``/proc/self/status`` (``VmRSS``, ``VmHWM``), in bytes."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(key)


def _resident_peak(thunk: Callable[[], Any]) -> tuple[Any, Exception | None, float]:
    """``thunk``'s outcome and how far it raised the process's resident memory: the kernel's
    high-water mark (``VmHWM``, reset through ``/proc/self/clear_refs``) over the resident
    size before the call."""
    with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
        clear.write("5")  # Linux: reset the high-water mark to the current resident size
    before = _status("VmRSS")
    value, error = _outcome(thunk)
    return value, error, float(_status("VmHWM") - before)


def measure(
    what: str, thunk: Callable[[], Any], *, resident: bool = False
) -> tuple[Any, BaseException | None, dict[str, float]]:
    """Run ``thunk`` (a pure call) under the bounds: its CPU time untraced, its memory peak
    traced (a second run, for a case that took noticeable time); ``(value, error, figures)``.
    A bound passed is a :class:`BrokenPromiseError`.

    With ``resident``, the memory is what the one run added to the process's resident peak
    instead: :mod:`tracemalloc` slows cattrs' generated functions some thirty times (a
    document at the value limit takes 20 s traced for 0.9 s untraced), and counts less than
    the kernel does (the allocator's own overhead is not traced).
    """
    figures: dict[str, float] = {"cpu": 0.0, "peak": 0.0}
    value: Any = None
    error: BaseException | None = None
    with _cpu_guard(what):
        start = time.process_time()
        if resident:
            value, error, figures["peak"] = _resident_peak(thunk)
        else:
            value, error = _outcome(thunk)
        figures["cpu"] = time.process_time() - start
    if figures["cpu"] > CPU_SECONDS:
        raise BrokenPromiseError(
            f"{what}: {figures['cpu']:.2f} s of CPU time (bound {CPU_SECONDS} s)"
        )
    if figures["cpu"] > _TRACE_AFTER and not resident:
        value = error = None  # the first run's objects are freed before the traced one
        with _cpu_guard(what):
            tracemalloc.start()
            try:
                value, error = _outcome(thunk)
            finally:
                figures["peak"] = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
    if figures["peak"] > PEAK_BYTES:
        raise BrokenPromiseError(
            f"{what}: {figures['peak'] / 2**20:.0f} MB traced at the peak "
            f"(bound {PEAK_BYTES / 2**20:.0f} MB)"
        )
    return value, error, figures


@attrs.define
class Stats:
    """Figures of one target over one test run."""

    target: str
    tried: int = 0
    accepted: int = 0
    refused: int = 0
    escaped: int = 0
    over_bounds: int = 0
    disagreements: int = 0
    cpu_max: float = 0.0
    peak_max: float = 0.0

    def add(self, figures: dict[str, float]) -> None:
        self.cpu_max = max(self.cpu_max, figures.get("cpu", 0.0))
        self.peak_max = max(self.peak_max, figures.get("peak", 0.0))


_STATS: dict[str, Stats] = {}


def stats(target: str) -> Stats:
    """The figures of ``target`` in this run (written out at exit with REVCYCLE_FUZZ_STATS)."""
    return _STATS.setdefault(target, Stats(target))


@atexit.register
def _write_stats() -> None:
    path = os.environ.get("REVCYCLE_FUZZ_STATS")
    if not path or not _STATS:
        return
    with open(path, "a", encoding="utf-8") as out:
        for item in _STATS.values():
            out.write(json.dumps(attrs.asdict(item)) + "\n")


def call(what: str, thunk: Callable[[], Any], *, resident: bool = False) -> tuple[bool, Any]:
    """Run ``thunk`` bounded: ``(True, value)`` for a value, ``(False, error)`` for a
    RevcycleError; anything else fails the case (``resident``: see :func:`measure`)."""
    record = stats(what)
    record.tried += 1
    try:
        value, error, figures = measure(what, thunk, resident=resident)
    except BrokenPromiseError:
        record.over_bounds += 1
        raise
    record.add(figures)
    if error is None:
        record.accepted += 1
        return True, value
    if not isinstance(error, RevcycleError):  # the promise under test: nothing else escapes
        record.escaped += 1
        raise BrokenPromiseError(
            f"{what}: {type(error).__name__} escaped: {_short(error)}"
        ) from error
    record.refused += 1
    _check_message(what, error)
    return False, error


def _short(error: BaseException) -> str:
    try:
        text = str(error)
    except Exception as inner:  # a message that cannot even be shown
        return f"<str() failed: {type(inner).__name__}>"
    return text[:300]


def _check_message(what: str, error: RevcycleError) -> None:
    """A refusal's message must be showable and of a readable size."""
    try:
        text = str(error)
    except Exception as inner:
        raise BrokenPromiseError(
            f"{what}: the {type(error).__name__}'s message fails: {type(inner).__name__}"
        ) from inner
    if len(text) > 20_000:
        raise BrokenPromiseError(
            f"{what}: a {type(error).__name__} message of {len(text):,} characters"
        )


# --------------------------------------------------------------------------------------------
# Checks on an accepted value

_SKIP_OBSERVERS = frozenset(
    {
        "to_pandas",  # = to_arrow() with pandas dtypes; to_arrow() is checked
        "register_type_strategies",
    }
)


def observers(value: Any) -> list[tuple[str, Callable[[], Any]]]:
    """The public zero-argument methods and properties of ``value``, as thunks."""
    cls = type(value)
    found: list[tuple[str, Callable[[], Any]]] = []
    for name in dir(cls):
        if name.startswith("_") and name not in ("_repr_html_",):
            continue
        if name in _SKIP_OBSERVERS:
            continue
        attribute = getattr(cls, name, None)
        if isinstance(attribute, property | _cached_property_type()):
            found.append((name, functools.partial(getattr, value, name)))
        elif callable(attribute) and not isinstance(attribute, type):
            bound = getattr(value, name)
            if _takes_no_arguments(bound):
                found.append((name, bound))
    return found


def _cached_property_type() -> type:
    import functools

    return functools.cached_property


def _takes_no_arguments(func: Callable[..., Any]) -> bool:
    import inspect

    if isinstance(func, enum.Enum) or getattr(func, "__self__", None) is None:
        return False  # a staticmethod or a class: not an observer of this value
    if isinstance(getattr(func, "__self__", None), type):
        return False  # a classmethod: a constructor
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        return False
    return all(
        p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        for p in signature.parameters.values()
    )


def check_value(
    what: str, value: Any, *, round_trip: bool = True, depth: int = 0, resident: bool = False
) -> None:
    """An accepted value must survive repr, the JSON round trip and its observers (the first
    items of a list or tuple, three levels down: a caller's own 100,000-deep list given back
    by ``unstructure`` holds no revcycle value to check); ``resident``: see :func:`measure`."""
    if value is None or isinstance(value, str | int | bool | Decimal | date | enum.Enum):
        return
    if isinstance(value, tuple | list):
        if depth < 3:
            for item in value[:5]:
                check_value(what, item, round_trip=round_trip, depth=depth + 1, resident=resident)
        return
    if not type(value).__module__.startswith("revcycle"):
        return
    call(f"{what} repr", lambda: repr(value), resident=resident)
    if round_trip:
        ok, text = call(f"{what} dumps", lambda: dumps(value), resident=resident)
        if not ok:
            raise BrokenPromiseError(f"{what}: dumps() refused an accepted value: {_short(text)}")
        # What dumps wrote must read back, the size limits raised to its own size (a value
        # read at the limits can write more values than it read: defaults are written out).
        ok, back = call(
            f"{what} loads",
            lambda: loads(text, type(value), max_size=len(text) + 1, max_values=len(text) + 1),
            resident=resident,
        )
        if not ok:
            raise BrokenPromiseError(
                f"{what}: loads() refused what dumps() wrote: {_short(back)}\n{text[:2000]}"
            )
        if back != value:
            raise BrokenPromiseError(
                f"{what}: the JSON round trip changed the value:\n{text[:2000]}"
            )
    for name, thunk in observers(value):
        call(f"{what} .{name}", thunk, resident=resident)


def limit_memory() -> None:
    """Cap the data segment of a child process (for subprocess runs) at 1 GiB."""
    resource.setrlimit(resource.RLIMIT_DATA, (2**30, 2**30))
