"""Calls a type checker must accept or refuse (issue 16: constructors were typed ``object``, so
editors showed nothing and mypy accepted ``Money(1.5, "USD")``).

``tests/test_typing.py`` runs ``mypy --strict`` on this file. Every call in :func:`accepted`
type-checks; every call in :func:`refused` must be an error, which its ``type: ignore``
comment names: mypy's ``warn_unused_ignores`` (part of ``--strict``) fails the run if one of
them is not. The functions are never called (the refused calls would raise at run time).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from revcycle import (
    AddProduct,
    Amendment,
    ArrBridge,
    BillingSettings,
    Cancel,
    Catalog,
    ChangeQuantity,
    Contract,
    Currency,
    DayOfMonth,
    Duration,
    EarlyPaymentDiscount,
    Installment,
    LockedPrice,
    Meter,
    Money,
    NetDays,
    Package,
    PaymentTerms,
    Percent,
    Period,
    Quote,
    QuoteLine,
    RatePeriod,
    RenewalPricing,
    Stairstep,
    TaxRate,
    Tier,
    UsageCharge,
    UsageEvent,
    arr,
    arr_bridge,
    bill,
    late_interest,
    mrr,
    renew,
)
from revcycle.money import ExchangeRates
from revcycle.pricing import DiscountTier, Graduated, TieredModel, Volume
from revcycle.receivables import schedule_interest
from revcycle.usage import Aggregation, Percentage, UnitRounding


def accepted() -> None:
    usd = Money("12.30", "USD")
    Money(Decimal("1.5"), Currency("EUR"))
    Money(3, "JPY")
    Percent("12.5")
    Percent(Decimal("0.5"))
    tiers = [Tier(Decimal("5"), usd), Tier("10", usd), Tier(None, unit_price=usd)]
    models: dict[str, TieredModel] = {
        "graduated": Graduated(tiers),
        "volume": Volume(tiers),
        "stairstep": Stairstep([Tier(None, flat_price=usd)]),
    }
    Package(10, usd, free_units="3")
    DiscountTier("9", percent="10")
    line = QuoteLine("SEAT", 3)
    QuoteLine("SEAT", "2.5")
    QuoteLine("SEAT", Decimal("0.5"))
    Quote("ACME", "USD", "Standard", date(2025, 1, 1), [line])
    Quote("ACME", "USD", "Standard", date(2025, 1, 1), (line,), proration_method="daily")
    at = datetime(2024, 1, 1, tzinfo=UTC)
    UsageEvent(id="e", customer="c", metric="m", at=at, quantity="2.5")
    meter = Meter("m", "sum", unit_rounding=UnitRounding("ceil", 2))
    UsageCharge(meter, models["graduated"], included_units=100)
    UsageCharge(Meter("m", Aggregation.SUM), Percentage("2.5", "USD", free_events=1))
    terms = PaymentTerms([Installment.percent(100, DayOfMonth(10))], adjustment="following")
    EarlyPaymentDiscount("2", 10)
    late_interest(usd, date(2024, 1, 1), date(2024, 2, 1), rate="1.5", per=RatePeriod.MONTH)
    schedule = terms.schedule(date(2024, 1, 1), usd)
    schedule_interest(schedule, as_of=date(2024, 6, 1), rate=Percent("8"), per="month")
    ExchangeRates("USD", {"EUR": "1.10"})
    Amendment(
        date(2026, 3, 1),
        [AddProduct("API", quantity="5"), ChangeQuantity("SEAT", quantity=105), Cancel("X")],
        id="A-1",
    )
    BillingSettings(timing="in_arrears", first_period="free", proration="thirty_360")
    BillingSettings.kill_bill(31)
    TaxRate("20", "VAT")
    bill([], through=date(2025, 1, 1), tax=TaxRate(Percent("20"), "VAT"))
    print(NetDays(30), models)


def refused() -> None:
    usd = Money("1", "USD")
    Money(1.5, "USD")  # type: ignore[arg-type]
    Money("1", 840)  # type: ignore[arg-type]
    Percent(0.5)  # type: ignore[arg-type]
    Tier(up_to=1.5)  # type: ignore[arg-type]
    QuoteLine("SEAT", 1.5)  # type: ignore[arg-type]
    Quote("ACME", "USD", "Standard", date(2025, 1, 1), 5)  # type: ignore[arg-type]
    Package(1.5, usd)  # type: ignore[arg-type]
    UsageEvent(id="e", customer="c", metric="m", at=datetime.now(UTC), quantity=1.5)  # type: ignore[arg-type]
    Meter("m", 5)  # type: ignore[arg-type]
    PaymentTerms(5)  # type: ignore[arg-type]
    late_interest(usd, date(2024, 1, 1), date(2024, 2, 1), rate=0.1)  # type: ignore[arg-type]
    ExchangeRates("USD", {"EUR": 1.1})  # type: ignore[arg-type]
    ChangeQuantity("SEAT", quantity=1.5)  # type: ignore[arg-type]
    AddProduct("SEAT", quantity=2.0)  # type: ignore[arg-type]
    Amendment(date(2026, 3, 1), 5)  # type: ignore[arg-type]
    BillingSettings(timing=5)  # type: ignore[arg-type]
    TaxRate(0.2, "VAT")  # type: ignore[arg-type]
    bill([], through="2025-01-01")  # type: ignore[arg-type]


def accepted_renewals_and_metrics(contract: Contract, catalog: Catalog) -> None:
    renew(contract, catalog, pricing=RenewalPricing.UPLIFT, uplift=Percent("7"), id="C-2")
    renew(contract, catalog, pricing="uplift", uplift="7", term=Duration(years=1))
    LockedPrice(
        unit_price=Money("1080", "USD"),
        pricing_term=Duration(months=12),
        contract="C-1",
        version=2,
        subscription="C-1-1",
        uplift=Percent("7"),
    )
    Quote("ACME", "USD", "Standard", date(2025, 1, 1), [], payment_terms=PaymentTerms.net(60))
    bridge: ArrBridge = arr_bridge([contract], Period(date(2026, 1, 1), date(2027, 1, 1)))
    ratio: Decimal = bridge.net_revenue_retention
    yearly: Money = arr([contract], date(2026, 1, 1), currency="USD")
    print(ratio, yearly, mrr([contract], date(2026, 1, 1)))


def refused_renewals_and_metrics(contract: Contract, catalog: Catalog) -> None:
    renew(contract, catalog, pricing="uplift", uplift=7.0)  # type: ignore[arg-type]
    renew(contract, catalog, term="P1Y")  # type: ignore[arg-type]
    arr([contract], "2026-01-01")  # type: ignore[arg-type]
    Quote("ACME", "USD", "Standard", date(2025, 1, 1), [], payment_terms=60)  # type: ignore[arg-type]
