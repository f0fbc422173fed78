"""Rows of a usage table read as events, and the search for repeated ids in one.

Part of the columnar path (``usage/_arrow.py``, which imports this module only when
:func:`~revcycle.usage.rate_usage_table` is called). Repeated ids are found without a hash
table of 10^7 strings: each id becomes a 64-bit key read from the string buffer, a copy of
the keys is sorted (numpy), and only the rows sharing a key are compared exactly, by Arrow's
hash of their id strings (``dictionary_encode``). The later occurrences of a repeated id stay
Arrow rows (:class:`Repeats`) until somebody reads them as events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from revcycle._validate import require_extra
from revcycle.usage._events import UsageEvent


if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.compute as pc
else:  # imported through rate_usage_table(), which thus raises MissingExtraError
    pa = require_extra("pyarrow", "arrow", "rate_usage_table()")
    pc = require_extra("pyarrow.compute", "arrow", "rate_usage_table()")


# numpy speeds up the id keys and byte checks (it ships with pandas and most Arrow installs);
# without it the same answers come from Arrow kernels, more slowly.
np: Any
try:
    import numpy

    np = numpy
except ImportError:  # pragma: no cover - exercised only without numpy
    np = None


REQUIRED = ("id", "customer", "metric", "at")
CORE = frozenset((*REQUIRED, "quantity"))
INDEX = "__revcycle_row"


def row_numbers(count: int) -> pa.Array[Any]:
    if np is None:  # pragma: no cover - numpy ships with pandas and most Arrow installs
        return pa.array(range(count), pa.int64())
    numbers: pa.Array[Any] = pa.array(np.arange(count, dtype=np.int64))
    return numbers


def events_of(table: pa.Table) -> list[UsageEvent]:
    """Rows as events (only for the rows reported, never for the rows counted)."""
    names = [n for n in table.column_names if n not in CORE and n != INDEX]
    # Column by column: one list per column rather than one dict per row.
    ids, customers, metrics, ats = (table.column(n).to_pylist() for n in REQUIRED)
    quantities: list[Any] = (
        table.column("quantity").to_pylist()
        if "quantity" in table.column_names
        else [1] * table.num_rows
    )
    values = (
        list(zip(*(table.column(n).to_pylist() for n in names), strict=True))
        or [()] * table.num_rows
    )
    return [
        UsageEvent(
            id=event_id,
            customer=customer,
            metric=metric,
            at=at,
            quantity=quantity,
            properties={p: v for p, v in zip(names, row, strict=True) if v is not None},
        )
        for event_id, customer, metric, at, quantity, row in zip(
            ids, customers, metrics, ats, quantities, values, strict=True
        )
    ]


# Rows per block where numpy works block by block (temporaries of a few hundred kilobytes).
_BLOCK = 1 << 16
# An odd 64-bit multiplier (splitmix64's) to combine the words of ids longer than 8 bytes.
_MIX = 0xBF58476D1CE4E5B9
# Beyond this many ids at the very end of the bytes, pad a copy rather than read them one by one.
_TAIL = 64


def _id_keys(ids: pa.Array[Any]) -> Any:
    """A 64-bit key per string of ``ids`` (a ``pa.string()`` array without nulls), read with
    numpy straight from Arrow's buffers: equal strings always get equal keys.

    The key of an id of up to 8 bytes is its bytes (little-endian, the bytes past its end
    shifted out); a longer id combines its 8-byte words polynomially. Keys are only sorted
    and compared, so they need no avalanche mixing; unequal ids may share a key (then they
    are compared exactly).
    """
    count = len(ids)
    keys = np.zeros(count, dtype=np.uint64)
    if not count:
        return keys
    _, offsets_buffer, data_buffer = ids.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32, count=count + 1, offset=ids.offset * 4)
    data: Any = np.frombuffer(data_buffer or b"", dtype=np.uint8)
    size = len(data)
    starts, ends = offsets[:-1], offsets[1:]
    longest = max(
        int((ends[b : b + _BLOCK] - starts[b : b + _BLOCK]).max()) for b in range(0, count, _BLOCK)
    )
    wide = size + longest >= 2**31 - 8  # word positions past the int32 range
    limit = size - 8  # the last byte offset with 8 bytes after it
    # The ids whose last word would be read past the end of the bytes (a few, at the end).
    last_word = (longest - 1) // 8 * 8 if longest else 0
    bound = starts.dtype.type(max(limit - last_word, -1))  # typed: no copy of ``starts``
    tail = count - int(np.searchsorted(starts, bound, side="right"))
    padded = limit < 0 or tail > _TAIL
    if padded:  # 8 zero bytes after the end: a word clipped to the end holds no id's bytes
        data = np.concatenate((data, np.zeros(8, dtype=np.uint8)))
        limit = size
    # Every 8-byte little-endian window of the bytes, one per byte offset (a view, no copy).
    windows = np.ndarray((limit + 1,), dtype="<u8", buffer=data, strides=(1,))
    # Block by block, so that the temporaries stay in the CPU cache; every row goes through
    # the same words (a shorter id's extra words are 0), so blocks agree on a key.
    for begin in range(0, count, _BLOCK):
        block_starts = starts[begin : begin + _BLOCK]
        lengths = ends[begin : begin + _BLOCK] - block_starts
        if wide:
            block_starts = block_starts.astype(np.int64)
        block = keys[begin : begin + _BLOCK]
        rows = len(block)
        for word_start in range(0, max(longest, 1), 8):
            positions = block_starts + word_start if word_start else block_starts
            last = int(np.searchsorted(positions, positions.dtype.type(limit), side="right"))
            word = windows[np.minimum(positions, limit) if last < rows else positions]
            if not padded:
                for row in range(last, rows):  # the few ids whose word ends past the bytes
                    at = int(positions[row])
                    word[row] = int.from_bytes(bytes(data[at : at + 8]), "little")
            # Keep the id's own bytes of this word: shift out the 8 - r bytes past its end
            # (in two shifts of at most 32 bits each, so that r = 0 gives 0 everywhere).
            kept = np.clip(lengths - word_start, 0, 8).astype(np.uint8)
            shift = (np.uint8(8) - kept) * np.uint8(4)
            word <<= shift
            word <<= shift
            if word_start:
                block *= np.uint64(_MIX)
            block += word
    return keys


def _candidate_rows(ids: pa.ChunkedArray[Any]) -> Any:
    """Ascending positions of the rows whose id may repeat, or ``None`` without numpy.

    Two equal ids have equal keys (:func:`_id_keys`), so a row whose key is unique has a
    unique id: sorting a copy of the keys (numpy's vectorised sort of 64-bit integers) rules
    out every such row in one pass, and only the rows sharing a key (repeated ids, or rare
    unequal ids with one key) are compared exactly. No hash table of 10^7 strings is built:
    Arrow's hash of 10^7 strings costs several times the sort, its hash of the 64-bit keys
    about twice it.
    """
    if np is None:  # pragma: no cover - numpy ships with pandas and most Arrow installs
        return None
    keys = _id_keys(ids.combine_chunks())
    ordered = np.sort(keys)
    same = ordered[1:] == ordered[:-1]
    if not same.any():
        return np.empty(0, dtype=np.int64)
    shared = np.unique(ordered[1:][same])  # the keys held by more than one row (few)
    del ordered, same
    # The rows holding a shared key: a bitmap of the shared keys' mixed top bits rules out
    # most rows in two vector operations, then Arrow's hash probe (is_in) checks the rest.
    bits = max(16, (16 * len(shared)).bit_length())
    shift = np.uint64(64 - bits)
    mixed = keys * np.uint64(_MIX)
    mixed >>= shift
    bitmap = np.zeros(1 << bits, dtype=bool)
    bitmap[(shared * np.uint64(_MIX)) >> shift] = True
    maybe = np.flatnonzero(bitmap[mixed])
    del mixed, bitmap
    found: Any = pc.is_in(pa.array(keys[maybe]), value_set=pa.array(shared))
    return maybe[found.to_numpy(zero_copy_only=False)]


class Repeats:
    """The later occurrences of repeated ids, kept as Arrow rows: they become
    :class:`UsageEvent` values only when :attr:`UsageRating.duplicates` (or ``conflicts``)
    is first read, never while rating (10^5 repeats would cost a second as events)."""

    __slots__ = ("_conflicting", "_rows")

    def __init__(self, rows: pa.Table, conflicting: list[bool]) -> None:
        self._rows = rows
        self._conflicting = conflicting

    def __call__(self) -> tuple[tuple[UsageEvent, ...], tuple[UsageEvent, ...]]:
        """``(duplicates, conflicts)`` in input order, ``conflicts`` a subset of the first."""
        duplicates = tuple(events_of(self._rows))
        conflicts = tuple(e for e, x in zip(duplicates, self._conflicting, strict=True) if x)
        return duplicates, conflicts


def drop_repeats(table: pa.Table) -> tuple[Dropped | None, Repeats | None]:
    """The later occurrences of repeated ids in ``table`` (the first, in row order, is kept)
    as rows to drop and as the rows to report, or ``None`` twice when every id is distinct."""
    candidates = _candidate_rows(table.column("id"))
    if candidates is None:  # pragma: no cover - without numpy every row is a candidate
        subset = table.append_column(INDEX, row_numbers(table.num_rows))
    elif not len(candidates):
        return None, None  # every id is distinct (the common case)
    else:
        subset = table.take(pa.array(candidates)).append_column(INDEX, pa.array(candidates))
    # Exactly among the candidates (in input order), by Arrow's hash of the id strings: the
    # codes are numbered in order of first appearance, so a row is its id's first occurrence
    # exactly when its code exceeds every code before it.
    encoded: Any = pc.dictionary_encode(subset.column("id").combine_chunks())
    if len(encoded.dictionary) == subset.num_rows:
        return None, None  # keys shared by chance, no repeated id
    later, matching = _later_occurrences(encoded.indices)
    repeats = subset.take(later)
    matched = subset.take(matching)
    # A duplicate conflicts when a field differs from its id's first occurrence: compared
    # column by column in Arrow (a missing property equals a missing one), as UsageEvent
    # equality compares the same values, without building the first occurrences as events.
    differs: Any = pa.nulls(repeats.num_rows, pa.bool_()).fill_null(False)
    for name in repeats.column_names:
        if name in ("id", INDEX):
            continue
        mine: Any = repeats.column(name)
        theirs: Any = matched.column(name)
        same: Any = pc.or_(
            pc.fill_null(pc.equal(mine, theirs), False),
            pc.and_(pc.is_null(mine), pc.is_null(theirs)),
        )
        differs = pc.or_(differs, pc.invert(same))
    dropped = repeats.column(INDEX).combine_chunks()
    kept: Any
    if np is None:  # pragma: no cover - numpy ships with pandas and most Arrow installs
        kept = pc.invert(pc.is_in(row_numbers(table.num_rows), value_set=dropped))
    else:  # a mask set at the dropped positions, instead of a hash probe per row
        mask = np.ones(table.num_rows, dtype=bool)
        mask[dropped.to_numpy()] = False
        kept = pa.array(mask)
    rows = repeats.drop_columns([INDEX])
    return Dropped(kept, rows), Repeats(rows, differs.to_pylist())


class Dropped(NamedTuple):
    """The rows a de-duplication drops: ``kept`` (a mask of the rows kept) and ``rows`` (the
    dropped rows, a few). Filtering 10^7 rows copies every column; a plain sum or count can
    instead be taken over every row, less that of the dropped rows."""

    kept: pa.Array[Any]
    rows: pa.Table


def _later_occurrences(codes: pa.Array[Any]) -> tuple[pa.Array[Any], pa.Array[Any]]:
    """For dictionary codes numbered in order of first appearance: the positions of the rows
    that are not their code's first occurrence, and for each the position of that first
    occurrence (a row comes first exactly when its code exceeds every code before it)."""
    if np is None:  # pragma: no cover - numpy ships with pandas and most Arrow installs
        numbers = row_numbers(len(codes))
        firsts = (
            pa.table({"code": codes, INDEX: numbers})
            .group_by("code")
            .aggregate([(INDEX, "min")])
            .sort_by("code")
            .column(f"{INDEX}_min")
            .combine_chunks()
        )
        later = pc.filter(numbers, pc.invert(pc.is_in(numbers, value_set=firsts)))
        return later, firsts.take(pc.take(codes, later))
    values = codes.to_numpy(zero_copy_only=False).astype(np.int64)
    first = values > np.maximum.accumulate(np.concatenate(([-1], values[:-1])))
    positions = np.flatnonzero(first)  # positions[c]: where code c first occurs
    later_rows = np.flatnonzero(~first)
    return pa.array(later_rows), pa.array(positions[values[later_rows]])
