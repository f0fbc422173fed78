"""Payment terms as a whole: :class:`PaymentTerms` (installments, an early-payment discount,
the allocation policy and a business-day adjustment) and its :data:`PRESETS`.

Re-exported by :mod:`revcycle.terms`; import from there.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Final, final

import attrs

from revcycle._numbers import CTX, HUNDRED, ZERO, plain
from revcycle._validate import check_arguments, check_type, require_day, require_sequence, to_choice
from revcycle.calendars import BusinessDayAdjustment, BusinessDayConvention
from revcycle.errors import (
    CurrencyMismatchError,
    RevcycleTypeError,
    TermsError,
    UnknownCodeError,
    shown,
)
from revcycle.money import AllocationPolicy, Currency, Money, Percent, allocate_units
from revcycle.terms._lines import (
    DiscountBase,
    EarlyPaymentDiscount,
    Installment,
    InstallmentKind,
    check_installments,
)
from revcycle.terms._parse import parse_terms
from revcycle.terms._rules import DayOfMonth, DueRule, EndOfMonth, NetDays
from revcycle.terms._schedule import (
    ZEROS,
    PaymentSchedule,
    from_units,
    new_installment,
    new_schedule,
)


# --------------------------------------------------------------------------------------------
# Payment terms


def _to_allocation(value: AllocationPolicy | str) -> AllocationPolicy:
    return to_choice(AllocationPolicy, value, "A payment terms allocation policy")


def _to_installments(value: Iterable[Installment]) -> tuple[Installment, ...]:
    return require_sequence(value, "Payment terms installments", kind=Installment)


def _to_adjustment(
    adjustment: BusinessDayAdjustment | BusinessDayConvention | str | None,
) -> BusinessDayAdjustment | None:
    value: object = adjustment  # checked as it came, whatever the annotation promises
    if value is None or isinstance(value, BusinessDayAdjustment):
        return value
    if isinstance(value, BusinessDayConvention | str):
        return BusinessDayAdjustment(value)
    raise RevcycleTypeError(
        f"A business-day adjustment must be a BusinessDayAdjustment or a "
        f"BusinessDayConvention, not {shown(value)}."
    )


_check_discount: Final = check_type(
    EarlyPaymentDiscount,
    "an EarlyPaymentDiscount",
    "An early-payment discount",
    optional=True,
)


@final
@attrs.frozen
class PaymentTerms:
    """When an invoice's total falls due, in one or more installments.

    Percent installments must total 100 % unless a balance installment takes the rest (then
    they must total less than 100 %); fixed installments need a balance installment.
    ``allocation`` says where the minor units left over by percent shares go (the last
    installment by default). ``adjustment``, when set, moves each due date onto a business day
    after its rule (never before the invoice date: a date the convention would move before it
    moves forward instead).

    >>> from datetime import date
    >>> from revcycle.money import Money
    >>> terms = PaymentTerms.parse("50% now, 50% Net 30")
    >>> [(i.due_date.isoformat(), str(i.amount))
    ...  for i in terms.schedule(date(2024, 1, 31), Money("100.01", "USD")).installments]
    [('2024-01-31', '50.00 USD'), ('2024-03-01', '50.01 USD')]
    """

    installments: tuple[Installment, ...] = attrs.field(converter=_to_installments)
    early_payment_discount: EarlyPaymentDiscount | None = attrs.field(
        default=None, validator=_check_discount
    )
    allocation: AllocationPolicy = attrs.field(
        default=AllocationPolicy.LAST, converter=_to_allocation
    )
    adjustment: BusinessDayAdjustment | None = attrs.field(default=None, converter=_to_adjustment)

    def __attrs_post_init__(self) -> None:
        lines = self.installments
        check_installments(lines)
        # Percent shares as integer numerators over one common scale, computed once, so that
        # schedule() splits a total with integer arithmetic only.
        shares = [
            Fraction(line.share.value) / 100 if line.share is not None else Fraction(0)
            for line in lines
        ]
        scale = math.lcm(*(f.denominator for f in shares))
        object.__setattr__(self, "_scale", scale)
        object.__setattr__(
            self, "_numerators", tuple(f.numerator * (scale // f.denominator) for f in shares)
        )
        object.__setattr__(
            self, "_percent_only", all(line.kind is InstallmentKind.PERCENT for line in lines)
        )

    _scale: int = attrs.field(init=False, default=1, eq=False, repr=False, hash=False)
    _numerators: tuple[int, ...] = attrs.field(
        init=False, default=(), eq=False, repr=False, hash=False
    )
    _percent_only: bool = attrs.field(init=False, default=False, eq=False, repr=False, hash=False)

    # -- construction --------------------------------------------------------------------

    @classmethod
    def parse(cls, text: str) -> PaymentTerms:
        """Read written terms: "Due on receipt", "Net 30", "2/10 Net 30", "1% 10 Net 30",
        "EOM", "Net 30 EOM", "End of next month", "10th prox", "50% now, 50% Net 30",
        "30% now, balance Net 60".

        Case and extra spaces do not matter. Anything else raises
        :class:`~revcycle.errors.TermsParseError` naming the part that was not understood.

        >>> PaymentTerms.parse("1% 10 Net 30").early_payment_discount.percent
        Percent('1')
        >>> PaymentTerms.parse("Net thirty")
        Traceback (most recent call last):
        ...
        revcycle.errors.TermsParseError: Cannot read payment terms 'Net thirty': did not understand
        'net thirty'; expected terms such as 'Net 30', ...
        """
        lines, discount, adjustment = parse_terms(text)
        return cls(lines, discount, adjustment=adjustment)

    @classmethod
    def net(cls, days: int) -> PaymentTerms:
        """Net ``days``: the whole total due ``days`` calendar days after the invoice date."""
        return cls((Installment.percent(HUNDRED, NetDays(days)),))

    @classmethod
    @check_arguments
    def preset(cls, name: str) -> PaymentTerms:
        """One of :data:`PRESETS` by name (``"net_30"``, ``"2_10_net_30"`` ...)."""
        found = PRESETS.get(name)
        if found is None:
            raise UnknownCodeError(
                f"No payment-terms preset named {shown(name)}; expected one of "
                f"{', '.join(repr(k) for k in PRESETS)}."
            )
        return found

    def with_adjustment(
        self, adjustment: BusinessDayAdjustment | BusinessDayConvention | None
    ) -> PaymentTerms:
        """The same terms with a different business-day adjustment."""
        return attrs.evolve(self, adjustment=adjustment)

    def with_discount(self, discount: EarlyPaymentDiscount | None) -> PaymentTerms:
        """The same terms with a different early-payment discount."""
        return attrs.evolve(self, early_payment_discount=discount)

    # -- use -----------------------------------------------------------------------------

    def describe(self) -> str:
        """The terms in words, which :meth:`parse` reads back: the installments, the discount
        (with its base when it is the untaxed amount) and the business-day convention. Not
        written: the allocation policy and the adjustment's holiday calendar.

        >>> PaymentTerms.parse("2 / 10 net 30").describe()
        '2/10 Net 30'
        """
        lines = self.installments
        if len(lines) == 1 and lines[0].kind is InstallmentKind.PERCENT:
            text = lines[0].due.describe()  # the whole total: "Net 30", not "100% Net 30"
        else:
            text = ", ".join(line.describe() for line in lines)
        discount = self.early_payment_discount
        if discount is not None:
            text = f"{plain(discount.percent.value)}/{discount.days} {text}"
            if discount.base is DiscountBase.UNTAXED:
                text += " (discount on the untaxed amount)"
        if self.adjustment is not None:
            text += f" (adjusted {self.adjustment.convention.value})"
        return text

    def __str__(self) -> str:
        return self.describe()

    def due_dates(self, invoice_date: date) -> tuple[date, ...]:
        """Each installment's due date, business-day adjustment included."""
        require_day(invoice_date, "An invoice date")
        return tuple(self._due(line.due, invoice_date) for line in self.installments)

    def due_date(self, invoice_date: date) -> date:
        """The invoice's due date: the latest installment due date."""
        return max(self.due_dates(invoice_date))

    def _due(self, rule: DueRule, invoice_date: date) -> date:
        day = rule._date(invoice_date)
        adjustment = self.adjustment
        if adjustment is None:
            return day
        moved = adjustment.apply(day)
        if moved < invoice_date:
            moved = BusinessDayConvention.FOLLOWING.adjust(day, adjustment.calendar)
        return moved

    def schedule(
        self, invoice_date: date, total: Money, untaxed: Money | None = None
    ) -> PaymentSchedule:
        """The installments of an invoice of ``total`` issued on ``invoice_date``.

        ``total`` must be whole minor units and not negative. ``untaxed`` is needed when the
        early-payment discount is on the untaxed amount, and is checked (Money in the invoice
        currency, from zero to the total) whenever it is given. Installment amounts sum exactly to
        the total; the discount (rounded half-up once, on the whole base) is split over the
        installments in proportion to their amounts with the same allocation policy, so the
        discounted amounts sum exactly to the discounted total. An installment's discount
        deadline is the invoice date plus the discount days, or its due date if earlier.
        """
        require_day(invoice_date, "An invoice date")
        if not isinstance(total, Money):
            raise RevcycleTypeError(f"An invoice total must be Money, not {shown(total)}.")
        currency = total.currency
        units = total.minor_units
        if units < 0:
            raise TermsError(f"An invoice total must not be negative, got {total}.")
        if untaxed is not None:
            _check_untaxed(untaxed, total)
        # Written with the currency's places ("5 USD" is shown as 5.00, like every other amount).
        places = currency.minor_units
        total = from_units(units, places, currency)
        lines = self.installments
        zero = _zero(currency)
        discount = self.early_payment_discount
        deadline = None if discount is None else discount.deadline(invoice_date)
        # The figures in between (the discount, the shares) stay whole minor units: only the
        # amounts the schedule holds become Money.
        if len(lines) == 1:
            # The common single-line term: no allocation, one installment.
            due = self._due(lines[0].due, invoice_date)
            if discount is None or deadline is None:
                only = new_installment(1, due, total, None, None, zero, zero, total)
            else:
                off = self._discount_units(discount, total, untaxed)
                discounted_total = from_units(units - off, places, currency)
                only = new_installment(
                    1, due, total, min(deadline, due), discounted_total, zero, zero, total
                )
            return new_schedule(invoice_date, total, (only,), zero, ())

        parts = self._amounts(total, units)
        amounts = [from_units(u, places, currency) for u in parts]
        dues = [self._due(line.due, invoice_date) for line in lines]
        discounted: Sequence[Money | None] = (None,) * len(lines)
        if discount is not None:
            off_units = self._discount_units(discount, total, untaxed)
            if off_units == 0 or units == 0:
                cuts = [0] * len(lines)
            else:
                scaled = [off_units * u for u in parts]
                cuts = allocate_units(off_units, scaled, units, self.allocation)
            discounted = [
                from_units(u - c, places, currency) for u, c in zip(parts, cuts, strict=True)
            ]
        installments = tuple(
            new_installment(
                n,
                dues[n - 1],
                amounts[n - 1],
                None if deadline is None else min(deadline, dues[n - 1]),
                discounted[n - 1],
                zero,
                zero,
                amounts[n - 1],
            )
            for n in range(1, len(lines) + 1)
        )
        return new_schedule(invoice_date, total, installments, zero, ())

    def _amounts(self, total: Money, units: int) -> list[int]:
        """Each installment's amount in whole minor units (see ``allocate_units``)."""
        lines = self.installments
        if self._percent_only:
            if not units:
                return [0] * len(lines)
            scaled = [units * numerator for numerator in self._numerators]
            return allocate_units(units, scaled, self._scale, self.allocation)
        currency = total.currency
        rest = units
        for line in lines:
            if line.amount is not None:
                if line.amount.currency != currency:
                    raise CurrencyMismatchError(
                        f"A fixed installment of {line.amount} cannot be part of a "
                        f"{currency.code} invoice."
                    )
                rest -= line.amount.minor_units
        scale = self._scale
        scaled = []
        balance_at = -1
        percent_sum = 0
        for line, numerator in zip(lines, self._numerators, strict=True):
            if line.kind is InstallmentKind.PERCENT:
                share = units * numerator
                scaled.append(share)
                percent_sum += share
            elif line.kind is InstallmentKind.BALANCE:
                balance_at = len(scaled)
                scaled.append(0)
        if balance_at >= 0:
            scaled[balance_at] = rest * scale - percent_sum
        if rest < 0 or (balance_at >= 0 and scaled[balance_at] < 0):
            raise TermsError(
                f"The fixed and percent installments come to more than the total {total}; "
                "the balance installment would be negative."
            )
        parts = iter(
            allocate_units(rest, scaled, scale, self.allocation) if rest else [0] * len(scaled)
        )
        return [
            line.amount.minor_units if line.amount is not None else next(parts) for line in lines
        ]

    @staticmethod
    def _discount_units(discount: EarlyPaymentDiscount, total: Money, untaxed: Money | None) -> int:
        """The discount in whole minor units: base × percent / 100, rounded once, half-up at
        the minor unit."""
        if discount.base is DiscountBase.UNTAXED:
            if untaxed is None:
                raise TermsError(
                    "This early-payment discount is on the untaxed amount; pass untaxed=... "
                    "to schedule()."
                )
            base = untaxed
        else:
            base = total
        # In minor units (scaleb is exact), so rounding at 1 is rounding at the minor unit.
        shift = total.currency.minor_units - 2
        exact = CTX.multiply(base.amount, discount.percent.value).scaleb(shift, context=CTX)
        return int(exact.quantize(_UNIT, rounding=ROUND_HALF_UP, context=CTX))


