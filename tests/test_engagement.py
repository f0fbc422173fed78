"""Tests for revcycle.engagement: the five intervals from an account's milestones."""

from __future__ import annotations

import contextlib
import itertools
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import JUNK
from revcycle import samples
from revcycle.engagement import (
    AccountJourney,
    EngagementInterval,
    EngagementSummary,
    Milestone,
    MilestoneKind,
    MilestoneOrderError,
    milestones_from_opportunity,
    summarize,
)
from revcycle.errors import RevcycleError, RevcycleTypeError, StructureError, ValidationError
from revcycle.money import Money
from revcycle.opportunity import Opportunity
from revcycle.serialization import dumps, loads, structure, unstructure


M = MilestoneKind
E = EngagementInterval
D0 = date(2025, 1, 6)


def journey(*pairs: tuple[MilestoneKind, date], account: str = "ACME") -> AccountJourney:
    return AccountJourney(account, [Milestone(kind, on) for kind, on in pairs])


# --------------------------------------------------------------------------------------------
# Strategy: valid journeys in the cycle's order with random gaps (0 days allowed).


@st.composite
def journeys(draw: st.DrawFn, account: str = "ACME") -> AccountJourney:
    kinds = [M.OPPORTUNITY_CREATED]
    if draw(st.booleans()):
        kinds.append(M.FIRST_QUOTE)
    outcome = draw(st.sampled_from(["open", "lost", "won"]))
    if outcome == "lost":
        kinds.append(M.CLOSED_LOST)
    elif outcome == "won":
        kinds.append(M.CLOSED_WON)
        post: list[MilestoneKind] = []
        if draw(st.booleans()):
            post.append(M.CONTRACT_START)
        if draw(st.booleans()):
            post.append(M.FIRST_INVOICE_ISSUED)
            if draw(st.booleans()):
                post.append(M.FIRST_INVOICE_PAID)
        if M.CONTRACT_START in post:
            for _ in range(draw(st.integers(0, 3))):
                where = draw(st.integers(post.index(M.CONTRACT_START) + 1, len(post)))
                post.insert(where, draw(st.sampled_from([M.AMENDMENT, M.RENEWAL])))
        kinds.extend(post)
    day = draw(st.dates(date(2020, 1, 1), date(2026, 1, 1)))
    milestones = []
    for kind in kinds:
        milestones.append(Milestone(kind, day))
        day += timedelta(days=draw(st.integers(0, 200)))
    return AccountJourney(account, milestones)


# --------------------------------------------------------------------------------------------
# Properties


@given(journeys(), st.integers(0, 1000))
def test_days_add_up_to_the_span_of_the_milestones(trip: AccountJourney, extra: int) -> None:
    # Issue 4 "Must show": days across intervals = first to last milestone.
    assert sum(trip.durations().values()) == (trip.last_day - trip.first_day).days
    as_of = trip.last_day + timedelta(days=extra)
    end = trip.last_day if trip.lost else as_of
    assert sum(trip.durations(as_of).values()) == (end - trip.first_day).days
    spans = trip.spans(as_of)
    for first, second in itertools.pairwise(spans):
        assert first.end == second.start
        assert first.interval.number < second.interval.number


