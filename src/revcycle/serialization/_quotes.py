"""JSON hooks for quotes: the approval-rule union.

An approval rule travels with a ``"type"`` tag: ``{"type": "discount_above", "percent": "20",
"level": "sales manager"}``, ``"margin_below"`` (``margin``, ``level``) or ``"total_above"``
(``amount``, ``level``). Catalogs, quotes and priced quotes need nothing else: a priced line
keeps its waterfall steps in JSON.
"""

from __future__ import annotations

from typing import Any, Final

import cattrs

from revcycle.approvals import ApprovalRule, DiscountAbove, MarginBelow, TotalAbove
from revcycle.serialization._core import register_tagged_union


__all__ = ["APPROVAL_RULE_TAGS", "register"]

APPROVAL_RULE_TAGS: Final[dict[str, type[Any]]] = {
    "discount_above": DiscountAbove,
    "margin_below": MarginBelow,
    "total_above": TotalAbove,
}


def register(converter: cattrs.Converter) -> None:
    """Register the approval-rule union on ``converter``."""
    register_tagged_union(converter, ApprovalRule, APPROVAL_RULE_TAGS)
