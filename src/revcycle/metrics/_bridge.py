"""The ARR bridge of a book of contracts over a period, and each account's movement in it.

Re-exported by :mod:`revcycle.metrics`; import from there.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar, Final, final

import attrs

from revcycle._display import (
    MAX_ROWS,
    MISSING,
    ColumnKind,
    Columns,
    TypedRows,
    amount_text,
    html_table,
    percent_text,
)
from revcycle._numbers import CTX, ZERO
from revcycle._validate import check_arguments, check_text, check_type, require_sequence, to_choice
from revcycle.dates import Period
from revcycle.errors import (
    CurrencyMismatchError,
    RevcycleTypeError,
    UnknownCodeError,
    ValidationError,
    shown,
)
from revcycle.money import Currency, Money


# Every figure of a bridge is summed here: wide enough that adding ARR figures of up to 50
# significant digits never rounds, so the bridge adds up exactly. Only additions, subtractions
# and multiplications by whole numbers run in it (a division would expand to a thousand digits).
SUMS: Final = CTX.copy()
SUMS.prec = 1000


class ArrMovement(enum.StrEnum):
    """How an account's ARR moved between the day before a period and its last day."""

    NEW = "new"  # 0 → more than 0, never any ARR before
    REACTIVATION = "reactivation"  # 0 → more than 0, with ARR on some earlier day
    EXPANSION = "expansion"  # more than before
    CONTRACTION = "contraction"  # less than before, but not 0
    CHURN = "churn"  # more than 0 → 0
    UNCHANGED = "unchanged"


def _to_movement(value: ArrMovement | str) -> ArrMovement:
    return to_choice(ArrMovement, value, "An ARR movement")


def _check_money(what: str) -> Any:
    return check_type(Money, "Money", what)


@final
@attrs.frozen
class AccountArr:
    """One account's ARR on the day before the period (``opening``) and on its last day
    (``closing``), and how it moved; :attr:`change` is ``closing − opening``."""

    account: str = attrs.field(validator=check_text("An account"))
    opening: Money = attrs.field(validator=_check_money("An account's opening ARR"))
    closing: Money = attrs.field(validator=_check_money("An account's closing ARR"))
    movement: ArrMovement = attrs.field(converter=_to_movement)

    def __attrs_post_init__(self) -> None:
        if self.opening.currency != self.closing.currency:
            raise CurrencyMismatchError(
                f"Account {self.account}'s opening ARR is in {self.opening.currency.code} and its "
                f"closing ARR in {self.closing.currency.code}; a bridge is in one currency."
            )
        expected = classify(self.opening.amount, self.closing.amount)
        returning = expected is ArrMovement.NEW and self.movement is ArrMovement.REACTIVATION
        if self.movement is not expected and not returning:
            raise ValidationError(
                f"Account {self.account}'s ARR went from {amount_text(self.opening)} to "
                f"{amount_text(self.closing)}, which is {expected.value}, not "
                f"{self.movement.value}."
            )

    @property
    def change(self) -> Money:
        """``closing − opening`` (negative for a contraction or churn)."""
        amount = SUMS.subtract(self.closing.amount, self.opening.amount)
        return Money._trusted(amount, self.closing.currency)


def classify(opening: Decimal, closing: Decimal) -> ArrMovement:
    """The movement from ``opening`` to ``closing`` ARR (``NEW`` for 0 → more: whether it is a
    reactivation depends on the account's history, which the caller knows)."""
    if opening == 0 and closing > 0:
        return ArrMovement.NEW
    if opening > 0 and closing == 0:
        return ArrMovement.CHURN
    if closing > opening:
        return ArrMovement.EXPANSION
    if closing < opening:
        return ArrMovement.CONTRACTION
    return ArrMovement.UNCHANGED


def _to_accounts(value: Iterable[AccountArr]) -> tuple[AccountArr, ...]:
    return require_sequence(value, "A bridge's accounts", kind=AccountArr)


