"""Tests for revcycle.pipeline and the ``revcycle pipeline`` verb."""

from __future__ import annotations

import contextlib
import io
import itertools
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from helpers import JUNK
from revcycle import samples
from revcycle._numbers import CTX
from revcycle.cli import main
from revcycle.cli._demo import s20_pipeline
from revcycle.dates import Period
from revcycle.errors import (
    CurrencyMismatchError,
    RevcycleError,
    RevcycleTypeError,
    UnknownCodeError,
    ValidationError,
)
from revcycle.money import Money, Percent
from revcycle.opportunity import ForecastCategory, Opportunity, StageModel
from revcycle.pipeline import ExchangeRates, Pipeline, PipelineReport
from revcycle.serialization import dumps, loads, structure, unstructure


T0 = datetime(2025, 1, 1, 0, 0, tzinfo=UTC)
SAMPLE = samples.path("opportunities.json")


def deal(
    id: str,
    amount: str = "1000",
    currency: str = "USD",
    stage: str = "Prospecting",
    created: datetime = T0,
    close: date = date(2025, 3, 31),
    model: StageModel | None = None,
) -> Opportunity:
    return Opportunity(
        id=id,
        account=f"acct-{id}",
        name=f"Deal {id}",
        amount=Money(amount, currency),
        close_date=close,
        owner="rep",
        stage=stage,
        created_at=created,
        model=StageModel.default() if model is None else model,
    )


def sample_pipeline() -> Pipeline:
    return loads(samples.read_text("opportunities.json"), Pipeline)


# --------------------------------------------------------------------------------------------
# Strategies: deals walking the default model with random moves and outcomes.

OPEN = StageModel.default().open_stages


@st.composite
def deal_versions(draw: st.DrawFn) -> list[tuple[Opportunity, ...]]:
    """Deals walking the default model, each as every version it went through (oldest first)."""
    count = draw(st.integers(min_value=0, max_value=12))
    deals = []
    for k in range(count):
        created = T0 + timedelta(hours=draw(st.integers(0, 5000)))
        opp = deal(
            f"D{k}",
            amount=str(draw(st.integers(0, 10**7))),
            stage=draw(st.sampled_from(OPEN)).name,
            created=created,
            close=date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 365))),
        )
        versions = [opp]
        for _ in range(draw(st.integers(0, 6))):
            at = opp.last_change_at + timedelta(minutes=draw(st.integers(0, 50_000)))
            choice = draw(st.integers(0, 9))
            if opp.is_closed:
                opp = opp.reopen(draw(st.sampled_from(OPEN)).name, at)
            elif choice == 0 and opp.amount.amount > 0:
                opp = opp.close_won(at)
            elif choice == 1:
                opp = opp.close_lost("lost", at)
            elif choice == 2:
                opp = opp.with_probability(Percent(draw(st.integers(0, 100))), at)
            elif choice == 3:
                opp = opp.with_amount(Money(draw(st.integers(0, 10**7)), "USD"), at)
            else:
                target = draw(st.sampled_from(OPEN)).name
                if target != opp.stage:
                    opp = opp.move_to(target, at)
            if opp is not versions[-1]:
                versions.append(opp)
        deals.append(tuple(versions))
    return deals


@st.composite
def pipelines(draw: st.DrawFn) -> Pipeline:
    return Pipeline([versions[-1] for versions in draw(deal_versions())])


# --------------------------------------------------------------------------------------------
# Properties


@given(pipelines())
def test_weighted_total_is_the_sum_of_amount_times_probability(pipeline: Pipeline) -> None:
    expected = Money.zero("USD")
    for opp in pipeline.opportunities:
        expected += opp.amount * opp.probability.ratio
    assert pipeline.weighted_total("USD") == expected
    assert sum((s.weighted.amount for s in pipeline.by_stage("USD")), Decimal(0)) == (
        expected.amount
    )
    categories = pipeline.by_forecast_category("USD")
    assert [c.category for c in categories] == list(ForecastCategory)
    assert sum((c.weighted.amount for c in categories), Decimal(0)) == expected.amount
    assert sum(c.count for c in categories) == len(pipeline.opportunities)
    open_expected = sum(
        (o.weighted_amount.amount for o in pipeline.opportunities if o.is_open), Decimal(0)
    )
    assert pipeline.weighted_total("USD", open_only=True).amount == open_expected


