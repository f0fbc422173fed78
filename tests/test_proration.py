"""Period fractions and term multipliers under every named method."""

from __future__ import annotations

import decimal
import itertools
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from revcycle import errors
from revcycle.cli import main
from revcycle.dates import Duration, Period, anchored_date, days_30e_360
from revcycle.money import Money
from revcycle.proration import (
    CountedPart,
    Proration,
    ProrationMethod,
    period_fraction,
    period_fraction_detail,
    term_multiplier,
    term_multiplier_detail,
)
from revcycle.testing import dates, periods


M = ProrationMethod
FEB_2012 = Period(date(2012, 2, 1), date(2012, 3, 1))


# --------------------------------------------------------------------------------------------
# period_fraction


@pytest.mark.parametrize(
    ("part", "full", "method", "expected"),
    [
        # issue 2 "Must show": [2012-02-01, 2012-02-15) of February 2012 under DAILY → 14/29
        (Period(date(2012, 2, 1), date(2012, 2, 15)), FEB_2012, M.DAILY, Fraction(14, 29)),
        # the same under 30E/360: 14 of 30 days
        (Period(date(2012, 2, 1), date(2012, 2, 15)), FEB_2012, M.THIRTY_360, Fraction(14, 30)),
        (Period(date(2012, 2, 1), date(2012, 2, 15)), FEB_2012, M.NONE, Fraction(1)),
        # Lago (anchors/billing.md §2.10): days to bill / days in the whole period;
        # 16 days of a 31-day January
        (
            Period(date(2024, 1, 16), date(2024, 2, 1)),
            Period.of_month(2024, 1),
            M.DAILY,
            Fraction(16, 31),
        ),
        # Zuora "Strict 30/360" (anchors/billing.md §2.10): a month is exactly 30 days; the
        # second half of January (16th to month end) counts 15 of 30
        (
            Period(date(2024, 1, 16), date(2024, 2, 1)),
            Period.of_month(2024, 1),
            M.THIRTY_360,
            Fraction(1, 2),
        ),
        (FEB_2012, FEB_2012, M.DAILY, Fraction(1)),
        (FEB_2012, FEB_2012, M.THIRTY_360, Fraction(1)),
    ],
)
def test_period_fraction_known_answers(
    part: Period, full: Period, method: ProrationMethod, expected: Fraction
) -> None:
    detail = period_fraction_detail(part, full, method)
    assert detail.exact == expected
    assert period_fraction(part, full, method) == detail.value
    assert abs(Fraction(detail.value) - expected) < Fraction(1, 10**45)


def test_period_fraction_refuses_a_part_outside_the_full_period() -> None:
    with pytest.raises(errors.ProrationError, match="must lie inside"):
        period_fraction(Period.of_month(2024, 1), Period.of_month(2024, 2))


@pytest.mark.parametrize("method", [M.MONTHLY_DAILY, "weekly", None])
def test_period_fraction_refuses_other_methods(method: object) -> None:
    with pytest.raises(errors.ProrationError, match="DAILY, THIRTY_360, NONE"):
        period_fraction(FEB_2012, FEB_2012, method)  # type: ignore[arg-type]


def test_thirty_360_refuses_a_full_period_with_no_days() -> None:
    # Jan 30 → Jan 31 is zero days under 30E/360 (the 31st counts as the 30th)
    day = Period(date(2024, 1, 30), date(2024, 1, 31))
    with pytest.raises(errors.ProrationError, match="no 30E/360 days"):
        period_fraction(day, day, M.THIRTY_360)


@given(periods(max_days=400), st.lists(st.integers(1, 399), max_size=8))
def test_partition_fractions_sum_to_exactly_one(full: Period, cuts: list[int]) -> None:
    points = sorted({full.start + timedelta(days=c) for c in cuts if c < full.days})
    bounds = [full.start, *points, full.end]
    parts = [Period(a, b) for a, b in itertools.pairwise(bounds)]
    daily = sum(period_fraction_detail(p, full, M.DAILY).exact for p in parts)
    assert daily == 1
    if days_30e_360(full.start, full.end) > 0:
        thirty = sum(period_fraction_detail(p, full, M.THIRTY_360).exact for p in parts)
        assert thirty == 1


def test_apply_scales_money_without_intermediate_rounding() -> None:
    part = Period(date(2012, 2, 1), date(2012, 2, 15))
    detail = period_fraction_detail(part, FEB_2012)
    # 29.00 × 14/29 = 14.00 exactly: multiplying first and dividing once keeps it exact
    assert detail.apply(Money("29.00", "USD")) == Money("14", "USD")


# --------------------------------------------------------------------------------------------
# term_multiplier


