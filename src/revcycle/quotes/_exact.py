"""A priced line's exact price per pricing term: its final unit price ÷ its term multiplier.

A contract locks each recurring line's net unit price *per pricing term*, so that 1,200.00 a
year stays exactly 1,200.00 a year whatever span the quote covered (199 days, 18 months).
Dividing the engine's 50-digit net unit price by its 50-digit term multiplier would leave a
residue in the last digits (1,199.999…98); this module evaluates the line's steps exactly
instead, once, from the rules the engine applied:

* the steps before ``term`` do not depend on the line's span: their result is the engine's own
  unit price before ``term`` (the figure the waterfall shows), taken as the exact rational it
  is;
* from ``term`` on, every step runs on exact fractions: ``term`` multiplies by the exact term
  multiplier, ``additional`` applies the line's discount by the rule of
  ``Discount._apply_in_context`` (``Discount._apply_exact``, beside it), ``partner`` and
  ``distributor`` multiply by the complement of the quote's percents, and a renewal's
  ``uplift`` by 1 + the uplift;
* the result is divided by the same exact multiplier. A percent commutes with that division,
  an amount off per unit is spread over the original term, a target unit price or line
  total becomes a price per term, and a renewal line (whose steps before ``term`` end at the
  contract's locked price) comes back as its locked price × (1 + uplift).

The result is checked against the net unit price the engine recorded: a line whose steps do
not follow from its discount and the quote's percents (hand-edited JSON) is refused rather than
locked at a price nobody quoted.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Final

from revcycle._numbers import plain
from revcycle.errors import ValidationError
from revcycle.money import Percent
from revcycle.pricing import Discount
from revcycle.waterfall import StepName


# The engine's 50-digit arithmetic is off the exact value by a few units in the 50th digit;
# a line whose recorded price is further off than this did not come from its own steps.
_AGREEMENT: Final = Fraction(1, 10**40)


def _complement(percent: Percent | None) -> Fraction:
    return Fraction(1) if percent is None else 1 - Fraction(percent.value) / 100


def _raise(percent: Percent | None) -> Fraction:
    return Fraction(1) if percent is None else 1 + Fraction(percent.value) / 100


def unit_price_per_term(
    names: Sequence[StepName],
    prices: Sequence[Decimal],
    multiplier: Fraction,
    *,
    discount: Discount | None,
    quantity: Decimal,
    partner: Percent | None,
    distributor: Percent | None,
    line: str,
    uplift: Percent | None = None,
) -> Fraction:
    """The exact unit price per pricing term of a recurring line whose steps ``names`` left
    the unit prices ``prices``, with the exact term ``multiplier`` (``uplift``: the renewal
    uplift of a line with a locked price).

    ``line`` names the line in errors (``"Line 2 (SEAT)"``). A span that counts zero terms
    (30E/360 over a 31st) locks the price of one whole term: its steps are run with a
    multiplier of 1.
    """
    at = list(names).index(StepName.TERM)
    if at == 0:
        raise ValidationError(f"{line}: the term step cannot come first; list sets the price.")
    before = Fraction(prices[at - 1])
    after = names[at + 1 :]

    def run(factor: Fraction) -> Fraction:
        unit = before * factor
        for name in after:
            if name is StepName.ADDITIONAL:
                if discount is not None:
                    unit = discount._apply_exact(unit, quantity)
            elif name is StepName.PARTNER:
                unit *= _complement(partner)
            elif name is StepName.DISTRIBUTOR:
                unit *= _complement(distributor)
            elif name is StepName.UPLIFT:
                unit *= _raise(uplift)
            else:  # volume and contracted never follow term
                raise ValidationError(
                    f"{line}: the {name.value} step after term has no exact rule here, so the "
                    "price per pricing term cannot be worked out."
                )
        return unit

    net = run(multiplier)
    if abs(Fraction(prices[-1]) - net) > max(abs(net), Fraction(1)) * _AGREEMENT:
        raise ValidationError(
            f"{line}: its net unit price {plain(prices[-1])} does not follow from its steps, its "
            "discount and the quote's partner and distributor discounts; price the quote again "
            "rather than editing a priced line."
        )
    if multiplier == 0:
        return run(Fraction(1))
    return net / multiplier
