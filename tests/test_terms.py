"""Payment terms: due-date rules, installments, early-payment discounts, parsing, payments."""

from __future__ import annotations

import contextlib
import itertools
from datetime import date, timedelta
from decimal import Decimal

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from helpers import usd
from revcycle import errors
from revcycle.calendars import (
    BusinessDayAdjustment,
    BusinessDayConvention,
    CountryHolidays,
    WeekendCalendar,
)
from revcycle.money import AllocationPolicy, Money, Percent, allocate, allocate_units
from revcycle.serialization import dumps, loads
from revcycle.terms import (
    MAX_DAYS,
    MAX_MONTHS,
    PRESETS,
    DayOfMonth,
    DiscountBase,
    DueRule,
    EarlyPaymentDiscount,
    EndOfMonth,
    Installment,
    NetDays,
    PaymentSchedule,
    PaymentTerms,
    TermsError,
    apply_payment,
)
from revcycle.testing import currencies


C = BusinessDayConvention
USD = "USD"


# --------------------------------------------------------------------------------------------
# Strategies

invoice_dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
net_days = st.builds(NetDays, st.integers(0, 400))
end_of_month = st.builds(EndOfMonth, st.integers(0, 24), st.integers(0, 120))
day_of_month = st.builds(
    DayOfMonth,
    st.integers(1, 31),
    months=st.integers(0, 24),
    after_days=st.integers(0, 120),
    cutoff_day=st.none() | st.integers(1, 31),
)
rules: st.SearchStrategy[DueRule] = st.one_of(net_days, end_of_month, day_of_month)
calendars = st.one_of(
    st.builds(
        WeekendCalendar,
        weekend=st.frozensets(st.integers(0, 6), max_size=2),
        holidays=st.frozensets(invoice_dates, max_size=10),
    ),
    st.just(CountryHolidays("US")),
)
adjustments = st.none() | st.builds(BusinessDayAdjustment, st.sampled_from(list(C)), calendars)
discounts = st.none() | st.builds(
    EarlyPaymentDiscount,
    st.decimals(min_value=Decimal("0.1"), max_value=Decimal("10"), places=1).map(Percent),
    st.integers(0, 30),
    st.sampled_from(list(DiscountBase)),
)


def _cuts(draw: st.DrawFn, parts: int, whole: int) -> list[int]:
    """``parts`` positive integers summing to ``whole``."""
    points = sorted(
        draw(st.sets(st.integers(1, whole - 1), min_size=parts - 1, max_size=parts - 1))
    )
    edges = [0, *points, whole]
    return [b - a for a, b in itertools.pairwise(edges)]


@st.composite
def payment_terms(draw: st.DrawFn, fixed: bool = True) -> PaymentTerms:
    n = draw(st.integers(1, 5))
    lines: list[Installment] = []
    if draw(st.booleans()):
        # Percent lines only, totalling exactly 100 % (in hundredths of a point).
        lines.extend(
            Installment.percent(Decimal(bp).scaleb(-2), draw(rules))
            for bp in _cuts(draw, n, 10_000)
        )
    else:
        # Percent (and fixed) lines leaving a share to a balance line somewhere among them.
        shares = _cuts(draw, n + 1, 10_000)[:-1]
        for bp in shares[: n - 1]:
            if fixed and draw(st.booleans()):
                cents = draw(st.integers(1, 50_000))
                lines.append(Installment.fixed(Money.from_minor_units(cents, USD), draw(rules)))
            else:
                lines.append(Installment.percent(Decimal(bp).scaleb(-2), draw(rules)))
        lines.insert(draw(st.integers(0, len(lines))), Installment.balance(draw(rules)))
    return PaymentTerms(
        tuple(lines),
        early_payment_discount=draw(discounts),
        allocation=draw(st.sampled_from(list(AllocationPolicy))),
        adjustment=draw(adjustments),
    )


totals = st.integers(0, 10**9).map(lambda cents: Money.from_minor_units(cents, USD))


