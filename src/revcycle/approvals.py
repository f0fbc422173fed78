"""Approval rules for priced quotes: what needs whose sign-off, and why.

An :class:`ApprovalPolicy` is a list of rules checked in order (``shared/anchors/cpq.md`` §2.9:
Salesforce Advanced Approvals, ERPNext authorization rules):

* :class:`DiscountAbove` — a line's effective discount off its prorated list price is above a
  percent;
* :class:`MarginBelow` — a line's gross margin over the product's cost is below a minimum;
* :class:`TotalAbove` — the quote's net total (TCV) is above an amount.

Each rule that fires yields an :class:`Approval` with the level (a role such as
``"sales manager"``), the rule's tag and a sentence saying why. The rules travel in JSON with a
``"type"`` tag (``discount_above``, ``margin_below``, ``total_above``).

>>> from revcycle.money import Money, Percent, check_percent_range, settled_percent
>>> policy = ApprovalPolicy([DiscountAbove(Percent("20"), "sales manager"),
...                          TotalAbove(Money("100000", "USD"), "cfo")])
>>> [type(rule).__name__ for rule in policy.rules]
['DiscountAbove', 'TotalAbove']
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Final, Protocol, TypeVar, final

import attrs

from revcycle._display import amount_text
from revcycle._numbers import CTX, plain
from revcycle._validate import check_annotated, check_text, check_type, require_sequence
from revcycle.catalog import Catalog
from revcycle.errors import CurrencyMismatchError, RevcycleTypeError, ValidationError, shown
from revcycle.money import Currency, Money, Percent, check_percent_range, settled_percent


__all__ = [
    "Approval",
    "ApprovalPolicy",
    "ApprovalRule",
    "DiscountAbove",
    "MarginBelow",
    "TotalAbove",
    "evaluate",
]


def _to_rules(rules: Iterable[ApprovalRule]) -> tuple[ApprovalRule, ...]:
    value: object = rules  # checked as it came, whatever the annotation promises
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise RevcycleTypeError(f"Approval rules must be a sequence, not {shown(value)}.")
    rules = require_sequence(value, "Approval rules")
    for rule in rules:
        if not isinstance(rule, _RULE_TYPES):
            raise RevcycleTypeError(
                "Approval rules must be DiscountAbove, MarginBelow or TotalAbove values, "
                f"not {shown(rule)}."
            )
    return rules


@final
@attrs.frozen
class DiscountAbove:
    """A line whose effective discount off its prorated list price exceeds ``percent`` needs
    approval at ``level``.

    The effective discount is ``1 − net unit price ÷ (list unit price × term multiplier)``:
    every step counts (contracted, volume, additional, partner, distributor). It is compared
    settled to 30 decimal places of a percentage point, so a line exactly at the limit needs
    no approval.
    """

    percent: Percent = attrs.field(
        validator=[
            check_type(Percent, "a Percent", "A discount limit"),
            check_percent_range("A discount limit"),
        ]
    )
    level: str = attrs.field(validator=check_text("An approval level"))


@final
@attrs.frozen
class MarginBelow:
    """A line whose gross margin is below ``margin`` needs approval at ``level``.

    Margin is ``(net unit price − unit cost) ÷ net unit price``, with the product's cost for
    one pricing term scaled by the line's term multiplier, so the floor is
    ``cost ÷ (1 − margin)``; a line exactly at the floor passes (the margin is compared
    settled, like the discount limit). Lines of products without a cost are not checked.
    """

    margin: Percent = attrs.field(validator=check_type(Percent, "a Percent", "A minimum margin"))
    level: str = attrs.field(validator=check_text("An approval level"))

    @margin.validator
    def _check_margin(self, _: object, value: Percent) -> None:
        if not 0 <= value.value < 100:
            raise ValidationError(
                f"A minimum margin must be at least 0 and below 100 percent, not {value}."
            )


@final
@attrs.frozen
class TotalAbove:
    """A quote whose net total (TCV: one-time plus recurring) exceeds ``amount`` needs
    approval at ``level``. ``amount`` must be in the quote's currency."""

    amount: Money = attrs.field(validator=check_type(Money, "Money", "A total limit"))
    level: str = attrs.field(validator=check_text("An approval level"))


