"""JSON hooks for quotes: the approval-rule union, a priced line's optional model, and a
quote's payment terms.

An approval rule travels with a ``"type"`` tag: ``{"type": "discount_above", "percent": "20",
"level": "sales manager"}``, ``"margin_below"`` (``margin``, ``level``) or ``"total_above"``
(``amount``, ``level``). A priced line keeps its waterfall steps in JSON, and its pricing model
(``null`` or a tagged model, as in a price book). A quote's ``payment_terms`` is told apart by
its shape: a JSON string is written terms (``"Net 60"``, kept as text), a JSON object a
:class:`~revcycle.terms.PaymentTerms` (as a contract writes its terms).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import attrs
import cattrs

from revcycle.approvals import ApprovalRule, DiscountAbove, MarginBelow, TotalAbove
from revcycle.errors import RevcycleTypeError, shown
from revcycle.pricing import AnyPricingModel
from revcycle.quotes import Quote
from revcycle.serialization._core import register_tagged_union
from revcycle.terms import PaymentTerms


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
    _register_payment_terms(converter)


def _register_payment_terms(converter: cattrs.Converter) -> None:
    """A quote's payment terms: text as a JSON string, terms as a JSON object."""
    attrs.resolve_types(Quote)
    field: Any = attrs.fields(Quote).payment_terms.type

    def structure(data: Any, _: Any) -> str | PaymentTerms | None:
        if data is None or isinstance(data, str):
            return data
        if isinstance(data, Mapping):
            return converter.structure(data, PaymentTerms)
        raise RevcycleTypeError(
            'expected payment terms as text such as "Net 60" or as an object (PaymentTerms), '
            f"got {shown(data)}"
        )

    def unstructure(value: Any) -> Any:
        if value is None or isinstance(value, str):
            return value
        return converter.unstructure(value, unstructure_as=PaymentTerms)

    # A predicate, not the type: cattrs' union pass-through (str or one other type) would
    # otherwise claim the field before a union hook is looked up.
    converter.register_structure_hook_func(lambda cls: cls == field, structure)
    converter.register_unstructure_hook_func(lambda cls: cls == field, unstructure)
