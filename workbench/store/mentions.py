"""Mentions: spans of a document labelled and maybe linked; accepted or suggested."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from workbench.errors import DocumentNotFound, InvalidSpan, MentionNotFound, WorkbenchError
from workbench.model import ACCEPTED, MENTION_STATUSES, REJECTED, SUGGESTED, Mention, NewMention
from workbench.store.changelog import Transaction
from workbench.store.database import Database
from workbench.store.documents import Documents
from workbench.store.kb import KnowledgeBase
from workbench.store.sql import marks

_MENTION_COLUMNS = (
    'id, doc_id, start, "end", text, label, entity_id, status, source, score, annotator, '
    "created_at, updated_at"
)
_EDITABLE = {"label", "start", "end", "status", "entity_id", "score", "source"}


class Mentions:
    """Annotations and suggestions; linking one teaches the entity its surface form."""

    def __init__(self, db: Database, documents: Documents, kb: KnowledgeBase) -> None:
        self.db = db
        self.documents = documents
        self.kb = kb

    def span_text(self, doc_id: int, start: int, end: int) -> str:
        """The text of a span, or InvalidSpan when it does not fit the document."""
        try:
            text = self.documents.recent_text(doc_id)
        except DocumentNotFound:
            raise InvalidSpan(f"no document with id {doc_id}") from None
        if not (0 <= start < end <= len(text)):
            raise InvalidSpan(f"span {start}-{end} is outside document {doc_id} (0-{len(text)})")
        return text[start:end]

    def add(
        self,
        doc_id: int,
        start: int,
        end: int,
        label: str,
        *,
        entity_id: str | None = None,
        status: str = ACCEPTED,
        source: str = "manual",
        score: float | None = None,
        learn_alias: bool = True,
    ) -> Mention:
        """Annotate a span; linking it teaches the entity this surface form."""
        if status not in MENTION_STATUSES:
            raise WorkbenchError(f"unknown mention status {status!r}")
        label = self.kb.check_label(label)
        text = self.span_text(doc_id, start, end)
        if entity_id is not None:
            entity_id = self.kb.resolve(entity_id)
        with self.db.transaction("add mention") as tx:
            stored = tx.inserted(
                "mentions",
                {
                    "doc_id": doc_id,
                    "start": start,
                    "end": end,
                    "text": text,
                    "label": label,
                    "entity_id": entity_id,
                    "status": status,
                    "source": source,
                    "score": score,
                    "annotator": self.db.annotator,
                    "layer": self.db.layer,
                    "created_at": tx.at,
                    "updated_at": tx.at,
                },
            )
            if entity_id is not None and learn_alias and status == ACCEPTED:
                self.kb.insert_alias(tx, entity_id, text, "annotation")
        return Mention(*(stored[field] for field in Mention._fields))

    def get(self, mention_id: int) -> Mention:
        """One mention by id."""
        row = self.db.one(f"SELECT {_MENTION_COLUMNS} FROM mentions WHERE id = ?", (mention_id,))
        if row is None:
            raise MentionNotFound(mention_id)
        return Mention(*row)

    def id_at(self, doc_id: int, start: int, end: int) -> int | None:
        """Id of an accepted or suggested mention with exactly this span, if any."""
        value = self.db.value(
            'SELECT id FROM mentions WHERE doc_id = ? AND start = ? AND "end" = ? '
            "AND status != 'rejected' AND layer IS ? "
            "ORDER BY status = 'accepted' DESC, id LIMIT 1",
            (doc_id, start, end, self.db.layer),
        )
        return int(value) if value is not None else None

    def of_document(
        self, doc_id: int, statuses: Sequence[str] = (ACCEPTED, SUGGESTED)
    ) -> list[Mention]:
        """A document's mentions with the given statuses, by position."""
        rows = self.db.rows(
            f"SELECT {_MENTION_COLUMNS} FROM mentions WHERE doc_id = ? AND layer IS ? "
            f'AND status IN ({marks(len(statuses))}) ORDER BY start, "end", id',
            (doc_id, self.db.layer, *statuses),
        )
        return [Mention(*r) for r in rows]

    def of_documents(
        self, doc_ids: Sequence[int], statuses: Sequence[str] = (ACCEPTED, SUGGESTED)
    ) -> dict[int, list[Mention]]:
        """The mentions of several documents (one query, not one per document), by
        document, each by position."""
        found: dict[int, list[Mention]] = {}
        for row in self.db.iter_in(
            f"SELECT {_MENTION_COLUMNS} FROM mentions WHERE layer IS ? "
            f"AND status IN ({marks(len(statuses))}) AND doc_id IN ({{marks}}) "
            'ORDER BY doc_id, start, "end", id',
            doc_ids,
            before=(self.db.layer, *statuses),
        ):
            mention = Mention(*row)
            found.setdefault(mention.doc_id, []).append(mention)
        return found

    def overlapping(
        self, doc_id: int, start: int, end: int, statuses: Sequence[str] = (ACCEPTED,)
    ) -> list[Mention]:
        """The mentions of this layer with the given statuses that overlap [start, end)."""
        rows = self.db.rows(
            f"SELECT {_MENTION_COLUMNS} FROM mentions WHERE doc_id = ? AND layer IS ? "
            f'AND start < ? AND "end" > ? AND status IN ({marks(len(statuses))}) '
            'ORDER BY start, "end", id',
            (doc_id, self.db.layer, end, start, *statuses),
        )
        return [Mention(*r) for r in rows]

    def update(self, mention_id: int, **changes: Any) -> Mention:
        """Change label, span, status or link of a mention (one logged change)."""
        with self.db.transaction("edit mention") as tx:
            self.update_in(tx, mention_id, **changes)
        return self.get(mention_id)

    def update_in(self, tx: Transaction, mention_id: int, **changes: Any) -> Mention:
        """`update` inside an open transaction (part of a larger change)."""
        current = self.get(mention_id)
        unknown = set(changes) - _EDITABLE
        if unknown:
            raise WorkbenchError(f"cannot change {', '.join(sorted(unknown))} of a mention")
        if "label" in changes:
            changes["label"] = self.kb.check_label(changes["label"])
        if "status" in changes and changes["status"] not in MENTION_STATUSES:
            raise WorkbenchError(f"unknown mention status {changes['status']!r}")
        if "start" in changes or "end" in changes:
            start = changes.get("start", current.start)
            end = changes.get("end", current.end)
            changes["text"] = self.span_text(current.doc_id, start, end)
        if changes.get("entity_id") is not None:
            changes["entity_id"] = self.kb.resolve(changes["entity_id"])
        tx.update("mentions", mention_id, **changes, updated_at=tx.at)
        updated = self.get(mention_id)
        if (
            updated.entity_id
            and updated.status == ACCEPTED
            and (changes.get("entity_id") or changes.get("status") == ACCEPTED)
        ):
            self.kb.insert_alias(tx, updated.entity_id, updated.text, "annotation")
        return updated

    def link(self, mention_id: int, entity_id: str | None) -> Mention:
        """Link a mention to an entity (or unlink with None, the NIL decision)."""
        return self.update(mention_id, entity_id=entity_id)

    def accept(self, mention_id: int) -> Mention:
        """Turn a suggestion into an accepted annotation."""
        return self.update(mention_id, status=ACCEPTED)

    def reject(self, mention_id: int) -> Mention:
        """Reject a suggestion; it is remembered and not proposed again for that span."""
        return self.update(mention_id, status=REJECTED)

    def set_status_many(self, mention_ids: Sequence[int], status: str) -> int:
        """Accept or reject many suggestions in one change (one undo step)."""
        if status not in MENTION_STATUSES:
            raise WorkbenchError(f"unknown mention status {status!r}")
        mentions = [self.get(mention_id) for mention_id in mention_ids]
        with self.db.transaction(f"mark {len(mentions)} {status}") as tx:
            for m in mentions:
                tx.update("mentions", m.id, status=status, updated_at=tx.at)
                if status == ACCEPTED and m.entity_id:
                    self.kb.insert_alias(tx, m.entity_id, m.text, "annotation")
        return len(mentions)

    def delete(self, mention_id: int) -> Mention:
        """Delete a mention and the event roles it fills (one undo step restores both)."""
        mention = self.get(mention_id)
        with self.db.transaction("delete mention") as tx:
            for (role_id,) in self.db.rows(
                "SELECT id FROM event_roles WHERE mention_id = ?", (mention_id,)
            ):
                tx.delete("event_roles", role_id)
            tx.delete("mentions", mention_id)
        return mention

    def import_many(self, doc_id: int, mentions: Sequence[NewMention], source: str = "gold") -> int:
        """Add accepted, linked mentions from a file in one transaction; skips exact repeats."""
        length = self.db.value("SELECT length(text) FROM documents WHERE id = ?", (doc_id,))
        if length is None:
            raise InvalidSpan(f"no document with id {doc_id}")
        added = 0
        with self.db.transaction("import mentions") as tx:
            for m in mentions:
                if not (0 <= m.start < m.end <= length):
                    raise InvalidSpan(
                        f"span {m.start}-{m.end} is outside document {doc_id} (0-{length})"
                    )
                label = self.kb.check_label(m.label)
                if self.db.one(
                    'SELECT 1 FROM mentions WHERE doc_id = ? AND start = ? AND "end" = ? '
                    "AND label = ? AND layer IS ?",
                    (doc_id, m.start, m.end, label, self.db.layer),
                ):
                    continue
                entity_id = self.kb.resolve(m.entity_id) if m.entity_id else None
                tx.insert(
                    "mentions",
                    {
                        "doc_id": doc_id,
                        "start": m.start,
                        "end": m.end,
                        "text": m.text,
                        "label": label,
                        "entity_id": entity_id,
                        "status": ACCEPTED,
                        "source": source,
                        "annotator": self.db.annotator,
                        "layer": self.db.layer,
                        "created_at": tx.at,
                        "updated_at": tx.at,
                    },
                )
                if entity_id:
                    self.kb.insert_alias(tx, entity_id, m.text, "annotation")
                added += 1
        return added

    def by_layer(self, doc_ids: Sequence[int] | None = None) -> dict[str | None, list[Mention]]:
        """Accepted mentions of every layer (None: the shared one), of the documents (None:
        all), by layer: what agreement compares."""
        select = f"SELECT layer, {_MENTION_COLUMNS} FROM mentions WHERE status = 'accepted'"
        order = ' ORDER BY layer, doc_id, start, "end", id'
        if doc_ids is None:
            rows = self.db.rows(select + order)
        else:
            rows = self.db.rows_in(select + " AND doc_id IN ({marks})" + order, doc_ids)
        layers: dict[str | None, list[Mention]] = {}
        for layer, *fields in rows:
            layers.setdefault(layer, []).append(Mention(*fields))
        return layers

    # -- counts of linked mentions ----------------------------------------------------------

    def per_document(self, entity_id: str) -> dict[int, int]:
        """Accepted mentions of an entity per document id."""
        rows = self.db.rows(
            "SELECT doc_id, count(*) FROM mentions WHERE entity_id = ? AND status = 'accepted' "
            "AND layer IS ? GROUP BY doc_id ORDER BY doc_id",
            (self.kb.resolve(entity_id), self.db.layer),
        )
        return {int(doc_id): int(n) for doc_id, n in rows}

    def entity_document_counts(
        self, doc_ids: Iterable[int] | None, statuses: Sequence[str] = (ACCEPTED,)
    ) -> list[tuple[str, int, int]]:
        """(entity id, document id, mentions) for linked mentions of the documents (None: all)."""
        select = (
            "SELECT entity_id, doc_id, count(*) FROM mentions WHERE entity_id IS NOT NULL "
            f"AND layer IS ? AND status IN ({marks(len(statuses))})"
        )
        group = " GROUP BY entity_id, doc_id"
        if doc_ids is None:
            rows = self.db.rows(
                select + group + " ORDER BY entity_id, doc_id", (self.db.layer, *statuses)
            )
        else:
            rows = self.db.rows_in(
                select + " AND doc_id IN ({marks})" + group,
                doc_ids,
                before=(self.db.layer, *statuses),
            )
        return sorted((str(e), int(d), int(n)) for e, d, n in rows)

    def document_entity_counts(self, doc_id: int) -> list[tuple[str, int]]:
        """(entity id, accepted mentions) of the entities a document links to."""
        rows = self.db.rows(
            "SELECT entity_id, count(*) FROM mentions WHERE doc_id = ? AND status = 'accepted' "
            "AND entity_id IS NOT NULL AND layer IS ? GROUP BY entity_id",
            (doc_id, self.db.layer),
        )
        return [(str(e), int(n)) for e, n in rows]

    def linked_entities(self, doc_id: int) -> set[str]:
        """Entities already linked by accepted mentions of a document (the linker's context)."""
        rows = self.db.rows(
            "SELECT DISTINCT entity_id FROM mentions WHERE doc_id = ? AND status = 'accepted' "
            "AND entity_id IS NOT NULL AND layer IS ?",
            (doc_id, self.db.layer),
        )
        return {str(r[0]) for r in rows}
