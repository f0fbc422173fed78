"""The catalog: what can be sold, at what list price, and at what price for whom.

* A :class:`Product` says what a SKU is: a one-time, recurring or usage charge, the pricing
  term its price covers (``Duration(months=12)`` for an annual price), how often it bills,
  its unit cost, and an optional volume :class:`~revcycle.pricing.DiscountSchedule`.
* A :class:`PriceBook` holds the list price of each SKU in one currency, as a pricing model
  (a :class:`~revcycle.pricing.PerUnit` price, tiers, a package ...).
* A :class:`ContractedPrice` is one account's negotiated unit price, or percent discount, for
  one SKU within a validity period; on a quote it replaces the list price.
* A :class:`Catalog` gathers them and answers lookups; a missing SKU, price book, currency or
  price raises :class:`~revcycle.errors.UnknownCodeError` naming what was missing.

Prices in a price book and contracted prices are *per unit for one pricing term* of the
product (one-time and usage products: per unit); the quote engine multiplies them by the term
multiplier of each line.

>>> from revcycle.money import Money
>>> from revcycle.dates import Duration
>>> from revcycle.pricing import PerUnit
>>> seat = Product("SEAT", "Seat licence", ChargeKind.RECURRING, Duration(months=12))
>>> book = PriceBook("Standard", "USD", prices={"SEAT": PerUnit(Money("100.00", "USD"))})
>>> catalog = Catalog([seat], [book])
>>> catalog.product("SEAT").name
'Seat licence'
>>> catalog.price("Standard", "USD", "SEAT").price(10)
Money('1000.00', 'USD')
>>> catalog.product("DESK")
Traceback (most recent call last):
...
revcycle.errors.UnknownCodeError: Unknown sku 'DESK'; the catalog has SEAT.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Final, final

import attrs

from revcycle._display import html_table
from revcycle._numbers import plain
from revcycle._validate import (
    Validator,
    check_arguments,
    check_text,
    check_type,
    require_sequence,
    to_choice,
)
from revcycle.dates import Duration, Period
from revcycle.errors import (
    CurrencyMismatchError,
    RevcycleTypeError,
    UnknownCodeError,
    ValidationError,
    shown,
)
from revcycle.money import Currency, Money, Percent, to_currency
from revcycle.pricing import AnyPricingModel, DiscountSchedule


__all__ = [
    "Catalog",
    "ChargeKind",
    "ContractedPrice",
    "PriceBook",
    "Product",
]


class ChargeKind(enum.StrEnum):
    """How a product is charged.

    ``ONE_TIME``: once (set-up, hardware); ``RECURRING``: every billing period for a term, its
    price covering one pricing term; ``USAGE``: per unit used, rated after the fact.
    """

    ONE_TIME = "one_time"
    RECURRING = "recurring"
    USAGE = "usage"


_MODEL_TYPES: Final = typing.get_args(AnyPricingModel)


def _check_optional(kind: type[Any], what: str) -> Validator:
    return check_type(kind, f"a {kind.__name__} or None", what, optional=True)


def _check_model(what: str, value: object) -> None:
    if not isinstance(value, _MODEL_TYPES):
        names = ", ".join(t.__name__ for t in _MODEL_TYPES)
        raise RevcycleTypeError(f"{what} must be a pricing model ({names}), not {shown(value)}.")


def _to_charge_kind(value: ChargeKind | str) -> ChargeKind:
    if type(value) is ChargeKind:
        return value
    return to_choice(ChargeKind, value, "A charge kind")


# --------------------------------------------------------------------------------------------
# Product


@final
@attrs.frozen
class Product:
    """A sellable SKU and the facts the quote engine needs about it.

    ``pricing_term`` is the span one list price covers (``Duration(months=12)``: the price is
    per year); it is required for a recurring product and unused otherwise.
    ``billing_frequency`` is how often a recurring charge is invoiced (``Duration(months=1)``).
    ``cost`` is the unit cost for one pricing term (for one-time and usage products: per
    unit), used by margin approval rules. ``discount_schedule`` is the product's volume
    discount (range or slab), applied on quotes after the list or contracted price.

    >>> Product("SETUP", "Onboarding", ChargeKind.ONE_TIME, None).charge_kind
    <ChargeKind.ONE_TIME: 'one_time'>
    >>> Product("SEAT", "Seat", ChargeKind.RECURRING, None)
    Traceback (most recent call last):
    ...
    revcycle.errors.ValidationError: Product 'SEAT' is recurring, so it needs a pricing_term \
