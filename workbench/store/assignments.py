"""Assignments: which annotators are to annotate which documents, and who is done."""

from __future__ import annotations

from collections.abc import Sequence

from workbench.errors import WorkbenchError
from workbench.model import Assignment
from workbench.store.database import Database

TODO, STARTED, DONE = "todo", "started", "done"


class Assignments:
    """Documents given to annotators; each change is logged and undoable."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def assign(self, doc_ids: Sequence[int], annotators: Sequence[str], k: int | None) -> int:
        """Give each document to every annotator, or with `k` to k of them in turn (round
        robin over the list). Existing assignments stay; returns how many were added."""
        if not annotators:
            raise WorkbenchError("name at least one annotator (--to A,B)")
        if k is not None and not 1 <= k <= len(annotators):
            raise WorkbenchError(f"--k must be between 1 and {len(annotators)} (the annotators)")
        known = {
            int(r[0])
            for r in self.db.rows_in("SELECT id FROM documents WHERE id IN ({marks})", doc_ids)
        }
        missing = [d for d in doc_ids if d not in known]
        if missing:
            raise WorkbenchError(f"no document with id {', '.join(map(str, missing))}")
        existing = set(self.db.rows("SELECT doc_id, annotator FROM assignments"))
        wanted: list[tuple[int, str]] = []
        turn = 0
        for doc_id in doc_ids:
            if k is None:
                chosen = list(annotators)
            else:
                chosen = [annotators[(turn + i) % len(annotators)] for i in range(k)]
                turn += k
            wanted += [(doc_id, a) for a in chosen if (doc_id, a) not in existing]
        with self.db.transaction(f"assign {len(wanted)} document(s)") as tx:
            tx.insert_many(
                "assignments",
                ("doc_id", "annotator"),
                wanted,
                {"assigned_by": self.db.annotator, "created_at": tx.at, "updated_at": tx.at},
            )
        return len(wanted)

    def of_documents(self) -> dict[int, list[Assignment]]:
        """Every document's assignments with their status, by document id."""
        rows = self.db.rows(
            """
            SELECT a.doc_id, a.annotator,
                   CASE WHEN a.done_at IS NOT NULL THEN 'done'
                        WHEN EXISTS (SELECT 1 FROM mentions m WHERE m.doc_id = a.doc_id
                                     AND m.annotator = a.annotator AND m.status = 'accepted')
                          OR EXISTS (SELECT 1 FROM events e WHERE e.doc_id = a.doc_id
                                     AND e.annotator = a.annotator)
                        THEN 'started' ELSE 'todo' END
            FROM assignments a ORDER BY a.doc_id, a.annotator
            """
        )
        out: dict[int, list[Assignment]] = {}
        for doc_id, annotator, status in rows:
            out.setdefault(int(doc_id), []).append(Assignment(str(annotator), str(status)))
        return out

    def mark_done(self, doc_id: int) -> None:
        """Mark a document done for this annotator (it must be assigned to them)."""
        row = self.db.one(
            "SELECT id, done_at FROM assignments WHERE doc_id = ? AND annotator = ?",
            (doc_id, self.db.annotator),
        )
        if row is None:
            raise WorkbenchError(f"document {doc_id} is not assigned to {self.db.annotator}")
        if row[1] is not None:
            return
        with self.db.transaction(f"mark document {doc_id} done") as tx:
            tx.update("assignments", int(row[0]), done_at=tx.at, updated_at=tx.at)

    def next_for(self, after: int | None = None) -> int | None:
        """This annotator's next assigned document not done (after `after`, wrapping)."""
        ids = [
            int(r[0])
            for r in self.db.rows(
                "SELECT doc_id FROM assignments WHERE annotator = ? AND done_at IS NULL "
                "ORDER BY doc_id",
                (self.db.annotator,),
            )
        ]
        later = [d for d in ids if after is None or d > after]
        candidates = later or ids
        return candidates[0] if candidates else None
