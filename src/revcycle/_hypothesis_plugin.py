"""Hypothesis entry point: lets ``st.from_type(Money)`` and friends build revcycle values."""

from __future__ import annotations

import sys


def _hypothesis_setup_hook() -> None:
    if "revcycle.testing" in sys.modules:
        # revcycle.testing itself is what imported Hypothesis; it registers its strategies
        # when it finishes loading.
        return
    from revcycle.testing import register_type_strategies

    register_type_strategies()
