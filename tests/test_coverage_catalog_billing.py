"""Inputs refused at the edges of the catalog and of a bill run: a price book's prices that
are not a mapping of sku text to a model, a negative contracted price, an empty catalog's
lookup, and credit balances that are not non-negative Money by account."""

from __future__ import annotations

from datetime import date

import attrs
import pytest

from revcycle import errors
from revcycle.billing import BillRun, bill
from revcycle.catalog import Catalog, ContractedPrice, PriceBook
from revcycle.cli._demo._seed import seed_story
from revcycle.money import Money
from revcycle.pricing import PerUnit


def usd(amount: str) -> Money:
    return Money(amount, "USD")


def test_price_book_prices_are_a_mapping_of_sku_text() -> None:
    with pytest.raises(errors.RevcycleTypeError, match="must be a mapping of sku to pricing"):
        PriceBook("B", "USD", prices=5)  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError, match="A price book sku must be a str, not 1"):
        PriceBook("B", "USD", prices={1: PerUnit(usd("1"))})  # type: ignore[dict-item]


def test_a_contracted_price_is_not_negative() -> None:
    with pytest.raises(errors.ValidationError, match=r"for 'ACME' is negative: -1\.00 USD"):
        ContractedPrice("ACME", "SEAT", price=usd("-1.00"))
    assert ContractedPrice("ACME", "SEAT", price=usd("0.00")).price == usd("0")


def test_an_empty_catalog_says_it_has_no_sku() -> None:
    with pytest.raises(errors.UnknownCodeError, match=r"^Unknown sku 'SEAT'; the catalog has none"):
        Catalog([], []).product("SEAT")


def _run() -> BillRun:
    # The seed deal's first run (2025-01-01): one invoice, no credit left to anyone.
    return bill([seed_story().contract], through=date(2025, 1, 1))


def test_credit_balances_are_money_by_account_and_never_negative() -> None:
    run = _run()
    assert dict(run.credit_balances) == {"Contoso Pharmaceuticals": usd("0.00")}
    with pytest.raises(errors.RevcycleTypeError, match="must map an account to Money, not 5"):
        attrs.evolve(run, credit_balances=5)  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError, match="account \\(str\\) to Money, not 'A': 5"):
        attrs.evolve(run, credit_balances={"A": 5})  # type: ignore[dict-item]
    with pytest.raises(errors.ValidationError, match="The credit balance of 'A' must not be negat"):
        attrs.evolve(run, credit_balances={"A": usd("-1.00")})
