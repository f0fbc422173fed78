"""revcycle: exact, typed, explainable engines for the B2B revenue cycle.

The everyday names are importable from here; everything else from its module
(``revcycle.money``, ``revcycle.dates``, ``revcycle.proration`` ...).

The names load lazily (PEP 562): ``import revcycle`` imports no engine, and the first use of a
name (``revcycle.Money``, ``from revcycle import price_quote``) imports the module that owns it,
once. Type checkers and IDEs read the explicit re-exports under ``TYPE_CHECKING`` below;
``tests/test_api.py`` checks that they and the lazy map name the same things.
"""

__version__ = "0.1.0"

__all__ = [
    "WEEKENDS",
    "AccountArr",
    "AccountJourney",
    "AddProduct",
    "Aggregation",
    "AgingReport",
    "AllocationPolicy",
    "Amendment",
    "AmendmentLine",
    "AnyPricingModel",
    "Approval",
    "ApprovalPolicy",
    "ArrBridge",
    "ArrMovement",
    "BillRun",
    "BillingPeriod",
    "BillingSettings",
    "BillingTiming",
    "BusinessDayAdjustment",
    "BusinessDayConvention",
    "Cancel",
    "Catalog",
    "ChangeQuantity",
    "ChargeKind",
    "ClosePolicy",
    "Contract",
    "ContractedPrice",
    "CountryHolidays",
    "Currency",
    "DatedRate",
    "DayCount",
    "DayOfMonth",
    "Discount",
    "DiscountAbove",
    "DiscountBase",
    "DiscountKind",
    "DiscountSchedule",
    "DiscountTier",
    "Duration",
    "EarlyPaymentDiscount",
    "EndOfMonth",
    "EngagementInterval",
    "ExchangeRates",
    "FinancialHolidays",
    "FirstPeriod",
    "Flat",
    "ForecastCategory",
    "Graduated",
    "Handoff",
    "Installment",
    "Invoice",
    "InvoiceLine",
    "JointCalendar",
    "LateCharge",
    "LineKind",
    "LockedPrice",
    "MarginBelow",
    "Meter",
    "Milestone",
    "MilestoneKind",
    "Money",
    "NetDays",
    "OpenItem",
    "Opportunity",
    "Package",
    "PaymentSchedule",
    "PaymentTerms",
    "PerUnit",
    "Percent",
    "Percentage",
    "Period",
    "Pipeline",
    "PriceBook",
    "PriceRow",
    "PricedAmendment",
    "PricedLine",
    "PricedQuote",
    "Product",
    "ProrationMethod",
    "Quote",
    "QuoteLine",
    "RatePeriod",
    "RatedCharge",
    "RenewalPricing",
    "RevcycleError",
    "Rounding",
    "RoundingMode",
    "ScheduleKind",
    "Stage",
    "StageModel",
    "Stairstep",
    "StepName",
    "Subscription",
    "TaxPolicy",
    "TaxRate",
    "Tier",
    "TotalAbove",
    "Touchpoint",
    "TrueUp",
    "UnitRounding",
    "UnitRoundingMode",
    "UsageCharge",
    "UsageEvent",
    "UsageRating",
    "Volume",
    "WaterfallStep",
    "aggregate_usage",
    "aging",
    "amend",
    "arr",
    "arr_bridge",
    "bill",
    "billing_periods",
    "gross_revenue_retention",
    "late_interest",
    "mrr",
    "net_revenue_retention",
    "period_fraction",
    "price_quote",
    "rate_usage",
    "rate_usage_table",
    "renew",
    "term_multiplier",
]

