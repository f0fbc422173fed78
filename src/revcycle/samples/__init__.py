"""Built-in sample data (JSON documents) used by the demo, the docs and the examples.

:func:`names` lists them; :func:`read_text` reads one and :func:`path` finds its file. A name
that is not a sample is an :class:`~revcycle.errors.UnknownCodeError` listing the names.

>>> names()[:3]
('catalog.json', 'contracts.json', 'milestones.json')
>>> read_text("quotes.json")
Traceback (most recent call last):
    ...
revcycle.errors.UnknownCodeError: Unknown sample 'quotes.json' (did you mean 'quote.json'?); the samples are catalog.json, contracts.json, milestones.json, open_items.json, opportunities.json, quote.json, seed_deal.json, stage_model.json, usage_events.json, usage_plan.json.
"""  # noqa: E501

from __future__ import annotations

import difflib
from importlib import resources
from importlib.resources.abc import Traversable

from revcycle.errors import UnknownCodeError, shown


__all__ = ["names", "path", "read_text"]


def names() -> tuple[str, ...]:
    """The names of the sample documents, sorted (``"catalog.json"``, ``"quote.json"`` ...)."""
    return tuple(
        sorted(
            entry.name
            for entry in resources.files(__name__).iterdir()
            if entry.is_file() and entry.name.endswith(".json")
        )
    )


def _sample(name: str) -> Traversable:
    known = names()
    if name not in known:
        close = difflib.get_close_matches(str(name)[:100], known, n=1)
        hint = f" (did you mean {shown(close[0])}?)" if close else ""
        raise UnknownCodeError(
            f"Unknown sample {shown(name)}{hint}; the samples are {', '.join(known)}."
        )
    return resources.files(__name__).joinpath(name)


def read_text(name: str) -> str:
    """The text of the sample file ``name`` (for example ``"quote.json"``)."""
    return _sample(name).read_text(encoding="utf-8")


def path(name: str) -> str:
    """A filesystem path to the sample file ``name`` (for the CLI and examples)."""
    return str(_sample(name))
