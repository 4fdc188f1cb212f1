"""Annotating: mentions and suggestions, each use case one change and one undo step."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from workbench.errors import WorkbenchError
from workbench.model import (
    ACCEPTED,
    SUGGESTED,
    Entity,
    Event,
    LinkDecision,
    LinkTo,
    Mention,
    NewEntityLink,
    PreannotateSummary,
    TriggerSuggestion,
)
from workbench.workspace.text import quoted_short

if TYPE_CHECKING:
    from workbench.linking.linker import LinkResult
    from workbench.workspace import Workspace


class Annotated(NamedTuple):
    """A mention as saved, with what the knowledge base learnt on the way."""

    mention: Mention
    new_entity: Entity | None = None  # created for this mention
    learned_alias: str | None = None  # the surface form the entity now knows, if new


class Annotations:
    """Mentions and suggestions of the documents."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.store = workspace.store

    # -- reading --------------------------------------------------------------------------

    def labels(self) -> list[str]:
        """The project's label set, in display order."""
        return self.store.kb.labels()

    def mentions(
        self, doc_id: int, statuses: Sequence[str] = (ACCEPTED, SUGGESTED)
    ) -> list[Mention]:
        """A document's mentions (accepted and suggested), by position."""
        return self.store.mentions.of_document(doc_id, statuses)

    def mention(self, mention_id: int) -> Mention:
        """One mention."""
        return self.store.mentions.get(mention_id)

    def triggers(self, doc_id: int) -> list[TriggerSuggestion]:
        """The event triggers pre-annotation suggests in a document."""
        return self.store.suggestions.triggers(doc_id)

    def candidates(
        self, text: str, label: str | None = None, doc_id: int | None = None, limit: int = 10
    ) -> LinkResult:
        """The knowledge base's candidates for a surface form and the linker's decision;
        entities already linked in the document lift theirs, and when the places it links
        are all in one country, places in that country are lifted too."""
        context = self.store.mentions.linked_entities(doc_id) if doc_id is not None else set()
        countries = set(self.store.kb.candidate_index().countries(sorted(context)).values())
        region = countries.pop() if len(countries) == 1 else None
        return self.workspace.linker().link(
            text, label, context=context, region=region, limit=limit
        )

    # -- changing ---------------------------------------------------------------------------

    def annotate(
        self, doc_id: int, start: int, end: int, label: str, link: LinkDecision
    ) -> Annotated:
        """Mark a span with a label and link it: to an entity, to a new entity made from
        it, or to nothing (NIL). One change: one undo removes the mention, the link, the
        alias it taught and the entity it made. White space at either end of the span is
        left out: a mention never starts or ends with it."""
        text = self.store.mentions.span_text(doc_id, start, end)
        start += len(text) - len(text.lstrip())
        end -= len(text) - len(text.rstrip())
        if start >= end:
            raise WorkbenchError("a mention needs more than white space")
        text = text.strip()
        label = self.store.kb.check_label(label)
        with self.store.transaction(f"add mention {label} {quoted_short(text)}"):
            entity, new_entity = self._resolve(link)
            known = entity is not None and self._knows(entity, text)
            mention = self.store.mentions.add(doc_id, start, end, label, entity_id=entity)
        learned = text if entity is not None and not known and self._knows(entity, text) else None
        return Annotated(mention, new_entity, learned)

    def relink(self, mention_id: int, link: LinkDecision) -> Annotated:
        """Link a mention to another entity, a new one, or nothing: one change."""
        current = self.store.mentions.get(mention_id)
        what = "unlink" if link is None else "link"
        with self.store.transaction(f"{what} {quoted_short(current.text)}"):
            entity, new_entity = self._resolve(link)
            known = entity is not None and self._knows(entity, current.text)
            mention = self.store.mentions.link(mention_id, entity)
        learned = (
            current.text
            if entity is not None and not known and self._knows(entity, current.text)
            else None
        )
        return Annotated(mention, new_entity, learned)

    def relabel(self, mention_id: int, label: str) -> Mention:
        """Give a mention another label."""
        current = self.store.mentions.get(mention_id)
        label = self.store.kb.check_label(label)
        with self.store.transaction(f"relabel {quoted_short(current.text)} as {label}"):
            return self.store.mentions.update(mention_id, label=label)

    def resize(self, mention_id: int, start: int, end: int) -> Mention:
        """Move a mention's boundaries."""
        current = self.store.mentions.get(mention_id)
        with self.store.transaction(f"resize {quoted_short(current.text)}"):
            return self.store.mentions.update(mention_id, start=start, end=end)

    def delete(self, mention_id: int) -> Mention:
        """Delete a mention (and the event roles it fills)."""
        current = self.store.mentions.get(mention_id)
        with self.store.transaction(f"delete mention {current.label} {quoted_short(current.text)}"):
            return self.store.mentions.delete(mention_id)

    def accept(self, mention_id: int) -> Mention:
        """Accept a suggestion (a linked one teaches its entity the surface form)."""
        current = self._suggestion(mention_id)
        with self.store.transaction(f"accept {current.label} {quoted_short(current.text)}"):
            return self.store.mentions.accept(mention_id)

    def reject(self, mention_id: int) -> Mention:
        """Reject a suggestion; it is not proposed again for that span."""
        current = self._suggestion(mention_id)
        with self.store.transaction(f"reject {current.label} {quoted_short(current.text)}"):
            return self.store.mentions.reject(mention_id)

    def accept_entity(self, mention_id: int) -> int:
        """Accept every suggestion of the same entity (or, unlinked, the same text) in the
        suggestion's document: one change. Returns how many."""
        chosen = self._suggestion(mention_id)
        same = [
            m.id
            for m in self.store.mentions.of_document(chosen.doc_id, (SUGGESTED,))
            if (m.entity_id == chosen.entity_id if chosen.entity_id else m.text == chosen.text)
        ]
        with self.store.transaction(f"accept {len(same)} × {quoted_short(chosen.text)}"):
            return self.store.mentions.set_status_many(same, ACCEPTED)

    def accept_trigger(
        self, suggestion_id: int, event_type: tuple[str, str | None] | None = None
    ) -> Event:
        """Record the event a suggested trigger stands for (of its suggested type, or the
        one chosen)."""
        trigger = self.store.suggestions.trigger(suggestion_id)
        with self.store.transaction(f"record event {quoted_short(trigger.text)}"):
            return self.store.suggestions.accept_trigger(suggestion_id, event_type)

    def reject_trigger(self, suggestion_id: int) -> TriggerSuggestion:
        """Reject a suggested event trigger."""
        trigger = self.store.suggestions.trigger(suggestion_id)
        with self.store.transaction(f"reject trigger {quoted_short(trigger.text)}"):
            return self.store.suggestions.reject_trigger(suggestion_id)

    def preannotate(
        self,
        doc_ids: Sequence[int] | None,
        model: str | None = None,
        progress: Callable[[int, int], None] | None = None,
        redo: bool = False,
        jobs: int = 1,
        batch_size: int | None = None,
    ) -> PreannotateSummary:
        """Suggest mentions and event triggers for documents (all when None), committed in
        batches (of `batch_size` documents) as it goes; an interrupted run resumes."""
        from workbench.nlp.batch import DEFAULT_BATCH, preannotate

        self.workspace.require_writable("pre-annotate")
        return preannotate(
            self.store,
            self.workspace.batch_linker,
            doc_ids,
            model,
            progress,
            batch_size=batch_size or DEFAULT_BATCH,
            redo=redo,
            jobs=jobs,
        )

    # -- helpers --------------------------------------------------------------------------

    def _resolve(self, link: LinkDecision) -> tuple[str | None, Entity | None]:
        """(entity id, the entity made for it) for a link decision, inside the change."""
        if isinstance(link, LinkTo):
            return self.store.kb.resolve(link.entity_id), None
        if isinstance(link, NewEntityLink):
            entity = self.store.kb.add_entity(
                link.name, link.label, description=link.description, provenance="annotation"
            )
            return entity.id, entity
        return None, None

    def _knows(self, entity_id: str, text: str) -> bool:
        return any(a.text == " ".join(text.split()) for a in self.store.kb.aliases(entity_id))

    def _suggestion(self, mention_id: int) -> Mention:
        mention = self.store.mentions.get(mention_id)
        if mention.status != SUGGESTED:
            raise WorkbenchError(f"{quoted_short(mention.text)} is not a suggestion")
        return mention
