"""The price waterfall: the named steps a quote line's unit price goes through.

Each step records the unit price after it and the reason (docs/explanation/price-waterfall.md)::

    list         the price book model's effective unit price at the line's quantity
    contracted   the account's contracted price (replaces list) or contracted percent off
    volume       the product's discount schedule (range, or slab blended per unit)
    term         × the term multiplier (line span ÷ the product's pricing term)   = regular
    additional   the rep's discount: percent, amount off per unit, target unit price or
                 target line total (back-solved into an amount per unit)       = customer
    partner      the quote's partner discount (percent)                            = partner
    distributor  the quote's distributor discount (percent)                        = net

Percent discounts compound step by step. An amount discount is money off each unit for its
whole term: the term multiplier does not scale it (Salesforce CPQ's default). Unit prices are
never rounded inside the waterfall.

Two re-orderings are options on the quote: ``additional_discount_last`` moves ``additional`` to
the very end (the customer price is then the net price), and ``partner_discount_first`` moves
``partner`` right after the price is set (after ``contracted``, before the system discounts);
``distributor`` stays after ``partner``.

An eighth step, ``uplift`` (× (1 + uplift), a renewal's price increase), is never part of a new
quote's waterfall: a priced line holds each of the seven steps above exactly once, in any order,
and ``uplift`` at most once, after ``term`` (``waterfall_order(uplift=True)`` puts it last).

The engine that runs the waterfall is :func:`revcycle.quotes.price_quote`, and the step
arithmetic lives with the prices it applies to (the pricing models, discount schedules and
discounts of :mod:`revcycle.pricing`); this module holds the step vocabulary. Steps are built
on first access from the numbers the engine keeps, so pricing a large quote does not pay for
its explanation.

>>> waterfall_order()
(<StepName.LIST: 'list'>, <StepName.CONTRACTED: 'contracted'>, <StepName.VOLUME: 'volume'>, \
<StepName.TERM: 'term'>, <StepName.ADDITIONAL: 'additional'>, <StepName.PARTNER: 'partner'>, \
<StepName.DISTRIBUTOR: 'distributor'>)
>>> [step.value for step in waterfall_order(additional_discount_last=True,
...                                         partner_discount_first=True)]
['list', 'contracted', 'partner', 'volume', 'term', 'distributor', 'additional']
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final, Protocol, final

import attrs

from revcycle._validate import check_annotated, check_arguments, require_sequence
from revcycle.errors import RevcycleTypeError, ValidationError, shown
from revcycle.money import Money


__all__ = ["StepName", "WaterfallStep", "check_step_order", "waterfall_order"]


class StepName(enum.StrEnum):
    """The steps of the price waterfall: the seven of every priced line, in their default
    order, then ``UPLIFT`` (a renewal's price increase, only on renewal lines)."""

    LIST = "list"
    CONTRACTED = "contracted"
    VOLUME = "volume"
    TERM = "term"
    ADDITIONAL = "additional"
    PARTNER = "partner"
    DISTRIBUTOR = "distributor"
    UPLIFT = "uplift"


def _to_step_name(value: StepName | str) -> StepName:
    if type(value) is StepName:
        return value
    if isinstance(value, str):  # only text names a step (== on a caller's object can fail)
        for name in StepName:
            if value == name.value:
                return name
    allowed = ", ".join(repr(n.value) for n in StepName)
    raise ValidationError(f"A waterfall step name must be one of {allowed}, not {shown(value)}.")


class _StepSource(Protocol):
    """Where an engine-built step reads its unit price and reason (the quote engine's trace)."""

    def unit_price(self, index: int) -> Money:
        """The unit price after the ``index``-th step of the line."""

    def reason(self, name: StepName, index: int) -> str:
        """The reason of step ``name``, the ``index``-th of its line."""


@final
@attrs.frozen(field_transformer=check_annotated)
class WaterfallStep:
    """One step of a line's price waterfall: its name, the unit price after it, and why."""

    name: StepName = attrs.field(converter=_to_step_name)
    unit_price: Money = attrs.field()
    reason: str = attrs.field()
    # An engine-built step holds only its name and where to read the rest: the line's trace
    # and the step's place in it. Its unit price and reason are made the first time they are
    # read (or the step is compared, printed or written out), so that reading a large quote's
    # steps builds one small object per step and no text.
    _source: _StepSource | None = attrs.field(
        init=False, default=None, eq=False, hash=False, repr=False
    )
    _index: int = attrs.field(init=False, default=0, eq=False, hash=False, repr=False)

    @unit_price.validator
    def _check_price(self, _: object, value: object) -> None:
        if not isinstance(value, Money):
            raise RevcycleTypeError(
                f"A waterfall step's unit price must be Money, not {shown(value)}."
            )

    if not TYPE_CHECKING:  # hidden from type checkers, so a misspelt attribute is still caught

        def __getattr__(self, name: str) -> Any:
            # Only reached when the unit price or reason of an engine-built step is first read.
            source = object.__getattribute__(self, "_source")
            if source is None:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            if name == "unit_price":
                value = source.unit_price(self._index)
            elif name == "reason":
                value = source.reason(self.name, self._index)
            else:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            object.__setattr__(self, name, value)
            return value


_DEFAULT_ORDER: Final = tuple(name for name in StepName if name is not StepName.UPLIFT)

# The seven steps every priced line holds exactly once (all but ``uplift``).
_CLASSIC: Final = frozenset(_DEFAULT_ORDER)


@check_arguments
def waterfall_order(
    *,
    additional_discount_last: bool = False,
    partner_discount_first: bool = False,
    uplift: bool = False,
) -> tuple[StepName, ...]:
    """The order of the waterfall steps under the quote's two re-ordering options; ``uplift``
    adds the ``uplift`` step last (a renewal's price increase, after ``term``)."""
    order: list[StepName] = list(_DEFAULT_ORDER)
    if partner_discount_first:
        # Right after the price is set (list or contracted), before the system discounts.
        order.remove(StepName.PARTNER)
        order.insert(order.index(StepName.CONTRACTED) + 1, StepName.PARTNER)
    if additional_discount_last:
        order.remove(StepName.ADDITIONAL)
        order.append(StepName.ADDITIONAL)
    if uplift:
        order.append(StepName.UPLIFT)
    return tuple(order)


def check_step_order(names: Sequence[StepName]) -> None:
    """Refuse an order of steps a priced line cannot hold: each of the seven classic steps
    exactly once, in any order, and ``uplift`` at most once, after ``term``.

    >>> check_step_order(waterfall_order(uplift=True))
    >>> check_step_order([StepName.LIST, StepName.TERM])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    revcycle.errors.ValidationError: A priced line needs each waterfall step exactly once ...
    """
    names = require_sequence(names, "A waterfall's steps", of="StepName", kind=StepName)
    classic = [name for name in names if name is not StepName.UPLIFT]
    uplifts = len(names) - len(classic)
    if len(classic) != len(_CLASSIC) or set(classic) != _CLASSIC:
        raise ValidationError(
            "A priced line needs each waterfall step exactly once "
            f"({', '.join(_DEFAULT_ORDER)}), and uplift at most once after term; got "
            f"{', '.join(names) or 'none'}."
        )
    if uplifts > 1 or (
        uplifts and list(names).index(StepName.UPLIFT) < list(names).index(StepName.TERM)
    ):
        raise ValidationError(
            "A priced line may hold the uplift step once, after the term step; got "
            f"{', '.join(names)}."
        )
