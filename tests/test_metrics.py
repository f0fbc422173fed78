"""Metrics: MRR, ARR, the ARR bridge and retention over a book of contracts.

Known answers cite their source: DESIGN §4.3 (the metrics bullet) and the hand computations
written out in the comments. The book below is priced from samples/catalog.json:
PLATFORM-SEAT lists at 1,200.00 a year, STORAGE at 25.00 a month per pack of 100 GB.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import JUNK, usd
from revcycle import errors, samples
from revcycle._numbers import CTX
from revcycle.amendments import Amendment, Cancel, ChangeQuantity, amend
from revcycle.catalog import Catalog, ChargeKind, PriceBook, Product
from revcycle.contracts import Contract
from revcycle.dates import Duration, Period
from revcycle.metrics import (
    AccountArr,
    ArrBridge,
    ArrMovement,
    arr,
    arr_bridge,
    gross_revenue_retention,
    months_in,
    mrr,
    net_revenue_retention,
)
from revcycle.money import ExchangeRates, Money, Percent
from revcycle.pricing import Discount, PerUnit
from revcycle.proration import ProrationMethod
from revcycle.quotes import Quote, QuoteLine, price_quote
from revcycle.renewals import renew
from revcycle.serialization import dumps, loads


CATALOG = loads(samples.read_text("catalog.json"), Catalog)
SEATS = "PLATFORM-SEAT"
YEAR_2026 = Period.inclusive(date(2026, 1, 1), date(2026, 12, 31))


def contract(
    cid: str, account: str, start: date, last: date, *lines: QuoteLine, **options: Any
) -> Contract:
    """A contract on the sample catalog, Net 30."""
    q = Quote(
        account, "USD", "Standard", start, lines, end_date=last, payment_terms="Net 30", **options
    )
    return Contract.from_quote(price_quote(q, CATALOG), id=cid)


def seats(quantity: int, percent_off: str | None = None) -> QuoteLine:
    discount = None if percent_off is None else Discount.percent(Percent(percent_off))
    return QuoteLine(SEATS, quantity, discount=discount)


def changed(c: Contract, day: date, quantity: int) -> Contract:
    return amend(c, Amendment(day, [ChangeQuantity(SEATS, quantity=quantity)]), CATALOG).contract


def book() -> list[Contract]:
    """Seven accounts, one of each movement over 2026 (worked in test_the_bridge_by_hand)."""
    acme = changed(
        contract("A", "Acme", date(2025, 1, 1), date(2027, 12, 31), seats(10)),
        date(2026, 3, 1),
        15,
    )
    beta = contract("B", "Beta", date(2025, 1, 1), date(2025, 12, 31), seats(20, "10"))
    gamma = contract("C", "Gamma", date(2026, 4, 1), date(2027, 3, 31), seats(5))
    delta_then = contract("D1", "Delta", date(2024, 1, 1), date(2024, 12, 31), seats(2))
    delta_now = contract("D2", "Delta", date(2026, 6, 1), date(2027, 5, 31), seats(3))
    echo = contract("E1", "Echo", date(2025, 7, 1), date(2026, 6, 30), seats(10))
    echo_renewal = Contract.from_quote(
        renew(echo, CATALOG, pricing="uplift", uplift="7"), id="E2", renews=echo
    )
    foxtrot = changed(
        contract("F", "Foxtrot", date(2025, 1, 1), date(2027, 12, 31), seats(10)),
        date(2026, 9, 1),
        6,
    )
    golf = contract("G", "Golf", date(2025, 6, 1), date(2027, 5, 31), QuoteLine("STORAGE", 300))
    return [acme, beta, gamma, delta_then, delta_now, echo, echo_renewal, foxtrot, golf]


# --------------------------------------------------------------------------------------------
# MRR and ARR on a day (DESIGN §4.3)


def test_mrr_and_arr_on_a_day() -> None:
    acme = book()[0]
    # 10 seats at 1,200.00 a year: MRR 10 × 1,200.00 ÷ 12 = 1,000.00; ARR 12,000.00.
    assert mrr([acme], date(2026, 2, 28)) == usd("1000")
    assert arr([acme], date(2026, 2, 28)) == usd("12000")
    # From 2026-03-01 the +5 delta segment counts too: 15 × 100.00 = 1,500.00 a month.
    assert mrr([acme], date(2026, 3, 1)) == usd("1500")
    # Outside the contract: nothing.
    assert arr([acme], date(2028, 1, 1)) == usd("0")


def test_a_monthly_product_and_a_day_based_term() -> None:
    golf = book()[-1]
    # 300 GB in packs of 100 at 25.00 a month: 0.25 a GB; MRR 75.00, ARR 900.00.
    assert mrr([golf], date(2026, 1, 1)) == usd("75")
    assert arr([golf], date(2026, 1, 1)) == usd("900")
    catalog = Catalog(
        [Product("PASS", "30-day pass", ChargeKind.RECURRING, Duration(days=30))],
        [PriceBook("Standard", "USD", prices={"PASS": PerUnit(usd("30.00"))})],
    )
    q = Quote(
        "Hotel",
        "USD",
        "Standard",
        date(2025, 1, 1),
        [QuoteLine("PASS", 2)],
        end_date=date(2025, 12, 31),
        payment_terms="Net 30",
        proration_method=ProrationMethod.DAILY,
    )
    passes = Contract.from_quote(price_quote(q, catalog), id="P")
    # A 30-day term is 30 ÷ (365/12) = 72/73 of a month: ARR 2 × 30.00 × 12 × 73/72 = 730.00
    # exactly; MRR 60.00 × 73/72 = 60.8333…
    assert months_in(Duration(days=30)) == Fraction(72, 73)
    assert arr([passes], date(2025, 6, 1)) == usd("730")
    assert mrr([passes], date(2025, 6, 1)).amount == CTX.divide(Decimal(60 * 73), Decimal(72))


def test_one_time_and_usage_segments_are_not_recurring_revenue() -> None:
    c = contract(
        "O",
        "Oscar",
        date(2025, 1, 1),
        date(2025, 12, 31),
        seats(1),
        QuoteLine("ONBOARDING", 1),
        QuoteLine("API-CALLS", 5_000_000),
    )
    assert arr([c], date(2025, 1, 1)) == usd("1200")


def test_a_cancelled_line_counts_exactly_zero() -> None:
    # 7 seats at 33.3333 % off (800.0004 a year) then cancelled: the MRR of 7 seats,
    # 7 × 800.0004 ÷ 12 = 466.6669 (recurring), is no exact decimal, but the line's segments
    # are summed by quantity first (7 − 7 = 0), so nothing at all is left over.
    c = contract("Z", "Zulu", date(2025, 1, 1), date(2025, 12, 31), seats(7, "33.3333"))
    cancelled = amend(c, Amendment(date(2025, 5, 1), [Cancel(SEATS)]), CATALOG).contract
    assert mrr([cancelled], date(2025, 6, 1)).amount == 0
    assert arr([cancelled], date(2025, 6, 1)).amount == 0
    bridge = arr_bridge([cancelled], Period.inclusive(date(2025, 3, 1), date(2025, 6, 30)))
    assert bridge.accounts[0].movement is ArrMovement.CHURN


# --------------------------------------------------------------------------------------------
# The ARR bridge of a small book, by hand (issue 12: "an ARR bridge whose movements add up")


def test_the_bridge_by_hand() -> None:
    bridge = arr_bridge(book(), YEAR_2026)
    # Opening ARR on 2025-12-31: Acme 10 × 1,200 = 12,000; Beta 20 × 1,080 = 21,600; Echo
    # 10 × 1,200 = 12,000; Foxtrot 12,000; Golf 900 (Gamma and Delta have none) = 58,500.
    assert bridge.opening == usd("58500")
    # Closing ARR on 2026-12-31: Acme 15 × 1,200 = 18,000; Gamma 5 × 1,200 = 6,000; Delta
    # 3 × 1,200 = 3,600; Echo's renewal 10 × 1,284 (1,200 × 1.07) = 12,840; Foxtrot
    # 6 × 1,200 = 7,200; Golf 900 = 48,540.
    assert bridge.closing == usd("48540")
    # New: Gamma 6,000. Reactivation: Delta 3,600 (it had 2,400 of ARR in 2024). Expansion:
    # Acme 6,000 + Echo 840 = 6,840. Contraction: Foxtrot 4,800. Churn: Beta 21,600.
    assert bridge.new == usd("6000")
    assert bridge.reactivation == usd("3600")
    assert bridge.expansion == usd("6840")
    assert bridge.contraction == usd("4800")
    assert bridge.churn == usd("21600")
    # 58,500 + 6,000 + 6,840 + 3,600 − 4,800 − 21,600 = 48,540.
    assert (
        bridge.opening
        + bridge.new
        + bridge.expansion
        + bridge.reactivation
        - bridge.contraction
        - bridge.churn
        == bridge.closing
    )
    movements = {row.account: row.movement for row in bridge.accounts}
    assert movements == {
        "Acme": ArrMovement.EXPANSION,
        "Beta": ArrMovement.CHURN,
        "Delta": ArrMovement.REACTIVATION,
        "Echo": ArrMovement.EXPANSION,
        "Foxtrot": ArrMovement.CONTRACTION,
        "Gamma": ArrMovement.NEW,
        "Golf": ArrMovement.UNCHANGED,
    }
    assert bridge.account("Echo").change == usd("840")
    # NRR = (58,500 + 6,840 − 4,800 − 21,600) ÷ 58,500 = 38,940 ÷ 58,500;
    # GRR = (58,500 − 4,800 − 21,600) ÷ 58,500 = 32,100 ÷ 58,500.
    assert bridge.net_revenue_retention == CTX.divide(Decimal(38940), Decimal(58500))
    assert net_revenue_retention(book(), YEAR_2026) == bridge.net_revenue_retention
    assert gross_revenue_retention(book(), YEAR_2026) == CTX.divide(Decimal(32100), Decimal(58500))
    # The bridge's ends are the ARR of the book on those days.
    assert arr(book(), date(2025, 12, 31)) == bridge.opening
    assert arr(book(), date(2026, 12, 31)) == bridge.closing


def test_the_bridge_explains_itself() -> None:
    text = arr_bridge(book(), YEAR_2026).explain()
    assert "ARR bridge 2026-01-01 → 2026-12-31 in USD" in text
    assert "    opening       58500.00 USD  ARR on 2025-12-31" in text
    assert "  + reactivation   3600.00 USD  1 account" in text
    assert "  = closing       48540.00 USD  ARR on 2026-12-31" in text
    assert "Net revenue retention 66.6%, gross 54.9%" in text
    assert "  Beta: churn -21600.00 USD (21600.00 USD → 0.00 USD)" in text
    assert "Golf" not in text  # unchanged accounts are not movements


def test_a_renewal_is_neither_churn_nor_new() -> None:
    echo, echo_renewal = book()[5:7]
    around = Period.inclusive(date(2026, 6, 1), date(2026, 7, 31))
    bridge = arr_bridge([echo, echo_renewal], around)
    # 12,000.00 → 12,840.00 on the same account: an expansion of 840.00.
    assert (bridge.churn, bridge.new, bridge.expansion) == (usd("0"), usd("0"), usd("840"))
    # Without the renewed contract in the book, the renewal is new business.
    assert arr_bridge([echo_renewal], around).new == usd("12840")


def test_an_early_renewal_never_counts_twice() -> None:
    echo = book()[5]
    # Renewed on 2026-05-01, two months before Echo's end (2026-06-30), at 12 seats.
    early = Contract.from_quote(
        price_quote(
            Quote(
                "Echo",
                "USD",
                "Standard",
                date(2026, 5, 1),
                [seats(12)],
                end_date=date(2027, 4, 30),
            ),
            CATALOG,
        ),
        id="E9",
        renews=echo,
    )
    assert arr([echo, early], date(2026, 4, 30)) == usd("12000")
    # On the overlap days only the renewal counts: 12 × 1,200.00, not 26,400.00.
    assert arr([echo, early], date(2026, 5, 15)) == usd("14400")
    bridge = arr_bridge([echo, early], Period.inclusive(date(2026, 4, 1), date(2026, 5, 31)))
    assert (bridge.expansion, bridge.churn, bridge.new) == (usd("2400"), usd("0"), usd("0"))


# --------------------------------------------------------------------------------------------
# Currencies, books and refusals


def test_several_currencies_need_exchange_rates() -> None:
    usd_contract = book()[0]
    q = Quote(
        "Euro GmbH",
        "EUR",
        "Standard",
        date(2025, 1, 1),
        [QuoteLine("SEAT", 5)],
        end_date=date(2026, 12, 31),
        payment_terms="Net 30",
    )
    eur_contract = Contract.from_quote(price_quote(q, CATALOG), id="EU")
    with pytest.raises(errors.CurrencyMismatchError, match=r"mixes currencies \(EUR, USD\)"):
        arr([usd_contract, eur_contract], date(2026, 1, 1))
    with pytest.raises(errors.CurrencyMismatchError, match="give rates=ExchangeRates"):
        arr([usd_contract, eur_contract], date(2026, 1, 1), currency="USD")
    # EUR SEAT lists at 92.00 a year: 5 × 92.00 = 460.00 EUR of ARR, × 1.10 = 506.00 USD.
    rates = ExchangeRates("USD", {"EUR": "1.10"})
    assert arr([usd_contract, eur_contract], date(2026, 1, 1), rates=rates) == usd("12506")
    bridge = arr_bridge([usd_contract, eur_contract], YEAR_2026, rates=rates)
    assert bridge.currency.code == "USD"
    assert bridge.opening == usd("12506")


def test_books_are_checked() -> None:
    acme = book()[0]
    with pytest.raises(errors.ValidationError, match="in the book twice"):
        arr([acme, acme], date(2026, 1, 1))
    with pytest.raises(
        errors.RevcycleTypeError, match=r"arr\(\) contracts must be Iterable\[Contract\]"
    ):
        arr(acme, date(2026, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(errors.ValidationError, match="empty book"):
        arr([], date(2026, 1, 1))
    assert arr([], date(2026, 1, 1), currency="USD") == usd("0")
    empty = arr_bridge([], YEAR_2026, currency="USD")
    assert empty.accounts == ()
    assert empty.closing == usd("0")
    with pytest.raises(errors.ValidationError, match="nothing to retain"):
        net_revenue_retention([book()[2]], YEAR_2026)  # Gamma: no ARR on 2025-12-31
    with pytest.raises(errors.ValidationError, match="opens on the day before its period"):
        arr_bridge([acme], Period(date.min, date(2026, 1, 1)))
    with pytest.raises(errors.RevcycleTypeError, match=r"arr_bridge\(\) period must be Period"):
        arr_bridge([acme], date(2026, 1, 1))  # type: ignore[arg-type]


def test_a_book_too_large_to_hold_is_refused_before_it_is_read() -> None:
    # found by the long fuzz run (issue 16): a range of 10**18 "contracts" was turned into a
    # tuple (a MemoryError) before anything looked at its size.
    huge = range(10**18)
    for call in (
        lambda: arr(huge, date(2026, 1, 1), currency="USD"),  # type: ignore[arg-type]
        lambda: mrr(huge, date(2026, 1, 1), currency="USD"),  # type: ignore[arg-type]
        lambda: arr_bridge(huge, YEAR_2026, currency="USD"),  # type: ignore[arg-type]
        lambda: gross_revenue_retention(huge, YEAR_2026, currency="USD"),  # type: ignore[arg-type]
        lambda: net_revenue_retention(huge, YEAR_2026, currency="USD"),  # type: ignore[arg-type]
    ):
        with pytest.raises(errors.ValidationError, match="at most 10,000,000 items"):
            call()
    with pytest.raises(errors.RevcycleTypeError, match="sequence of Contract"):
        arr("ACME", date(2026, 1, 1), currency="USD")  # type: ignore[arg-type]


def test_a_bridge_account_is_looked_up_by_a_str_only() -> None:
    # found by the long fuzz run (issue 16): account(numpy.array([1, 2])) compared each row's
    # account with an array, whose truth value is a ValueError.
    np = pytest.importorskip("numpy")
    bridge = arr_bridge(book(), YEAR_2026)
    with pytest.raises(errors.RevcycleTypeError, match=r"account\(\) name must be str"):
        bridge.account(np.array([1, 2]))
    with pytest.raises(errors.RevcycleTypeError, match=r"account\(\) name must be str"):
        bridge.account(42)  # type: ignore[arg-type]


_TAKERS: list[Callable[[Any], object]] = [
    lambda v: mrr(v, date(2026, 1, 1)),
    lambda v: arr(book()[:1], v),
    lambda v: arr(book()[:1], date(2026, 1, 1), currency=v),
    lambda v: arr(book()[:1], date(2026, 1, 1), rates=v),
    lambda v: arr_bridge(v, YEAR_2026),
    lambda v: arr_bridge(book()[:1], v),
    lambda v: gross_revenue_retention(book()[:1], v),
    lambda v: AccountArr(v, usd("1"), usd("2"), ArrMovement.EXPANSION),
    lambda v: AccountArr("A", v, usd("2"), ArrMovement.EXPANSION),
    lambda v: AccountArr("A", usd("1"), usd("2"), v),
]


@given(JUNK, st.sampled_from(range(len(_TAKERS))))
@settings(max_examples=60)
def test_junk_raises_only_revcycle_errors(value: object, which: int) -> None:
    with contextlib.suppress(errors.RevcycleError):
        _TAKERS[which](value)


def test_a_bridge_built_by_hand_must_add_up() -> None:
    row = AccountArr("A", usd("100"), usd("150"), ArrMovement.EXPANSION)
    zero = usd("0")
    ok = ArrBridge(
        usd("100"), zero, usd("50"), zero, zero, zero, usd("150"), period=YEAR_2026, accounts=[row]
    )
    assert ok.accounts == (row,)
    with pytest.raises(errors.ValidationError, match="sum of its accounts"):
        ArrBridge(
            usd("100"),
            zero,
            usd("40"),
            zero,
            zero,
            zero,
            usd("140"),
            period=YEAR_2026,
            accounts=[row],
        )
    with pytest.raises(errors.ValidationError, match="must add up"):
        ArrBridge(usd("100"), zero, usd("50"), zero, zero, zero, usd("160"), period=YEAR_2026)
    with pytest.raises(errors.ValidationError, match="positive movement"):
        ArrBridge(usd("100"), zero, usd("-50"), zero, zero, zero, usd("50"), period=YEAR_2026)
    with pytest.raises(errors.ValidationError, match="which is expansion, not churn"):
        AccountArr("A", usd("100"), usd("150"), "churn")
    with pytest.raises(errors.CurrencyMismatchError):
        AccountArr("A", usd("100"), Money("150", "EUR"), "expansion")


# --------------------------------------------------------------------------------------------
# JSON and data frames (DESIGN §5)


def test_the_bridge_round_trips_through_json() -> None:
    bridge = arr_bridge(book(), YEAR_2026)
    text = dumps(bridge)
    assert '"movement": "reactivation"' in text
    assert loads(text, ArrBridge) == bridge


def test_records_arrow_and_pandas_are_typed() -> None:
    bridge = arr_bridge(book(), YEAR_2026)
    records = bridge.to_records()
    assert records[0] == {
        "account": "Acme",
        "movement": "expansion",
        "opening": "12000",
        "closing": "18000",
        "change": "6000",
        "currency": "USD",
    }
    table = bridge.to_arrow()
    assert str(table.schema.field("closing").type) == "decimal256(76, 40)"
    assert str(table.schema.field("movement").type).startswith("dictionary<values=string")
    frame = bridge.to_pandas()
    assert frame["closing"].sum() == bridge.closing.amount
    assert frame["change"].sum() == bridge.closing.amount - bridge.opening.amount


def test_html_is_escaped_and_truncated() -> None:
    many = [
        contract(f"K{n}", f"<b>{n:02}</b>", date(2026, 2, 1), date(2026, 12, 31), seats(1))
        for n in range(60)
    ]
    html = arr_bridge(many, YEAR_2026)._repr_html_()
    assert "&lt;b&gt;00&lt;/b&gt;" in html
    assert "<b>" not in html
    assert "&lt;b&gt;59&lt;/b&gt;" in html
    assert "&lt;b&gt;30&lt;/b&gt;" not in html
    assert "<p>60 rows</p>" in html
    assert ">60<" in html  # the summary counts 60 new accounts


# --------------------------------------------------------------------------------------------
# The bridge identity for any book (issue 12, "Must show")

_ACCOUNTS = ["Ada", "Bo", "Cy"]
_FIGURES = ("opening", "new", "expansion", "contraction", "churn", "reactivation", "closing")
_DAY0 = date(2024, 1, 1)


@st.composite
def books(draw: st.DrawFn) -> list[Contract]:
    """A few contracts over three accounts, each possibly amended and renewed."""
    found: list[Contract] = []
    for number in range(draw(st.integers(0, 5))):
        account = draw(st.sampled_from(_ACCOUNTS))
        start = _DAY0 + timedelta(days=draw(st.integers(0, 900)))
        last = start + timedelta(days=draw(st.integers(0, 800)))
        lines = [
            QuoteLine(
                draw(st.sampled_from([SEATS, "STORAGE", "SEAT", "ONBOARDING"])),
                draw(st.integers(0, 40)),
                discount=draw(
                    st.none() | st.builds(Discount.percent, st.sampled_from(["5", "33.3"]))
                ),
            )
            for _ in range(draw(st.integers(1, 3)))
        ]
        c = contract(f"N{number}", account, start, last, *lines)
        for _ in range(draw(st.integers(0, 2))):
            day = c.start_date + timedelta(
                days=draw(st.integers(0, (c.end_date - c.start_date).days))
            )
            if c.amendment is not None and day < c.amendment.effective_date:
                continue
            sku = draw(st.sampled_from([line.sku for line in lines]))
            change = ChangeQuantity(sku, quantity=draw(st.integers(0, 50)))
            with contextlib.suppress(errors.ValidationError):  # a one-time or two-line sku
                c = amend(c, Amendment(day, [change]), CATALOG).contract
        found.append(c)
        if draw(st.booleans()):
            with contextlib.suppress(errors.ValidationError):  # nothing left to renew
                renewal = renew(
                    c, CATALOG, pricing="uplift", uplift=draw(st.sampled_from(["0", "7"]))
                )
                found.append(Contract.from_quote(renewal, id=f"N{number}-R", renews=c))
    return found


@given(books(), st.integers(0, 1500), st.integers(0, 700))
@settings(max_examples=60, deadline=None)
def test_the_bridge_adds_up_for_any_book(contracts: list[Contract], offset: int, days: int) -> None:
    start = _DAY0 + timedelta(days=offset)
    period = Period(start, start + timedelta(days=days + 1))
    bridge = arr_bridge(contracts, period, currency="USD")
    exact = {name: Fraction(getattr(bridge, name).amount) for name in _FIGURES}
    assert (
        exact["opening"]
        + exact["new"]
        + exact["expansion"]
        + exact["reactivation"]
        - exact["contraction"]
        - exact["churn"]
        == exact["closing"]
    )
    assert bridge.opening == arr(contracts, start - timedelta(days=1), currency="USD")
    assert bridge.closing == arr(contracts, period.last_day, currency="USD")
    for figure in (
        bridge.new,
        bridge.expansion,
        bridge.reactivation,
        bridge.contraction,
        bridge.churn,
    ):
        assert figure.amount >= 0
    # The same book read back from JSON (new objects for every value) gives the same bridge.
    again = [loads(dumps(c), Contract) for c in contracts]
    assert arr_bridge(again, period, currency="USD") == bridge
    # Built again through its constructor, the bridge passes its own checks (every account
    # adds up to the figures).
    figures = [getattr(bridge, name) for name in _FIGURES]
    assert ArrBridge(*figures, period=period, accounts=bridge.accounts) == bridge


# --------------------------------------------------------------------------------------------
# The sample book (samples/contracts.json): the rest of the seed deal's book, for the demo,
# the docs and `revcycle arr`


def sample_book() -> list[Contract]:
    """The contracts of samples/contracts.json, built from the sample catalog (Net 30)."""
    northwind = contract(
        "N-1",
        "Northwind Traders",
        date(2026, 7, 1),
        date(2028, 6, 30),
        QuoteLine("SEAT", 40),
        QuoteLine("SUPPORT-BRONZE", 1),
    )
    northwind = amend(
        northwind, Amendment(date(2028, 1, 1), [ChangeQuantity("SEAT", quantity=60)]), CATALOG
    ).contract
    fabrikam = contract(
        "F-1",
        "Fabrikam",
        date(2026, 1, 1),
        date(2027, 12, 31),
        QuoteLine("SUPPORT-PLATINUM", 1),
        QuoteLine("SEAT", 20),
    )
    adatum = contract("AD-1", "Adatum", date(2027, 10, 1), date(2028, 9, 30), seats(12, "5"))
    litware_then = contract(
        "L-1", "Litware", date(2025, 1, 1), date(2025, 12, 31), QuoteLine("SEAT", 10)
    )
    litware_now = contract(
        "L-2", "Litware", date(2028, 3, 1), date(2029, 2, 28), QuoteLine("SEAT", 15)
    )
    tailspin = contract(
        "T-1",
        "Tailspin Toys",
        date(2027, 1, 1),
        date(2028, 12, 31),
        QuoteLine("STORAGE", 300),
        seats(8),
    )
    tailspin = changed(tailspin, date(2027, 11, 1), 5)
    return [northwind, fabrikam, adatum, litware_then, litware_now, tailspin]


def test_the_sample_book_is_what_the_library_builds() -> None:
    assert loads(samples.read_text("contracts.json"), list[Contract]) == sample_book()


def test_the_sample_books_bridge_by_hand() -> None:
    # 2027-07-01 to 2028-06-30, the year the seed deal renews. Opening ARR on 2027-06-30:
    # Northwind 40 SEAT × 90.00 (10 % volume) + bronze support 1,200.00 = 4,800.00; Fabrikam
    # platinum 6,000.00 + 20 × 90.00 = 7,800.00; Tailspin 300 GB at 0.25 a month × 12 = 900.00
    # + 8 × 1,200.00 = 10,500.00; in all 23,100.00. Closing on 2028-06-30: Northwind 60 × 90.00
    # + 1,200.00 = 6,600.00 (expansion 1,800.00); Fabrikam ended 2027-12-31 (churn 7,800.00);
    # Adatum 12 × 1,140.00 = 13,680.00 (new); Litware 15 × 90.00 = 1,350.00 (reactivation: it
    # had 900.00 of ARR in 2025); Tailspin 900.00 + 5 × 1,200.00 = 6,900.00 (contraction
    # 3,600.00); in all 28,530.00 = 23,100 + 13,680 + 1,800 + 1,350 − 3,600 − 7,800.
    period = Period.inclusive(date(2027, 7, 1), date(2028, 6, 30))
    bridge = arr_bridge(sample_book(), period)
    assert [getattr(bridge, name).amount for name in _FIGURES] == [
        23100,
        13680,
        1800,
        3600,
        7800,
        1350,
        28530,
    ]


def test_a_bridge_read_from_json_over_a_period_starting_on_0001_01_01_is_refused() -> None:
    # Found by the long fuzz run (issue 16): arr_bridge refused such a period, but an ArrBridge
    # read from JSON took it, and explain() then computed the day before 0001-01-01 and let
    # OverflowError out. The rule (a bridge opens on the day before its period) is one
    # function, checked by the engine and by the value.
    from revcycle.metrics import ArrBridge
    from revcycle.serialization import dumps, loads

    text = dumps(arr_bridge(book(), YEAR_2026))
    bridge = loads(text, ArrBridge)
    assert "ARR on 2025-12-31" in bridge.explain()
    early = text.replace('"start": "2026-01-01"', '"start": "0001-01-01"')
    with pytest.raises(errors.StructureError, match="opens on the day before its period"):
        loads(early, ArrBridge)
