"""revcycle.plotting: each plot draws on the Agg backend, and what it draws is the library's
own figures — bar bases and heights, curve points — for the sample data.

Known answers cite their source: the sample quote's SEAT line (tests/test_quotes.py, the
sample quote's waterfall), the sample book's ARR bridge worked by hand in
tests/test_metrics.py (23,100.00 → 28,530.00), the issue's tier table (tests/test_pricing.py:
graduated 6 → 41.50, 11 → 73.50; volume 6 → 39.00).
"""

from __future__ import annotations

import importlib
import json
import runpy
import sys
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import matplotlib


matplotlib.use("Agg")

import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

import revcycle
from revcycle import Contract, Money, Period, arr_bridge, plotting, samples
from revcycle.catalog import Catalog
from revcycle.errors import (
    CurrencyMismatchError,
    MissingExtraError,
    RevcycleTypeError,
    ValidationError,
)
from revcycle.pipeline import Pipeline
from revcycle.pricing import AnyPricingModel, Graduated, Stairstep, Tier, Volume
from revcycle.quotes import Quote, price_quote
from revcycle.receivables import OpenItem, aging
from revcycle.serialization import loads


ROOT = Path(__file__).resolve().parents[1]

CATALOG = loads(samples.read_text("catalog.json"), Catalog)
QUOTE = price_quote(loads(samples.read_text("quote.json"), Quote), CATALOG)
PIPELINE = loads(samples.read_text("opportunities.json"), Pipeline)
BOOK = loads(samples.read_text("contracts.json"), list[Contract])
BRIDGE = arr_bridge(BOOK, Period.inclusive(date(2027, 7, 1), date(2028, 6, 30)))
ITEMS = loads(json.dumps(json.loads(samples.read_text("open_items.json"))["items"]), list[OpenItem])
AGING = aging(ITEMS, date(2025, 8, 31))


def usd(amount: str) -> Money:
    return Money(amount, "USD")


ISSUE_TIERS = (
    Tier(Decimal("5"), unit_price=usd("7.00")),
    Tier(Decimal("10"), unit_price=usd("6.50")),
    Tier(None, unit_price=usd("6.00")),
)


def new_axes() -> Axes:
    """An Axes on a Figure of its own (no pyplot, nothing left open)."""
    return Figure().add_subplot()


def bars(ax: Axes) -> list[Rectangle]:
    return [patch for patch in ax.patches if isinstance(patch, Rectangle)]


def bottoms_and_heights(ax: Axes) -> list[tuple[float, float]]:
    return [(bar.get_y(), bar.get_height()) for bar in bars(ax)]


def floats(*values: str | Decimal) -> list[float]:
    return [float(value) for value in values]


# --------------------------------------------------------------------------------------------
# price_waterfall


def test_price_waterfall_draws_the_lines_steps() -> None:
    line = QUOTE.lines[0]  # SEAT: 100.00 list, 10 % volume, term × 2, 15 % additional, 5 %
    ax = new_axes()
    assert plotting.price_waterfall(line, ax=ax) is ax
    # By hand: list 0 → 100; contracted unchanged; volume 100 → 90; term 90 → 180; additional
    # 180 → 153; partner 153 → 145.35; distributor unchanged; net 0 → 145.35.
    assert bottoms_and_heights(ax) == [
        (0.0, 100.0),
        (100.0, 0.0),
        (90.0, 10.0),
        (90.0, 90.0),
        (153.0, 27.0),
        (145.35, 7.65),
        (145.35, 0.0),
        (0.0, 145.35),
    ]
    # The same as the library's own steps, bar for bar.
    levels = [Decimal(0), *(step.unit_price.amount for step in line.steps)]
    expected = [
        (float(min(a, b)), float(abs(b - a)))
        for a, b in zip([Decimal(0), *levels[1:-1]], levels[1:], strict=True)
    ]
    expected.append((0.0, float(line.net_unit_price.amount)))
    assert bottoms_and_heights(ax) == expected
    assert [tick.get_text() for tick in ax.get_xticklabels()] == [
        *(step.name.value for step in line.steps),
        "net",
    ]
    assert [text.get_text() for text in ax.texts][-1] == "145.35 USD"
    assert "net total 1453.50 USD" in ax.get_title()
    # A step that changes nothing is a line at its level: a zero-height bar with an edge.
    assert bars(ax)[1].get_linewidth() > 0


