"""Where revcycle meets Dask: the optional imports, the client, and the one way a graph is
computed. Dask does all the scheduling and shuffling; revcycle only says which key a record is
partitioned by (docs/explanation/scaling.md).

Private to :mod:`revcycle.distributed`.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable
from os import PathLike
from typing import Any, Final

from revcycle._validate import require_extra, require_sequence
from revcycle.errors import RevcycleTypeError, shown


FEATURE: Final = "revcycle.distributed"

ORDER: Final = "__order"
"""The column that carries a row's place in the input, ``(partition << 40) + row``: the
partition number of the input (files in order, then their row groups) and the row within
it. Shuffles move it with the row, so the first occurrence of an id is still the first in file,
then row, order wherever the row went (Spark's ``monotonically_increasing_id()`` is the same
number with 33 bits for the row)."""

ROW_BITS: Final = 40

REPEAT: Final = "__repeat"
"""The column that marks a later occurrence of an id (true) among the rows of a usage table;
null or false for an id's first occurrence (the least :data:`ORDER`)."""


def dask() -> Any:
    """The ``dask`` module, or :class:`~revcycle.errors.MissingExtraError` naming the extra."""
    return require_extra("dask", "dask", FEATURE)


def arrow() -> Any:
    """The ``pyarrow`` module (the Arrow engine of usage rating)."""
    return require_extra("pyarrow", "dask", FEATURE)


def bags() -> Any:
    """The ``dask.bag`` module."""
    return require_extra("dask.bag", "dask", FEATURE)


def frames() -> Any:
    """The ``dask.dataframe`` module."""
    return require_extra("dask.dataframe", "dask", FEATURE)


def resolve_client(client: object) -> Any:
    """``client``, else the current Dask client, else ``None`` (the graph then runs here, in
    this process, on Dask's synchronous scheduler)."""
    dist = require_extra("distributed", "dask", FEATURE)
    if client is None:
        try:
            return dist.default_client()
        except ValueError:  # no client was started in this process
            return None
    if not isinstance(client, dist.Client):
        raise RevcycleTypeError(
            f"client must be a dask.distributed Client or None, not {shown(client)}."
        )
    return client


def compute(client: Any, *collections: Any) -> tuple[Any, ...]:
    """Compute ``collections`` together (shared inputs are read once) on ``client``, or in
    this process when it is ``None``."""
    if client is None:
        return tuple(dask().compute(*collections, scheduler="sync"))
    return tuple(client.gather(client.compute(list(collections))))


def slot(key: str, slots: int) -> int:
    """The partition of ``key`` among ``slots``: CRC-32 of its UTF-8 bytes, the same in every
    process (Python's own ``hash`` of a string is salted per process)."""
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % slots


def is_bag(value: object) -> bool:
    """True for a Dask bag (without importing Dask when it is not loaded)."""
    return type(value).__module__.startswith("dask.bag")


def is_frame(value: object) -> bool:
    """True for a Dask dataframe."""
    module = type(value).__module__
    return module.startswith(("dask.dataframe", "dask_expr"))


def is_path(value: object) -> bool:
    """True for a path to Parquet (a file, a directory or a glob)."""
    return isinstance(value, str | PathLike)


def as_bag(values: Iterable[Any], what: str, partitions: int | None = None) -> Any:
    """``values`` as a Dask bag: a bag as it is, a sequence split into ``partitions``."""
    if is_bag(values):
        return values
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise RevcycleTypeError(f"{what} must be a sequence or a Dask bag, not {shown(values)}.")
    items = list(require_sequence(values, what))
    count = partitions or default_partitions(len(items))
    return bags().from_sequence(items, npartitions=max(1, min(count, len(items) or 1)))


def default_partitions(count: int) -> int:
    """Partitions of about 1,000 records, at most 64."""
    return max(1, min(64, -(-count // 1000)))


def tag_partitions(bag: Any, tag: Callable[..., list[tuple[Any, ...]]], *args: Any) -> Any:
    """A bag of ``tag(partition, number, *args)`` for every partition of ``bag``: the partition
    number lets ``tag`` give each record its place in the input."""
    delayed = dask().delayed
    parts = [delayed(tag)(part, number, *args) for number, part in enumerate(bag.to_delayed())]
    return bags().from_delayed(parts)
