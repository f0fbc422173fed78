"""The command line's shared behaviour, ``revcycle prorate`` and ``revcycle demo``."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from rich.console import Console

from revcycle.cli import main
from revcycle.cli._demo import run_demo


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys)
    assert code == 2
    assert "usage: revcycle" in err


def test_term_multiplier_from_flags(capsys: pytest.CaptureFixture[str]) -> None:
    # Salesforce Monthly + Daily (anchors/cpq.md §2.5): 12 months and 15 days → 76/73 terms;
    # 1200.00 × 76/73 = 1249.3150… → 1249.32
    code, out, _ = _run(
        capsys,
        "prorate",
        "--start",
        "2024-01-01",
        "--last-day",
        "2025-01-15",
        "--amount",
        "1200.00 USD",
    )
    assert code == 0
    data = json.loads(out)
    assert data["exact"] == "76/73"
    assert data["method"] == "monthly_daily"
    assert data["prorated_amount_rounded"] == {"amount": "1249.32", "currency": "USD"}
    assert data["schema_version"] == 1


def test_period_fraction_from_json_on_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    request = {
        "start": "2012-02-01",
        "end": "2012-02-15",
        "full": {"start": "2012-02-01", "end": "2012-03-01"},
        "method": "daily",
    }
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(request)))
    code, out, _ = _run(capsys, "prorate", "--input", "-")
    assert code == 0
    assert json.loads(out)["exact"] == "14/29"  # issue 2 "Must show"


def test_table_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys,
        "prorate",
        "--start",
        "2024-01-01",
        "--end",
        "2024-07-01",
        "--method",
        "daily",
        "--format",
        "table",
    )
    assert code == 0
    assert "91/183" in out
    assert "182 leftover days of the 366-day term" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["prorate", "--start", "2024-05-01", "--end", "2024-01-01"], "must end after it starts"),
        (["prorate", "--start", "2024-01-01"], "give --start and --end"),
        (["prorate", "--input", "/nonexistent/request.json"], "cannot read"),
        (
            ["prorate", "--start", "2024-01-01", "--end", "2024-02-01", "--per", "P30D"],
            "Use ProrationMethod.DAILY",
        ),
    ],
)
def test_domain_errors_exit_1_with_a_message(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = _run(capsys, *argv)
    assert code == 1
    assert out == ""
    assert message in err


def test_bad_flag_values_exit_1_naming_the_flag(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "prorate", "--start", "yesterday", "--end", "2024-01-01")
    assert code == 1
    assert "--start must be a date such as 2024-01-31, not 'yesterday'" in err
    code, _, err = _run(
        capsys, "prorate", "--start", "2024-01-01", "--end", "2024-02-01", "--amount", "12 dollars"
    )
    assert code == 1
    assert "--amount: Unknown currency code 'dollars'" in err


def test_unknown_flags_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["prorate", "--colour", "red"])
    assert info.value.code == 2
    assert "unrecognized arguments: --colour" in capsys.readouterr().err


def test_json_input_errors_name_the_path(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"start": "2024-01-01", "end": 5}'))
    code, _, err = _run(capsys, "prorate", "--input", "-")
    assert code == 1
    assert "$.end: expected an ISO 8601 date" in err


def test_demo_renders_every_section() -> None:
    buffer = io.StringIO()
    run_demo(Console(file=buffer, width=100))
    text = buffer.getvalue()
    assert "Foundation" in text
    assert "2024-01-31, 2024-02-29, 2024-03-31, 2024-04-30" in text
    assert "5021/4380" in text  # the monthly + daily multiplier worked out in the demo


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "revcycle", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert result.stdout.startswith("revcycle ")
