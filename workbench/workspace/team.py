"""A team's use cases: the project's mode (one shared layer, or a layer per annotator) and
agreement between annotators' layers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from workbench.agreement import EventMark, Span, agreement, bootstrap_intervals
from workbench.display import plural
from workbench.errors import WorkbenchError
from workbench.model import CURATED, Assignment

if TYPE_CHECKING:
    from workbench.workspace import Workspace
    from workbench.workspace.curating import Curated

# The name agreement gives the shared layer (mentions made in shared mode).
SHARED_LAYER = "shared"


class Finished(NamedTuple):
    """An annotator marked a document done."""

    doc_id: int
    next_doc: int | None  # their next assigned document not done, if any
    curated: Curated | None  # what went into the curated layer: they were the last to finish

    def summary(self) -> str:
        """What happened, in one line for the user."""
        text = f"document {self.doc_id} done"
        if self.curated is not None:
            text += (
                f"; every annotator has finished it: {plural(self.curated.mentions, 'unanimous mention')}"
                f" and {plural(self.curated.events, 'unanimous event')} curated"
            )
        if self.next_doc is not None:
            return text + f"; next assigned: {self.next_doc}"
        return text + "; no assigned document left"


class Team:
    """Project mode and inter-annotator agreement."""

    def __init__(self, workspace: Workspace) -> None:
        self.store = workspace.store
        self.workspace = workspace

    def mode(self) -> str:
        """`shared` or `independent`."""
        return self.store.project_mode()

    def layer(self) -> str | None:
        """The layer this annotator reads and writes (None: the shared one)."""
        return self.store.db.layer

    def set_mode(self, mode: str) -> str:
        """Switch the project's mode (a setting; nothing stored moves). Returns it."""
        self.store.set_project_mode(mode)
        return mode

    def move_shared_layer(self, target: str) -> tuple[int, int]:
        """Make the shared layer's work an annotator's layer, or the curated one (when a
        project turns independent), as one undoable change. Returns (mentions, events)."""
        target = target.strip()
        if not target or target == SHARED_LAYER:
            raise WorkbenchError(
                "name the layer the shared work goes into: curated or an annotator"
            )
        return self.store.move_layer(None, target)

    def assign(
        self, doc_ids: Sequence[int], annotators: Sequence[str], k: int | None = None
    ) -> int:
        """Assign documents to annotators (all of them, or k each in turn); one change."""
        return self.store.assignments.assign(doc_ids, annotators, k)

    def assignments(self) -> dict[int, list[Assignment]]:
        """Every document's annotators with their status (todo, started, done)."""
        return self.store.assignments.of_documents()

    def mark_done(self, doc_id: int) -> Finished:
        """Mark a document done for this annotator, and say which assigned document is
        theirs next. When they are the last of its two or more annotators to finish, what
        all of them agree on goes into the curated layer in the same change (`curate` on
        that document), so one undo takes back both."""
        curated = None
        with self.store.transaction(f"mark document {doc_id} done"):
            self.store.assignments.mark_done(doc_id)
            everyone = self.store.assignments.of_documents().get(doc_id, [])
            if len(everyone) >= 2 and all(a.status == "done" for a in everyone):
                curated = self.workspace.curation.curate([doc_id])
        return Finished(doc_id, self.store.assignments.next_for(doc_id), curated)

    def agreement(
        self,
        doc_ids: Sequence[int] | None = None,
        annotators: Sequence[str] | None = None,
        labels: Sequence[str] | None = None,
        bootstrap_rounds: int = 0,
    ) -> dict[str, Any]:
        """Agreement between the annotators' layers (all, or those named; the shared layer
        is `shared`), on the documents given (default: all), for the labels given."""
        for doc_id in doc_ids or ():
            self.store.documents.get(doc_id)  # a clear error for a wrong id
        wanted_labels = {label.upper() for label in labels or ()}
        layers: dict[str, list[Span]] = {}
        by_layer = self.store.mentions.by_layer(doc_ids)
        spans_by_id = {m.id: (m.start, m.end) for ms in by_layer.values() for m in ms}
        events = {
            (layer if layer is not None else SHARED_LAYER): [
                EventMark(
                    e.doc_id,
                    e.trigger_start,
                    e.trigger_end,
                    f"{e.type}/{e.subtype}" if e.subtype else e.type,
                    tuple(
                        sorted(
                            (r.role, *spans_by_id[r.mention_id])
                            for r in e.roles
                            if r.mention_id in spans_by_id
                        )
                    ),
                    e.cluster_id,
                )
                for e in layer_events
                if e.trigger_start is not None and e.trigger_end is not None
            ]
            for layer, layer_events in self.store.events.by_layer(doc_ids).items()
        }
        for layer, mentions in by_layer.items():
            name = layer if layer is not None else SHARED_LAYER
            spans = [
                Span(m.doc_id, m.start, m.end, m.label, m.entity_id)
                for m in mentions
                if not wanted_labels or m.label in wanted_labels
            ]
            if spans:
                layers[name] = spans
        if annotators:
            unknown = [a for a in annotators if a not in layers]
            if unknown:
                known = ", ".join(sorted(layers)) or "none"
                raise WorkbenchError(
                    f"no annotations by {', '.join(unknown)} (layers with annotations: {known})"
                )
            layers = {a: layers[a] for a in annotators}
        else:  # the annotators' own layers; the shared and curated ones when named
            own = {k: v for k, v in layers.items() if k not in (SHARED_LAYER, CURATED)}
            layers = own or layers
        documents = {s.doc_id for spans in layers.values() for s in spans}
        texts = {doc_id: self.store.documents.text(doc_id) for doc_id in documents}
        report = agreement(layers, texts, events)
        if bootstrap_rounds:
            report["intervals"] = bootstrap_intervals(layers, texts, bootstrap_rounds)
        return report
