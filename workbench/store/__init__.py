"""The only code that speaks SQL: one `Store` per database file.

Everything the CLI, the TUI, the linker and the exporters read or write goes through
`Store`; each write is its own committed transaction with a row in the change log.
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from pathlib import Path
from typing import Any

from workbench.errors import DatabaseError
from workbench.store import alias_index, changelog, schema
from workbench.store.changelog import Transaction
from workbench.store.connection import connect
from workbench.store.documents import SNIPPET_MARKERS, DocumentsMixin
from workbench.store.events import EventsMixin
from workbench.store.kb import KnowledgeBaseMixin, slugify
from workbench.store.mentions import MentionsMixin
from workbench.store.suggestions import SuggestionsMixin

__all__ = ["SNIPPET_MARKERS", "Store", "slugify"]


class Store(DocumentsMixin, KnowledgeBaseMixin, MentionsMixin, EventsMixin, SuggestionsMixin):
    """A Workbench database: documents, knowledge base, annotations and their history."""

    def __init__(self, conn: sqlite3.Connection, path: Path, annotator: str) -> None:
        self.conn = conn
        self.path = path
        self.annotator = annotator
        self._recent_texts = OrderedDict()

    @classmethod
    def open(cls, path: str | Path, annotator: str = "unknown") -> Store:
        """Open or create a database, migrating an older schema forward (with a backup)."""
        path = Path(path)
        conn = connect(path)
        try:
            schema.migrate(conn, path)
            alias_index.ensure_current(conn)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise DatabaseError(f"{path}: {exc}") from exc
        except BaseException:
            conn.close()
            raise
        return cls(conn, path, annotator)

    def reopen(self) -> Store:
        """Another connection to the same database, for a worker thread (WAL lets it read
        while this one writes)."""
        return Store.open(self.path, annotator=self.annotator)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        """The schema version of the open database."""
        return schema.current_version(self.conn)

    def is_empty(self) -> bool:
        """True when the database holds no documents and no entities."""
        return not self.conn.execute(
            "SELECT EXISTS(SELECT 1 FROM documents) OR EXISTS(SELECT 1 FROM entities)"
        ).fetchone()[0]

    def transaction(self, action: str) -> Transaction:
        """One change made of several store calls: one commit, one undo step."""
        return Transaction(self.conn, self.annotator, action)

    def undo(self) -> str:
        """Revert this annotator's newest change; returns what was undone."""
        return changelog.undo(self.conn, self.annotator)

    def skip_undo(self) -> str:
        """Leave this annotator's newest change in place; undo goes on with older ones."""
        return changelog.skip(self.conn, self.annotator)

    def redo(self) -> str:
        """Re-apply this annotator's most recently undone change."""
        return changelog.redo(self.conn, self.annotator)

    def history(self, limit: int = 50) -> list[dict[str, Any]]:
        """The newest change groups: id, time, annotator, action, rows, state."""
        rows = self.conn.execute(
            "SELECT group_id, min(at), annotator, action, count(*), min(state) FROM changes "
            "GROUP BY group_id ORDER BY group_id DESC LIMIT ?",
            (limit,),
        )
        keys = ("group", "at", "annotator", "action", "rows", "state")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def stats(self) -> dict[str, int]:
        """Counts of what the database holds."""
        queries = {
            "documents": "SELECT count(*) FROM documents",
            "entities": "SELECT count(*) FROM entities WHERE merged_into IS NULL",
            "aliases": "SELECT count(*) FROM aliases",
            "mentions": "SELECT count(*) FROM mentions WHERE status = 'accepted'",
            "linked_mentions": "SELECT count(*) FROM mentions WHERE status = 'accepted' "
            "AND entity_id IS NOT NULL",
            "suggestions": "SELECT count(*) FROM mentions WHERE status = 'suggested'",
            "trigger_suggestions": "SELECT count(*) FROM trigger_suggestions "
            "WHERE status = 'suggested'",
            "rejected": "SELECT count(*) FROM mentions WHERE status = 'rejected'",
            "events": "SELECT count(*) FROM events",
            "changes": "SELECT count(*) FROM changes",
        }
        return {name: self.conn.execute(sql).fetchone()[0] for name, sql in queries.items()}

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        """A stored UI/app setting (e.g. last open documents)."""
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        """Store a setting (not part of the undoable change log)."""
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def integrity_check(self) -> str:
        """SQLite's PRAGMA integrity_check ("ok" when healthy)."""
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0]