def opening_day(period: Period) -> date:
    """The day a bridge over ``period`` takes its opening ARR on: the day before the period
    (a :class:`~revcycle.errors.ValidationError` for a period starting on 0001-01-01)."""
    if period.start == date.min:
        raise ValidationError(
            f"An ARR bridge opens on the day before its period, and {period} starts on the "
            "first day Python can hold; start it a day later."
        )
    return period.start - timedelta(days=1)


def _check_period(_: object, __: object, value: Any) -> None:
    if not isinstance(value, Period):
        raise RevcycleTypeError(f"An ARR bridge's period must be a Period, not {shown(value)}.")
    opening_day(value)


# The movements and the figure of an account each one sums (the others count zero).
_FIGURES: Final = ("opening", "new", "expansion", "contraction", "churn", "reactivation", "closing")

# One row per account, for to_records(), to_arrow() and to_pandas().
_COLUMNS: Final = {
    "account": ColumnKind.TEXT,
    "movement": ColumnKind.CHOICE,
    "opening": ColumnKind.PRECISE,
    "closing": ColumnKind.PRECISE,
    "change": ColumnKind.PRECISE,
    "currency": ColumnKind.CHOICE,
}


@final
@attrs.frozen
class ArrBridge(TypedRows):
    """How a book's ARR moved over ``period``, per account (DESIGN §4.3).

    ``opening`` is ARR on the day before the period, ``closing`` ARR on its last day; in
    between, each account's change is ``new`` (0 → more, never any ARR before),
    ``reactivation`` (0 → more, with ARR on some earlier day), ``expansion``, ``contraction``
    (more or less, not 0) or ``churn`` (more → 0). Every figure is a non-negative unrounded
    :class:`~revcycle.money.Money`, and ``opening + new + expansion + reactivation −
    contraction − churn == closing`` exactly. ``accounts`` holds each account with ARR on
    either day, by name. ``to_records()``, ``to_arrow()`` and ``to_pandas()`` have one row
    per account.
    """

    opening: Money = attrs.field(validator=_check_money("The opening ARR"))
    new: Money = attrs.field(validator=_check_money("New ARR"))
    expansion: Money = attrs.field(validator=_check_money("Expansion ARR"))
    contraction: Money = attrs.field(validator=_check_money("Contraction ARR"))
    churn: Money = attrs.field(validator=_check_money("Churned ARR"))
    reactivation: Money = attrs.field(validator=_check_money("Reactivated ARR"))
    closing: Money = attrs.field(validator=_check_money("The closing ARR"))
    period: Period = attrs.field(kw_only=True, validator=_check_period)
    accounts: tuple[AccountArr, ...] = attrs.field(kw_only=True, default=(), converter=_to_accounts)

    def __attrs_post_init__(self) -> None:
        currency = self.opening.currency
        for name in _FIGURES:
            figure: Money = getattr(self, name)
            if figure.currency != currency:
                raise CurrencyMismatchError(
                    f"An ARR bridge is in one currency: {name} is in {figure.currency.code}, "
                    f"opening in {currency.code}."
                )
            if name not in ("opening", "closing") and figure.amount < 0:
                raise ValidationError(
                    f"An ARR bridge's {name} is a positive movement (contraction and churn are "
                    f"subtracted), not {amount_text(figure)}."
                )
        moved = SUMS.subtract(
            SUMS.add(SUMS.add(self.opening.amount, self.new.amount), self.expansion.amount),
            SUMS.add(self.contraction.amount, self.churn.amount),
        )
        if SUMS.add(moved, self.reactivation.amount) != self.closing.amount:
            raise ValidationError(
                "An ARR bridge must add up: opening + new + expansion + reactivation − "
                "contraction − churn must equal closing."
            )
        totals = dict.fromkeys(_FIGURES, ZERO)
        for row in self.accounts:
            if row.closing.currency != currency:
                raise CurrencyMismatchError(
                    f"Account {row.account}'s ARR is in {row.closing.currency.code}, but the "
                    f"bridge is in {currency.code}."
                )
            for name, amount in movements(row).items():
                totals[name] = SUMS.add(totals[name], amount)
        if len({row.account for row in self.accounts}) != len(self.accounts):
            raise ValidationError("An ARR bridge lists each account once.")
        for name in _FIGURES:
            if totals[name] != getattr(self, name).amount:
                raise ValidationError(
                    f"An ARR bridge's {name} ({amount_text(getattr(self, name))}) must be the "
                    f"sum of its accounts' ({amount_text(Money._trusted(totals[name], currency))})."
                )

    @property
    def currency(self) -> Currency:
        """The currency every figure is in."""
        return self.opening.currency

    @property
    def net_revenue_retention(self) -> Decimal:
        """``(opening + expansion − contraction − churn) ÷ opening``: how much of the opening
        ARR the accounts that had it still bring (a ratio: 1.05 is 105 %). New and reactivated
        accounts, which had no opening ARR, count in neither part. Refused
        (:class:`~revcycle.errors.ValidationError`) without opening ARR."""
        kept = SUMS.subtract(
            SUMS.add(self.opening.amount, self.expansion.amount),
            SUMS.add(self.contraction.amount, self.churn.amount),
        )
        return self._ratio(kept, "Net")

    @property
    def gross_revenue_retention(self) -> Decimal:
        """``(opening − contraction − churn) ÷ opening``: the opening ARR kept, expansion left
        out (at most 1). Refused without opening ARR."""
        kept = SUMS.subtract(
            self.opening.amount, SUMS.add(self.contraction.amount, self.churn.amount)
        )
        return self._ratio(kept, "Gross")

    def _ratio(self, kept: Decimal, kind: str) -> Decimal:
        if self.opening.amount <= 0:
            raise ValidationError(
                f"{kind} revenue retention over {self.period} divides by the opening ARR, and "
                f"the book has none on {self._opening_day()}; there is nothing to retain."
            )
        return CTX.divide(kept, self.opening.amount)

    def _opening_day(self) -> str:
        return opening_day(self.period).isoformat()

    @check_arguments
    def account(self, name: str) -> AccountArr:
        """The movement of the account ``name`` (an account with no ARR on either day has
        none: :class:`~revcycle.errors.UnknownCodeError`)."""
        for row in self.accounts:
            if row.account == name:
                return row
        raise UnknownCodeError(
            f"Account {shown(name)} has no ARR on {self._opening_day()} nor on "
            f"{self.period.last_day.isoformat()}, so it has no movement in this bridge."
        )

    # -- for people and data frames ----------------------------------------------------------

    def _counts(self) -> dict[ArrMovement, int]:
        counts = dict.fromkeys(ArrMovement, 0)
        for row in self.accounts:
            counts[row.movement] += 1
        return counts

    @check_arguments
    def explain(self, *, accounts: int = 20) -> str:
        """The bridge for people: each movement with how many accounts made it, the
        retention ratios, then the ``accounts`` largest account movements."""
        counts = self._counts()
        period = self.period
        width = max(len(amount_text(getattr(self, name), rounded=True)) for name in _FIGURES)

        def row(sign: str, label: str, figure: Money, note: str) -> str:
            shown = amount_text(figure, rounded=True)
            return f"  {sign} {label:<14}{shown:>{width}}  {note}"

        def accounts_text(movement: ArrMovement) -> str:
            n = counts[movement]
            return f"{n} account{'' if n == 1 else 's'}"

        lines = [
            (
                f"ARR bridge {period.start.isoformat()} → {period.last_day.isoformat()} in "
                f"{self.currency.code} (ARR = 12 × MRR of the recurring segments active on a "
                "day; figures rounded for people, exact inside)"
            ),
            row(" ", "opening", self.opening, f"ARR on {self._opening_day()}"),
            row("+", "new", self.new, accounts_text(ArrMovement.NEW)),
            row("+", "expansion", self.expansion, accounts_text(ArrMovement.EXPANSION)),
            row("+", "reactivation", self.reactivation, accounts_text(ArrMovement.REACTIVATION)),
            row("−", "contraction", self.contraction, accounts_text(ArrMovement.CONTRACTION)),
            row("−", "churn", self.churn, accounts_text(ArrMovement.CHURN)),
            row("=", "closing", self.closing, f"ARR on {period.last_day.isoformat()}"),
        ]
        if self.opening.amount > 0:
            lines.append(
                f"Net revenue retention {percent_text(self.net_revenue_retention)}, gross "
                f"{percent_text(self.gross_revenue_retention)} (over the accounts with opening "
                "ARR)"
            )
        else:
            lines.append(f"Net and gross revenue retention: {MISSING} (no opening ARR)")
        moved = sorted(
            (r for r in self.accounts if r.movement is not ArrMovement.UNCHANGED),
            key=lambda r: (-abs(r.change.amount), r.account),
        )
        if moved:
            lines.append("Account movements (largest first):")
            for r in moved[:accounts]:
                change = r.change.round()
                lines.append(
                    f"  {r.account}: {r.movement.value} {change.amount:+f} {self.currency.code} "
                    f"({amount_text(r.opening, rounded=True)} → "
                    f"{amount_text(r.closing, rounded=True)})"
                )
            if len(moved) > accounts:
                lines.append(f"  … and {len(moved) - accounts} more")
        return "\n".join(lines)

    _columns: ClassVar[Columns] = _COLUMNS

    def _rows(self) -> list[dict[str, Any]]:
        code = self.currency.code
        return [
            {
                "account": r.account,
                "movement": r.movement,
                "opening": r.opening.amount,
                "closing": r.closing.amount,
                "change": r.change.amount,
                "currency": code,
            }
            for r in self.accounts
        ]

    def _repr_html_(self) -> str:
        counts = self._counts()
        summary = html_table(
            f"ARR bridge {self.period.start.isoformat()} → {self.period.last_day.isoformat()}",
            ["", "movement", "ARR", "accounts"],
            [
                ["", "opening", amount_text(self.opening, rounded=True), ""],
                ["+", "new", amount_text(self.new, rounded=True), counts[ArrMovement.NEW]],
                [
                    "+",
                    "expansion",
                    amount_text(self.expansion, rounded=True),
                    counts[ArrMovement.EXPANSION],
                ],
                [
                    "+",
                    "reactivation",
                    amount_text(self.reactivation, rounded=True),
                    counts[ArrMovement.REACTIVATION],
                ],
                [
                    "−",
                    "contraction",
                    amount_text(self.contraction, rounded=True),
                    counts[ArrMovement.CONTRACTION],
                ],
                ["−", "churn", amount_text(self.churn, rounded=True), counts[ArrMovement.CHURN]],
                ["=", "closing", amount_text(self.closing, rounded=True), ""],
            ],
            right=[2, 3],
        )
        rows = [
            [
                r.account,
                r.movement.value,
                amount_text(r.opening, rounded=True),
                amount_text(r.closing, rounded=True),
                amount_text(r.change, rounded=True),
            ]
            for r in self.accounts
        ]
        detail = html_table(
            "Accounts",
            ["account", "movement", "opening", "closing", "change"],
            rows,
            right=[2, 3, 4],
            max_rows=MAX_ROWS,
        )
        return summary + detail


def movements(row: AccountArr) -> dict[str, Decimal]:
    """What one account adds to each figure of a bridge."""
    opening, closing = row.opening.amount, row.closing.amount
    found = {"opening": opening, "closing": closing}
    movement = row.movement
    if movement in (ArrMovement.NEW, ArrMovement.REACTIVATION):
        found[movement.value] = closing
    elif movement is ArrMovement.CHURN:
        found["churn"] = opening
    elif movement is ArrMovement.EXPANSION:
        found["expansion"] = SUMS.subtract(closing, opening)
    elif movement is ArrMovement.CONTRACTION:
        found["contraction"] = SUMS.subtract(opening, closing)
    return found
