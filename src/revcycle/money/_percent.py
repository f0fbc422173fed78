"""Percents: :class:`Percent`, and the range check and settled comparison discounts use.

Re-exported by :mod:`revcycle.money`; import from there.
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from typing import Final, Self, final

import attrs

from revcycle._numbers import CTX, HUNDRED, ONE, DecimalLike, plain, to_decimal
from revcycle._validate import Validator
from revcycle.errors import RevcycleTypeError, ValidationError, shown
from revcycle.money._money import Money


def _to_percent(value: DecimalLike) -> Decimal:
    return to_decimal(value, "Percent value")


@final
@attrs.frozen(repr=False, order=False)
class Percent:
    """A percentage: ``Percent("12.5")`` is 12.5 % and its ``ratio`` is 0.125.

    Percents may be negative (a surcharge written as a negative discount) or above 100; the
    engines that need a range check it themselves.

    >>> Percent("12.5").ratio
    Decimal('0.125')
    >>> Percent("10").of(Money("250", "USD"))
    Money('25.0', 'USD')
    """

    value: Decimal = attrs.field(converter=_to_percent)

    @classmethod
    def from_ratio(cls, ratio: DecimalLike) -> Self:
        """Build from a ratio: ``Percent.from_ratio("0.125")`` is 12.5 %."""
        return cls(CTX.multiply(to_decimal(ratio, "Percent ratio"), Decimal(100)))

    @property
    def ratio(self) -> Decimal:
        """The percentage as a fraction of one (12.5 % → 0.125)."""
        return CTX.divide(self.value, Decimal(100))

    def of(self, money: Money) -> Money:
        """This share of ``money``, unrounded."""
        if not isinstance(money, Money):
            raise RevcycleTypeError(f"Percent.of() takes Money, not {shown(money)}.")
        return money * self.ratio

    def complement(self) -> Decimal:
        """``1 - ratio``: the factor a discount of this size leaves (10 % → 0.9)."""
        return CTX.subtract(Decimal(1), self.ratio)

    # Ordered by value, like numbers; comparing with anything but a Percent is an error.
    def _other(self, other: object) -> Decimal:
        if not isinstance(other, Percent):
            raise RevcycleTypeError(f"Cannot compare a Percent with {shown(other)}.")
        return other.value

    def __lt__(self, other: Percent) -> bool:
        return self.value < self._other(other)

    def __le__(self, other: Percent) -> bool:
        return self.value <= self._other(other)

    def __gt__(self, other: Percent) -> bool:
        return self.value > self._other(other)

    def __ge__(self, other: Percent) -> bool:
        return self.value >= self._other(other)

    def __repr__(self) -> str:
        return f"Percent({shown(plain(self.value))})"

    def __str__(self) -> str:
        return f"{plain(self.value)}%"


def check_percent_range(what: str) -> Validator:
    """An attrs validator for an optional discount between 0 and 100 percent."""

    def check(_: object, __: object, value: object) -> None:
        if value is None:
            return
        if not isinstance(value, Percent):
            raise RevcycleTypeError(f"{what} must be a Percent or None, not {shown(value)}.")
        if not 0 <= value.value <= 100:
            raise ValidationError(f"{what} must be between 0 and 100 percent, not {value}.")

    return check


# The engines compute in a 50-digit context, so the ratio of two of their prices can differ
# from the exact ratio in the last digits: a 20 % discount over a 199/360 term can come out as
# 20.000…001 % and trip a 20 % limit. Percents that are compared with a limit are therefore
# settled to 30 decimal places of a percentage point, far finer than any limit a person writes
# and far coarser than that noise.
_SETTLED: Final = Decimal("1e-30")


def settled_percent(ratio: Decimal) -> Percent:
    """``ratio`` (0.2 for 20 %) as a :class:`Percent` rounded half-even to 30 decimal places of
    a percentage point, trailing zeros dropped: the precision approval rules compare at.

    >>> settled_percent(Decimal("0.2000000000000000000000000000000000000001"))
    Percent('20')
    """
    value = CTX.multiply(ratio, HUNDRED)
    if value.adjusted() < 19:  # 30 places and the whole part fit in the 50-digit context
        value = value.quantize(_SETTLED, rounding=decimal.ROUND_HALF_EVEN, context=CTX)
    value = value.normalize(CTX)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0 and value.adjusted() < CTX.prec:
        value = value.quantize(ONE, context=CTX)  # 2E+1 reads 20 (a bigger one: no Percent)
    return Percent(value)
