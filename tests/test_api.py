"""The public surface: exports, the error tree, and what every public value promises."""

from __future__ import annotations

import inspect

import revcycle
from revcycle import errors


def _isort_key(name: str) -> tuple[int, str]:
    # ruff's RUF022 order: CONSTANTS, then Classes, then functions, each alphabetical
    kind = 0 if name.isupper() else 1 if name[0].isupper() else 2
    return kind, name


def test_all_is_sorted_and_unique() -> None:
    assert list(revcycle.__all__) == sorted(set(revcycle.__all__), key=_isort_key)


def test_every_exported_name_exists_and_is_listed() -> None:
    for name in revcycle.__all__:
        assert hasattr(revcycle, name), name
    public = {
        name
        for name, value in vars(revcycle).items()
        if not name.startswith("_") and not inspect.ismodule(value)
    }
    assert public == set(revcycle.__all__)


def test_design_section_4_names_are_importable() -> None:
    # DESIGN §4 promises these everyday names at the top level.
    promised = """
        Money Currency Percent Rounding RoundingMode AllocationPolicy
        Period Duration DayCount BusinessDayConvention
        ProrationMethod period_fraction term_multiplier
        Tier Flat PerUnit Graduated Volume Stairstep Package
        DiscountSchedule DiscountTier ScheduleKind Discount
        Product ChargeKind PriceBook Catalog ContractedPrice
        Quote QuoteLine PricedQuote PricedLine price_quote
        ApprovalPolicy
        Stage StageModel ForecastCategory Opportunity Pipeline Handoff
        PaymentTerms Installment NetDays EndOfMonth DayOfMonth EarlyPaymentDiscount
        DiscountBase late_interest aging
        UsageEvent Meter Aggregation UnitRounding UnitRoundingMode UsageCharge Percentage
        rate_usage UsageRating RatedCharge
        RevcycleError
    """.split()
    missing = [name for name in promised if name not in revcycle.__all__]
    assert missing == []


def test_every_error_derives_from_the_root_and_a_builtin() -> None:
    for name in errors.__all__:
        error = getattr(errors, name)
        assert issubclass(error, errors.RevcycleError)
        if error is not errors.RevcycleError:
            assert issubclass(error, ValueError | LookupError | TypeError), name


def test_error_tree_is_drawn_in_the_module_docstring() -> None:
    doc = errors.__doc__ or ""
    for name in errors.__all__:
        assert name in doc, name


def test_public_functions_and_classes_have_docstrings() -> None:
    for name in revcycle.__all__:
        value = getattr(revcycle, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert inspect.getdoc(value), name