def _schedule(terms: PaymentTerms, day: date, total: Money) -> PaymentSchedule:
    untaxed = Money.from_minor_units(total.minor_units * 4 // 5, total.currency)
    try:
        return terms.schedule(day, total, untaxed=untaxed)
    except TermsError as error:
        # Fixed lines larger than a small total leave a negative balance: refused, by design.
        if "balance installment would be negative" not in str(error):
            raise
        assume(False)
        raise


# --------------------------------------------------------------------------------------------
# Properties (issue 5, "Must show")


@given(terms=payment_terms(), day=invoice_dates, total=totals)
def test_installments_sum_exactly_to_the_total(
    terms: PaymentTerms, day: date, total: Money
) -> None:
    schedule = _schedule(terms, day, total)
    amounts = [i.amount for i in schedule.installments]
    assert sum(a.minor_units for a in amounts) == total.minor_units
    assert all(not a.is_negative() for a in amounts)
    assert schedule.open_amount == total
    # Fixed lines keep their exact amount.
    for line, item in zip(terms.installments, schedule.installments, strict=True):
        if line.amount is not None:
            assert item.amount == line.amount


@given(
    terms=payment_terms(fixed=False),
    day=invoice_dates,
    total=currencies().flatmap(
        lambda cur: st.integers(0, 10**12).map(lambda units: Money.from_minor_units(units, cur))
    ),
)
def test_installments_sum_exactly_in_every_currency(
    terms: PaymentTerms, day: date, total: Money
) -> None:
    # JPY has no minor unit, KWD three, CLF four: the split is always in whole minor units.
    schedule = _schedule(terms, day, total)
    assert sum(i.amount.minor_units for i in schedule.installments) == total.minor_units
    for item in schedule.installments:
        if item.discounted_amount is not None:
            assert item.discounted_amount.minor_units <= item.amount.minor_units


@given(terms=payment_terms(), day=invoice_dates, total=totals)
def test_every_due_date_is_on_or_after_the_invoice_date(
    terms: PaymentTerms, day: date, total: Money
) -> None:
    schedule = _schedule(terms, day, total)
    assert all(i.due_date >= day for i in schedule.installments)
    assert schedule.due_date == max(i.due_date for i in schedule.installments)
    assert schedule.due_date == terms.due_date(day)
    for item in schedule.installments:
        if item.discount_deadline is not None:
            assert day <= item.discount_deadline <= item.due_date


@given(terms=payment_terms(), day=invoice_dates, total=totals)
def test_an_adjusted_due_date_is_a_business_day(
    terms: PaymentTerms, day: date, total: Money
) -> None:
    assume(terms.adjustment is not None and terms.adjustment.convention is not C.UNADJUSTED)
    assert terms.adjustment is not None
    for item in _schedule(terms, day, total).installments:
        assert terms.adjustment.calendar.is_business_day(item.due_date)


@given(terms=payment_terms(), day=invoice_dates, total=totals)
def test_discounted_amounts_sum_to_the_discounted_total(
    terms: PaymentTerms, day: date, total: Money
) -> None:
    assume(terms.early_payment_discount is not None)
    discount = terms.early_payment_discount
    assert discount is not None
    schedule = _schedule(terms, day, total)
    untaxed = Money.from_minor_units(total.minor_units * 4 // 5, USD)
    base = total if discount.base is DiscountBase.TOTAL else untaxed
    off = (base * discount.percent.ratio).round()
    discounted = [i.discounted_amount for i in schedule.installments]
    assert all(d is not None for d in discounted)
    assert sum(d.minor_units for d in discounted if d is not None) == (total - off).minor_units
    for item in schedule.installments:
        assert item.discounted_amount is not None
        assert Money.zero(USD) <= item.discounted_amount <= item.amount


@given(
    units=st.integers(0, 10**9),
    weights=st.lists(st.integers(0, 10**6), min_size=1, max_size=6),
    policy=st.sampled_from(list(AllocationPolicy)),
)
def test_integer_split_matches_money_allocate(
    units: int, weights: list[int], policy: AllocationPolicy
) -> None:
    # schedule() splits in integers for speed; it must agree with Money.allocate exactly.
    assume(sum(weights) > 0)
    scale = sum(weights)
    parts = allocate_units(units, [units * w for w in weights], scale, policy)
    expected = allocate(Money.from_minor_units(units, USD), weights, policy)
    assert [Money.from_minor_units(p, USD) for p in parts] == list(expected)


@given(
    terms=payment_terms(),
    day=invoice_dates,
    total=totals,
    payments=st.lists(
        st.tuples(st.integers(0, 90), st.integers(1, 5 * 10**8)), min_size=1, max_size=5
    ),
)
def test_payments_conserve_money(
    terms: PaymentTerms, day: date, total: Money, payments: list[tuple[int, int]]
) -> None:
    schedule = _schedule(terms, day, total)
    received = 0
    for offset, cents in payments:
        schedule = schedule.apply_payment(
            day + timedelta(days=offset), Money.from_minor_units(cents, USD)
        )
        received += cents
        for item in schedule.installments:
            assert item.paid + item.discount_taken + item.open_amount == item.amount
            assert not item.open_amount.is_negative()
    assert schedule.paid.minor_units + schedule.credit.minor_units == received
    assert schedule.open_amount + schedule.paid + schedule.discount_taken == total
    assert loads(dumps(schedule), PaymentSchedule) == schedule


@given(terms=payment_terms())
def test_terms_json_round_trip(terms: PaymentTerms) -> None:
    assert loads(dumps(terms), PaymentTerms) == terms


@given(terms=payment_terms(fixed=False), day=invoice_dates, total=totals)
def test_schedule_json_round_trip(terms: PaymentTerms, day: date, total: Money) -> None:
    schedule = _schedule(terms, day, total)
    assert loads(dumps(schedule), PaymentSchedule) == schedule


@given(
    rule=st.one_of(
        net_days,
        st.builds(EndOfMonth, st.just(0), st.integers(0, 120)),
        st.just(EndOfMonth(1)),
        st.builds(DayOfMonth, st.integers(1, 31)),
    ),
    discount=st.none()
    | st.builds(
        EarlyPaymentDiscount,
        st.decimals(min_value=Decimal("0.1"), max_value=Decimal("9.9"), places=1).map(Percent),
        st.integers(0, 30),
    ),
)
def test_described_terms_parse_back(rule: DueRule, discount: EarlyPaymentDiscount | None) -> None:
    terms = PaymentTerms((Installment.percent(100, rule),), discount)
    assert PaymentTerms.parse(terms.describe()) == terms


def _large(limit: int) -> st.SearchStrategy[int]:
    return st.integers(0, 400) | st.integers(0, limit)


every_rule: st.SearchStrategy[DueRule] = st.one_of(
    st.builds(NetDays, _large(MAX_DAYS)),
    st.builds(EndOfMonth, _large(MAX_MONTHS), _large(MAX_DAYS)),
    st.builds(
        DayOfMonth,
        st.integers(1, 31),
        months=_large(MAX_MONTHS),
        after_days=_large(MAX_DAYS),
        cutoff_day=st.none() | st.integers(1, 31),
    ),
)


@given(
    rule=every_rule,
    balance=st.booleans(),
    discount=st.none()
    | st.builds(
        EarlyPaymentDiscount,
        st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("99.9999"), places=4).map(
            Percent
        ),
        _large(MAX_DAYS),
        st.sampled_from(list(DiscountBase)),
    ),
    adjustment=st.none() | st.sampled_from(list(C)).map(BusinessDayAdjustment),
)
def test_every_single_line_term_reads_back_from_its_description(
    rule: DueRule,
    balance: bool,
    discount: EarlyPaymentDiscount | None,
    adjustment: BusinessDayAdjustment | None,
) -> None:
    # Issue 16, item 9: parse(describe()) failed for 414 of 766 single-line terms (286
    # DayOfMonth and 128 EndOfMonth forms). Every rule, with any discount (and its base) and
    # any business-day convention on the default calendar, now reads back.
    line = Installment.balance(rule) if balance else Installment.percent(100, rule)
    terms = PaymentTerms((line,), discount, adjustment=adjustment)
    assert PaymentTerms.parse(terms.describe()) == terms


@pytest.mark.parametrize(
    "rule",
    [
        EndOfMonth(1, 5),
        EndOfMonth(3),
        EndOfMonth(3, 10),
        DayOfMonth(25, months=0, cutoff_day=20),
        DayOfMonth(1, months=2, after_days=10),
        DayOfMonth(31, months=0, after_days=30),
        DayOfMonth(2, months=1, after_days=3, cutoff_day=22),
    ],
)
def test_describe_forms_that_did_not_read_back(rule: DueRule) -> None:
    # Issue 16, item 9 (reproducers): each of these was refused by parse().
    terms = PaymentTerms((Installment.percent(100, rule),))
    assert PaymentTerms.parse(terms.describe()) == terms
    # Beside other installments too: the comma inside the rule separates nothing.
    split = PaymentTerms((Installment.percent(40, rule), Installment.balance(NetDays(30))))
    assert PaymentTerms.parse(split.describe()) == split


def test_a_comma_lost_in_a_csv_export_still_separates_installments() -> None:
    # Issue 16, new-user item: "50% now 50% Net 30" reads as "50% now, 50% Net 30".
    assert PaymentTerms.parse("50% now 50% Net 30") == PaymentTerms.parse("50% now, 50% Net 30")
    assert PaymentTerms.parse("30% upfront balance Net 60") == PaymentTerms.parse(
        "30% upfront; balance Net 60"
    )


@pytest.mark.parametrize(
    "text",
    ["Net " + "9" * 5000, "Net 99999999999", "2/" + "9" * 5000 + " Net 30", "EOM + 3652059"],
)
def test_absurd_day_counts_are_refused_naming_the_limit(text: str) -> None:
    # Issue 16, item 6: "Net 9…9" raised a bare ValueError (Python's limit on the digits of
    # an int) and the CLI printed a traceback.
    with pytest.raises(errors.TermsParseError, match="at most 3,652,058") as caught:
        PaymentTerms.parse(text)
    assert len(str(caught.value)) < 400  # one short line, not the 5,000 digits twice
    with pytest.raises(TermsError, match="from 0 to 3652058"):
        NetDays(MAX_DAYS + 1)
    with pytest.raises(TermsError, match="from 0 to 119987, got <an int of about 5,000 digits>"):
        EndOfMonth(10**5000)


INVOICE = ("--invoice-date", "2024-01-31", "--amount", "100.00 USD")


def test_cli_refuses_absurd_day_counts_in_one_line() -> None:
    # Issue 16, item 6, as a real subprocess: exit 1 and one line on standard error.
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "revcycle", "terms", "Net " + "9" * 5000, *INVOICE],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert "at most 3,652,058" in done.stderr
    assert "Traceback" not in done.stderr