@given(journeys(), st.integers(-30, 2000))
def test_intervals_only_move_forward(trip: AccountJourney, offset: int) -> None:
    assert trip.interval_on(trip.first_day - timedelta(days=1)) is None
    lost_at_once = trip.lost and trip.last_day == trip.first_day
    assert (trip.interval_on(trip.first_day) is None) == lost_at_once
    seen = 0
    stopped = False
    step = max(1, (trip.last_day - trip.first_day).days // 20)
    days = [trip.first_day + timedelta(days=k * step) for k in range(21)]
    days = sorted(
        {d for d in days if d <= trip.last_day} | {trip.last_day, trip.last_day + timedelta(days=1)}
    )
    for day in days:
        interval = trip.interval_on(day)
        if interval is None:
            stopped = True
        else:
            assert not stopped
            assert interval.number >= seen
            seen = interval.number
    assert trip.interval_on(trip.last_day + timedelta(days=abs(offset))) == trip.current_interval
    assert stopped == trip.lost


@given(journeys(), st.data())
def test_milestones_out_of_time_order_are_refused(
    trip: AccountJourney, data: st.DataObject
) -> None:
    pairs = [
        i
        for i in range(len(trip.milestones) - 1)
        if trip.milestones[i].on != trip.milestones[i + 1].on
    ]
    if not pairs:
        return
    i = data.draw(st.sampled_from(pairs))
    swapped = list(trip.milestones)
    swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
    with pytest.raises(MilestoneOrderError):
        AccountJourney(trip.account, swapped)


@given(journeys())
def test_json_round_trip(trip: AccountJourney) -> None:
    assert structure(unstructure(trip), AccountJourney) == trip
    assert loads(dumps(trip), AccountJourney) == trip


@given(st.lists(journeys(), max_size=6))
def test_summary_statistics_are_consistent(trips: list[AccountJourney]) -> None:
    trips = [AccountJourney(f"A{i}", t.milestones) for i, t in enumerate(trips)]
    summary = summarize(trips)
    assert summary.accounts == len(trips)
    assert [s.interval for s in summary.intervals] == list(E)
    for stats in summary.intervals:
        if stats.accounts == 0:
            assert stats.mean_days is None
            assert stats.median_days is None
            continue
        assert stats.min_days is not None
        assert stats.max_days is not None
        assert stats.mean_days is not None
        assert stats.median_days is not None
        assert stats.min_days <= stats.mean_days <= stats.max_days
        assert stats.min_days <= stats.median_days <= stats.max_days
    assert structure(unstructure(summary), EngagementSummary) == summary


@given(JUNK)
def test_junk_arguments_raise_only_revcycle_errors(value: object) -> None:
    trip = journey((M.OPPORTUNITY_CREATED, D0), (M.FIRST_QUOTE, D0 + timedelta(days=3)))
    calls: list[Callable[[], object]] = [
        lambda: Milestone(value, D0),  # type: ignore[arg-type]
        lambda: Milestone(M.FIRST_QUOTE, value),  # type: ignore[arg-type]
        lambda: AccountJourney(value, trip.milestones),  # type: ignore[arg-type]
        lambda: AccountJourney("A", value),  # type: ignore[arg-type]
        lambda: trip.interval_on(value),  # type: ignore[arg-type]
        lambda: trip.spans(value),  # type: ignore[arg-type]
        lambda: summarize(value),  # type: ignore[arg-type]
        lambda: summarize([trip], as_of=value),  # type: ignore[arg-type]
        lambda: milestones_from_opportunity(value),  # type: ignore[arg-type]
    ]
    for call in calls:
        with contextlib.suppress(RevcycleError):
            call()


# --------------------------------------------------------------------------------------------
# Known answers


def test_a_full_journey_by_hand() -> None:
    # 2025: created 01-06, quote 02-03 (28 days), won 03-03 (28 days, February has 28),
    # first invoice 03-10 inside interval 3, paid 04-09 (37 days), amendment 06-02 (54 days).
    trip = journey(
        (M.OPPORTUNITY_CREATED, date(2025, 1, 6)),
        (M.FIRST_QUOTE, date(2025, 2, 3)),
        (M.CLOSED_WON, date(2025, 3, 3)),
        (M.CONTRACT_START, date(2025, 3, 10)),
        (M.FIRST_INVOICE_ISSUED, date(2025, 3, 10)),
        (M.FIRST_INVOICE_PAID, date(2025, 4, 9)),
        (M.AMENDMENT, date(2025, 6, 2)),
        (M.RENEWAL, date(2026, 3, 10)),
    )
    assert trip.durations() == {
        E.WANTS_AND_NEEDS: 28,
        E.QUOTE_TO_CLOSE: 28,
        E.FULFILMENT: 37,
        E.RECURRING_BILLING: 54,
        E.ONGOING_ENGAGEMENT: 281,  # 2025-06-02 to 2026-03-10
    }
    assert trip.interval_on(date(2025, 2, 2)) is E.WANTS_AND_NEEDS
    assert trip.interval_on(date(2025, 2, 3)) is E.QUOTE_TO_CLOSE  # the milestone's day
    assert trip.interval_on(date(2025, 4, 8)) is E.FULFILMENT
    assert trip.interval_on(date(2025, 4, 9)) is E.RECURRING_BILLING
    assert trip.current_interval is E.ONGOING_ENGAGEMENT
    assert trip.durations(date(2026, 3, 20))[E.ONGOING_ENGAGEMENT] == 291


def test_amendment_before_payment_skips_interval_4() -> None:
    trip = journey(
        (M.OPPORTUNITY_CREATED, D0),
        (M.CLOSED_WON, D0 + timedelta(days=10)),
        (M.CONTRACT_START, D0 + timedelta(days=10)),
        (M.FIRST_INVOICE_ISSUED, D0 + timedelta(days=10)),
        (M.AMENDMENT, D0 + timedelta(days=20)),
        (M.FIRST_INVOICE_PAID, D0 + timedelta(days=40)),
    )
    assert trip.durations() == {
        E.WANTS_AND_NEEDS: 10,  # no quote: interval 2 lasted 0 days
        E.QUOTE_TO_CLOSE: 0,
        E.FULFILMENT: 10,
        E.RECURRING_BILLING: 0,
        E.ONGOING_ENGAGEMENT: 20,
    }
    assert trip.interval_on(D0 + timedelta(days=45)) is E.ONGOING_ENGAGEMENT


def test_a_lost_journey_ends() -> None:
    trip = journey(
        (M.OPPORTUNITY_CREATED, D0),
        (M.FIRST_QUOTE, D0 + timedelta(days=5)),
        (M.CLOSED_LOST, D0 + timedelta(days=12)),
    )
    assert trip.lost
    assert trip.current_interval is None
    assert trip.interval_on(D0 + timedelta(days=11)) is E.QUOTE_TO_CLOSE
    assert trip.interval_on(D0 + timedelta(days=12)) is None
    assert [(s.interval, s.days, s.ongoing) for s in trip.spans(D0 + timedelta(days=99))] == [
        (E.WANTS_AND_NEEDS, 5, False),
        (E.QUOTE_TO_CLOSE, 7, False),
    ]


def test_sample_summary() -> None:
    # src/revcycle/samples/milestones.json, interval 1 (created → first quote): ACME
    # 01-06 → 04-07 = 91 days, Wayne 2024-11-04 → 2025-01-27 = 84, Initech 01-13 → 02-24 =
    # 42, Globex 02-03 → 04-14 = 70, Soylent 02-17 → 05-05 = 77. Mean 364 / 5 = 72.8,
    # median 77. Interval 5 never finishes, so without as_of no account counts there.
    trips = loads(samples.read_text("milestones.json"), tuple[AccountJourney, ...])
    summary = summarize(trips)
    first = summary.intervals[0]
    assert (first.accounts, first.mean_days, first.median_days) == (5, Decimal("72.8"), Decimal(77))
    assert (first.min_days, first.max_days) == (42, 91)
    assert summary.intervals[4].accounts == 0
    # With as_of, ongoing intervals count up to it: ACME in interval 5 from 2025-11-03 to
    # 2026-03-01 is 118 days; Wayne's renewal is on 2026-03-01 itself, 0 days.
    later = summarize(trips, as_of=date(2026, 3, 1))
    fifth = later.intervals[4]
    assert (fifth.accounts, fifth.min_days, fifth.max_days) == (2, 0, 118)
    assert "Wants &amp; needs" in later._repr_html_()
    assert later.to_records()[0]["mean_days"] == "72.8"
    assert next(iter(later.to_pandas()["interval"])) == "wants_and_needs"


def test_even_median_is_the_mean_of_the_middle_two() -> None:
    trips = [
        journey((M.OPPORTUNITY_CREATED, D0), (M.FIRST_QUOTE, D0 + timedelta(days=d)), account=a)
        for a, d in (("A", 1), ("B", 2))
    ]
    assert summarize(trips).intervals[0].median_days == Decimal("1.5")


# --------------------------------------------------------------------------------------------
# Refusals


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ([], "no milestones"),
        ([(M.FIRST_QUOTE, D0)], "starts with first_quote"),
        ([(M.OPPORTUNITY_CREATED, D0), (M.FIRST_QUOTE, D0 - timedelta(days=1))], "out of order"),
        (
            [(M.OPPORTUNITY_CREATED, D0), (M.CLOSED_WON, D0), (M.FIRST_QUOTE, D0)],
            "the cycle runs",
        ),
        ([(M.OPPORTUNITY_CREATED, D0), (M.FIRST_QUOTE, D0), (M.FIRST_QUOTE, D0)], "twice"),
        ([(M.OPPORTUNITY_CREATED, D0), (M.CLOSED_LOST, D0), (M.CLOSED_WON, D0)], "closed lost"),
        ([(M.OPPORTUNITY_CREATED, D0), (M.CONTRACT_START, D0)], "without an earlier closed_won"),
        (
            [(M.OPPORTUNITY_CREATED, D0), (M.CLOSED_WON, D0), (M.FIRST_INVOICE_PAID, D0)],
            "without an earlier first_invoice_issued",
        ),
        (
            [(M.OPPORTUNITY_CREATED, D0), (M.CLOSED_WON, D0), (M.AMENDMENT, D0)],
            "without an earlier contract_start",
        ),
    ],
)
def test_bad_milestones(pairs: list[tuple[MilestoneKind, date]], message: str) -> None:
    with pytest.raises(MilestoneOrderError, match=message):
        journey(*pairs)


