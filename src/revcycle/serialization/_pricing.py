"""JSON hooks for pricing models and manual discounts.

A pricing model travels as a tagged union: ``{"type": "graduated", "tiers": [...]}``. The tags
are :data:`PRICING_MODEL_TAGS`; other domains extend that mapping for their own unions (usage
adds ``"percentage"``). A :class:`~revcycle.pricing.Discount` is
``{"kind": "percent", "value": "10"}`` (a percent in percent points) or
``{"kind": "amount" | "unit_price" | "total", "value": {"amount": "5", "currency": "USD"}}``.
"""

from __future__ import annotations

from typing import Any, Final

import cattrs

from revcycle.money import Money, Percent
from revcycle.pricing import (
    AnyPricingModel,
    Discount,
    DiscountKind,
    Flat,
    Graduated,
    Package,
    PerUnit,
    Stairstep,
    Volume,
)
from revcycle.serialization._core import register_tagged_union, require_keys


__all__ = ["PRICING_MODEL_TAGS", "register"]

PRICING_MODEL_TAGS: Final[dict[str, type[Any]]] = {
    "flat": Flat,
    "per_unit": PerUnit,
    "graduated": Graduated,
    "volume": Volume,
    "stairstep": Stairstep,
    "package": Package,
}


def register(converter: cattrs.Converter) -> None:
    """Register the pricing-model union and the discount hooks on ``converter``."""
    register_tagged_union(converter, AnyPricingModel, PRICING_MODEL_TAGS)

    def unstructure_discount(discount: Discount) -> dict[str, Any]:
        return {
            "kind": discount.kind.value,
            "value": converter.unstructure(discount.value, unstructure_as=type(discount.value)),
        }

    def structure_discount(data: Any, _: Any) -> Discount:
        data = require_keys(
            data,
            {"kind", "value"},
            expected='a discount such as {"kind": "percent", "value": "10"}',
            kind="discount",
            subject="a discount",
        )
        kind = converter.structure(data["kind"], DiscountKind)
        value_type: type[Any] = Percent if kind is DiscountKind.PERCENT else Money
        return Discount(kind, converter.structure(data["value"], value_type))

    converter.register_unstructure_hook(Discount, unstructure_discount)
    converter.register_structure_hook(Discount, structure_discount)
