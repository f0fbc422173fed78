"""Bill runs and usage rating on Dask, equal to the single-process engines (extra
``revcycle[dask]``; DESIGN §5 "Scale-out", docs/explanation/scaling.md).

- :func:`bill` — :func:`revcycle.billing.bill` over a Dask bag (or a sequence) of contracts,
  partitioned by account; ``issued`` invoices and ``usage`` events are partitioned by the same
  key, never sent whole to every partition.
- :func:`rate_usage` — :func:`revcycle.usage.rate_usage_table` over Parquet (a path) or a Dask
  dataframe, partitioned by customer; a repeated id counts once across every partition and
  customer: the first in file, then row, order.

The work of one partition is a pure public function — :func:`bill_partition`,
:func:`screen_partition`, :func:`rate_partition` — whose result converts to the engines'
tables (``BillRun.to_arrow()``), so another engine (Spark's ``mapInArrow``) can call it too.
Dask does all the scheduling and shuffling. ``client=None`` uses the current Dask client, or
runs in this process on Dask's synchronous scheduler when there is none.

Importing :mod:`revcycle` never imports Dask; calling a function here without the extra raises
:class:`~revcycle.errors.MissingExtraError` naming ``pip install 'revcycle[dask]'``.
"""

from __future__ import annotations

from revcycle.distributed._bill import bill, bill_partition
from revcycle.distributed._usage import (
    LeftOut,
    Screened,
    merge_ratings,
    rate_partition,
    rate_usage,
    screen_partition,
)


__all__ = [
    "LeftOut",
    "Screened",
    "bill",
    "bill_partition",
    "merge_ratings",
    "rate_partition",
    "rate_usage",
    "screen_partition",
]