@pytest.mark.parametrize(
    ("start", "end", "per", "method", "expected"),
    [
        # issue 2 "Must show": 24 months of an annual price → multiplier 2, under every method
        (date(2024, 1, 1), date(2026, 1, 1), Duration(years=1), M.MONTHLY_DAILY, Fraction(2)),
        (
            date(2024, 1, 1),
            date(2026, 1, 1),
            Duration(months=12),
            M.CALENDAR_MONTHLY_DAILY,
            Fraction(2),
        ),
        (date(2024, 1, 1), date(2026, 1, 1), Duration(years=1), M.MONTHLY_ROUND_UP, Fraction(2)),
        (date(2024, 1, 1), date(2026, 1, 1), Duration(years=1), M.DAILY, Fraction(2)),
        (date(2024, 1, 1), date(2026, 1, 1), Duration(years=1), M.THIRTY_360, Fraction(2)),
        # docs/explanation/term-multiplier.md: an annual price over an 18-month term is × 1.5
        (date(2024, 1, 1), date(2025, 7, 1), Duration(years=1), M.MONTHLY_DAILY, Fraction(3, 2)),
        # Salesforce Monthly + Daily (anchors/cpq.md §2.5): 12 whole months, then 15 leftover
        # days × 12/365 months; (12 + 180/365) / 12 = 76/73
        (
            date(2024, 1, 1),
            date(2025, 1, 16),
            Duration(years=1),
            M.MONTHLY_DAILY,
            Fraction(76, 73),
        ),
        # Calendar Monthly + Daily: Jan 15–31 is 17/31 of January, February whole, Mar 1–9
        # is 9/31 of March; on a monthly price: 17/31 + 1 + 9/31 = 57/31
        (
            date(2024, 1, 15),
            date(2024, 3, 10),
            Duration(months=1),
            M.CALENDAR_MONTHLY_DAILY,
            Fraction(57, 31),
        ),
        # Monthly round-up (anchors/cpq.md §2.5, "partial month counts as a full month"):
        # Jan 15 → Feb 15 is one month, the 24 days to Mar 10 round up to a second
        (
            date(2024, 1, 15),
            date(2024, 3, 10),
            Duration(months=1),
            M.MONTHLY_ROUND_UP,
            Fraction(2),
        ),
        # Daily on an annual price: 182 days of the 366-day year starting 2024-01-01
        (date(2024, 1, 1), date(2024, 7, 1), Duration(years=1), M.DAILY, Fraction(182, 366)),
        # Daily on a weekly price: 2 whole weeks and 3 of 7 days
        (date(2024, 1, 1), date(2024, 1, 18), Duration(weeks=1), M.DAILY, Fraction(17, 7)),
        # 30E/360: 180 days over 360
        (date(2024, 1, 1), date(2024, 7, 1), Duration(years=1), M.THIRTY_360, Fraction(1, 2)),
        # month ends: Jan 31 → Feb 29 (exclusive) is one whole month in 2024
        (date(2024, 1, 31), date(2024, 2, 29), Duration(months=1), M.MONTHLY_DAILY, Fraction(1)),
    ],
)
def test_term_multiplier_known_answers(
    start: date, end: date, per: Duration, method: ProrationMethod, expected: Fraction
) -> None:
    detail = term_multiplier_detail(start, end, per, method)
    assert detail.exact == expected
    assert term_multiplier(start, end, per, method) == detail.value


def test_default_is_monthly_daily_on_an_annual_price() -> None:
    assert term_multiplier(date(2024, 1, 1), date(2025, 7, 1)) == Decimal("1.5")


def test_explanations_say_how_it_was_counted() -> None:
    text = term_multiplier_detail(
        date(2024, 1, 15), date(2024, 3, 10), Duration(months=1), M.CALENDAR_MONTHLY_DAILY
    ).explain()
    assert "17 of 31 days of 2024-01" in text
    assert "9 of 31 days of 2024-03" in text
    assert "1  full calendar months" in text


def test_month_methods_need_a_month_based_term() -> None:
    with pytest.raises(errors.ProrationError, match=r"Use ProrationMethod\.DAILY"):
        term_multiplier(date(2024, 1, 1), date(2024, 2, 1), Duration(days=30), M.MONTHLY_DAILY)


def test_term_multiplier_refuses_empty_spans_and_period_methods() -> None:
    with pytest.raises(errors.PeriodError):
        term_multiplier(date(2024, 1, 1), date(2024, 1, 1))
    with pytest.raises(errors.ProrationError):
        term_multiplier(date(2024, 1, 1), date(2024, 2, 1), method=M.NONE)


@given(dates(), st.integers(1, 60), st.sampled_from([M.MONTHLY_DAILY, M.MONTHLY_ROUND_UP]))
def test_whole_months_count_exactly(start: date, months: int, method: ProrationMethod) -> None:
    end = anchored_date(start, Duration(months=1), months)
    assume(end > start)
    assert term_multiplier_detail(start, end, Duration(months=1), method).exact == months


@given(
    dates(),
    st.integers(1, 800),
    st.sampled_from(
        [M.MONTHLY_DAILY, M.CALENDAR_MONTHLY_DAILY, M.MONTHLY_ROUND_UP, M.DAILY, M.THIRTY_360]
    ),
)
def test_multiplier_never_decreases_as_the_term_grows(
    start: date, days: int, method: ProrationMethod
) -> None:
    end = start + timedelta(days=days)
    shorter = term_multiplier_detail(start, end, Duration(years=1), method).exact
    longer = term_multiplier_detail(start, end + timedelta(days=1), Duration(years=1), method)
    assert longer.exact >= shorter >= 0