def test_price_waterfall_of_every_sample_line_ends_at_its_net_unit_price() -> None:
    for line in QUOTE.lines:
        ax = new_axes()
        plotting.price_waterfall(line, ax=ax)
        assert bars(ax)[-1].get_height() == float(line.net_unit_price.amount)
        assert bars(ax)[0].get_height() == float(line.steps[0].unit_price.amount)


# --------------------------------------------------------------------------------------------
# pipeline_by_stage


def test_pipeline_by_stage_draws_the_amount_of_each_stage() -> None:
    ax = new_axes()
    assert plotting.pipeline_by_stage(PIPELINE, ax=ax) is ax
    totals = PIPELINE.by_stage()
    assert [bar.get_width() for bar in bars(ax)] == [float(t.amount.amount) for t in totals]
    # samples/opportunities.json stage by stage: 200,000 prospecting, two empty stages,
    # 80,000, 30,000, 64,800.00 in negotiation, 135,000 won (two deals), 95,000 lost (two).
    assert [bar.get_width() for bar in bars(ax)] == floats(
        "200000", "0", "0", "80000", "30000", "64800", "135000", "95000"
    )
    # Centred: each bar starts half its width left of zero.
    assert all(bar.get_x() == -bar.get_width() / 2 for bar in bars(ax))
    labels = [label.get_text() for label in ax.get_yticklabels()]
    assert labels == [t.stage for t in totals]
    colours = [bar.get_facecolor() for bar in bars(ax)]
    assert colours[-2] != colours[-1] != colours[0]  # won, lost and open differ
    assert colours[0] == colours[3]
    assert ax.texts[-1].get_text() == "95000.00 USD · 2 deals"


def test_pipeline_by_stage_weighted_and_from_a_report() -> None:
    ax = new_axes()
    plotting.pipeline_by_stage(PIPELINE, weighted=True, ax=ax)
    assert [bar.get_width() for bar in bars(ax)] == [
        float(t.weighted.amount) for t in PIPELINE.by_stage()
    ]
    assert "weighted" in ax.get_title()
    report = PIPELINE.report(date(2030, 1, 1), currency="USD")
    from_report = new_axes()
    assert plotting.pipeline_by_stage(report, ax=from_report) is from_report
    assert [bar.get_width() for bar in bars(from_report)] == [
        float(t.amount.amount) for t in report.by_stage
    ]
    assert plotting.pipeline_by_stage(report, currency="USD", ax=new_axes())
    with pytest.raises(CurrencyMismatchError, match="in USD, not EUR"):
        plotting.pipeline_by_stage(report, currency="EUR", ax=new_axes())
    with pytest.raises(RevcycleTypeError, match="True or False"):
        plotting.pipeline_by_stage(PIPELINE, weighted="yes", ax=new_axes())  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# arr_bridge


