"""Every entry point that needs an optional package, with that package blocked.

``sys.modules[name] = None`` is what an import sees when a package is not installed (the
import raises ImportError). Blocked in turn, each optional package's entry points -- the
``to_pandas()`` and ``to_arrow()`` of every aggregate, every ``revcycle.plotting`` function,
the holiday calendars, the command line's Rich tables, ``rate_usage_table`` and the Dask entry
points of ``revcycle.distributed`` -- raise the
same :class:`~revcycle.errors.MissingExtraError` naming ``pip install 'revcycle[extra]'``.
The aggregates are found, not listed: a new public class with ``to_pandas``/``to_arrow`` fails
:func:`test_every_aggregate_with_a_data_frame_is_covered` until it is added to
:func:`_aggregates`.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

import revcycle
import revcycle.plotting
from revcycle import samples
from revcycle.cli._aging import read_items
from revcycle.cli._common import print_table
from revcycle.cli._demo._seed import BRIDGE_YEAR, seed_story
from revcycle.cli._demo.s50_usage import _Events, _Plan
from revcycle.engagement import AccountJourney, summarize
from revcycle.errors import MissingExtraError
from revcycle.metrics import arr_bridge
from revcycle.pipeline import Pipeline
from revcycle.receivables import aging, schedule_interest
from revcycle.serialization import loads
from revcycle.terms import PaymentTerms
from revcycle.usage import UsageCharge, rate_usage


# The import names each extra brings (the first is the one an entry point imports first).
_PACKAGES = {
    "pandas": ("pandas",),
    "arrow": ("pyarrow", "pyarrow.compute"),
    "plot": ("matplotlib", "matplotlib.pyplot", "matplotlib.axes"),
    "holidays": ("holidays",),
    "cli": ("rich", "rich.console", "rich.table"),
    "dask": ("dask", "dask.bag", "dask.dataframe", "distributed"),
}
# Where public aggregates live: the package face and the subpackages with their own.
_MODULES = (
    "revcycle",
    "revcycle.amendments",
    "revcycle.billing",
    "revcycle.contracts",
    "revcycle.engagement",
    "revcycle.metrics",
    "revcycle.pipeline",
    "revcycle.quotes",
    "revcycle.receivables",
    "revcycle.terms",
    "revcycle.usage",
)


def _aggregates() -> list[object]:
    """One instance of every aggregate, from the built-in samples."""
    story = seed_story()
    run = revcycle.bill([story.contract], through=date(2025, 1, 1))
    pipeline = loads(samples.read_text("opportunities.json"), Pipeline)
    journeys = loads(samples.read_text("milestones.json"), tuple[AccountJourney, ...])
    events = loads(samples.read_text("usage_events.json"), _Events).events
    charges = loads(samples.read_text("usage_plan.json"), _Plan).charges
    items = read_items(samples.read_text("open_items.json"))
    schedule = PaymentTerms.parse("Net 30").schedule(date(2024, 1, 1), revcycle.Money("1", "USD"))
    return [
        story.priced,
        story.contract,
        story.upsell,
        run,
        run.invoices[0],
        arr_bridge(story.book, BRIDGE_YEAR),
        pipeline,
        pipeline.report(date(2025, 6, 20)),
        summarize(journeys),
        rate_usage(events, charges, revcycle.Period.of_month(2024, 1)),
        aging(items, date(2025, 6, 30)),
        schedule,
        schedule_interest(schedule, as_of=date(2024, 3, 31), rate=revcycle.Percent("12")),
    ]


def _public_classes_with(method: str) -> set[type]:
    found: set[type] = set()
    for name in _MODULES:
        module = importlib.import_module(name)
        for attribute in getattr(module, "__all__", ()):
            value = getattr(module, attribute)
            if inspect.isclass(value) and callable(getattr(value, method, None)):
                found.add(value)
    return found


@pytest.fixture
def block(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """``block(extra)``: the extra's packages cannot be imported until the test ends."""

    def blocker(extra: str) -> None:
        for name in _PACKAGES[extra]:
            monkeypatch.setitem(sys.modules, name, None)

    return blocker


