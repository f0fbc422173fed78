"""Credits capped at what was billed (docs/explanation/credit-caps.md).

A decrease (a negative segment) gives back at most what the contract billed, net, for that SKU
over the decrease's span: the rounded amounts of the overlapping recurring and credit lines
(issued before or billed earlier in the same run, across the SKU's subscriptions), each pro rata
by the days it shares with the span, before the credit is rounded. This is Lago's fix for
consecutive upgrades crediting more than was billed (getlago/lago-api PR #1778), and it makes
a span billed at zero (a free first stretch) credit zero.

Re-exported by :mod:`revcycle.billing`; import from there.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Final

from revcycle._numbers import ZERO, fraction_to_decimal
from revcycle.billing._pieces import Rounder
from revcycle.dates import Period


_NOTHING: Final = Fraction(0)


class Ledger:
    """What one contract billed and credited for each SKU: the period, the rounded amount
    (negative for a decrease or a credit), whether it was issued before the run, and the
    number of the segment that billed it (in order of creation; -1 for a line of a segment the
    contract does not hold) of every recurring and credit line, issued before or billed earlier
    in this run.

    A decrease gives back what the segments made before it billed: a segment made later (a
    second line of the SKU, an increase after the decrease) is not what it reduces, and may be
    billed in a later run, so counting it would make the cap depend on how runs are split."""

    __slots__ = ("_by_sku",)

    def __init__(self) -> None:
        self._by_sku: dict[str, list[tuple[Period, Decimal, bool, int]]] = {}

    def add(self, sku: str, period: Period, amount: Decimal, *, issued: bool, order: int) -> None:
        """Record a recurring or credit line of ``sku`` billed by segment number ``order``."""
        self._by_sku.setdefault(sku, []).append((period, amount, issued, order))

    def net_over(self, sku: str, span: Period, before: int) -> Fraction:
        """What ``sku`` was billed, net of credits, over ``span`` by the segments numbered
        below ``before``: each line's rounded amount × the days it shares with ``span`` ÷ its
        own days, exactly."""
        total = _NOTHING
        for period, amount, _, order in self._by_sku.get(sku, ()):
            if order >= before:
                continue
            shared = (min(period.end, span.end) - max(period.start, span.start)).days
            if shared > 0:
                total += Fraction(amount) * shared / period.days
        return total

    def issued_over(self, sku: str, span: Period, before: int) -> bool:
        """True when an issued line of a segment numbered below ``before`` billed ``sku`` over
        some day of ``span`` (the decrease is then a credit of what was billed, not a negative
        line beside the charge)."""
        return any(
            issued
            and order < before
            and amount >= ZERO
            and period.start < span.end
            and span.start < period.end
            for period, amount, issued, order in self._by_sku.get(sku, ())
        )


def capped(
    precise: Decimal, billed: Fraction, round_line: Rounder
) -> tuple[Decimal, Decimal, bool]:
    """A decrease's ``precise`` (negative) amount capped at ``billed`` (what was billed net
    over its span, never below zero): the precise credit, the credit rounded at the line, and
    whether the cap applied. The cap applies before rounding (DESIGN §4.4)."""
    cap = max(billed, _NOTHING)
    if Fraction(-precise) > cap:
        limit = -fraction_to_decimal(cap)
        return limit, round_line(limit), True
    return precise, round_line(precise), False
