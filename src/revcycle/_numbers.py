"""Exact decimal arithmetic in revcycle's own context, and the checks on numeric input.

revcycle never reads or changes the ambient :mod:`decimal` context. All arithmetic goes
through :data:`CTX`, a private context with 50 significant digits whose traps turn invalid
operations into errors rather than NaNs.

Every number that comes in — a ``str``, an ``int`` (numpy's integers too), a ``Decimal``
instance, a JSON value — passes one range check, :func:`to_decimal` (docs/reference/limits.md):
at most :data:`MAX_WHOLE_DIGITS` (40) digits before the decimal point, at most
:data:`MAX_DIGITS` (100) significant digits, and none beyond the :data:`MAX_PLACES` (100th)
decimal place. That is far beyond any amount, quantity or rate a business meets, and it keeps
every operation on an accepted number small: its text, its minor units, a rounding, an
allocation.
"""

from __future__ import annotations

import decimal
import numbers
import operator
from decimal import Decimal
from fractions import Fraction
from typing import Final

from revcycle.errors import FloatNotAllowedError, RevcycleTypeError, ValidationError, shown


PRECISION: Final = 50

MAX_WHOLE_DIGITS: Final = 40
"""Digits a number may have before its decimal point: every number is below 1E+40 in size."""

MAX_PLACES: Final = 100
"""The last decimal place a number may have a digit in: 1E-100 is the smallest non-zero size."""

MAX_DIGITS: Final = 100
"""Significant digits a number may have (revcycle computes with 50)."""

# The range check as a context: ``plus()`` under it signals Overflow for 40 or more whole
# digits, Rounded for more than 100 significant digits or a digit beyond the 100th place
# (Etiny = Emin - prec + 1 = -100), and Clamped for a zero with an absurd exponent. One call,
# no allocation of a digit tuple: cheap enough for the hot paths.
_LIMITS: Final = decimal.Context(
    prec=MAX_DIGITS,
    Emax=MAX_WHOLE_DIGITS - 1,
    Emin=MAX_DIGITS - MAX_PLACES - 1,
    rounding=decimal.ROUND_HALF_EVEN,
    traps=[decimal.Overflow, decimal.Rounded, decimal.Clamped, decimal.InvalidOperation],
)

CTX: Final = decimal.Context(
    prec=PRECISION,
    rounding=decimal.ROUND_HALF_EVEN,
    # Results smaller than 1E-51 lose digits and nothing is ever kept beyond the 100th place
    # (Etiny = -100), so every computed number passes the range check below on that side.
    Emin=PRECISION - MAX_PLACES - 1,
    Emax=999_999,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)

ZERO: Final = Decimal(0)
ONE: Final = Decimal(1)
HUNDRED: Final = Decimal(100)
"""Percent points per whole: ``percent.value / HUNDRED`` is its ratio."""

DecimalLike = Decimal | int | str

# An int of more bits than this has more than 40 digits (2**133 > 1E+40).
_MAX_BITS: Final = 133
# Text longer than this cannot hold an accepted number (100 digits, a sign, a point, an
# exponent and some blanks); it is refused before it is parsed.
_MAX_TEXT: Final = 200


def in_range(value: Decimal) -> bool:
    """True when a finite Decimal passes the range check (see :func:`to_decimal`); a zero
    written with an exponent outside the range does not (``to_decimal`` reads it as 0)."""
    try:
        _LIMITS.plus(value)
    except decimal.DecimalException:
        return False
    return True


def to_decimal(value: object, what: str) -> Decimal:
    """Return ``value`` as a finite Decimal, or raise a revcycle error naming ``what``.

    Accepts ``Decimal``, ``int`` (any :class:`numbers.Integral` but ``bool``: numpy's integers
    are exact) and numeric ``str``; refuses ``float`` (with the fix in the message), ``bool``,
    NaN, infinities and malformed text. Every accepted number is within the limits of
    docs/reference/limits.md: below 1E+40 in size (:data:`MAX_WHOLE_DIGITS`), at most 100
    significant digits (:data:`MAX_DIGITS`), none beyond the 100th decimal place
    (:data:`MAX_PLACES`).

    >>> to_decimal("1e40", "Money amount")
    Traceback (most recent call last):
        ...
    revcycle.errors.ValidationError: Money amount is too large: about 1E+40; numbers in revcycle have at most 40 digits before the decimal point.
    """  # noqa: E501
    if type(value) is Decimal:  # the common case first: one call checks the range
        try:
            _LIMITS.plus(value)
        except decimal.DecimalException:
            return _zero_or_refuse(value, what)
        if value.is_finite():
            return value
        raise ValidationError(f"{what} must be a finite number, not {shown(value)}.")
    if isinstance(value, bool):
        raise RevcycleTypeError(
            f"{what} must be a Decimal, int or str, not the bool {shown(value)}."
        )
    if isinstance(value, int | numbers.Integral):
        whole = operator.index(value)
        if whole.bit_length() > _MAX_BITS:
            raise out_of_range_int(whole, what)
        result = Decimal(whole)
    elif isinstance(value, str):
        if len(value) > _MAX_TEXT:
            raise ValidationError(
                f"{what} must be a number written as text such as '12.30', not a text of "
                f"{len(value):,} characters ({shown(value[:20])}…); numbers in revcycle "
                f"have at most "
                f"{MAX_DIGITS} digits."
            )
        text = value.strip().replace("_", "")
        try:
            result = Decimal(text)
        except decimal.InvalidOperation:
            raise ValidationError(
                f"{what} must be a number written as text such as '12.30', not {shown(value)}."
            ) from None
    elif isinstance(value, Decimal):  # a subclass: read as the Decimal it is
        result = Decimal(value)
    elif isinstance(value, float | numbers.Real) and not isinstance(value, Fraction):
        raise FloatNotAllowedError(
            f"{what} must be a Decimal, int or str, not the float {shown(value)}; "
            f'pass Decimal("{value}") or "{value}".'
        )
    else:
        raise RevcycleTypeError(
            f"{what} must be a Decimal, int or str, not {type(value).__name__} {shown(value)}."
        )
    if not result.is_finite():
        raise ValidationError(f"{what} must be a finite number, not {shown(value)}.")
    if not in_range(result):
        return _zero_or_refuse(result, what)
    return result