@given(pipelines(), st.dates(date(2024, 12, 1), date(2026, 2, 1)), st.integers(1, 400))
def test_win_rate_stays_within_0_and_1(pipeline: Pipeline, start: date, days: int) -> None:
    for period in (None, Period(start, start + timedelta(days=days))):
        rate = pipeline.win_rate(period, "USD")
        closed = [
            o
            for o in pipeline.opportunities
            if o.is_closed and (period is None or o.close_date in period)
        ]
        assert rate.won + rate.lost == len(closed)
        if closed:
            assert rate.by_count is not None
            assert 0 <= rate.by_count <= 1
            assert rate.by_count == CTX.divide(Decimal(rate.won), Decimal(len(closed)))
        else:
            assert rate.by_count is None
        if rate.by_amount is not None:
            assert 0 <= rate.by_amount <= 1


@given(pipelines())
def test_conversion_rates_chain_and_stay_within_0_and_1(pipeline: Pipeline) -> None:
    conversions = pipeline.conversion_rates()
    if not pipeline.opportunities:
        return
    assert [c.from_stage for c in conversions] == [s.name for s in OPEN]
    assert conversions[-1].to_stage == "Closed Won"
    for first, second in itertools.pairwise(conversions):
        assert first.advanced == second.entered
    for c in conversions:
        assert c.advanced <= c.entered
        assert c.rate is None or 0 <= c.rate <= 1


@given(pipelines())
def test_stage_time_adds_up_to_the_time_deals_were_open(pipeline: Pipeline) -> None:
    # Every moment from a deal's first history entry to as_of (or to its close) is in
    # exactly one stage; time spent closed before a reopen is not stage time.
    as_of = T0 + timedelta(days=3650)
    durations = pipeline.stage_durations(as_of)
    total = sum((d.total_days for d in durations), Decimal(0))
    micros = 0
    for opp in pipeline.opportunities:
        ends = [c.at for c in opp.history[1:]] + [as_of]
        for change, end in zip(opp.history, ends, strict=True):
            if not opp.model.stage(change.stage).closed:
                micros += (end - change.at) // timedelta(microseconds=1)
    expected = CTX.divide(Decimal(micros), Decimal(86_400_000_000))
    # Each stage total is rounded to 0.000001 day.
    assert abs(total - expected) <= Decimal("0.000001") * len(durations)
    assert sum(d.visits for d in durations) >= sum(o.is_open for o in pipeline.opportunities)


@given(pipelines())
def test_json_round_trip(pipeline: Pipeline) -> None:
    assert structure(unstructure(pipeline), Pipeline) == pipeline
    if pipeline.opportunities:
        report = pipeline.report(date(2025, 6, 30))
        assert structure(unstructure(report), PipelineReport) == report


@given(JUNK | st.datetimes(timezones=st.just(UTC)))
def test_junk_arguments_raise_only_revcycle_errors(value: object) -> None:
    pipeline = Pipeline([deal("A"), deal("B").close_won(T0)])
    calls: list[Callable[[], object]] = [
        lambda: pipeline.forecast(value),  # type: ignore[arg-type]
        lambda: pipeline.win_rate(value),  # type: ignore[arg-type]
        lambda: pipeline.velocity(value),  # type: ignore[arg-type]
        lambda: pipeline.stage_durations(value),  # type: ignore[arg-type]
        lambda: pipeline.older_than(value, date(2025, 1, 1)),  # type: ignore[arg-type]
        lambda: pipeline.stalled(1, value),  # type: ignore[arg-type]
        lambda: pipeline.report(value),  # type: ignore[arg-type]
        lambda: pipeline.weighted_total(value),  # type: ignore[arg-type]
        lambda: ExchangeRates("USD", value),  # type: ignore[arg-type]
        lambda: ExchangeRates(value),  # type: ignore[arg-type]
        lambda: Pipeline(value),  # type: ignore[arg-type]
        lambda: Pipeline([], rates=value),  # type: ignore[arg-type]
    ]
    for call in calls:
        with contextlib.suppress(RevcycleError):
            call()


# --------------------------------------------------------------------------------------------
# Known answers


