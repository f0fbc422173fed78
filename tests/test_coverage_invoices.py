"""An invoice read from JSON refuses what does not add up, naming it.

The invoice is the seed deal's of 2026-03-01 (the demo's monthly bill runs): contract C-1, 100
seats at 90.00 a month (1,080.00 a year ÷ 12) = 9,000.00 and the co-termed +5 at 450.00, a
subtotal of 9,450.00 USD, no tax, due 2026-04-30 (Net 60). Each case changes one thing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from revcycle import errors
from revcycle.billing import Invoice
from revcycle.cli._demo._seed import seed_invoices
from revcycle.serialization import dumps, loads


def _march() -> Invoice:
    return seed_invoices(date(2026, 3, 1))[-1]


def _read_tampered(change: Callable[[dict[str, Any]], object]) -> Invoice:
    document = json.loads(dumps(_march()))
    change(document)
    return loads(json.dumps(document), Invoice)


def _line(document: dict[str, Any]) -> dict[str, Any]:
    line: dict[str, Any] = document["lines"][0]
    return line


def _usd(amount: str, currency: str = "USD") -> dict[str, str]:
    return {"amount": amount, "currency": currency}


def test_the_march_invoice_reads_back_equal() -> None:
    invoice = _march()
    assert _read_tampered(lambda document: None) == invoice
    assert [str(line.amount) for line in invoice.lines] == ["9000.00 USD", "450.00 USD"]
    assert (str(invoice.total), invoice.due_date) == ("9450.00 USD", date(2026, 4, 30))


_KEY = "C-1:C-1-1:recurring:2026-03-01/2026-04-01"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: _line(d).update(
                period={"start": "2026-02-15", "end": "2026-04-01"},
                key="C-1:C-1-1:recurring:2026-02-15/2026-04-01",
            ),
            "must lie inside its full period [2026-03-01, 2026-04-01)",
        ),
        (
            lambda d: _line(d).update(unit_price=_usd("90", "EUR")),
            f"Line {_KEY!r} mixes USD and EUR",
        ),
        (lambda d: d.update(lines=[]), "needs at least one line"),
        (
            lambda d: _line(d).update(contract_id="C-9", key=_KEY.replace("C-1:", "C-9:", 1)),
            f"of contract 'C-1' holds line {_KEY.replace('C-1:', 'C-9:', 1)!r} of contract 'C-9'",
        ),
        (
            lambda d: _line(d).update(
                unit_price=_usd("90", "EUR"),
                precise_amount=_usd("9000", "EUR"),
                amount=_usd("9000.00", "EUR"),
            ),
            f"is in USD, but line {_KEY!r} is in EUR",
        ),
        (lambda d: d.update(tax=_usd("0.00", "EUR")), "is in USD, but its tax is 0.00 EUR"),
        (
            lambda d: d.update(credit_applied=_usd("-1.00"), total=_usd("9451.00")),
            "credit_applied must not be negative",
        ),
        (
            lambda d: d.update(due_date="2026-05-30"),
            "says it is due '2026-05-30', but its payment schedule is due 2026-04-30",
        ),
    ],
)
def test_a_tampered_invoice_is_refused(
    change: Callable[[dict[str, Any]], object], message: str
) -> None:
    with pytest.raises(errors.StructureError, match=re.escape(message)):
        _read_tampered(change)
