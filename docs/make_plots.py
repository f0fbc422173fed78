"""Draw one PNG per plot of ``revcycle.plotting`` from the sample data, for the docs site.

Run from the repository root: ``.venv/bin/python docs/make_plots.py`` (needs the ``plot`` extra).
The pictures land in ``docs/_static/plots/``; docs/reference/plotting.md shows them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from revcycle import Contract, Money, Period, arr_bridge, samples
from revcycle import plotting as plots
from revcycle.catalog import Catalog
from revcycle.pipeline import Pipeline
from revcycle.pricing import Graduated, Stairstep, Tier, Volume
from revcycle.quotes import Quote, price_quote
from revcycle.receivables import OpenItem, aging
from revcycle.serialization import loads


OUT = Path(__file__).resolve().parent / "_static" / "plots"
SIZE = (9.0, 5.0)


def _usd(text: str) -> Money:
    return Money(text, "USD")


def draw_all(out: Path = OUT) -> list[Path]:
    """Draw every plot from the samples into ``out``; the paths written."""
    catalog = loads(samples.read_text("catalog.json"), Catalog)
    quote = price_quote(loads(samples.read_text("quote.json"), Quote), catalog)
    pipeline = loads(samples.read_text("opportunities.json"), Pipeline)
    book = loads(samples.read_text("contracts.json"), list[Contract])
    bridge = arr_bridge(book, Period.inclusive(date(2027, 7, 1), date(2028, 6, 30)))
    items = json.loads(samples.read_text("open_items.json"))["items"]
    report = aging(loads(json.dumps(items), list[OpenItem]), date(2025, 8, 31))
    tiers = [
        Tier(Decimal(10), unit_price=_usd("10.00")),
        Tier(Decimal(50), unit_price=_usd("8.00")),
    ]
    graduated = Graduated([*tiers, Tier(None, unit_price=_usd("6.00"))])
    volume = Volume([*tiers, Tier(None, unit_price=_usd("6.00"))])
    stairstep = Stairstep(
        [
            Tier(Decimal(10), flat_price=_usd("100.00")),
            Tier(Decimal(50), flat_price=_usd("400.00")),
        ],
        overage_unit_price=_usd("6.00"),
    )

    def tiers_compared(figure: Figure) -> None:
        # Totals on the left, effective unit prices on the right: each on its own scale.
        totals, units = figure.subplots(1, 2)
        for model in (graduated, volume, stairstep):
            plots.tier_curve(model, up_to=80, unit_price=False, ax=totals)
            plots.tier_curve(model, up_to=80, total=False, ax=units)
        units.set_ylim(0, 25)

    def one(draw: Callable[[Axes], object]) -> Callable[[Figure], None]:
        def on(figure: Figure) -> None:
            draw(figure.add_subplot())

        return on

    drawings: dict[str, Callable[[Figure], None]] = {
        "price_waterfall.png": one(lambda ax: plots.price_waterfall(quote.lines[0], ax=ax)),
        "pipeline_by_stage.png": one(lambda ax: plots.pipeline_by_stage(pipeline, ax=ax)),
        "arr_bridge.png": one(lambda ax: plots.arr_bridge(bridge, ax=ax)),
        "aging_buckets.png": one(lambda ax: plots.aging_buckets(report, ax=ax)),
        "tier_curve.png": tiers_compared,
    }
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, draw in drawings.items():
        # A Figure of its own, without pyplot: no backend to choose, nothing left open.
        figure = Figure(figsize=SIZE, layout="constrained")
        draw(figure)
        path = out / name
        figure.savefig(path, dpi=100, metadata={"Software": None})
        written.append(path)
    return written


if __name__ == "__main__":
    for path in draw_all():
        print(path)
