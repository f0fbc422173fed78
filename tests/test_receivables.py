"""Receivables aging: buckets by days past due, totals per account and currency."""

from __future__ import annotations

import pathlib
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import usd
from revcycle import errors
from revcycle.money import Money
from revcycle.receivables import (
    AgingReport,
    AgingRow,
    OpenItem,
    aging,
    bucket_labels,
    open_items,
)
from revcycle.serialization import dumps, loads
from revcycle.terms import PaymentTerms


AS_OF = date(2024, 6, 30)


edges_strategy = st.lists(st.integers(1, 400), min_size=1, max_size=6, unique=True).map(
    lambda e: tuple(sorted(e))
)


@st.composite
def item_lists(draw: st.DrawFn, currencies: tuple[str, ...] = ("USD",)) -> list[OpenItem]:
    n = draw(st.integers(0, 40))
    return [
        OpenItem(
            f"INV-{k}",
            draw(st.sampled_from(["ACME", "Globex", "Initech"])),
            AS_OF + timedelta(days=draw(st.integers(-90, 500))),
            Money.from_minor_units(
                draw(st.integers(-(10**7), 10**9)), draw(st.sampled_from(currencies))
            ),
        )
        for k in range(n)
    ]


# --------------------------------------------------------------------------------------------
# Properties


@given(items=item_lists(("USD", "EUR", "JPY")), edges=edges_strategy)
def test_buckets_partition_the_open_total_exactly(
    items: list[OpenItem], edges: tuple[int, ...]
) -> None:
    report = aging(items, AS_OF, edges)
    assert report.labels == bucket_labels(edges)
    for row in (*report.rows, *report.totals):
        assert [b.label for b in row.buckets] == list(report.labels)
        assert sum(b.total.amount for b in row.buckets) == row.total.amount
    for total in report.totals:
        mine = [i.amount.amount for i in items if i.amount.currency == total.currency]
        assert total.total.amount == sum(mine)
        rows = [r for r in report.rows if r.currency == total.currency]
        for k in range(len(report.labels)):
            assert total.buckets[k].total.amount == sum(r.buckets[k].total.amount for r in rows)


@given(items=item_lists(), edges=edges_strategy)
def test_each_item_lands_in_the_bucket_its_age_says(
    items: list[OpenItem], edges: tuple[int, ...]
) -> None:
    # One item at a time: it must land in exactly one bucket, the one its age selects.
    labels = bucket_labels(edges)
    for item in items[:5]:
        report = aging([item], AS_OF, edges)
        age = (AS_OF - item.due_date).days
        if age <= 0:
            expected = "current"
        else:
            expected = next((labels[k + 1] for k, e in enumerate(edges) if age <= e), labels[-1])
        nonzero = [b.label for b in report.buckets if not b.total.is_zero()]
        assert nonzero == ([] if item.amount.is_zero() else [expected])


@given(items=item_lists(("USD", "EUR")))
def test_aging_report_json_round_trip(items: list[OpenItem]) -> None:
    report = aging(items, AS_OF)
    assert loads(dumps(report), AgingReport) == report


@given(items=item_lists())
def test_input_order_does_not_matter(items: list[OpenItem]) -> None:
    assert aging(items, AS_OF) == aging(list(reversed(items)), AS_OF)


# --------------------------------------------------------------------------------------------
# Known answers


