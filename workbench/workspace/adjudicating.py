"""Adjudication: a curator compares two layers of a document and settles each disagreement
into the curated layer, one logged and undoable change per decision."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from workbench.adjudication import (
    Disagreement,
    disagreements,
    settled,
)
from workbench.agreement import Span
from workbench.errors import WorkbenchError
from workbench.model import ACCEPTED, CURATED, INDEPENDENT, REJECTED, Document, Mention
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
        sides = []
        for name in (first, second):
            with self.store.in_layer(_stored_layer(name)):
                sides.append(self.store.mentions.of_document(doc_id, (ACCEPTED,)))
        items = disagreements([_span(m) for m in sides[0]], [_span(m) for m in sides[1]])
        decided = self._decided(doc_id)
        return Comparison(
            document,
            first,
            second,
            sides[0],
            sides[1],
            items,
            [settled(item, decided) for item in items],
        )

    def _decided(self, doc_id: int) -> list[Span]:
        with self.store.in_layer(CURATED):
            marks = self.store.mentions.of_document(doc_id, (ACCEPTED, REJECTED))
        return [_span(m) for m in marks]

    def curated(self, doc_id: int) -> list[Mention]:
        """The curated layer's accepted mentions of a document."""
        with self.store.in_layer(CURATED):
            return self.store.mentions.of_document(doc_id, (ACCEPTED,))

    # -- deciding ----------------------------------------------------------------------------

    def decide(self, item: Disagreement, decision: str, label: str | None = None) -> list[Mention]:
        """Settle a disagreement in the curated layer, as one change recording the curator:
        take the first layer's span, the second's, both (when they do not overlap), or
        reject it (recorded as rejected spans, so it stays settled; taking the side that
        has no span rejects the other). `label` relabels what is taken (the curator's
        edit). Returns the curated mentions made."""
        try:
            taken: Sequence[Span] = item.taken(decision)
            rejected = item.rejected(decision)
        except ValueError as exc:
            raise WorkbenchError(str(exc)) from None
        if label is not None:
            label = self.store.kb.check_label(label)
        self._refuse_settled(item)
        made = []
        with (
            self.store.transaction(f"adjudicate: {decision}"),
            self.store.in_layer(CURATED),
        ):
            for side in rejected:
                made.append(self._record(side, side.label, REJECTED))
            for span in taken:
                made.append(self._record(span, label or span.label, ACCEPTED))
        return made

    def _refuse_settled(self, item: Disagreement) -> None:
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
