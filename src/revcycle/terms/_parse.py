"""Reading written payment terms ("Net 30", "2/10 Net 30", "50% now, 50% Net 30").

:meth:`revcycle.terms.PaymentTerms.parse` calls :func:`parse_terms`, which returns the pieces
(the installment lines and the early-payment discount) the terms are built from.
"""

from __future__ import annotations

import re
from typing import Final

from revcycle._numbers import HUNDRED
from revcycle.errors import RevcycleTypeError, TermsParseError, ValidationError
from revcycle.money import Percent
from revcycle.terms._lines import EarlyPaymentDiscount, Installment, check_installments
from revcycle.terms._rules import DayOfMonth, DueRule, EndOfMonth, NetDays


# --------------------------------------------------------------------------------------------
# Parsing written terms

_RECEIPT: Final = frozenset(
    {
        "due on receipt",
        "due upon receipt",
        "on receipt",
        "upon receipt",
        "payable on receipt",
        "receipt",
        "due immediately",
        "immediately",
        "immediate",
        "due now",
        "now",
        "upfront",
        "up front",
        "in advance",
        "cod",
        "cash on delivery",
    }
)
_NUM: Final = r"\d+(?:\.\d+)?"
_NET = re.compile(
    r"(?:net|n)\s*/?\s*(?P<days>\d+)(?:\s*days?)?(?:\s*(?P<eom>eom|end of (?:the )?month))?"
)
_DAYS = re.compile(
    r"(?:due\s+)?(?:in\s+|within\s+)?(?P<days>\d+)\s*days?"
    r"(?:\s*(?P<eom>eom|after (?:the )?end of (?:the )?month)"
    r"|\s*(?P<then_eom>end of (?:the )?month))?"
)
_EOM = re.compile(r"eom|end of (?:the )?month|end of (?:the )?invoice month")
_EOM_PLUS = re.compile(r"(?:eom|end of (?:the )?month)\s*\+\s*(?P<days>\d+)(?:\s*days?)?")
_NEXT_EOM = re.compile(r"end of (?:the )?(?:next|following) month|eonm")
_PROX = re.compile(
    r"(?:(?:on\s+)?the\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+"
    r"(?:prox(?:imo)?|of (?:the )?(?:next|following) month)"
)
_DISCOUNT = re.compile(
    rf"(?:(?P<pct>{_NUM})\s*%?\s*/\s*(?P<days>\d+)|(?P<pct2>{_NUM})\s*%\s*(?P<days2>\d+))"
    r"(?:\s*days?)?[\s,]*"
)
_PERCENT_LINE = re.compile(rf"(?P<pct>{_NUM})\s*%\s*(?:due\s+)?(?P<rest>.*)")
_BALANCE_LINE = re.compile(
    r"(?:the\s+)?(?:balance|rest|remainder|remaining)\s*(?:due\s+)?(?P<rest>.*)"
)
_SEPARATORS = re.compile(r"\s*(?:,|;|\band\b|\bthen\b)\s*")
_EXAMPLES: Final = "'Net 30', '2/10 Net 30', 'Net 30 EOM' or '50% now, 50% Net 30'"


class _NotUnderstoodError(Exception):
    def __init__(self, part: str, why: str = "") -> None:
        super().__init__(part, why)
        self.part = part
        self.why = why


def _parse_due(text: str) -> DueRule:
    part = text.strip()
    if part in _RECEIPT:
        return NetDays(0)
    for pattern in (_NET, _DAYS):
        match = pattern.fullmatch(part)
        if match is not None:
            days = int(match["days"])
            if pattern is _DAYS and match["then_eom"]:
                # "30 days end of month" (Odoo, OCA): add the days, then the month end.
                return DayOfMonth(31, months=0, after_days=days)
            return EndOfMonth(days=days) if match["eom"] else NetDays(days)
    if _EOM.fullmatch(part):
        return EndOfMonth()
    match = _EOM_PLUS.fullmatch(part)
    if match is not None:
        return EndOfMonth(days=int(match["days"]))
    if _NEXT_EOM.fullmatch(part):
        return EndOfMonth(months=1)
    match = _PROX.fullmatch(part)
    if match is not None:
        day = int(match["day"])
        if not 1 <= day <= 31:
            raise _NotUnderstoodError(part, f"day {day} is not a day of the month")
        return DayOfMonth(day)
    raise _NotUnderstoodError(part)


def _parse_lines(text: str) -> tuple[Installment, ...]:
    parts = [p for p in _SEPARATORS.split(text) if p]
    if not parts:
        raise _NotUnderstoodError(text)
    if len(parts) == 1 and not (
        _PERCENT_LINE.fullmatch(parts[0]) or _BALANCE_LINE.fullmatch(parts[0])
    ):
        return (Installment.percent(HUNDRED, _parse_due(parts[0])),)
    lines: list[Installment] = []
    for part in parts:
        match = _PERCENT_LINE.fullmatch(part)
        if match is not None:
            lines.append(Installment.percent(match["pct"], _parse_due(match["rest"])))
            continue
        match = _BALANCE_LINE.fullmatch(part)
        if match is not None:
            lines.append(Installment.balance(_parse_due(match["rest"])))
            continue
        raise _NotUnderstoodError(part, "each installment starts with a percent or 'balance'")
    return tuple(lines)


def parse_terms(text: str) -> tuple[tuple[Installment, ...], EarlyPaymentDiscount | None]:
    """Read written terms into their installment lines and early-payment discount, checked as
    :class:`~revcycle.terms.PaymentTerms` checks them; see
    :meth:`revcycle.terms.PaymentTerms.parse`."""
    if not isinstance(text, str):
        raise RevcycleTypeError(f"PaymentTerms.parse() needs a str, not {text!r}.")
    norm = " ".join(text.lower().split()).rstrip(".")
    try:
        match = _DISCOUNT.match(norm)
        rest = norm[match.end() :] if match is not None else ""
        discount = None
        if match is not None and "%" not in rest:
            if not rest:
                raise _NotUnderstoodError(norm, "a discount needs the net terms after it")
            pct = match["pct"] or match["pct2"]
            days = int(match["days"] or match["days2"])
            discount = EarlyPaymentDiscount(Percent(pct), days)
            lines: tuple[Installment, ...] = (Installment.percent(HUNDRED, _parse_due(rest)),)
        else:
            lines = _parse_lines(norm)
        check_installments(lines)
        return lines, discount
    except _NotUnderstoodError as error:
        why = f" ({error.why})" if error.why else ""
        raise TermsParseError(
            f"Cannot read payment terms {text!r}: did not understand {error.part!r}{why}; "
            f"expected terms such as {_EXAMPLES}."
        ) from None
    except ValidationError as error:
        raise TermsParseError(f"Cannot read payment terms {text!r}: {error}") from None
