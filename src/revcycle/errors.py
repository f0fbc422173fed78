"""The exception tree of revcycle.

Every error the library raises derives from :class:`RevcycleError`, and each concrete error
also inherits the built-in exception a caller would naturally catch. The command line adds one
error of its own, :class:`CliError`, for its own input::

    RevcycleError(Exception)
    ├── ValidationError(RevcycleError, ValueError)      invalid domain input
    │   ├── CurrencyMismatchError                       two currencies where one is needed
    │   ├── PeriodError                                 a period, duration or schedule that
    │   │                                               cannot be built
    │   ├── TierError                                   tiers that do not increase, mixed prices
    │   ├── AllocationError                             ratios that cannot split an amount
    │   ├── ProrationError                              a span a proration method cannot count
    │   ├── TermsParseError                             written payment terms not understood
    │   ├── TermsError                                  payment terms, a schedule or a payment
    │   │                                               that break a rule
    │   ├── StageError                                  a stage model or a stage change that
    │   │   │                                           breaks its rules
    │   │   └── CloseRefusedError                       a close-won the close policy refuses
    │   ├── MilestoneOrderError                         engagement milestones out of order
    │   └── UsageError                                  usage that breaks a metering rule
    ├── UnknownCodeError(RevcycleError, LookupError)    unknown currency, SKU, stage, calendar
    ├── RevcycleTypeError(RevcycleError, TypeError)     a wrong type, such as a float amount
    │   └── FloatNotAllowedError                        a float where a Decimal is required
    ├── StructureError(RevcycleError, ValueError)       JSON that does not fit a model
    └── MissingExtraError(RevcycleError, ImportError)   an optional package is not installed;
                                                        the message names the pip install

    CliError(Exception)                                 the command line's own input (a file
                                                        it cannot read, a bad flag value);
                                                        ``revcycle`` prints it and exits 1

Messages are full sentences that say what was expected and what was given; a value is shown
in them by :func:`shown`, which never fails and never runs long, whatever the value.

>>> from revcycle import Money
>>> try:
...     Money(0.1, "USD")
... except TypeError as error:
...     print(error)
Money amount must be a Decimal, int or str, not the float 0.1; pass Decimal("0.1") or "0.1".
"""

from __future__ import annotations

import reprlib
from collections.abc import Sequence
from typing import Any, Final


__all__ = [
    "AllocationError",
    "CliError",
    "CloseRefusedError",
    "CurrencyMismatchError",
    "FloatNotAllowedError",
    "MilestoneOrderError",
    "MissingExtraError",
    "PeriodError",
    "ProrationError",
    "RevcycleError",
    "RevcycleTypeError",
    "StageError",
    "StructureError",
    "TermsError",
    "TermsParseError",
    "TierError",
    "UnknownCodeError",
    "UsageError",
    "ValidationError",
]


MAX_MESSAGE: Final = 10_000
"""The most characters a revcycle error's message holds: past it, the middle is left out and
counted (so a caller's 100,000-character id cannot make a 100,000-character message)."""


def _bounded(text: str) -> str:
    """``text``, or its first and last parts with the number of characters left out between."""
    if len(text) <= MAX_MESSAGE:
        return text
    keep = MAX_MESSAGE // 2 - 50
    return f"{text[:keep]} … [{len(text) - 2 * keep:,} characters left out] … {text[-keep:]}"


class RevcycleError(Exception):
    """The root of every error raised by revcycle.

    Its message holds at most :data:`MAX_MESSAGE` characters (the middle of a longer one is
    left out), whatever the caller's values in it.
    """

    def __init__(self, *args: object) -> None:
        if args and isinstance(args[0], str):
            args = (_bounded(args[0]), *args[1:])
        super().__init__(*args)


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


class TermsError(ValidationError):
    """Payment terms, a schedule or a payment that break a rule of :mod:`revcycle.terms`."""


class StageError(ValidationError):
    """A stage model that breaks its rules, or a stage change an opportunity cannot make."""


class CloseRefusedError(StageError):
    """A close-won that the :class:`~revcycle.opportunity.ClosePolicy` (or the amount rule)
    refuses."""


