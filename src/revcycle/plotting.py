"""Pictures of revcycle's results, drawn with matplotlib (the ``plot`` extra).

Five functions, each taking one of the library's own results and returning the matplotlib
:class:`~matplotlib.axes.Axes` it drew on (docs/reference/plotting.md):

* :func:`price_waterfall` — a priced quote line's unit price, step by step;
* :func:`pipeline_by_stage` — a pipeline's (or a pipeline report's) amount or weighted amount
  per stage, as a funnel;
* :func:`arr_bridge` — an :class:`~revcycle.metrics.ArrBridge` as a waterfall chart;
* :func:`aging_buckets` — an :class:`~revcycle.receivables.AgingReport`'s buckets;
* :func:`tier_curve` — a pricing model's total and effective unit price over quantities.

**Exact figures, float pixels.** Every figure is the library's own exact ``Decimal``: the
functions read the result objects' public fields and call no engine but a pricing model's own
``price`` and ``unit_price_at``. The drawing is the only place floats appear: each bar's base
and size, and each point of a curve, is an exact Decimal converted once with ``float()`` to a
position on the page (a difference of two figures is taken exactly first). Every number
written on a plot is the exact figure as text, through the same formatter as the library's
explanations (``12.50 USD``; ``≈`` and six places past six decimals).

**matplotlib's object API.** A function draws on the ``ax`` it is given and touches nothing
else; with ``ax=None`` it creates a figure with ``pyplot.subplots()`` (so a notebook shows it),
the only use of pyplot's global state. Importing this module does not import matplotlib; each
function does, and without it raises :class:`~revcycle.errors.MissingExtraError` naming
``pip install 'revcycle[plot]'``. A result of the wrong type raises
:class:`~revcycle.errors.RevcycleTypeError`.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from revcycle import samples
>>> from revcycle.pipeline import Pipeline, PipelineReport
>>> from revcycle.serialization import loads
>>> ax = pipeline_by_stage(loads(samples.read_text("opportunities.json"), Pipeline))
>>> [label.get_text() for label in ax.get_yticklabels()][:2]
['Prospecting', 'Qualification']
>>> ax.texts[0].get_text()
'200000.00 USD · 1 deal'
>>> matplotlib.pyplot.close(ax.figure)
"""

from __future__ import annotations

import itertools
import typing
import weakref
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from revcycle._display import amount_text, number_text
from revcycle._numbers import CTX, ZERO, plain, to_decimal
from revcycle._validate import require_extra, require_sequence
from revcycle.errors import CurrencyMismatchError, RevcycleTypeError, ValidationError, shown
from revcycle.metrics import ArrBridge
from revcycle.money import Currency, Money
from revcycle.pipeline import Pipeline, PipelineReport
from revcycle.pricing import AnyPricingModel, Quantity
from revcycle.quotes import PricedLine
from revcycle.receivables import AgingReport, AgingRow


if TYPE_CHECKING:
    from matplotlib.axes import Axes


__all__ = ["aging_buckets", "arr_bridge", "pipeline_by_stage", "price_waterfall", "tier_curve"]

# Differences of figures (a waterfall bar's size) are taken in a context wide enough that two
# 50-digit figures of any magnitudes subtract exactly; only additions and subtractions run in it.
_EXACT: Final = CTX.copy()
_EXACT.prec = 1000

# The colours: totals, rises, falls; the pipeline's open, won and lost stages; aging from
# current to the oldest bucket.
_TOTAL: Final = "#4c72b0"
_RISE: Final = "#55a868"
_FALL: Final = "#c44e52"
_LEVEL: Final = "#8c8c8c"
_OPEN: Final = "#4c72b0"
_WON: Final = "#55a868"
_LOST: Final = "#b0b0b0"
_AGES: Final = ("#55a868", "#e6c14a", "#eb9a3f", "#de6b3f", "#c44e52", "#8c2d3a")
_SIZE: Final = (9.0, 5.0)
_MODELS: Final = typing.get_args(AnyPricingModel)

