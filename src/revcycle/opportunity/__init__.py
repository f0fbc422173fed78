"""Opportunity stages, probability snapshots, stage history and the sales-to-service handoff.

Interval 1 of the revenue cycle (wants & needs) and the close of interval 2. Conventions
(docs/explanation/probability-and-forecast-categories.md):

* A :class:`StageModel` is data: ordered :class:`Stage` values, each with a default win
  probability (a :class:`~revcycle.money.Percent`), a :class:`ForecastCategory` and
  closed/won flags. Presets: :meth:`StageModel.default` (the founding document's stages),
  :meth:`StageModel.salesforce`, :meth:`StageModel.hubspot`.
* An opportunity's probability is a **snapshot** taken when it enters a stage: it is copied
  from the stage's default unless overridden, and editing the model later changes nothing on
  existing opportunities (the Salesforce behaviour users ask to be explicit about).
* Every change is kept in the opportunity's ``history`` with a timezone-aware timestamp;
  timestamps never decrease. Closed stages are terminal until :meth:`Opportunity.reopen`.
* Weighted amount = amount × probability (Salesforce's *Expected Revenue*), unrounded.

The names live in private modules, one concept each (``_stages``: stages, stage models and
their presets; ``_handoff``: the sales-to-service handoff and the close policy; ``_model``:
the opportunity and its history); import them from here.

>>> from datetime import date, datetime, timezone
>>> from revcycle.money import Money
>>> opp = Opportunity(
...     id="OPP-1", account="ACME", name="ACME platform", amount=Money("100000", "USD"),
...     close_date=date(2025, 6, 30), owner="dana", stage="Prospecting",
...     created_at=datetime(2025, 1, 6, 9, 0, tzinfo=timezone.utc),
... )
>>> opp = opp.move_to("Negotiation/Review", at=datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc))
>>> opp.probability, opp.weighted_amount
(Percent('75'), Money('75000', 'USD'))
>>> lost = opp.close_lost("budget cut", at=datetime(2025, 4, 1, 9, 0, tzinfo=timezone.utc))
>>> lost.weighted_amount, lost.forecast_category
(Money('0', 'USD'), <ForecastCategory.OMITTED: 'omitted'>)
"""

from __future__ import annotations

# require_aware (public here since the first release) lives in revcycle._validate with the other
# field checks; StageError and CloseRefusedError live in revcycle.errors with the other errors.
from revcycle._validate import require_aware
from revcycle.errors import CloseRefusedError, StageError
from revcycle.opportunity._handoff import ClosePolicy, Handoff, Stakeholder, Touchpoint
from revcycle.opportunity._model import ChangeKind, Opportunity, StageChange
from revcycle.opportunity._stages import ForecastCategory, Stage, StageModel


__all__ = [
    "ChangeKind",
    "ClosePolicy",
    "CloseRefusedError",
    "ForecastCategory",
    "Handoff",
    "Opportunity",
    "Stage",
    "StageChange",
    "StageError",
    "StageModel",
    "Stakeholder",
    "Touchpoint",
    "require_aware",
]