def test_negotiation_review_deal_weights_to_75_000() -> None:
    # Issue 4 "Must show", the default model (docs/reference/opportunity.md): 100,000 × 75 %.
    pipeline = Pipeline([deal("A", "100000", stage="Negotiation/Review")])
    assert pipeline.weighted_total() == Money("75000", "USD")
    salesforce = Pipeline(
        [deal("A", "100000", stage="Negotiation/Review", model=StageModel.salesforce())]
    )
    assert salesforce.weighted_total() == Money("90000", "USD")


def test_sample_report() -> None:
    # Hand computation for src/revcycle/samples/opportunities.json as of 2025-06-20, EUR at
    # 1.08 USD:
    #   open weighted: Hooli 200,000 × 10 % = 20,000; Globex 80,000 × 40 % = 32,000;
    #   Stark 30,000 × 50 % = 15,000; Umbrella 60,000 EUR = 64,800 USD × 85 % (override)
    #   = 55,080 → 122,080. Open total 374,800.
    #   Q2 forecast (close dates 2025-04-01..06-30): closed ACME 120,000; commit adds
    #   Umbrella 64,800 → 184,800; no best case in Q2 (Stark closes 07-31); open pipeline
    #   Globex 80,000 + Umbrella 64,800 = 144,800.
    #   Q2 win rate: ACME won 120,000, Soylent lost 50,000 → 1/2 by count, 120/170 by amount.
    #   Velocity: 4 open × (2 won / 4 closed) × average won (120,000 + 15,000) / 2 = 67,500
    #   ÷ average cycle (ACME 165 days, Wayne 102 days) 133.5 = 1,011.2359... per day.
    report = sample_pipeline().report(date(2025, 6, 20))
    assert report.weighted_total == Money("122080", "USD")
    assert report.total == Money("374800", "USD")
    assert report.forecast.period == Period(date(2025, 4, 1), date(2025, 7, 1))
    assert report.forecast.closed == Money("120000", "USD")
    assert report.forecast.commit == Money("184800", "USD")
    assert report.forecast.best_case == Money("184800", "USD")
    assert report.forecast.pipeline == Money("144800", "USD")
    assert report.win_rate.by_count == Decimal("0.5")
    assert report.win_rate.by_amount == CTX.divide(Decimal(120), Decimal(170))
    velocity = report.velocity
    assert velocity.average_cycle_days == Decimal("133.5")
    assert velocity.average_won_amount == Money("67500", "USD")
    assert velocity.per_day is not None
    assert velocity.per_day.round() == Money("1011.24", "USD")
    # Stalled: Globex entered Value Proposition 2025-04-14 (67 days), Hooli created
    # 2025-05-05 and never moved (46 days). Old: Globex created 02-03 (137 days), Umbrella
    # 03-03 (109 days).
    assert [(f.id, f.days) for f in report.stalled] == [("OPP-1002", 67), ("OPP-1007", 46)]
    assert [(f.id, f.days) for f in report.aged] == [("OPP-1002", 137), ("OPP-1004", 109)]


def test_forecast_categories_are_cumulative() -> None:
    q1 = Period(date(2025, 1, 1), date(2025, 4, 1))
    won = deal("W", "100").close_won(T0 + timedelta(days=10))
    commit = deal("C", "20").with_forecast_category(ForecastCategory.COMMIT, T0)
    best = deal("B", "3").with_forecast_category(ForecastCategory.BEST_CASE, T0)
    plain = deal("P", "4000")
    omitted = deal("O", "50000").with_forecast_category(ForecastCategory.OMITTED, T0)
    lost = deal("L", "600000").close_lost("no", T0)
    later = deal("X", "7000000", close=date(2025, 4, 1))
    forecast = Pipeline([won, commit, best, plain, omitted, lost, later]).forecast(q1)
    assert forecast.closed == Money("100", "USD")
    assert forecast.commit == Money("120", "USD")
    assert forecast.best_case == Money("123", "USD")
    assert forecast.pipeline == Money("4023", "USD")
    assert forecast.weighted == Money("402.3", "USD")  # 10 % of the three open deals
    assert (forecast.open_deals, forecast.won_deals) == (3, 1)