(the span one list price covers, such as Duration(months=12)).
    """

    sku: str = attrs.field(validator=check_text("A product sku"))
    name: str = attrs.field(validator=check_text("A product name"))
    charge_kind: ChargeKind = attrs.field(converter=_to_charge_kind)
    pricing_term: Duration | None = attrs.field(
        default=None, validator=_check_optional(Duration, "A pricing term")
    )
    billing_frequency: Duration | None = attrs.field(
        default=None,
        kw_only=True,
        validator=_check_optional(Duration, "A billing frequency"),
    )
    cost: Money | None = attrs.field(
        default=None, kw_only=True, validator=_check_optional(Money, "A product cost")
    )
    discount_schedule: DiscountSchedule | None = attrs.field(
        default=None,
        kw_only=True,
        validator=_check_optional(DiscountSchedule, "A discount schedule"),
    )

    def __attrs_post_init__(self) -> None:
        if self.charge_kind is ChargeKind.RECURRING and self.pricing_term is None:
            raise ValidationError(
                f"Product {shown(self.sku)} is recurring, so it needs a pricing_term (the span one "
                "list price covers, such as Duration(months=12))."
            )
        if self.cost is not None and self.cost.is_negative():
            raise ValidationError(f"Product {shown(self.sku)} has a negative cost {self.cost}.")


# --------------------------------------------------------------------------------------------
# Price book


def _freeze_prices(prices_given: Mapping[str, AnyPricingModel]) -> Mapping[str, AnyPricingModel]:
    value: object = prices_given  # checked as it came, whatever the annotation promises
    if not isinstance(value, Mapping):
        raise RevcycleTypeError(
            f"Price book prices must be a mapping of sku to pricing model, not {shown(value)}."
        )
    prices: dict[str, AnyPricingModel] = {}
    for sku, model in value.items():
        if not isinstance(sku, str):
            raise RevcycleTypeError(f"A price book sku must be a str, not {shown(sku)}.")
        _check_model(f"The price of {shown(sku)}", model)
        prices[sku] = model
    return types.MappingProxyType(prices)


@final
@attrs.frozen
class PriceBook:
    """The list prices of a set of SKUs in one currency: a pricing model per SKU.

    A recurring SKU's model prices one pricing term of the product; the quote engine takes
    the model's effective unit price at the line's quantity as the list unit price.
    ``prices`` is stored read-only.

    >>> from revcycle.pricing import PerUnit
    >>> PriceBook("EU", "EUR", prices={"SEAT": PerUnit(Money("90", "USD"))})
    Traceback (most recent call last):
    ...
    revcycle.errors.CurrencyMismatchError: Price book 'EU' is in EUR but prices 'SEAT' in USD.
    """

    name: str = attrs.field(validator=check_text("A price book name"))
    currency: Currency = attrs.field(converter=to_currency)
    # Read-only mapping; excluded from the hash (a mapping proxy is not hashable) but compared.
    prices: Mapping[str, AnyPricingModel] = attrs.field(
        converter=_freeze_prices, hash=False, repr=lambda p: repr(dict(p))
    )

    def __attrs_post_init__(self) -> None:
        for sku, model in self.prices.items():
            if model.currency != self.currency:
                raise CurrencyMismatchError(
                    f"Price book {shown(self.name)} is in {self.currency.code} but prices "
                    f"{shown(sku)} in "
                    f"{model.currency.code}."
                )

    @check_arguments
    def model(self, sku: str) -> AnyPricingModel:
        """The pricing model of ``sku``; :class:`UnknownCodeError` when it has no price here."""
        found = self.prices.get(sku)
        if found is None:
            raise UnknownCodeError(
                f"Price book {shown(self.name)} ({self.currency.code}) has no price for sku "
                f"{shown(sku)}."
            )
        return found


# --------------------------------------------------------------------------------------------
# Contracted price


@final
@attrs.frozen
class ContractedPrice:
    """One account's negotiated price for one SKU, valid within ``period`` (``None``: always).

    Give exactly one of ``price`` (a unit price for one pricing term, which replaces the list
    price) or ``discount`` (a percent off the list price). On a quote the contracted price
    applies when the line's start date lies inside ``period``.

    >>> ContractedPrice("ACME", "SEAT", discount=Percent("12")).discount
    Percent('12')
    >>> ContractedPrice("ACME", "SEAT")
    Traceback (most recent call last):
    ...
    revcycle.errors.ValidationError: The contracted price of 'SEAT' for 'ACME' needs exactly \