ApprovalRule = DiscountAbove | MarginBelow | TotalAbove
"""Any approval rule (JSON: a ``"type"`` tag ``discount_above``, ``margin_below`` or
``total_above``)."""

_RULE_TYPES: Final = (DiscountAbove, MarginBelow, TotalAbove)

_T = TypeVar("_T")


@final
@attrs.frozen
class ApprovalPolicy:
    """The rules that decide which approvals a priced quote needs, checked in order.

    >>> policy = ApprovalPolicy([DiscountAbove(Percent("20"), "sales manager"),
    ...                          TotalAbove(Money("100000", "USD"), "cfo")])
    >>> len(policy.rules)
    2
    """

    rules: tuple[ApprovalRule, ...] = attrs.field(converter=_to_rules)


@final
@attrs.frozen(kw_only=True, field_transformer=check_annotated)
class Approval:
    """An approval a priced quote needs: the level, the rule that asked, and why.

    ``line`` is the 1-based line number, or ``None`` for a rule about the whole quote.
    """

    level: str
    rule: str
    reason: str
    line: int | None = None


# --------------------------------------------------------------------------------------------
# Evaluation


class _PricedLine(Protocol):
    """What the rules read of a priced line (a :class:`~revcycle.quotes.PricedLine`)."""

    @property
    def number(self) -> int: ...
    @property
    def sku(self) -> str: ...
    @property
    def net_unit_price(self) -> Money: ...
    @property
    def effective_discount(self) -> Percent: ...
    @property
    def term_multiplier(self) -> Decimal: ...


class _PricedQuote(Protocol):
    """What the rules read of a priced quote (a :class:`~revcycle.quotes.PricedQuote`)."""

    @property
    def lines(self) -> Sequence[_PricedLine]: ...
    @property
    def tcv(self) -> Money: ...
    @property
    def currency(self) -> Currency: ...


def evaluate(
    policy: ApprovalPolicy, priced: _PricedQuote, catalog: Catalog
) -> tuple[Approval, ...]:
    """The approvals ``policy`` asks for on a priced quote, rule by rule, then line by line.

    ``priced`` is a :class:`~revcycle.quotes.PricedQuote` (the rules read only its lines, TCV
    and currency); ``catalog`` gives the product costs the margin rule needs.
    :func:`~revcycle.quotes.price_quote` calls this with the quote's own policy; call it to
    check a priced quote against another.
    """
    if not isinstance(policy, ApprovalPolicy):
        raise RevcycleTypeError(f"evaluate() needs an ApprovalPolicy, not {shown(policy)}.")
    if not isinstance(catalog, Catalog):
        raise RevcycleTypeError(f"evaluate() needs a Catalog, not {shown(catalog)}.")
    lines, tcv, currency = _priced_parts(priced)
    found: list[Approval] = []
    for rule in policy.rules:
        if isinstance(rule, DiscountAbove):
            for line in lines:
                discount = _read(priced, line, "effective_discount", Percent)
                if discount.value > rule.percent.value:
                    found.append(
                        _line_approval(
                            rule.level,
                            "discount_above",
                            line,
                            f" has an effective discount of {_percent(discount)} off its "
                            f"prorated list price, above the {rule.percent} limit",
                        )
                    )
        elif isinstance(rule, MarginBelow):
            for line in lines:
                cost = catalog.product(line.sku).cost
                if cost is None:
                    continue
                if cost.currency != currency:
                    found.append(
                        _line_approval(
                            rule.level,
                            "margin_below",
                            line,
                            f": the unit cost is in {cost.currency.code} and the quote in "
                            f"{currency.code}, so the margin cannot be checked",
                        )
                    )
                    continue
                term_cost = CTX.multiply(
                    cost.amount, _read(priced, line, "term_multiplier", Decimal)
                )
                net_price = _read(priced, line, "net_unit_price", Money)
                net = net_price.amount
                if net > 0:
                    # (net − cost) ÷ net < margin, i.e. net < cost ÷ (1 − margin), compared on
                    # the settled margin so that a price exactly at the floor passes.
                    margin = settled_percent(CTX.divide(CTX.subtract(net, term_cost), net))
                    below = margin.value < rule.margin.value
                    margin_text = f"a margin of {_percent(margin)}"
                else:
                    below = term_cost > 0
                    margin_text = "no margin"
                if below:
                    found.append(
                        _line_approval(
                            rule.level,
                            "margin_below",
                            line,
                            f": net unit price {amount_text(net_price)} over a unit "
                            f"cost of {amount_text(Money._trusted(term_cost, currency))} gives "
                            f"{margin_text}, below the minimum {rule.margin}",
                        )
                    )
        else:
            if rule.amount.currency != currency:
                raise CurrencyMismatchError(
                    f"The approval limit {rule.amount} is not in the quote currency "
                    f"{currency.code}."
                )
            if tcv > rule.amount:
                found.append(
                    Approval(
                        level=rule.level,
                        rule="total_above",
                        reason=(
                            f"the quote's net total (TCV) {amount_text(tcv)} is above "
                            f"{amount_text(rule.amount)}"
                        ),
                    )
                )
    return tuple(found)