def test_stage_durations_by_hand() -> None:
    # Prospecting from 2025-01-01 00:00 to 01-03 12:00 = 2.5 days (the probability edit on
    # 01-02 does not end the visit); Qualification from 01-03 12:00, still open: 1.5 days
    # to the end of 2025-01-04 UTC when as_of is that date.
    opp = (
        deal("A")
        .with_probability("15", T0 + timedelta(days=1))
        .move_to("Qualification", T0 + timedelta(days=2, hours=12))
    )
    pipeline = Pipeline([opp])
    durations = {d.stage: d for d in pipeline.stage_durations()}
    assert durations["Prospecting"].visits == 1
    assert durations["Prospecting"].mean_days == Decimal("2.5")
    assert durations["Qualification"].visits == 0
    assert durations["Qualification"].mean_days is None
    with_open = {d.stage: d for d in pipeline.stage_durations(date(2025, 1, 4))}
    assert with_open["Qualification"].mean_days == Decimal("1.5")
    assert "Closed Won" not in with_open


def test_stalled_and_old_boundaries() -> None:
    # Created 2025-01-01; as of 2025-01-31 the deal is 30 days old and 30 days in its stage.
    pipeline = Pipeline([deal("A"), deal("B").close_lost("no", T0)])
    as_of = date(2025, 1, 31)
    assert [f.id for f in pipeline.stalled(30, as_of)] == ["A"]
    assert pipeline.stalled(31, as_of) == ()
    assert pipeline.older_than(30, as_of) == ()  # "older than": strictly more days
    assert [f.days for f in pipeline.older_than(29, as_of)] == [30]
    with pytest.raises(ValidationError, match="whole number of days"):
        pipeline.stalled(-1, as_of)
    with pytest.raises(RevcycleTypeError, match=r"datetime\.date"):
        pipeline.stalled(1, T0)


def test_velocity_undefined_without_wins() -> None:
    velocity = Pipeline([deal("A"), deal("B").close_lost("no", T0)]).velocity()
    assert velocity.win_rate == Decimal(0)
    assert velocity.per_day is None
    assert velocity.average_won_amount is None


# --------------------------------------------------------------------------------------------
# Currencies


def test_mixed_currencies_need_rates() -> None:
    deals = [deal("A", "100", "USD"), deal("B", "100", "EUR")]
    with pytest.raises(CurrencyMismatchError, match=r"mixes currencies \(EUR, USD\)"):
        Pipeline(deals).weighted_total()
    with pytest.raises(CurrencyMismatchError, match="without exchange rates"):
        Pipeline(deals).weighted_total("USD")
    rates = ExchangeRates("USD", {"EUR": "1.10"})
    pipeline = Pipeline(deals, rates=rates)
    # 100 × 10 % + 110 × 10 %
    assert pipeline.weighted_total() == Money("21", "USD")
    # In EUR: 100 USD = 100 / 1.10 EUR.
    in_eur = pipeline.total("EUR")
    assert in_eur.currency.code == "EUR"
    assert in_eur.amount == CTX.add(Decimal(100), CTX.divide(Decimal(100), Decimal("1.10")))


def test_exchange_rates_validation() -> None:
    with pytest.raises(ValidationError, match="must be positive"):
        ExchangeRates("USD", {"EUR": "0"})
    with pytest.raises(UnknownCodeError):
        ExchangeRates("USD", {"XYZ": "1"})
    with pytest.raises(UnknownCodeError, match="No exchange rate from GBP to USD"):
        ExchangeRates("USD", {"EUR": "1.1"}).rate("GBP")
    with pytest.raises(RevcycleTypeError):
        ExchangeRates("USD", {"EUR": 1.1})  # type: ignore[arg-type]
    assert ExchangeRates("USD", [("EUR", "1.1")]) == ExchangeRates("USD", {"EUR": "1.1"})
    rates = loads('{"currency": "USD", "rates": {"EUR": "1.08"}}', ExchangeRates)
    assert rates.rate("EUR") == Decimal("1.08")
    assert loads(dumps(rates), ExchangeRates) == rates


def test_empty_and_invalid_pipelines() -> None:
    assert Pipeline([]).weighted_total("EUR") == Money("0", "EUR")
    with pytest.raises(ValidationError, match="empty pipeline has no currency"):
        Pipeline([]).weighted_total()
    with pytest.raises(ValidationError, match="appears twice"):
        Pipeline([deal("A"), deal("A")])
    with pytest.raises(RevcycleTypeError):
        Pipeline(["A"])  # type: ignore[list-item]
    assert Pipeline([]).conversion_rates() == ()


