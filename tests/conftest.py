"""Hypothesis profiles: ``ci`` (more examples, derandomized) and ``dev`` (the default), and
the fuzz suite's three: ``fuzz-ci`` (a few examples per target, a fixed seed: the CI step) and
``fuzz`` (10,000 examples per target, random: the long run of docs/reference/testing.md), and
``fuzz-wide`` (the same with 1,000: every target once over before the long run reaches it).
Choose one with ``REVCYCLE_HYPOTHESIS_PROFILE`` or ``--hypothesis-profile``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings


settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
_FUZZ_HEALTH = [
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.filter_too_much,
    HealthCheck.large_base_example,
]
settings.register_profile(
    "fuzz-ci",
    max_examples=4,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=_FUZZ_HEALTH,
)
settings.register_profile(
    "fuzz",
    max_examples=10_000,
    deadline=None,
    database=None,
    suppress_health_check=_FUZZ_HEALTH,
)
settings.register_profile(
    "fuzz-wide",
    parent=settings.get_profile("fuzz"),
    max_examples=1_000,
)
settings.load_profile(os.environ.get("REVCYCLE_HYPOTHESIS_PROFILE", "dev"))


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Leave the fuzz suite out unless the run selects it (``-m fuzz``): the default run's
    ``-m "not fuzz"`` would deselect its tests anyway, and not importing it keeps that run
    free of the suite's setup."""
    if collection_path.name == "fuzz" and "fuzz" in collection_path.parts[-2:]:
        markers = config.getoption("markexpr", "") or ""
        if "fuzz" not in markers or "not fuzz" in markers:
            return True
    return None
