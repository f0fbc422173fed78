"""Exchange rates into one report currency: :class:`ExchangeRates`.

Re-exported by :mod:`revcycle.money` (and by :mod:`revcycle.pipeline`, its first user);
import from :mod:`revcycle.money`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, final

import attrs

from revcycle._numbers import CTX, DecimalLike, plain, to_decimal
from revcycle._validate import check_arguments, require_sequence
from revcycle.errors import RevcycleTypeError, UnknownCodeError, ValidationError, shown
from revcycle.money._currency import Currency, to_currency
from revcycle.money._money import Money


def _to_rates(
    value: Mapping[str, DecimalLike] | Iterable[tuple[str, DecimalLike]],
) -> tuple[tuple[str, Decimal], ...]:
    data: object = value
    if isinstance(data, Mapping):
        pairs: Iterable[Any] = data.items()
    elif isinstance(data, str | bytes) or not isinstance(data, Iterable):
        raise RevcycleTypeError(
            f"Exchange rates must be a mapping of currency code to rate, not {shown(value)}."
        )
    else:
        pairs = require_sequence(data, "Exchange rates")
    result: dict[str, Decimal] = {}
    for pair in pairs:
        if isinstance(pair, str | bytes) or not isinstance(pair, tuple | list) or len(pair) != 2:
            raise RevcycleTypeError(
                f"Exchange rates must be (currency code, rate) pairs, not {shown(pair)}."
            )
        code, rate = pair
        currency = Currency.of(code)
        amount = to_decimal(rate, f"The exchange rate for {currency.code}")
        if amount <= 0:
            raise ValidationError(
                f"The exchange rate for {currency.code} must be positive, got {plain(amount)}."
            )
        if currency.code in result:
            raise ValidationError(f"The exchange rate for {currency.code} is given twice.")
        result[currency.code] = amount
    return tuple(sorted(result.items()))


@final
@attrs.frozen
class ExchangeRates:
    """Rates into one report currency: one unit of ``code`` is worth ``rate`` report units.

    Explicit and frozen, so a report states the rates it used; revcycle never fetches rates.

    >>> rates = ExchangeRates("USD", {"EUR": "1.10"})
    >>> rates.convert(Money("100", "EUR"))
    Money('110.00', 'USD')
    """

    currency: Currency = attrs.field(converter=to_currency)
    rates: tuple[tuple[str, Decimal], ...] = attrs.field(converter=_to_rates, default=())

    def __attrs_post_init__(self) -> None:
        # rate() answers 1 for the report currency; another figure there would be ignored.
        for code, rate in self.rates:
            if code == self.currency.code and rate != 1:
                raise ValidationError(
                    f"Exchange rates into {code} give {code} itself the rate {plain(rate)}; "
                    f"one {code} is always worth 1 {code}, so leave it out."
                )

    def rate(self, currency: Currency | str) -> Decimal:
        """Report-currency units per unit of ``currency`` (1 for the report currency)."""
        code = Currency.of(currency).code
        if code == self.currency.code:
            return Decimal(1)
        for known, rate in self.rates:
            if known == code:
                return rate
        raise UnknownCodeError(
            f"No exchange rate from {code} to {self.currency.code}; the table has "
            f"{', '.join(c for c, _ in self.rates) or 'no rates'}."
        )

    def factor(self, source: Currency | str, target: Currency | str) -> Decimal:
        """The multiplier that turns an amount in ``source`` into ``target``."""
        return CTX.divide(self.rate(source), self.rate(target))

    @check_arguments
    def convert(self, money: Money, to: Currency | str | None = None) -> Money:
        """``money`` in ``to`` (the report currency by default), unrounded."""
        target = self.currency if to is None else Currency.of(to)
        return Money(CTX.multiply(money.amount, self.factor(money.currency, target)), target)
