"""Hypothesis profiles: ``ci`` (more examples, derandomized) and ``dev`` (the default)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings


settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("REVCYCLE_HYPOTHESIS_PROFILE", "dev"))
