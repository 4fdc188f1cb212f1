"""Pre-annotation results: suggested mentions and event triggers, stored per document in
one transaction with a record that the document is done (which makes a batch resumable)."""

from __future__ import annotations

import bisect
import sqlite3
from collections.abc import Iterable, Sequence

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
from workbench.store.changelog import Transaction

_TRIGGER_COLUMNS = 'id, doc_id, start, "end", text, type, subtype, status, source, score, event_id'

# SQLite's limit on a statement's parameters is 999 in older builds.
_IDS_PER_QUERY = 500
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


class _Spans:
    """Spans sorted by start, asked whether anything overlaps [start, end) by bisection
    (a long document has thousands of annotations and thousands of suggestions)."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]
        self.longest = max((e - s for s, e in self.spans), default=0)

    def overlaps(self, start: int, end: int) -> bool:
        if not self.spans:  # a document nobody has annotated yet
            return False
        i = bisect.bisect_left(self.starts, start - self.longest)
        while i < len(self.spans) and self.spans[i][0] < end:
            if self.spans[i][1] > start:
                return True
            i += 1
        return False


class SuggestionsMixin:
    """Store methods for pre-annotation."""

    conn: sqlite3.Connection
    annotator: str

    def kb_version(self) -> tuple[int, int, int]:
        """(aliases, newest alias id, merged entities): changes whenever patterns must."""
        row = self.conn.execute(
            "SELECT count(*), coalesce(max(id), 0), "
            "(SELECT count(*) FROM entities WHERE merged_into IS NOT NULL) FROM aliases"
        ).fetchone()
        return int(row[0]), int(row[1]), int(row[2])

    def alias_rows_since(self, alias_id: int) -> list[tuple[int, str, str, str]]:
        """(alias id, entity id, entity label, alias text) of aliases newer than alias_id."""
        return self.conn.execute(
            "SELECT a.id, a.entity_id, e.label, a.text FROM aliases a "
            "JOIN entities e ON e.id = a.entity_id WHERE a.id > ? ORDER BY a.id",
            (alias_id,),
        ).fetchall()

    def entity_redirects(self) -> dict[str, str]:
        """Merged entity id -> the entity it was merged into (followed to the end)."""
        rows = dict(
            self.conn.execute(
                "SELECT id, merged_into FROM entities WHERE merged_into IS NOT NULL"
            ).fetchall()
        )
        resolved = {}
        for start in rows:
            target, seen = rows[start], {start}
            while target in rows and target not in seen:
                seen.add(target)
                target = rows[target]
            resolved[start] = target
        return resolved

    def preannotated_ids(self, signature: str) -> set[int]:
        """Documents already pre-annotated by a pipeline with this signature."""
        rows = self.conn.execute(
            "SELECT doc_id FROM preannotated WHERE signature = ?", (signature,)
        )
        return {r[0] for r in rows}

    def store_suggestions(
        self, batch: Sequence[DocumentSuggestions], signature: str
    ) -> tuple[int, int]:
        """Store the suggestions of several documents in one transaction, and mark them done.

        Never touches what exists: a span that already has a mention with that label, in
        any status (accepted, suggested, or rejected: the rejection is remembered), or that
        overlaps an accepted annotation, is skipped; so is a trigger already suggested,
        rejected or recorded as an event. Returns (mentions, triggers) added."""
        labels = set(self.labels())
        doc_ids = list(dict.fromkeys(doc_id for doc_id, _, _ in batch))
        mention_rows: list[tuple] = []
        trigger_rows: list[tuple] = []
        done_rows: list[tuple] = []
        with Transaction(self.conn, self.annotator, "pre-annotate") as tx:
            texts = self._by_document("SELECT id, text FROM documents", "id", doc_ids)
            existing = self._by_document(
                'SELECT doc_id, start, "end", label, status FROM mentions', "doc_id", doc_ids
            )
            known_triggers = self._by_document(
                'SELECT doc_id, start, "end" FROM trigger_suggestions', "doc_id", doc_ids
            )
            events = self._by_document(
                "SELECT doc_id, trigger_start, trigger_end FROM events", "doc_id", doc_ids
            )
            done = set(
                self._by_document(
                    "SELECT doc_id FROM preannotated", "doc_id", doc_ids, "signature = ?", signature
                )
            )
            # per document: (mention keys taken, accepted spans, trigger spans taken)
            seen: dict[int, tuple[set, _Spans, set]] = {}
            for doc_id, suggestions, triggers in batch:
                if doc_id not in texts:
                    raise WorkbenchError(f"no document with id {doc_id}")
                text = texts[doc_id][0][0]
                if doc_id not in seen:
                    rows = existing.get(doc_id, [])
                    seen[doc_id] = (
                        {(s, e, label) for s, e, label, _ in rows},
                        _Spans((s, e) for s, e, _, status in rows if status == ACCEPTED),
                        {tuple(r) for r in known_triggers.get(doc_id, [])}
                        | {tuple(r) for r in events.get(doc_id, []) if r[0] is not None},
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
                        or accepted.overlaps(start, end)
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
                "mentions", _MENTION_COLUMNS, mention_rows, {**same, "annotator": self.annotator}
            )
            tx.insert_many("trigger_suggestions", _NEW_TRIGGER_COLUMNS, trigger_rows, same)
            tx.insert_many("preannotated", ("doc_id", "signature", "suggestions", "at"), done_rows)
        return len(mention_rows), len(trigger_rows)

    def _by_document(
        self, select: str, column: str, doc_ids: Sequence[int], where: str = "", *args: object
    ) -> dict[int, list[tuple]]:
        """Rows of `select` for the documents, grouped by document id (the first column,
        which is left out of the rows)."""
        extra = f" AND {where}" if where else ""
        grouped: dict[int, list[tuple]] = {}
        for first in range(0, len(doc_ids), _IDS_PER_QUERY):
            chunk = doc_ids[first : first + _IDS_PER_QUERY]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                f"{select} WHERE {column} IN ({marks}){extra}", (*chunk, *args)
            ):
                grouped.setdefault(row[0], []).append(row[1:])
        return grouped

    def trigger_suggestions(
        self, doc_id: int, statuses: Sequence[str] = (SUGGESTED,)
    ) -> list[TriggerSuggestion]:
        """A document's trigger suggestions with the given statuses, by position."""
        marks = ",".join("?" * len(statuses))
        rows = self.conn.execute(
            f"SELECT {_TRIGGER_COLUMNS} FROM trigger_suggestions WHERE doc_id = ? "
            f'AND status IN ({marks}) ORDER BY start, "end"',
            (doc_id, *statuses),
        )
        return [TriggerSuggestion(*r) for r in rows]

    def trigger_suggestion(self, suggestion_id: int) -> TriggerSuggestion:
        row = self.conn.execute(
            f"SELECT {_TRIGGER_COLUMNS} FROM trigger_suggestions WHERE id = ?", (suggestion_id,)
        ).fetchone()
        if row is None:
            raise WorkbenchError(f"no trigger suggestion with id {suggestion_id}")
        return TriggerSuggestion(*row)

    def accept_trigger(self, suggestion_id: int) -> Event:
        """Record the suggested event (type, sub-type, trigger) and mark the suggestion."""
        suggestion = self.trigger_suggestion(suggestion_id)
        if suggestion.status != SUGGESTED:
            raise WorkbenchError(
                f"trigger suggestion {suggestion_id} is already {suggestion.status}"
            )
        with Transaction(self.conn, self.annotator, "accept trigger") as tx:
            event_id = self._insert_event(  # type: ignore[attr-defined]
                tx,
                suggestion.doc_id,
                suggestion.type,
                suggestion.subtype,
                trigger=(suggestion.start, suggestion.end),
            )
            tx.update(
                "trigger_suggestions",
                suggestion_id,
                status=ACCEPTED,
                event_id=event_id,
                updated_at=tx.at,
            )
        return self.event(event_id)  # type: ignore[attr-defined]

    def reject_trigger(self, suggestion_id: int) -> TriggerSuggestion:
        """Reject a trigger suggestion; it is not proposed again."""
        self.trigger_suggestion(suggestion_id)
        with Transaction(self.conn, self.annotator, "reject trigger") as tx:
            tx.update("trigger_suggestions", suggestion_id, status=REJECTED, updated_at=tx.at)
        return self.trigger_suggestion(suggestion_id)
