"""Valid values of every public type, for the fuzz suite to start from.

A few seeds (the built-in samples, and what the engines make of them) are built once; every
attrs value reachable from them is collected by class, and every plain value (dates, amounts,
text) by type. A constructor's valid arguments are then the fields of a collected instance; a
function's or method's are drawn from the pools by its annotations (``valid_for``).
"""

from __future__ import annotations

import enum
import functools
import inspect
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
from hypothesis import strategies as st

from fuzz._targets import public_callables
from revcycle import samples
from revcycle.amendments import AddProduct, Amendment, Cancel, ChangeQuantity, amend
from revcycle.billing import BillingSettings, TaxRate, bill, billing_periods
from revcycle.calendars import (
    WEEKENDS,
    BusinessDayAdjustment,
    BusinessDayConvention,
    CountryHolidays,
    FinancialHolidays,
    JointCalendar,
)
from revcycle.catalog import Catalog
from revcycle.contracts import Contract
from revcycle.dates import Duration, Period, aligned_periods
from revcycle.engagement import AccountJourney, summarize
from revcycle.interest import DatedRate, RatePeriod, late_interest
from revcycle.metrics import arr_bridge
from revcycle.money import Money, Percent, Rounding, RoundingMode
from revcycle.opportunity import ClosePolicy, StageModel
from revcycle.pipeline import Pipeline
from revcycle.pricing import (
    AnyPricingModel,
    DiscountSchedule,
    DiscountTier,
    ScheduleKind,
    Stairstep,
    Tier,
    Volume,
)
from revcycle.proration import period_fraction_detail, term_multiplier_detail
from revcycle.quotes import Quote, price_quote
from revcycle.receivables import OpenItem, aging, schedule_interest
from revcycle.renewals import RenewalPricing, renew
from revcycle.serialization import (
    ContractBookDocument,
    OpenItemsDocument,
    UsageEventsDocument,
    UsagePlanDocument,
    loads,
)
from revcycle.terms import DayOfMonth, Payment, PaymentTerms
from revcycle.usage import AnyUsageModel, Meter, Percentage, UsageCharge, rate_usage


def _round_two_seeds(catalog: Catalog) -> list[Any]:
    """Contracts, amendments, renewals, metrics, bill runs, interest on a schedule and the
    financial calendars: the seed deal signed, amended, renewed, billed and measured, and the
    sample book."""
    seed = loads(samples.read_text("seed_deal.json"), Quote)
    contract = Contract.from_quote(
        price_quote(seed, catalog),
        id="C-1",
        billing=BillingSettings.stripe(frequency=Duration(months=3)),
    )
    changes: list[AddProduct | ChangeQuantity | Cancel] = [
        ChangeQuantity("PLATFORM-SEAT", quantity=120),
        AddProduct("SEAT", quantity=5),
    ]
    upsell = amend(contract, Amendment(date(2026, 1, 1), changes, id="A-1"), catalog)
    cancelled = amend(upsell.contract, Amendment(date(2027, 1, 1), [Cancel("SEAT")]), catalog)
    renewal = renew(upsell.contract, catalog, pricing=RenewalPricing.UPLIFT, uplift=Percent("7"))
    book = loads(samples.read_text("contracts.json"), list[Contract])
    documents = [
        ContractBookDocument(tuple(book)),
        loads(samples.read_text("open_items.json"), OpenItemsDocument),
        loads(samples.read_text("usage_events.json"), UsageEventsDocument),
        loads(samples.read_text("usage_plan.json"), UsagePlanDocument),
    ]
    year = Period(date(2026, 1, 1), date(2027, 1, 1))
    first = bill([cancelled.contract], through=date(2025, 4, 1))
    vat = TaxRate(Percent("20"), "VAT")
    second = bill([cancelled.contract], through=date(2026, 3, 31), issued=first.invoices, tax=vat)
    schedule = PaymentTerms.parse("50% now, 50% Net 30").schedule(
        date(2024, 1, 31), Money("1000.00", "USD")
    )
    return [
        documents,
        contract,
        upsell,
        cancelled,
        renewal,
        book,
        arr_bridge(book, year),
        [BillingSettings.lago(), BillingSettings.kill_bill(), BillingSettings.chargebee()],
        BillingSettings.salesforce_billing(),
        billing_periods(contract.subscriptions[0], contract.billing),
        first,
        second,
        vat,
        schedule_interest(
            schedule,
            [Payment(date(2024, 3, 1), Money("300.00", "USD"))],
            as_of=date(2024, 4, 30),
            rate=Percent("1.5"),
            per=RatePeriod.MONTH,
        ),
        late_interest(
            Money("1000.00", "USD"),
            date(2024, 1, 31),
            date(2024, 3, 15),
            rate=Percent("1"),
            per=RatePeriod.MONTH,
        ),
        JointCalendar([CountryHolidays("DE", "HE"), FinancialHolidays("ECB")]),
        CountryHolidays("US", categories=["public", "government"]),
    ]


