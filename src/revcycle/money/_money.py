"""Amounts of money and their rounding: :class:`Money`, :class:`Rounding`, :func:`allocate`.

Re-exported by :mod:`revcycle.money`; import from there.
"""

from __future__ import annotations

import copy
import decimal
import enum
import math
import numbers
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import ClassVar, Final, final, overload

import attrs

from revcycle._numbers import (
    CTX,
    MAX_PLACES,
    MAX_WHOLE_DIGITS,
    ZERO,
    DecimalLike,
    check_fraction,
    plain,
    scale_exact,
    to_decimal,
    to_int,
)
from revcycle._validate import check_arguments, require_sequence, to_choice, trusted
from revcycle.errors import (
    AllocationError,
    CurrencyMismatchError,
    FloatNotAllowedError,
    RevcycleTypeError,
    ValidationError,
    shown,
)
from revcycle.money._allocation import AllocationPolicy, allocate_units
from revcycle.money._currency import (
    _QUANTA,
    Currency,
    _locale,
    _space_letter_symbol,
    to_currency,
)


# --------------------------------------------------------------------------------------------
# Rounding


class RoundingMode(enum.StrEnum):
    """How to break a value that falls between two representable amounts.

    ``HALF_UP`` rounds ties away from zero (-0.125 → -0.13), as invoices expect.
    """

    HALF_UP = "half_up"
    HALF_EVEN = "half_even"
    HALF_DOWN = "half_down"
    UP = "up"
    DOWN = "down"
    CEILING = "ceiling"
    FLOOR = "floor"

    @property
    def decimal_rounding(self) -> str:
        """The :mod:`decimal` rounding constant for this mode."""
        return _DECIMAL_ROUNDING[self]


_DECIMAL_ROUNDING: Final = {
    RoundingMode.HALF_UP: decimal.ROUND_HALF_UP,
    RoundingMode.HALF_EVEN: decimal.ROUND_HALF_EVEN,
    RoundingMode.HALF_DOWN: decimal.ROUND_HALF_DOWN,
    RoundingMode.UP: decimal.ROUND_UP,
    RoundingMode.DOWN: decimal.ROUND_DOWN,
    RoundingMode.CEILING: decimal.ROUND_CEILING,
    RoundingMode.FLOOR: decimal.ROUND_FLOOR,
}


def _to_mode(value: RoundingMode | str) -> RoundingMode:
    return to_choice(RoundingMode, value, "A rounding mode")


def _check_rounding(rounding: object) -> Rounding:
    if not isinstance(rounding, Rounding):
        raise RevcycleTypeError(
            f"A rounding rule must be a Rounding or None, not {shown(rounding)}."
        )
    return rounding


def _too_precise(amount: Decimal, places: int) -> ValidationError:
    return ValidationError(
        f"Cannot round {plain(amount)} to {places} decimal places: the result would need more "
        "than 50 significant digits."
    )


MIN_ROUNDING_PLACES: Final = 1 - MAX_WHOLE_DIGITS
"""The fewest decimal places a :class:`Rounding` may keep (-39: to a multiple of 1E+39)."""

MAX_SPLIT_PARTS: Final = 10_000
"""The most parts :meth:`Money.split` makes (far more than any real split needs)."""


def _check_places(_: object, __: object, places: int | None) -> None:
    if places is None:
        return
    if isinstance(places, bool) or not isinstance(places, int):
        raise RevcycleTypeError(f"Rounding places must be an int or None, not {shown(places)}.")
    if not MIN_ROUNDING_PLACES <= places <= MAX_PLACES:
        raise ValidationError(
            f"Rounding places must be from {MIN_ROUNDING_PLACES} to {MAX_PLACES} (numbers in "
            f"revcycle have at most {MAX_WHOLE_DIGITS} digits before the decimal point and none "
            f"beyond the {MAX_PLACES}th place), got {shown(places)}."
        )