@given(st.text(max_size=40))
def test_parse_raises_only_terms_parse_error(text: str) -> None:
    with contextlib.suppress(errors.TermsParseError):
        PaymentTerms.parse(text)


# --------------------------------------------------------------------------------------------
# Due dates: known answers


@pytest.mark.parametrize(
    ("rule", "invoice", "due"),
    [
        # Issue 5: Net 30 on 2022-01-31 → 2022-03-02 (calendar days).
        (NetDays(30), date(2022, 1, 31), date(2022, 3, 2)),
        (NetDays(0), date(2022, 1, 31), date(2022, 1, 31)),
        # Issue 5: end of next month on 2024-01-31 → 2024-02-29, on 2023-01-31 → 2023-02-28.
        (EndOfMonth(1), date(2024, 1, 31), date(2024, 2, 29)),
        (EndOfMonth(1), date(2023, 1, 31), date(2023, 2, 28)),
        # ERPNext #22201 (anchor §2.5): one month after the end of the invoice month from
        # 2020-06-11 is 07-31, not the 07-30 that adding a month to June 30 gives.
        (EndOfMonth(1), date(2020, 6, 11), date(2020, 7, 31)),
        # Odoo "days after end of month" (anchor §2.2): EOM(d) + n.
        (EndOfMonth(0, 10), date(2024, 2, 14), date(2024, 3, 10)),
        (EndOfMonth(0, 0), date(2024, 12, 5), date(2024, 12, 31)),
        (EndOfMonth(12, 0), date(2024, 2, 29), date(2025, 2, 28)),
        # Order of steps (OCA payment_term_extension, anchor §2.3): "30 days end of month"
        # (add, then month end) on Jan 30 → Mar 31; "end of month 30 days" → Mar 2.
        (DayOfMonth(31, months=0, after_days=30), date(2023, 1, 30), date(2023, 3, 31)),
        (EndOfMonth(0, 30), date(2023, 1, 30), date(2023, 3, 2)),
        # Odoo 18 "days end of month on the" (anchor §2.2): withDay(addMonths(d + n, 1), D),
        # clamped: day 31 in February is the 29th (2024) and the result is always next month.
        (DayOfMonth(31), date(2024, 1, 15), date(2024, 2, 29)),
        (DayOfMonth(10, after_days=15), date(2024, 1, 20), date(2024, 3, 10)),
        (DayOfMonth(10), date(2024, 1, 5), date(2024, 2, 10)),
        (DayOfMonth(10, months=2), date(2024, 1, 5), date(2024, 3, 10)),
        # ERPNext #40077 (anchor §4): the 15th each month does not drift like net 30/60/90.
        (DayOfMonth(15, months=3), date(2024, 3, 15), date(2024, 6, 15)),
        (NetDays(90), date(2024, 3, 15), date(2024, 6, 13)),
        # QuickBooks/NetSuite cut-off ("due next month if issued after the 20th").
        (DayOfMonth(25, months=0, cutoff_day=20), date(2024, 1, 20), date(2024, 1, 25)),
        (DayOfMonth(25, months=0, cutoff_day=20), date(2024, 1, 21), date(2024, 2, 25)),
        (DayOfMonth(10, months=1, cutoff_day=25), date(2024, 1, 26), date(2024, 3, 10)),
        # Step 5: a same-month day already past gives the invoice date.
        (DayOfMonth(10, months=0), date(2024, 1, 20), date(2024, 1, 20)),
    ],
)
def test_due_dates(rule: DueRule, invoice: date, due: date) -> None:
    assert rule.due_date(invoice) == due


