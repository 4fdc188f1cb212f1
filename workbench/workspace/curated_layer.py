"""The curated layer as adjudication and curation read and write it: what it has decided
(mentions and events taken, and rejections, by span and by trigger), and copies of an
annotator's mentions and events put into it. Whatever layer the connection works in,
these read and write the curated one; callers open the transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from workbench.adjudication import REJECTED_EVENT, Side
from workbench.agreement import EventMark, Span
from workbench.model import ACCEPTED, CURATED, REJECTED, Event, Mention

if TYPE_CHECKING:
    from workbench.store import Store

# An event's trigger with its document: how reports are told apart across layers.
Trigger = tuple[int, int, int]


def as_span(mention: Mention) -> Span:
    """A mention as agreement and adjudication compare it."""
    return Span(mention.doc_id, mention.start, mention.end, mention.label, mention.entity_id)


def as_mark(
    event: Event,
    spans: dict[int, tuple[int, int]],
    incidents: dict[int, list[Event]],
) -> EventMark | None:
    """An event as adjudication compares it: trigger, type, roles by argument span
    (`spans`: mention id to span), and its incident's other reports (`incidents`: each
    cluster's events). None for an event without a trigger."""
    if event.trigger_start is None or event.trigger_end is None:
        return None
    return EventMark(
        event.doc_id,
        event.trigger_start,
        event.trigger_end,
        f"{event.type}/{event.subtype}" if event.subtype else event.type,
        tuple(sorted((r.role, *spans[r.mention_id]) for r in event.roles if r.mention_id in spans)),
        event.cluster_id,
        event.id,
        partners(event, incidents),
    )


def partners(event: Event, incidents: dict[int, list[Event]]) -> frozenset[Trigger]:
    """The other reports of an event's incident, by document and trigger."""
    if event.cluster_id is None:
        return frozenset()
    return frozenset(
        trigger
        for other in incidents.get(event.cluster_id, [])
        if other.id != event.id and (trigger := trigger_of(other)) is not None
    )


def trigger_of(event: Event) -> Trigger | None:
    if event.trigger_start is None or event.trigger_end is None:
        return None
    return (event.doc_id, event.trigger_start, event.trigger_end)


class CuratedLayer:
    """Reading and writing the curated layer of a store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- what it holds -------------------------------------------------------------------

    def mentions(self, doc_id: int) -> list[Mention]:
        """The accepted mentions of a document."""
        with self.store.in_layer(CURATED):
            return self.store.mentions.of_document(doc_id, (ACCEPTED,))

    def decided_mentions(self, doc_id: int) -> list[Span]:
        """The mentions of a document taken or rejected."""
        with self.store.in_layer(CURATED):
            marks = self.store.mentions.of_document(doc_id, (ACCEPTED, REJECTED))
        return [as_span(m) for m in marks]

    def decided_events(self, doc_id: int) -> list[Side]:
        """The events of a document (with their incidents) and the rejected ones (of type
        REJECTED_EVENT), by trigger."""
        with self.store.in_layer(CURATED):
            events = self.store.events.of_document(doc_id)
            rejected = self.store.events.rejected(doc_id)
        incidents = self.store.events.in_clusters(
            e.cluster_id for e in events if e.cluster_id is not None
        )
        marks: list[Side] = [m for m in (as_mark(e, {}, incidents) for e in events) if m]
        return marks + [EventMark(doc_id, start, end, REJECTED_EVENT) for start, end in rejected]

    def events_at(self, triggers: Iterable[Trigger]) -> list[Event | None]:
        """The event at each trigger, if any."""
        wanted = list(triggers)
        with self.store.in_layer(CURATED):
            by_trigger = {
                trigger_of(e): e
                for doc_id in sorted({t[0] for t in wanted})
                for e in self.store.events.of_document(doc_id)
            }
        return [by_trigger.get(t) for t in wanted]

    def rejected_at(self, triggers: Iterable[Trigger]) -> set[Trigger]:
        """Which of these triggers an event was rejected at."""
        wanted = set(triggers)
        with self.store.in_layer(CURATED):
            return {
                (doc_id, start, end)
                for doc_id in sorted({t[0] for t in wanted})
                for start, end in self.store.events.rejected(doc_id)
            } & wanted

    # -- putting into it -----------------------------------------------------------------

    def record(self, span: Span, label: str, status: str) -> Mention:
        """A mention taken (ACCEPTED) or rejected (REJECTED) at an annotator's span."""
        with self.store.in_layer(CURATED):
            return self.store.mentions.add(
                span.doc_id,
                span.start,
                span.end,
                label,
                entity_id=span.entity_id,
                status=status,
                source="adjudication",
                learn_alias=False,
            )

    def copy_event(self, source: Event) -> tuple[Event, list[Mention]]:
        """A copy of an annotator's event, with its fields and roles (each role's mention
        taken too when the curated layer lacks it); returns the copy and the mentions
        made for it."""
        fatalities = (
            (source.fatalities_low, source.fatalities_high)
            if source.fatalities_low is not None and source.fatalities_high is not None
            else None
        )
        trigger = (
            (source.trigger_start, source.trigger_end)
            if source.trigger_start is not None and source.trigger_end is not None
            else None
        )
        with self.store.in_layer(CURATED):
            copy = self.store.events.add(
                source.doc_id,
                source.type,
                source.subtype,
                trigger=trigger,
                date=source.date,
                date_text=source.date_text,
                date_precision=source.date_precision,
                fatalities=fatalities,
                certainty=source.certainty,
                note=source.note,
            )
            made = []
            for role in source.roles:
                argument = self.store.mentions.get(role.mention_id)
                same = [
                    m
                    for m in self.store.mentions.overlapping(
                        argument.doc_id, argument.start, argument.end
                    )
                    if (m.start, m.end) == (argument.start, argument.end)
                ]
                if same:
                    mention = same[0]
                else:
                    mention = self.record(as_span(argument), argument.label, ACCEPTED)
                    made.append(mention)
                self.store.events.add_role(copy.id, role.role, mention.id)
        return self.store.events.get(copy.id), made
