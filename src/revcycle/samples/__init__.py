"""Built-in sample data (JSON documents) used by the demo, the docs and the examples."""

from __future__ import annotations

from importlib import resources


def read_text(name: str) -> str:
    """The text of the sample file ``name`` (for example ``"quote.json"``)."""
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def path(name: str) -> str:
    """A filesystem path to the sample file ``name`` (for the CLI and examples)."""
    return str(resources.files(__name__).joinpath(name))
