"""CSV for integrators (issue 15): tabular CLI output as CSV, and the tabular documents (open
items, usage events, opportunities) read from CSV with the JSON validation and errors naming
the row and column."""

from __future__ import annotations

import csv
import io
import json
import pathlib
import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest

from revcycle import Money, Pipeline, samples
from revcycle.cli import main
from revcycle.errors import StructureError
from revcycle.serialization import (
    OpenItemsDocument,
    UsageEventsDocument,
    dumps_csv,
    loads,
    loads_csv,
)


ITEMS = """id,account,due_date,amount,currency
INV-1,Northwind,2025-05-01,100.00,USD
INV-2,Northwind,2025-06-30,12.345,KWD
"""


def _csv(out: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(out)))


def test_open_items_read_from_csv_equal_the_json_ones() -> None:
    read = loads_csv(ITEMS, OpenItemsDocument)
    as_json = {
        "items": [
            {"id": "INV-1", "account": "Northwind", "due_date": "2025-05-01",
             "amount": {"amount": "100.00", "currency": "USD"}},
            {"id": "INV-2", "account": "Northwind", "due_date": "2025-06-30",
             "amount": {"amount": "12.345", "currency": "KWD"}},
        ]
    }  # fmt: skip
    assert read == loads(json.dumps(as_json), OpenItemsDocument)
    assert read.items[1].amount == Money("12.345", "KWD")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (ITEMS.replace("12.345", "12.3.45"), 'row 3, column "amount": The value must be a number'),
        (ITEMS.replace("2025-05-01", "2025-02-30"), 'row 2, column "due_date": expected an ISO'),
        (ITEMS.replace("KWD", "XYZ"), 'row 3, column "currency": '),
        (ITEMS.replace("INV-1,", ","), 'row 2, column "id": empty'),
        (ITEMS.replace("currency\n", "currency,colour\n"), "unknown columns ['colour']"),
        (ITEMS.replace(",currency\n", "\n"), "missing columns ['currency']"),
        (ITEMS.replace("USD\n", "USD,extra\n"), "row 2: more cells than the header"),
    ],
)
def test_a_bad_cell_is_named_by_row_and_column(text: str, message: str) -> None:
    with pytest.raises(StructureError) as caught:
        loads_csv(text, OpenItemsDocument)
    assert message in str(caught.value)
    assert str(caught.value).startswith("Cannot read open items from CSV:")


def test_usage_events_from_csv_carry_their_properties_and_instants() -> None:
    text = (
        "id,customer,metric,at,quantity,properties.region\n"
        "e1,acme,api_calls,2024-01-01T05:46:00+00:00,4802,eu\n"
        "e2,acme,api_calls,2024-01-02T00:00:00+01:00,,\n"
    )
    events = loads_csv(text, UsageEventsDocument).events
    assert events[0].properties == {"region": "eu"}
    assert events[0].quantity == Decimal("4802")
    assert (events[1].quantity, events[1].properties) == (Decimal("1"), {})
    with pytest.raises(StructureError, match=r'row 3, column "at": .*date-time'):
        loads_csv(text.replace("2024-01-02T00:00:00+01:00", "yesterday"), UsageEventsDocument)
    with pytest.raises(StructureError, match='row 2, column "quantity"'):
        loads_csv(text.replace(",4802,", ",4.8.2,"), UsageEventsDocument)


def test_opportunities_from_csv_make_the_sample_pipeline() -> None:
    pipeline = loads(samples.read_text("opportunities.json"), Pipeline)
    columns = ["id", "account", "name", "amount", "currency", "close_date", "owner", "stage",
               "created_at"]  # fmt: skip
    rows = [
        {
            "id": o.id,
            "account": o.account,
            "name": o.name,
            "amount": str(o.amount.amount),
            "currency": o.amount.currency.code,
            "close_date": o.close_date.isoformat(),
            "owner": o.owner,
            "stage": o.stage,
            "created_at": o.created_at.isoformat(),
        }
        for o in pipeline.opportunities
    ]
    from_csv = loads_csv(dumps_csv(rows, columns), Pipeline)
    # History, handoffs and probability overrides are JSON's; the figures of a fresh pipeline
    # on the same deals agree.
    assert [o.id for o in from_csv.opportunities] == [o.id for o in pipeline.opportunities]
    assert [o.amount for o in from_csv.opportunities] == [o.amount for o in pipeline.opportunities]
    with pytest.raises(StructureError, match='row 4, column "stage"'):
        loads_csv(dumps_csv([*rows[:2], {**rows[2], "stage": "Nowhere"}], columns), Pipeline)


def test_a_type_without_a_csv_form_says_so() -> None:
    with pytest.raises(StructureError, match="has no CSV form"):
        loads_csv("a\n1\n", Money)