@pytest.mark.parametrize(
    ("adjustment", "invoice", "due"),
    [
        # Net 30 from 2024-08-01 is Sat 08-31 (worked by hand on the 2024 calendar).
        (None, date(2024, 8, 1), date(2024, 8, 31)),
        (C.FOLLOWING, date(2024, 8, 1), date(2024, 9, 2)),
        (C.MODIFIED_FOLLOWING, date(2024, 8, 1), date(2024, 8, 30)),
        (C.PRECEDING, date(2024, 8, 1), date(2024, 8, 30)),
        # Net 30 from 2024-11-25 is Christmas (Wed) in the US calendar.
        (
            BusinessDayAdjustment(C.FOLLOWING, CountryHolidays("US")),
            date(2024, 11, 25),
            date(2024, 12, 26),
        ),
        (BusinessDayAdjustment(C.FOLLOWING), date(2024, 11, 25), date(2024, 12, 25)),
    ],
)
def test_business_day_adjustment_after_the_rule(
    adjustment: BusinessDayAdjustment | BusinessDayConvention | None, invoice: date, due: date
) -> None:
    terms = PaymentTerms.parse("Net 30").with_adjustment(adjustment)
    assert terms.due_date(invoice) == due


def test_adjustment_never_moves_before_the_invoice_date() -> None:
    # Due on receipt on Saturday 2024-08-31: preceding would give Friday, before the invoice;
    # the date moves forward instead (docs/explanation/order-of-steps.md: no due date before the
    # invoice date).
    terms = PaymentTerms.parse("Due on receipt").with_adjustment(C.PRECEDING)
    assert terms.due_date(date(2024, 8, 31)) == date(2024, 9, 2)


# --------------------------------------------------------------------------------------------
# Parsing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Due on receipt", PaymentTerms.net(0)),
        ("due upon receipt", PaymentTerms.net(0)),
        ("Net 30", PaymentTerms.net(30)),
        ("NET 60", PaymentTerms.net(60)),
        ("net 45 days", PaymentTerms.net(45)),
        ("N/30", PaymentTerms.net(30)),
        ("30 days", PaymentTerms.net(30)),
        ("EOM", PaymentTerms((Installment.percent(100, EndOfMonth()),))),
        ("Net 30 EOM", PaymentTerms((Installment.percent(100, EndOfMonth(0, 30)),))),
        ("EOM + 10", PaymentTerms((Installment.percent(100, EndOfMonth(0, 10)),))),
        ("End of next month", PaymentTerms((Installment.percent(100, EndOfMonth(1)),))),
        ("10th prox", PaymentTerms((Installment.percent(100, DayOfMonth(10)),))),
        (
            "the 15th of the following month",
            PaymentTerms((Installment.percent(100, DayOfMonth(15)),)),
        ),
        (
            "2/10 Net 30",
            PaymentTerms(
                (Installment.percent(100, NetDays(30)),), EarlyPaymentDiscount(Percent("2"), 10)
            ),
        ),
        (
            "1% 10 Net 30",
            PaymentTerms(
                (Installment.percent(100, NetDays(30)),), EarlyPaymentDiscount(Percent("1"), 10)
            ),
        ),
        (
            "2/10, n/30",
            PaymentTerms(
                (Installment.percent(100, NetDays(30)),), EarlyPaymentDiscount(Percent("2"), 10)
            ),
        ),
        (
            "1.5/15 Net 45",
            PaymentTerms(
                (Installment.percent(100, NetDays(45)),), EarlyPaymentDiscount(Percent("1.5"), 15)
            ),
        ),
        (
            "50% now, 50% Net 30",
            PaymentTerms(
                (Installment.percent(50, NetDays(0)), Installment.percent(50, NetDays(30)))
            ),
        ),
        (
            "30% upfront; balance net 60",
            PaymentTerms((Installment.percent(30, NetDays(0)), Installment.balance(NetDays(60)))),
        ),
        (
            "50% 30 days, 50% 60 days",
            PaymentTerms(
                (Installment.percent(50, NetDays(30)), Installment.percent(50, NetDays(60)))
            ),
        ),
    ],
)
def test_parse(text: str, expected: PaymentTerms) -> None:
    assert PaymentTerms.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("Net thirty", "'net thirty'"),
        ("2/10", "a discount needs the net terms"),
        ("50% now, 50% whenever", "'whenever'"),
        ("50% now, later", "'later'"),
        ("60% now, 60% Net 30", "total 100 %"),
        ("", "''"),
        ("40th prox", "not a day of the month"),
        ("0/10 Net 30", "above 0 %"),
    ],
)
def test_parse_errors_name_the_part(text: str, part: str) -> None:
    with pytest.raises(errors.TermsParseError) as caught:
        PaymentTerms.parse(text)
    assert part in str(caught.value)
    assert repr(text) in str(caught.value)