# The second y axis (effective unit price) tier_curve drew beside an Axes, so that curves
# drawn on the same Axes share it.
_UNIT_AXES: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


# --------------------------------------------------------------------------------------------
# What every plot does first


def _matplotlib(feature: str) -> None:
    """Refuse, before anything else, to plot without matplotlib."""
    require_extra("matplotlib", "plot", feature)


def _axes(ax: object, feature: str) -> Axes:
    """``ax`` checked, or a new figure's Axes (the one use of pyplot)."""
    if ax is None:
        pyplot = require_extra("matplotlib.pyplot", "plot", feature)
        new: Axes = pyplot.subplots(figsize=_SIZE, layout="constrained")[1]
        return new
    axes = require_extra("matplotlib.axes", "plot", feature)
    if not isinstance(ax, axes.Axes):
        raise RevcycleTypeError(
            f"{feature}'s ax must be a matplotlib Axes or None, not {shown(ax)}."
        )
    given: Axes = ax
    return given


def _require(value: object, kind: type[Any] | tuple[type[Any], ...], what: str, a: str) -> None:
    if not isinstance(value, kind):
        raise RevcycleTypeError(f"{what} must be {a}, not {shown(value)}.")


def _flag(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise RevcycleTypeError(f"{what} must be True or False, not {shown(value)}.")
    return value


def _float(value: Decimal) -> float:
    """A figure as a position on the page: the one place revcycle turns a Decimal into a
    float, and only to draw it."""
    return float(value)


def _signed(money: Money, sign: str) -> str:
    return f"{sign}{amount_text(money)}"


# --------------------------------------------------------------------------------------------
# Waterfalls


class _Bar(NamedTuple):
    """One bar of a waterfall: its name, the level before and after it, and its label."""

    name: str
    start: Decimal
    end: Decimal
    text: str
    total: bool


def _waterfall(ax: Axes, bars: Sequence[_Bar], unit: str) -> None:
    """Draw ``bars`` left to right: a total from zero, a step from the previous level (green
    up, red down, grey unchanged), a dotted connector at each level, each bar labelled at its
    end (above a rise or total, below a fall)."""
    positions = list(range(len(bars)))
    bottoms, heights, colours = [], [], []
    for bar in bars:
        low, high = min(bar.start, bar.end), max(bar.start, bar.end)
        bottoms.append(_float(low))
        heights.append(_float(_EXACT.subtract(high, low)))
        if bar.total:
            colours.append(_TOTAL)
        else:
            colours.append(
                _RISE if bar.end > bar.start else _FALL if bar.end < bar.start else _LEVEL
            )
    # A step that changes nothing has no height: its edge draws it as a line at its level.
    ax.bar(
        positions,
        heights,
        bottom=bottoms,
        color=colours,
        edgecolor=colours,
        linewidth=[0.0 if height else 2.0 for height in heights],
        width=0.6,
        zorder=2,
    )
    for x, bar in enumerate(bars[:-1]):
        level = _float(bar.end)
        ax.plot([x + 0.3, x + 0.7], [level, level], color=_LEVEL, linestyle=":", linewidth=1)
    for x, bar in enumerate(bars):
        falls = bar.end < bar.start
        ax.annotate(
            bar.text,
            xy=(x, _float(bar.end)),
            xytext=(0, -4 if falls else 4),
            textcoords="offset points",
            ha="center",
            va="top" if falls else "bottom",
            fontsize=8,
        )
    ax.set_xticks(positions, [bar.name for bar in bars])
    ax.set_ylabel(unit)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.margins(y=0.12)
    ax.grid(axis="y", alpha=0.3, zorder=0)
    ax.set_axisbelow(True)


def price_waterfall(line: PricedLine, *, ax: Axes | None = None) -> Axes:
    """A priced quote line's unit price step by step (:attr:`PricedLine.steps
    <revcycle.quotes.PricedLine.steps>`: list, contracted, volume, term, additional, partner,
    distributor, and uplift on a renewal, in the order applied) as a waterfall chart.

    The first bar is the list price from zero, each step a bar from the price before it to the
    price after it, labelled with the price after it; the last bar is the net unit price. The
    title says the line and its net total (net unit price × quantity, rounded once).
    """
    _matplotlib("price_waterfall()")
    _require(line, PricedLine, "price_waterfall()'s line", "a PricedLine (a priced quote line)")
    steps = line.steps
    first = steps[0]
    bars = [
        _Bar(first.name.value, ZERO, first.unit_price.amount, amount_text(first.unit_price), True)
    ]
    for before, step in itertools.pairwise(steps):
        bars.append(
            _Bar(
                step.name.value,
                before.unit_price.amount,
                step.unit_price.amount,
                amount_text(step.unit_price),
                total=False,
            )
        )
    net = line.net_unit_price
    bars.append(_Bar("net", ZERO, net.amount, amount_text(net), total=True))
    axes = _axes(ax, "price_waterfall()")
    _waterfall(axes, bars, f"unit price ({line.currency.code})")
    axes.set_title(
        f"Line {line.number}: {line.sku}, unit price step by step (term × "
        f"{number_text(line.term_multiplier)})\nnet total {amount_text(line.net_total)} = "
        f"{amount_text(net)} × {plain(line.quantity)}, rounded once",
        fontsize=10,
    )
    return axes


def arr_bridge(bridge: ArrBridge, *, ax: Axes | None = None) -> Axes:
    """An :class:`~revcycle.metrics.ArrBridge` as a waterfall chart: opening ARR, then + new,
    + expansion, + reactivation, − contraction, − churn, and closing ARR, each movement a bar
    from the level before it, labelled with its exact figure."""
    _matplotlib("arr_bridge()")
    _require(bridge, ArrBridge, "arr_bridge()'s bridge", "an ArrBridge (revcycle.metrics)")
    level = bridge.opening.amount
    bars = [_Bar("opening", ZERO, level, amount_text(bridge.opening), total=True)]
    for name, figure, sign in (
        ("new", bridge.new, "+"),
        ("expansion", bridge.expansion, "+"),
        ("reactivation", bridge.reactivation, "+"),
        ("contraction", bridge.contraction, "−"),
        ("churn", bridge.churn, "−"),
    ):
        after = (_EXACT.add if sign == "+" else _EXACT.subtract)(level, figure.amount)
        bars.append(_Bar(name, level, after, _signed(figure, sign), total=False))
        level = after
    bars.append(_Bar("closing", ZERO, bridge.closing.amount, amount_text(bridge.closing), True))
    axes = _axes(ax, "arr_bridge()")
    _waterfall(axes, bars, f"ARR ({bridge.currency.code})")
    period = bridge.period
    axes.set_title(
        f"ARR bridge {period.start.isoformat()} → {period.last_day.isoformat()}", fontsize=10
    )
    return axes


# --------------------------------------------------------------------------------------------
# Bars


def _closed_stages(pipeline: Pipeline) -> dict[str, bool]:
    """Each closed stage of the pipeline's stage models: True when won."""
    closed: dict[str, bool] = {}
    seen: set[int] = set()
    for opportunity in pipeline.opportunities:
        model = opportunity.model
        if id(model) in seen:
            continue
        seen.add(id(model))
        for stage in model.stages:
            if stage.closed:
                closed.setdefault(stage.name, stage.won)
    return closed


def pipeline_by_stage(
    pipeline: Pipeline | PipelineReport,
    *,
    weighted: bool = False,
    currency: Currency | str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """A pipeline's amount per stage, every stage of its models in funnel order from the top,
    as a funnel of centred horizontal bars, each labelled with its exact amount and deal count.

    The figures are :meth:`Pipeline.by_stage <revcycle.pipeline.Pipeline.by_stage>`'s:
    ``amount``, or with ``weighted=True`` the weighted amount (amount × probability), in
    ``currency`` (the pipeline's report currency by default). Given a :class:`Pipeline
    <revcycle.pipeline.Pipeline>`, open stages are blue, won green and lost grey; given a
    :class:`PipelineReport <revcycle.pipeline.PipelineReport>` (its ``by_stage``, as of its
    date, in its currency; ``currency`` may only repeat it), every bar is blue, since a report
    does not say which stages are closed.
    """
    _matplotlib("pipeline_by_stage()")
    _require(
        pipeline,
        (Pipeline, PipelineReport),
        "pipeline_by_stage()'s pipeline",
        "a Pipeline or a PipelineReport",
    )
    weighted = _flag(weighted, "pipeline_by_stage()'s weighted")
    if isinstance(pipeline, PipelineReport):
        code = pipeline.currency.code
        if currency is not None and Currency.of(currency).code != code:
            raise CurrencyMismatchError(
                f"This pipeline report is in {code}, not {Currency.of(currency).code}; report "
                "the pipeline again with currency=... to plot it in another currency."
            )
        totals = pipeline.by_stage
        closed: dict[str, bool] = {}
    else:
        code = pipeline.report_currency(currency).code
        totals = pipeline.by_stage(currency)
        closed = _closed_stages(pipeline)
    figures = [total.weighted if weighted else total.amount for total in totals]
    widths = [_float(figure.amount) for figure in figures]
    colours = [
        _OPEN if total.stage not in closed else _WON if closed[total.stage] else _LOST
        for total in totals
    ]
    axes = _axes(ax, "pipeline_by_stage()")
    positions = list(range(len(totals)))
    axes.barh(positions, widths, left=[-width / 2 for width in widths], color=colours, height=0.7)
    widest = max(widths, default=0.0)
    for y, (total, figure, width) in enumerate(zip(totals, figures, widths, strict=True)):
        deals = f"{total.count} deal{'' if total.count == 1 else 's'}"
        inside = widest > 0 and width >= 0.45 * widest
        axes.annotate(
            f"{amount_text(figure)} · {deals}",
            xy=(0 if inside else width / 2, y),
            xytext=(0 if inside else 4, 0),
            textcoords="offset points",
            ha="center" if inside else "left",
            va="center",
            color="white" if inside else "black",
            fontsize=8,
        )
    axes.set_yticks(positions, [total.stage for total in totals])
    axes.invert_yaxis()
    axes.set_xticks([])
    axes.tick_params(axis="y", length=0)
    for side in ("top", "right", "bottom", "left"):
        axes.spines[side].set_visible(False)
    if widest > 0:
        axes.set_xlim(-widest * 0.55, widest * 0.75)
    what = "weighted amount (amount × probability)" if weighted else "amount"
    axes.set_title(f"Pipeline by stage: {what} in {code}", fontsize=10)
    return axes


def _aging_row(
    report: AgingReport, currency: Currency | str | None, account: str | None
) -> AgingRow:
    """The row of ``report`` to draw: an account's or the overall one, in one currency."""
    if currency is not None:
        report = report.for_currency(currency)
        if not report.totals:
            raise ValidationError(
                f"This aging report has nothing in {Currency.of(currency).code}; it holds "
                f"{', '.join(c.code for c in report.currencies) or 'no currency'}."
            )
    elif len(report.totals) > 1:
        codes = ", ".join(row.currency.code for row in report.totals)
        raise CurrencyMismatchError(
            f"This aging report holds several currencies ({codes}); pass currency=... to "
            "plot one of them."
        )
    if not report.totals:
        raise ValidationError(
            "This aging report is empty and has no currency, so it has no buckets to plot; pass "
            "currency=... to aging() to get zero buckets."
        )
    if account is None:
        return report.totals[0]
    rows = {row.account: row for row in report.rows}
    if account not in rows:
        known = ", ".join(repr(name) for name in rows) or "none"
        raise ValidationError(f"No account {shown(account)} in this aging report; it has {known}.")
    return rows[account]


def aging_buckets(
    report: AgingReport,
    *,
    account: str | None = None,
    currency: Currency | str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """An :class:`~revcycle.receivables.AgingReport`'s buckets as bars in bucket order
    (``current``, ``1-30`` … ``120+``; green to dark red), each labelled with its exact total.

    The overall row by default, or ``account``'s; a report in several currencies needs
    ``currency``. The title says the date, the total open and how much of it is overdue.
    """
    _matplotlib("aging_buckets()")
    _require(report, AgingReport, "aging_buckets()'s report", "an AgingReport")
    if account is not None and not isinstance(account, str):
        raise RevcycleTypeError(
            f"aging_buckets()'s account must be a str or None, not {shown(account)}."
        )
    row = _aging_row(report, currency, account)
    axes = _axes(ax, "aging_buckets()")
    positions = list(range(len(row.buckets)))
    colours = [_AGES[min(i, len(_AGES) - 1)] for i in positions]
    axes.bar(positions, [_float(b.total.amount) for b in row.buckets], color=colours, width=0.7)
    for x, bucket in enumerate(row.buckets):
        axes.annotate(
            amount_text(bucket.total),
            xy=(x, _float(bucket.total.amount)),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=8,
        )
    axes.set_xticks(positions, [bucket.label for bucket in row.buckets])
    axes.set_xlabel("days past due")
    axes.set_ylabel(f"open amount ({row.currency.code})")
    axes.margins(y=0.12)
    axes.grid(axis="y", alpha=0.3)
    axes.set_axisbelow(True)
    who = "all accounts" if row.account is None else row.account
    axes.set_title(
        f"Aging as of {report.as_of.isoformat()}, {who}: {amount_text(row.total)} open, "
        f"{amount_text(row.overdue)} overdue",
        fontsize=10,
    )
    return axes


# --------------------------------------------------------------------------------------------
# Curves


def _quantities(model: AnyPricingModel, up_to: Decimal, points: int) -> list[Decimal]:
    """``points`` evenly spaced quantities from 0 to ``up_to``, and every tier bound between,
    so a jump at a bound is drawn where it is."""
    last = points - 1
    found = {CTX.divide(CTX.multiply(up_to, i), last) for i in range(points)}
    for tier in getattr(model, "tiers", ()):
        if tier.up_to is not None and tier.up_to < up_to:
            found.add(tier.up_to)
    return sorted(found)


def _given(quantities: object) -> list[Decimal]:
    """The quantities given to tier_curve(), checked, sorted and each counted once."""
    if isinstance(quantities, (str, bytes)) or not isinstance(quantities, Iterable):
        raise RevcycleTypeError(
            f"tier_curve()'s quantities must be a list of quantities, not {shown(quantities)}."
        )
    given = require_sequence(quantities, "tier_curve()'s quantities")
    found = sorted({to_decimal(q, "a tier_curve() quantity") for q in given})
    if len(found) < 2:
        raise ValidationError(
            f"tier_curve() needs at least 2 different quantities, not {len(found)}."
        )
    if found[0] < 0:
        raise ValidationError(
            f"tier_curve()'s quantities must not be negative, not {plain(found[0])}."
        )
    return found


def tier_curve(
    model: AnyPricingModel,
    *,
    up_to: Quantity | None = None,
    quantities: Iterable[Quantity] | None = None,
    points: int = 201,
    total: bool = True,
    unit_price: bool = True,
    label: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """A pricing model's total price (solid) and effective unit price (dashed) over quantities,
    each point computed exactly with the model's own ``price`` and ``unit_price_at``; the
    legend gives each curve's exact figure at the largest quantity.

    The quantities are either ``up_to``'s — ``points`` evenly spaced ones from 0 to ``up_to``
    and every tier bound below it, so a jump at a bound is drawn where it is — or exactly the
    given ``quantities`` (sorted, each counted once; at least two); pass one of the two. The
    effective unit price (``price ÷ quantity``) starts at the first quantity above zero. With
    both curves, the total is on the left axis and the unit price on a second axis on the
    right; ``total=False`` or ``unit_price=False`` draws only the other one, on ``ax`` itself
    (a unit price can be steep near zero, so two Axes side by side often read better than one).

    Draw several models on one ``ax`` to compare them (graduated, volume and stairstep differ
    visibly at the bounds): each gets the next colour, they share the right axis, and
    ``label`` (the model's class name by default) names each in the legend.
    """
    _matplotlib("tier_curve()")
    _require(model, _MODELS, "tier_curve()'s model", "a pricing model (revcycle.pricing)")
    if isinstance(points, bool) or not isinstance(points, int):
        raise RevcycleTypeError(f"tier_curve()'s points must be an int, not {shown(points)}.")
    if points < 2:
        raise ValidationError(f"tier_curve() needs at least 2 points, not {points}.")
    if (up_to is None) == (quantities is None):
        raise ValidationError(
            "tier_curve() needs either up_to=... (the largest quantity) or quantities=[...] "
            "(the quantities to draw), not both and not neither."
        )
    if up_to is not None:
        top = to_decimal(up_to, "tier_curve()'s up_to")
        if top <= 0:
            raise ValidationError(f"tier_curve()'s up_to must be above zero, not {plain(top)}.")
        drawn = _quantities(model, top, points)
    else:
        drawn = _given(quantities)
        top = drawn[-1]
    total = _flag(total, "tier_curve()'s total")
    unit_price = _flag(unit_price, "tier_curve()'s unit_price")
    if not (total or unit_price):
        raise ValidationError(
            "tier_curve() has nothing to draw with total=False and unit_price=False."
        )
    if label is not None and not isinstance(label, str):
        raise RevcycleTypeError(f"tier_curve()'s label must be a str or None, not {shown(label)}.")
    name = type(model).__name__ if label is None else label
    totals = [model.price(q) for q in drawn] if total else []
    above_zero = [q for q in drawn if q > 0]
    units = [model.unit_price_at(q) for q in above_zero] if unit_price else []
    code = model.currency.code
    axes = _axes(ax, "tier_curve()")
    what = "Price" if total and unit_price else "Total price" if total else "Effective unit price"
    axes.set_title(f"{what} over quantities {plain(drawn[0])} to {plain(top)}", fontsize=10)
    axes.set_xlabel("quantity")
    axes.grid(alpha=0.3)
    at = f"at {plain(top)}"
    unit_axes: Axes = axes
    style: dict[str, Any] = {}
    if total:
        (curve,) = axes.plot(
            [_float(q) for q in drawn],
            [_float(figure.amount) for figure in totals],
            label=f"{name}: total ({amount_text(totals[-1])} {at})",
        )
        style["color"] = curve.get_color()
        axes.set_ylabel(f"total price ({code})")
        if unit_price:
            unit_axes = _UNIT_AXES.get(axes) or axes.twinx()
            _UNIT_AXES[axes] = unit_axes
    if unit_price:
        right = ", right axis" if unit_axes is not axes else ""
        unit_axes.plot(
            [_float(q) for q in above_zero],
            [_float(figure.amount) for figure in units],
            linestyle="--",
            label=f"{name}: unit price ({amount_text(units[-1])} {at}{right})",
            **style,
        )
        unit_axes.set_ylabel(f"effective unit price ({code})")
    _legend([axes, *([_UNIT_AXES[axes]] if axes in _UNIT_AXES else [])])
    return axes


def _legend(holders: list[Axes]) -> None:
    """One legend for the curves of an Axes and its right axis, on the one drawn last."""
    handles: list[Any] = []
    labels: list[str] = []
    for holder in holders:
        more_handles, more_labels = holder.get_legend_handles_labels()
        handles += more_handles
        labels += more_labels
        legend = holder.get_legend()
        if legend is not None:
            legend.remove()
    holders[-1].legend(handles, labels, fontsize=8, loc="best")
