"""The contract verbs of the command line (``contract``, ``amend``, ``renew``, ``arr``) and the
demo's contract sections, with and without Rich.

Known answers cite their source: issue 12 ("Must show": the seed upsell 9,900.00 and TCV
324,000.00 → 333,900.00; a subprocess chain ``contract`` → ``amend`` → ``renew`` → ``arr
--bridge`` on the seed deal), and the hand computations of tests/test_renewals.py (the 7 %
uplift renewal: 364,014.00) and tests/test_metrics.py (the sample book's bridge).
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from rich.console import Console

from helpers import revcycle
from revcycle import samples
from revcycle.amendments import PricedAmendment
from revcycle.cli import main
from revcycle.cli._demo import run_demo
from revcycle.contracts import Contract
from revcycle.metrics import ArrBridge
from revcycle.quotes import PricedQuote
from revcycle.serialization import loads


CATALOG = samples.path("catalog.json")
SEED = samples.path("seed_deal.json")
BOOK = samples.path("contracts.json")
UPSELL = {
    "effective_date": "2026-03-01",
    "changes": [{"type": "change_quantity", "sku": "PLATFORM-SEAT", "quantity": "105"}],
}


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------------------------
# The chain on the seed deal (issue 12, "Must show")


def test_contract_amend_renew_and_bridge_chain_in_subprocesses(tmp_path: Path) -> None:
    signed = revcycle("contract", SEED, "--catalog", CATALOG, "--id", "C-1")
    assert signed.returncode == 0, signed.stderr
    contract = loads(signed.stdout, Contract)
    # 100 × 1,080.00 × 3 = 324,000.00, Net 60 from the quote.
    assert contract.tcv.amount == Decimal("324000.00")
    assert contract.payment_terms.describe() == "Net 60"
    c1 = tmp_path / "c1.json"
    c1.write_text(signed.stdout)
    upsell = tmp_path / "upsell.json"
    upsell.write_text(json.dumps(UPSELL))

    amended = revcycle("amend", str(c1), str(upsell), "--catalog", CATALOG)
    assert amended.returncode == 0, amended.stderr
    priced = loads(amended.stdout, PricedAmendment)
    # 5 × 1,080.00 × 11/6 = 9,900.00; TCV 324,000.00 → 333,900.00.
    assert priced.total.amount == Decimal("9900.00")
    assert (priced.tcv_before.amount, priced.tcv_after.amount) == (
        Decimal("324000.00"),
        Decimal("333900.00"),
    )
    a1 = tmp_path / "amended.json"
    a1.write_text(amended.stdout)

    quoted = revcycle(
        "renew", str(a1), "--catalog", CATALOG, "--pricing", "uplift", "--uplift", "7"
    )
    assert quoted.returncode == 0, quoted.stderr
    renewal = loads(quoted.stdout, PricedQuote)
    # 105 × 1,080.00 × 3 × 1.07 = 364,014.00 from 2028-01-01 to 2030-12-31.
    assert renewal.tcv.amount == Decimal("364014.00")
    assert renewal.lines[0].net_unit_price.amount == Decimal("3466.80")
    assert renewal.quote.end_date is not None
    assert renewal.quote.end_date.isoformat() == "2030-12-31"

    renewed = revcycle(
        "renew",
        str(a1),
        "--catalog",
        CATALOG,
        "--pricing",
        "uplift",
        "--uplift",
        "7",
        "--id",
        "C-2",
    )
    assert renewed.returncode == 0, renewed.stderr
    c2 = loads(renewed.stdout, Contract)
    assert (c2.id, c2.tcv.amount, c2.renews) == ("C-2", Decimal("364014.00"), priced.contract)
    assert c2.subscriptions[0].net_unit_price.amount == Decimal("1155.6")
    c2_path = tmp_path / "c2.json"
    c2_path.write_text(renewed.stdout)

    bridged = revcycle("arr", str(a1), str(c2_path), BOOK, "--bridge", "2027-07-01", "2028-06-30")
    assert bridged.returncode == 0, bridged.stderr
    bridge = loads(bridged.stdout, ArrBridge)
    figures = [
        getattr(bridge, name).amount
        for name in ("opening", "new", "expansion", "contraction", "churn", "reactivation")
    ]
    # The sample book (tests/test_metrics.py) plus Contoso: opening 23,100 + 113,400 =
    # 136,500; expansion 1,800 + 7,938 (113,400 → 121,338, the uplift) = 9,738.
    assert figures == [136500, 13680, 9738, 3600, 7800, 1350]
    opening, new, expansion, contraction, churn, reactivation = figures
    assert opening + new + expansion + reactivation - contraction - churn == bridge.closing.amount
    assert bridge.closing.amount == 149868
    assert bridge.account("Contoso Pharmaceuticals").change.amount == 7938

    on = revcycle("arr", str(a1), str(c2_path), "--on", "2028-01-01")
    assert json.loads(on.stdout)["arr"] == {"amount": "121338.0", "currency": "USD"}


# --------------------------------------------------------------------------------------------
# Each verb's options, tables and errors


def test_contract_options(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    quote = samples.path("quote.json")  # Northwind: needs three approval levels, one usage line
    code, _, err = _run(capsys, "contract", quote, "--catalog", CATALOG, "--id", "N-9")
    assert code == 1
    assert err.startswith("revcycle contract: The quote for 'Northwind Traders' still needs")
    assert err.count("\n") == 1
    meters = {"API-CALLS": {"metric": "api_calls", "aggregation": "sum"}}
    billing = '{"frequency": "P3M", "timing": "in_arrears"}'
    argv = ["contract", quote, "--catalog", CATALOG, "--id", "N-9", "--billing", billing]
    argv += ["--meters", json.dumps(meters)]
    for level in ("sales manager", "finance", "cfo"):
        argv += ["--approve", level]
    code, out, err = _run(capsys, *argv)
    assert code == 0, err
    contract = loads(out, Contract)
    assert contract.meters["API-CALLS"].metric == "api_calls"
    assert str(contract.billing.frequency) == "P3M"
    assert contract.payment_terms.describe() == "Net 30"
    code, _, err = _run(
        capsys, "contract", SEED, "--catalog", CATALOG, "--id", "C-1", "--payment-terms", "Net 30"
    )
    assert code == 1
    assert "two payment terms that disagree" in err


def test_tables_for_people(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = _run(capsys, "contract", SEED, "--catalog", CATALOG, "--id", "C-1")
    c1 = tmp_path / "c1.json"
    c1.write_text(out)
    code, out, _ = _run(
        capsys, "contract", SEED, "--catalog", CATALOG, "--id", "C-1", "--format", "table"
    )
    assert code == 0
    assert "324000.00" in out
    assert "payment terms Net 60" in out
    upsell = json.dumps(UPSELL)
    code, out, _ = _run(capsys, "amend", str(c1), upsell, "--catalog", CATALOG, "--format", "table")
    assert "TCV 324000.00 USD → 333900.00 USD" in out
    code, out, _ = _run(capsys, "amend", str(c1), upsell, "--catalog", CATALOG, "--explain")
    assert "+5 × 1080.00 USD × 11/6 = 9900.00 USD, rounded once" in out
    code, out, _ = _run(capsys, "renew", str(c1), "--catalog", CATALOG, "--format", "table")
    assert "324000.00" in out  # SAME: 100 × 3,240.00
    code, out, _ = _run(capsys, "renew", str(c1), "--catalog", CATALOG, "--explain")
    assert "locked net unit price 1080.00 USD per P12M from contract C-1 version 1" in out
    code, out, _ = _run(
        capsys, "arr", BOOK, "--bridge", "2027-07-01", "2028-06-30", "--format", "table"
    )
    assert "= closing       28530.00 USD" in out
    code, out, _ = _run(capsys, "arr", BOOK, "--on", "2027-06-30", "--format", "table")
    assert "23100" in out


def test_amendment_json_may_be_inline(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = _run(capsys, "contract", SEED, "--catalog", CATALOG, "--id", "C-1")
    c1 = tmp_path / "c1.json"
    c1.write_text(out)
    amendment = tmp_path / "a.json"
    amendment.write_text(json.dumps(UPSELL))
    code, out, err = _run(capsys, "amend", str(c1), str(amendment), "--catalog", CATALOG)
    assert code == 0, err
    assert json.loads(out)["contract"]["versions"][1]["amendment_lines"][0]["amount"] == {
        "amount": "9900.00",
        "currency": "USD",
    }


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["renew", SEED, "--catalog", CATALOG], "Cannot read Contract"),
        (
            ["renew", BOOK, "--catalog", CATALOG, "--pricing", "uplift"],
            "--pricing uplift needs the uplift",
        ),
        (["arr", BOOK, "--on", "tomorrow"], "--on must be a date"),
        (["arr", BOOK, "--bridge", "2026-12-31", "2026-01-01"], "--bridge:"),
        (["arr", SEED, "--on", "2026-01-01"], "Cannot read Contract"),
        (["arr", "-", "-", "--on", "2026-01-01"], "only one CONTRACTS.json"),
        (["contract", "-", "--catalog", "-", "--id", "C-1"], "only one input"),
    ],
)
def test_errors_exit_1_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = _run(capsys, *argv)
    assert code == 1
    assert out == ""
    assert message in err
    assert err.startswith(f"revcycle {argv[0]}: ")


def test_a_book_of_several_contracts_is_refused_for_renewal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = _run(capsys, "renew", BOOK, "--catalog", CATALOG)
    assert code == 1
    assert "Cannot read Contract" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["contract", SEED, "--catalog", CATALOG],  # no --id
        ["arr", BOOK],  # neither --on nor --bridge
        ["arr", BOOK, "--on", "2026-01-01", "--bridge", "2026-01-01", "2026-12-31"],
        ["renew", BOOK, "--catalog", CATALOG, "--pricing", "cheaper"],
        ["amend", BOOK, "--catalog", CATALOG],  # no AMENDMENT.json
    ],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2


def test_arr_reads_books_and_lists_in_other_currencies(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # The sample is a bare list; a book is {"contracts": [...]}.
    data = json.loads(Path(BOOK).read_text())
    book = tmp_path / "book.json"
    book.write_text(json.dumps({"contracts": data, "schema_version": 1}))
    _, out, _ = _run(capsys, "arr", str(book), "--on", "2027-06-30")
    assert json.loads(out)["arr"]["amount"] == "23100.00"
    _, out, _ = _run(
        capsys,
        "arr",
        BOOK,
        "--on",
        "2027-06-30",
        "--rates",
        '{"currency": "EUR", "rates": {"USD": "0.5"}}',
    )
    assert json.loads(out)["arr"] == {"amount": "11550.000", "currency": "EUR"}


# --------------------------------------------------------------------------------------------
# The demo: intervals 3 and 5 on the seed deal, with Rich and without it


def test_the_demo_tells_the_seed_deals_story() -> None:
    buffer = io.StringIO()
    run_demo(Console(file=buffer, width=100))
    text = buffer.getvalue()
    assert "Interval 3 — the signed quote becomes a contract" in text
    assert "falls due on 2025-03-02 (Net 60)" in text
    assert "+5 × 1080.00 USD × 11/6 = 9900.00 USD, rounded once" in text
    assert "TCV 324000.00 USD → 333900.00 USD" in text
    assert "364014.00" in text
    assert "= closing       149868.00 USD  ARR on 2028-06-30" in text


def test_the_whole_demo_runs_without_rich() -> None:
    code = "import sys; sys.modules['rich'] = None; from revcycle.cli import main; "
    code += "sys.exit(main(['demo']))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "[bold" not in out
    assert "Interval 5 — the ARR bridge" in out
    assert "C-1-2    C-1-1   PLATFORM-SEAT     100    105     +5" in out
    assert "PLATFORM-SEAT  105   1200.00  1080.00       3      7%   3466.80  364014.00" in out
    assert "= closing       149868.00 USD  ARR on 2028-06-30" in out


def test_table_output_without_rich_names_the_extra() -> None:
    code = "import sys; sys.modules['rich'] = None; from revcycle.cli import main; "
    code += f"sys.exit(main(['arr', {BOOK!r}, '--on', '2027-06-30', '--format', 'table']))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "pip install 'revcycle[cli]'" in result.stderr