def test_presets() -> None:
    assert PaymentTerms.preset("net_30") == PaymentTerms.net(30)
    assert PRESETS["2_10_net_30"].describe() == "2/10 Net 30"
    assert all(PaymentTerms.parse(t.describe()) == t for t in PRESETS.values())
    with pytest.raises(errors.UnknownCodeError, match="net_31"):
        PaymentTerms.preset("net_31")
    with pytest.raises(TypeError):
        PRESETS["mine"] = PaymentTerms.net(5)  # type: ignore[index]


# --------------------------------------------------------------------------------------------
# Installments and discounts: known answers


def test_installment_remainder_goes_to_the_last_line() -> None:
    # ERPNext #12057 (anchor §2.8): 5.47 in 33.34/33.33/33.33 could not be saved because
    # each row was rounded alone (1.82 × 3 = 5.46). Exact shares 1.823698, 1.823151,
    # 1.823151 truncate to 1.82 each; the one cent left goes to the last line.
    terms = PaymentTerms(
        (
            Installment.percent("33.34", NetDays(0)),
            Installment.percent("33.33", NetDays(30)),
            Installment.percent("33.33", NetDays(60)),
        )
    )
    amounts = [str(i.amount) for i in terms.schedule(date(2024, 1, 1), usd("5.47")).installments]
    assert amounts == ["1.82 USD", "1.82 USD", "1.83 USD"]
    first = PaymentTerms(terms.installments, allocation=AllocationPolicy.FIRST)
    amounts = [str(i.amount) for i in first.schedule(date(2024, 1, 1), usd("5.47")).installments]
    assert amounts == ["1.83 USD", "1.82 USD", "1.82 USD"]


def test_thirds_of_thirty_thousand() -> None:
    # ERPNext #26951 (anchor §4): 30,000 in thirds came out 10,000.20/9,999.90/9,999.90.
    # Two thirds written as 33.33 % and a balance: 9,999.00 + 9,999.00 + 10,002.00.
    terms = PaymentTerms(
        (
            Installment.percent("33.33", NetDays(30)),
            Installment.percent("33.33", NetDays(60)),
            Installment.balance(NetDays(90)),
        )
    )
    amounts = [i.amount for i in terms.schedule(date(2024, 1, 1), usd("30000.00")).installments]
    assert amounts == [usd("9999.00"), usd("9999.00"), usd("10002.00")]


def test_fixed_and_balance() -> None:
    # A 100.00 deposit now, 50 % in 30 days, the balance in 60: on 1,000.00 → 100/500/400.
    terms = PaymentTerms(
        (
            Installment.fixed(usd("100.00"), NetDays(0)),
            Installment.percent(50, NetDays(30)),
            Installment.balance(NetDays(60)),
        )
    )
    amounts = [i.amount for i in terms.schedule(date(2024, 1, 1), usd("1000.00")).installments]
    assert amounts == [usd("100.00"), usd("500.00"), usd("400.00")]
    # Odoo lets the last line go negative when fixed lines exceed the rest (anchor §2.8);
    # revcycle refuses.
    with pytest.raises(TermsError, match="negative"):
        terms.schedule(date(2024, 1, 1), usd("150.00"))
    with pytest.raises(errors.CurrencyMismatchError):
        terms.schedule(date(2024, 1, 1), Money("1000.00", "EUR"))


def test_zero_decimal_and_three_decimal_currencies() -> None:
    terms = PaymentTerms.parse("50% now, 50% Net 30")
    jpy = [i.amount for i in terms.schedule(date(2024, 1, 1), Money("1001", "JPY")).installments]
    assert jpy == [Money("500", "JPY"), Money("501", "JPY")]
    kwd = [i.amount for i in terms.schedule(date(2024, 1, 1), Money("1.001", "KWD")).installments]
    assert kwd == [Money("0.500", "KWD"), Money("0.501", "KWD")]


def test_early_payment_discount_known_answers() -> None:
    # Issue 5: 2/10 Net 30 on 1,000.00 paid on day 10 → 980.00; on day 11 → 1,000.00.
    terms = PaymentTerms.parse("2/10 Net 30")
    invoice = date(2024, 1, 31)
    schedule = terms.schedule(invoice, usd("1000.00"))
    item = schedule.installments[0]
    assert item.discount_deadline == date(2024, 2, 10)
    assert item.discounted_amount == usd("980.00")
    day_10 = schedule.apply_payment(invoice + timedelta(days=10), usd("980.00"))
    assert day_10.is_paid
    assert day_10.discount_taken == usd("20.00")
    day_11 = schedule.apply_payment(invoice + timedelta(days=11), usd("980.00"))
    assert day_11.open_amount == usd("20.00")
    assert day_11.discount_taken == usd("0.00")
    assert schedule.apply_payment(invoice + timedelta(days=11), usd("1000.00")).is_paid