@final
@attrs.frozen
class Rounding:
    """A rounding rule: a mode and a number of decimal places.

    ``places=None`` means the currency's minor units. The default is half-up at the minor
    unit, the rule revcycle applies at every documented rounding point.

    >>> Rounding(RoundingMode.HALF_EVEN).apply(Money("0.125", "USD"))
    Money('0.12', 'USD')
    >>> Rounding(places=4).apply(Money("0.00015", "USD"))
    Money('0.0002', 'USD')
    """

    mode: RoundingMode = attrs.field(default=RoundingMode.HALF_UP, converter=_to_mode)
    places: int | None = attrs.field(default=None, validator=_check_places)

    def quantize(self, amount: Decimal, currency: Currency) -> Decimal:
        """Round a bare amount in ``currency`` by this rule."""
        if type(amount) is not Decimal or not amount.is_finite() or type(currency) is not Currency:
            amount = to_decimal(amount, "The amount to round")
            if not isinstance(currency, Currency):
                raise RevcycleTypeError(f"A currency must be a Currency, not {shown(currency)}.")
        places = currency.minor_units if self.places is None else self.places
        quantum = _QUANTA.get(places) or Decimal(1).scaleb(-places, context=CTX)
        try:
            return amount.quantize(quantum, rounding=_DECIMAL_ROUNDING[self.mode], context=CTX)
        except decimal.InvalidOperation:
            raise _too_precise(amount, places) from None

    @check_arguments
    def apply(self, money: Money) -> Money:
        """Round ``money`` by this rule."""
        return Money(self.quantize(money.amount, money.currency), money.currency)


HALF_UP: Final = Rounding()


# --------------------------------------------------------------------------------------------
# Money


def _to_amount(value: DecimalLike) -> Decimal:
    return to_decimal(value, "Money amount")


