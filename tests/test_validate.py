"""The shared field checks (revcycle._validate) and the messages the modules build with them."""

from __future__ import annotations

import contextlib
import enum
import pickle
import re
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from revcycle._validate import (
    check_aware,
    check_day,
    check_text,
    check_texts,
    check_type,
    check_whole,
    is_day,
    require_aware,
    require_day,
    require_extra,
    require_sequence,
    require_text,
    to_choice,
    trusted,
)
from revcycle.errors import (
    MissingExtraError,
    PeriodError,
    RevcycleError,
    RevcycleTypeError,
    ValidationError,
    shown,
)


class Colour(enum.StrEnum):
    RED = "red"
    GREEN = "green"


class Stamp(datetime):
    """A datetime subclass with another name, like pandas.Timestamp."""


@attrs.frozen
class Deal:
    """A value with one field per kind of check, the way the engines declare them."""

    name: str = attrs.field(validator=check_text())
    note: str | None = attrs.field(default=None, validator=check_text(optional=True))
    code: str = attrs.field(default="", validator=check_text("Deal code {field}", allow_empty=True))
    tags: tuple[str, ...] = attrs.field(default=(), validator=check_texts())
    on: date = attrs.field(default=date(2025, 1, 1), validator=check_day())
    until: date | None = attrs.field(default=None, validator=check_day(optional=True))
    at: datetime = attrs.field(default=datetime(2025, 1, 1, tzinfo=UTC), validator=check_aware())
    count: int = attrs.field(default=1, validator=check_whole(1, 12, error=PeriodError))
    parent: Deal | None = attrs.field(
        default=None, validator=check_type(object, "anything or None", optional=True)
    )
    amount: int = attrs.field(default=0, validator=check_type(int, "an int"))


def _names(message: str, subject: str, value: object) -> bool:
    """True when ``message`` is a sentence naming ``subject`` and the bad ``value`` (as
    ``errors.shown`` shows it: a long list by its first items, issue 16)."""
    return message.startswith(subject) and shown(value) in message and message.endswith(".")


texts_st = st.text(min_size=1).filter(lambda s: s.strip() != "")
blanks = st.text(alphabet=" \t\n\r\u00a0\u2003", max_size=5)
not_str = st.one_of(st.none(), st.integers(), st.booleans(), st.binary(), st.lists(st.integers()))
days = st.dates()
naive = st.datetimes()
aware_st = st.datetimes(timezones=st.just(UTC))


# --------------------------------------------------------------------------------------------
# Properties


@given(value=texts_st)
def test_text_returns_any_non_blank_str_unchanged(value: str) -> None:
    assert require_text(value, "A name") is value
    assert Deal(name=value).name is value


