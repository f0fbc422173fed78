"""Where a contract version's segments are: by SKU, and the line each delta segment changes.

An amendment reads the lines it changes, not the whole contract: :class:`LineIndex` keeps
both look-ups for one version, and the next version's index is this one extended with what
the amendment adds, so a chain of amendments costs what each one changes. Used by
:class:`revcycle.contracts.Contract`; import the contract from :mod:`revcycle.contracts`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, final


if TYPE_CHECKING:
    from revcycle.contracts._requests import AmendmentLine
    from revcycle.contracts._subscription import Subscription


@final
class LineIndex:
    """One version's segments by SKU (in order of creation) and, for each delta segment, the
    id of the segment that opened its line."""

    __slots__ = ("by_sku", "line_of")

    def __init__(
        self, by_sku: dict[str, tuple[Subscription, ...]], line_of: dict[str, str]
    ) -> None:
        self.by_sku = by_sku
        self.line_of = line_of

    @classmethod
    def of(cls, segments: Sequence[Subscription], lines: Iterable[AmendmentLine]) -> LineIndex:
        """The index of a version holding ``segments``, made by the amendment ``lines`` of
        every version up to it (oldest first)."""
        index = cls({}, {})
        index._add(segments, lines)
        return index

    def extended(
        self, segments: Sequence[Subscription], lines: Iterable[AmendmentLine]
    ) -> LineIndex:
        """The index of the next version: this one with the ``segments`` and amendment
        ``lines`` an amendment adds (this index is left as it was)."""
        index = LineIndex(dict(self.by_sku), dict(self.line_of))
        index._add(segments, lines)
        return index

    def _add(self, segments: Sequence[Subscription], lines: Iterable[AmendmentLine]) -> None:
        line_of = self.line_of
        for line in lines:
            if line.amends is not None:
                line_of[line.subscription_id] = line_of.get(line.amends, line.amends)
        by_sku = self.by_sku
        grouped: dict[str, list[Subscription]] = {}
        for segment in segments:
            grouped.setdefault(segment.sku, []).append(segment)
        for sku, found in grouped.items():
            by_sku[sku] = (*by_sku.get(sku, ()), *found)
