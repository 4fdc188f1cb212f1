"""Pre-annotation results: suggested mentions and event triggers, stored per document in
one transaction with a record that the document is done (which makes a batch resumable)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from workbench.errors import WorkbenchError
from workbench.model import (
    ACCEPTED,
    REJECTED,
    SUGGESTED,
    Event,
    SuggestedTrigger,
    Suggestion,
    TriggerSuggestion,
)
from workbench.spans import SpanIndex
from workbench.store.database import Database
from workbench.store.events import Events
from workbench.store.kb import KnowledgeBase
from workbench.store.sql import marks

_TRIGGER_COLUMNS = 'id, doc_id, start, "end", text, type, subtype, status, source, score, event_id'

_MENTION_COLUMNS = (
    "doc_id",
    "start",
    "end",
    "text",
    "label",
    "entity_id",
    "source",
    "score",
)
_NEW_TRIGGER_COLUMNS = (
    "doc_id",
    "start",
    "end",
    "text",
    "type",
    "subtype",
    "source",
    "score",
)

DocumentSuggestions = tuple[int, Sequence[Suggestion], Sequence[SuggestedTrigger]]


def _span(span: tuple[int, int]) -> tuple[int, int]:
    return span


class Suggestions:
    """Pre-annotation's results: suggested mentions and event triggers, stored per batch
    of documents with a record that each document is done (which makes a run resumable)."""

    def __init__(self, db: Database, kb: KnowledgeBase, events: Events) -> None:
        self.db = db
        self.kb = kb
        self.events = events

    def _layered(self, signature: str) -> str:
        """A run's signature in this layer: each annotator's layer is pre-annotated on its own."""
        return signature if self.db.layer is None else f"{signature} layer={self.db.layer}"

    def preannotated_ids(self, signature: str) -> set[int]:
        """Documents already pre-annotated (in this layer) by a pipeline with this signature."""
        rows = self.db.rows(
            "SELECT doc_id FROM preannotated WHERE signature = ?", (self._layered(signature),)
        )
        return {int(r[0]) for r in rows}

    def store(self, batch: Sequence[DocumentSuggestions], signature: str) -> tuple[int, int]:
        """Store the suggestions of several documents in one transaction, and mark them done.

        Never touches what exists: a span that already has a mention with that label, in
        any status (accepted, suggested, or rejected: the rejection is remembered), or that
        overlaps an accepted annotation, is skipped; so is a trigger already suggested,
        rejected or recorded as an event. Returns (mentions, triggers) added."""
        labels = set(self.kb.labels())
        signature = self._layered(signature)
        doc_ids = list(dict.fromkeys(doc_id for doc_id, _, _ in batch))
        mention_rows: list[tuple[Any, ...]] = []
        trigger_rows: list[tuple[Any, ...]] = []
        done_rows: list[tuple[Any, ...]] = []
        with self.db.transaction("pre-annotate") as tx:
            texts = self._by_document("SELECT id, text FROM documents", "id", doc_ids)
            existing = self._by_document(
                'SELECT doc_id, start, "end", label, status FROM mentions',
                "doc_id",
                doc_ids,
                "layer IS ?",
                self.db.layer,
            )
            known_triggers = self._by_document(
                'SELECT doc_id, start, "end" FROM trigger_suggestions', "doc_id", doc_ids
            )
            events = self._by_document(
                "SELECT doc_id, trigger_start, trigger_end FROM events",
                "doc_id",
                doc_ids,
                "layer IS ?",
                self.db.layer,
            )
            done = set(
                self._by_document(
                    "SELECT doc_id FROM preannotated", "doc_id", doc_ids, "signature = ?", signature
                )
            )
            # per document: (mention keys taken, accepted spans, trigger spans taken)
            seen: dict[
                int,
                tuple[set[tuple[int, int, str]], SpanIndex[tuple[int, int]], set[tuple[int, int]]],
            ] = {}
            for doc_id, suggestions, triggers in batch:
                if doc_id not in texts:
                    raise WorkbenchError(f"no document with id {doc_id}")
                text = texts[doc_id][0][0]
                if doc_id not in seen:
                    rows = existing.get(doc_id, [])
                    seen[doc_id] = (
                        {(s, e, label) for s, e, label, _ in rows},
                        SpanIndex(
                            ((s, e) for s, e, _, status in rows if status == ACCEPTED), _span
                        ),
                        {(r[0], r[1]) for r in known_triggers.get(doc_id, [])}
                        | {(r[0], r[1]) for r in events.get(doc_id, []) if r[0] is not None},
                    )
                taken, accepted, spans = seen[doc_id]
                size = len(text)
                doc_added = 0
                # (unpacked: hundreds of thousands of them in a big run)
                for start, end, label, source, score, entity_id in suggestions:
                    key = (start, end, label)
                    if (
                        key in taken
                        or label not in labels
                        or not 0 <= start < end <= size
                        or (accepted and accepted.any_overlap(start, end))
                    ):
                        continue
                    taken.add(key)
                    doc_added += 1
                    mention_rows.append(
                        (
                            doc_id,
                            start,
                            end,
                            text[start:end],
                            label,
                            entity_id,
                            source,
                            round(score, 1),
                        )
                    )
                for start, end, kind, subtype, score, source in triggers:
                    if (start, end) in spans or not 0 <= start < end <= size:
                        continue
                    spans.add((start, end))
                    trigger_rows.append(
                        (
                            doc_id,
                            start,
                            end,
                            text[start:end],
                            kind,
                            subtype,
                            source,
                            round(score, 1),
                        )
                    )
                if doc_id not in done:
                    done.add(doc_id)
                    done_rows.append((doc_id, signature, doc_added, tx.at))
            # every row of a batch shares these: given once, and logged once
            same = {"status": SUGGESTED, "created_at": tx.at, "updated_at": tx.at}
            tx.insert_many(
                "mentions",
                _MENTION_COLUMNS,
                mention_rows,
                {**same, "annotator": self.db.annotator, "layer": self.db.layer},
            )
            tx.insert_many("trigger_suggestions", _NEW_TRIGGER_COLUMNS, trigger_rows, same)
            tx.insert_many("preannotated", ("doc_id", "signature", "suggestions", "at"), done_rows)
        return len(mention_rows), len(trigger_rows)

    def _by_document(
        self, select: str, column: str, doc_ids: Sequence[int], where: str = "", *args: object
    ) -> dict[int, list[tuple[Any, ...]]]:
        """Rows of `select` for the documents, grouped by document id (the first column,
        which is left out of the rows)."""
        extra = f" AND {where}" if where else ""
        grouped: dict[int, list[tuple[Any, ...]]] = {}
        for row in self.db.iter_in(
            f"{select} WHERE {column} IN ({{marks}}){extra}", doc_ids, after=args
        ):
            grouped.setdefault(row[0], []).append(row[1:])
        return grouped

    def triggers(
        self, doc_id: int, statuses: Sequence[str] = (SUGGESTED,)
    ) -> list[TriggerSuggestion]:
        """A document's trigger suggestions with the given statuses, by position."""
        rows = self.db.rows(
            f"SELECT {_TRIGGER_COLUMNS} FROM trigger_suggestions WHERE doc_id = ? "
            f'AND status IN ({marks(len(statuses))}) ORDER BY start, "end"',
            (doc_id, *statuses),
        )
        return [TriggerSuggestion(*r) for r in rows]

    def trigger(self, suggestion_id: int) -> TriggerSuggestion:
        """One trigger suggestion by id."""
        row = self.db.one(
            f"SELECT {_TRIGGER_COLUMNS} FROM trigger_suggestions WHERE id = ?", (suggestion_id,)
        )
        if row is None:
            raise WorkbenchError(f"no trigger suggestion with id {suggestion_id}")
        return TriggerSuggestion(*row)

    def accept_trigger(
        self, suggestion_id: int, event_type: tuple[str, str | None] | None = None
    ) -> Event:
        """Record the suggested event (its type and sub-type, or `event_type` when the
        analyst chose another) and mark the suggestion accepted: one change."""
        suggestion = self.trigger(suggestion_id)
        if suggestion.status != SUGGESTED:
            raise WorkbenchError(
                f"trigger suggestion {suggestion_id} is already {suggestion.status}"
            )
        kind, subtype = event_type or (suggestion.type, suggestion.subtype)
        with self.db.transaction("accept trigger") as tx:
            event_id = self.events.insert(
                tx, suggestion.doc_id, kind, subtype, trigger=(suggestion.start, suggestion.end)
            )
            tx.update(
                "trigger_suggestions",
                suggestion_id,
                status=ACCEPTED,
                event_id=event_id,
                updated_at=tx.at,
            )
        return self.events.get(event_id)

    def reject_trigger(self, suggestion_id: int) -> TriggerSuggestion:
        """Reject a trigger suggestion; it is not proposed again."""
        self.trigger(suggestion_id)
        with self.db.transaction("reject trigger") as tx:
            tx.update("trigger_suggestions", suggestion_id, status=REJECTED, updated_at=tx.at)
        return self.trigger(suggestion_id)
