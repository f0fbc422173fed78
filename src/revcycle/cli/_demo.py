"""``revcycle demo``: walk the revenue cycle on the built-in sample data."""

from __future__ import annotations

import argparse
from typing import Any

from revcycle._demo import run_demo
from revcycle.cli._common import console


def register(subparsers: Any) -> None:
    """Add the ``demo`` verb."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "demo",
        help="walk the revenue cycle on built-in sample data",
        description="Walk the revenue cycle on the built-in sample data and print what a "
        "person would want to see at each interval.",
    )
    parser.set_defaults(handler=_handle)


def _handle(_: argparse.Namespace) -> int:
    run_demo(console())
    return 0
