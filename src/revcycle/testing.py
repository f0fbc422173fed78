"""Hypothesis strategies."""


def _hypothesis_setup_hook() -> None:
    pass
