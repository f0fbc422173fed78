"""Reading written payment terms ("Net 30", "2/10 Net 30", "50% now, 50% Net 30").

:meth:`revcycle.terms.PaymentTerms.parse` calls :func:`parse_terms`, which returns the pieces
(the installment lines and the early-payment discount) the terms are built from.
"""

from __future__ import annotations

import re
from typing import Final

from revcycle._numbers import HUNDRED
from revcycle.calendars import BusinessDayAdjustment, BusinessDayConvention
from revcycle.errors import RevcycleTypeError, TermsParseError, ValidationError, shown
from revcycle.money import Percent
from revcycle.terms._lines import (
    DiscountBase,
    EarlyPaymentDiscount,
    Installment,
    check_installments,
)
from revcycle.terms._rules import (
    MAX_DAYS,
    MAX_MONTHS,
    DayOfMonth,
    DueRule,
    EndOfMonth,
    NetDays,
)


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
# What EndOfMonth.describe() writes for months >= 1: "End of next month", "End of the month
# 3 months after the invoice month", each optionally followed by ", plus 5 days".
_LATER_EOM = re.compile(
    r"(?:end of (?:the )?(?:next|following) month|eonm"
    r"|end of the month (?P<months>\d+) months? after the invoice month)"
    r"(?:,?\s*plus\s+(?P<days>\d+)\s*days?)?"
)
# "10th prox", "the 10th of next month", and what DayOfMonth.describe() writes: "25th of the
# same month", "1st of the month 2 months later", with ", counted from 10 days after the
# invoice date" and ", one month later if issued after the 20th".
_ORDINAL = r"(?:st|nd|rd|th)?"
_DAY_OF = re.compile(
    rf"(?:(?:on\s+)?the\s+)?(?P<day>\d{{1,2}}){_ORDINAL}\s+"
    r"(?:prox(?:imo)?|of\s+(?:(?P<same>the same month)|(?:the\s+)?(?:next|following) month"
    r"|the month (?P<months>\d+) months? later))"
    r"(?:,?\s*counted from (?P<after>\d+) days? after the invoice date)?"
    rf"(?:,?\s*one month later if issued after the (?P<cutoff>\d{{1,2}}){_ORDINAL})?"
)
# "2/10" or "1% 10" before the net terms; not "40% 25th of the next month" (a day, not days).
_DISCOUNT = re.compile(
    rf"(?:(?P<pct>{_NUM})\s*%?\s*/\s*(?P<days>\d+)|(?P<pct2>{_NUM})\s*%\s*(?P<days2>\d+))"
    r"(?!\d|st\b|nd\b|rd\b|th\b)(?:\s*days?)?[\s,]*"
)
_PERCENT_LINE = re.compile(rf"(?P<pct>{_NUM})\s*%\s*(?:due\s+)?(?P<rest>.*)")
_BALANCE_LINE = re.compile(
    r"(?:the\s+)?(?:balance|rest|remainder|remaining)\s*(?:due\s+)?(?P<rest>.*)"
)
# Installments are separated by a comma, a semicolon, "and" or "then", or by only a space before
# the next one's percent or "balance": "50% now 50% Net 30" (a comma lost in a CSV export)
# reads as "50% now, 50% Net 30".
_SEPARATORS = re.compile(
    r"\s*(?:,|;|\band\b|\bthen\b)\s*"
    rf"|\s+(?={_NUM}\s*%|(?:the\s+)?(?:balance|rest|remainder|remaining)\b)"
)
# A comma inside a due rule separates nothing: "End of next month, plus 5 days".
_CONTINUATION = re.compile(r"(?:plus|counted from|one month later)\b")
# What PaymentTerms.describe() appends: the discount base, then the business-day convention.
_UNTAXED = re.compile(r"\s*\((?:discount )?on the untaxed amount\)$")
_ADJUSTED = re.compile(r"\s*\(adjusted (?P<convention>[a-z_ ]+)\)$")
_EXAMPLES: Final = "'Net 30', '2/10 Net 30', 'Net 30 EOM' or '50% now, 50% Net 30'"


class _NotUnderstoodError(Exception):
    def __init__(self, part: str, why: str = "") -> None:
        super().__init__(part, why)
        self.part = part
        self.why = why


def _whole(digits: str | None, limit: int, what: str, part: str) -> int:
    """The number ``digits`` (0 when absent), refused past ``limit`` before it is converted
    (a number of thousands of digits is not even read)."""
    if digits is None:
        return 0
    significant = digits.lstrip("0") or "0"
    if len(significant) > len(str(limit)) or int(significant) > limit:
        raise _NotUnderstoodError(part, f"{what} must be at most {limit:,}")
    return int(significant)


def _days(digits: str | None, part: str) -> int:
    return _whole(digits, MAX_DAYS, "a number of days", part)


