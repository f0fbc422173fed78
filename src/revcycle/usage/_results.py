"""Rating results, step 4 of usage rating: rated lines and every event that was not counted.

A :class:`RatedCharge` is one customer's line for a metric (and group), its amounts eager and
its breakdown rows built on first read; a :class:`UsageRating` holds the lines of one call of
:func:`~revcycle.usage.rate_usage` with the duplicates, late, future and unmetered events
(docs/explanation/progressive-rating-and-late-events.md). Re-exported by
:mod:`revcycle.usage`; import them from there.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Final, TypeAlias, final

import attrs

from revcycle._display import ColumnKind, Columns, TypedRows, html_table, json_records
from revcycle._numbers import CTX, ZERO, plain
from revcycle._validate import check_annotated, check_arguments, trusted
from revcycle.dates import Period
from revcycle.errors import UnknownCodeError, shown
from revcycle.money import Currency, Money
from revcycle.money import total as _money_total
from revcycle.pricing import PriceRow
from revcycle.usage._charges import UsageCharge, _row
from revcycle.usage._events import UsageEvent, UsageKey


_RowSource: TypeAlias = tuple[UsageCharge, Decimal, bool]
"""What rebuilds a line's rows with the line's own quantity and already billed quantity: the
charge, the minimum fraction, and whether the line bills progressively. One per charge and
call, shared by the charge's lines (no object per line)."""


def _line_rows(
    charge: UsageCharge,
    quantity: Decimal,
    minimum_fraction: Decimal,
    billed: Decimal | None,
) -> tuple[PriceRow, ...]:
    """The breakdown of a quantity-priced line: the charge's rows, then the already billed
    row of progressive billing (the charge of the billed quantity, subtracted)."""
    rows = charge._evaluate(quantity, (), minimum_fraction)[1]
    if billed is None:
        return rows
    before = charge._total(billed, minimum_fraction)
    label = f"already billed for {plain(billed)} units"
    return (*rows, _row(label, billed, CTX.minus(before), charge.currency))


# One row per rated line, for to_records(), to_arrow() and to_pandas().
_COLUMNS: Final = {
    "customer": ColumnKind.TEXT,
    "metric": ColumnKind.CHOICE,
    "group": ColumnKind.TEXT,
    "quantity": ColumnKind.QUANTITY,
    "already_billed": ColumnKind.QUANTITY,
    "amount": ColumnKind.AMOUNT,
    "precise_amount": ColumnKind.PRECISE,
    "currency": ColumnKind.CHOICE,
}


