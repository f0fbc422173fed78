"""How an invoice explains each kind of line: a one-time charge as quantity × price, a usage
charge as the units rated.

One-time: a plan at 10.00 a month and 2 setups at 500.00, billed on 2025-01-01: 10.00 + 2 ×
500.00 = 1,010.00. Usage: the plan and 30 API calls in January at 0.10 each (3.00), billed on
2025-02-01 with February's plan in advance: 10.00 + 3.00 + 10.00 = 23.00, due 2025-03-03
(Net 30 from 2025-02-01).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from billing_support import contract_of, plans
from revcycle.billing import bill
from revcycle.money import Money
from revcycle.pricing import PerUnit
from revcycle.usage import Aggregation, Meter, UsageEvent


START, END = date(2025, 1, 1), date(2025, 12, 31)


def test_a_one_time_line_is_quantity_times_price() -> None:
    catalog = plans(one_time={"SETUP": "500.00"}, PLAN="10.00")
    contract = contract_of(catalog, {"PLAN": 1, "SETUP": 2}, id="C-1", start=START, end=END)
    (invoice,) = bill([contract], through=START).invoices
    text = invoice.explain()
    assert "      2 × 500.00 USD = 1000.00 USD → 1000.00 USD" in text.splitlines()
    assert str(invoice.total) == "1010.00 USD"


def test_a_usage_line_is_the_units_rated() -> None:
    catalog = plans(usage={"API": PerUnit(Money("0.10", "USD"))}, PLAN="10.00")
    meters = {"API": Meter("api", Aggregation.SUM)}
    contract = contract_of(
        catalog, {"PLAN": 1, "API": 0}, id="U-1", start=START, end=END, meters=meters
    )
    calls = UsageEvent(
        id="e1", customer="ACME", metric="api", at=datetime(2025, 1, 10, tzinfo=UTC), quantity=30
    )
    (invoice,) = bill([contract], through=date(2025, 2, 1), usage=[calls]).invoices
    assert "      30 units rated = 3.00 USD → 3.00 USD" in invoice.explain().splitlines()
    assert (str(invoice.total), invoice.due_date) == ("23.00 USD", date(2025, 3, 3))