def test_default_buckets_and_edges() -> None:
    # docs/reference/receivables.md / Odoo (anchor §2.12): current includes due today; then 1-30,
    # 31-60, 61-90, 91-120 and 120+. Ages worked by hand from 2024-06-30.
    items = [
        OpenItem("A", "ACME", date(2024, 6, 30), usd("1.00")),  # due today → current
        OpenItem("B", "ACME", date(2024, 7, 15), usd("2.00")),  # not yet due → current
        OpenItem("C", "ACME", date(2024, 6, 29), usd("4.00")),  # 1 day → 1-30
        OpenItem("D", "ACME", date(2024, 5, 31), usd("8.00")),  # 30 days → 1-30
        OpenItem("E", "Globex", date(2024, 5, 30), usd("16.00")),  # 31 days → 31-60
        OpenItem("F", "Globex", date(2024, 4, 1), usd("32.00")),  # 90 days → 61-90
        OpenItem("G", "Globex", date(2024, 3, 2), usd("64.00")),  # 120 days → 91-120
        OpenItem("H", "Initech", date(2024, 3, 1), usd("128.00")),  # 121 days → 120+
    ]
    report = aging(items, as_of=AS_OF)
    assert [(b.label, b.total) for b in report.buckets] == [
        ("current", usd("3.00")),
        ("1-30", usd("12.00")),
        ("31-60", usd("16.00")),
        ("61-90", usd("32.00")),
        ("91-120", usd("64.00")),
        ("120+", usd("128.00")),
    ]
    assert report.total == usd("255.00")
    acme = report.by_account["ACME"]
    assert acme.total == usd("15.00")
    assert acme.overdue == usd("12.00")
    assert acme.bucket("1-30") == usd("12.00")
    assert report.by_account["Initech"].bucket("120+") == usd("128.00")
    with pytest.raises(errors.ValidationError, match="'1-31'"):
        acme.bucket("1-31")


def test_custom_edges() -> None:
    # ERPNext-style ranges (anchor §2.12) with 15-day steps.
    assert bucket_labels((15, 30, 45)) == ("current", "1-15", "16-30", "31-45", "45+")
    items = [OpenItem("A", "X", date(2024, 6, 14), usd("5.00"))]  # 16 days
    report = aging(items, AS_OF, edges=(15, 30, 45))
    assert report.buckets[2].label == "16-30"
    assert report.buckets[2].total == usd("5.00")


def test_zero_buckets_are_zero_in_the_currency() -> None:
    report = aging([OpenItem("A", "X", AS_OF, Money("100", "JPY"))], AS_OF)
    assert [str(b.total) for b in report.buckets] == [
        "100 JPY",
        "0 JPY",
        "0 JPY",
        "0 JPY",
        "0 JPY",
        "0 JPY",
    ]
    empty = aging([], AS_OF, currency="EUR")
    assert [str(b.total) for b in empty.buckets] == ["0.00 EUR"] * 6
    assert empty.by_account == {}


def test_credits_age_too() -> None:
    report = aging(
        [
            OpenItem("INV", "X", date(2024, 5, 1), usd("100.00")),
            OpenItem("CM", "X", date(2024, 5, 1), usd("-30.00")),
        ],
        AS_OF,
    )
    assert report.buckets[2].total == usd("70.00")


def test_several_currencies() -> None:
    items = [
        OpenItem("A", "X", AS_OF, usd("1.00")),
        OpenItem("B", "X", AS_OF, Money("2.00", "EUR")),
    ]
    report = aging(items, AS_OF)
    assert [c.code for c in report.currencies] == ["EUR", "USD"]
    assert len(report.rows) == 2
    with pytest.raises(errors.CurrencyMismatchError, match="for_currency"):
        _ = report.buckets
    with pytest.raises(errors.CurrencyMismatchError):
        _ = report.total
    assert report.for_currency("EUR").total == Money("2.00", "EUR")
    with pytest.raises(errors.CurrencyMismatchError, match="'B'"):
        aging(items, AS_OF, currency="USD")
    with pytest.raises(errors.ValidationError, match="currency="):
        _ = aging([], AS_OF).total


def test_installments_age_on_their_own_due_dates() -> None:
    # NetSuite and ERPNext age each installment by its own due date (anchor §2.8, §2.12).
    schedule = PaymentTerms.parse("50% now, 50% Net 30").schedule(date(2024, 5, 1), usd("1000.00"))
    schedule = schedule.apply_payment(date(2024, 5, 2), usd("200.00"))
    items = open_items(schedule, "INV-9", "ACME")
    assert [(i.id, i.due_date, i.amount) for i in items] == [
        ("INV-9/1", date(2024, 5, 1), usd("300.00")),
        ("INV-9/2", date(2024, 5, 31), usd("500.00")),
    ]
    report = aging(items, AS_OF)  # 60 and 30 days past due
    assert report.by_account["ACME"].bucket("31-60") == usd("300.00")
    assert report.by_account["ACME"].bucket("1-30") == usd("500.00")
    single = PaymentTerms.net(30).schedule(date(2024, 5, 1), usd("10.00"))
    assert [i.id for i in open_items(single, "INV-1", "ACME")] == ["INV-1"]


