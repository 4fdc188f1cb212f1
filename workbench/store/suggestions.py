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

DocumentSuggestions = tuple[int, Sequence[Suggestion], Sequence[SuggestedTrigger]]


class _Spans:
    """Spans sorted by start, asked whether anything overlaps [start, end) by bisection
    (a long document has thousands of annotations and thousands of suggestions)."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]
        self.longest = max((e - s for s, e in self.spans), default=0)

    def overlaps(self, start: int, end: int) -> bool:
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
        added = triggers_added = 0
        with Transaction(self.conn, self.annotator, "pre-annotate") as tx:
            for doc_id, suggestions, triggers in batch:
                text = self.conn.execute(
                    "SELECT text FROM documents WHERE id = ?", (doc_id,)
                ).fetchone()
                if text is None:
                    raise WorkbenchError(f"no document with id {doc_id}")
                text = text[0]
                existing = self.conn.execute(
                    'SELECT start, "end", label, status FROM mentions WHERE doc_id = ?', (doc_id,)
                ).fetchall()
                taken = {(s, e, label) for s, e, label, _ in existing}
                accepted = _Spans((s, e) for s, e, _, status in existing if status == ACCEPTED)
                new_mentions: list[dict] = []
                for sug in suggestions:
                    key = (sug.start, sug.end, sug.label)
                    if (
                        key in taken
                        or sug.label not in labels
                        or not 0 <= sug.start < sug.end <= len(text)
                    ):
                        continue
                    if accepted.overlaps(sug.start, sug.end):
                        continue
                    taken.add(key)
                    new_mentions.append(
                        {
                            "doc_id": doc_id,
                            "start": sug.start,
                            "end": sug.end,
                            "text": text[sug.start : sug.end],
                            "label": sug.label,
                            "entity_id": sug.entity_id,
                            "status": SUGGESTED,
                            "source": sug.source,
                            "score": round(sug.score, 1),
                            "annotator": self.annotator,
                            "created_at": tx.at,
                            "updated_at": tx.at,
                        }
                    )
                tx.insert_many("mentions", new_mentions)
                doc_added = len(new_mentions)
                spans = {
                    (s, e)
                    for s, e in self.conn.execute(
                        'SELECT start, "end" FROM trigger_suggestions WHERE doc_id = ? '
                        "UNION SELECT trigger_start, trigger_end FROM events WHERE doc_id = ? "
                        "AND trigger_start IS NOT NULL",
                        (doc_id, doc_id),
                    )
                }
                new_triggers: list[dict] = []
                for trig in triggers:
                    if (trig.start, trig.end) in spans or not 0 <= trig.start < trig.end <= len(
                        text
                    ):
                        continue
                    spans.add((trig.start, trig.end))
                    new_triggers.append(
                        {
                            "doc_id": doc_id,
                            "start": trig.start,
                            "end": trig.end,
                            "text": text[trig.start : trig.end],
                            "type": trig.type,
                            "subtype": trig.subtype,
                            "status": SUGGESTED,
                            "source": trig.source,
                            "score": round(trig.score, 1),
                            "created_at": tx.at,
                            "updated_at": tx.at,
                        }
                    )
                tx.insert_many("trigger_suggestions", new_triggers)
                triggers_added += len(new_triggers)
                done = self.conn.execute(
                    "SELECT id FROM preannotated WHERE doc_id = ? AND signature = ?",
                    (doc_id, signature),
                ).fetchone()
                if done is None:
                    tx.insert(
                        "preannotated",
                        {
                            "doc_id": doc_id,
                            "signature": signature,
                            "suggestions": doc_added,
                            "at": tx.at,
                        },
                    )
                added += doc_added
        return added, triggers_added

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