def _refusal(priced: object, problem: str) -> RevcycleTypeError:
    return RevcycleTypeError(f"evaluate() needs a PricedQuote, not {shown(priced)}: {problem}.")


def _priced_parts(priced: object) -> tuple[tuple[_PricedLine, ...], Money, Currency]:
    """The lines, TCV and currency of ``priced``, checked for the shape the rules read.

    approvals sits below quotes (DESIGN §2), so it cannot ask ``isinstance(priced,
    PricedQuote)``; having attributes of those names is not enough either (a
    :class:`~revcycle.contracts.Contract` has ``currency``, ``tcv`` and a ``lines()``
    method). Each line's number and SKU are checked here; the figures a rule reads
    (:func:`_read`) as it reads them, so that a policy without a discount rule does not
    compute every line's effective discount. Anything else is a
    :class:`~revcycle.errors.RevcycleTypeError` naming what was passed.
    """
    currency = getattr(priced, "currency", None)
    if not isinstance(currency, Currency):
        raise _refusal(priced, f"its currency is {shown(currency)}, not a Currency")
    tcv = getattr(priced, "tcv", None)
    if not isinstance(tcv, Money) or tcv.currency != currency:
        raise _refusal(priced, f"its tcv is {shown(tcv)}, not Money in {currency.code}")
    given = getattr(priced, "lines", None)
    if isinstance(given, str | bytes | Mapping) or not isinstance(given, Sequence):
        raise _refusal(priced, f"its lines are {shown(given)}, not a sequence of priced lines")
    lines: tuple[_PricedLine, ...] = tuple(given)
    for line in lines:
        _read(priced, line, "number", int)
        _read(priced, line, "sku", str)
    return lines, tcv, currency


def _read(priced: object, line: object, name: str, kind: type[_T]) -> _T:
    """``line.name``, which must be a ``kind`` (an ``int`` is not a ``bool``)."""
    value = getattr(line, name, None)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise _refusal(
            priced, f"its line {shown(line)} has the {name} {shown(value)}, not {kind.__name__}"
        )
    return value


def _line_approval(level: str, rule: str, line: _PricedLine, reason: str) -> Approval:
    """An approval of one line; ``reason`` goes on from ``line N (SKU)``."""
    return Approval(
        level=level, rule=rule, line=line.number, reason=f"line {line.number} ({line.sku}){reason}"
    )


def _percent(percent: Percent) -> str:
    value = percent.value.quantize(Decimal("0.01"), rounding=decimal.ROUND_HALF_UP, context=CTX)
    return f"{plain(value.normalize(CTX))}%"