def test_wrong_types_and_as_of() -> None:
    with pytest.raises(RevcycleTypeError, match=r"datetime\.date"):
        Milestone(M.FIRST_QUOTE, datetime(2025, 1, 1, tzinfo=UTC))
    with pytest.raises(ValueError, match="not_a_kind"):
        Milestone("not_a_kind", D0)
    trip = journey((M.OPPORTUNITY_CREATED, D0), (M.FIRST_QUOTE, D0 + timedelta(days=3)))
    with pytest.raises(ValidationError, match="last milestone of account 'ACME'"):
        trip.spans(D0)
    with pytest.raises(ValidationError, match="two journeys"):
        summarize([trip, trip])
    with pytest.raises(StructureError, match="first_quote"):
        loads(
            '{"account": "A", "milestones": [{"kind": "first_quote", "on": "2025-01-01"}]}',
            AccountJourney,
        )


def test_milestones_from_an_opportunity() -> None:
    opp = Opportunity(
        id="OPP-9",
        account="ACME",
        name="Deal",
        amount=Money("10", "USD"),
        close_date=date(2025, 6, 30),
        owner="dana",
        stage="Prospecting",
        created_at=datetime(2025, 1, 6, 23, 30, tzinfo=UTC),
    )
    assert milestones_from_opportunity(opp) == (Milestone(M.OPPORTUNITY_CREATED, D0),)
    won = opp.close_won(datetime(2025, 3, 3, 12, 0, tzinfo=UTC))
    trip = AccountJourney("ACME", milestones_from_opportunity(won))
    assert trip.durations()[E.WANTS_AND_NEEDS] == 56
    assert trip.current_interval is E.FULFILMENT


