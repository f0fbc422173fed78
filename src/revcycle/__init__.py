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
from revcycle.proration import ProrationMethod as ProrationMethod
from revcycle.proration import period_fraction as period_fraction
from revcycle.proration import term_multiplier as term_multiplier


__version__ = "0.1.0"

__all__ = [
    "AllocationPolicy",
    "Currency",
    "DayCount",
    "Duration",
    "Money",
    "Percent",
    "Period",
    "ProrationMethod",
    "RevcycleError",
    "Rounding",
    "RoundingMode",
    "period_fraction",
    "term_multiplier",
]