def test_display() -> None:
    report = aging([OpenItem("A", "ACME", date(2024, 5, 1), usd("10.00"))], AS_OF)
    records = report.to_records()
    assert records[0] == {
        "account": "ACME",
        "currency": "USD",
        "current": "0.00",
        "1-30": "0.00",
        "31-60": "10.00",
        "61-90": "0.00",
        "91-120": "0.00",
        "120+": "0.00",
        "total": "10.00",
    }
    assert len(records) == 1  # the per-currency totals are report.totals, not rows
    html = report._repr_html_()
    assert "Aging as of 2024-06-30" in html
    assert "(all)" in html
    frame = report.to_pandas()
    assert list(frame["31-60"]) == [Decimal("10.00")]


# --------------------------------------------------------------------------------------------
# Bad input


def test_bad_input() -> None:
    item = OpenItem("A", "X", AS_OF, usd("1.00"))
    with pytest.raises(errors.ValidationError, match="unique"):
        aging([item, item], AS_OF)
    with pytest.raises(errors.ValidationError, match="increasing"):
        aging([item], AS_OF, edges=(30, 30))
    with pytest.raises(errors.ValidationError, match="increasing"):
        aging([item], AS_OF, edges=(0, 30))
    with pytest.raises(errors.ValidationError, match="at least one"):
        aging([item], AS_OF, edges=())
    with pytest.raises(errors.RevcycleTypeError):
        aging([item], AS_OF, edges=(30.0,))  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError):
        aging([("A", "X", AS_OF, usd("1"))], AS_OF)  # type: ignore[list-item]
    with pytest.raises(errors.RevcycleTypeError):
        aging([item], "2024-06-30")  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError):
        OpenItem("A", "X", AS_OF, "1.00")  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError):
        OpenItem(1, "X", AS_OF, usd("1.00"))  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Command line


def test_cli_aging_sample(capsys: pytest.CaptureFixture[str]) -> None:
    from revcycle import samples
    from revcycle.cli import main

    assert main(["aging", samples.path("open_items.json"), "--as-of", "2025-06-30"]) == 0
    report = loads(capsys.readouterr().out, AgingReport)
    # The sample's total, and Northwind's Net 60 invoice due that day counted as current.
    assert report.total == usd("59750.50")
    assert report.by_account["Northwind Traders"].bucket("current") == usd("12000.00")