def _raises_missing(extra: str, call: Callable[[], object]) -> MissingExtraError:
    install = f"pip install 'revcycle[{extra}]'"
    with pytest.raises(MissingExtraError, match=re.escape(install)) as caught:
        call()
    # One error class for every optional package: an ImportError and a RevcycleError.
    assert isinstance(caught.value, ImportError)
    assert isinstance(caught.value, revcycle.errors.RevcycleError)
    return caught.value


def test_every_aggregate_with_a_data_frame_is_covered() -> None:
    built = {type(aggregate) for aggregate in _aggregates()}
    assert _public_classes_with("to_pandas") <= built
    assert _public_classes_with("to_arrow") <= built


@pytest.mark.parametrize(
    ("method", "extra"), [("to_pandas", "pandas"), ("to_arrow", "arrow")], ids=["pandas", "arrow"]
)
def test_every_data_frame_needs_its_extra(
    method: str, extra: str, block: Callable[[str], None]
) -> None:
    aggregates = [a for a in _aggregates() if callable(getattr(a, method, None))]
    assert aggregates
    block(extra)
    for aggregate in aggregates:
        error = _raises_missing(extra, getattr(aggregate, method))
        assert f"{method}()" in str(error), type(aggregate).__name__


@pytest.mark.parametrize("name", revcycle.plotting.__all__)
def test_every_plot_needs_the_plot_extra(name: str, block: Callable[[str], None]) -> None:
    plot: Callable[..., Any] = getattr(revcycle.plotting, name)
    block("plot")
    # matplotlib is refused before the arguments are looked at.
    error = _raises_missing("plot", lambda: plot(None))
    assert str(error).startswith(f"{name}() needs the matplotlib package")


@pytest.mark.parametrize("calendar", ["CountryHolidays", "FinancialHolidays"])
def test_holiday_calendars_need_the_holidays_extra(
    calendar: str, block: Callable[[str], None]
) -> None:
    cls: Callable[[str], object] = getattr(revcycle.calendars, calendar)
    block("holidays")
    code = "US" if calendar == "CountryHolidays" else "ECB"
    error = _raises_missing("holidays", lambda: cls(code))
    assert str(error).startswith(f"{calendar} needs the holidays package")


def test_rich_tables_need_the_cli_extra(block: Callable[[str], None]) -> None:
    block("cli")
    error = _raises_missing("cli", lambda: print_table("T", ["a"], [["1"]]))
    assert "or use --format json" in str(error)


def test_rate_usage_table_needs_the_arrow_extra(
    block: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    import revcycle.usage
    from revcycle.usage import rate_usage_table

    # The columnar module imports pyarrow when it is first imported: drop it, as in a fresh
    # process without pyarrow (monkeypatch puts it back when the test ends).
    if "revcycle.usage._arrow" in sys.modules:
        monkeypatch.delitem(sys.modules, "revcycle.usage._arrow")
    if hasattr(revcycle.usage, "_arrow"):
        monkeypatch.delattr(revcycle.usage, "_arrow")
    block("arrow")
    charge = UsageCharge(
        revcycle.Meter("m", revcycle.Aggregation.SUM), revcycle.PerUnit(revcycle.Money("1", "USD"))
    )
    _raises_missing(
        "arrow",
        lambda: rate_usage_table(None, charge, revcycle.Period.of_month(2024, 1)),  # type: ignore[arg-type]
    )


def test_the_distributed_engines_need_the_dask_extra(block: Callable[[str], None]) -> None:
    import revcycle.distributed

    charge = UsageCharge(
        revcycle.Meter("m", revcycle.Aggregation.SUM), revcycle.PerUnit(revcycle.Money("1", "USD"))
    )
    block("dask")
    for call in (
        lambda: revcycle.distributed.bill([], through=date(2025, 3, 1)),
        lambda: revcycle.distributed.rate_usage(
            "events.parquet", charge, revcycle.Period.of_month(2024, 1)
        ),
    ):
        error = _raises_missing("dask", call)
        assert "revcycle.distributed" in str(error) or "Dask" in str(error), str(error)