class MilestoneOrderError(ValidationError):
    """Milestones out of time order, out of the cycle's order, or repeated."""


class UsageError(ValidationError):
    """Usage input that breaks a metering rule (a negative quantity a meter refuses, ...)."""


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
        self.summary = _bounded(summary)
        self.messages: tuple[str, ...] = tuple(_bounded(m) for m in messages)
        super().__init__(self.summary, self.messages)

    def __str__(self) -> str:
        if not self.messages:
            return self.summary
        return _bounded(self.summary + "\n" + "\n".join(f"  {m}" for m in self.messages))


# The package each extra brings (pyproject.toml's optional dependencies, and those of the
# engines still to come), so that the message names what is missing.
_EXTRA_PACKAGES: Final = {
    "arrow": "pyarrow",
    "cli": "rich",
    "dask": "dask",
    "docs": "sphinx",
    "holidays": "holidays",
    "pandas": "pandas",
    "plot": "matplotlib",
    "testing": "hypothesis",
}


class MissingExtraError(RevcycleError, ImportError):
    """An optional package is not installed; the message names the feature that needs it and
    the ``pip install 'revcycle[extra]'`` that brings it.

    ``extra`` is the name of the extra (``"pandas"``, ``"arrow"``, ``"cli"`` ...) and ``feature``
    what needed it, as a subject (``"to_pandas()"``, ``"CountryHolidays"``); ``hint`` is added
    to the sentence (another way to do without the package).

    >>> print(MissingExtraError("pandas", "to_pandas()"))
    to_pandas() needs the pandas package: pip install 'revcycle[pandas]'.
    """

    def __init__(self, extra: str, feature: str, hint: str = "") -> None:
        self.extra = extra
        self.feature = feature
        self.hint = hint
        package = _EXTRA_PACKAGES.get(extra)
        needs = f"the {package} package" if package else f"the {extra!r} extra"
        super().__init__(f"{feature} needs {needs}: pip install 'revcycle[{extra}]'{hint}.")
        self.name = package

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.extra, self.feature, self.hint)


class CliError(Exception):
    """A problem with the command line's own input: a missing file or extra, a bad flag value.

    ``revcycle.cli.main()`` prints it and exits 1, like a domain error; argparse's own usage
    errors (an unknown flag, a missing argument) exit 2. It is not a :class:`RevcycleError`:
    the library never raises it, only the command line does.
    """


# --------------------------------------------------------------------------------------------
# Values in messages


class _Shown(reprlib.Repr):
    """:func:`shown`'s repr: the built-in one, bounded in size and depth."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 3
        self.maxstring = self.maxother = 120
        self.maxlong = 60
        self.maxlist = self.maxtuple = self.maxdict = self.maxset = self.maxfrozenset = 8
        self.maxdeque = self.maxarray = 8

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 1000:  # repr() itself refuses more than 4,300 digits
            return f"<an int of about {x.bit_length() * 0.30103:,.0f} digits>"
        return super().repr_int(x, level)


_SHOWN: Final = _Shown()


_SHORT: Final = 500


def shown(value: object) -> str:
    """``repr(value)`` for an error message; past 500 characters, or when ``repr`` fails, a
    bounded one: at most about 120 characters per item, 8 items and 3 levels of a container,
    an int past 300 digits by its size. It never fails, whatever the value (a 100,000-digit
    int, a list nested 100,000 deep, a broken ``__repr__``).

    >>> shown("12.30"), shown(10**5000), shown([[[[[[1]]]]]] * 100)[:30]
    ("'12.30'", '<an int of about 5,000 digits>', '[[[[...]]], [[[...]]], [[[...]')
    """
    try:
        text = repr(value)
    except Exception:  # too many digits, too deep, or a __repr__ that fails
        text = None
    if text is not None and len(text) <= _SHORT:
        return text
    try:
        return _SHOWN.repr(value)
    except Exception:  # reprlib shields an instance's repr, not its parts'
        return f"<{type(value).__name__} object>"
