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


# --------------------------------------------------------------------------------------------
# Issue 16 item 6: no traceback ever; one line on stderr for an error, the verb's usage for a
# usage error


def _one_line_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = _run(capsys, *argv)
    assert code == 1, err
    assert out == ""
    assert "Traceback" not in err
    assert err.count("\n") == 1
    assert err.startswith(f"revcycle {argv[0]}: ")
    return err


def _catalog() -> str:
    from revcycle import samples

    return samples.path("catalog.json")


def test_a_lone_surrogate_in_a_file_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: pytest.TempPathFactory
) -> None:
    from revcycle import samples

    path = tmp_path / "quote.json"  # type: ignore[operator]
    text = samples.read_text("quote.json").replace('"Northwind Traders"', '"North\\ud800wind"')
    path.write_text(text, encoding="utf-8")
    assert "lone surrogate" in _one_line_error(capsys, "price", str(path), "--catalog", _catalog())


def test_deep_nesting_and_long_integers_in_a_file_are_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: pytest.TempPathFactory
) -> None:
    deep = tmp_path / "deep.json"  # type: ignore[operator]
    deep.write_text("[" * 5000 + "]" * 5000)
    assert "nested more than 32" in _one_line_error(
        capsys, "price", str(deep), "--catalog", _catalog()
    )
    digits = tmp_path / "digits.json"  # type: ignore[operator]
    digits.write_text('{"account": ' + "9" * 5000 + "}")
    assert "integer of 5,000 digits" in _one_line_error(
        capsys, "price", str(digits), "--catalog", _catalog()
    )


def test_a_file_of_more_values_than_the_limit_is_one_line_and_never_built(
    capsys: pytest.CaptureFixture[str], tmp_path: pytest.TempPathFactory
) -> None:
    # The verbs that look at a document before choosing its type (bill, arr, contract) read
    # it under loads' limits: a book of 300,000 "{}" (2 MB) is refused, not built as 300,000
    # dicts (30 MB) first to see whether it is a book.
    import tracemalloc

    from revcycle.cli._common import peek_json

    text = '{"contracts": [' + ",".join(["{}"] * 300_000) + "]}"
    many = tmp_path / "many.json"  # type: ignore[operator]
    many.write_text(text)
    err = _one_line_error(capsys, "arr", str(many), "--on", "2026-07-01")
    assert "holds 300,002 JSON values; revcycle reads at most 200,000" in err
    assert peek_json('{"contracts": []}') == {"contracts": []}
    tracemalloc.start()
    try:
        assert peek_json(text) is None
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 15 * 2**20  # the text's checks (7 MB), not the dicts


def test_a_structure_error_is_one_line_with_its_problems(
    capsys: pytest.CaptureFixture[str], tmp_path: pytest.TempPathFactory
) -> None:
    bad = tmp_path / "items.json"  # type: ignore[operator]
    bad.write_text('{"items": [{"id": 1}, {"id": 2}]}')
    err = _one_line_error(capsys, "aging", str(bad), "--as-of", "2024-06-30")
    assert "$.items[0]" in err
    assert "$.items[1]" in err
    assert "; " in err


def test_the_last_day_of_the_calendar_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    err = _one_line_error(capsys, "prorate", "--start", "2024-01-01", "--last-day", "9999-12-31")
    assert "9999-12-31" in err
    assert "supported calendar" in err


def test_a_nul_in_a_path_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    err = _one_line_error(capsys, "price", "quote\x00.json", "--catalog", _catalog())
    assert "NUL" in err


def test_huge_amounts_and_terms_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    # Issue 16 item 3: `revcycle terms` with an amount of 9e999997 ran for 45 s.
    err = _one_line_error(
        capsys, "terms", "Net 30", "--invoice-date", "2024-01-31", "--amount", "9e999997 USD"
    )
    assert "40 digits before the decimal point" in err
    _one_line_error(
        capsys, "terms", "Net " + "9" * 30, "--invoice-date", "2024-01-31", "--amount", "1 USD"
    )


def test_an_unknown_flag_after_a_verb_prints_that_verbs_usage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Issue 16, new-user item: the top-level usage was printed.
    with pytest.raises(SystemExit) as exit_info:
        main(["prorate", "--start", "2024-01-01", "--end", "2024-02-01", "--bogus"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: revcycle prorate")
    assert "unrecognized arguments: --bogus" in err


def test_a_union_member_dumped_on_its_own_passes_to_rate_price(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Issue 16, new-user item: dumps(PerUnit(...)) had no "type" tag, so --price refused it.
    from revcycle import samples
    from revcycle.money import Money
    from revcycle.pricing import PerUnit
    from revcycle.serialization import dumps

    price = dumps(PerUnit(Money("0.01", "USD")))
    code, out, err = _run(
        capsys,
        "rate",
        samples.path("usage_events.json"),
        "--metric",
        "api_calls",
        "--price",
        price,
        "--period",
        "2024-01-01/2024-02-01",
    )
    assert code == 0, err
    assert json.loads(out)["lines"]