# typing.TYPE_CHECKING without importing typing (mypy, pyright and ruff read the name).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from revcycle.amendments import PricedAmendment as PricedAmendment
    from revcycle.amendments import amend as amend
    from revcycle.approvals import Approval as Approval
    from revcycle.approvals import ApprovalPolicy as ApprovalPolicy
    from revcycle.approvals import DiscountAbove as DiscountAbove
    from revcycle.approvals import MarginBelow as MarginBelow
    from revcycle.approvals import TotalAbove as TotalAbove
    from revcycle.billing import BillingPeriod as BillingPeriod
    from revcycle.billing import BillRun as BillRun
    from revcycle.billing import Invoice as Invoice
    from revcycle.billing import InvoiceLine as InvoiceLine
    from revcycle.billing import LineKind as LineKind
    from revcycle.billing import TaxPolicy as TaxPolicy
    from revcycle.billing import TaxRate as TaxRate
    from revcycle.billing import bill as bill
    from revcycle.billing import billing_periods as billing_periods
    from revcycle.calendars import WEEKENDS as WEEKENDS
    from revcycle.calendars import BusinessDayAdjustment as BusinessDayAdjustment
    from revcycle.calendars import BusinessDayConvention as BusinessDayConvention
    from revcycle.calendars import CountryHolidays as CountryHolidays
    from revcycle.calendars import FinancialHolidays as FinancialHolidays
    from revcycle.calendars import JointCalendar as JointCalendar
    from revcycle.catalog import Catalog as Catalog
    from revcycle.catalog import ChargeKind as ChargeKind
    from revcycle.catalog import ContractedPrice as ContractedPrice
    from revcycle.catalog import PriceBook as PriceBook
    from revcycle.catalog import Product as Product
    from revcycle.contracts import AddProduct as AddProduct
    from revcycle.contracts import Amendment as Amendment
    from revcycle.contracts import AmendmentLine as AmendmentLine
    from revcycle.contracts import BillingSettings as BillingSettings
    from revcycle.contracts import BillingTiming as BillingTiming
    from revcycle.contracts import Cancel as Cancel
    from revcycle.contracts import ChangeQuantity as ChangeQuantity
    from revcycle.contracts import Contract as Contract
    from revcycle.contracts import FirstPeriod as FirstPeriod
    from revcycle.contracts import Subscription as Subscription
    from revcycle.contracts import TrueUp as TrueUp
    from revcycle.dates import DayCount as DayCount
    from revcycle.dates import Duration as Duration
    from revcycle.dates import Period as Period
    from revcycle.engagement import AccountJourney as AccountJourney
    from revcycle.engagement import EngagementInterval as EngagementInterval
    from revcycle.engagement import Milestone as Milestone
    from revcycle.engagement import MilestoneKind as MilestoneKind
    from revcycle.errors import RevcycleError as RevcycleError
    from revcycle.interest import DatedRate as DatedRate
    from revcycle.interest import LateCharge as LateCharge
    from revcycle.interest import RatePeriod as RatePeriod
    from revcycle.interest import late_interest as late_interest
    from revcycle.metrics import AccountArr as AccountArr
    from revcycle.metrics import ArrBridge as ArrBridge
    from revcycle.metrics import ArrMovement as ArrMovement
    from revcycle.metrics import arr as arr
    from revcycle.metrics import arr_bridge as arr_bridge
    from revcycle.metrics import gross_revenue_retention as gross_revenue_retention
    from revcycle.metrics import mrr as mrr
    from revcycle.metrics import net_revenue_retention as net_revenue_retention
    from revcycle.money import AllocationPolicy as AllocationPolicy
    from revcycle.money import Currency as Currency
    from revcycle.money import ExchangeRates as ExchangeRates
    from revcycle.money import Money as Money
    from revcycle.money import Percent as Percent
    from revcycle.money import Rounding as Rounding
    from revcycle.money import RoundingMode as RoundingMode
    from revcycle.opportunity import ClosePolicy as ClosePolicy
    from revcycle.opportunity import ForecastCategory as ForecastCategory
    from revcycle.opportunity import Handoff as Handoff
    from revcycle.opportunity import Opportunity as Opportunity
    from revcycle.opportunity import Stage as Stage
    from revcycle.opportunity import StageModel as StageModel
    from revcycle.opportunity import Touchpoint as Touchpoint
    from revcycle.pipeline import Pipeline as Pipeline
    from revcycle.pricing import AnyPricingModel as AnyPricingModel
    from revcycle.pricing import Discount as Discount
    from revcycle.pricing import DiscountKind as DiscountKind
    from revcycle.pricing import DiscountSchedule as DiscountSchedule
    from revcycle.pricing import DiscountTier as DiscountTier
    from revcycle.pricing import Flat as Flat
    from revcycle.pricing import Graduated as Graduated
    from revcycle.pricing import Package as Package
    from revcycle.pricing import PerUnit as PerUnit
    from revcycle.pricing import PriceRow as PriceRow
    from revcycle.pricing import ScheduleKind as ScheduleKind
    from revcycle.pricing import Stairstep as Stairstep
    from revcycle.pricing import Tier as Tier
    from revcycle.pricing import Volume as Volume
    from revcycle.proration import ProrationMethod as ProrationMethod
    from revcycle.proration import period_fraction as period_fraction
    from revcycle.proration import term_multiplier as term_multiplier
    from revcycle.quotes import LockedPrice as LockedPrice
    from revcycle.quotes import PricedLine as PricedLine
    from revcycle.quotes import PricedQuote as PricedQuote
    from revcycle.quotes import Quote as Quote
    from revcycle.quotes import QuoteLine as QuoteLine
    from revcycle.quotes import price_quote as price_quote
    from revcycle.receivables import AgingReport as AgingReport
    from revcycle.receivables import OpenItem as OpenItem
    from revcycle.receivables import aging as aging
    from revcycle.renewals import RenewalPricing as RenewalPricing
    from revcycle.renewals import renew as renew
    from revcycle.terms import DayOfMonth as DayOfMonth
    from revcycle.terms import DiscountBase as DiscountBase
    from revcycle.terms import EarlyPaymentDiscount as EarlyPaymentDiscount
    from revcycle.terms import EndOfMonth as EndOfMonth
    from revcycle.terms import Installment as Installment
    from revcycle.terms import NetDays as NetDays
    from revcycle.terms import PaymentSchedule as PaymentSchedule
    from revcycle.terms import PaymentTerms as PaymentTerms
    from revcycle.usage import Aggregation as Aggregation
    from revcycle.usage import Meter as Meter
    from revcycle.usage import Percentage as Percentage
    from revcycle.usage import RatedCharge as RatedCharge
    from revcycle.usage import UnitRounding as UnitRounding
    from revcycle.usage import UnitRoundingMode as UnitRoundingMode
    from revcycle.usage import UsageCharge as UsageCharge
    from revcycle.usage import UsageEvent as UsageEvent
    from revcycle.usage import UsageRating as UsageRating
    from revcycle.usage import aggregate_usage as aggregate_usage
    from revcycle.usage import rate_usage as rate_usage
    from revcycle.usage import rate_usage_table as rate_usage_table
    from revcycle.waterfall import StepName as StepName
    from revcycle.waterfall import WaterfallStep as WaterfallStep
