"""Where two annotators' layers disagree on a document, and what a curator decides.

The spans of the two layers are paired with agreement's rule (one-to-one, best overlap
first: `agreement.match_overlap`), so the list never depends on the order in which
spans were made; so are their events, by trigger. A pair that differs, and a span or an
event that only one layer has, is one disagreement; a pair with the same span, label
and link is not (it is unanimous, and `workbench curate` copies it). Two paired events
also disagree when the layers put them in different incidents: their incidents' other
reports (`EventMark.partners`, by document and trigger) differ. A disagreement is
settled once the curated layer holds a decision over it: a mention (or an event) taken
from either side, or a rejection; on an incident, the curated event must also be in the
incident of one side.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from workbench.agreement import EventMark, Span, match_overlap

ONLY_FIRST = "only-first"
ONLY_SECOND = "only-second"
BOUNDARY = "boundary"
LABEL = "label"
LINK = "link"
EVENT_ONLY_FIRST = "event-only-first"
EVENT_ONLY_SECOND = "event-only-second"
EVENT_TYPE = "event-type"
ROLES = "roles"
INCIDENT = "incident"
# One side of a disagreement: an annotator's mention, or an annotator's event.
Side = Span | EventMark

# What a curator can decide about a disagreement.
TAKE_FIRST = "first"
TAKE_SECOND = "second"
TAKE_BOTH = "both"
REJECT = "reject"
DECISIONS = (TAKE_FIRST, TAKE_SECOND, TAKE_BOTH, REJECT)


@dataclass(frozen=True)
class Disagreement:
    """One place where the layers differ: each side's mention or event (None when it has
    none there)."""

    doc_id: int
    kinds: tuple[str, ...]
    first: Side | None
    second: Side | None

    @property
    def is_event(self) -> bool:
        return isinstance(self.first or self.second, EventMark)

    @property
    def start(self) -> int:
        return min(s.start for s in self.sides)

    @property
    def end(self) -> int:
        return max(s.end for s in self.sides)

    @property
    def sides(self) -> tuple[Side, ...]:
        return tuple(s for s in (self.first, self.second) if s is not None)

    def taken(self, decision: str) -> tuple[Side, ...]:
        """The spans a decision puts into the curated layer (a rejection: none). Taking
        both is for spans that do not overlap: two mentions cannot cover one word."""
        if decision == TAKE_FIRST:
            return (self.first,) if self.first else ()
        if decision == TAKE_SECOND:
            return (self.second,) if self.second else ()
        if decision == TAKE_BOTH:
            if self.first and self.second and overlap(self.first, self.second):
                raise ValueError("the two spans overlap: take one of them, or edit")
            return self.sides
        if decision == REJECT:
            return ()
        raise ValueError(f"unknown decision {decision!r} (one of {', '.join(DECISIONS)})")

    def rejected(self, decision: str) -> tuple[Side, ...]:
        """The spans a decision records as rejected: both sides' on a rejection, and the
        other side's when the side taken has no span (siding with the annotator who
        marked nothing there)."""
        if decision == REJECT or not self.taken(decision):
            return self.sides
        return ()


def overlap(a: Side, b: Side) -> bool:
    return a.doc_id == b.doc_id and a.start < b.end and b.start < a.end


def differences(first: Span, second: Span) -> tuple[str, ...]:
    """How two paired spans differ (nothing: they agree)."""
    kinds = []
    if (first.start, first.end) != (second.start, second.end):
        kinds.append(BOUNDARY)
    if first.label != second.label:
        kinds.append(LABEL)
    if first.entity_id != second.entity_id:
        kinds.append(LINK)
    return tuple(kinds)


def disagreements(first: Sequence[Span], second: Sequence[Span]) -> list[Disagreement]:
    """Every disagreement between two layers' spans, in document order."""
    return _compared(first, second, differences, (ONLY_FIRST, ONLY_SECOND))


