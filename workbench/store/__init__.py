"""The only code that speaks SQL: one `Store` per database file.

Everything the CLI, the TUI, the linker and the exporters read or write goes through
`Store`; each write is its own committed transaction with a row in the change log.
"""

from __future__ import annotations

import functools
import inspect
import sqlite3
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbench.errors import DatabaseError, ReadOnlyDatabase
from workbench.store import alias_index, changelog, schema
from workbench.store.changelog import Transaction
from workbench.store.connection import close, connect, read_only_reason
from workbench.store.documents import DocumentsMixin
from workbench.store.events import EventsMixin
from workbench.store.kb import KnowledgeBaseMixin, slugify
from workbench.store.mentions import MentionsMixin
from workbench.store.suggestions import SuggestionsMixin

__all__ = ["Store", "slugify"]


class Store(DocumentsMixin, KnowledgeBaseMixin, MentionsMixin, EventsMixin, SuggestionsMixin):
    """A Workbench database: documents, knowledge base, annotations and their history."""

    def __init__(self, conn: sqlite3.Connection, path: Path, annotator: str) -> None:
        self.conn = conn
        self.path = path
        self.annotator = annotator
        self._recent_texts = OrderedDict()

    @classmethod
    def open(cls, path: str | Path, annotator: str = "unknown", read_only: bool = False) -> Store:
        """Open or create a database, migrating an older schema forward (with a backup).
        A file this process cannot write opens read-only (see `read_only`)."""
        path = Path(path)
        conn = connect(path, read_only=read_only)
        try:
            if read_only_reason(conn):
                schema.check_readable(conn, path)
            else:
                schema.migrate(conn, path)
                alias_index.ensure_current(conn)
        except sqlite3.DatabaseError as exc:
            close(conn)
            raise DatabaseError(f"{path}: {exc}") from exc
        except BaseException:
            close(conn)
            raise
        return cls(conn, path, annotator)

    @property
    def read_only(self) -> str | None:
        """Why this database cannot be written ("… is read-only: …"), or None."""
        return read_only_reason(self.conn)

    def reopen(self) -> Store:
        """Another connection to the same database, for a worker thread (WAL lets it read
        while this one writes)."""
        return Store.open(self.path, annotator=self.annotator, read_only=bool(self.read_only))

    def close(self) -> None:
        """Close the connection."""
        close(self.conn)

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
        if self.read_only:
            raise ReadOnlyDatabase(f"cannot save settings: {self.read_only}")
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def integrity_check(self) -> str:
        """SQLite's PRAGMA integrity_check ("ok" when healthy)."""
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0]


def _storage_error(path: Path, exc: sqlite3.DatabaseError) -> DatabaseError:
    """One clear error for what SQLite reports (a corrupt page, a dropped table, a file
    that became read-only)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if "readonly" in text.replace("-", "").replace(" ", ""):
        return ReadOnlyDatabase(f"{path}: cannot write: {text}")
    return DatabaseError(f"{path}: database error: {text}")


def _reported(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(self: Store, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as exc:
            raise _storage_error(self.path, exc) from exc

    return call


# Every public method reports a database failure as DatabaseError, never as sqlite3's
# own exception (the CLI and TUI turn a DatabaseError into one line).
for _name in dir(Store):
    _member = inspect.getattr_static(Store, _name)
    if not _name.startswith("_") and inspect.isfunction(_member):
        setattr(Store, _name, _reported(_member))