def test_arr_bridge_draws_the_sample_books_bridge_as_a_waterfall() -> None:
    ax = new_axes()
    assert plotting.arr_bridge(BRIDGE, ax=ax) is ax
    # tests/test_metrics.py by hand: 23,100 + 13,680 + 1,800 + 1,350 − 3,600 − 7,800 = 28,530.
    assert bottoms_and_heights(ax) == [
        (0.0, 23100.0),
        (23100.0, 13680.0),
        (36780.0, 1800.0),
        (38580.0, 1350.0),
        (36330.0, 3600.0),
        (28530.0, 7800.0),
        (0.0, 28530.0),
    ]
    # Each movement's bar is the library's figure, and the last bar its closing ARR.
    heights = [bar.get_height() for bar in bars(ax)]
    assert heights == [
        float(figure.amount)
        for figure in (
            BRIDGE.opening,
            BRIDGE.new,
            BRIDGE.expansion,
            BRIDGE.reactivation,
            BRIDGE.contraction,
            BRIDGE.churn,
            BRIDGE.closing,
        )
    ]
    assert [tick.get_text() for tick in ax.get_xticklabels()] == [
        "opening",
        "new",
        "expansion",
        "reactivation",
        "contraction",
        "churn",
        "closing",
    ]
    assert [text.get_text() for text in ax.texts] == [
        "23100.00 USD",
        "+13680.00 USD",
        "+1800.00 USD",
        "+1350.00 USD",
        "−3600.00 USD",
        "−7800.00 USD",
        "28530.00 USD",
    ]
    assert ax.get_title() == "ARR bridge 2027-07-01 → 2028-06-30"


# --------------------------------------------------------------------------------------------
# aging_buckets


def test_aging_buckets_draws_the_reports_buckets() -> None:
    ax = new_axes()
    assert plotting.aging_buckets(AGING, ax=ax) is ax
    (row,) = AGING.totals
    assert [bar.get_height() for bar in bars(ax)] == [
        float(bucket.total.amount) for bucket in row.buckets
    ]
    # The sample open items as of 2025-08-31, bucket by bucket (59,750.50 open in all).
    assert [bar.get_height() for bar in bars(ax)] == floats(
        "0", "0", "10480.00", "16750.00", "4250.00", "28270.50"
    )
    assert [tick.get_text() for tick in ax.get_xticklabels()] == [
        "current",
        "1-30",
        "31-60",
        "61-90",
        "91-120",
        "120+",
    ]
    assert "59750.50 USD open" in ax.get_title()


def test_aging_buckets_of_one_account_and_of_one_currency() -> None:
    account = AGING.rows[0]
    ax = new_axes()
    plotting.aging_buckets(AGING, account=account.account, ax=ax)
    assert [bar.get_height() for bar in bars(ax)] == [
        float(bucket.total.amount) for bucket in account.buckets
    ]
    with pytest.raises(ValidationError, match="No account 'Nobody'"):
        plotting.aging_buckets(AGING, account="Nobody", ax=new_axes())
    mixed = aging(
        [*ITEMS, OpenItem("E-1", "Contoso", date(2025, 8, 1), Money("10", "EUR"))], AGING.as_of
    )
    with pytest.raises(CurrencyMismatchError, match=r"EUR, USD|USD, EUR"):
        plotting.aging_buckets(mixed, ax=new_axes())
    euros = new_axes()
    plotting.aging_buckets(mixed, currency="EUR", ax=euros)
    assert [bar.get_height() for bar in bars(euros)] == floats("0", "10", "0", "0", "0", "0")
    with pytest.raises(ValidationError, match="nothing in GBP"):
        plotting.aging_buckets(mixed, currency="GBP", ax=new_axes())


# --------------------------------------------------------------------------------------------
# tier_curve


def xs(line: Line2D) -> list[float]:
    """A curve's x data, as drawn."""
    return [float(x) for x in cast("Sequence[float]", line.get_xdata())]


def ys(line: Line2D) -> list[float]:
    """A curve's y data, as drawn."""
    return [float(y) for y in cast("Sequence[float]", line.get_ydata())]


