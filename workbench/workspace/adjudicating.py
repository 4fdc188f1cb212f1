"""Adjudication: a curator compares two layers of a document and settles each disagreement
into the curated layer, one logged and undoable change per decision."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from workbench.adjudication import (
    REJECTED_EVENT,
    Disagreement,
    Side,
    disagreements,
    event_disagreements,
    overlap,
    settled,
)
from workbench.agreement import EventMark, Span
from workbench.errors import WorkbenchError
from workbench.model import (
    ACCEPTED,
    CURATED,
    INDEPENDENT,
    REJECTED,
    Document,
    Event,
    Mention,
)
from workbench.workspace.team import SHARED_LAYER

if TYPE_CHECKING:
    from workbench.workspace import Workspace

# The project setting that lets annotators see each other's layers before they are done.
SEE_OTHERS_SETTING = "see_others"


class Curated(NamedTuple):
    """What one run of the automatic curation added."""

    mentions: int
    events: int


class Comparison(NamedTuple):
    """Two layers of one document side by side, with where they differ."""

    document: Document
    first: str
    second: str
    first_mentions: list[Mention]
    second_mentions: list[Mention]
    first_events: list[Event]
    second_events: list[Event]
    items: list[Disagreement]
    settled: list[bool]  # per item: the curated layer holds a decision over it

    @property
    def open_count(self) -> int:
        return self.settled.count(False)


def _stored_layer(name: str) -> str | None:
    """The stored layer of a name as agreement shows it (`shared` is the shared layer)."""
    return None if name == SHARED_LAYER else name


def _span(mention: Mention) -> Span:
    return Span(mention.doc_id, mention.start, mention.end, mention.label, mention.entity_id)


def _mark(
    event: Event,
    spans: dict[int, tuple[int, int]],
    incidents: dict[int, list[Event]],
) -> EventMark | None:
    """An event as adjudication compares it: trigger, type, roles by argument span, and
    its incident's other reports (`incidents`: each cluster's events)."""
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
        _partners(event, incidents),
    )


def _partners(event: Event, incidents: dict[int, list[Event]]) -> frozenset[tuple[int, int, int]]:
    """The other reports of an event's incident, by document and trigger."""
    if event.cluster_id is None:
        return frozenset()
    return frozenset(
        (other.doc_id, other.trigger_start, other.trigger_end)
        for other in incidents.get(event.cluster_id, [])
        if other.id != event.id
        and other.trigger_start is not None
        and other.trigger_end is not None
    )


def _trigger(event: Event) -> tuple[int, int, int] | None:
    if event.trigger_start is None or event.trigger_end is None:
        return None
    return (event.doc_id, event.trigger_start, event.trigger_end)