def _seeds() -> list[Any]:
    """The small explicit table of valid values everything else is collected from."""
    catalog = loads(samples.read_text("catalog.json"), Catalog)
    quote = loads(samples.read_text("quote.json"), Quote)
    priced = price_quote(quote, catalog)
    pipeline = loads(samples.read_text("opportunities.json"), Pipeline)
    journeys = loads(samples.read_text("milestones.json"), tuple[AccountJourney, ...])
    items = loads(samples.read_text("open_items.json"), OpenItemsDocument).items
    events = loads(samples.read_text("usage_events.json"), UsageEventsDocument).events
    charges = loads(samples.read_text("usage_plan.json"), UsagePlanDocument).charges
    month = Period(date(2024, 1, 1), date(2024, 2, 1))
    terms = [
        PaymentTerms.parse(text)
        for text in ("2/10 Net 30", "Net 30 EOM", "50% now, 50% Net 30", "Due on receipt")
    ]
    schedule = terms[0].schedule(date(2024, 1, 31), Money("1000.00", "USD"))
    paid = schedule.apply_payment(date(2024, 2, 5), Money("500.00", "USD"))
    tiers = [Tier("10", Money("5", "USD")), Tier(None, Money("4", "USD"), Money("1", "USD"))]
    volume = Volume(tiers)
    schedule_tiers = [DiscountTier("10", Percent("0")), DiscountTier(None, Percent("10"))]
    rates = [
        DatedRate(date(2024, 1, 1), Percent("12.5")),
        DatedRate(date(2024, 7, 1), Percent("12")),
    ]
    percentage = Percentage(Percent("2.9"), "USD", fixed_fee=Money("0.30", "USD"))
    return [
        volume,
        volume.breakdown(Decimal("25")),
        Stairstep(
            [Tier("10", flat_price=Money("9", "USD")), Tier("100", flat_price=Money("30", "USD"))],
            overage_unit_price=Money("1", "USD"),
        ),
        DiscountSchedule(ScheduleKind.RANGE, schedule_tiers).breakdown(
            Money("100", "USD"), Decimal("25")
        ),
        rates,
        percentage,
        UsageCharge(Meter("payments", "sum"), percentage),
        DayOfMonth(10, months=1, cutoff_day=25),
        ClosePolicy(require_accepted_quote=True),
        [journey.spans() for journey in journeys],
        CountryHolidays("US"),
        catalog,
        quote,
        priced,
        priced.lines[0].steps,
        pipeline,
        pipeline.report(date(2025, 6, 30)),
        loads(samples.read_text("stage_model.json"), StageModel),
        StageModel.default(),
        journeys,
        summarize(journeys),
        items,
        aging(items, date(2024, 6, 30)),
        events,
        charges,
        rate_usage(events, charges, month),
        terms,
        paid,
        late_interest(Money("1000.00", "USD"), date(2024, 1, 31), date(2024, 3, 15), Percent("12")),
        late_interest(
            Money("1000.00", "EUR"),
            date(2024, 1, 31),
            date(2024, 9, 15),
            rates,
        ),
        term_multiplier_detail(date(2024, 1, 15), date(2025, 3, 10)),
        period_fraction_detail(Period(date(2024, 1, 15), date(2024, 2, 1)), month),
        aligned_periods(
            Period(date(2024, 1, 15), date(2024, 4, 1)), date(2024, 1, 1), Duration(months=1)
        ),
        BusinessDayAdjustment(BusinessDayConvention.FOLLOWING),
        WEEKENDS,
        Rounding(RoundingMode.HALF_EVEN, 4),
        [Money("0.0006", "USD"), Money("1234.5", "JPY"), Money("-12.345", "KWD")],
        [Percent("12.5"), Percent("0")],
        Duration(weeks=2),
        Duration(days=30),
        Fraction(76, 73),
        *_round_two_seeds(catalog),
    ]