def test_a_reference_that_is_not_text_is_a_type_error() -> None:
    # Audit of issue 4: was attrs' bare TypeError.
    with pytest.raises(RevcycleTypeError, match=r"Milestone\.reference must be a str"):
        Milestone(M.FIRST_QUOTE, D0, reference=5)  # type: ignore[arg-type]


@pytest.mark.parametrize("account", ["\ud800", "ACME \udcff", "\udfff\ud800"])
def test_an_account_with_a_lone_surrogate_is_refused(account: str) -> None:
    # Found by the long fuzz run (issue 16): the account's own check tested for a non-blank
    # str only, so a journey of account '\ud800' was built, dumped, and refused by loads().
    with pytest.raises(ValidationError, match="lone surrogate"):
        journey((M.OPPORTUNITY_CREATED, D0), account=account)
    trip = journey((M.OPPORTUNITY_CREATED, D0), account="ACMÉ ☃")  # other text still reads back
    assert loads(dumps(trip), AccountJourney) == trip


@given(st.lists(journeys(), max_size=5), st.dates(date(2019, 6, 1), date(2030, 1, 1)))
def test_summarize_at_any_date_counts_each_journey_as_it_stood(
    trips: list[AccountJourney], as_of: date
) -> None:
    trips = [AccountJourney(f"A{i}", t.milestones) for i, t in enumerate(trips)]
    summary = summarize(trips, as_of=as_of)  # never fails for a later milestone
    started = [t.until(as_of) for t in trips if t.first_day <= as_of]
    assert summary.accounts == len(started)
    assert summary == summarize(started, as_of=as_of)
    for trip in started:
        assert trip.last_day <= as_of


