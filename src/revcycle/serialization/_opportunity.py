"""JSON hooks for opportunities and pipelines.

* A stage model may be written as a preset name (``"default"``, ``"salesforce"``,
  ``"hubspot"``) or in full; an opportunity on a preset model is written with the name, so a
  pipeline file does not repeat the whole model on every deal.
* Exchange rates are an object of currency code to rate string:
  ``{"currency": "USD", "rates": {"EUR": "1.10"}}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import cattrs

from revcycle._numbers import plain
from revcycle.errors import RevcycleTypeError, shown
from revcycle.money import ExchangeRates
from revcycle.opportunity import Opportunity, StageModel


_PRESET_NAMES = ("default", "salesforce", "hubspot")


def _preset_name(model: StageModel) -> str | None:
    for name in _PRESET_NAMES:
        preset = StageModel.preset(name)
        if model is preset or model == preset:
            return name
    return None


def register(converter: cattrs.Converter) -> None:
    """Register the hooks for :mod:`revcycle.opportunity` and :mod:`revcycle.pipeline`."""
    structure_model = converter.get_structure_hook(StageModel)

    def structure_stage_model(data: Any, cls: Any) -> StageModel:
        if isinstance(data, str):
            return StageModel.preset(data)
        if not isinstance(data, Mapping):
            raise RevcycleTypeError(
                'expected a stage model as a preset name ("default", "salesforce", "hubspot") '
                f'or an object with "stages", got {shown(data)}'
            )
        model: StageModel = structure_model(data, cls)
        return model

    converter.register_structure_hook(StageModel, structure_stage_model)

    unstructure_opportunity = converter.get_unstructure_hook(Opportunity)

    def unstructure_opp(value: Opportunity) -> dict[str, Any]:
        data: dict[str, Any] = unstructure_opportunity(value)
        name = _preset_name(value.model)
        if name is not None:
            data["model"] = name
        return data

    converter.register_unstructure_hook(Opportunity, unstructure_opp)

    def unstructure_rates(value: ExchangeRates) -> dict[str, Any]:
        return {
            "currency": value.currency.code,
            "rates": {code: plain(rate) for code, rate in value.rates},
        }

    def structure_rates(data: Any, _: Any) -> ExchangeRates:
        if not isinstance(data, Mapping):
            raise RevcycleTypeError(
                'expected exchange rates as {"currency": "USD", "rates": {"EUR": "1.10"}}, '
                f"got {shown(data)}"
            )
        extra = set(data) - {"currency", "rates"}
        if extra:
            raise ValueError(f"unknown keys {shown(sorted(extra))}")
        rates = data.get("rates", {})
        if not isinstance(rates, Mapping):
            raise RevcycleTypeError(
                f'expected "rates" as an object of code to rate, got {shown(rates)}'
            )
        for code, rate in rates.items():
            if not isinstance(rate, str | int) or isinstance(rate, bool):
                raise RevcycleTypeError(
                    f'expected the rate for {code} as a decimal string such as "1.10", got '
                    f"{shown(rate)}"
                )
        return ExchangeRates(converter.structure(data["currency"], str), rates)

    converter.register_unstructure_hook(ExchangeRates, unstructure_rates)
    converter.register_structure_hook(ExchangeRates, structure_rates)
