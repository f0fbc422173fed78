"""JSON hooks for usage metering and rating.

* A usage charge's ``model`` is a tagged union of the pricing models and
  :class:`~revcycle.usage.Percentage`: ``{"type": "graduated", ...}`` or
  ``{"type": "percentage", "rate": "2.9", "currency": "USD", ...}``.
* A usage event's ``properties`` is a JSON object of strings.
* A meter's ``filters`` maps a property to a sorted list of accepted values; on input a single
  string is accepted too (``{"region": "eu"}``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from revcycle.errors import RevcycleTypeError, shown
from revcycle.serialization._core import register_tagged_union
from revcycle.serialization._pricing import PRICING_MODEL_TAGS
from revcycle.usage import AnyUsageModel, Meter, Percentage, UsageEvent


__all__ = ["USAGE_MODEL_TAGS", "register"]

USAGE_MODEL_TAGS: dict[str, type[Any]] = {**PRICING_MODEL_TAGS, "percentage": Percentage}


def _unstructure_filters(filters: Mapping[str, frozenset[str]]) -> dict[str, list[str]]:
    return {key: sorted(values) for key, values in filters.items()}


def _structure_filters(data: Any, _: Any) -> dict[str, frozenset[str]]:
    if not isinstance(data, Mapping):
        raise RevcycleTypeError(
            f'expected filters as an object such as {{"region": ["eu"]}}, got {shown(data)}'
        )
    result: dict[str, frozenset[str]] = {}
    for key, value in data.items():
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise RevcycleTypeError(
                f"expected filter {shown(key)} to accept a string or a list of strings, got "
                f"{shown(value)}"
            )
        result[key] = frozenset(values)
    return result


def _structure_properties(data: Any, _: Any) -> dict[str, str]:
    if not isinstance(data, Mapping):
        raise RevcycleTypeError(f"expected properties as an object of strings, got {shown(data)}")
    return dict(data)


def _unstructure_properties(properties: Mapping[str, str]) -> dict[str, str]:
    return dict(properties)


def register(converter: cattrs.Converter) -> None:
    """Register the usage hooks on ``converter``."""
    register_tagged_union(converter, AnyUsageModel, USAGE_MODEL_TAGS)
    forbid = getattr(converter, "forbid_extra_keys", True)
    converter.register_unstructure_hook(
        Meter,
        make_dict_unstructure_fn(
            Meter, converter, filters=override(unstruct_hook=_unstructure_filters)
        ),
    )
    converter.register_structure_hook(
        Meter,
        make_dict_structure_fn(
            Meter,
            converter,
            _cattrs_forbid_extra_keys=forbid,
            filters=override(struct_hook=_structure_filters),
        ),
    )
    converter.register_unstructure_hook(
        UsageEvent,
        make_dict_unstructure_fn(
            UsageEvent, converter, properties=override(unstruct_hook=_unstructure_properties)
        ),
    )
    converter.register_structure_hook(
        UsageEvent,
        make_dict_structure_fn(
            UsageEvent,
            converter,
            _cattrs_forbid_extra_keys=forbid,
            properties=override(struct_hook=_structure_properties),
        ),
    )