def test_summarize_cuts_each_account_off_at_as_of() -> None:
    # Issue 16, new-user item: summarize(journeys, as_of=...) failed as a whole when one
    # account had a milestone after as_of; an analyst expects each account cut off there.
    early = journey((M.OPPORTUNITY_CREATED, D0), (M.FIRST_QUOTE, D0 + timedelta(days=10)))
    later = journey(
        (M.OPPORTUNITY_CREATED, D0 + timedelta(days=2)),
        (M.FIRST_QUOTE, D0 + timedelta(days=5)),
        (M.CLOSED_WON, D0 + timedelta(days=40)),
        account="Wayne Enterprises",
    )
    not_yet = journey((M.OPPORTUNITY_CREATED, D0 + timedelta(days=30)), account="Globex")
    as_of = D0 + timedelta(days=20)
    summary = summarize([early, later, not_yet], as_of=as_of)
    assert summary.accounts == 2  # Globex's journey had not begun
    # As they stood on as_of: both in interval 2 (since day 10 and day 5), the win not yet.
    expected = summarize([early, later.until(as_of)], as_of=as_of)
    assert summary == expected
    quote_to_close = summary.intervals[1]
    assert (quote_to_close.accounts, quote_to_close.min_days, quote_to_close.max_days) == (
        2,
        10,
        15,
    )
    assert later.until(as_of).milestones == later.milestones[:2]
    assert later.until(later.last_day) is later
    with pytest.raises(ValidationError, match="no journey yet"):
        not_yet.until(D0)


def test_the_as_of_message_reads_well_with_a_name_in_quotes() -> None:
    # Issue 16, new-user item: the message read 'Wayne Enterprises''s.
    trip = journey(
        (M.OPPORTUNITY_CREATED, D0),
        (M.FIRST_QUOTE, D0 + timedelta(days=3)),
        account="Wayne Enterprises",
    )
    with pytest.raises(ValidationError) as caught:
        trip.spans(D0)
    assert "''s" not in str(caught.value)
    assert "last milestone of account 'Wayne Enterprises'" in str(caught.value)


def test_a_count_past_64_bits_is_refused_by_to_arrow_not_left_to_pyarrow() -> None:
    # Found by the fuzz run (issue 16): a summary read from JSON with 10^30 accounts (counts
    # take up to 40 digits) reached pyarrow's int64 column as an OverflowError. The whole
    # numbers of every table are checked first; the rest of the summary still works.
    pytest.importorskip("pyarrow")
    trips = loads(samples.read_text("milestones.json"), tuple[AccountJourney, ...])
    data = json.loads(dumps(summarize(trips)))
    data["intervals"][0]["max_days"] = 10**30
    summary = loads(json.dumps(data), EngagementSummary)
    with pytest.raises(ValidationError, match="past the 64-bit whole numbers"):
        summary.to_arrow()
    assert summary.intervals[0].max_days == 10**30
    data["intervals"][0]["max_days"] = 2**63 - 1  # the largest an int64 holds
    assert loads(json.dumps(data), EngagementSummary).to_arrow().num_rows == len(data["intervals"])