def test_cli_aging_table_and_bare_list(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    from revcycle.cli import main

    path = tmp_path / "items.json"
    path.write_text(
        '[{"id": "A", "account": "X", "due_date": "2024-05-01",'
        ' "amount": {"amount": "10.00", "currency": "USD"}}]'
    )
    assert (
        main(["aging", str(path), "--as-of", "2024-06-30", "--edges", "45,90", "--format", "table"])
        == 0
    )
    out = capsys.readouterr().out
    assert "46-90" in out
    assert "10.00" in out


@pytest.mark.parametrize(
    ("text", "args", "message"),
    [
        ('{"items": [{"id": "A"}]}', [], "account"),
        ("[1.5]", [], "fraction"),
        ("[]", ["--edges", "30,x"], "--edges"),
        ("[]", ["--edges", "60,30"], "increasing"),
    ],
)
def test_cli_aging_errors(
    capsys: pytest.CaptureFixture[str],
    tmp_path: pathlib.Path,
    text: str,
    args: list[str],
    message: str,
) -> None:
    from revcycle.cli import main

    path = tmp_path / "items.json"
    path.write_text(text)
    assert main(["aging", str(path), "--as-of", "2024-06-30", *args]) == 1
    assert message in capsys.readouterr().err


def test_cli_aging_reads_files_people_write(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    # Found in review: a file that is not UTF-8 gave a traceback, and errors named the
    # internal models ("Cannot read tuple", "Cannot read _OpenItems").
    from revcycle.cli import main

    path = tmp_path / "items.json"
    path.write_bytes(b"\xff\xfe")
    assert main(["aging", str(path), "--as-of", "2024-06-30"]) == 1
    assert "not UTF-8" in capsys.readouterr().err
    for text in ('"abc"', '[{"id": "A"}]', '{"items": [{"id": "A"}]}', "{"):
        path.write_text(text)
        assert main(["aging", str(path), "--as-of", "2024-06-30"]) == 1
        err = capsys.readouterr().err
        assert "Cannot read open items" in err
        assert "tuple" not in err
        assert "_OpenItems" not in err


def test_empty_account_and_bad_items() -> None:
    # Found in review: an account named "" (OpenItem allows it) was missing from by_account,
    # and aging(None) raised a bare TypeError.
    report = aging([OpenItem("A", "", AS_OF, usd("1.00"))], AS_OF)
    assert report.by_account[""].total == usd("1.00")
    with pytest.raises(errors.RevcycleTypeError, match="iterable of OpenItem"):
        aging(None, AS_OF)  # type: ignore[arg-type]


def test_very_wide_edges() -> None:
    # Edges beyond the lookup table (ten years) are searched instead.
    items = [
        OpenItem("A", "X", AS_OF - timedelta(days=5000), usd("1.00")),
        OpenItem("B", "X", AS_OF - timedelta(days=20000), usd("2.00")),
        OpenItem("C", "X", AS_OF - timedelta(days=3000), usd("4.00")),
    ]
    report = aging(items, AS_OF, edges=(4000, 10000))
    assert [b.total for b in report.buckets] == [usd("0"), usd("4.00"), usd("1.00"), usd("2.00")]


def test_aging_edges_too_many_to_hold_are_refused_before_they_are_read() -> None:
    # found by the long fuzz run (issue 16): edges=range(10**18) were turned into a tuple (a
    # MemoryError) before any size check.
    with pytest.raises(errors.ValidationError, match="at most 10,000,000 items"):
        bucket_labels(range(10**18))
    with pytest.raises(errors.ValidationError, match="at most 10,000,000 items"):
        aging([], date(2024, 1, 1), range(10**18), currency="USD")


def test_an_aging_report_holds_the_buckets_of_its_edges_in_every_row() -> None:
    # Found by the fuzz run (issue 16): a report read from JSON whose first bucket was renamed
    # loaded, then to_arrow() failed with a bare KeyError ('current'): its columns come from the
    # edges, its rows held other labels. The report now refuses such rows when it is built.
    import json

    report = aging([OpenItem("INV-1", "ACME", date(2024, 5, 1), usd("100.00"))], date(2024, 6, 30))
    data = json.loads(dumps(report))
    data["rows"][0]["buckets"][1]["label"] = "1-29"
    with pytest.raises(
        errors.StructureError, match=r"holds the buckets .* holds \['current', '1-29'"
    ):
        loads(json.dumps(data), AgingReport)
    assert loads(dumps(report), AgingReport) == report


def test_an_aging_row_is_one_aging_could_have_built() -> None:
    # Found by the fuzz run (issue 16): an AgingRow with no buckets was accepted, then its
    # overdue property failed with a bare IndexError. A row holds 'current' first and a bucket
    # past due, in its own currency, and its total is their sum.
    row = aging(
        [OpenItem("INV-1", "ACME", date(2024, 5, 1), usd("100.00"))], date(2024, 6, 30)
    ).rows[0]
    assert row.overdue == usd("100.00")
    with pytest.raises(errors.ValidationError, match="needs the bucket 'current' first"):
        AgingRow(account="ACME", currency=row.currency, buckets=(), total=usd("0.00"))
    with pytest.raises(errors.ValidationError, match=r"but its buckets add up to 100\.00"):
        AgingRow(account="ACME", currency=row.currency, buckets=row.buckets, total=usd("99.00"))
    with pytest.raises(errors.CurrencyMismatchError):
        AgingRow(
            account="ACME", currency=row.currency, buckets=row.buckets, total=Money("100.00", "EUR")
        )


def test_a_bucket_is_looked_up_by_its_label_text_only() -> None:
    # Found by the fuzz run (issue 16): AgingRow.bucket(np.array([1, 2])) compared the array
    # with each label and let numpy's ValueError out. Its argument is checked first.
    import numpy as np

    row = aging([OpenItem("INV-1", "ACME", date(2024, 5, 1), usd("100.00"))], date(2024, 6, 30))
    assert row.rows[0].bucket("31-60") == usd("100.00")
    with pytest.raises(errors.RevcycleTypeError):
        row.rows[0].bucket(np.array([1, 2]))  # type: ignore[arg-type]
