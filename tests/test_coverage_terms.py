"""Payment-term lines and schedules refused at their edges, and an overpayment's credit.

1,000.00 USD invoiced 2024-01-01 on Net 30 (due 2024-01-31), paid 1,200.00 on 2024-01-05:
nothing open, 200.00 overpaid as credit.
"""

from __future__ import annotations

from datetime import date

import attrs
import pytest

from revcycle import errors
from revcycle.money import Money, Percent
from revcycle.terms import Installment, NetDays, PaymentSchedule, PaymentTerms, apply_payment


N30 = NetDays(30)


def usd(amount: str) -> Money:
    return Money(amount, "USD")


def _schedule() -> PaymentSchedule:
    return PaymentTerms.parse("Net 30").schedule(date(2024, 1, 1), usd("1000.00"))


def test_each_installment_kind_takes_only_its_own_figure() -> None:
    with pytest.raises(errors.TermsError, match="percent installment needs a share"):
        Installment(kind="percent", due=N30)
    with pytest.raises(errors.TermsError, match="fixed installment needs an amount and no share"):
        Installment(kind="fixed", due=N30)
    with pytest.raises(errors.TermsError, match="balance installment takes no share and no amo"):
        Installment(kind="balance", due=N30, share=Percent("5"))
    with pytest.raises(errors.RevcycleTypeError, match="needs a Money amount, not '100'"):
        Installment.fixed("100", N30)  # type: ignore[arg-type]


def test_fixed_installments_share_one_currency() -> None:
    lines = [
        Installment.fixed(usd("100.00"), N30),
        Installment.fixed(Money("100.00", "EUR"), N30),
        Installment.balance(NetDays(60)),
    ]
    with pytest.raises(errors.CurrencyMismatchError, match="mix currencies: EUR, USD"):
        PaymentTerms(lines)


def test_apply_payment_checks_its_input_and_keeps_an_overpayment_as_credit() -> None:
    with pytest.raises(errors.RevcycleTypeError, match="needs a PaymentSchedule, not 's'"):
        apply_payment("s", date(2024, 1, 5), usd("1.00"))  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError, match="payment amount must be Money, not '1'"):
        apply_payment(_schedule(), date(2024, 1, 5), "1")  # type: ignore[arg-type]
    paid = apply_payment(_schedule(), date(2024, 1, 5), usd("1200.00"))
    assert (paid.open_amount, paid.credit) == (usd("0.00"), usd("200.00"))
    assert paid.explain().splitlines()[-1] == "  credit (overpaid): 200.00 USD"
    assert "Credit (overpaid): 200.00 USD." in paid._repr_html_()


def test_a_schedule_has_an_installment() -> None:
    with pytest.raises(errors.TermsError, match="needs at least one installment"):
        attrs.evolve(_schedule(), installments=())
