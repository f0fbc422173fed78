"""Allocation in whole minor units: the policy and the integer rule every split follows.

:func:`allocate_units` is the one implementation of docs/explanation/rounding-points.md's
allocation rule; :func:`revcycle.money.allocate` (``Money.allocate``, ``Money.split``) and
payment-term installments (:meth:`revcycle.terms.PaymentTerms.schedule`) both call it.
Re-exported by :mod:`revcycle.money`; import from there.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence


class AllocationPolicy(enum.StrEnum):
    """Where the minor units left over after truncating each share go.

    ``LARGEST_REMAINDER`` (the default): to the parts that lost most to truncation, ties to
    the earlier part. ``FIRST``: one each from the first part onward. ``LAST``: one each from
    the last part backward (the residual lands on the last part, like a balance installment).
    """

    LARGEST_REMAINDER = "largest_remainder"
    FIRST = "first"
    LAST = "last"


def allocate_units(
    units: int, scaled: Sequence[int], scale: int, policy: AllocationPolicy
) -> list[int]:
    """Split ``units`` minor units (0 or more) into parts whose exact shares are
    ``scaled[i] / scale``, never creating or losing one.

    Each part gets its exact share truncated; the units left over go one at a time, by
    ``policy``, to the parts with a non-zero share: ``LARGEST_REMAINDER`` to the largest
    truncated-off remainders (ties: the earlier part), ``FIRST`` from the first part onward,
    ``LAST`` from the last part backward. Needs ``sum(scaled) == units * scale`` and no
    negative share; every part is then within one unit of its exact share.

    >>> allocate_units(5, [5 * 3, 5 * 7], 10, AllocationPolicy.LARGEST_REMAINDER)
    [2, 3]
    >>> allocate_units(10_000, [10_000] * 3, 3, AllocationPolicy.LAST)
    [3333, 3333, 3334]
    """
    floors = [x // scale for x in scaled]
    left = units - sum(floors)
    if left:
        live = [i for i, x in enumerate(scaled) if x]
        if policy is AllocationPolicy.LARGEST_REMAINDER:
            order = sorted(live, key=lambda i: (-(scaled[i] % scale), i))
        elif policy is AllocationPolicy.FIRST:
            order = live
        else:
            order = live[::-1]
        for k in range(left):
            floors[order[k % len(order)]] += 1
    return floors