def _months(digits: str | None, part: str) -> int:
    return _whole(digits, MAX_MONTHS, "a number of months", part)


def _parse_due(text: str) -> DueRule:
    part = text.strip()
    if part in _RECEIPT:
        return NetDays(0)
    for pattern in (_NET, _DAYS):
        match = pattern.fullmatch(part)
        if match is not None:
            days = _days(match["days"], part)
            if pattern is _DAYS and match["then_eom"]:
                # "30 days end of month" (Odoo, OCA): add the days, then the month end.
                return DayOfMonth(31, months=0, after_days=days)
            return EndOfMonth(days=days) if match["eom"] else NetDays(days)
    if _EOM.fullmatch(part):
        return EndOfMonth()
    match = _EOM_PLUS.fullmatch(part)
    if match is not None:
        return EndOfMonth(days=_days(match["days"], part))
    match = _LATER_EOM.fullmatch(part)
    if match is not None:
        months = _months(match["months"], part) if match["months"] else 1
        return EndOfMonth(months=months, days=_days(match["days"], part))
    match = _DAY_OF.fullmatch(part)
    if match is not None:
        day = int(match["day"])
        cutoff = None if match["cutoff"] is None else int(match["cutoff"])
        for number in (day, cutoff):
            if number is not None and not 1 <= number <= 31:
                raise _NotUnderstoodError(part, f"day {number} is not a day of the month")
        months = 0 if match["same"] else _months(match["months"], part) if match["months"] else 1
        return DayOfMonth(
            day, months=months, after_days=_days(match["after"], part), cutoff_day=cutoff
        )
    raise _NotUnderstoodError(part)


def _parse_lines(text: str) -> tuple[Installment, ...]:
    parts: list[str] = []
    for part in _SEPARATORS.split(text):
        if parts and _CONTINUATION.match(part):
            parts[-1] += f", {part}"
        elif part:
            parts.append(part)
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


def _suffixes(norm: str) -> tuple[str, DiscountBase, BusinessDayAdjustment | None]:
    """Strip what :meth:`PaymentTerms.describe` appends: "(adjusted following)" and, before
    it, "(discount on the untaxed amount)"."""
    adjustment = None
    match = _ADJUSTED.search(norm)
    if match is not None:
        name = match["convention"].strip().replace(" ", "_")
        if name not in _CONVENTIONS:
            raise _NotUnderstoodError(match[0].strip(), "not a business-day convention")
        adjustment = BusinessDayAdjustment(BusinessDayConvention(name))
        norm = norm[: match.start()]
    base = DiscountBase.TOTAL
    match = _UNTAXED.search(norm)
    if match is not None:
        base = DiscountBase.UNTAXED
        norm = norm[: match.start()]
    return norm, base, adjustment


_CONVENTIONS: Final = frozenset(c.value for c in BusinessDayConvention)


def parse_terms(
    text: str,
) -> tuple[tuple[Installment, ...], EarlyPaymentDiscount | None, BusinessDayAdjustment | None]:
    """Read written terms into their installment lines, early-payment discount and business-day
    adjustment, checked as :class:`~revcycle.terms.PaymentTerms` checks them; see
    :meth:`revcycle.terms.PaymentTerms.parse`."""
    if not isinstance(text, str):
        raise RevcycleTypeError(f"PaymentTerms.parse() needs a str, not {shown(text)}.")
    norm = " ".join(text.lower().split()).rstrip(".")
    try:
        norm, base, adjustment = _suffixes(norm)
        match = _DISCOUNT.match(norm)
        rest = norm[match.end() :] if match is not None else ""
        discount = None
        if match is not None and "%" not in rest:
            if not rest:
                raise _NotUnderstoodError(norm, "a discount needs the net terms after it")
            pct = match["pct"] or match["pct2"]
            days = _days(match["days"] or match["days2"], norm)
            discount = EarlyPaymentDiscount(Percent(pct), days, base)
            lines = _parse_lines(rest)
        else:
            if base is DiscountBase.UNTAXED:
                raise _NotUnderstoodError(norm, "an untaxed base needs a discount such as 2/10")
            lines = _parse_lines(norm)
        check_installments(lines)
        return lines, discount, adjustment
    except _NotUnderstoodError as error:
        why = f" ({error.why})" if error.why else ""
        raise TermsParseError(
            f"Cannot read payment terms {_quoted(text)}: did not understand "
            f"{_quoted(error.part)}{why}; expected terms such as {_EXAMPLES}."
        ) from None
    except ValidationError as error:
        raise TermsParseError(f"Cannot read payment terms {_quoted(text)}: {error}") from None


def _quoted(text: str, limit: int = 80) -> str:
    """``repr(text)``, cut short past ``limit`` characters (the message stays one short line)."""
    if len(text) <= limit:
        return repr(text)
    return f"{shown(text[:limit])}… ({len(text):,} characters)"