def test_several_models_in_one_pipeline() -> None:
    pipeline = Pipeline(
        [
            deal("A", stage="Negotiation/Review"),
            deal("B", stage="Contract Sent", model=StageModel.hubspot()),
        ]
    )
    names = [s.stage for s in pipeline.by_stage()]
    assert names[:8] == [s.name for s in StageModel.default().stages]
    assert "Contract Sent" in names
    assert pipeline.weighted_total() == Money("1650", "USD")  # 750 + 900


# --------------------------------------------------------------------------------------------
# Notebook, CLI and demo


def test_records_html_and_pandas() -> None:
    pipeline = sample_pipeline()
    records = pipeline.to_records()
    assert records[0]["id"] == "OPP-1001"
    assert records[0]["amount"] == "120000"
    assert "<table>" in pipeline._repr_html_()
    report = pipeline.report(date(2025, 6, 20))
    assert {r["stage"] for r in report.to_records()} >= {"Prospecting", "Closed Won"}
    html = report._repr_html_()
    assert "Weighted pipeline: 122080.00 USD" in html
    frame = report.to_pandas()
    assert list(frame["stage"])[:2] == ["Prospecting", "Qualification"]
    json.dumps(report.to_records())


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pipeline", SAMPLE, "--as-of", "2025-06-20"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["weighted_total"] == {"amount": "122080.00", "currency": "USD"}
    assert data["schema_version"] == 1
    assert data["forecast"]["period"] == {"start": "2025-04-01", "end": "2025-07-01"}


