"""revcycle: exact, typed, explainable engines for the B2B revenue cycle.

The everyday names are importable from here; everything else from its module
(``revcycle.money``, ``revcycle.dates``, ``revcycle.proration`` ...).
"""

from revcycle.approvals import Approval as Approval
from revcycle.approvals import ApprovalPolicy as ApprovalPolicy
from revcycle.approvals import DiscountAbove as DiscountAbove
from revcycle.approvals import MarginBelow as MarginBelow
from revcycle.approvals import TotalAbove as TotalAbove
from revcycle.catalog import Catalog as Catalog
from revcycle.catalog import ChargeKind as ChargeKind
from revcycle.catalog import ContractedPrice as ContractedPrice
from revcycle.catalog import PriceBook as PriceBook
from revcycle.catalog import Product as Product
from revcycle.dates import DayCount as DayCount
from revcycle.dates import Duration as Duration
from revcycle.dates import Period as Period
from revcycle.errors import RevcycleError as RevcycleError
from revcycle.money import AllocationPolicy as AllocationPolicy
from revcycle.money import Currency as Currency
from revcycle.money import Money as Money
from revcycle.money import Percent as Percent
from revcycle.money import Rounding as Rounding
from revcycle.money import RoundingMode as RoundingMode
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
from revcycle.quotes import PricedLine as PricedLine
from revcycle.quotes import PricedQuote as PricedQuote
from revcycle.quotes import Quote as Quote
from revcycle.quotes import QuoteLine as QuoteLine
from revcycle.quotes import price_quote as price_quote
from revcycle.waterfall import StepName as StepName
from revcycle.waterfall import WaterfallStep as WaterfallStep


__version__ = "0.1.0"

__all__ = [
    "AllocationPolicy",
    "AnyPricingModel",
    "Approval",
    "ApprovalPolicy",
    "Catalog",
    "ChargeKind",
    "ContractedPrice",
    "Currency",
    "DayCount",
    "Discount",
    "DiscountAbove",
    "DiscountKind",
    "DiscountSchedule",
    "DiscountTier",
    "Duration",
    "Flat",
    "Graduated",
    "MarginBelow",
    "Money",
    "Package",
    "PerUnit",
    "Percent",
    "Period",
    "PriceBook",
    "PriceRow",
    "PricedLine",
    "PricedQuote",
    "Product",
    "ProrationMethod",
    "Quote",
    "QuoteLine",
    "RevcycleError",
    "Rounding",
    "RoundingMode",
    "ScheduleKind",
    "Stairstep",
    "StepName",
    "Tier",
    "TotalAbove",
    "Volume",
    "WaterfallStep",
    "period_fraction",
    "price_quote",
    "term_multiplier",
]