def _compared(
    first: Sequence[Side],
    second: Sequence[Side],
    differ: Callable[[Any, Any], tuple[str, ...]],
    only: tuple[str, str],
) -> list[Disagreement]:
    """Pair two layers' mentions (or events, by their triggers) with agreement's rule and
    list each pair that `differ` tells apart and each side left alone (`only` names the
    kinds of the two), in document order."""
    sides: dict[int, Side] = {}  # by identity: a layer may hold the same thing twice
    spans: tuple[list[Span], list[Span]] = ([], [])
    for layer, items in zip(spans, (first, second), strict=True):
        for item in items:
            span = Span(item.doc_id, item.start, item.end, label_of(item))
            layer.append(span)
            sides[id(span)] = item
    found = []
    paired: set[int] = set()
    for a, b in match_overlap(*spans):
        paired |= {id(a), id(b)}
        kinds = differ(sides[id(a)], sides[id(b)])
        if kinds:
            found.append(Disagreement(a.doc_id, kinds, sides[id(a)], sides[id(b)]))
    found += [
        Disagreement(s.doc_id, (only[0],), sides[id(s)], None)
        for s in spans[0]
        if id(s) not in paired
    ]
    found += [
        Disagreement(s.doc_id, (only[1],), None, sides[id(s)])
        for s in spans[1]
        if id(s) not in paired
    ]
    return sorted(found, key=lambda d: (d.doc_id, d.start, d.end, d.kinds))


def event_differences(first: EventMark, second: EventMark) -> tuple[str, ...]:
    """How two paired events differ (nothing: they agree)."""
    kinds = []
    if (first.start, first.end) != (second.start, second.end):
        kinds.append(BOUNDARY)
    if first.type != second.type:
        kinds.append(EVENT_TYPE)
    if sorted(first.roles) != sorted(second.roles):
        kinds.append(ROLES)
    if first.partners != second.partners:
        kinds.append(INCIDENT)
    return tuple(kinds)


def event_disagreements(
    first: Sequence[EventMark], second: Sequence[EventMark]
) -> list[Disagreement]:
    """Every disagreement between two layers' events (paired by trigger), in order."""
    return _compared(first, second, event_differences, (EVENT_ONLY_FIRST, EVENT_ONLY_SECOND))


# The type of a decided event that stands for a rejection recorded at its trigger.
REJECTED_EVENT = ""


def settled(item: Disagreement, decided: Sequence[Side]) -> bool:
    """Whether the curated layer's decisions (taken and rejected spans, or events) cover
    the item. On an incident the layers disagree about, a curated event settles it only
    when it is in one side's incident (it has the same partners)."""
    if INCIDENT not in item.kinds:
        return any(overlap(side, mark) for side in item.sides for mark in decided)
    incidents = {side.partners for side in item.sides if isinstance(side, EventMark)}
    return any(
        overlap(side, mark)
        and isinstance(mark, EventMark)
        and (mark.type == REJECTED_EVENT or mark.partners in incidents)
        for side in item.sides
        for mark in decided
    )


def label_of(side: Side) -> str:
    """What a side says a span is: a mention's label, an event's type."""
    return side.type if isinstance(side, EventMark) else side.label


def side_record(side: Side | None, text: str) -> dict[str, object] | None:
    """One side as JSON shows it (`text`: the document's text)."""
    if side is None:
        return None
    record: dict[str, object] = {
        "start": side.start,
        "end": side.end,
        "text": text[side.start : side.end],
    }
    if isinstance(side, EventMark):
        record["event_type"] = side.type
        record["roles"] = [
            {"role": role, "start": start, "end": end, "text": text[start:end]}
            for role, start, end in side.roles
        ]
        record["incident"] = [
            {"doc_id": doc_id, "start": start, "end": end}
            for doc_id, start, end in sorted(side.partners)
        ]
    else:
        record["label"] = side.label
        record["entity_id"] = side.entity_id
    return record