@final
@attrs.frozen(kw_only=True, field_transformer=check_annotated)
class RatedCharge:
    """One rated usage line: what ``customer`` owes for ``metric`` (and ``group``).

    ``quantity`` is the aggregated quantity after unit rounding and before included units;
    ``already_billed`` the quantity billed earlier in the period (progressive billing), whose
    charge this line subtracts. ``precise_amount`` is exact; ``amount`` is rounded once,
    half-up at the minor unit (with progressive billing, ``round(charge(total)) −
    round(charge(already_billed))``, so partial invoices add up to one invoice). The amounts of
    ``breakdown`` sum to ``precise_amount``.
    """

    customer: str
    metric: str
    group: str | None
    quantity: Decimal
    amount: Money
    precise_amount: Money
    breakdown: tuple[PriceRow, ...]
    already_billed: Decimal = ZERO
    # The engine fills this instead of ``breakdown`` and builds the rows on first access:
    # the amounts are eager, the explanation lazy (nobody reads 10,000 customers' rows).
    _source: _RowSource | None = attrs.field(
        init=False, default=None, eq=False, hash=False, repr=False
    )

    if not TYPE_CHECKING:  # hidden from type checkers, so a misspelt attribute is still caught

        def __getattr__(self, name: str) -> Any:
            # Only reached while the ``breakdown`` slot is still empty (an engine-built line).
            if name == "breakdown":
                source = object.__getattribute__(self, "_source")
                if source is not None:
                    charge, fraction, progressive = source
                    billed = self.already_billed if progressive else None
                    rows = _line_rows(charge, self.quantity, fraction, billed)
                    object.__setattr__(self, "breakdown", rows)
                    return rows
            raise AttributeError(
                f"{shown(type(self).__name__)} object has no attribute {shown(name)}"
            )

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickle and deepcopy the rows themselves, never what rebuilds them (a charge).
        return (
            _restore_line,
            (
                self.customer,
                self.metric,
                self.group,
                self.quantity,
                self.amount,
                self.precise_amount,
                self.breakdown,
                self.already_billed,
            ),
        )

    @property
    def key(self) -> UsageKey:
        """``(customer, metric, group)``."""
        return (self.customer, self.metric, self.group)

    def explain(self) -> str:
        """How the amount was made, row by row, for people."""
        who = self.customer if self.group is None else f"{self.customer} [{self.group}]"
        head = f"{who} · {self.metric}: {plain(self.quantity)} units → {self.amount}"
        lines = [head]
        for row in self.breakdown:
            amount = plain(row.amount.amount)
            if row.unit_price is not None:
                detail = f"{plain(row.units)} × {plain(row.unit_price.amount)}"
                if row.flat_price is not None:
                    detail += f" + {plain(row.flat_price.amount)} flat"
                lines.append(f"  {row.description}: {detail} = {amount}")
            elif row.flat_price is not None and not row.units:
                lines.append(f"  {row.description}: {amount}")  # an adjustment
            else:
                lines.append(f"  {row.description}: {plain(row.units)} units, {amount}")
        lines.append(f"  precise total {self.precise_amount}, rounded {self.amount}")
        return "\n".join(lines)

    def to_record(self) -> dict[str, Any]:
        """A flat dict of JSON scalars (Decimals as strings)."""
        return json_records([self._row()], _COLUMNS)[0]

    def _row(self) -> dict[str, Any]:
        return {
            "customer": self.customer,
            "metric": self.metric,
            "group": self.group,
            "quantity": self.quantity,
            "already_billed": self.already_billed,
            "amount": self.amount.amount,
            "precise_amount": self.precise_amount.amount,
            "currency": self.amount.currency.code,
        }


def _restore_line(
    customer: str,
    metric: str,
    group: str | None,
    quantity: Decimal,
    amount: Money,
    precise_amount: Money,
    breakdown: tuple[PriceRow, ...],
    already_billed: Decimal,
) -> RatedCharge:
    return RatedCharge(
        customer=customer,
        metric=metric,
        group=group,
        quantity=quantity,
        amount=amount,
        precise_amount=precise_amount,
        breakdown=breakdown,
        already_billed=already_billed,
    )


# A line from values the engine computed itself, its rows left to the source (the last
# value): skips __init__ like Money._trusted (the rating hot path builds one per customer).
_rated_line: Final = trusted(
    RatedCharge,
    "customer",
    "metric",
    "group",
    "quantity",
    "amount",
    "precise_amount",
    "already_billed",
    "_source",
)


_LEFT_OUT: Final = {
    "duplicates": "duplicate ids (counted once)",
    "conflicts": "conflicting duplicates (differ from the first)",
    "late": "late events (before the period, not counted)",
    "future": "future events (after the period, not counted)",
    "unmetered": "unmetered events (no charge for the metric)",
}
"""The fields of :class:`UsageRating` that hold events not counted, in the order they are
shown, and how :meth:`UsageRating.explain` names them (the HTML footer shows the field)."""


