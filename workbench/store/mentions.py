"""Mentions: spans of a document labelled and maybe linked; accepted or suggested."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from workbench.errors import DocumentNotFound, InvalidSpan, MentionNotFound, WorkbenchError
from workbench.model import ACCEPTED, MENTION_STATUSES, REJECTED, SUGGESTED, Mention, NewMention
from workbench.store.changelog import Transaction

_MENTION_COLUMNS = (
    'id, doc_id, start, "end", text, label, entity_id, status, source, score, annotator, '
    "created_at, updated_at"
)


class MentionsMixin:
    """Store methods about mentions (annotations and suggestions)."""

    conn: sqlite3.Connection
    annotator: str

    # check_label, resolve_entity_id and _insert_alias come from KnowledgeBaseMixin;
    # recent_text from DocumentsMixin.

    def _span_text(self, doc_id: int, start: int, end: int) -> str:
        try:
            text = self.recent_text(doc_id)
        except DocumentNotFound:
            raise InvalidSpan(f"no document with id {doc_id}") from None
        if not (0 <= start < end <= len(text)):
            raise InvalidSpan(f"span {start}-{end} is outside document {doc_id} (0-{len(text)})")
        return text[start:end]

    def add_mention(
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
        label = self.check_label(label)
        text = self._span_text(doc_id, start, end)
        if entity_id is not None:
            entity_id = self.resolve_entity_id(entity_id)
        with Transaction(self.conn, self.annotator, "add mention") as tx:
            mention_id = tx.insert(
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
                    "annotator": self.annotator,
                    "created_at": tx.at,
                    "updated_at": tx.at,
                },
            )
            if entity_id is not None and learn_alias and status == ACCEPTED:
                self._insert_alias(tx, entity_id, text, "annotation")
        return self.mention(mention_id)

    def mention(self, mention_id: int) -> Mention:
        """One mention by id."""
        row = self.conn.execute(
            f"SELECT {_MENTION_COLUMNS} FROM mentions WHERE id = ?", (mention_id,)
        ).fetchone()
        if row is None:
            raise MentionNotFound(mention_id)
        return Mention(*row)

    def mention_id_at(self, doc_id: int, start: int, end: int) -> int | None:
        """Id of an accepted or suggested mention with exactly this span, if any."""
        row = self.conn.execute(
            'SELECT id FROM mentions WHERE doc_id = ? AND start = ? AND "end" = ? '
            "AND status != 'rejected' ORDER BY status = 'accepted' DESC, id LIMIT 1",
            (doc_id, start, end),
        ).fetchone()
        return row[0] if row else None

    def mentions(
        self, doc_id: int, statuses: Sequence[str] = (ACCEPTED, SUGGESTED)
    ) -> list[Mention]:
        """A document's mentions with the given statuses, by position."""
        marks = ",".join("?" * len(statuses))
        rows = self.conn.execute(
            f"SELECT {_MENTION_COLUMNS} FROM mentions WHERE doc_id = ? AND status IN ({marks}) "
            'ORDER BY start, "end", id',
            (doc_id, *statuses),
        )
        return [Mention(*r) for r in rows]

    def update_mention(self, mention_id: int, **changes: Any) -> Mention:
        """Change label, span, status or link of a mention (one logged change)."""
        current = self.mention(mention_id)
        allowed = {"label", "start", "end", "status", "entity_id", "score", "source"}
        unknown = set(changes) - allowed
        if unknown:
            raise WorkbenchError(f"cannot change {', '.join(sorted(unknown))} of a mention")
        if "label" in changes:
            changes["label"] = self.check_label(changes["label"])
        if "status" in changes and changes["status"] not in MENTION_STATUSES:
            raise WorkbenchError(f"unknown mention status {changes['status']!r}")
        if "start" in changes or "end" in changes:
            start = changes.get("start", current.start)
            end = changes.get("end", current.end)
            changes["text"] = self._span_text(current.doc_id, start, end)
        if changes.get("entity_id") is not None:
            changes["entity_id"] = self.resolve_entity_id(changes["entity_id"])
        with Transaction(self.conn, self.annotator, "edit mention") as tx:
            tx.update("mentions", mention_id, **changes, updated_at=tx.at)
            updated = self.mention(mention_id)
            if (
                updated.entity_id
                and updated.status == ACCEPTED
                and (changes.get("entity_id") or changes.get("status") == ACCEPTED)
            ):
                self._insert_alias(tx, updated.entity_id, updated.text, "annotation")
        return self.mention(mention_id)

    def link_mention(self, mention_id: int, entity_id: str | None) -> Mention:
        """Link a mention to an entity (or unlink with None, the NIL decision)."""
        return self.update_mention(mention_id, entity_id=entity_id)

    def accept_suggestion(self, mention_id: int) -> Mention:
        """Turn a suggestion into an accepted annotation."""
        return self.update_mention(mention_id, status=ACCEPTED)

    def reject_suggestion(self, mention_id: int) -> Mention:
        """Reject a suggestion; it is remembered and not proposed again for that span."""
        return self.update_mention(mention_id, status=REJECTED)

    def set_status_many(self, mention_ids: Sequence[int], status: str) -> int:
        """Accept or reject many suggestions in one change (one undo step)."""
        if status not in MENTION_STATUSES:
            raise WorkbenchError(f"unknown mention status {status!r}")
        mentions = [self.mention(mention_id) for mention_id in mention_ids]
        with Transaction(self.conn, self.annotator, f"mark {len(mentions)} {status}") as tx:
            for m in mentions:
                tx.update("mentions", m.id, status=status, updated_at=tx.at)
                if status == ACCEPTED and m.entity_id:
                    self._insert_alias(tx, m.entity_id, m.text, "annotation")
        return len(mentions)

    def delete_mention(self, mention_id: int) -> Mention:
        """Delete a mention (and, through the schema, the event roles pointing at it)."""
        mention = self.mention(mention_id)
        with Transaction(self.conn, self.annotator, "delete mention") as tx:
            for (role_id,) in self.conn.execute(
                "SELECT id FROM event_roles WHERE mention_id = ?", (mention_id,)
            ).fetchall():
                tx.delete("event_roles", role_id)
            tx.delete("mentions", mention_id)
        return mention

    def import_mentions(
        self, doc_id: int, mentions: Sequence[NewMention], source: str = "gold"
    ) -> int:
        """Add accepted, linked mentions from a file in one transaction; skips exact repeats."""
        text_length = self.conn.execute(
            "SELECT length(text) FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        if text_length is None:
            raise InvalidSpan(f"no document with id {doc_id}")
        added = 0
        with Transaction(self.conn, self.annotator, "import mentions") as tx:
            for m in mentions:
                if not (0 <= m.start < m.end <= text_length[0]):
                    raise InvalidSpan(
                        f"span {m.start}-{m.end} is outside document {doc_id} (0-{text_length[0]})"
                    )
                label = self.check_label(m.label)
                exists = self.conn.execute(
                    'SELECT 1 FROM mentions WHERE doc_id = ? AND start = ? AND "end" = ? AND label = ?',
                    (doc_id, m.start, m.end, label),
                ).fetchone()
                if exists:
                    continue
                entity_id = self.resolve_entity_id(m.entity_id) if m.entity_id else None
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
                        "annotator": self.annotator,
                        "created_at": tx.at,
                        "updated_at": tx.at,
                    },
                )
                if entity_id:
                    self._insert_alias(tx, entity_id, m.text, "annotation")
                added += 1
        return added
