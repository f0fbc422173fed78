"""Public Hypothesis strategies for property-testing code that uses revcycle.

Use them in your own tests to generate valid revcycle values:

>>> from hypothesis import given
>>> from revcycle.testing import money
>>> @given(money(currency="USD"))
... def test_money_round_trips(amount):
...     assert amount.round().currency.code == "USD"
>>> test_money_round_trips()

The module imports Hypothesis, which is a test dependency, not a runtime one (the ``testing``
extra: ``pip install 'revcycle[testing]'``): import it only from tests. Every strategy
produces values that the public constructors accept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

from revcycle._iso4217 import MINOR_UNITS
from revcycle._validate import require_extra
from revcycle.dates import Duration, Period
from revcycle.money import Currency, Money, Percent


if TYPE_CHECKING:
    from hypothesis import strategies as st
else:
    st = require_extra("hypothesis.strategies", "testing", "revcycle.testing")

__all__ = [
    "TYPE_STRATEGIES",
    "amounts",
    "currencies",
    "dates",
    "durations",
    "money",
    "percents",
    "periods",
    "register_type_strategies",
]

_CODES = sorted(MINOR_UNITS)


def currencies() -> st.SearchStrategy[Currency]:
    """Any active ISO 4217 currency with a minor unit."""
    return st.sampled_from(_CODES).map(Currency.of)


def amounts(
    *, min_value: Decimal | int = -(10**12), max_value: Decimal | int = 10**12, places: int = 6
) -> st.SearchStrategy[Decimal]:
    """Finite Decimals between the bounds with at most ``places`` decimal places."""
    return st.decimals(
        min_value=min_value,
        max_value=max_value,
        places=places,
        allow_nan=False,
        allow_infinity=False,
    )


def money(
    *,
    currency: Currency | str | None = None,
    min_value: Decimal | int = -(10**12),
    max_value: Decimal | int = 10**12,
    places: int | None = None,
) -> st.SearchStrategy[Money]:
    """Money in ``currency`` (any currency by default).

    ``places=None`` gives amounts rounded to the currency's minor unit, as invoices hold;
    give a larger number for unrounded prices.
    """
    cur_strategy = currencies() if currency is None else st.just(Currency.of(currency))

    def build(cur: Currency) -> st.SearchStrategy[Money]:
        digits = cur.minor_units if places is None else places
        return amounts(min_value=min_value, max_value=max_value, places=digits).map(
            lambda amount: Money(amount, cur)
        )

    return cur_strategy.flatmap(build)


def percents(
    *, min_value: Decimal | int = 0, max_value: Decimal | int = 100, places: int = 4
) -> st.SearchStrategy[Percent]:
    """Percents between the bounds (0–100 % by default)."""
    return amounts(min_value=min_value, max_value=max_value, places=places).map(Percent)


def dates(
    *, min_value: date = date(1990, 1, 1), max_value: date = date(2100, 12, 31)
) -> st.SearchStrategy[date]:
    """Calendar dates in a realistic business range."""
    return st.dates(min_value=min_value, max_value=max_value)


def periods(
    *,
    min_start: date = date(1990, 1, 1),
    max_start: date = date(2100, 12, 31),
    max_days: int = 3 * 366,
) -> st.SearchStrategy[Period]:
    """Half-open periods of 1 to ``max_days`` days."""
    return st.builds(
        lambda start, days: Period(start, start + timedelta(days=days)),
        dates(min_value=min_start, max_value=max_start),
        st.integers(min_value=1, max_value=max_days),
    )


def durations(*, month_based: bool | None = None) -> st.SearchStrategy[Duration]:
    """Calendar durations; ``month_based=True`` gives whole months and years only."""
    month_only = (
        st.tuples(st.integers(0, 3), st.integers(0, 24))
        .filter(any)
        .map(lambda ym: Duration(years=ym[0], months=ym[1]))
    )
    day_based = (
        st.tuples(st.integers(0, 8), st.integers(0, 400))
        .filter(any)
        .map(lambda wd: Duration(weeks=wd[0], days=wd[1]))
    )
    if month_based is True:
        return month_only
    if month_based is False:
        return day_based
    return month_only | day_based


TYPE_STRATEGIES: Final[Mapping[type, Callable[[], st.SearchStrategy[Any]]]] = MappingProxyType(
    {
        Currency: currencies,
        Money: money,
        Percent: percents,
        Period: periods,
        Duration: durations,
    }
)
"""The public models these strategies build, each with its strategy: what
:func:`register_type_strategies` registers (and what the round-trip tests read back)."""


def register_type_strategies() -> None:
    """Register these strategies for ``st.from_type`` (done for you by the Hypothesis plugin)."""
    for cls, strategy in TYPE_STRATEGIES.items():
        st.register_type_strategy(cls, strategy())


register_type_strategies()