@given(value=blanks)
def test_a_blank_str_is_refused_naming_the_field_and_the_value(value: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Deal(name=value)
    assert _names(str(caught.value), "Deal.name must be a non-empty str", value)
    assert require_text(value, "A code", allow_empty=True) == value


@given(value=not_str)
def test_a_non_str_is_a_type_error_naming_the_field_and_the_value(value: object) -> None:
    with pytest.raises(RevcycleTypeError) as caught:
        Deal(name=value)  # type: ignore[arg-type]
    assert _names(str(caught.value), "Deal.name must be a str", value)
    if value is not None:
        with pytest.raises(RevcycleTypeError, match=r"^Deal\.note must be a str"):
            Deal(name="x", note=value)  # type: ignore[arg-type]
    with pytest.raises(RevcycleTypeError) as caught:
        Deal(name="x", code=value)  # type: ignore[arg-type]
    assert _names(str(caught.value), "Deal code code must be a str", value)


@given(good=st.lists(texts_st, max_size=3), bad=st.one_of(blanks, not_str), at=st.integers(0, 3))
def test_texts_refuse_any_blank_or_non_str_item(good: list[str], bad: object, at: int) -> None:
    assert Deal(name="x", tags=tuple(good)).tags == tuple(good)
    items = [*good[:at], bad, *good[at:]]
    with pytest.raises(ValidationError) as caught:
        Deal(name="x", tags=tuple(items))  # type: ignore[arg-type]
    message = str(caught.value)
    assert message.startswith("Deal.tags holds ")
    assert repr(bad) in message


@given(day=days)
def test_every_date_is_a_day(day: date) -> None:
    assert is_day(day)
    assert require_day(day, "A day") is day
    assert Deal(name="x", on=day).on is day
    assert Deal(name="x", until=day).until is day
    assert Deal(name="x", until=None).until is None


@given(moment=st.one_of(naive, aware_st))
def test_a_datetime_is_never_a_day(moment: datetime) -> None:
    assert not is_day(moment)
    with pytest.raises(RevcycleTypeError) as caught:
        require_day(moment, "An invoice date")
    assert _names(str(caught.value), "An invoice date must be a datetime.date", moment)
    with pytest.raises(RevcycleTypeError) as caught:
        Deal(name="x", on=moment)
    assert _names(str(caught.value), "Deal.on must be a datetime.date", moment)
    with pytest.raises(RevcycleTypeError) as caught:
        Deal(name="x", until=moment)
    assert _names(str(caught.value), "Deal.until must be a datetime.date", moment)


@given(moment=naive)
def test_a_renamed_datetime_subclass_is_refused_too(moment: datetime) -> None:
    # pandas.Timestamp is such a subclass: its time of day would be dropped silently.
    stamp = Stamp.combine(moment.date(), moment.time())
    assert not is_day(stamp)
    with pytest.raises(RevcycleTypeError, match=r"^as_of must be a datetime\.date"):
        require_day(stamp, "as_of")


@given(value=st.one_of(not_str, st.text(), st.times()))
def test_anything_but_a_date_is_refused(value: object) -> None:
    assert not is_day(value)
    with pytest.raises(RevcycleTypeError) as caught:
        require_day(value, "A due date")
    assert _names(str(caught.value), "A due date must be a datetime.date", value)


@given(moment=aware_st, offset=st.integers(-14 * 60, 14 * 60))
def test_aware_datetimes_pass_in_any_zone(moment: datetime, offset: int) -> None:
    shifted = moment.astimezone(timezone(timedelta(minutes=offset)))
    assert require_aware(shifted, "at") is shifted
    assert Deal(name="x", at=shifted).at is shifted


@given(moment=naive)
def test_a_naive_datetime_is_refused_naming_the_field_and_the_time(moment: datetime) -> None:
    with pytest.raises(ValidationError) as caught:
        Deal(name="x", at=moment)
    message = str(caught.value)
    assert message.startswith("Deal.at must be timezone-aware; got the naive datetime")
    assert moment.isoformat() in message


@given(value=st.one_of(days, not_str))
def test_anything_but_a_datetime_is_a_type_error_for_a_timestamp(value: object) -> None:
    with pytest.raises(RevcycleTypeError) as caught:
        require_aware(value, "created_at")
    assert _names(str(caught.value), "created_at must be a timezone-aware datetime", value)


@given(value=st.integers(-100, 100))
def test_whole_accepts_exactly_the_range(value: int) -> None:
    if 1 <= value <= 12:
        assert Deal(name="x", count=value).count == value
        return
    with pytest.raises(PeriodError) as caught:
        Deal(name="x", count=value)
    assert str(caught.value) == f"Deal count must be from 1 to 12, got {value}."


@given(value=st.one_of(st.booleans(), st.text(), st.decimals(allow_nan=False), st.none()))
def test_whole_refuses_bools_and_non_ints(value: object) -> None:
    with pytest.raises(RevcycleTypeError) as caught:
        Deal(name="x", count=value)  # type: ignore[arg-type]
    assert _names(str(caught.value), "Deal count must be an int", value)


@given(values=st.one_of(st.lists(st.integers()), st.tuples(st.integers(), st.text())))
def test_a_sequence_becomes_a_tuple_with_its_items_in_order(values: Any) -> None:
    assert require_sequence(values, "Items") == tuple(values)
    assert require_sequence(iter(values), "Items") == tuple(values)


@given(value=st.one_of(st.text(), st.binary(), st.integers(), st.none()))
def test_text_and_non_iterables_are_not_sequences(value: object) -> None:
    with pytest.raises(RevcycleTypeError) as caught:
        require_sequence(value, "Milestones", of="Milestone")
    assert _names(str(caught.value), "Milestones must be a sequence of Milestone", value)


@given(good=st.lists(st.integers(), max_size=3), bad=st.one_of(st.text(), st.none()))
def test_a_typed_sequence_refuses_any_other_item(good: list[int], bad: object) -> None:
    assert require_sequence(good, "Counts", kind=int) == tuple(good)
    with pytest.raises(RevcycleTypeError) as caught:
        require_sequence([*good, bad], "Counts", kind=int)
    assert str(caught.value) == f"Counts must not hold {bad!r}."


@given(mapping=st.dictionaries(st.text(), st.integers(), max_size=3))
def test_a_mapping_is_a_sequence_of_its_keys_only_when_allowed(mapping: dict[str, int]) -> None:
    assert require_sequence(mapping, "Names") == tuple(mapping)
    with pytest.raises(RevcycleTypeError) as caught:
        require_sequence(mapping, "Quote lines", allow_mapping=False)
    assert _names(str(caught.value), "Quote lines must be a sequence", mapping)


@given(member=st.sampled_from(list(Colour)))
def test_a_choice_is_its_member_or_its_value(member: Colour) -> None:
    assert to_choice(Colour, member, "A colour") is member
    assert to_choice(Colour, member.value, "A colour", str_only=True) is member


@given(value=st.one_of(st.text(), st.integers(), st.none()))
def test_an_unknown_choice_lists_every_allowed_value(value: object) -> None:
    if value in {"red", "green"}:
        return
    with pytest.raises(ValidationError) as caught:
        to_choice(Colour, value, "A colour")
    assert str(caught.value) == f"A colour must be one of 'red', 'green', not {value!r}."


@given(value=st.one_of(st.integers(), st.none(), st.binary()))
def test_a_str_only_choice_refuses_other_types_first(value: object) -> None:
    with pytest.raises(RevcycleTypeError) as caught:
        to_choice(Colour, value, "A colour", str_only=True)
    assert str(caught.value) == f"A colour must be a Colour, not {value!r}."


@given(value=st.one_of(st.integers(), st.text(), st.none(), st.dates(), st.datetimes()))
def test_every_refusal_is_a_revcycle_error(value: object) -> None:
    checks = (
        lambda: require_text(value, "x"),
        lambda: require_day(value, "x"),
        lambda: require_aware(value, "x"),
        lambda: require_sequence(value, "x"),
        lambda: to_choice(Colour, value, "x"),
        lambda: Deal(name="x", amount=value),  # type: ignore[arg-type]
    )
    for check in checks:
        with contextlib.suppress(RevcycleError):
            check()


# --------------------------------------------------------------------------------------------
# Examples: the messages the modules give, worked out by hand from each check's wording


def test_type_check_names_field_expected_and_value() -> None:
    with pytest.raises(RevcycleTypeError) as caught:
        Deal(name="x", amount="5")  # type: ignore[arg-type]
    assert str(caught.value) == "Deal.amount must be an int, not '5'."
    assert Deal(name="x", parent=None).parent is None


def test_the_engines_messages() -> None:
    from revcycle.calendars import BusinessDayAdjustment, CountryHolidays, WeekendCalendar
    from revcycle.dates import Duration, Period
    from revcycle.engagement import Milestone
    from revcycle.money import Money
    from revcycle.opportunity import Opportunity, Touchpoint
    from revcycle.pipeline import Pipeline
    from revcycle.receivables import OpenItem
    from revcycle.terms import EarlyPaymentDiscount, NetDays, PaymentTerms

    created = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
    cases: list[tuple[Any, type[Exception], str]] = [
        (
            lambda: Opportunity(
                id="OPP-1",
                account="",
                name="n",
                amount=Money("1", "USD"),
                close_date=date(2025, 6, 30),
                owner="dana",
                stage="Prospecting",
                created_at=created,
            ),
            ValidationError,
            "Opportunity.account must be a non-empty str, not ''.",
        ),
        (
            # The default history entry is built before the opportunity's own validators run;
            # it checks what it copies under the opportunity's own field names.
            lambda: Opportunity(
                id="OPP-1",
                account="A",
                name="n",
                amount=5,  # type: ignore[arg-type]
                close_date=date(2025, 6, 30),
                owner="dana",
                stage="Prospecting",
                created_at=created,
            ),
            RevcycleTypeError,
            "Opportunity.amount must be Money, not 5.",
        ),
        (
            lambda: Touchpoint("webinar", datetime(2025, 1, 8, 16, 0)),  # noqa: DTZ001
            ValidationError,
            (
                "Touchpoint.at must be timezone-aware; got the naive datetime "
                "2025-01-08T16:00:00. Pass tzinfo, e.g. datetime(2025, 1, 6, 9, 0, "
                "tzinfo=timezone.utc)."
            ),
        ),
        (
            lambda: OpenItem("I-1", "A", date(2025, 1, 1), 5),  # type: ignore[arg-type]
            RevcycleTypeError,
            "An open item's amount must be Money, not 5.",
        ),
        (
            lambda: Period(datetime(2025, 1, 1), date(2025, 2, 1)),  # noqa: DTZ001
            RevcycleTypeError,
            "Period start must be a datetime.date, not datetime.datetime(2025, 1, 1, 0, 0).",
        ),
        (lambda: Duration(months=-1), PeriodError, "Duration months must be at least 0, got -1."),
        (lambda: Duration(days=True), RevcycleTypeError, "Duration days must be an int, not True."),
        (
            lambda: Milestone("signed", date(2025, 1, 1)),
            ValidationError,
            (
                "A milestone kind must be one of 'opportunity_created', 'first_quote', "
                "'closed_won', 'closed_lost', 'contract_start', 'first_invoice_issued', "
                "'first_invoice_paid', 'amendment', 'renewal', not 'signed'."
            ),
        ),
        (
            lambda: OpenItem("I-1", 7, date(2025, 1, 1), Money("1", "USD")),  # type: ignore[arg-type]
            RevcycleTypeError,
            "An open item's account must be a str, not 7.",
        ),
        (
            lambda: Pipeline([], rates="EUR"),  # type: ignore[arg-type]
            RevcycleTypeError,
            "Pipeline rates must be ExchangeRates or None, not 'EUR'.",
        ),
        (
            lambda: Pipeline("OPP-1"),  # type: ignore[arg-type]
            RevcycleTypeError,
            "A pipeline's opportunities must be a sequence of Opportunity, not 'OPP-1'.",
        ),
        (
            lambda: WeekendCalendar(holidays=frozenset({datetime(2025, 1, 1)})),  # noqa: DTZ001
            RevcycleTypeError,
            "A holiday must be a datetime.date, not datetime.datetime(2025, 1, 1, 0, 0).",
        ),
        (
            lambda: CountryHolidays(49),  # type: ignore[arg-type]
            RevcycleTypeError,
            "CountryHolidays country must be a str, not 49.",
        ),
        (
            lambda: BusinessDayAdjustment(5),  # type: ignore[arg-type]
            RevcycleTypeError,
            "A business-day convention must be a BusinessDayConvention, not 5.",
        ),
        (  # issue 16, item 6: the limit on day counts is named
            lambda: NetDays(-1),
            ValidationError,
            "NetDays days must be from 0 to 3652058, got -1.",
        ),
        (
            lambda: PaymentTerms.parse("Net 30").due_date(datetime(2025, 1, 1)),  # noqa: DTZ001
            RevcycleTypeError,
            "An invoice date must be a datetime.date, not datetime.datetime(2025, 1, 1, 0, 0).",
        ),
        (
            lambda: PaymentTerms(PaymentTerms.parse("Net 30").installments, 2),  # type: ignore[arg-type]
            RevcycleTypeError,
            "An early-payment discount must be an EarlyPaymentDiscount, not 2.",
        ),
        (
            lambda: EarlyPaymentDiscount(2, "10"),  # type: ignore[arg-type]
            RevcycleTypeError,
            "EarlyPaymentDiscount days must be an int, not '10'.",
        ),
    ]
    for build, error, message in cases:
        with pytest.raises(error, match=f"^{re.escape(message)}$"):
            build()


# --------------------------------------------------------------------------------------------
# Optional packages: one error, MissingExtraError, naming the pip install of the extra

_EXTRAS = ("holidays", "pandas", "arrow", "cli", "dask", "plot", "docs", "testing")


@pytest.mark.parametrize("extra", _EXTRAS)
def test_require_extra_names_the_pip_install_of_every_extra(
    extra: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "revcycle_missing_package", None)
    with pytest.raises(MissingExtraError) as caught:
        require_extra("revcycle_missing_package", extra, "This feature")
    error = caught.value
    assert isinstance(error, ImportError)
    assert isinstance(error, RevcycleError)
    assert str(error).startswith("This feature needs the ")
    assert f"pip install 'revcycle[{extra}]'" in str(error)
    assert str(error).endswith(".")
    assert pickle.loads(pickle.dumps(error)).args == error.args


def test_require_extra_returns_the_module() -> None:
    assert require_extra("json.decoder", "testing", "JSON") is sys.modules["json.decoder"]


def _blocked_schedule_to_pandas() -> object:
    from revcycle import Money, PaymentTerms

    return PaymentTerms.parse("Net 30").schedule(date(2024, 1, 1), Money("1", "USD")).to_pandas()


def _blocked_country_holidays() -> object:
    from revcycle import CountryHolidays

    return CountryHolidays("US")


def _blocked_rate_usage_table() -> object:
    import revcycle.usage
    from revcycle import Aggregation, Meter, Money, Period, PerUnit, UsageCharge
    from revcycle.usage import rate_usage_table

    # A fresh import of the columnar module, as in a process without pyarrow.
    sys.modules.pop("revcycle.usage._arrow", None)
    vars(revcycle.usage).pop("_arrow", None)
    charge = UsageCharge(Meter("m", Aggregation.SUM), PerUnit(Money("1", "USD")))
    return rate_usage_table(None, charge, Period.of_month(2024, 1))  # type: ignore[arg-type]


def _blocked_console() -> object:
    from revcycle.cli._common import console

    return console()


def _blocked_testing() -> object:
    import revcycle

    sys.modules.pop("revcycle.testing", None)
    vars(revcycle).pop("testing", None)
    import revcycle.testing

    return revcycle.testing


@pytest.mark.parametrize(
    ("blocked", "extra", "call"),
    [
        (("holidays",), "holidays", _blocked_country_holidays),
        (("pandas",), "pandas", _blocked_schedule_to_pandas),
        (("pyarrow", "pyarrow.compute"), "arrow", _blocked_rate_usage_table),
        (("rich", "rich.console", "rich.table"), "cli", _blocked_console),
        (("hypothesis.strategies",), "testing", _blocked_testing),
    ],
)
def test_each_optional_package_missing_raises_missing_extra_error(
    blocked: tuple[str, ...],
    extra: str,
    call: Callable[[], object],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import revcycle
    import revcycle.usage

    for name in blocked:
        monkeypatch.setitem(sys.modules, name, None)
    # Whatever the call drops to re-import is put back afterwards.
    for name in ("revcycle.usage._arrow", "revcycle.testing"):
        if name in sys.modules:
            monkeypatch.setitem(sys.modules, name, sys.modules[name])
    for package, attribute in ((revcycle.usage, "_arrow"), (revcycle, "testing")):
        if hasattr(package, attribute):
            monkeypatch.setattr(package, attribute, getattr(package, attribute))
    with pytest.raises(MissingExtraError, match=re.escape(f"pip install 'revcycle[{extra}]'")):
        call()


def test_the_command_line_reports_a_missing_rich_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from revcycle.cli import main

    monkeypatch.setitem(sys.modules, "rich.console", None)
    args = ["prorate", "--start", "2024-01-01", "--end", "2024-02-01", "--format", "table"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "pip install 'revcycle[cli]'" in err
    assert "--format json" in err


# --------------------------------------------------------------------------------------------
# trusted(): a frozen value filled without __init__


@attrs.frozen
class _Line:
    number: int = attrs.field(converter=int)
    text: str = attrs.field(validator=attrs.validators.instance_of(str))
    _cache: object = attrs.field(init=False, default=None, eq=False)


def test_trusted_fills_the_named_slots_without_init() -> None:
    new_line = trusted(_Line, "number", "text", "_cache")
    line = new_line(1, "a", "kept")
    assert line == _Line(1, "a")
    assert line._cache == "kept"
    # No converter and no validator ran: the engine vouches for the values.
    number: object = new_line("1", 2, None).number
    assert number == "1"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        line.number = 2  # type: ignore[misc]


def test_trusted_refuses_a_name_that_is_not_a_slot_or_named_twice() -> None:
    with pytest.raises(TypeError, match="not a slot"):
        trusted(_Line, "number", "missing")
    with pytest.raises(ValueError, match="twice"):
        trusted(_Line, "number", "number")


def test_an_error_message_is_bounded_whatever_it_names() -> None:
    # Found by the long fuzz run (issue 16): an Invoice refused for a 100,000-character
    # contract id wrote the id whole into a 100,136-character message. Every revcycle error
    # keeps at most MAX_MESSAGE characters: the start and the end, the middle counted.
    from revcycle.errors import MAX_MESSAGE, StructureError, UnknownCodeError, ValidationError

    long_id = "x" * 100_000
    error = ValidationError(f"Invoice of contract {long_id} holds a line of contract C-1.")
    text = str(error)
    assert len(text) <= MAX_MESSAGE
    assert text.startswith("Invoice of contract xxx")
    assert text.endswith("xxx holds a line of contract C-1.")
    # 100,050 characters; the first and last 4,950 kept: 100,050 − 9,900 = 90,150 left out.
    assert "[90,150 characters left out]" in text
    assert len(str(UnknownCodeError(f"No SKU {long_id}."))) <= MAX_MESSAGE
    many = StructureError("Cannot read Quote:", [f"$.lines[{i}]: {long_id}" for i in range(20)])
    assert len(str(many)) <= MAX_MESSAGE
    assert str(ValidationError("short")) == "short"  # short messages are untouched