else:
    # Each public name and the module that owns it, imported on the name's first use. A new name
    # is one entry here, one re-export above and one line in __all__.
    _LAZY = {
        "PricedAmendment": "revcycle.amendments",
        "amend": "revcycle.amendments",
        "Approval": "revcycle.approvals",
        "ApprovalPolicy": "revcycle.approvals",
        "DiscountAbove": "revcycle.approvals",
        "MarginBelow": "revcycle.approvals",
        "TotalAbove": "revcycle.approvals",
        "BillingPeriod": "revcycle.billing",
        "BillRun": "revcycle.billing",
        "Invoice": "revcycle.billing",
        "InvoiceLine": "revcycle.billing",
        "LineKind": "revcycle.billing",
        "TaxPolicy": "revcycle.billing",
        "TaxRate": "revcycle.billing",
        "bill": "revcycle.billing",
        "billing_periods": "revcycle.billing",
        "WEEKENDS": "revcycle.calendars",
        "BusinessDayAdjustment": "revcycle.calendars",
        "BusinessDayConvention": "revcycle.calendars",
        "CountryHolidays": "revcycle.calendars",
        "FinancialHolidays": "revcycle.calendars",
        "JointCalendar": "revcycle.calendars",
        "Catalog": "revcycle.catalog",
        "ChargeKind": "revcycle.catalog",
        "ContractedPrice": "revcycle.catalog",
        "PriceBook": "revcycle.catalog",
        "Product": "revcycle.catalog",
        "AddProduct": "revcycle.contracts",
        "Amendment": "revcycle.contracts",
        "AmendmentLine": "revcycle.contracts",
        "BillingSettings": "revcycle.contracts",
        "BillingTiming": "revcycle.contracts",
        "Cancel": "revcycle.contracts",
        "ChangeQuantity": "revcycle.contracts",
        "Contract": "revcycle.contracts",
        "FirstPeriod": "revcycle.contracts",
        "Subscription": "revcycle.contracts",
        "TrueUp": "revcycle.contracts",
        "DayCount": "revcycle.dates",
        "Duration": "revcycle.dates",
        "Period": "revcycle.dates",
        "AccountJourney": "revcycle.engagement",
        "EngagementInterval": "revcycle.engagement",
        "Milestone": "revcycle.engagement",
        "MilestoneKind": "revcycle.engagement",
        "RevcycleError": "revcycle.errors",
        "DatedRate": "revcycle.interest",
        "LateCharge": "revcycle.interest",
        "RatePeriod": "revcycle.interest",
        "late_interest": "revcycle.interest",
        "AccountArr": "revcycle.metrics",
        "ArrBridge": "revcycle.metrics",
        "ArrMovement": "revcycle.metrics",
        "arr": "revcycle.metrics",
        "arr_bridge": "revcycle.metrics",
        "gross_revenue_retention": "revcycle.metrics",
        "mrr": "revcycle.metrics",
        "net_revenue_retention": "revcycle.metrics",
        "AllocationPolicy": "revcycle.money",
        "Currency": "revcycle.money",
        "ExchangeRates": "revcycle.money",
        "Money": "revcycle.money",
        "Percent": "revcycle.money",
        "Rounding": "revcycle.money",
        "RoundingMode": "revcycle.money",
        "ClosePolicy": "revcycle.opportunity",
        "ForecastCategory": "revcycle.opportunity",
        "Handoff": "revcycle.opportunity",
        "Opportunity": "revcycle.opportunity",
        "Stage": "revcycle.opportunity",
        "StageModel": "revcycle.opportunity",
        "Touchpoint": "revcycle.opportunity",
        "Pipeline": "revcycle.pipeline",
        "AnyPricingModel": "revcycle.pricing",
        "Discount": "revcycle.pricing",
        "DiscountKind": "revcycle.pricing",
        "DiscountSchedule": "revcycle.pricing",
        "DiscountTier": "revcycle.pricing",
        "Flat": "revcycle.pricing",
        "Graduated": "revcycle.pricing",
        "Package": "revcycle.pricing",
        "PerUnit": "revcycle.pricing",
        "PriceRow": "revcycle.pricing",
        "ScheduleKind": "revcycle.pricing",
        "Stairstep": "revcycle.pricing",
        "Tier": "revcycle.pricing",
        "Volume": "revcycle.pricing",
        "ProrationMethod": "revcycle.proration",
        "period_fraction": "revcycle.proration",
        "term_multiplier": "revcycle.proration",
        "LockedPrice": "revcycle.quotes",
        "PricedLine": "revcycle.quotes",
        "PricedQuote": "revcycle.quotes",
        "Quote": "revcycle.quotes",
        "QuoteLine": "revcycle.quotes",
        "price_quote": "revcycle.quotes",
        "AgingReport": "revcycle.receivables",
        "OpenItem": "revcycle.receivables",
        "aging": "revcycle.receivables",
        "RenewalPricing": "revcycle.renewals",
        "renew": "revcycle.renewals",
        "DayOfMonth": "revcycle.terms",
        "DiscountBase": "revcycle.terms",
        "EarlyPaymentDiscount": "revcycle.terms",
        "EndOfMonth": "revcycle.terms",
        "Installment": "revcycle.terms",
        "NetDays": "revcycle.terms",
        "PaymentSchedule": "revcycle.terms",
        "PaymentTerms": "revcycle.terms",
        "Aggregation": "revcycle.usage",
        "Meter": "revcycle.usage",
        "Percentage": "revcycle.usage",
        "RatedCharge": "revcycle.usage",
        "UnitRounding": "revcycle.usage",
        "UnitRoundingMode": "revcycle.usage",
        "UsageCharge": "revcycle.usage",
        "UsageEvent": "revcycle.usage",
        "UsageRating": "revcycle.usage",
        "aggregate_usage": "revcycle.usage",
        "rate_usage": "revcycle.usage",
        "rate_usage_table": "revcycle.usage",
        "StepName": "revcycle.waterfall",
        "WaterfallStep": "revcycle.waterfall",
    }
    # The modules that `import revcycle` used to load eagerly stay reachable as attributes
    # (`revcycle.money.Money`), each imported on first access.
    _SUBMODULES = frozenset(
        "_display _iso4217 _numbers _validate amendments approvals billing calendars catalog "
        "contracts dates engagement errors interest metrics money opportunity pipeline pricing "
        "proration quotes receivables renewals terms usage waterfall".split()
    )

    def __getattr__(name: str) -> object:
        import sys

        # The import statement's own machinery (not importlib.import_module), so that
        # `python -X importtime` shows each module under its name.
        module = _LAZY.get(name)
        if module is None and name in _SUBMODULES:
            __import__(f"{__name__}.{name}")
            return sys.modules[f"{__name__}.{name}"]
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        __import__(module)
        value = getattr(sys.modules[module], name)
        globals()[name] = value  # later accesses are plain attribute reads
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__, *_SUBMODULES})


del TYPE_CHECKING