@final
@attrs.frozen(repr=False, order=False)
class Money:
    """An exact amount in one currency.

    The amount is kept unrounded (a unit price of 0.0006 USD is legal); call :meth:`round`
    at a rounding point. Arithmetic and comparison need the same currency; multiplying or
    dividing by an ``int`` or ``Decimal`` is exact; ``Money / Money`` is a ``Decimal`` ratio.

    >>> Money("12.30", "USD") + Money("0.70", "USD")
    Money('13.00', 'USD')
    >>> Money("10", "USD") / Money("4", "USD")
    Decimal('2.5')
    >>> Money("1", "USD") + Money("1", "EUR")
    Traceback (most recent call last):
    ...
    revcycle.errors.CurrencyMismatchError: Cannot add USD and EUR amounts: 1 USD and 1 EUR.
    """

    amount: Decimal = attrs.field(converter=_to_amount)
    currency: Currency = attrs.field(converter=to_currency)

    # -- construction --------------------------------------------------------------------

    @classmethod
    def zero(cls, currency: Currency | str) -> Money:
        """Zero in ``currency``."""
        return cls(ZERO, currency)

    @classmethod
    def from_minor_units(cls, units: int, currency: Currency | str) -> Money:
        """Build an amount from a whole number of minor units (cents for USD).

        >>> Money.from_minor_units(1999, "USD")
        Money('19.99', 'USD')
        >>> Money.from_minor_units(1999, "JPY")
        Money('1999', 'JPY')
        """
        cur = Currency.of(currency)
        # Checked as minor units first, so that an absurd int is refused before it is converted
        # (an amount of 40 whole digits has as many more digits in minor units as cents).
        whole = to_int(units, "Minor units", digits=MAX_WHOLE_DIGITS + cur.minor_units)
        to_decimal(whole // 10**cur.minor_units, "Money amount")
        return cls(Decimal(whole).scaleb(-cur.minor_units, context=CTX), cur)

    # Build from values revcycle computed itself, skipping the converters: only for a finite
    # Decimal and a Currency; the engines' hot paths use it. Set below, once the class exists.
    _trusted: ClassVar[Callable[[Decimal, Currency], Money]]

    # -- views ---------------------------------------------------------------------------

    @property
    def minor_units(self) -> int:
        """The amount as a whole number of minor units.

        Raises :class:`~revcycle.errors.ValidationError` when the amount has more places than
        the currency's minor unit: round it first, so that no fraction is silently lost.
        """
        scaled = self.amount.scaleb(self.currency.minor_units, context=CTX)
        if scaled != scaled.to_integral_value():
            raise ValidationError(
                f"{self} is not a whole number of {self.currency.code} minor units; "
                "call .round() first."
            )
        return int(scaled)

    def is_zero(self) -> bool:
        """True when the amount is zero."""
        return self.amount.is_zero()

    def is_negative(self) -> bool:
        """True when the amount is below zero."""
        return self.amount < 0

    def round(self, rounding: Rounding | None = None) -> Money:
        """Round to the currency's minor unit, half-up, or by ``rounding``."""
        if rounding is None:  # the common case, kept free of lookups
            currency = self.currency
            try:
                rounded = self.amount.quantize(
                    currency._quantum, rounding=decimal.ROUND_HALF_UP, context=CTX
                )
            except decimal.InvalidOperation:
                raise _too_precise(self.amount, currency.minor_units) from None
            return Money._trusted(rounded, currency)
        return Money(_check_rounding(rounding).quantize(self.amount, self.currency), self.currency)

    def format(self, locale: str = "en_US", rounding: Rounding | None = None) -> str:
        """Format for people in an explicit ``locale`` (Babel CLDR patterns).

        The amount is shown rounded to the currency's ISO 4217 minor unit (half-up unless
        ``rounding`` says otherwise); the ambient locale is never read.

        >>> Money("1234.5", "USD").format()
        '$1,234.50'
        >>> Money("1234.5", "EUR").format(locale="de_DE")
        '1.234,50\\xa0€'
        >>> Money("1234", "JPY").format(locale="ja_JP")
        '￥1,234'
        """
        rule = HALF_UP if rounding is None else _check_rounding(rounding)
        places = self.currency.minor_units if rule.places is None else rule.places
        value = rule.quantize(self.amount, self.currency)
        loc = _locale(locale)
        pattern = copy.copy(loc.currency_formats["standard"])
        # Rounding to tens or hundreds (negative places) still shows no fraction digits.
        pattern.frac_prec = (max(places, 0), max(places, 0))
        # Babel computes in the ambient decimal context; give it revcycle's own instead, so a
        # caller's context (a low precision, a trap) can neither break nor change the text.
        with decimal.localcontext(CTX):
            text = str(
                pattern.apply(value, loc, currency=self.currency.code, currency_digits=False)
            )
        return _space_letter_symbol(text, self.currency.symbol(locale))

    # -- arithmetic ----------------------------------------------------------------------

    def _same(self, other: Money, verb: str) -> Currency:
        if self.currency is not other.currency and self.currency != other.currency:
            raise CurrencyMismatchError(
                f"Cannot {verb} {self.currency.code} and {other.currency.code} amounts: "
                f"{self} and {other}."
            )
        return self.currency

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            raise _not_money(other, "add")
        return Money._trusted(CTX.add(self.amount, other.amount), self._same(other, "add"))

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            raise _not_money(other, "subtract")
        return Money(CTX.subtract(self.amount, other.amount), self._same(other, "subtract"))

    def __neg__(self) -> Money:
        return Money(CTX.minus(self.amount), self.currency)

    def __pos__(self) -> Money:
        return self

    def __abs__(self) -> Money:
        return Money(CTX.abs(self.amount), self.currency)

    def __mul__(self, factor: Decimal | int | Fraction) -> Money:
        if type(factor) is Decimal:  # the common case first
            value = to_decimal(factor, "A money multiplier")
            return Money._trusted(CTX.multiply(self.amount, value), self.currency)
        if isinstance(factor, Fraction):
            exact = check_fraction(factor, "A money multiplier")
            return Money._trusted(scale_exact(self.amount, exact), self.currency)
        if isinstance(factor, Money):  # type: ignore[unreachable]
            raise RevcycleTypeError("Cannot multiply two amounts of money together.")
        if _is_factor(factor):
            value = to_decimal(factor, "A money multiplier")
            return Money._trusted(CTX.multiply(self.amount, value), self.currency)
        raise _not_a_factor(factor, "multiply")

    __rmul__ = __mul__

    @overload
    def __truediv__(self, divisor: Money) -> Decimal: ...
    @overload
    def __truediv__(self, divisor: Decimal | int) -> Money: ...
    def __truediv__(self, divisor: Decimal | int | Money) -> Money | Decimal:
        if isinstance(divisor, Money):
            self._same(divisor, "divide")
            if divisor.amount.is_zero():
                raise ValidationError(f"Cannot divide {self} by a zero amount.")
            return CTX.divide(self.amount, divisor.amount)
        if _is_factor(divisor):
            value = to_decimal(divisor, "A money divisor")
            if value.is_zero():
                raise ValidationError(f"Cannot divide {self} by zero.")
            return Money._trusted(CTX.divide(self.amount, value), self.currency)
        raise _not_a_factor(divisor, "divide")

    def __lt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            raise _not_money(other, "compare")
        self._same(other, "compare")
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            raise _not_money(other, "compare")
        self._same(other, "compare")
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            raise _not_money(other, "compare")
        self._same(other, "compare")
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            raise _not_money(other, "compare")
        self._same(other, "compare")
        return self.amount >= other.amount

    # -- allocation ----------------------------------------------------------------------

    def allocate(
        self,
        ratios: Sequence[DecimalLike],
        policy: AllocationPolicy = AllocationPolicy.LARGEST_REMAINDER,
        rounding: Rounding | None = None,
    ) -> tuple[Money, ...]:
        """Split this amount by ``ratios`` in whole minor units; see :func:`allocate`."""
        return allocate(self, ratios, policy, rounding)

    def split(
        self,
        n: int,
        policy: AllocationPolicy = AllocationPolicy.LARGEST_REMAINDER,
        rounding: Rounding | None = None,
    ) -> tuple[Money, ...]:
        """Split into ``n`` parts as equal as whole minor units allow (``n`` from 1 to
        :data:`MAX_SPLIT_PARTS`, 10,000)."""
        if isinstance(n, bool) or not isinstance(n, int | numbers.Integral):
            raise AllocationError(f"Cannot split into {shown(n)} parts; expected a positive int.")
        parts = to_int(n, "The number of parts")
        if not 1 <= parts <= MAX_SPLIT_PARTS:
            raise AllocationError(
                f"Cannot split into {shown(parts)} parts; split() makes from 1 to "
                f"{MAX_SPLIT_PARTS:,} parts."
            )
        return allocate(self, [1] * parts, policy, rounding)

    # -- text ----------------------------------------------------------------------------

    def __repr__(self) -> str:
        return f"Money({shown(plain(self.amount))}, {shown(self.currency.code)})"

    def __str__(self) -> str:
        return f"{plain(self.amount)} {self.currency.code}"


def _not_money(value: object, verb: str) -> RevcycleTypeError:
    """The error for adding, subtracting or comparing money and something else."""
    return RevcycleTypeError(
        f"Cannot {verb} money and {shown(value)}; use Money in the same currency (an int or a "
        "Decimal multiplies or divides)."
    )


def _is_factor(value: object) -> bool:
    """True for what money may be multiplied or divided by besides a Fraction: a Decimal or an
    int (numpy's integers too), never a bool."""
    return isinstance(value, Decimal | int | numbers.Integral) and not isinstance(value, bool)


def _not_a_factor(value: object, verb: str) -> RevcycleTypeError:
    """The error for money arithmetic with anything but an int, a Decimal or a Fraction.

    Text is refused here (unlike amounts), so the fix offered for a float is a Decimal only.
    """
    if isinstance(value, float | numbers.Real) and not isinstance(value, numbers.Rational):
        return FloatNotAllowedError(
            f'Cannot {verb} money by the float {shown(value)}; pass Decimal("{value}") or an int '
            "(text is not accepted here)."
        )
    hint = f" (convert text with Decimal({shown(value)}) first)" if isinstance(value, str) else ""
    return RevcycleTypeError(
        f"Cannot {verb} money by {shown(value)}; use an int or a Decimal{hint}."
    )


_build_money: Final = trusted(Money, "amount", "currency")


def _trusted_money(amount: Decimal, currency: Currency) -> Money:
    """A Money from an amount revcycle computed in :data:`CTX` (so finite, with no digit
    beyond the 100th place) and a Currency: only the size is checked, as a sum or product of
    accepted amounts may pass the limit of 40 digits before the decimal point."""
    if amount.adjusted() >= MAX_WHOLE_DIGITS:
        if amount.is_zero():  # 0 ÷ a small number: zero with a large exponent
            return _build_money(ZERO, currency)
        raise ValidationError(
            f"An amount in {currency.code} is too large: about 1E+{amount.adjusted()}; numbers in "
            f"revcycle have at most {MAX_WHOLE_DIGITS} digits before the decimal point."
        )
    return _build_money(amount, currency)


Money._trusted = staticmethod(_trusted_money)


def allocate(
    money: Money,
    ratios: Sequence[DecimalLike],
    policy: AllocationPolicy = AllocationPolicy.LARGEST_REMAINDER,
    rounding: Rounding | None = None,
) -> tuple[Money, ...]:
    """Split ``money`` by ``ratios`` so the parts sum exactly to the rounded whole.

    The whole is rounded to minor units (half-up unless ``rounding`` says otherwise); each part
    gets its exact share truncated toward zero; the minor units left over are handed out one
    at a time by ``policy``. Zero ratios get zero; a negative amount splits symmetrically.
    Every part is within one minor unit of its exact share.

    >>> allocate(Money("0.05", "USD"), [3, 7])
    (Money('0.02', 'USD'), Money('0.03', 'USD'))
    >>> allocate(Money("100", "USD"), [1, 1, 1], AllocationPolicy.LAST)
    (Money('33.33', 'USD'), Money('33.33', 'USD'), Money('33.34', 'USD'))
    """
    if not isinstance(money, Money):
        raise RevcycleTypeError(f"allocate() needs a Money amount, not {shown(money)}.")
    # A str is a sequence too, but "37" is not the ratios 3 and 7: refuse it (and mappings).
    given = require_sequence(ratios, "Allocation ratios", "numbers", allow_mapping=False)
    weights = [Fraction(to_decimal(r, "An allocation ratio")) for r in given]
    if not weights:
        raise AllocationError("Cannot allocate over no ratios; give at least one.")
    if any(w < 0 for w in weights):
        raise AllocationError(f"Allocation ratios must not be negative, got {shown(list(given))}.")
    if not any(weights):
        raise AllocationError("Allocation ratios must not all be zero.")
    policy = to_choice(AllocationPolicy, policy, "An allocation policy")
    currency = money.currency
    rule = HALF_UP if rounding is None else _check_rounding(rounding)
    places = currency.minor_units if rule.places is None else rule.places
    whole = rule.quantize(money.amount, currency)
    units = int(whole.scaleb(places, context=CTX))
    sign = -1 if units < 0 else 1
    units = abs(units)

    # The ratios as integers over one common denominator: share i is units × n_i / scale.
    common = math.lcm(*(w.denominator for w in weights))
    numerators = [w.numerator * (common // w.denominator) for w in weights]
    scale = sum(numerators)
    parts = allocate_units(units, [units * n for n in numerators], scale, policy)
    return tuple(
        Money(Decimal(sign * part).scaleb(-places, context=CTX), currency) for part in parts
    )


def total(amounts: Iterable[Money], currency: Currency | str | None = None) -> Money:
    """Sum amounts of one currency; needs ``currency`` only when ``amounts`` may be empty.

    >>> total([Money("1.10", "USD"), Money("2.20", "USD")])
    Money('3.30', 'USD')
    >>> total([], "EUR")
    Money('0', 'EUR')
    """
    result: Money | None = None if currency is None else Money.zero(currency)
    given: object = amounts  # checked as it came, whatever the annotation promises
    if isinstance(given, str | bytes) or not isinstance(given, Iterable):
        raise RevcycleTypeError(f"total() sums an iterable of Money values, not {shown(amounts)}.")
    for amount in require_sequence(amounts, "total() amounts"):
        if not isinstance(amount, Money):
            raise RevcycleTypeError(f"total() sums Money values, not {shown(amount)}.")
        result = amount if result is None else result + amount
    if result is None:
        raise ValidationError("Cannot total an empty list of amounts without a currency.")
    return result
