"""revcycle: exact, typed, explainable engines for the B2B revenue cycle.

The everyday names are importable from here; everything else from its module
(``revcycle.money``, ``revcycle.dates``, ``revcycle.proration`` ...).
"""

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


__version__ = "0.1.0"

__all__ = [
    "AllocationPolicy",
    "AnyPricingModel",
    "Currency",
    "DayCount",
    "Discount",
    "DiscountKind",
    "DiscountSchedule",
    "DiscountTier",
    "Duration",
    "Flat",
    "Graduated",
    "Money",
    "Package",
    "PerUnit",
    "Percent",
    "Period",
    "PriceRow",
    "ProrationMethod",
    "RevcycleError",
    "Rounding",
    "RoundingMode",
    "ScheduleKind",
    "Stairstep",
    "Tier",
    "Volume",
    "period_fraction",
    "term_multiplier",
]
