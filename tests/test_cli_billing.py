"""``revcycle bill`` and the demo's billing sections, run as a user runs them (subprocesses).

Known answers are worked by hand below each test from the samples: the seed deal
(samples/seed_deal.json: 100 PLATFORM-SEAT at 1,200.00 list a year less 10 % = 1,080.00, from
2025-01-01, Net 60) and Litware's L-1 in samples/contracts.json (10 SEAT at 90.00 a year from
2025-01-01, Net 30). Issue 13 ("Must show") asks for the demo test: the first invoice due 60 days
after it, "no late fee" on day 55, and the capped credit's amount.
"""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from helpers import revcycle
from revcycle import samples
from revcycle.billing import BillRun, LineKind
from revcycle.serialization import dumps, loads


CATALOG = samples.path("catalog.json")
SEED = samples.path("seed_deal.json")
BOOK = samples.path("contracts.json")  # a bare list of contracts
EVENTS = samples.path("usage_events.json")


def ok(result: subprocess.CompletedProcess[str]) -> str:
    """The standard output of a run that must succeed."""
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


@pytest.fixture(scope="module")
def c1(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed deal signed as contract C-1, written by ``revcycle contract``."""
    path = tmp_path_factory.mktemp("seed") / "c1.json"
    path.write_text(ok(revcycle("contract", SEED, "--catalog", CATALOG, "--id", "C-1")))
    return path


def test_the_first_invoice_as_json_round_trips(c1: Path) -> None:
    out = ok(revcycle("bill", str(c1), "--through", "2025-01-01"))
    run = loads(out, BillRun)
    (invoice,) = run.invoices
    # January in advance: 100 × 1,080.00 ÷ 12 = 9,000.00; Net 60 from 2025-01-01:
    # 30 days to 2025-01-31, 28 to 2025-02-28, 2 more to 2025-03-02.
    assert invoice.total.amount == Decimal("9000.00")
    assert invoice.due_date.isoformat() == "2025-03-02"
    assert [line.key for line in invoice.lines] == ["C-1:C-1-1:recurring:2025-01-01/2025-02-01"]
    # What was read back is what was written, schema_version on top.
    assert json.loads(out)["schema_version"] == 1
    assert json.loads(dumps(run)) == json.loads(out)


def test_a_second_run_with_the_first_runs_output_bills_nothing(c1: Path, tmp_path: Path) -> None:
    january = tmp_path / "january.json"
    january.write_text(ok(revcycle("bill", str(c1), "--through", "2025-01-01")))
    again = loads(
        ok(revcycle("bill", str(c1), "--through", "2025-01-01", "--issued", str(january))), BillRun
    )
    assert again.invoices == ()
    # The next month bills February only: 9,000.00, due 2025-02-01 + 60 days = 2025-04-02.
    february = loads(
        ok(revcycle("bill", str(c1), "--through", "2025-02-01", "--issued", str(january))), BillRun
    )
    (invoice,) = february.invoices
    assert [line.key for line in invoice.lines] == ["C-1:C-1-1:recurring:2025-02-01/2025-03-01"]
    assert (invoice.total.amount, invoice.due_date.isoformat()) == (
        Decimal("9000.00"),
        "2025-04-02",
    )


def test_issued_invoices_may_be_a_list_or_one_invoice(c1: Path, tmp_path: Path) -> None:
    run = loads(ok(revcycle("bill", str(c1), "--through", "2025-01-01")), BillRun)
    as_list = tmp_path / "list.json"
    as_list.write_text(dumps(list(run.invoices)))
    one = tmp_path / "one.json"
    one.write_text(dumps(run.invoices[0]))
    for issued in (as_list, one):
        out = ok(revcycle("bill", str(c1), "--through", "2025-01-01", "--issued", str(issued)))
        assert loads(out, BillRun).invoices == ()


def test_tax_and_invoice_date(c1: Path) -> None:
    out = ok(
        revcycle(
            "bill",
            str(c1),
            "--through",
            "2025-01-01",
            "--tax",
            "20",
            "--invoice-date",
            "2025-01-05",
        )
    )
    (invoice,) = loads(out, BillRun).invoices
    # 20 % of 9,000.00 = 1,800.00; total 10,800.00; due 2025-01-05 + 60 days = 2025-03-06.
    assert invoice.tax.amount == Decimal("1800.00")
    assert invoice.total.amount == Decimal("10800.00")
    assert invoice.invoice_date.isoformat() == "2025-01-05"
    assert invoice.due_date.isoformat() == "2025-03-06"


def test_the_sample_book_as_a_list_and_as_a_book(tmp_path: Path) -> None:
    book = tmp_path / "book.json"
    book.write_text(json.dumps({"contracts": json.loads(Path(BOOK).read_text())}))
    runs = [
        loads(ok(revcycle("bill", source, "--through", "2025-02-01")), BillRun)
        for source in (BOOK, str(book))
    ]
    assert runs[0] == runs[1]
    # Only Litware's L-1 has started by 2025-02-01; one run bills January and February
    # (both in advance, both started) on one invoice: 10 × 90.00 ÷ 12 = 75.00 each; Net 30.
    (invoice,) = runs[0].invoices
    assert invoice.contract_id == "L-1"
    assert [str(line.amount) for line in invoice.lines] == ["75.00 USD", "75.00 USD"]
    assert invoice.total.amount == Decimal("150.00")
    assert invoice.due_date.isoformat() == "2025-03-03"  # 2025-02-01 + 30 days


def test_the_table_for_people(c1: Path) -> None:
    out = ok(revcycle("bill", str(c1), "--through", "2025-01-01", "--format", "table"))
    assert "Bill run: 1 invoice, 1 line" in out
    assert "INV-C-1:C-1-1:recurring:2025-01-01/2025-02-01" in out
    assert "2025-03-02" in out
    assert "9000.00 USD" in out
    assert "Credit carried to the next invoices: none." in out
    empty = ok(revcycle("bill", BOOK, "--through", "2024-12-31", "--format", "table"))
    assert "no invoice" in empty


def test_explain_prints_each_lines_arithmetic(c1: Path) -> None:
    out = ok(revcycle("bill", str(c1), "--through", "2025-01-01", "--explain"))
    assert "100 × 90.00 USD a period × 1 of [2025-01-01, 2025-02-01) = 9000.00 USD" in out
    assert "due 2025-03-02" in out


def test_usage_is_billed_in_arrears(tmp_path: Path) -> None:
    quote = tmp_path / "quote.json"
    quote.write_text(
        json.dumps(
            {
                "account": "acme",
                "currency": "USD",
                "price_book": "Standard",
                "start_date": "2024-01-01",
                "end_date": "2024-12-31",
                "payment_terms": "Net 30",
                "lines": [{"sku": "API-CALLS", "quantity": "1"}],
            }
        )
    )
    meters = '{"API-CALLS": {"metric": "api_calls", "aggregation": "sum"}}'
    contract = tmp_path / "u1.json"
    contract.write_text(
        ok(
            revcycle(
                "contract", str(quote), "--catalog", CATALOG, "--id", "U-1", "--meters", meters
            )
        )
    )
    out = ok(revcycle("bill", str(contract), "--through", "2024-02-01", "--usage", EVENTS))
    (line,) = loads(out, BillRun).lines
    # acme's api_calls events of January 2024 in samples/usage_events.json sum to 149,169 (its
    # ids are all distinct; the two repeated ids are globex's and initech's), inside the
    # catalog's free first tier (up to 1,000,000 at 0), so the line is 0.00.
    assert line.kind is LineKind.USAGE
    assert line.key == "U-1:U-1-1:usage:2024-01-01/2024-02-01"
    assert (line.quantity, str(line.amount)) == (Decimal("149169"), "0.00 USD")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--through", "2025-13-01"], "--through must be a date such as 2024-01-31"),
        (["--through", "2025-01-01", "--tax", "-5"], "--tax must be a percent of zero or more"),
        (["--through", "2025-01-01", "--tax", "abc"], "--tax:"),
        (["--through", "2025-01-01", "--issued", CATALOG], "catalog.json: Cannot read Invoice"),
        (["--through", "2025-01-01", "--issued", "missing.json"], "cannot read missing.json"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_1(argv: list[str], message: str) -> None:
    result = revcycle("bill", BOOK, *argv)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("revcycle bill: ")
    assert message in result.stderr


def test_contracts_that_do_not_fit_are_one_line(tmp_path: Path) -> None:
    result = revcycle("bill", CATALOG, "--through", "2025-01-01")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "catalog.json: Cannot read Contract: $: unknown contract keys" in result.stderr


def test_an_issued_invoice_in_another_currency_bills_nothing(c1: Path, tmp_path: Path) -> None:
    run = json.loads(ok(revcycle("bill", str(c1), "--through", "2025-01-01")))
    text = json.dumps(run).replace('"USD"', '"EUR"')
    euro = tmp_path / "euro.json"
    euro.write_text(text)
    result = revcycle("bill", str(c1), "--through", "2025-02-01", "--issued", str(euro))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "EUR" in result.stderr
    assert "USD" in result.stderr


def test_usage_errors_exit_2() -> None:
    assert revcycle("bill", BOOK).returncode == 2  # --through is required
    assert revcycle("bill", "--through", "2025-01-01").returncode == 2  # no CONTRACTS.json
    assert revcycle("bill", BOOK, "--through", "2025-01-01", "--format", "xml").returncode == 2


def test_csv_output_is_one_row_per_invoice_line() -> None:
    done = revcycle("bill", BOOK, "--through", "2025-03-01", "--format", "csv")
    assert done.returncode == 0, done.stderr
    header, *rows = done.stdout.splitlines()
    assert header.split(",")[:3] == ["invoice_id", "account", "contract_id"]
    run = loads(revcycle("bill", BOOK, "--through", "2025-03-01").stdout, BillRun)
    assert len(rows) == sum(len(invoice.lines) for invoice in run.invoices)


def test_help_is_plain_words() -> None:
    out = ok(revcycle("bill", "--help"))
    assert "a second run given the first run's output bills nothing" in " ".join(out.split())
    assert ":class:" not in out
    assert "``" not in out


# --------------------------------------------------------------------------------------------
# The demo tells the founding story on the seed deal (issue 13, "Must show")


def test_the_demo_bills_the_seed_deal() -> None:
    out = " ".join(ok(revcycle("demo")).split())  # one line, whatever the console wrapped
    said = [
        # The first invoice: dated 2025-01-01, due 60 days later under the contract's Net 60
        # (January 1 + 30 = January 31, + 28 = February 28, + 2 = March 2).
        "due 2025-03-02: 60 days after the invoice date, because the contract says Net 60",
        # The upsell's line on the next invoice: 5 × 1,080.00 ÷ 12 = 450.00 a month; its 22
        # months to 2027-12-31 add up to 9,900.00 = 5 × 1,080.00 × 11/6.
        "5 × 90.00 USD a period × 1 of [2026-03-01, 2026-04-01) = 450.00 USD",
        "Billed to the end, its pieces add up to 9900.00 USD",
        # The what-if cancellation on 2026-03-16: March was billed 9,450.00 (105 seats × 90.00)
        # in advance; 16 of its 31 days are left, so the credit is capped at 9,450.00 × 16/31 =
        # 4,877.419… → 4,877.42, not the 203,420.96 of contract value the amendment gives back
        # (333,900.00 − 130,479.04).
        "The capped credit is 4877.42 USD",
        "gives back 203420.96 USD of contract value",
        # Aging on 2026-04-24: the 2026-03-01 and 2026-04-01 invoices (9,450.00 each) are both
        # current under Net 60; under Net 30 the first was due 2026-03-31, so 9,450.00 overdue.
        "would show 9450.00 USD overdue today",
        # Paid on 2026-04-25, day 55 of the 2026-03-01 invoice (due 2026-04-30 under Net 60):
        # no late fee. Under Net 30 it was due 2026-03-31, 25 days late: 9,450.00 × 18 % ×
        # 25/365 = 116.506… → 116.51, plus the 40.00 fee = 156.51.
        "No late fee (0.00 USD): the payment on day 55 is within the contract's Net 60",
        "would have charged 156.51 USD",
    ]
    assert [text for text in said if text not in out] == []


def test_the_readme_bill_example_prints_what_the_readme_shows(c1: Path, tmp_path: Path) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("--issued january.json --tax 20 --explain\n", 1)[1].split("```", 1)[0]
    january = tmp_path / "january.json"
    january.write_text(ok(revcycle("bill", str(c1), "--through", "2025-01-01")))
    out = ok(
        revcycle(
            "bill",
            str(c1),
            "--through",
            "2025-02-01",
            "--issued",
            str(january),
            "--tax",
            "20",
            "--explain",
        )
    )
    # February in advance: 9,000.00; 20 % tax = 1,800.00; due 2025-02-01 + 60 days = 2025-04-02.
    assert out == block