def test_discount_on_total_or_untaxed() -> None:
    # Odoo (anchor §2.9): U = 1,000.00, tax 200.00, T = 1,200.00, r = 2 %.
    # included (on the total): T × (1 − r) = 1,176.00; excluded (on untaxed): T − U·r = 1,180.00.
    on_total = PaymentTerms.parse("2/10 Net 30")
    assert on_total.schedule(date(2024, 1, 1), usd("1200.00")).installments[
        0
    ].discounted_amount == usd("1176.00")
    on_untaxed = on_total.with_discount(
        EarlyPaymentDiscount(Percent("2"), 10, base=DiscountBase.UNTAXED)
    )
    schedule = on_untaxed.schedule(date(2024, 1, 1), usd("1200.00"), untaxed=usd("1000.00"))
    assert schedule.installments[0].discounted_amount == usd("1180.00")
    with pytest.raises(TermsError, match="untaxed"):
        on_untaxed.schedule(date(2024, 1, 1), usd("1200.00"))
    with pytest.raises(TermsError, match="between zero and the total"):
        on_untaxed.schedule(date(2024, 1, 1), usd("1200.00"), untaxed=usd("1300.00"))


def test_discount_rounds_once_half_up() -> None:
    # 2 % of 0.25 is 0.005 → 0.01 (half-up), so 0.24 earns the discount.
    schedule = PaymentTerms.parse("2/10 Net 30").schedule(date(2024, 1, 1), usd("0.25"))
    assert schedule.installments[0].discounted_amount == usd("0.24")


def test_discount_deadline_is_capped_at_the_due_date() -> None:
    schedule = PaymentTerms.parse("2/10 Due on receipt").schedule(date(2024, 1, 1), usd("10.00"))
    assert schedule.installments[0].discount_deadline == date(2024, 1, 1)


def test_annual_cost_of_not_taking_the_discount() -> None:
    # Anchor §2.9: (r / (1 − r)) × 365 / (30 − 10) = 37.24 % for 2/10 Net 30.
    cost = EarlyPaymentDiscount(Percent("2"), 10).annual_cost(30)
    assert round(cost * 100, 2) == Decimal("37.24")
    with pytest.raises(TermsError):
        EarlyPaymentDiscount(Percent("2"), 10).annual_cost(10)


# --------------------------------------------------------------------------------------------
# Payments


def test_payments_go_oldest_due_first_and_keep_partials() -> None:
    terms = PaymentTerms.parse("50% now, 50% Net 30")
    schedule = terms.schedule(date(2024, 1, 1), usd("1000.00"))
    after = apply_payment(schedule, date(2024, 1, 5), usd("700.00"))
    assert [i.open_amount for i in after.installments] == [usd("0.00"), usd("300.00")]
    assert [i.paid for i in after.installments] == [usd("500.00"), usd("200.00")]
    paid = after.apply_payment(date(2024, 2, 1), usd("350.00"))
    assert paid.is_paid
    assert paid.credit == usd("50.00")
    assert [p.amount for p in paid.payments] == [usd("700.00"), usd("350.00")]
    assert "credit (overpaid): 50.00 USD" in paid.explain()


def test_a_partly_paid_installment_loses_the_discount() -> None:
    # Odoo core (anchor §2.9): any partial payment kills the early-payment discount.
    schedule = PaymentTerms.parse("2/10 Net 30").schedule(date(2024, 1, 1), usd("1000.00"))
    partial = schedule.apply_payment(date(2024, 1, 2), usd("500.00"))
    rest = partial.apply_payment(date(2024, 1, 3), usd("480.00"))
    assert rest.open_amount == usd("20.00")
    assert rest.discount_taken == usd("0.00")


def test_payment_errors() -> None:
    schedule = PaymentTerms.net(30).schedule(date(2024, 1, 1), usd("10.00"))
    with pytest.raises(errors.CurrencyMismatchError):
        schedule.apply_payment(date(2024, 1, 2), Money("10.00", "EUR"))
    with pytest.raises(TermsError, match="above zero"):
        schedule.apply_payment(date(2024, 1, 2), usd("0"))
    with pytest.raises(errors.ValidationError, match="minor units"):
        schedule.apply_payment(date(2024, 1, 2), usd("0.001"))
    with pytest.raises(errors.RevcycleTypeError):
        schedule.apply_payment("2024-01-02", usd("1"))  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Validation