def _walk(value: Any, found: dict[type, list[Any]], seen: set[int], depth: int = 0) -> None:
    if id(value) in seen or depth > 12:
        return
    seen.add(id(value))
    found.setdefault(type(value), []).append(value)
    if attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            if not field.name.startswith("_"):
                _walk(getattr(value, field.name), found, seen, depth + 1)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _walk(key, found, seen, depth + 1)
            _walk(item, found, seen, depth + 1)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _walk(item, found, seen, depth + 1)


@functools.cache
def world() -> dict[type, list[Any]]:
    """Every value reachable from the seeds, by exact type (each list holds at most 40)."""
    found: dict[type, list[Any]] = {}
    seen: set[int] = set()
    for seed in _seeds():  # each seed, not the list of them (a value of everything at once)
        _walk(seed, found, seen)
    return {cls: values[:40] for cls, values in found.items()}


def instances(cls: type) -> list[Any]:
    """Collected instances of ``cls`` or a subclass (one list per class: do not change it)."""
    if cls not in _INSTANCES:
        _INSTANCES[cls] = [v for k, values in world().items() if _subclass(k, cls) for v in values]
    return _INSTANCES[cls]


_INSTANCES: dict[type, list[Any]] = {}


def _subclass(k: type, cls: Any) -> bool:
    try:
        return isinstance(k, type) and issubclass(k, cls)
    except TypeError:
        return False


# Values for parameters whose type says too little (a str can be anything): by name.
BY_NAME: dict[str, list[Any]] = {
    "tz": ["UTC", "Europe/Paris", "America/New_York"],
    "locale": ["en_US", "de_DE", "ja_JP", "fr_CH"],
    "text": ["2/10 Net 30", "Net 30", "Net 30 EOM", "50% now, 50% Net 30", "P1M"],
    "currency": ["USD", "EUR", "JPY", "KWD"],
    "code": ["USD", "EUR"],
    "stage": ["Qualification", "Negotiation/Review", "Closed Won"],
    "sku": ["SEAT", "API", "SETUP"],
    "name": ["Standard", "Qualification"],
    "n": [1, 2, 3, 12],
    "country": ["US", "DE"],
    "subdivision": [None, "BY"],
}


def valid_for(annotation: Any, name: str = "") -> st.SearchStrategy[Any]:
    """A strategy of valid-looking values for a parameter annotated ``annotation`` (built once
    per annotation and name: building a strategy costs far more than drawing from it)."""
    try:
        return _valid_for(annotation, name)
    except TypeError:  # an annotation that cannot be hashed
        return _valid_for.__wrapped__(annotation, name)


@functools.cache
def _valid_for(annotation: Any, name: str) -> st.SearchStrategy[Any]:
    if name in BY_NAME:
        return st.sampled_from(BY_NAME[name])
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if annotation is None or annotation is type(None):
        return st.none()
    if origin in (typing.Union, types.UnionType):
        return st.one_of([valid_for(a, name) for a in args])
    if origin is typing.Literal:
        return st.sampled_from(args)
    if origin in (tuple, list, Sequence, Iterable, typing.Collection, set, frozenset) or (
        origin is not None and _subclass(origin, Iterable) and not _subclass(origin, Mapping)
    ):
        item = args[0] if args else Any
        return st.lists(valid_for(item), max_size=4).map(
            tuple if origin is tuple else (lambda x: x)
        )
    if origin is not None and _subclass(origin, Mapping):
        key, item = args if len(args) == 2 else (str, Any)
        return st.dictionaries(valid_for(key), valid_for(item), max_size=3)
    if annotation is Any or annotation is object or not isinstance(annotation, type):
        return any_value()
    if issubclass(annotation, enum.Enum):
        return st.sampled_from(list(annotation))
    if annotation is bool:
        return st.booleans()
    if annotation is int:
        return st.integers(-3, 400)
    if annotation is Decimal:
        return st.decimals("-1000", "100000", places=4)
    if annotation is str:
        return st.sampled_from(instances(str)[:40] or ["x"])
    if annotation is datetime:
        return st.datetimes(
            datetime(1990, 1, 1),  # noqa: DTZ001 - the bounds of a strategy with a zone
            datetime(2100, 1, 1),  # noqa: DTZ001
            timezones=st.just(UTC),
        )
    if annotation is date:
        return st.dates(date(1990, 1, 1), date(2100, 1, 1))
    if annotation is timedelta:
        return st.timedeltas(timedelta(0), timedelta(days=400))
    if annotation is tzinfo:
        return st.just(UTC)
    if annotation is Fraction:
        return st.fractions(0, 100, max_denominator=400)
    found = instances(annotation)
    if found:
        return st.sampled_from(found)
    return any_value()


