"""The public surface: exports, the error tree, and what every public value promises."""

from __future__ import annotations

import contextlib
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import revcycle
from revcycle import errors
from revcycle.dates import Duration, Period, anchored_date
from revcycle.money import Currency, Money, Percent, Rounding
from revcycle.proration import period_fraction, term_multiplier
from revcycle.serialization import loads, structure


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
    # The everyday names the project promises at the top level (`from revcycle import ...`).
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
        if error is errors.CliError:  # the command line's own input, outside the library's tree
            assert issubclass(error, Exception)
            assert not issubclass(error, errors.RevcycleError)
            continue
        assert issubclass(error, errors.RevcycleError)
        if error is not errors.RevcycleError:
            assert issubclass(error, ValueError | LookupError | TypeError | ImportError), name


def _every_module() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(revcycle.__path__, "revcycle."):
        if info.name != "revcycle.__main__":  # running it would run the command line
            importlib.import_module(info.name)
            names.append(info.name)
    return names


def _subclasses(cls: type[BaseException]) -> set[type[BaseException]]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def test_error_tree_is_drawn_in_the_module_docstring() -> None:
    assert _every_module()  # so that every subclass in the package is defined
    doc = errors.__doc__ or ""
    for name in errors.__all__:
        assert name in doc, name
    for error in _subclasses(errors.RevcycleError):
        if not error.__module__.startswith("revcycle.") or error.__name__.startswith("_"):
            continue  # a test's or a user's subclass, or private control flow that never escapes
        assert error.__module__ == "revcycle.errors", error
        assert error.__name__ in errors.__all__, error
        assert f" {error.__name__}" in doc, error


def test_public_functions_and_classes_have_docstrings() -> None:
    for name in revcycle.__all__:
        value = getattr(revcycle, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert inspect.getdoc(value), name


# --------------------------------------------------------------------------------------------
# Issue 2 "Must show": any float, NaN, infinity or malformed string given to a public
# constructor of the foundation raises a RevcycleError subclass (never a bare
# decimal.InvalidOperation, KeyError, TypeError or ValueError).

_BAD = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["NaN", "sNaN", "Infinity", "-inf", "", " ", "12,30", "1e999999999", "P1.5M"]),
    st.text(max_size=12),
    st.none(),
    st.lists(st.integers(), max_size=2),
)

_ONE_MONTH = Period(date(2024, 1, 1), date(2024, 2, 1))
_CONSTRUCTORS: list[Callable[[Any], object]] = [
    lambda v: Money(v, "USD"),
    lambda v: Money("1", v),
    lambda v: Money.from_minor_units(v, "USD"),
    lambda v: Money.zero(v),
    lambda v: Money("1", "USD") * v,
    lambda v: Money("1", "USD") / v,
    lambda v: Money("1", "USD").allocate([1, v]),
    lambda v: Money("1", "USD").split(v),
    lambda v: Money("1", "USD").round(Rounding(places=v)),
    lambda v: Money("1", "USD").format(locale=v),
    lambda v: Currency(v),
    lambda v: Currency.of(v),
    lambda v: Percent(v),
    lambda v: Percent.from_ratio(v),
    lambda v: Rounding(v),
    lambda v: Period(v, date(2024, 1, 1)),
    lambda v: Period.inclusive(date(2024, 1, 1), v),
    lambda v: Period.of_month(2024, v),
    lambda v: Duration(months=v),
    lambda v: Duration.parse(v),
    lambda v: anchored_date(date(2024, 1, 31), Duration(months=1), v),
    lambda v: period_fraction(_ONE_MONTH, _ONE_MONTH, v),
    lambda v: term_multiplier(date(2024, 1, 1), date(2025, 1, 1), v),
    lambda v: loads(v, Money),
    lambda v: structure(v, Period),
]


@settings(max_examples=400)
@given(_BAD, st.sampled_from(range(len(_CONSTRUCTORS))))
def test_bad_values_raise_only_revcycle_errors(value: object, which: int) -> None:
    with contextlib.suppress(errors.RevcycleError):
        _CONSTRUCTORS[which](value)


@pytest.mark.parametrize("value", [0.5, float("nan"), float("inf"), "NaN", "Infinity", "abc"])
@pytest.mark.parametrize("which", range(6))
def test_the_amount_constructors_refuse_each_bad_value(value: object, which: int) -> None:
    amount_takers: list[Callable[[Any], object]] = [
        lambda v: Money(v, "USD"),
        lambda v: Percent(v),
        lambda v: Percent.from_ratio(v),
        lambda v: Money("1", "USD") * v,
        lambda v: Money("1", "USD") / v,
        lambda v: Money("1", "USD").allocate([1, v]),
    ]
    with pytest.raises(errors.RevcycleError) as info:
        amount_takers[which](value)
    assert str(info.value).endswith(".")


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("revcycle.opportunity", "StageError"),
        ("revcycle.opportunity", "CloseRefusedError"),
        ("revcycle.terms", "TermsError"),
        ("revcycle.usage", "UsageError"),
        ("revcycle.engagement", "MilestoneOrderError"),
        ("revcycle.calendars", "MissingExtraError"),
        ("revcycle.cli._common", "CliError"),
    ],
)
def test_errors_moved_to_errors_keep_their_old_import_paths(module: str, name: str) -> None:
    found = getattr(importlib.import_module(module), name)
    assert found is getattr(errors, name)
    assert found.__module__ == "revcycle.errors"  # no face rewrites __module__


def test_samples_list_their_names_and_refuse_an_unknown_one() -> None:
    # Issue 16, new-user item: samples listed no names and an unknown name leaked a
    # FileNotFoundError with an absolute path.
    from revcycle import samples

    assert "quote.json" in samples.names()
    assert all(samples.read_text(name) for name in samples.names())
    with pytest.raises(errors.UnknownCodeError, match=r"did you mean 'quote\.json'") as caught:
        samples.read_text("quotes.json")
    assert "catalog.json" in str(caught.value)
    assert "/" not in str(caught.value)
    with pytest.raises(LookupError):
        samples.path("nope.json")