one of price or discount.
    """

    account: str = attrs.field(validator=check_text("A contracted price's account"))
    sku: str = attrs.field(validator=check_text("A contracted price's sku"))
    price: Money | None = attrs.field(
        default=None, kw_only=True, validator=_check_optional(Money, "A contracted price")
    )
    discount: Percent | None = attrs.field(
        default=None, kw_only=True, validator=_check_optional(Percent, "A contracted discount")
    )
    period: Period | None = attrs.field(
        default=None, kw_only=True, validator=_check_optional(Period, "A validity period")
    )

    def __attrs_post_init__(self) -> None:
        if (self.price is None) == (self.discount is None):
            raise ValidationError(
                f"The contracted price of {shown(self.sku)} for {shown(self.account)} needs "
                "exactly one "
                "of price or discount."
            )
        if self.price is not None and self.price.is_negative():
            raise ValidationError(
                f"The contracted price of {shown(self.sku)} for {shown(self.account)} is negative: "
                f"{self.price}."
            )
        if self.discount is not None and not 0 <= self.discount.value <= 100:
            raise ValidationError(
                f"The contracted discount of {shown(self.sku)} for {shown(self.account)} must be "
                "between "
                f"0 and 100 percent, not {self.discount}."
            )

    @check_arguments
    def applies_on(self, day: date) -> bool:
        """True when this price is valid on ``day``."""
        return self.period is None or self.period.start <= day < self.period.end


# --------------------------------------------------------------------------------------------
# Catalog


def _as_tuple(value: object, kind: type[Any], what: str) -> tuple[Any, ...]:
    return require_sequence(value, what, kind=kind, allow_mapping=False)


def _to_products(value: Iterable[Product]) -> tuple[Product, ...]:
    return _as_tuple(value, Product, "Catalog products")


def _to_price_books(value: Iterable[PriceBook]) -> tuple[PriceBook, ...]:
    return _as_tuple(value, PriceBook, "Catalog price books")


def _to_contracted_prices(value: Iterable[ContractedPrice]) -> tuple[ContractedPrice, ...]:
    return _as_tuple(value, ContractedPrice, "Contracted prices")


def _names(values: Iterable[str]) -> str:
    names = sorted(set(values))
    if not names:
        return "none"
    shown = ", ".join(names[:10])
    return shown + (f" and {len(names) - 10} more" if len(names) > 10 else "")


@final
@attrs.frozen
class Catalog:
    """Products, price books and contracted prices, with lookups that name what is missing.

    SKUs are unique, a price book is identified by its name and currency, every priced SKU
    must be a product, and one account's contracted prices for one SKU must not overlap in
    time (so at most one applies on any day).
    """

    products: tuple[Product, ...] = attrs.field(converter=_to_products)
    price_books: tuple[PriceBook, ...] = attrs.field(converter=_to_price_books)
    contracted_prices: tuple[ContractedPrice, ...] = attrs.field(
        default=(), kw_only=True, converter=_to_contracted_prices
    )
    _by_sku: dict[str, Product] = attrs.field(
        init=False, eq=False, hash=False, repr=False, factory=dict
    )
    _by_book: dict[tuple[str, str], PriceBook] = attrs.field(
        init=False, eq=False, hash=False, repr=False, factory=dict
    )
    _by_account: dict[tuple[str, str], tuple[ContractedPrice, ...]] = attrs.field(
        init=False, eq=False, hash=False, repr=False, factory=dict
    )

    def __attrs_post_init__(self) -> None:
        for product in self.products:
            if product.sku in self._by_sku:
                raise ValidationError(f"The catalog lists sku {shown(product.sku)} twice.")
            self._by_sku[product.sku] = product
        for book in self.price_books:
            key = (book.name, book.currency.code)
            if key in self._by_book:
                raise ValidationError(
                    f"The catalog has two price books named {shown(book.name)} in "
                    f"{book.currency.code}."
                )
            self._by_book[key] = book
            for sku in book.prices:
                if sku not in self._by_sku:
                    raise UnknownCodeError(
                        f"Price book {shown(book.name)} ({book.currency.code}) prices sku "
                        f"{shown(sku)}, "
                        "which is not a product in the catalog."
                    )
        grouped: dict[tuple[str, str], list[ContractedPrice]] = {}
        for contracted in self.contracted_prices:
            if contracted.sku not in self._by_sku:
                raise UnknownCodeError(
                    f"A contracted price for {shown(contracted.account)} names sku "
                    f"{shown(contracted.sku)}, which is not a product in the catalog."
                )
            same = grouped.setdefault((contracted.account, contracted.sku), [])
            for other in same:
                if _overlap(other.period, contracted.period):
                    raise ValidationError(
                        f"Account {shown(contracted.account)} has two contracted prices for "
                        f"{shown(contracted.sku)} valid at the same time ({_show(other.period)} "
                        "and "
                        f"{_show(contracted.period)}); at most one may apply on any day."
                    )
            same.append(contracted)
        self._by_account.update({k: tuple(v) for k, v in grouped.items()})

    @check_arguments
    def product(self, sku: str) -> Product:
        """The product with ``sku``."""
        found = self._by_sku.get(sku)
        if found is None:
            raise UnknownCodeError(
                f"Unknown sku {shown(sku)}; the catalog has {_names(self._by_sku)}."
            )
        return found

    @check_arguments
    def price_book(self, name: str, currency: Currency | str) -> PriceBook:
        """The price book ``name`` in ``currency``."""
        code = Currency.of(currency).code
        found = self._by_book.get((name, code))
        if found is None:
            currencies = [c for (n, c) in self._by_book if n == name]
            if currencies:
                raise UnknownCodeError(
                    f"Price book {shown(name)} has no {code} edition; it exists in "
                    f"{_names(currencies)}."
                )
            raise UnknownCodeError(
                f"Unknown price book {shown(name)}; the catalog has "
                f"{_names(n for (n, _) in self._by_book)}."
            )
        return found

    @check_arguments
    def price(self, price_book: str, currency: Currency | str, sku: str) -> AnyPricingModel:
        """The list pricing model of ``sku`` in price book ``price_book`` and ``currency``."""
        self.product(sku)
        return self.price_book(price_book, currency).model(sku)

    @check_arguments
    def contracted_price(self, account: str, sku: str, on: date) -> ContractedPrice | None:
        """The contracted price of ``sku`` for ``account`` valid on ``on``, if there is one."""
        for contracted in self._by_account.get((account, sku), ()):
            if contracted.applies_on(on):
                return contracted
        return None

    def to_records(self) -> list[dict[str, Any]]:
        """One flat record per product and price book price (JSON scalars only)."""
        records: list[dict[str, Any]] = []
        for book in self.price_books:
            for sku, model in book.prices.items():
                product = self._by_sku[sku]
                records.append(
                    {
                        "price_book": book.name,
                        "currency": book.currency.code,
                        "sku": sku,
                        "name": product.name,
                        "charge_kind": product.charge_kind.value,
                        "pricing_term": _term(product),
                        "model": type(model).__name__,
                        "unit_price_at_1": plain(model.unit_price_at(1).amount),
                    }
                )
        return records

    def _repr_html_(self) -> str:
        rows = [
            [
                r["price_book"],
                r["currency"],
                r["sku"],
                r["name"],
                r["charge_kind"],
                r["pricing_term"],
                r["model"],
            ]
            for r in self.to_records()
        ]
        return html_table(
            "Catalog",
            ["price book", "currency", "sku", "name", "charge", "term", "model"],
            rows,
        )


def _term(product: Product) -> str:
    return "" if product.pricing_term is None else str(product.pricing_term)


def _overlap(a: Period | None, b: Period | None) -> bool:
    return a is None or b is None or a.overlaps(b)


def _show(period: Period | None) -> str:
    return "always" if period is None else str(period)
