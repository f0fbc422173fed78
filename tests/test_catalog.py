"""The catalog: products, price books, contracted prices and lookups."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import usd
from revcycle import errors, samples
from revcycle.catalog import Catalog, ChargeKind, ContractedPrice, PriceBook, Product
from revcycle.dates import Duration, Period
from revcycle.money import Money, Percent
from revcycle.pricing import (
    DiscountSchedule,
    DiscountTier,
    Flat,
    Graduated,
    Package,
    PerUnit,
    ScheduleKind,
    Tier,
)
from revcycle.serialization import dumps, loads


SEAT = Product("SEAT", "Seat", ChargeKind.RECURRING, Duration(months=12), cost=usd("30"))
SETUP = Product("SETUP", "Set-up", ChargeKind.ONE_TIME, None)
CALLS = Product("CALLS", "API calls", ChargeKind.USAGE, None)
USD_BOOK = PriceBook(
    "Standard",
    "USD",
    prices={"SEAT": PerUnit(usd("100")), "SETUP": Flat(usd("500")), "CALLS": PerUnit(usd("0.001"))},
)
EUR_BOOK = PriceBook("Standard", "EUR", prices={"SEAT": PerUnit(Money("92", "EUR"))})
CATALOG = Catalog(
    [SEAT, SETUP, CALLS],
    [USD_BOOK, EUR_BOOK],
    contracted_prices=[
        ContractedPrice(
            "ACME", "SEAT", price=usd("80"), period=Period(date(2025, 1, 1), date(2026, 1, 1))
        ),
        ContractedPrice(
            "ACME",
            "SEAT",
            discount=Percent("10"),
            period=Period(date(2026, 1, 1), date(2027, 1, 1)),
        ),
    ],
)


# --------------------------------------------------------------------------------------------
# Strategies and properties

codes = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789", min_size=1, max_size=8)
prices = st.decimals(min_value=0, max_value=10_000, places=4).map(lambda d: usd(str(d)))
models = st.one_of(
    prices.map(PerUnit),
    prices.map(Flat),
    st.builds(Package, st.integers(1, 100), prices, st.integers(0, 10).map(lambda n: Decimal(n))),
    prices.map(lambda p: Graduated([Tier(Decimal("10"), unit_price=p), Tier(None, unit_price=p)])),
)
schedules = st.none() | st.just(
    DiscountSchedule(
        ScheduleKind.RANGE, [DiscountTier(Decimal("9")), DiscountTier(None, percent=Percent("5"))]
    )
)


@st.composite
def catalogs(draw: st.DrawFn) -> Catalog:
    skus = draw(st.lists(codes, min_size=1, max_size=6, unique=True))
    products = []
    for sku in skus:
        kind = draw(st.sampled_from(ChargeKind))
        term = Duration(months=draw(st.integers(1, 36))) if kind is ChargeKind.RECURRING else None
        products.append(
            Product(
                sku,
                f"Product {sku}",
                kind,
                term,
                billing_frequency=draw(st.none() | st.just(Duration(months=1))),
                cost=draw(st.none() | prices),
                discount_schedule=draw(schedules),
            )
        )
    book = PriceBook("Standard", "USD", prices={sku: draw(models) for sku in skus})
    contracted = [
        ContractedPrice(
            "ACME",
            sku,
            price=draw(prices),
            period=Period(date(2020 + i, 1, 1), date(2021 + i, 1, 1)),
        )
        for i, sku in enumerate(draw(st.lists(st.sampled_from(skus), max_size=3)))
    ]
    return Catalog(products, [book], contracted_prices=contracted)


@given(catalogs())
def test_catalog_json_round_trips(catalog: Catalog) -> None:
    back = loads(dumps(catalog), Catalog)
    assert back == catalog
    for product in catalog.products:
        assert back.product(product.sku) == product
        assert back.price("Standard", "USD", product.sku) == catalog.price(
            "Standard", "USD", product.sku
        )


@given(catalogs(), st.dates(min_value=date(2019, 1, 1), max_value=date(2030, 1, 1)))
def test_at_most_one_contracted_price_applies(catalog: Catalog, day: date) -> None:
    for product in catalog.products:
        found = catalog.contracted_price("ACME", product.sku, day)
        matching = [
            c for c in catalog.contracted_prices if c.sku == product.sku and c.applies_on(day)
        ]
        assert found == (matching[0] if matching else None)
        assert len(matching) <= 1


junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(),
    st.text(max_size=4),
    st.just(usd("-5")),
    st.just(Percent("120")),
    st.just(Duration(days=3)),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)


@given(
    st.fixed_dictionaries(
        {},
        optional={
            "sku": junk,
            "name": junk,
            "charge_kind": junk,
            "pricing_term": junk,
            "billing_frequency": junk,
            "cost": junk,
            "discount_schedule": junk,
        },
    ),
    st.fixed_dictionaries({}, optional={"name": junk, "currency": junk, "prices": junk}),
    st.fixed_dictionaries(
        {},
        optional={
            "account": junk,
            "sku": junk,
            "price": junk,
            "discount": junk,
            "period": junk,
        },
    ),
    st.fixed_dictionaries(
        {}, optional={"products": junk, "price_books": junk, "contracted_prices": junk}
    ),
)
def test_bad_input_raises_only_revcycle_errors(
    product: dict[str, Any],
    book: dict[str, Any],
    contracted: dict[str, Any],
    catalog: dict[str, Any],
) -> None:
    try:
        built = Product(
            **{
                "sku": "SEAT",
                "name": "Seat",
                "charge_kind": ChargeKind.RECURRING,
                "pricing_term": Duration(months=12),
                **product,
            }
        )
        price_book = PriceBook(
            **{"name": "Standard", "currency": "USD", "prices": {"SEAT": PerUnit(usd("1"))}, **book}
        )
        price = ContractedPrice(
            **{"account": "ACME", "sku": "SEAT", "price": usd("1"), **contracted}
        )
        whole = Catalog(
            **{
                "products": [built],
                "price_books": [price_book],
                "contracted_prices": [price],
                **catalog,
            }
        )
        whole.price("Standard", "USD", "SEAT")
    except errors.RevcycleError:
        pass


# --------------------------------------------------------------------------------------------
# Examples


def test_lookups() -> None:
    assert CATALOG.product("SEAT") is SEAT
    assert CATALOG.price_book("Standard", "EUR") is EUR_BOOK
    assert CATALOG.price("Standard", "USD", "SETUP") == Flat(usd("500"))
    assert CATALOG.price_book("Standard", "USD").model("CALLS") == PerUnit(usd("0.001"))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: CATALOG.product("DESK"),
            "Unknown sku 'DESK'; the catalog has CALLS, SEAT, SETUP.",
        ),
        (
            lambda: CATALOG.price_book("Partner", "USD"),
            "Unknown price book 'Partner'; the catalog has Standard.",
        ),
        (
            lambda: CATALOG.price_book("Standard", "JPY"),
            "Price book 'Standard' has no JPY edition; it exists in EUR, USD.",
        ),
        (
            lambda: CATALOG.price("Standard", "EUR", "SETUP"),
            "Price book 'Standard' (EUR) has no price for sku 'SETUP'.",
        ),
        (lambda: CATALOG.price_book("Standard", "ZZZ"), "Unknown currency code 'ZZZ'"),
    ],
)
def test_missing_codes_are_named(call: Any, message: str) -> None:
    with pytest.raises(errors.UnknownCodeError) as raised:
        call()
    assert str(raised.value).startswith(message)


def test_contracted_prices_by_date() -> None:
    # Two consecutive validity periods (half-open): 2025 at 80.00, 2026 at 10 % off.
    in_2025 = CATALOG.contracted_price("ACME", "SEAT", date(2025, 12, 31))
    in_2026 = CATALOG.contracted_price("ACME", "SEAT", date(2026, 1, 1))
    assert in_2025 is not None
    assert in_2025.price == usd("80")
    assert in_2026 is not None
    assert in_2026.discount == Percent("10")
    assert CATALOG.contracted_price("ACME", "SEAT", date(2027, 1, 1)) is None
    assert CATALOG.contracted_price("OTHER", "SEAT", date(2025, 6, 1)) is None


def test_overlapping_contracted_prices_are_refused() -> None:
    with pytest.raises(errors.ValidationError, match="valid at the same time"):
        Catalog(
            [SEAT],
            [],
            contracted_prices=[
                ContractedPrice("ACME", "SEAT", price=usd("1")),
                ContractedPrice(
                    "ACME",
                    "SEAT",
                    price=usd("2"),
                    period=Period(date(2025, 1, 1), date(2025, 2, 1)),
                ),
            ],
        )


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: Catalog([SEAT, SEAT], []), errors.ValidationError, "lists sku 'SEAT' twice"),
        (
            lambda: Catalog([SEAT], [USD_BOOK]),
            errors.UnknownCodeError,
            "which is not a product in the catalog",
        ),
        (
            lambda: Catalog([SEAT], [EUR_BOOK, EUR_BOOK]),
            errors.ValidationError,
            "two price books named 'Standard' in EUR",
        ),
        (
            lambda: Catalog(
                [SEAT], [], contracted_prices=[ContractedPrice("A", "X", price=usd("1"))]
            ),
            errors.UnknownCodeError,
            "names sku 'X'",
        ),
        (
            lambda: Product("SEAT", "Seat", "recurring", None),
            errors.ValidationError,
            "needs a pricing_term",
        ),
        (
            lambda: Product("SEAT", "Seat", ChargeKind.ONE_TIME, None, cost=usd("-1")),
            errors.ValidationError,
            "negative cost",
        ),
        (
            lambda: PriceBook("B", "USD", prices={"SEAT": "100"}),  # type: ignore[dict-item]
            errors.RevcycleTypeError,
            "must be a pricing model",
        ),
        (
            lambda: PriceBook("EU", "EUR", prices={"SEAT": PerUnit(usd("1"))}),
            errors.CurrencyMismatchError,
            "is in EUR but prices 'SEAT' in USD",
        ),
        (
            lambda: ContractedPrice("A", "SEAT", price=usd("1"), discount=Percent("1")),
            errors.ValidationError,
            "exactly one of price or discount",
        ),
        (
            lambda: ContractedPrice("A", "SEAT", discount=Percent("101")),
            errors.ValidationError,
            "between 0 and 100",
        ),
        (
            lambda: Product("", "Seat", "one_time", None),
            errors.ValidationError,
            "must be a non-empty str",
        ),
        (lambda: Catalog("SEAT", []), errors.RevcycleTypeError, "must be a sequence"),  # type: ignore[arg-type]
    ],
)
def test_invalid_catalogs(build: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        build()


def test_prices_are_read_only_and_compared_by_value() -> None:
    prices = {"SEAT": PerUnit(usd("100"))}
    book = PriceBook("B", "USD", prices=prices)
    prices["SEAT"] = PerUnit(usd("1"))  # the book keeps its own copy
    assert book.model("SEAT") == PerUnit(usd("100"))
    with pytest.raises(TypeError):
        book.prices["SEAT"] = PerUnit(usd("1"))  # type: ignore[index]
    assert book == PriceBook("B", "USD", prices={"SEAT": PerUnit(usd("100"))})
    assert hash(book) == hash(PriceBook("B", "USD", prices={"SEAT": PerUnit(usd("100"))}))


def test_sample_catalog_reads_and_displays() -> None:
    catalog = loads(samples.read_text("catalog.json"), Catalog)
    assert {p.charge_kind for p in catalog.products} == set(ChargeKind)
    records = catalog.to_records()
    assert {r["currency"] for r in records} == {"USD", "EUR"}
    assert all(isinstance(v, str) for r in records for v in r.values())
    html = catalog._repr_html_()
    assert "<table>" in html
    assert "SUPPORT-PLATINUM" in html


def test_records_write_prices_as_plain_decimals() -> None:
    # A sub-cent list price (0.0000001 USD a unit) stays a plain decimal string in the records,
    # never Decimal's exponent form '1E-7' (to_records promises JSON scalars for a DataFrame).
    catalog = Catalog(
        [Product("API", "API calls", ChargeKind.USAGE, None)],
        [PriceBook("B", "USD", prices={"API": PerUnit(usd("0.0000001"))})],
    )
    assert catalog.to_records()[0]["unit_price_at_1"] == "0.0000001"