class Adjudication:
    """Comparing two layers of a document and deciding what the curated layer keeps."""

    def __init__(self, workspace: Workspace) -> None:
        self.store = workspace.store

    # -- who may see what ------------------------------------------------------------------

    def see_others(self) -> bool:
        """Whether annotators may see other layers of a document they have not finished."""
        return self.store.settings.get(SEE_OTHERS_SETTING) == "on"

    def set_see_others(self, allowed: bool) -> None:
        """The project's switch between blind annotation (the default) and open layers."""
        self.store.settings.set(SEE_OTHERS_SETTING, "on" if allowed else "off")

    def check_may_compare(self, doc_id: int) -> None:
        """Blind annotation: in an independent project, an annotator still assigned to a
        document sees no other layer of it until they mark it done (or the switch is on)."""
        if self.store.project_mode() != INDEPENDENT or self.see_others():
            return
        mine = [
            a
            for a in self.store.assignments.of_documents().get(doc_id, [])
            if a.annotator == self.store.db.annotator
        ]
        if mine and mine[0].status != "done":
            raise WorkbenchError(
                f"document {doc_id} is assigned to you and not done: annotation is blind "
                "until you mark it done (ctrl+d, or `workbench done`), or the project allows "
                "seeing others (`workbench project --see-others`)"
            )

    # -- reading -----------------------------------------------------------------------------

    def layers(self, doc_id: int) -> list[str]:
        """The layers with accepted mentions in a document, as agreement names them."""
        by_layer = self.store.mentions.by_layer([doc_id])
        return sorted(SHARED_LAYER if layer is None else layer for layer in by_layer)

    def default_pair(self, doc_id: int) -> tuple[str, str]:
        """The two annotators' layers to compare when none are named: the document's only
        two, else its first two by name (the curated layer only when fewer exist)."""
        names = self.layers(doc_id)
        own = [n for n in names if n != CURATED]
        chosen = own if len(own) >= 2 else names
        if len(chosen) < 2:
            found = ", ".join(names) or "none"
            raise WorkbenchError(
                f"document {doc_id} has fewer than two layers to compare (layers: {found})"
            )
        return chosen[0], chosen[1]

    def compare(self, doc_id: int, first: str, second: str) -> Comparison:
        """Two layers of a document, their disagreements, and which are settled."""
        document = self.store.documents.get(doc_id)
        if first == second:
            raise WorkbenchError(f"compare two different layers, not {first!r} with itself")
        self.check_may_compare(doc_id)
        mentions, events, marks = [], [], []
        for name in (first, second):
            with self.store.in_layer(_stored_layer(name)):
                layer_mentions = self.store.mentions.of_document(doc_id, (ACCEPTED,))
                layer_events = self.store.events.of_document(doc_id)
            incidents = self.store.events.in_clusters(
                e.cluster_id for e in layer_events if e.cluster_id is not None
            )
            spans = {m.id: (m.start, m.end) for m in layer_mentions}
            for event in layer_events:  # a role may be filled by a suggestion
                for role in event.roles:
                    if role.mention_id not in spans:
                        found = self.store.mentions.get(role.mention_id)
                        spans[found.id] = (found.start, found.end)
            mentions.append(layer_mentions)
            events.append(layer_events)
            layer_marks = (_mark(e, spans, incidents) for e in layer_events)
            marks.append([m for m in layer_marks if m is not None])
        items = disagreements(
            [_span(m) for m in mentions[0]], [_span(m) for m in mentions[1]]
        ) + event_disagreements(marks[0], marks[1])
        items.sort(key=lambda d: (d.start, d.end, d.is_event, d.kinds))
        decided = self._decided(doc_id)
        decided_events = self._decided_events(doc_id)
        return Comparison(
            document,
            first,
            second,
            mentions[0],
            mentions[1],
            events[0],
            events[1],
            items,
            [settled(item, decided_events if item.is_event else decided) for item in items],
        )

    def _decided_events(self, doc_id: int) -> list[Side]:
        """The curated layer's events (with their incidents) and rejected events of a
        document, by trigger."""
        with self.store.in_layer(CURATED):
            events = self.store.events.of_document(doc_id)
            rejected = self.store.events.rejected(doc_id)
        incidents = self.store.events.in_clusters(
            e.cluster_id for e in events if e.cluster_id is not None
        )
        marks: list[Side] = [m for m in (_mark(e, {}, incidents) for e in events) if m]
        return marks + [EventMark(doc_id, start, end, REJECTED_EVENT) for start, end in rejected]

    def settled_events(self, comparison: Comparison) -> list[bool]:
        """Whether each event disagreement of a comparison is settled now (after a decision
        that may have taken other events of the document with an incident)."""
        decided = self._decided_events(comparison.document.id)
        return [item.is_event and settled(item, decided) for item in comparison.items]

    def _decided(self, doc_id: int) -> list[Span]:
        with self.store.in_layer(CURATED):
            marks = self.store.mentions.of_document(doc_id, (ACCEPTED, REJECTED))
        return [_span(m) for m in marks]

    def curated(self, doc_id: int) -> list[Mention]:
        """The curated layer's accepted mentions of a document."""
        with self.store.in_layer(CURATED):
            return self.store.mentions.of_document(doc_id, (ACCEPTED,))

    # -- the unanimous part -----------------------------------------------------------------

    def curate(self, doc_ids: Sequence[int] | None = None) -> Curated:
        """Copy what every annotator of a document agrees on into the curated layer, as
        one change recording the curator: the same span, label and link, and the same
        event (trigger, type, roles), in each of the two or more layers that annotated
        it. What the curated layer already covers (a curator's decision, a rejection, an
        earlier run) is left alone."""
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
            found = [_mark(e, spans, incidents) for e in events if e.doc_id == doc_id]
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
        decided = self._decided_events(doc_id)
        added = 0
        for key in sorted(set.intersection(*(set(m) for m in marks))):
            mark = marks[0][key]  # the same in every layer: the first's
            if any(overlap(mark, other) for other in decided):
                continue
            assert mark.event_id is not None
            copy, _ = self._copy_event(self.store.events.get(mark.event_id))
            reports = [e.id for e in self._curated_at(mark.partners) if e is not None]
            if reports:
                self.store.events.cluster([copy.id, *reports])
            decided.append(mark)
            added += 1
        return added

    # -- deciding ----------------------------------------------------------------------------

    def decide(self, item: Disagreement, decision: str, label: str | None = None) -> list[Mention]:
        """Settle a disagreement in the curated layer, as one change recording the curator:
        take the first layer's mention or event, the second's, both (when they do not
        overlap), or reject it (recorded as rejected, so it stays settled; taking the side
        that has nothing there rejects the other). `label` relabels a mention taken (the
        curator's edit). An event is taken with its fields and roles, each role's mention
        taken too when the curated layer lacks it. Returns the curated mentions made."""
        try:
            taken: Sequence[Side] = item.taken(decision)
            rejected = item.rejected(decision)
        except ValueError as exc:
            raise WorkbenchError(str(exc)) from None
        if label is not None:
            if item.is_event:
                raise WorkbenchError("an event's type is edited after taking it (F on it)")
            label = self.store.kb.check_label(label)
        self._refuse_settled(item)
        made: list[Mention] = []
        with (
            self.store.transaction(f"adjudicate: {decision}"),
            self.store.in_layer(CURATED),
        ):
            for side in rejected:
                if isinstance(side, EventMark):
                    self.store.events.reject(side.doc_id, (side.start, side.end))
                else:
                    made.append(self._record(side, side.label, REJECTED))
            for side in taken:
                if isinstance(side, EventMark):
                    made += self._take_event(side)
                else:
                    made.append(self._record(side, label or side.label, ACCEPTED))
        return made

    def _take_event(self, mark: EventMark) -> list[Mention]:
        """Put an annotator's event into the curated layer, open in it: a copy with its
        fields and roles (the curated event already at its trigger, when the curator
        settles only which incident it is in), in that annotator's incident: its other
        reports are taken too where the curated layer has nothing at their triggers.
        Returns the curated mentions made for roles."""
        assert mark.event_id is not None
        source = self.store.events.get(mark.event_id)
        (taken,) = self._curated_at([(mark.doc_id, mark.start, mark.end)])
        made: list[Mention] = []
        if taken is None:
            taken, made = self._copy_event(source)
        reports = self._incident_reports(source)
        rejected = self._rejected_at(t for _, t in reports)
        joined = [taken.id]
        for (report, trigger), there in zip(
            reports, self._curated_at([t for _, t in reports]), strict=True
        ):
            if there is not None:
                joined.append(there.id)
            elif trigger not in rejected:
                copy, roles_made = self._copy_event(report)
                joined.append(copy.id)
                made += roles_made
        self.store.events.detach(joined)  # exactly this incident, as the annotator has it
        if len(joined) > 1:
            self.store.events.cluster(joined)
        return made

    def _incident_reports(self, event: Event) -> list[tuple[Event, tuple[int, int, int]]]:
        """The other reports of an event's incident, each with its trigger."""
        if event.cluster_id is None:
            return []
        members = self.store.events.in_clusters([event.cluster_id]).get(event.cluster_id, [])
        return [
            (other, trigger)
            for other in members
            if other.id != event.id and (trigger := _trigger(other)) is not None
        ]

    def _curated_at(self, triggers: Iterable[tuple[int, int, int]]) -> list[Event | None]:
        """The curated layer's event at each trigger (document, start, end), if any."""
        wanted = list(triggers)
        with self.store.in_layer(CURATED):
            by_trigger = {
                _trigger(e): e
                for doc_id in sorted({t[0] for t in wanted})
                for e in self.store.events.of_document(doc_id)
            }
        return [by_trigger.get(t) for t in wanted]

    def _rejected_at(self, triggers: Iterable[tuple[int, int, int]]) -> set[tuple[int, int, int]]:
        """Which of these triggers the curated layer rejected an event at."""
        wanted = set(triggers)
        with self.store.in_layer(CURATED):
            return {
                (doc_id, start, end)
                for doc_id in sorted({t[0] for t in wanted})
                for start, end in self.store.events.rejected(doc_id)
            } & wanted

    def _copy_event(self, source: Event) -> tuple[Event, list[Mention]]:
        """A copy of an annotator's event in the curated layer, with its fields and roles
        (each role's mention taken too when the curated layer lacks it); returns the
        copy and the curated mentions made for it."""
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
                    mention = self._record(_span(argument), argument.label, ACCEPTED)
                    made.append(mention)
                self.store.events.add_role(copy.id, role.role, mention.id)
        return self.store.events.get(copy.id), made

    def _refuse_settled(self, item: Disagreement) -> None:
        decided: list[Side]
        if item.is_event:
            decided = self._decided_events(item.doc_id)
        else:
            with self.store.in_layer(CURATED):
                decided = [
                    _span(m)
                    for side in item.sides
                    for m in self.store.mentions.overlapping(
                        item.doc_id, side.start, side.end, (ACCEPTED, REJECTED)
                    )
                ]
        if settled(item, decided):
            raise WorkbenchError(
                "this disagreement is settled already (undo the decision to change it)"
            )

    def _record(self, span: Span, label: str, status: str) -> Mention:
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