# --------------------------------------------------------------------------------------------
# Found in the issue 2 audit


def test_explanations_ignore_the_ambient_decimal_context() -> None:
    # explain() rounded its "≈" column with round(), which uses the ambient context: a
    # precision of 3 raised decimal.InvalidOperation
    with decimal.localcontext() as ctx:
        ctx.prec = 3
        text = term_multiplier_detail(date(2024, 1, 1), date(2025, 1, 16)).explain()
    assert "36/73 (≈ 0.493151)" in text


def test_a_wrong_method_is_named_plainly() -> None:
    with pytest.raises(errors.ProrationError, match=r"; got NONE\.$"):
        term_multiplier(date(2024, 1, 1), date(2024, 2, 1), method=M.NONE)


def test_whole_months_up_to_the_end_of_the_calendar() -> None:
    # the month after 9999-12-01 does not exist; the count stopped with a PeriodError before.
    # 11 whole months, then the 30 days of December 9999 × 12/365: (11 + 360/365) / 12
    detail = term_multiplier_detail(date(9999, 1, 1), date(9999, 12, 31))
    assert detail.exact == (11 + Fraction(360, 365)) / 12


# --------------------------------------------------------------------------------------------
# revcycle prorate


def _prorate(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["prorate", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_prorate_of_an_amount_too_large_to_round_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # 1E+60 USD rounded to cents needs 63 digits: a decimal.InvalidOperation traceback before;
    # since issue 16 (items 3 and 4) the amount is refused as it comes in, naming the limit.
    code, out, err = _prorate(
        capsys, "--start", "2024-01-01", "--end", "2024-02-01", "--amount", "1E+60 USD"
    )
    assert code == 1
    assert out == ""
    assert "too large" in err
    assert "40 digits before the decimal point" in err
    assert "Traceback" not in err


def test_prorate_table_shows_a_terminating_decimal_in_full(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # docs/explanation/term-multiplier.md: an annual price over 18 months is × 1.5 — shown as
    # 1.5, not "1.5000000000…"; a repeating decimal (14/29) keeps 10 places and the "…"
    code, out, _ = _prorate(
        capsys, "--start", "2024-01-01", "--end", "2025-07-01", "--format", "table"
    )
    assert code == 0
    row = next(line for line in out.splitlines() if "result (decimal)" in line)
    assert row.rstrip(" │").endswith(" 1.5")
    code, out, _ = _prorate(
        capsys,
        "--start",
        "2012-02-01",
        "--end",
        "2012-02-15",
        "--full-start",
        "2012-02-01",
        "--full-end",
        "2012-03-01",
        "--format",
        "table",
    )
    assert code == 0
    assert "0.4827586207…" in out
    assert "14/29" in out


# --------------------------------------------------------------------------------------------
# Issue 16 item 7 and a new-user item


def test_the_explanation_shows_each_fraction_once() -> None:
    # One formatter (revcycle._display.fraction_text) for proration and quote explanations;
    # a one-month pricing term reads "÷ 1 month".
    text = term_multiplier_detail(
        date(2024, 1, 15), date(2024, 3, 10), Duration(months=1)
    ).explain()
    assert "÷ 1  month in the pricing term P1M" in text
    assert "≈ ≈" not in text
    one = term_multiplier_detail(date(2024, 1, 1), date(2024, 2, 2), Duration(months=1))
    assert "1  whole month from 2024-01-01 to 2024-02-01" in one.explain()
    assert "1 leftover day × 12/365" in one.explain()


def test_a_proration_refuses_a_zero_divisor_and_other_types() -> None:
    with pytest.raises(errors.ValidationError, match="above zero"):
        Proration(
            method=ProrationMethod.DAILY,
            question="q",
            parts=(CountedPart("x", Fraction(1)),),
            divisor=Fraction(0),
            divisor_description="d",
        )
    with pytest.raises(errors.RevcycleTypeError):
        CountedPart("x", 0.5)  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError):
        term_multiplier_detail(date(2024, 1, 1), date(2024, 2, 1)).apply([1])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "call",
    [
        lambda: anchored_date(date(9999, 12, 1), Duration(months=1), 1),
        lambda: Period.inclusive(date(9999, 1, 1), date(9999, 12, 31)),
        lambda: term_multiplier(
            date(9990, 1, 1), date(9999, 12, 31), Duration(years=20), ProrationMethod.DAILY
        ),
        lambda: Duration(years=10_000),
    ],
)
def test_the_end_of_the_calendar_is_a_period_error_naming_it(call: object) -> None:
    # Issue 16 item 7: OverflowError at year 9999.
    assert callable(call)
    with pytest.raises(errors.PeriodError, match="supported calendar"):
        call()
