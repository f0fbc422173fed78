"""The exception tree of revcycle.

Every error revcycle raises derives from :class:`RevcycleError`, and each concrete error also
inherits the built-in exception a caller would naturally catch::

    RevcycleError(Exception)
    ├── ValidationError(RevcycleError, ValueError)      invalid domain input
    │   ├── CurrencyMismatchError                       two currencies where one is needed
    │   ├── PeriodError                                 a period, duration or schedule that
    │   │                                               cannot be built
    │   ├── TierError                                   tiers that do not increase, mixed prices
    │   ├── AllocationError                             ratios that cannot split an amount
    │   ├── ProrationError                              a span a proration method cannot count
    │   └── TermsParseError                             written payment terms not understood
    ├── UnknownCodeError(RevcycleError, LookupError)    unknown currency, SKU, stage, calendar
    ├── RevcycleTypeError(RevcycleError, TypeError)     a wrong type, such as a float amount
    │   └── FloatNotAllowedError                        a float where a Decimal is required
    └── StructureError(RevcycleError, ValueError)       JSON that does not fit a model

Messages are full sentences that say what was expected and what was given.

>>> from revcycle import Money
>>> try:
...     Money(0.1, "USD")
... except TypeError as error:
...     print(error)
Money amount must be a Decimal, int or str, not the float 0.1; pass Decimal("0.1") or "0.1".
"""

from __future__ import annotations

from collections.abc import Sequence


__all__ = [
    "AllocationError",
    "CurrencyMismatchError",
    "FloatNotAllowedError",
    "PeriodError",
    "ProrationError",
    "RevcycleError",
    "RevcycleTypeError",
    "StructureError",
    "TermsParseError",
    "TierError",
    "UnknownCodeError",
    "ValidationError",
]


class RevcycleError(Exception):
    """The root of every error raised by revcycle."""


class ValidationError(RevcycleError, ValueError):
    """Input that is well-typed but breaks a domain rule."""


class CurrencyMismatchError(ValidationError):
    """Two amounts in different currencies were combined or compared."""


class PeriodError(ValidationError):
    """A period, duration or date schedule that cannot be built."""


class TierError(ValidationError):
    """A tier table that breaks the tier conventions (increasing bounds, one currency)."""


class AllocationError(ValidationError):
    """Ratios that cannot split an amount (negative, or all zero)."""


class ProrationError(ValidationError):
    """A span that a proration method cannot count."""


class TermsParseError(ValidationError):
    """Written payment terms that could not be read."""


class UnknownCodeError(RevcycleError, LookupError):
    """A code (currency, SKU, stage, calendar, price book) that is not known."""

    def __str__(self) -> str:
        # LookupError's str() quotes its argument like a KeyError; a sentence reads better.
        return str(self.args[0]) if self.args else ""


class RevcycleTypeError(RevcycleError, TypeError):
    """A value of the wrong type."""


class FloatNotAllowedError(RevcycleTypeError):
    """A float was given where an exact Decimal is required."""


class StructureError(RevcycleError, ValueError):
    """JSON (or Python data) that does not fit a revcycle model.

    ``messages`` holds one sentence per problem, each starting with its JSON path
    (``$.lines[2].quantity``).
    """

    def __init__(self, summary: str, messages: Sequence[str] = ()) -> None:
        self.summary = summary
        self.messages: tuple[str, ...] = tuple(messages)
        super().__init__(summary, self.messages)

    def __str__(self) -> str:
        if not self.messages:
            return self.summary
        return self.summary + "\n" + "\n".join(f"  {m}" for m in self.messages)
