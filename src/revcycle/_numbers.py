"""Exact decimal arithmetic in revcycle's own context, and the checks on numeric input.

revcycle never reads or changes the ambient :mod:`decimal` context. All arithmetic goes
through :data:`CTX`, a private context with 50 significant digits whose traps turn invalid
operations into errors rather than NaNs.
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from fractions import Fraction
from typing import Final

from revcycle.errors import FloatNotAllowedError, RevcycleTypeError, ValidationError


PRECISION: Final = 50

CTX: Final = decimal.Context(
    prec=PRECISION,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)

ZERO: Final = Decimal(0)
ONE: Final = Decimal(1)
HUNDRED: Final = Decimal(100)
"""Percent points per whole: ``percent.value / HUNDRED`` is its ratio."""

DecimalLike = Decimal | int | str


def to_decimal(value: object, what: str) -> Decimal:
    """Return ``value`` as a finite Decimal, or raise a revcycle error naming ``what``.

    Accepts ``Decimal``, ``int`` and numeric ``str``; refuses ``float`` (with the fix in the
    message), ``bool``, NaN, infinities and malformed text.
    """
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise RevcycleTypeError(f"{what} must be a Decimal, int or str, not the bool {value!r}.")
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace("_", "")
        try:
            result = Decimal(text)
        except decimal.InvalidOperation:
            raise ValidationError(
                f"{what} must be a number written as text such as '12.30', not {value!r}."
            ) from None
    elif isinstance(value, float):
        raise FloatNotAllowedError(
            f"{what} must be a Decimal, int or str, not the float {value!r}; "
            f'pass Decimal("{value!r}") or "{value!r}".'
        )
    else:
        raise RevcycleTypeError(
            f"{what} must be a Decimal, int or str, not {type(value).__name__} {value!r}."
        )
    if not result.is_finite():
        raise ValidationError(f"{what} must be a finite number, not {value!r}.")
    if result and not -CTX.Emax < result.adjusted() < CTX.Emax:
        # Beyond the context's exponent range every later operation would overflow.
        raise ValidationError(
            f"{what} must be smaller than 1E+999999 and larger than 1E-999999 in size, not about "
            f"1E{result.adjusted():+d}."
        )
    return result


def to_int(value: object, what: str) -> int:
    """Return ``value`` as an int; refuse bools, floats and anything else."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise RevcycleTypeError(f"{what} must be a whole number (int), not {value!r}.")
    return value


def fraction_to_decimal(value: Fraction) -> Decimal:
    """Divide out an exact fraction in revcycle's context (50 significant digits); a whole
    number is converted exactly, without a division."""
    if value.denominator == 1:
        return Decimal(value.numerator)
    return CTX.divide(Decimal(value.numerator), Decimal(value.denominator))


def decimal_to_fraction(value: Decimal) -> Fraction:
    """Return the exact fraction a finite Decimal stands for."""
    return Fraction(value)


def scale_exact(amount: Decimal, factor: Fraction) -> Decimal:
    """Return ``amount × factor`` multiplying first and dividing once.

    Multiplying by the numerator first keeps the result exact whenever the exact product has
    a terminating decimal expansion (so a tie such as 0.005 is a real tie when rounded later).
    """
    if factor.denominator == 1:
        return CTX.multiply(amount, Decimal(factor.numerator))
    product = CTX.multiply(amount, Decimal(factor.numerator))
    return CTX.divide(product, Decimal(factor.denominator))


def round_to(value: Decimal, places: int) -> Decimal:
    """Round to ``places`` decimal places, half-even, in revcycle's context (for display only).

    The built-in ``round(value, places)`` would use the caller's ambient decimal context.
    """
    return value.quantize(Decimal(1).scaleb(-places), rounding=decimal.ROUND_HALF_EVEN, context=CTX)


def plain(value: Decimal) -> str:
    """Format a Decimal without exponent notation (``1E+2`` becomes ``100``)."""
    text = f"{value:f}"
    return "0" if text in {"-0", "-0.0"} else text