def _zero_or_refuse(value: Decimal, what: str) -> Decimal:
    # A zero written with an absurd exponent (0E-999999, 0E+48) is still zero: read as 0.
    if value.is_zero():
        return ZERO
    raise out_of_range(value, what)


def out_of_range(value: Decimal, what: str) -> ValidationError:
    """The error for a finite Decimal that fails the range check, naming the limit it breaks
    (and showing the number by its size only, never in full)."""
    if not value.is_finite():
        return ValidationError(f"{what} must be a finite number, not {shown(value)}.")
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    adjusted = value.adjusted()
    if adjusted >= MAX_WHOLE_DIGITS:
        return ValidationError(
            f"{what} is too large: about {'-' if sign else ''}1E+{adjusted}; numbers in "
            f"revcycle have at most {MAX_WHOLE_DIGITS} digits before the decimal point."
        )
    if adjusted < -MAX_PLACES:
        return ValidationError(
            f"{what} is too small: about {'-' if sign else ''}1E{adjusted}; numbers in revcycle "
            f"have no digit beyond the {MAX_PLACES}th decimal place (use 0)."
        )
    if len(digits) > MAX_DIGITS:
        return ValidationError(
            f"{what} has too many digits: {len(digits):,} significant digits; numbers in "
            f"revcycle have at most {MAX_DIGITS}."
        )
    return ValidationError(
        f"{what} has too many decimal places: {-exponent:,}; numbers in revcycle have no digit "
        f"beyond the {MAX_PLACES}th decimal place."
    )


def out_of_range_int(value: int, what: str) -> ValidationError:
    """The error for an int of more than :data:`MAX_WHOLE_DIGITS` digits (its size only)."""
    bits = value.bit_length()
    # Counted exactly while that is cheap (str() of an int takes quadratic time, and refuses
    # more than 4,300 digits), else estimated.
    size = f"{len(str(abs(value))):,}" if bits <= 1_000 else f"about {bits * 0.30103:,.0f}"
    return ValidationError(
        f"{what} is too large: an int of {size} digits; "
        f"numbers in revcycle have at most {MAX_WHOLE_DIGITS} digits before the decimal point."
    )


def to_int(value: object, what: str, *, digits: int = MAX_WHOLE_DIGITS) -> int:
    """Return ``value`` as an int (numpy's integers too) of at most ``digits`` digits (40, as
    every number in revcycle: docs/reference/limits.md); refuse bools, floats and anything
    else.

    >>> to_int(10**40, "A count")
    Traceback (most recent call last):
        ...
    revcycle.errors.ValidationError: A count is too large: an int of 41 digits; numbers in revcycle have at most 40 digits before the decimal point.
    """  # noqa: E501
    if type(value) is int:
        whole = value
    elif isinstance(value, bool) or not isinstance(value, int | numbers.Integral):
        raise RevcycleTypeError(f"{what} must be a whole number (int), not {shown(value)}.")
    else:
        whole = operator.index(value)
    if -_POWERS[digits] < whole < _POWERS[digits]:
        return whole
    raise out_of_range_int(whole, what)


# 10**digits for the ``digits`` to_int() is asked for (a caller may allow a few more than 40).
_POWERS: Final = [10**digits for digits in range(MAX_WHOLE_DIGITS + 10)]


# A fraction's numerator and denominator have at most this many digits (in bits, 2**333 is
# about 1E+100): what the library computes is far smaller, and an exact quotient stays cheap.
_MAX_FRACTION_BITS: Final = 333


def check_fraction(value: Fraction, what: str) -> Fraction:
    """``value`` if its numerator and denominator have at most :data:`MAX_DIGITS` digits each,
    else a :class:`ValidationError` naming ``what`` and the limit."""
    if (
        value.numerator.bit_length() > _MAX_FRACTION_BITS
        or value.denominator.bit_length() > _MAX_FRACTION_BITS
    ):
        bits = max(value.numerator.bit_length(), value.denominator.bit_length())
        raise ValidationError(
            f"{what} is a fraction of about {bits * 0.30103:,.0f} digits; fractions in revcycle "
            f"have at most {MAX_DIGITS} digits in their numerator and denominator."
        )
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
