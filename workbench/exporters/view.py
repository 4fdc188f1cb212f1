"""The read-only view an exporter receives: the chosen documents, one at a time, with
their mentions, events (roles, clusters) and the entities they link to."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from workbench.events.resolution import incident_listing
from workbench.model import ACCEPTED, SUGGESTED, Document, Entity, Event, Mention

if TYPE_CHECKING:
    from workbench.store import Store


# Documents read together for an export (their texts, mentions and events held at once).
DOCUMENTS_PER_READ = 100


@dataclass(frozen=True)
class DocumentExport:
    """One document as exported: its text and what is annotated in it."""

    document: Document
    mentions: tuple[Mention, ...]
    events: tuple[Event, ...]

    @cached_property
    def mentions_by_id(self) -> dict[int, Mention]:
        """The exported mentions by id (event roles refer to mentions by id)."""
        return {m.id: m for m in self.mentions}


class ExportView:
    """What to export, read through the store API (exporters never see SQL or the store)."""

    def __init__(
        self, store: Store, doc_ids: Sequence[int] | None = None, include_suggestions: bool = False
    ) -> None:
        self._store = store
        self.include_suggestions = include_suggestions
        self.statuses = (ACCEPTED, SUGGESTED) if include_suggestions else (ACCEPTED,)
        known = [d.id for d in store.documents.summaries()]
        if doc_ids is None:
            self.doc_ids = known
        else:
            for doc_id in doc_ids:
                if doc_id not in known:
                    from workbench.errors import DocumentNotFound

                    raise DocumentNotFound(doc_id)
            self.doc_ids = sorted(dict.fromkeys(doc_ids))
        counts = store.mentions.entity_document_counts(
            None if doc_ids is None else self.doc_ids, self.statuses
        )
        self.entity_document_counts: dict[str, dict[int, int]] = {}
        for entity_id, doc_id, n in counts:
            self.entity_document_counts.setdefault(entity_id, {})[doc_id] = n
        found = store.kb.entities_by_ids(self.entity_document_counts)
        self.entities: dict[str, Entity] = {eid: found[eid] for eid in sorted(found)}

    def __len__(self) -> int:
        return len(self.doc_ids)

    def documents(self) -> Iterator[DocumentExport]:
        """Each chosen document in id order, read DOCUMENTS_PER_READ at a time (three
        queries for them all, not three per document: a round trip to a PostgreSQL
        server each) and only when reached."""
        store = self._store
        for first in range(0, len(self.doc_ids), DOCUMENTS_PER_READ):
            chosen = self.doc_ids[first : first + DOCUMENTS_PER_READ]
            documents = store.documents.get_many(chosen)
            mentions = store.mentions.of_documents(chosen, self.statuses)
            events = store.events.of_documents(chosen)
            for doc_id in chosen:
                yield DocumentExport(
                    documents[doc_id],
                    tuple(mentions.get(doc_id, ())),
                    tuple(events.get(doc_id, ())),
                )

    @cached_property
    def incidents(self) -> list[dict[str, Any]]:
        """The incidents with a report in the chosen documents, earliest first, each with
        all its reports (from any document) and its fields resolved, as `workbench
        incidents --json` gives them."""
        chosen = set(self.doc_ids)
        return [
            incident
            for incident in incident_listing(
                self._store.events.of_document(None),
                self._store.documents.summaries(),
                self._store.sources.grades(),
                self._store.documents.text,
            )
            if any(report["document"] in chosen for report in incident["reports"])
        ]

    def entity(self, entity_id: str | None) -> Entity | None:
        """A linked entity, or None for an unlinked mention."""
        return self.entities.get(entity_id) if entity_id else None

    def mention_count(self, entity_id: str) -> int:
        """Mentions of an entity over the chosen documents."""
        return sum(self.entity_document_counts.get(entity_id, {}).values())
