"""JSON hooks for billing: invoices, their lines and bill runs.

* An :class:`~revcycle.billing.InvoiceLine` and a
  :class:`~revcycle.billing.BillingPeriod` use the ordinary rules (their key is checked against
  the contract, subscription, kind and period on the way in).
* An :class:`~revcycle.billing.Invoice` carries every field, its payment schedule included,
  plus ``"due_date"`` for readers; reading checks that the date is the schedule's and that the
  figures add up (subtotal, tax, credit, total), so an invoice read back as ``issued`` bills
  the same keys and gives the same credit balances as the one written.
* A :class:`~revcycle.billing.BillRun` is ``{"invoices": [...], "credit_balances": {account:
  money}, "late_usage": [...]}``, the balances sorted by account.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import cattrs

from revcycle.billing import BillRun, Invoice
from revcycle.errors import ValidationError, shown
from revcycle.money import Money
from revcycle.serialization._core import require_keys
from revcycle.usage import UsageEvent


__all__ = ["register"]

_RUN_KEYS = frozenset({"invoices", "credit_balances", "late_usage"})


def register(converter: cattrs.Converter) -> None:
    """Register the invoice (with its due date) and the bill run on ``converter``."""
    write_invoice = converter.get_unstructure_hook(Invoice)
    read_invoice = converter.get_structure_hook(Invoice)

    def unstructure_invoice(invoice: Invoice) -> dict[str, Any]:
        data: dict[str, Any] = write_invoice(invoice)
        data["due_date"] = invoice.due_date.isoformat()
        return data

    def structure_invoice(data: Any, cls: Any) -> Invoice:
        due = None
        if isinstance(data, Mapping) and "due_date" in data:
            due = data["due_date"]
            data = {key: value for key, value in data.items() if key != "due_date"}
        invoice: Invoice = read_invoice(data, cls)
        if due is not None and due != invoice.due_date.isoformat():
            raise ValidationError(
                f"invoice {invoice.id} says it is due {shown(due)}, but its payment "
                f"schedule is due "
                f"{invoice.due_date.isoformat()}"
            )
        return invoice

    def unstructure_run(run: BillRun) -> dict[str, Any]:
        return {
            "invoices": [unstructure_invoice(invoice) for invoice in run.invoices],
            "credit_balances": {
                account: converter.unstructure(money, unstructure_as=Money)
                for account, money in sorted(run.credit_balances.items())
            },
            "late_usage": converter.unstructure(
                run.late_usage, unstructure_as=tuple[UsageEvent, ...]
            ),
        }

    def structure_run(data: Any, _: Any) -> BillRun:
        fields = require_keys(
            data,
            _RUN_KEYS,
            expected='a bill run as {"invoices": [...], "credit_balances": {...}, '
            '"late_usage": [...]}',
            kind="bill run",
            subject="a bill run",
        )
        return BillRun(
            invoices=converter.structure(fields["invoices"], tuple[Invoice, ...]),
            credit_balances=converter.structure(fields["credit_balances"], dict[str, Money]),
            late_usage=converter.structure(fields["late_usage"], tuple[UsageEvent, ...]),
        )

    converter.register_unstructure_hook(Invoice, unstructure_invoice)
    converter.register_structure_hook(Invoice, structure_invoice)
    converter.register_unstructure_hook(BillRun, unstructure_run)
    converter.register_structure_hook(BillRun, structure_run)
