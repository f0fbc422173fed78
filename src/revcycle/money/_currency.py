"""Currencies: the active ISO 4217 codes, their minor units, and their names for people.

Re-exported by :mod:`revcycle.money`; import from there.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Final, final

import attrs

from revcycle._iso4217 import MINOR_UNITS, NO_MINOR_UNIT
from revcycle.errors import RevcycleTypeError, UnknownCodeError, shown


if TYPE_CHECKING:
    import babel


def _check_code(_: object, __: object, code: str) -> None:
    if not isinstance(code, str):
        raise RevcycleTypeError(
            f"A currency code must be a three-letter str such as 'USD', not {shown(code)}."
        )
    if code not in MINOR_UNITS:
        raise _unknown_currency(code)


def _unknown_currency(code: object) -> UnknownCodeError:
    if isinstance(code, str) and code.upper() in NO_MINOR_UNIT:
        return UnknownCodeError(
            f"Currency code {shown(code)} is an ISO 4217 code with no minor unit (a metal, fund or "
            "testing code); revcycle amounts need a currency with a minor unit, such as 'USD'."
        )
    return UnknownCodeError(
        f"Unknown currency code {shown(code)}; expected an active ISO 4217 code such as 'USD'."
    )


@final
@attrs.frozen(repr=False)
class Currency:
    """An active ISO 4217 currency, identified by its three-letter code.

    ``minor_units`` is the ISO 4217 exponent (USD 2, JPY 0, KWD 3, CLF 4). Names and symbols
    come from Babel for an explicit locale.

    >>> Currency("JPY").minor_units, Currency("KWD").minor_units
    (0, 3)
    >>> Currency("EUR").name()
    'Euro'
    """

    code: str = attrs.field(validator=_check_code)
    # Derived from the code once, so hot paths (rounding) need no lookups.
    _minor_units: int = attrs.field(init=False, eq=False, repr=False)
    _quantum: Decimal = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        places = MINOR_UNITS[self.code]
        object.__setattr__(self, "_minor_units", places)
        object.__setattr__(self, "_quantum", Decimal(1).scaleb(-places))

    @classmethod
    def of(cls, value: Currency | str) -> Currency:
        """Return ``value`` as a :class:`Currency` (a code string is looked up)."""
        if type(value) is Currency:
            return value
        if isinstance(value, str):
            found = _CURRENCIES.get(value)
            if found is None:
                found = _CURRENCIES.get(value.strip().upper())
            if found is None:
                raise _unknown_currency(value)
            return found
        raise RevcycleTypeError(
            f"A currency must be a Currency or an ISO 4217 code string, not {shown(value)}."
        )

    @property
    def minor_units(self) -> int:
        """The ISO 4217 exponent: the number of decimal places of the minor unit."""
        return self._minor_units

    @property
    def quantum(self) -> Decimal:
        """One minor unit as a Decimal (``Decimal('0.01')`` for USD)."""
        return self._quantum

    def name(self, locale: str = "en") -> str:
        """The currency's display name in ``locale`` (from Babel's CLDR data)."""
        import babel.numbers  # Babel loads when a name is asked for, not with every Money

        return str(babel.numbers.get_currency_name(self.code, locale=_locale(locale)))

    def symbol(self, locale: str = "en_US") -> str:
        """The currency's symbol in ``locale`` (``'$'`` for USD in ``en_US``)."""
        import babel.numbers

        return str(babel.numbers.get_currency_symbol(self.code, locale=_locale(locale)))

    def __repr__(self) -> str:
        return f"Currency({shown(self.code)})"

    def __str__(self) -> str:
        return self.code


_QUANTA: Final = {places: Decimal(1).scaleb(-places) for places in range(10)}
_CURRENCIES: Final = {code: Currency(code) for code in MINOR_UNITS}


def _locale(name: str) -> babel.Locale:
    if not isinstance(name, str):
        raise RevcycleTypeError(
            f"A locale must be a CLDR locale identifier such as 'en_US', not {shown(name)}."
        )
    import babel

    try:
        return babel.Locale.parse(name)
    except (ValueError, TypeError, babel.UnknownLocaleError):
        raise UnknownCodeError(
            f"Unknown locale {shown(name)}; expected a CLDR locale identifier such as 'en_US'."
        ) from None


def _space_letter_symbol(text: str, symbol: str) -> str:
    """Put a no-break space between a letter symbol and a digit (CLDR currency spacing).

    Babel leaves ``KWD1.235``; CLDR's currencySpacing rule asks for ``KWD\xa01.235``.
    """
    if not symbol or not symbol[-1].isalpha() or symbol not in text:
        return text
    before, _, after = text.partition(symbol)
    if after[:1].isdigit():
        after = "\xa0" + after
    if before[-1:].isdigit():
        before = before + "\xa0"
    return before + symbol + after


def to_currency(value: Currency | str) -> Currency:
    """The converter of every ``currency`` field: a :class:`Currency` as it is, a code looked up
    (see :meth:`Currency.of`).

    >>> to_currency("usd")
    Currency('USD')
    """
    if type(value) is Currency:
        return value
    return Currency.of(value)
