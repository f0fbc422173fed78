"""The public documents an integrator exchanges with revcycle, by name.

:data:`DOCUMENTS` maps each name (as ``revcycle schema NAME`` takes it, and as its schema file
under ``docs/schemas/`` is named) to the type :func:`~revcycle.serialization.loads` reads.
Files that hold a list travel in an envelope object: ``{"items": [...]}`` for open items,
``{"events": [...]}`` for usage events, ``{"charges": [...]}`` for a usage plan and
``{"contracts": [...]}`` for a book of contracts (the CLI also reads the bare lists).
"""

from __future__ import annotations

from typing import Any, ClassVar, Final, final

import attrs

from revcycle._validate import check_annotated
from revcycle.amendments import PricedAmendment
from revcycle.billing import BillRun, Invoice
from revcycle.catalog import Catalog
from revcycle.contracts import Amendment, Contract
from revcycle.engagement import AccountJourney
from revcycle.metrics import ArrBridge
from revcycle.money import ExchangeRates, Money
from revcycle.opportunity import Opportunity, StageModel
from revcycle.pipeline import Pipeline, PipelineReport
from revcycle.quotes import PricedQuote, Quote
from revcycle.receivables import AgingReport, OpenItem
from revcycle.terms import PaymentSchedule, PaymentTerms
from revcycle.usage import Meter, UsageCharge, UsageEvent, UsageRating


__all__ = [
    "DOCUMENTS",
    "ContractBookDocument",
    "OpenItemsDocument",
    "UsageEventsDocument",
    "UsagePlanDocument",
]


@final
@attrs.frozen(field_transformer=check_annotated)
class OpenItemsDocument:
    """Open receivables for an aging report: ``{"items": [...]}``."""

    items: tuple[OpenItem, ...]
    json_name: ClassVar[str] = "open items"


@final
@attrs.frozen(field_transformer=check_annotated)
class UsageEventsDocument:
    """Usage events to rate: ``{"events": [...]}``."""

    events: tuple[UsageEvent, ...]
    json_name: ClassVar[str] = "usage events"


@final
@attrs.frozen(field_transformer=check_annotated)
class UsagePlanDocument:
    """A usage plan: ``{"charges": [...]}``, each a usage charge."""

    charges: tuple[UsageCharge, ...]
    json_name: ClassVar[str] = "a usage plan"


@final
@attrs.frozen(field_transformer=check_annotated)
class ContractBookDocument:
    """A book of contracts: ``{"contracts": [...]}``."""

    contracts: tuple[Contract, ...]
    json_name: ClassVar[str] = "a book of contracts"


DOCUMENTS: Final[dict[str, Any]] = {
    "money": Money,
    "exchange-rates": ExchangeRates,
    "catalog": Catalog,
    "quote": Quote,
    "priced-quote": PricedQuote,
    "contract": Contract,
    "contracts": list[Contract],
    "contract-book": ContractBookDocument,
    "amendment": Amendment,
    "priced-amendment": PricedAmendment,
    "arr-bridge": ArrBridge,
    "payment-terms": PaymentTerms,
    "payment-schedule": PaymentSchedule,
    "invoice": Invoice,
    "bill-run": BillRun,
    "open-items": OpenItemsDocument,
    "aging-report": AgingReport,
    "stage-model": StageModel,
    "opportunity": Opportunity,
    "pipeline": Pipeline,
    "pipeline-report": PipelineReport,
    "milestones": list[AccountJourney],
    "usage-events": UsageEventsDocument,
    "usage-plan": UsagePlanDocument,
    "usage-charge": UsageCharge,
    "meter": Meter,
    "usage-rating": UsageRating,
}
