"""Curation: what every annotator of a document agrees on goes into the curated layer by
itself (`workbench curate`, and the last annotator marking a document done), as one change
recording the curator; what a curator decided is never touched again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from workbench.adjudication import overlap
from workbench.agreement import EventMark
from workbench.model import ACCEPTED, CURATED, Event, Mention
from workbench.workspace.curated_layer import CuratedLayer, as_mark

if TYPE_CHECKING:
    from workbench.workspace import Workspace


class Curated(NamedTuple):
    """What one run of the automatic curation added."""

    mentions: int
    events: int


class Curation:
    """Copying the unanimous annotations of a corpus into the curated layer."""

    def __init__(self, workspace: Workspace) -> None:
        self.store = workspace.store
        self.curated = CuratedLayer(workspace.store)

    def curate(self, doc_ids: Sequence[int] | None = None) -> Curated:
        """Copy what every annotator of a document agrees on into the curated layer, as
        one change recording the curator: the same span, label and link, and the same
        event (trigger, type, roles, incident), in each of the two or more layers that
        annotated it. What the curated layer already covers (a curator's decision, a
        rejection, an earlier run) is left alone."""
        by_layer = self.store.mentions.by_layer(doc_ids)
        layers = {k: v for k, v in by_layer.items() if k not in (None, CURATED)}
        events_by_layer = {
            k: v for k, v in self.store.events.by_layer(doc_ids).items() if k not in (None, CURATED)
        }
        documents = sorted(
            {m.doc_id for mentions in layers.values() for m in mentions}
            | {e.doc_id for events in events_by_layer.values() for e in events}
        )
        mentions = events = 0
        with self.store.transaction("curate unanimous annotations"), self.store.in_layer(CURATED):
            for doc_id in documents:
                mentions += self._curate_mentions(doc_id, layers)
                events += self._curate_events(doc_id, layers, events_by_layer)
        return Curated(mentions, events)

    def _curate_mentions(self, doc_id: int, layers: dict[str, list[Mention]]) -> int:
        marks = [
            {(m.start, m.end, m.label, m.entity_id) for m in ms if m.doc_id == doc_id}
            for ms in layers.values()
        ]
        marks = [m for m in marks if m]
        if len(marks) < 2:
            return 0
        decided = [(m.start, m.end) for m in self.store.mentions.of_document(doc_id, (ACCEPTED,))]
        added = 0
        for start, end, label, entity_id in sorted(set.intersection(*marks)):
            if any(s < end and start < e for s, e in decided):
                continue
            self.store.mentions.add(
                doc_id, start, end, label, entity_id=entity_id, learn_alias=False
            )
            decided.append((start, end))
            added += 1
        return added

    def _curate_events(
        self,
        doc_id: int,
        layers: dict[str, list[Mention]],
        events_by_layer: dict[str, list[Event]],
    ) -> int:
        """Copy the events every layer marks alike (trigger, type, roles and the other
        reports of its incident); each copy joins the curated copies of those reports
        that exist already, so an incident all layers agree on is curated whole once
        its reports are."""
        incidents = self.store.events.in_clusters(
            e.cluster_id
            for events in events_by_layer.values()
            for e in events
            if e.doc_id == doc_id and e.cluster_id is not None
        )
        marks: list[dict[tuple[Any, ...], EventMark]] = []
        for layer, events in events_by_layer.items():
            spans = {m.id: (m.start, m.end) for m in layers.get(layer, []) if m.doc_id == doc_id}
            found = [as_mark(e, spans, incidents) for e in events if e.doc_id == doc_id]
            marks.append(
                {
                    (m.start, m.end, m.type, m.roles, tuple(sorted(m.partners))): m
                    for m in found
                    if m
                }
            )
        marks = [m for m in marks if m]
        if len(marks) < 2:
            return 0
        decided = self.curated.decided_events(doc_id)
        added = 0
        for key in sorted(set.intersection(*(set(m) for m in marks))):
            mark = marks[0][key]  # the same in every layer: the first's
            if any(overlap(mark, other) for other in decided):
                continue
            assert mark.event_id is not None
            copy, _ = self.curated.copy_event(self.store.events.get(mark.event_id))
            reports = [e.id for e in self.curated.events_at(mark.partners) if e is not None]
            if reports:
                self.store.events.cluster([copy.id, *reports])
            decided.append(mark)
            added += 1
        return added
