"""Pre-annotation's spans: texts taken a few at a time, long texts cut into pieces and
the pieces' spans shifted back, tokens' character offsets, and overlapping spans resolved
greedily in an order of preference."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import TypeVar

from workbench.model import SuggestedTrigger, Suggestion
from workbench.nlp.rules import LABEL_PRIORITY

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


def chunks(texts: Iterable[str], size: int) -> Iterator[list[str]]:
    """The texts, `size` at a time."""
    iterator = iter(texts)
    while chunk := list(islice(iterator, size)):
        yield chunk


def shift(item: AnySpan, offset: int) -> AnySpan:
    if not offset:
        return item
    return item._replace(start=item.start + offset, end=item.end + offset)


def char_offsets(doc) -> tuple[list[int], list[int]]:  # type: ignore[no-untyped-def]
    """Start and end character offsets of every token, without making Token objects."""
    from spacy.attrs import IDX, LENGTH

    if not len(doc):
        return [], []
    array = doc.to_array([IDX, LENGTH])
    starts = array[:, 0].tolist()
    return starts, (array[:, 0] + array[:, 1]).tolist()


def resolve_overlaps(
    candidates: list[Suggestion], source_rank: Mapping[str, int]
) -> list[Suggestion]:
    """Keep the best of overlapping suggestions: longer first, then source (the higher its
    rank), then label (`rules.LABEL_PRIORITY`), then score."""
    ordered = sorted(
        candidates,
        key=lambda s: (
            -(s.end - s.start),
            -source_rank.get(s.source, 0),
            -LABEL_PRIORITY.get(s.label, 9),
            -s.score,
            s.start,
        ),
    )
    return sorted(non_overlapping(ordered), key=lambda s: (s.start, s.end))
