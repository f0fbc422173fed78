"""Rate periods and interest on partly paid schedules (issue 16: "late_interest takes only an
annual rate: '1.5 % per month' written as Percent('1.5') is silently 1.5 % a year; nothing
charges interest on a partly paid schedule; no CLI for it").

DESIGN §4: ``late_interest(amount, due_date=..., as_of=..., rate=..., per=RatePeriod.YEAR)``
(``annual_rate=`` an alias of ``rate=`` with ``per=YEAR``; ``per=MONTH`` is the rate × 12 a
year, ``per=DAY`` × 365, then the same day count) and
``receivables.schedule_interest(schedule, payments, as_of=..., rate=..., per=...)``.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import usd
from revcycle import RatePeriod, errors, late_interest
from revcycle.dates import DayCount
from revcycle.interest import DatedRate, describe_rate
from revcycle.money import Money, Percent
from revcycle.receivables import ScheduleInterest, schedule_interest
from revcycle.serialization import dumps
from revcycle.terms import Payment, PaymentTerms


D = Decimal
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))
amounts = st.integers(0, 10**9).map(lambda cents: Money.from_minor_units(cents, "USD"))
rates = st.decimals(min_value=0, max_value=5, places=3).map(Percent)


# --------------------------------------------------------------------------------------------
# late_interest with a rate period


def test_a_monthly_rate_is_twelve_times_a_year() -> None:
    # 1,000.00 at 1.5 % a month (18 % a year) for 30 days, Actual/365:
    # 1,000 × 0.18 × 30 / 365 = 14.7945... → 14.79.
    charge = late_interest(
        usd("1000.00"),
        due_date=date(2024, 1, 31),
        as_of=date(2024, 3, 1),
        rate=Percent("1.5"),
        per=RatePeriod.MONTH,
    )
    assert charge.interest == usd("14.79")
    assert charge.pieces[0].annual_rate == Percent("18")
    assert (charge.rate, charge.per) == (Percent("1.5"), RatePeriod.MONTH)
    # The same rate without per= is 1.5 % a year, and the explanation says so.
    yearly = late_interest(usd("1000.00"), date(2024, 1, 31), date(2024, 3, 1), Percent("1.5"))
    assert yearly.interest == usd("1.23")
    assert "1.5% a year (per=year, the default)" in yearly.explain()
    explained = charge.explain()
    assert "rate: 1.5% a month (per=month) = 18.0% a year, Actual/365" in explained


def test_a_daily_rate_is_365_times_a_year_then_the_same_day_count() -> None:
    # 0.05 % a day = 18.25 % a year; under Actual/360 that year is divided by 360 days:
    # 1,000 × 0.1825 × 30 / 360 = 15.2083... → 15.21.
    charge = late_interest(
        usd("1000.00"),
        date(2024, 1, 31),
        date(2024, 3, 1),
        rate=Percent("0.05"),
        per="day",
        day_count=DayCount.ACT_360,
    )
    assert charge.interest == usd("15.21")
    assert "0.05% a day (per=day) = 18.25% a year, Actual/360" in charge.explain()


@given(amount=amounts, due=days, late=st.integers(-5, 500), rate=rates)
def test_per_month_equals_twelve_times_the_rate_per_year(
    amount: Money, due: date, late: int, rate: Percent
) -> None:
    as_of = due + timedelta(days=late)
    monthly = late_interest(amount, due, as_of, rate=rate, per=RatePeriod.MONTH)
    yearly = late_interest(amount, due, as_of, rate=Percent(rate.value * 12))
    daily = late_interest(amount, due, as_of, rate=rate, per=RatePeriod.DAY)
    assert monthly.interest == yearly.interest
    assert daily.interest == late_interest(amount, due, as_of, Percent(rate.value * 365)).interest


def test_annual_rate_stays_an_alias_of_rate_per_year() -> None:
    with_alias = late_interest(
        usd("100.00"), due_date=date(2024, 1, 31), as_of=date(2024, 3, 1), annual_rate="10"
    )
    assert with_alias == late_interest(usd("100.00"), date(2024, 1, 31), date(2024, 3, 1), "10")
    with pytest.raises(errors.ValidationError, match="not both"):
        late_interest(usd("1"), date(2024, 1, 1), date(2024, 2, 1), rate="1", annual_rate="1")
    with pytest.raises(errors.ValidationError, match="annual_rate= is a rate a year"):
        late_interest(
            usd("1"), date(2024, 1, 1), date(2024, 2, 1), annual_rate="1", per=RatePeriod.MONTH
        )
    with pytest.raises(errors.RevcycleTypeError, match="needs a rate"):
        late_interest(usd("1"), date(2024, 1, 1), date(2024, 2, 1))
    with pytest.raises(errors.ValidationError, match="A rate period"):
        late_interest(usd("1"), date(2024, 1, 1), date(2024, 2, 1), "1", per="week")
    dated = [DatedRate(date(2024, 1, 1), Percent("12"))]
    with pytest.raises(errors.ValidationError, match="Dated rates are rates a year"):
        late_interest(usd("1"), date(2024, 1, 1), date(2024, 2, 1), dated, per="month")


def test_long_rates_are_shown_rounded_not_in_fifty_digits() -> None:
    # Issue 16, new-user item: rates printed 50 digits in explanations.
    third = Percent(D(100) / D(3))
    charge = late_interest(usd("100.00"), date(2024, 1, 1), date(2024, 2, 1), third)
    assert "≈33.333333% a year" in charge.explain()
    assert "33.3333333333" not in charge.explain()
    assert (
        describe_rate(Percent("12.50")) == "rate: 12.50% a year (per=year, the default), Actual/365"
    )


# --------------------------------------------------------------------------------------------
# schedule_interest


def net_30() -> PaymentTerms:
    return PaymentTerms.parse("Net 30")


def test_a_partly_paid_installment_earns_on_its_open_amount_until_each_payment() -> None:
    # 1,000.00 due 2024-01-31; 600.00 paid 2024-03-01; as of 2024-03-31 at 1.5 % a month:
    # 1,000 × 0.18 × 30/365 = 14.7945... and 400 × 0.18 × 30/365 = 5.9178..., summed
    # exactly (20.7123...) and rounded once: 20.71.
    schedule = net_30().schedule(date(2024, 1, 1), usd("1000.00"))
    result = schedule_interest(
        schedule,
        [Payment(date(2024, 3, 1), usd("600.00"))],
        as_of=date(2024, 3, 31),
        rate=Percent("1.5"),
        per=RatePeriod.MONTH,
    )
    assert result.interest == usd("20.71")
    (item,) = result.installments
    assert [(c.amount, c.due_date, c.as_of) for c in item.charges] == [
        (usd("1000.00"), date(2024, 1, 31), date(2024, 3, 1)),
        (usd("400.00"), date(2024, 3, 1), date(2024, 3, 31)),
    ]
    assert item.days == 60
    text = result.explain()
    assert "rate: 1.5% a month (per=month) = 18.0% a year, Actual/365" in text
    assert "on 400.00 USD open: 30 days from 2024-03-01 to 2024-03-31" in text
    assert dumps(result)  # the CLI writes it as JSON


def test_each_installment_is_rounded_once() -> None:
    # 50 % now, 50 % Net 30 on 1,000.00 (2024-01-31), 300.00 paid 2024-02-15, as of
    # 2024-06-30 at 8 % a year. Installment 1: 500 × 15 days and 200 × 136 days →
    # 1.6438... + 5.9616... = 7.6054... → 7.61. Installment 2: 500 × 121 days → 13.2602...
    # → 13.26. Total 20.87 (each installment rounded once, then summed).
    schedule = PaymentTerms.parse("50% now, 50% Net 30").schedule(date(2024, 1, 31), usd("1000.00"))
    result = schedule_interest(
        schedule,
        [Payment(date(2024, 2, 15), usd("300.00"))],
        as_of=date(2024, 6, 30),
        rate=Percent("8"),
    )
    assert [i.interest for i in result.installments] == [usd("7.61"), usd("13.26")]
    assert result.interest == usd("20.87")
    assert "(per=year, the default)" in result.explain()


@given(
    cents=st.integers(1, 10**8),
    rate=rates,
    late=st.integers(0, 400),
    paid=st.lists(st.tuples(st.integers(0, 400), st.integers(1, 10**8)), max_size=4),
)
def test_without_payments_each_installment_is_late_interest_on_its_amount(
    cents: int, rate: Percent, late: int, paid: list[tuple[int, int]]
) -> None:
    invoice = date(2024, 1, 31)
    total = Money.from_minor_units(cents, "USD")
    schedule = PaymentTerms.parse("40% now, balance Net 45").schedule(invoice, total)
    as_of = invoice + timedelta(days=late)
    result = schedule_interest(schedule, as_of=as_of, rate=rate, per=RatePeriod.MONTH)
    for item, installment in zip(result.installments, schedule.installments, strict=True):
        alone = late_interest(installment.amount, installment.due_date, as_of, rate, per="month")
        assert item.interest == alone.interest
    # Payments never raise the interest, and the result is the same for the schedule with
    # the payments already applied.
    payments = [
        Payment(invoice + timedelta(days=d), Money.from_minor_units(c, "USD"))
        for d, c in sorted(paid)
    ]
    reduced = schedule_interest(schedule, payments, as_of=as_of, rate=rate, per="month")
    assert reduced.interest <= result.interest
    applied = schedule
    for payment in payments:
        applied = applied.apply_payment(payment.paid_on, payment.amount)
    assert schedule_interest(applied, as_of=as_of, rate=rate, per="month") == reduced


def test_schedule_interest_refuses_bad_input_with_revcycle_errors() -> None:
    schedule = net_30().schedule(date(2024, 1, 1), usd("100.00"))
    as_of = date(2024, 6, 1)
    with pytest.raises(errors.RevcycleTypeError):
        schedule_interest("Net 30", as_of=as_of, rate="1")  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError):
        schedule_interest(schedule, [("2024-02-01", "10")], as_of=as_of, rate="1")  # type: ignore[list-item]
    with pytest.raises(errors.ValidationError, match="date order"):
        schedule_interest(
            schedule,
            [Payment(date(2024, 3, 1), usd("1.00")), Payment(date(2024, 2, 1), usd("1.00"))],
            as_of=as_of,
            rate="1",
        )
    with pytest.raises(errors.ValidationError, match="must not be negative"):
        # Checked even when nothing is late yet.
        schedule_interest(schedule, as_of=date(2024, 1, 1), rate="-1")
    with pytest.raises(errors.RevcycleTypeError):
        Payment("2024-02-01", usd("1.00"))  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# The command line: revcycle interest


ARGS = ["interest", "Net 30", "--invoice-date", "2024-01-01", "--amount", "1000.00 USD"]


def test_cli_interest_on_a_partly_paid_invoice(capsys: pytest.CaptureFixture[str]) -> None:
    from revcycle.cli import main

    pay = ["--pay", "2024-03-01", "600.00 USD", "--as-of", "2024-03-31"]
    assert main([*ARGS, *pay, "--rate", "1.5", "--per", "month"]) == 0
    out = capsys.readouterr().out
    assert '"interest": {\n    "amount": "20.71"' in out
    assert main([*ARGS, *pay, "--rate", "1.5", "--format", "table"]) == 0
    table = capsys.readouterr().out
    assert "rate: 1.5% a year (per=year, the default)" in table
    assert "1.73 USD" in table  # 1.5 % a year (20.71 ÷ 12): the default, named in the output


def test_cli_interest_as_a_subprocess() -> None:
    def run(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "revcycle", *ARGS, "--as-of", "2024-03-31", *extra],
            capture_output=True,
            text=True,
            check=False,
        )

    done = run("--rate", "1.5", "--per", "month")
    assert done.returncode == 0, done.stderr
    assert '"per": "month"' in done.stdout
    bad = run("--rate", "-1")
    assert bad.returncode == 1
    assert bad.stderr.count("\n") == 1
    assert "must not be negative" in bad.stderr
    usage = run("--rate", "1", "--per", "week")
    assert usage.returncode == 2


def test_schedule_interest_result_is_exported_where_design_says() -> None:
    import revcycle.receivables

    assert "schedule_interest" in revcycle.receivables.__all__
    assert isinstance(
        schedule_interest(
            net_30().schedule(date(2024, 1, 1), usd("1.00")), as_of=date(2024, 1, 1), rate="1"
        ),
        ScheduleInterest,
    )