def test_terms_validation() -> None:
    with pytest.raises(TermsError, match="total 100"):
        PaymentTerms((Installment.percent(60, NetDays(0)), Installment.percent(30, NetDays(30))))
    with pytest.raises(TermsError, match="one balance"):
        PaymentTerms((Installment.balance(NetDays(0)), Installment.balance(NetDays(30))))
    with pytest.raises(TermsError, match="need a balance"):
        PaymentTerms(
            (Installment.fixed(usd("10.00"), NetDays(0)), Installment.percent(100, NetDays(3)))
        )
    with pytest.raises(TermsError, match="leaving nothing"):
        PaymentTerms((Installment.percent(100, NetDays(0)), Installment.balance(NetDays(30))))
    with pytest.raises(TermsError, match="at least one"):
        PaymentTerms(())
    with pytest.raises(TermsError, match="above 0"):
        Installment.percent(-10, NetDays(0))
    with pytest.raises(TermsError, match="above zero"):
        Installment.fixed(usd("-5.00"), NetDays(0))
    with pytest.raises(errors.ValidationError, match="minor units"):
        Installment.fixed(usd("5.001"), NetDays(0))
    # Issue 16, item 6: the upper limit is named since day counts are bounded.
    with pytest.raises(TermsError, match="from 0 to 3652058"):
        NetDays(-1)
    with pytest.raises(TermsError, match="from 1 to 31"):
        DayOfMonth(0)
    with pytest.raises(TermsError, match="from 1 to 31"):
        DayOfMonth(10, cutoff_day=32)
    with pytest.raises(errors.RevcycleTypeError):
        NetDays(30.0)  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError):
        Installment.percent(50, "Net 30")  # type: ignore[arg-type]
    with pytest.raises(errors.FloatNotAllowedError):
        Installment.percent(50.0, NetDays(30))  # type: ignore[arg-type]
    with pytest.raises(TermsError, match="below 100"):
        EarlyPaymentDiscount(Percent("100"), 10)


def test_schedule_validation() -> None:
    terms = PaymentTerms.net(30)
    with pytest.raises(TermsError, match="negative"):
        terms.schedule(date(2024, 1, 1), usd("-1.00"))
    with pytest.raises(errors.ValidationError, match="minor units"):
        terms.schedule(date(2024, 1, 1), usd("1.005"))
    with pytest.raises(errors.RevcycleTypeError):
        terms.schedule(date(2024, 1, 1), Decimal("1"))  # type: ignore[arg-type]
    with pytest.raises(TermsError, match="outside the supported calendar"):
        PaymentTerms.net(30).schedule(date(9999, 12, 20), usd("1.00"))
    item = terms.schedule(date(2024, 1, 1), usd("2.00")).installments[0]
    with pytest.raises(TermsError, match="must equal its amount"):
        attrs.evolve(item, paid=usd("1.00"))
    with pytest.raises(TermsError, match="not to the invoice total"):
        PaymentSchedule(
            invoice_date=date(2024, 1, 1),
            total=usd("1.00"),
            installments=terms.schedule(date(2024, 1, 1), usd("2.00")).installments,
            credit=usd("0"),
        )


def test_schedule_display() -> None:
    schedule = PaymentTerms.parse("2/10 Net 30").schedule(date(2024, 1, 31), usd("1000.00"))
    records = schedule.to_records()
    assert records == [
        {
            "number": 1,
            "due_date": "2024-03-01",
            "amount": "1000.00",
            "currency": "USD",
            "discount_deadline": "2024-02-10",
            "discounted_amount": "980.00",
            "paid": "0.00",
            "discount_taken": "0.00",
            "open_amount": "1000.00",
        }
    ]
    html = schedule._repr_html_()
    assert "<table>" in html
    assert "980.00 USD" in html
    frame = schedule.to_pandas()
    assert list(frame["due_date"]) == [date(2024, 3, 1)]
    assert list(frame["discounted_amount"]) == [Decimal("980.00")]
    assert "980.00 USD if paid in full by 2024-02-10" in schedule.explain()
    assert (
        str(PaymentTerms.parse("Net 30").with_adjustment(C.FOLLOWING))
        == "Net 30 (adjusted following)"
    )


# --------------------------------------------------------------------------------------------
# Command line and demo


def test_cli_terms_json(capsys: pytest.CaptureFixture[str]) -> None:
    from revcycle.cli import main

    code = main(["terms", "2/10 Net 30", "--invoice-date", "2024-01-31", "--amount", "1000.00 USD"])
    assert code == 0
    schedule = loads(capsys.readouterr().out, PaymentSchedule)
    assert schedule.due_date == date(2024, 3, 1)
    assert schedule.installments[0].discounted_amount == usd("980.00")


