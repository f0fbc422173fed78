"""JSON hooks for contracts and amendments.

* An amendment's change travels with a ``"type"`` tag: ``{"type": "add_product", "sku": ...,
  "quantity": "5", "discount": null}``, ``"change_quantity"`` (``sku``, ``quantity``,
  ``subscription``) or ``"cancel"`` (``sku``, ``subscription``).
* A contract is ``{"versions": [...]}``: the flat list of its versions, oldest first. The first
  holds the contract's own fields and its segments; each later one holds only what it adds:
  ``amendment``, ``amendment_lines`` and ``subscriptions`` (the new segments). Writing and
  reading walk the list once, so a chain of any length neither recurses nor costs more than
  what its versions add. A contract it renews is nested under ``renews`` in the same form.
"""

from __future__ import annotations

from typing import Any, Final

import attrs
import cattrs

from revcycle.contracts import (
    AddProduct,
    Amendment,
    AmendmentLine,
    AnyChange,
    Cancel,
    ChangeQuantity,
    Contract,
    Subscription,
)
from revcycle.errors import ValidationError
from revcycle.serialization._core import register_tagged_union, require_keys


__all__ = ["CHANGE_TAGS", "register"]

CHANGE_TAGS: Final[dict[str, type[Any]]] = {
    "add_product": AddProduct,
    "change_quantity": ChangeQuantity,
    "cancel": Cancel,
}

# What each version holds; every other field of Contract is the first version's.
_PER_VERSION: Final = ("amendment", "amendment_lines", "subscriptions")
_DERIVED: Final = ("version", "previous")


def _wire_classes() -> tuple[type[Any], type[Any], tuple[str, ...]]:
    """The JSON shape of a contract, generated from :class:`Contract`'s own fields (so a field
    added to it travels too): a ``ContractVersion`` whose every field is optional, and the
    ``{"versions": [...]}`` envelope."""
    attrs.resolve_types(Contract)
    shared = tuple(
        field.name
        for field in attrs.fields(Contract)
        if field.init and field.name not in (*_PER_VERSION, *_DERIVED)
    )
    by_name: dict[str, Any] = {field.name: field.type for field in attrs.fields(Contract)}
    optional_amendment: Any = Amendment | None
    members: dict[str, Any] = {
        name: attrs.field(type=by_name[name] | None, default=None) for name in shared
    }
    members["amendment"] = attrs.field(type=optional_amendment, default=None)
    members["amendment_lines"] = attrs.field(type=tuple[AmendmentLine, ...], default=())
    members["subscriptions"] = attrs.field(type=tuple[Subscription, ...], default=())
    version = attrs.make_class("ContractVersion", members, frozen=True, kw_only=True)
    envelope = attrs.make_class(
        "ContractVersions",
        {"versions": attrs.field(type=tuple[version, ...])},  # type: ignore[valid-type]
        frozen=True,
    )
    return version, envelope, shared


def register(converter: cattrs.Converter) -> None:
    """Register the change union and the contract's flat list of versions on ``converter``."""
    register_tagged_union(converter, AnyChange, CHANGE_TAGS)
    version_type, envelope_type, shared = _wire_classes()
    types = {name: attrs.fields_dict(version_type)[name].type for name in shared}

    def unstructure_contract(contract: Contract) -> dict[str, Any]:
        versions: list[dict[str, Any]] = []
        for version in contract.versions():
            if version.previous is None:
                data = {
                    name: converter.unstructure(getattr(version, name), unstructure_as=types[name])
                    for name in shared
                }
            else:
                data = {
                    "amendment": converter.unstructure(version.amendment, unstructure_as=Amendment),
                    "amendment_lines": converter.unstructure(
                        version.amendment_lines, unstructure_as=tuple[AmendmentLine, ...]
                    ),
                }
            data["subscriptions"] = converter.unstructure(
                version.added, unstructure_as=tuple[Subscription, ...]
            )
            versions.append(data)
        return {"versions": versions}

    def structure_contract(data: Any, _: Any) -> Contract:
        require_keys(
            data,
            {"versions"},
            expected='a contract as {"versions": [...]}',
            kind="contract",
            subject="a contract",
        )
        versions = converter.structure(data, envelope_type).versions
        if not versions:
            raise ValidationError("a contract needs at least its first version")
        first, *later = versions
        if first.amendment is not None or first.amendment_lines:
            raise ValidationError("the first version of a contract has no amendment")
        given = {name: getattr(first, name) for name in shared}
        contract = Contract(
            **{name: value for name, value in given.items() if value is not None},
            subscriptions=first.subscriptions,
        )
        for number, version in enumerate(later, 2):
            repeated = [name for name in shared if getattr(version, name) is not None]
            if repeated:
                raise ValidationError(
                    f"version {number} holds {', '.join(repeated)}, which only the first "
                    "version of a contract holds"
                )
            if version.amendment is None:
                raise ValidationError(f"version {number} needs the amendment that made it")
            contract = contract.amended(
                version.amendment, version.amendment_lines, version.subscriptions
            )
        return contract

    converter.register_unstructure_hook(Contract, unstructure_contract)
    converter.register_structure_hook(Contract, structure_contract)