_UNIT: Final = Decimal(1)
_ZERO_MONEY: dict[Currency, Money] = {}


def _zero(currency: Currency) -> Money:
    """Zero in ``currency`` written with its places (one shared value per currency)."""
    zero = _ZERO_MONEY.get(currency)
    if zero is None:
        zero = _ZERO_MONEY[currency] = Money._trusted(ZEROS[currency.minor_units], currency)
    return zero


def _check_untaxed(untaxed: object, total: Money) -> None:
    if not isinstance(untaxed, Money):
        raise RevcycleTypeError(f"The untaxed amount must be Money, not {shown(untaxed)}.")
    if untaxed.currency != total.currency:
        raise CurrencyMismatchError(
            f"The untaxed amount {untaxed} is not in the invoice currency {total.currency.code}."
        )
    if not ZERO <= untaxed.amount <= total.amount:
        raise TermsError(
            f"The untaxed amount {untaxed} must be between zero and the total {total}."
        )


# --------------------------------------------------------------------------------------------
# Presets


def _presets() -> Mapping[str, PaymentTerms]:
    # Built from their parts (not parsed) so that importing this module never needs the
    # parser; a test checks each one reads back from its description.
    def whole_total(rule: DueRule, discount: EarlyPaymentDiscount | None = None) -> PaymentTerms:
        return PaymentTerms((Installment.percent(HUNDRED, rule),), discount)

    presets = {"due_on_receipt": whole_total(NetDays(0))}
    presets.update({f"net_{n}": whole_total(NetDays(n)) for n in (7, 10, 15, 30, 45, 60, 90)})
    presets["eom"] = whole_total(EndOfMonth())
    presets["net_30_eom"] = whole_total(EndOfMonth(days=30))
    presets["end_of_next_month"] = whole_total(EndOfMonth(months=1))
    presets["10th_prox"] = whole_total(DayOfMonth(10))
    presets["2_10_net_30"] = whole_total(NetDays(30), EarlyPaymentDiscount(Percent(2), 10))
    presets["1_10_net_30"] = whole_total(NetDays(30), EarlyPaymentDiscount(Percent(1), 10))
    presets["50_now_50_net_30"] = PaymentTerms(
        (Installment.percent(50, NetDays(0)), Installment.percent(50, NetDays(30)))
    )
    return MappingProxyType(presets)


PRESETS: Final = _presets()
"""Common terms by name: ``net_30``, ``2_10_net_30``, ``net_30_eom`` ... (read-only)."""
