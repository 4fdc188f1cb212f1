"""Adjudication: a curator compares two layers of a document and settles each disagreement
into the curated layer, one logged and undoable change per decision."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from workbench.adjudication import (
    Disagreement,
    Side,
    disagreements,
    event_disagreements,
    settled,
)
from workbench.agreement import EventMark
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
from workbench.workspace.curated_layer import CuratedLayer, as_mark, as_span, trigger_of
from workbench.workspace.team import SHARED_LAYER

if TYPE_CHECKING:
    from workbench.workspace import Workspace

# The project setting that lets annotators see each other's layers before they are done.
SEE_OTHERS_SETTING = "see_others"


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


class Adjudication:
    """Comparing two layers of a document and deciding what the curated layer keeps."""

    def __init__(self, workspace: Workspace) -> None:
        self.store = workspace.store
        self.curated_layer = CuratedLayer(workspace.store)

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
            layer_marks = (as_mark(e, spans, incidents) for e in layer_events)
            marks.append([m for m in layer_marks if m is not None])
        items = disagreements(
            [as_span(m) for m in mentions[0]], [as_span(m) for m in mentions[1]]
        ) + event_disagreements(marks[0], marks[1])
        items.sort(key=lambda d: (d.start, d.end, d.is_event, d.kinds))
        decided = self.curated_layer.decided_mentions(doc_id)
        decided_events = self.curated_layer.decided_events(doc_id)
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

    def settled_events(self, comparison: Comparison) -> list[bool]:
        """Whether each event disagreement of a comparison is settled now (after a decision
        that may have taken other events of the document with an incident)."""
        decided = self.curated_layer.decided_events(comparison.document.id)
        return [item.is_event and settled(item, decided) for item in comparison.items]

    def curated(self, doc_id: int) -> list[Mention]:
        """The curated layer's accepted mentions of a document."""
        return self.curated_layer.mentions(doc_id)

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
                    made.append(self.curated_layer.record(side, side.label, REJECTED))
            for side in taken:
                if isinstance(side, EventMark):
                    made += self._take_event(side)
                else:
                    made.append(self.curated_layer.record(side, label or side.label, ACCEPTED))
        return made

    def _take_event(self, mark: EventMark) -> list[Mention]:
        """Put an annotator's event into the curated layer, open in it: a copy with its
        fields and roles (the curated event already at its trigger, when the curator
        settles only which incident it is in), in that annotator's incident: its other
        reports are taken too where the curated layer has nothing at their triggers.
        Returns the curated mentions made for roles."""
        assert mark.event_id is not None
        source = self.store.events.get(mark.event_id)
        (taken,) = self.curated_layer.events_at([(mark.doc_id, mark.start, mark.end)])
        made: list[Mention] = []
        if taken is None:
            taken, made = self.curated_layer.copy_event(source)
        reports = self._incident_reports(source)
        rejected = self.curated_layer.rejected_at(t for _, t in reports)
        joined = [taken.id]
        for (report, trigger), there in zip(
            reports, self.curated_layer.events_at([t for _, t in reports]), strict=True
        ):
            if there is not None:
                joined.append(there.id)
            elif trigger not in rejected:
                copy, roles_made = self.curated_layer.copy_event(report)
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
            if other.id != event.id and (trigger := trigger_of(other)) is not None
        ]

    def _refuse_settled(self, item: Disagreement) -> None:
        decided: list[Side]
        if item.is_event:
            decided = self.curated_layer.decided_events(item.doc_id)
        else:
            with self.store.in_layer(CURATED):
                decided = [
                    as_span(m)
                    for side in item.sides
                    for m in self.store.mentions.overlapping(
                        item.doc_id, side.start, side.end, (ACCEPTED, REJECTED)
                    )
                ]
        if settled(item, decided):
            raise WorkbenchError(
                "this disagreement is settled already (undo the decision to change it)"
            )
