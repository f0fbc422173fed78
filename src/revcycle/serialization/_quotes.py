"""JSON hooks for quotes: the approval-rule union, and a priced line's optional model.

An approval rule travels with a ``"type"`` tag: ``{"type": "discount_above", "percent": "20",
"level": "sales manager"}``, ``"margin_below"`` (``margin``, ``level``) or ``"total_above"``
(``amount``, ``level``). A priced line keeps its waterfall steps in JSON, and its pricing model
(``null`` or a tagged model, as in a price book).
"""

from __future__ import annotations

from typing import Any, Final

import cattrs

from revcycle.approvals import ApprovalRule, DiscountAbove, MarginBelow, TotalAbove
from revcycle.pricing import AnyPricingModel
from revcycle.serialization._core import register_tagged_union


__all__ = ["APPROVAL_RULE_TAGS", "register"]

APPROVAL_RULE_TAGS: Final[dict[str, type[Any]]] = {
    "discount_above": DiscountAbove,
    "margin_below": MarginBelow,
    "total_above": TotalAbove,
}


def register(converter: cattrs.Converter) -> None:
    """Register the approval-rule union and the optional pricing model on ``converter``."""
    register_tagged_union(converter, ApprovalRule, APPROVAL_RULE_TAGS)
    # cattrs reads ``AnyPricingModel | None`` as a union of its own, blind to the model tags.
    model: Any = AnyPricingModel
    optional_model = AnyPricingModel | None
    converter.register_unstructure_hook(
        optional_model,
        lambda value: None if value is None else converter.unstructure(value, unstructure_as=model),
    )
    converter.register_structure_hook(
        optional_model,
        lambda data, _: None if data is None else converter.structure(data, model),
    )
