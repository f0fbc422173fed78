"""Payment terms: when each part of an invoice falls due, and what paying early saves.

Conventions (docs/explanation/order-of-steps.md):

* Due dates count **calendar days** from the invoice date. A due-date rule is one of
  :class:`NetDays`, :class:`EndOfMonth` and :class:`DayOfMonth`; each documents its order of
  steps, clamps month ends (Jan 31 + one month is Feb 28 or 29), and never returns a date
  before the invoice date.
* Moving a due date onto a business day is a separate, optional last step
  (:class:`~revcycle.calendars.BusinessDayAdjustment`).
* A term is one or more :class:`Installment` lines — a percent of the total, a fixed amount, or
  the balance. Amounts are whole minor units that sum exactly to the total; the minor units
  left over by percent shares go where the allocation policy says (the last installment by
  default, like a balance line).
* An :class:`EarlyPaymentDiscount` ("2/10 Net 30") is earned by paying an installment in full
  on or before its deadline (inclusive): the invoice date plus the discount days.

>>> from datetime import date
>>> from revcycle.money import Money
>>> terms = PaymentTerms.parse("2/10 Net 30")
>>> schedule = terms.schedule(date(2024, 1, 31), Money("1000.00", "USD"))
>>> schedule.due_date, schedule.installments[0].discount_deadline
(datetime.date(2024, 3, 1), datetime.date(2024, 2, 10))
>>> schedule.installments[0].discounted_amount
Money('980.00', 'USD')
"""

from __future__ import annotations

# The names live in private modules, one concept each: the due-date rules (_rules), the
# installment lines and the early-payment discount (_lines), the terms and their presets
# (_model), schedules and payments (_schedule), and the reader of written terms (_parse). Like
# every re-exported name in revcycle, they keep the __module__ of the module that defines them.
from revcycle.errors import TermsError
from revcycle.terms._lines import DiscountBase, EarlyPaymentDiscount, Installment, InstallmentKind
from revcycle.terms._model import PRESETS, PaymentTerms
from revcycle.terms._rules import MAX_DAYS, MAX_MONTHS, DayOfMonth, DueRule, EndOfMonth, NetDays
from revcycle.terms._schedule import Payment, PaymentSchedule, ScheduledInstallment, apply_payment


__all__ = [
    "MAX_DAYS",
    "MAX_MONTHS",
    "PRESETS",
    "DayOfMonth",
    "DiscountBase",
    "DueRule",
    "EarlyPaymentDiscount",
    "EndOfMonth",
    "Installment",
    "InstallmentKind",
    "NetDays",
    "Payment",
    "PaymentSchedule",
    "PaymentTerms",
    "ScheduledInstallment",
    "TermsError",
    "apply_payment",
]