def test_tier_curve_draws_a_graduated_plans_total_and_unit_price() -> None:
    model = Graduated(ISSUE_TIERS)
    ax = new_axes()
    assert plotting.tier_curve(model, up_to=12, points=13, ax=ax) is ax
    (total,) = ax.get_lines()
    # 0, 1, ... 12: every whole quantity (the bounds 5 and 10 among them).
    assert xs(total) == [float(q) for q in range(13)]
    assert ys(total) == [float(model.price(q).amount) for q in range(13)]
    at = dict(zip(xs(total), ys(total), strict=True))
    assert (at[6.0], at[11.0]) == (41.5, 73.5)  # 5 × 7.00 + 6.50; 67.50 + 6.00
    (right,) = [other for other in ax.figure.axes if other is not ax]
    (unit,) = right.get_lines()
    assert unit.get_linestyle() == "--"
    assert xs(unit) == [float(q) for q in range(1, 13)]
    assert ys(unit) == [float(model.unit_price_at(q).amount) for q in range(1, 13)]
    legend = right.get_legend()
    assert legend is not None
    assert [text.get_text() for text in legend.get_texts()] == [
        "Graduated: total (79.50 USD at 12)",  # 5 × 7.00 + 5 × 6.50 + 2 × 6.00
        "Graduated: unit price (6.625 USD at 12, right axis)",
    ]


def test_tier_curve_puts_each_tier_bound_on_the_curve() -> None:
    ax = new_axes()
    plotting.tier_curve(Volume(ISSUE_TIERS), up_to=12, points=4, unit_price=False, ax=ax)
    (total,) = ax.get_lines()
    # 0, 4, 8, 12 and the bounds 5 and 10, where volume pricing jumps (10 → 65.00, 12 → 72.00).
    assert xs(total) == floats("0", "4", "5", "8", "10", "12")
    assert ys(total) == floats("0", "28", "35", "52", "65", "72")


def test_tier_curve_compares_three_models_on_one_axes() -> None:
    bounds = [Tier(Decimal(10), unit_price=usd("10.00")), Tier(Decimal(50), unit_price=usd("8.00"))]
    models: dict[str, AnyPricingModel] = {
        "graduated": Graduated([*bounds, Tier(None, unit_price=usd("6.00"))]),
        "volume": Volume([*bounds, Tier(None, unit_price=usd("6.00"))]),
        "stairstep": Stairstep(
            [
                Tier(Decimal(10), flat_price=usd("100.00")),
                Tier(Decimal(50), flat_price=usd("400.00")),
            ],
            overage_unit_price=usd("6.00"),
        ),
    }
    quantities = [0, 5, 10, 11, 50, 51, 80]
    ax = new_axes()
    for name, model in models.items():
        plotting.tier_curve(model, quantities=quantities, label=name, ax=ax)
    # One left and one shared right axis; a colour per model, the same on both.
    assert len(ax.figure.axes) == 2
    right = ax.figure.axes[1]
    assert len(ax.get_lines()) == len(right.get_lines()) == 3
    for model, total, unit in zip(models.values(), ax.get_lines(), right.get_lines(), strict=True):
        assert ys(total) == [float(model.price(q).amount) for q in quantities]
        assert ys(unit) == [float(model.unit_price_at(q).amount) for q in quantities[1:]]
        assert total.get_color() == unit.get_color()
    assert len({line.get_color() for line in ax.get_lines()}) == 3
    # At 80: graduated 100 + 320 + 180 = 600.00, volume 80 × 6.00 = 480.00, stairstep
    # 400.00 + 30 × 6.00 = 580.00.
    assert [ys(line)[-1] for line in ax.get_lines()] == [600.0, 480.0, 580.0]
    legend = right.get_legend()
    assert legend is not None
    assert len(legend.get_texts()) == 6
    assert ax.get_legend() is None