def test_cli_defaults_to_the_latest_change(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pipeline", SAMPLE]) == 0
    assert json.loads(capsys.readouterr().out)["as_of"] == "2025-06-20"


def test_cli_table_and_period(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "pipeline",
            SAMPLE,
            "--as-of",
            "2025-06-20",
            "--period-start",
            "2025-01-01",
            "--period-end",
            "2025-07-01",
            "--format",
            "table",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "Weighted pipeline" in out
    assert "122080.00 USD" in out
    assert "[2025-01-01, 2025-07-01)" in out
    assert "Stage-to-stage conversion" in out


def test_cli_bare_list_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    listing = tmp_path / "opps.json"
    listing.write_text(json.dumps([unstructure(deal("A", "100000", stage="Qualification"))]))
    assert main(["pipeline", str(listing), "--as-of", "2025-01-02"]) == 0
    assert json.loads(capsys.readouterr().out)["weighted_total"]["amount"] == "20000"
    assert main(["pipeline", str(listing), "--period-start", "2025-01-01"]) == 1
    assert "both --period-start and --period-end" in capsys.readouterr().err
    mixed = tmp_path / "mixed.json"
    mixed.write_text(json.dumps([unstructure(deal("A")), unstructure(deal("B", currency="EUR"))]))
    assert main(["pipeline", str(mixed)]) == 1
    assert "ExchangeRates" in capsys.readouterr().err
    assert main(["pipeline", str(tmp_path / "missing.json")]) == 1
    empty = tmp_path / "empty.json"
    empty.write_text("[]")
    assert main(["pipeline", str(empty)]) == 1
    assert "--as-of" in capsys.readouterr().err


def test_demo_section_renders() -> None:
    console = Console(file=io.StringIO(), width=100)
    s20_pipeline.run(console)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "75000.00 USD" in text
    assert "90000.00 USD" in text
    assert "5. Ongoing engagement" in text


def test_a_rate_for_the_report_currency_itself_is_refused() -> None:
    # Audit of issue 4: {"USD": "2"} in a USD table was silently ignored (rate() says 1).
    with pytest.raises(ValidationError, match="always worth 1 USD"):
        ExchangeRates("USD", {"USD": "2", "EUR": "1.1"})
    assert ExchangeRates("USD", {"USD": "1"}).rate("USD") == Decimal(1)


def test_cli_empty_file_names_every_missing_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Audit of issue 4: an empty file used to ask for --as-of, then fail with the Python
    # hint "pass currency=...", which the CLI user cannot follow.
    empty = tmp_path / "empty.json"
    empty.write_text('{"opportunities": []}')
    assert main(["pipeline", str(empty)]) == 1
    assert "pass --as-of and --currency" in capsys.readouterr().err
    assert main(["pipeline", str(empty), "--as-of", "2025-01-01"]) == 1
    assert "pass --currency" in capsys.readouterr().err
    assert main(["pipeline", str(empty), "--as-of", "2025-01-01", "--currency", "USD"]) == 0
    assert json.loads(capsys.readouterr().out)["weighted_total"]["amount"] == "0"


# --------------------------------------------------------------------------------------------
# The pipeline as it stood on a date


@given(deal_versions(), st.dates(date(2024, 12, 25), date(2025, 12, 31)))
def test_a_report_as_of_a_past_day_is_the_report_of_the_deals_as_they_were(
    deals: list[tuple[Opportunity, ...]], day: date
) -> None:
    # Rewinding the final deals must give exactly the versions that existed at the end of
    # the day: the last version whose last change is on or before it, none if created later.
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    then = [
        next((v for v in reversed(versions) if v.last_change_at < end), None) for versions in deals
    ]
    expected = [v for v in then if v is not None]
    for versions, version in zip(deals, then, strict=True):
        assert versions[-1].as_of(day) == version
    now = Pipeline([versions[-1] for versions in deals])
    assert now.as_of(day) == Pipeline(expected)
    if expected:
        assert now.report(day) == Pipeline(expected).report(day)


def test_as_of_by_hand() -> None:
    # Created 2025-01-01 in Prospecting (10 %), 1,000 USD; Qualification (20 %) on Jan 10;
    # 4,000 USD on Jan 20; lost on Feb 1 ("budget"); reopened into Needs Analysis on Mar 1.
    day = timedelta(days=1)
    first = deal("A")
    moved = first.move_to("Qualification", T0 + 9 * day)
    bigger = moved.with_amount(Money("4000", "USD"), T0 + 19 * day)
    lost = bigger.close_lost("budget", T0 + 31 * day)
    reopened = lost.reopen("Needs Analysis", T0 + 59 * day)
    assert reopened.as_of(date(2025, 1, 15)) == moved
    assert reopened.as_of(date(2025, 1, 9)) == first
    assert reopened.as_of(T0 + 9 * day) == moved  # a change at that very instant counts
    assert reopened.as_of(T0 + 9 * day - timedelta(microseconds=1)) == first
    at_loss = reopened.as_of(date(2025, 2, 15))
    assert at_loss == lost
    assert at_loss is not None
    assert (at_loss.lost_reason, at_loss.amount) == ("budget", Money("4000", "USD"))
    assert reopened.as_of(date(2024, 12, 31)) is None
    assert reopened.as_of(date(2025, 3, 1)) is reopened
    # In a pipeline: on Jan 15 the deal weighs 1,000 × 20 % = 200; on Feb 15 it is lost (0).
    other = deal("B", amount="500", created=T0 + 40 * day)  # created Feb 10
    pipeline = Pipeline([reopened, other])
    jan = pipeline.report(date(2025, 1, 15))
    assert (jan.deals, jan.weighted_total) == (1, Money("200", "USD"))
    feb = pipeline.report(date(2025, 2, 15))
    assert (feb.deals, feb.open_deals, feb.weighted_total) == (2, 1, Money("50", "USD"))
    # Before any deal existed the report is empty, still in the pipeline's currency.
    empty = pipeline.report(date(2024, 6, 30))
    assert (empty.deals, empty.total) == (0, Money("0", "USD"))
    with pytest.raises(RevcycleTypeError, match="as_of must be a date or an aware datetime"):
        reopened.as_of("2025-01-15")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="timezone-aware"):
        reopened.as_of(datetime(2025, 1, 15))  # noqa: DTZ001


def test_cli_as_of_a_past_day_rewinds(capsys: pytest.CaptureFixture[str]) -> None:
    # The sample's latest change is on 2025-06-20; on 2025-03-31 fewer deals existed and
    # none of the June closings had happened.
    assert main(["pipeline", SAMPLE, "--as-of", "2025-03-31"]) == 0
    data = loads(capsys.readouterr().out, PipelineReport)
    assert data == sample_pipeline().as_of(date(2025, 3, 31)).report(date(2025, 3, 31))
    assert data.deals < len(sample_pipeline().opportunities)