def test_dumps_csv_writes_an_empty_table_with_its_header() -> None:
    assert dumps_csv([], ["a", "b"]) == "a,b\n"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_aging_reads_csv_and_writes_csv(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "items.csv"
    path.write_text(ITEMS, encoding="utf-8")
    code, out, _ = _run(capsys, "aging", str(path), "--as-of", "2025-06-30", "--format", "csv")
    assert code == 0
    rows = _csv(out)
    assert rows[0] == {
        "account": "Northwind", "currency": "KWD", "current": "12.345", "1-30": "0.000",
        "31-60": "0.000", "61-90": "0.000", "91-120": "0.000", "120+": "0.000",
        "total": "12.345",
    }  # fmt: skip
    assert rows[1]["31-60"] == "100.00"
    path.write_text(ITEMS.replace("12.345", "lots"), encoding="utf-8")
    code, _, err = _run(capsys, "aging", str(path), "--as-of", "2025-06-30")
    assert code == 1
    assert 'row 3, column "amount"' in err


def test_every_tabular_verb_writes_csv(capsys: pytest.CaptureFixture[str]) -> None:
    quote, catalog = samples.path("quote.json"), samples.path("catalog.json")
    code, out, _ = _run(capsys, "price", quote, "--catalog", catalog, "--format", "csv")
    assert code == 0
    lines = _csv(out)
    assert lines[0]["net_total"] == "1453.50"
    assert sum(Decimal(r["net_total"]) for r in lines if r["charge_kind"] != "usage") == Decimal(
        "18933.50"
    )  # the sample quote's TCV
    code, out, _ = _run(capsys, "terms", "2/10 Net 30", "--invoice-date", "2024-01-31",
                        "--amount", "1000.00 USD", "--format", "csv")  # fmt: skip
    assert code == 0
    assert _csv(out)[0]["discounted_amount"] == "980.00"
    pipeline = samples.path("opportunities.json")
    code, out, _ = _run(capsys, "pipeline", pipeline, "--as-of", "2025-06-20", "--format", "csv")
    assert code == 0
    assert sum(Decimal(r["weighted"]) for r in _csv(out)) == Decimal("122080") + sum(
        (Decimal(r["weighted"]) for r in _csv(out) if r["stage"].startswith("Closed")),
        Decimal(0),
    )
    events, plan = samples.path("usage_events.json"), samples.path("usage_plan.json")
    code, out, _ = _run(capsys, "rate", events, "--plan", plan, "--period",
                        "2024-01-01/2024-02-01", "--format", "csv")  # fmt: skip
    assert code == 0
    assert {r["metric"] for r in _csv(out)} == {"api_calls", "storage_gb"}


def test_prorate_is_not_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["prorate", "--start", "2024-01-01", "--end", "2024-07-01", "--format", "csv"])
    assert caught.value.code == 2
    assert "invalid choice: 'csv'" in capsys.readouterr().err


def test_the_rate_verb_reads_events_from_csv(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(
        "id,customer,metric,at,quantity\n"
        "e1,acme,api_calls,2024-01-05T10:00:00+00:00,15000\n"
        "e1,acme,api_calls,2024-01-05T10:00:00+00:00,15000\n",
        encoding="utf-8",
    )
    price = '{"type": "per_unit", "unit_price": {"amount": "0.001", "currency": "USD"}}'
    run = [sys.executable, "-m", "revcycle", "rate", str(path), "--metric", "api_calls",
           "--price", price, "--period", "2024-01-01/2024-02-01", "--format", "csv"]  # fmt: skip
    result = subprocess.run(run, capture_output=True, text=True, check=True)
    (row,) = _csv(result.stdout)
    assert (row["quantity"], row["amount"]) == ("15000", "15.00")  # the repeat counted once
    assert date.fromisoformat("2024-01-05")  # the instant read from an aware ISO text


def test_dumps_csv_writes_records_of_different_columns_and_refuses_what_is_not_a_scalar() -> None:
    # Found after the long fuzz run (issue 16): records whose columns differ let csv's own
    # ValueError out ("dict contains fields not in fieldnames"), and a model as a value was
    # written as its repr. A column a record lacks is an empty cell; the header holds every
    # column in the order first met.
    from revcycle.errors import RevcycleTypeError, ValidationError
    from revcycle.pricing import PerUnit
    from revcycle.serialization import dumps_csv

    text = dumps_csv([{"sku": "SEAT"}, {"sku": "API", "total": "12.00"}, {}])
    assert text == "sku,total\nSEAT,\nAPI,12.00\n,\n"
    with pytest.raises(ValidationError, match="holds the column 'total', which is not one of"):
        dumps_csv([{"sku": "SEAT", "total": "1.00"}], columns=["sku"])
    with pytest.raises(RevcycleTypeError, match="'USD' must be text, a number"):
        dumps_csv([{}, {"USD": PerUnit(Money("1.00", "USD"))}])
    with pytest.raises(RevcycleTypeError, match="column names must be text"):
        dumps_csv([{1: "a"}])  # type: ignore[dict-item]