@pytest.mark.parametrize(
    ("arguments", "error", "match"),
    [
        ({}, ValidationError, "either up_to"),
        ({"up_to": 10, "quantities": [1, 2]}, ValidationError, "not both"),
        ({"up_to": 0}, ValidationError, "above zero"),
        ({"up_to": 10, "points": 1}, ValidationError, "at least 2 points"),
        ({"up_to": 10, "points": 2.0}, RevcycleTypeError, "points must be an int"),
        ({"quantities": [3, 3]}, ValidationError, "at least 2 different"),
        ({"quantities": [-1, 3]}, ValidationError, "not be negative"),
        ({"quantities": "12"}, RevcycleTypeError, "list of quantities"),
        ({"quantities": [0.5, 1]}, RevcycleTypeError, "float"),
        ({"up_to": 10, "total": False, "unit_price": False}, ValidationError, "nothing to draw"),
        ({"up_to": 10, "label": 3}, RevcycleTypeError, "label must be a str"),
    ],
)
def test_tier_curve_refuses_bad_arguments(
    arguments: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        plotting.tier_curve(Graduated(ISSUE_TIERS), ax=new_axes(), **arguments)


# --------------------------------------------------------------------------------------------
# Every plot


PLOTS: dict[str, Callable[..., Axes]] = {
    "price_waterfall": lambda ax=None: plotting.price_waterfall(QUOTE.lines[0], ax=ax),
    "pipeline_by_stage": lambda ax=None: plotting.pipeline_by_stage(PIPELINE, ax=ax),
    "arr_bridge": lambda ax=None: plotting.arr_bridge(BRIDGE, ax=ax),
    "aging_buckets": lambda ax=None: plotting.aging_buckets(AGING, ax=ax),
    "tier_curve": lambda ax=None: plotting.tier_curve(Graduated(ISSUE_TIERS), up_to=20, ax=ax),
}


@pytest.mark.parametrize("name", sorted(PLOTS))
def test_without_an_axes_each_plot_makes_a_figure(name: str) -> None:
    import matplotlib.pyplot as plt

    ax = PLOTS[name]()
    try:
        assert isinstance(ax, Axes)
        assert ax.figure in [plt.figure(number) for number in plt.get_fignums()]
    finally:
        plt.close(ax.figure)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", sorted(PLOTS))
def test_each_plot_needs_the_plot_extra(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    ax = new_axes()
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'revcycle\[plot\]'") as caught:
        PLOTS[name](ax)
    assert str(caught.value).startswith(f"{name}() needs the matplotlib package")


def test_the_module_imports_without_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [name for name in sys.modules if name.split(".")[0] == "matplotlib"]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.delitem(sys.modules, "revcycle.plotting")
    monkeypatch.setattr(revcycle, "plotting", plotting)  # put back after the import below
    fresh = importlib.import_module("revcycle.plotting")
    assert fresh is not plotting
    with pytest.raises(MissingExtraError, match=r"revcycle\[plot\]"):
        fresh.arr_bridge(BRIDGE)


@pytest.mark.parametrize("name", sorted(PLOTS))
def test_each_plot_refuses_what_is_not_its_result(name: str) -> None:
    function = getattr(plotting, name)
    with pytest.raises(RevcycleTypeError, match=f"{name}\\(\\)'s"):
        function(object(), ax=new_axes())


@pytest.mark.parametrize("name", sorted(PLOTS))
def test_each_plot_refuses_an_ax_that_is_not_an_axes(name: str) -> None:
    with pytest.raises(RevcycleTypeError, match="ax must be a matplotlib Axes"):
        PLOTS[name](Figure())


def test_the_docs_pictures_are_drawn_from_the_samples(tmp_path: Path) -> None:
    make_plots = runpy.run_path(str(ROOT / "docs" / "make_plots.py"))
    written = make_plots["draw_all"](tmp_path)
    assert sorted(path.name for path in written) == sorted(f"{name}.png" for name in PLOTS)
    for path in written:
        assert path.read_bytes().startswith(b"\x89PNG")
        assert (ROOT / "docs" / "_static" / "plots" / path.name).is_file()


def test_tier_curve_refuses_more_quantities_than_it_can_hold() -> None:
    # found by the long fuzz run (issue 16): quantities=range(10**18) were read one by one
    # into a set (a hang) before any size check.
    with pytest.raises(ValidationError, match="at most 10,000,000 items"):
        plotting.tier_curve(Volume(ISSUE_TIERS), quantities=range(10**18), ax=new_axes())