@final
@attrs.frozen(kw_only=True, field_transformer=check_annotated)
class UsageRating(TypedRows):
    """The result of :func:`rate_usage`: rated lines and every event that was not counted.

    ``lines`` are sorted by (customer, metric, group), group ``None`` first. ``duplicates``
    holds every repeated id's later occurrences, ``conflicts`` those of them whose fields
    differ from the first; ``late`` the events before the period, ``future`` those at or after
    its end, ``unmetered`` those of a metric no charge meters — each in input order. From
    :func:`rate_usage_table`, ``duplicates`` and ``conflicts`` are built from Arrow rows on
    first read.
    """

    period: Period
    tz: str
    lines: tuple[RatedCharge, ...]
    duplicates: tuple[UsageEvent, ...] = ()
    conflicts: tuple[UsageEvent, ...] = ()
    late: tuple[UsageEvent, ...] = ()
    future: tuple[UsageEvent, ...] = ()
    unmetered: tuple[UsageEvent, ...] = ()
    # rate_usage_table() leaves ``duplicates`` and ``conflicts`` empty and fills this with
    # what builds them from Arrow rows on first read: repeated ids are no Python objects
    # unless somebody looks at them.
    _pending: Callable[[], tuple[tuple[UsageEvent, ...], tuple[UsageEvent, ...]]] | None = (
        attrs.field(init=False, default=None, eq=False, hash=False, repr=False)
    )

    if not TYPE_CHECKING:  # hidden from type checkers, so a misspelt attribute is still caught

        def __getattr__(self, name: str) -> Any:
            # Only reached while the two slots are still empty (a rating of rate_usage_table).
            if name in ("duplicates", "conflicts"):
                pending = object.__getattribute__(self, "_pending")
                if pending is not None:
                    duplicates, conflicts = pending()
                    object.__setattr__(self, "duplicates", duplicates)
                    object.__setattr__(self, "conflicts", conflicts)
                    object.__setattr__(self, "_pending", None)
                    return duplicates if name == "duplicates" else conflicts
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickle and deepcopy the events themselves, never what builds them (Arrow rows).
        return (_restore_rating, tuple(getattr(self, f.name) for f in _RATING_FIELDS))

    @check_arguments
    def line(self, customer: str, metric: str, group: str | None = None) -> RatedCharge:
        """The line for ``(customer, metric, group)`` (text only: a caller's object is never
        compared with a line's key)."""
        for candidate in self.lines:
            if candidate.key == (customer, metric, group):
                return candidate
        raise UnknownCodeError(
            f"No rated line for customer {shown(customer)}, metric {shown(metric)}, "
            f"group {shown(group)}."
        )

    def total(self, currency: Currency | str | None = None) -> Money:
        """The sum of the rounded line amounts (lines must share one currency)."""
        return _money_total((line.amount for line in self.lines), currency)

    def explain(self) -> str:
        """Every line's explanation, then what was left out and why."""
        parts = [f"Usage rated for {self.period} in {self.tz}:"]
        parts += [line.explain() for line in self.lines]
        for name, events in self._left_out():
            ids = ", ".join(e.id for e in events[:10])
            more = f" and {len(events) - 10} more" if len(events) > 10 else ""
            parts.append(f"{len(events)} {_LEFT_OUT[name]}: {ids}{more}")
        return "\n".join(parts)

    def _left_out(self) -> list[tuple[str, tuple[UsageEvent, ...]]]:
        """``(field, events)`` for every field of :data:`_LEFT_OUT` that holds events."""
        found = ((name, getattr(self, name)) for name in _LEFT_OUT)
        return [(name, events) for name, events in found if events]

    _columns: ClassVar[Columns] = _COLUMNS

    def _rows(self) -> list[dict[str, Any]]:
        return [line._row() for line in self.lines]

    def _repr_html_(self) -> str:
        rows = [
            [
                line.customer,
                line.metric,
                "" if line.group is None else line.group,
                plain(line.quantity),
                str(line.amount),
            ]
            for line in self.lines
        ]
        footer = [f"{len(events)} {name}" for name, events in self._left_out()]
        return html_table(
            f"Usage {self.period} ({self.tz})",
            ["customer", "metric", "group", "quantity", "amount"],
            rows,
            right=[3, 4],
            footer=footer,
        )


_RATING_FIELDS: Final = tuple(f for f in attrs.fields(UsageRating) if f.init)


def _restore_rating(*values: Any) -> UsageRating:
    return UsageRating(**{f.name: v for f, v in zip(_RATING_FIELDS, values, strict=True)})


# A rating whose duplicates and conflicts are built on first read (rate_usage_table with
# repeated ids): the slots of both stay empty, the last value builds them.
_lazy_rating: Final = trusted(
    UsageRating, "period", "tz", "lines", "late", "future", "unmetered", "_pending"
)
