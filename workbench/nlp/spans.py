"""Pre-annotation's spans: long texts cut into pieces and the pieces' spans shifted
back, and overlapping spans resolved greedily in an order of preference."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from typing import TypeVar

from workbench.model import SuggestedTrigger, Suggestion

# Pre-annotation's two kinds of span, each kept as its own type where spans are sorted.
AnySpan = TypeVar("AnySpan", Suggestion, SuggestedTrigger)


PIECE_CHARS = 100_000  # long documents are processed in pieces of about this size


def non_overlapping(ordered: Iterable[AnySpan]) -> list[AnySpan]:
    """Greedily keep items (in the given order of preference) that overlap no kept item."""
    starts: list[int] = []  # kept spans, sorted by start (they never overlap each other)
    ends: list[int] = []
    kept: list[AnySpan] = []
    for item in ordered:
        i = bisect.bisect_right(starts, item.start)
        if i and ends[i - 1] > item.start:
            continue
        if i < len(starts) and starts[i] < item.end:
            continue
        starts.insert(i, item.start)
        ends.insert(i, item.end)
        kept.append(item)
    return kept


def longest_triggers(found: list[SuggestedTrigger]) -> list[SuggestedTrigger]:
    ordered = sorted(found, key=lambda t: (-(t.end - t.start), t.start))
    return sorted(non_overlapping(ordered), key=lambda t: t.start)


def split_pieces(text: str, size: int = PIECE_CHARS) -> Iterator[tuple[int, str]]:
    """(offset, piece) covering the text, cut at a line break (or space) near `size`."""
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = text.rfind("\n", start + size // 2, end)
            if cut < 0:
                cut = text.rfind(" ", start + size // 2, end)
            end = cut + 1 if cut >= 0 else end
        yield start, text[start:end]
        start = end


def shift(item: AnySpan, offset: int) -> AnySpan:
    if not offset:
        return item
    return item._replace(start=item.start + offset, end=item.end + offset)