@functools.cache
def _pool() -> list[Any]:
    return [v for values in world().values() for v in values[:3]]


def any_value() -> st.SearchStrategy[Any]:
    """Any collected value (of any type): a wrong type, most of the time."""
    return st.sampled_from(_pool())


def world_value(data: st.DataObject, label: str) -> Any:
    """Any collected value, drawn by index (so that Hypothesis shows a number, not a quote)."""
    return _pool()[data.draw(_index(len(_pool())), label=label)]


@functools.cache
def _index(size: int) -> st.SearchStrategy[int]:
    return st.integers(0, size - 1)


def instance(data: st.DataObject, cls: type, label: str) -> Any:
    """A collected instance of ``cls``, drawn by index."""
    found = instances(cls)
    return found[data.draw(_index(len(found)), label=label)]


def _key(func: Callable[..., Any]) -> tuple[Any, bool]:
    """What a bound method's signature depends on: its function, and that it is bound."""
    return getattr(func, "__func__", func), getattr(func, "__self__", None) is not None


def hints(func: Callable[..., Any]) -> dict[str, Any]:
    """The parameter annotations of ``func``, resolved where its module can resolve them."""
    key = _key(func)
    if key not in _HINTS:
        _HINTS[key] = _hints(func)
    return _HINTS[key]


_HINTS: dict[tuple[Any, bool], dict[str, Any]] = {}
_PARAMETERS: dict[tuple[Any, bool], list[inspect.Parameter]] = {}


def _hints(func: Callable[..., Any]) -> dict[str, Any]:
    target = func.__init__ if isinstance(func, type) else func  # type: ignore[misc]
    try:
        return typing.get_type_hints(target)
    except Exception:  # names imported only for type checking: fall back to none
        return {}


def parameters(func: Callable[..., Any]) -> list[inspect.Parameter]:
    """The parameters of ``func`` (a class: of its constructor), without ``self``."""
    key = _key(func)
    if key not in _PARAMETERS:
        _PARAMETERS[key] = _parameters(func)
    return _PARAMETERS[key]


def _parameters(func: Callable[..., Any]) -> list[inspect.Parameter]:
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        return []
    return [
        p
        for p in signature.parameters.values()
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and p.name != "self"
    ]


@functools.cache
def document_types() -> dict[str, tuple[Any, list[Any]]]:
    """THE table of document types: every public model with a collected instance, and the
    unions and lists the command line and the docs read. A new public model joins it by being
    public (and having a seed in ``_world.py``); a new union or list type is one more line."""
    table: dict[str, tuple[Any, list[Any]]] = {
        name: (cls, instances(cls))
        for name, cls in public_callables().items()
        if isinstance(cls, type) and attrs.has(cls) and instances(cls)
    }
    table["AnyPricingModel"] = (AnyPricingModel, instances(AnyPricingModel.__args__[0]))
    table["AnyUsageModel"] = (AnyUsageModel, instances(AnyUsageModel.__args__[-1]))
    table["tuple[OpenItem, ...]"] = (tuple[OpenItem, ...], [tuple(instances(OpenItem))])
    table["list[Contract]"] = (list[Contract], [instances(Contract)[:4]])  # samples/contracts.json
    table["tuple[AccountJourney, ...]"] = (
        tuple[AccountJourney, ...],
        [tuple(instances(AccountJourney))],
    )
    return table