def test_cli_terms_table_with_payment_and_holidays(capsys: pytest.CaptureFixture[str]) -> None:
    from revcycle.cli import main

    args = ["terms", "Net 30", "--invoice-date", "2024-11-25", "--amount", "USD 500.00"]
    extra = ["--adjust", "following", "--holidays", "us", "--pay", "2024-12-01", "600.00 USD"]
    assert main([*args, *extra, "--format", "table"]) == 0
    out = capsys.readouterr().out
    assert "2024-12-26" in out  # Christmas moved to the next business day
    assert "credit (overpaid) 100.00 USD" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Net thirty", "--invoice-date", "2024-01-31", "--amount", "1 USD"], "net thirty"),
        (["Net 30", "--invoice-date", "2024-31-01", "--amount", "1 USD"], "--invoice-date"),
        (["Net 30", "--invoice-date", "2024-01-31", "--amount", "1000"], "--amount"),
    ],
)
def test_cli_terms_errors(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    from revcycle.cli import main

    assert main(["terms", *args]) == 1
    assert message in capsys.readouterr().err


def test_demo_section_renders() -> None:
    import io

    from rich.console import Console

    from revcycle.cli._demo import s40_terms

    buffer = io.StringIO()
    s40_terms.run(Console(file=buffer, width=100))
    text = buffer.getvalue()
    assert "187.95 USD" in text  # the wrong late charge under the re-keyed Net 30
    assert "2025-06-30" in text  # the negotiated Net 60 due date


def test_rule_descriptions() -> None:
    assert EndOfMonth(1, 5).describe() == "End of next month, plus 5 days"
    assert EndOfMonth(3).describe() == "End of the month 3 months after the invoice month"
    assert DayOfMonth(25, months=0, cutoff_day=20).describe() == (
        "25th of the same month, one month later if issued after the 20th"
    )
    assert DayOfMonth(1, months=2, after_days=10).describe() == (
        "1st of the month 2 months later, counted from 10 days after the invoice date"
    )
    assert Installment.fixed(usd("5.00"), NetDays(0)).describe() == "5.00 USD Due on receipt"


def test_discount_deadline_outside_the_calendar() -> None:
    with pytest.raises(TermsError, match="outside the supported calendar"):
        PaymentTerms.parse("2/10 Due on receipt").schedule(date(9999, 12, 25), usd("1.00"))


@pytest.mark.parametrize(
    ("build", "error"),
    [
        (lambda: PaymentTerms(5), errors.RevcycleTypeError),  # type: ignore[arg-type]
        (lambda: EarlyPaymentDiscount(Percent("2"), 10, base="bogus"), errors.ValidationError),
        (
            lambda: PaymentTerms((Installment.percent(100, due=NetDays(30)),), allocation="mid"),
            errors.ValidationError,
        ),
        (lambda: Installment(kind="weekly", due=NetDays(30)), errors.ValidationError),
    ],
)
def test_bad_constructor_input_raises_revcycle_errors(build: object, error: type) -> None:
    # Found in review: these raised a bare TypeError or ValueError from inside attrs/enum.
    with pytest.raises(error):
        build()  # type: ignore[operator]


def test_cli_holidays_without_adjust_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    # Found in review: a flag that needs another flag exited 1 (a domain error);
    # docs/reference/cli.md says a usage error exits 2.
    from revcycle.cli import main

    args = ["terms", "Net 30", "--invoice-date", "2024-01-31", "--amount", "1 USD"]
    assert main([*args, "--holidays", "US"]) == 2
    assert "--holidays needs --adjust" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "rule", "due"),
    [
        # Found in review: "30 days end of month" read as EndOfMonth(days=30), the opposite
        # of what the how-to and the explanation say. OCA payment_term_extension (anchor §2.3):
        # "30 days end of month" on Jan 30 → Mar 31 (Jan 30 + 30 = Mar 1, then month end).
        ("30 days end of month", DayOfMonth(31, months=0, after_days=30), date(2023, 3, 31)),
        ("30 days end of the month", DayOfMonth(31, months=0, after_days=30), date(2023, 3, 31)),
        # "after the end of the month" and the trade "EOM" keep month end first: Jan 31 + 30.
        ("30 days after the end of the month", EndOfMonth(0, 30), date(2023, 3, 2)),
        ("30 days EOM", EndOfMonth(0, 30), date(2023, 3, 2)),
        ("Net 30 EOM", EndOfMonth(0, 30), date(2023, 3, 2)),
    ],
)
def test_parse_order_of_steps_in_words(text: str, rule: DueRule, due: date) -> None:
    terms = PaymentTerms.parse(text)
    assert terms.installments[0].due == rule
    assert terms.due_date(date(2023, 1, 30)) == due


def test_parse_a_lone_balance_line() -> None:
    # Found in review: "balance net 30" alone was not understood, though "30% now, balance
    # net 30" was.
    terms = PaymentTerms.parse("Balance Net 30")
    assert terms.installments == (Installment.balance(NetDays(30)),)
    assert terms.due_date(date(2022, 1, 31)) == date(2022, 3, 2)


def test_untaxed_is_checked_whenever_given() -> None:
    # Found in review: with a discount on the total, a wrong untaxed amount was silently
    # ignored (and annual_cost("30") raised a bare TypeError).
    terms = PaymentTerms.parse("2/10 Net 30")
    with pytest.raises(errors.RevcycleTypeError, match="untaxed amount must be Money"):
        terms.schedule(date(2024, 1, 1), usd("10.00"), untaxed="8.00")  # type: ignore[arg-type]
    with pytest.raises(errors.CurrencyMismatchError):
        terms.schedule(date(2024, 1, 1), usd("10.00"), untaxed=Money("8.00", "EUR"))
    with pytest.raises(TermsError, match="between zero and the total"):
        PaymentTerms.net(30).schedule(date(2024, 1, 1), usd("10.00"), untaxed=usd("11.00"))
    with pytest.raises(errors.RevcycleTypeError, match="net days must be an int"):
        EarlyPaymentDiscount(Percent("2"), 10).annual_cost("30")  # type: ignore[arg-type]


def test_schedule_amounts_carry_the_currency_places() -> None:
    # Found in review: a total given as "5 USD" came back as "5 USD" next to "0.00 USD".
    schedule = PaymentTerms.net(30).schedule(date(2024, 1, 1), usd("5"))
    assert str(schedule.total) == "5.00 USD"
    assert str(schedule.installments[0].amount) == "5.00 USD"
    assert str(schedule.installments[0].open_amount) == "5.00 USD"


def test_annual_cost_refuses_net_days_past_the_calendar_with_a_short_message() -> None:
    # Found by the fuzz run (issue 16): annual_cost(10**5000) escaped as a ValueError from its
    # own message (str() of an int past 4,300 digits). Net days are at most MAX_DAYS, as in
    # every other term.
    discount = EarlyPaymentDiscount(Percent("2"), 10)
    with pytest.raises(TermsError, match="at most 3,652,058") as refused:
        discount.annual_cost(10**5000)
    assert len(str(refused.value)) < 200
    assert discount.annual_cost(3_652_058) > 0
