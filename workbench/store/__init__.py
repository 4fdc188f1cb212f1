"""The only code that speaks SQL: one `Store` per database file, made of small
repositories (documents, knowledge base, mentions, events, suggestions, settings) that
share one connection and one way to write: a logged transaction (`Database.transaction`).

Every write is its own committed transaction with a row in the change log, or part of a
larger one that a caller opened with `Store.transaction`.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FunctionType
from typing import Any, TypeVar

from workbench.errors import ConnectionLost, DatabaseError, ReadOnlyDatabase, WorkbenchError
from workbench.model import INDEPENDENT, PROJECT_MODES, SHARED
from workbench.store import alias_index, connection, history, schema
from workbench.store.assignments import Assignments
from workbench.store.changelog import Transaction
from workbench.store.connection import close, location, open_database, read_only_reason
from workbench.store.database import Database
from workbench.store.documents import Documents
from workbench.store.events import Events
from workbench.store.kb import EntityListing, KnowledgeBase, slugify
from workbench.store.mentions import Mentions
from workbench.store.settings import Settings
from workbench.store.sources import Sources
from workbench.store.sql import POSTGRESQL, Connection, dialect
from workbench.store.suggestions import DocumentSuggestions, Suggestions

__all__ = ["DocumentSuggestions", "EntityListing", "Store", "slugify"]

_COUNTS = {
    "documents": "SELECT count(*) FROM documents",
    "entities": "SELECT count(*) FROM entities WHERE merged_into IS NULL",
    "aliases": "SELECT count(*) FROM aliases",
    "mentions": "SELECT count(*) FROM mentions WHERE status = 'accepted'",
    "linked_mentions": "SELECT count(*) FROM mentions WHERE status = 'accepted' "
    "AND entity_id IS NOT NULL",
    "suggestions": "SELECT count(*) FROM mentions WHERE status = 'suggested'",
    "trigger_suggestions": "SELECT count(*) FROM trigger_suggestions WHERE status = 'suggested'",
    "rejected": "SELECT count(*) FROM mentions WHERE status = 'rejected'",
    "events": "SELECT count(*) FROM events",
    "changes": "SELECT count(*) FROM changes",
}


class Store:
    """A Workbench database: documents, knowledge base, annotations and their history."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.settings = Settings(db)
        self.documents = Documents(db)
        self.kb = KnowledgeBase(db)
        self.mentions = Mentions(db, self.documents, self.kb)
        self.events = Events(db, self.documents, self.mentions, self.settings)
        self.suggestions = Suggestions(db, self.kb, self.events)
        self.assignments = Assignments(db)
        self.sources = Sources(db)
        self.db.layer = self.db.annotator if self.project_mode() == INDEPENDENT else None

    PROJECT_MODE_SETTING = "project_mode"

    def project_mode(self) -> str:
        """`shared` (one layer everyone edits) or `independent` (a layer per annotator)."""
        return self.settings.get(self.PROJECT_MODE_SETTING, SHARED) or SHARED

    def set_project_mode(self, mode: str) -> None:
        """Switch the project's mode; nothing stored moves (the shared layer's rows stay
        where they are, and in independent mode each annotator starts a layer of their own)."""
        if mode not in PROJECT_MODES:
            raise WorkbenchError(f"a project's mode is {' or '.join(PROJECT_MODES)}, not {mode!r}")
        self.settings.set(self.PROJECT_MODE_SETTING, mode)
        self.db.layer = self.db.annotator if mode == INDEPENDENT else None

    def move_layer(self, source: str | None, target: str) -> tuple[int, int]:
        """Make every mention and event of one layer (None: the shared one) part of
        another, empty one, as one logged change. Returns (mentions, events) moved."""
        for table in ("mentions", "events"):
            held = self.db.value(f"SELECT count(*) FROM {table} WHERE layer IS ?", (target,))
            if held:
                raise WorkbenchError(
                    f"the layer {target!r} already holds {table}: moving another layer into it "
                    "would mix the two"
                )
        moved = []
        with self.db.transaction(f"move layer {source or 'shared'} to {target}") as tx:
            for table in ("mentions", "events"):
                ids = [
                    r[0]
                    for r in self.db.rows(f"SELECT id FROM {table} WHERE layer IS ?", (source,))
                ]
                for row_id in ids:
                    tx.update(table, row_id, layer=target)
                moved.append(len(ids))
        return moved[0], moved[1]

    @contextlib.contextmanager
    def in_layer(self, layer: str | None) -> Iterator[None]:
        """Read and write another layer for a while (an export of one annotator's layer,
        the curated layer's automatic part)."""
        mine = self.db.layer
        self.db.layer = layer
        try:
            yield
        finally:
            self.db.layer = mine

    def layers(self) -> list[str | None]:
        """Every layer that holds mentions or events (None: the shared layer)."""
        rows = self.db.rows(
            # (the shared layer, NULL, first: SQLite sorts NULL first, PostgreSQL last)
            "SELECT layer FROM (SELECT layer FROM mentions UNION SELECT layer FROM events) "
            "AS layers ORDER BY layer IS NOT NULL, layer"
        )
        return [r[0] for r in rows]

    @classmethod
    def open(cls, target: str | Path, annotator: str = "unknown", read_only: bool = False) -> Store:
        """Open or create a database (a file's path, or a postgresql:// URL), migrating an
        older schema forward (with a backup). A database this process cannot write (or
        `read_only`) opens read-only (see `read_only`)."""
        if not connection.is_postgres(target):
            target = Path(target)
        conn = open_database(target, read_only=read_only)
        try:
            if read_only_reason(conn):
                schema.check_readable(conn, target)
            elif (reason := _write_refused(conn, target)) is not None:
                schema.check_readable(conn, target)
                connection.mark_read_only(conn, reason)
            else:
                schema.migrate(conn, target)
                alias_index.ensure_current(conn)
        except connection.DRIVER_ERRORS as exc:
            close(conn)
            raise DatabaseError(f"{location(target)}: {connection.driver_message(exc)}") from exc
        except BaseException:
            close(conn)
            raise
        return cls(Database(conn, target, annotator))

    @property
    def conn(self) -> Connection:
        """The connection (tests and benchmarks look at the tables directly)."""
        return self.db.conn

    @property
    def target(self) -> Path | str:
        """What names the database: a file's path, or a PostgreSQL URL."""
        return self.db.target

    @property
    def location(self) -> str:
        """The database as messages name it (a URL without its password)."""
        return self.db.location

    @property
    def path(self) -> Path:
        """The database file (of an SQLite database; a PostgreSQL one has none)."""
        if not isinstance(self.db.target, Path):
            raise WorkbenchError(f"{self.location} is a PostgreSQL database, not a file")
        return self.db.target

    @property
    def on_server(self) -> bool:
        """Whether the database is on a PostgreSQL server (each statement a round trip)."""
        return connection.is_postgres(self.db.target)

    @property
    def annotator(self) -> str:
        """Who this store's changes are recorded as."""
        return self.db.annotator

    @property
    def read_only(self) -> str | None:
        """Why this database cannot be written ("… is read-only: …"), or None."""
        return self.db.read_only

    def reopen(self) -> Store:
        """Another connection to the same database, for a worker thread (WAL lets it read
        while this one writes)."""
        return Store.open(self.target, annotator=self.annotator, read_only=bool(self.read_only))

    def close(self) -> None:
        """Close the connection."""
        close(self.db.conn)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def transaction(self, action: str) -> Transaction:
        """One change made of several store calls: one commit, one undo step."""
        return self.db.transaction(action)

    @property
    def schema_version(self) -> int:
        """The schema version of the open database."""
        return schema.current_version(self.db.conn)

    def is_empty(self) -> bool:
        """True when the database holds no documents and no entities."""
        return not self.db.value(
            "SELECT EXISTS(SELECT 1 FROM documents) OR EXISTS(SELECT 1 FROM entities)"
        )

    def changed_elsewhere(self) -> bool:
        """True when someone else committed a change since the last call (False at first)."""
        return self.db.changed_elsewhere()

    def undo(self) -> str:
        """Revert this annotator's newest change; returns what was undone."""
        return history.undo(self.db.conn, self.annotator, self.db.hooks)

    def redo(self) -> str:
        """Re-apply this annotator's most recently undone change."""
        return history.redo(self.db.conn, self.annotator, self.db.hooks)

    def skip_undo(self) -> str:
        """Leave this annotator's newest change in place; undo goes on with older ones."""
        return history.skip(self.db.conn, self.annotator)

    def history(self, limit: int = 50) -> list[dict[str, Any]]:
        """The newest change groups: id, time, annotator, action, rows, state."""
        rows = self.db.rows(
            "SELECT group_id, min(at), min(annotator), min(action), count(*), min(state) "
            "FROM changes "
            "GROUP BY group_id ORDER BY group_id DESC LIMIT ?",
            (limit,),
        )
        keys = ("group", "at", "annotator", "action", "rows", "state")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def stats(self) -> dict[str, int]:
        """Counts of what the database holds."""
        return {name: int(self.db.value(sql)) for name, sql in _COUNTS.items()}

    def integrity_check(self) -> str:
        """SQLite's PRAGMA integrity_check ("ok" when healthy). PostgreSQL checks its
        pages as it reads them: a database that answers is "ok"."""
        if self.db.dialect == POSTGRESQL:
            return str(self.db.value("SELECT 'ok'"))
        return str(self.db.value("PRAGMA integrity_check"))


def _write_refused(conn: Connection, target: Path | str) -> str | None:
    """Why a PostgreSQL role may not write this database (it may only read), or None."""
    if dialect(conn) != POSTGRESQL:
        return None
    row = conn.execute(
        "SELECT current_user, to_regclass('changes') IS NOT NULL "
        "AND NOT has_table_privilege('changes', 'INSERT')"
    ).fetchone()
    if not row[1]:
        return None
    return f"{location(target)} is read-only: the role {row[0]} may only read it"


# PostgreSQL's "lock not available" (the 30 s lock timeout), "serialization failure" and
# "deadlock detected": a change that waited for others too long. (Workbench's own writers
# take one lock first, so they neither deadlock nor conflict with each other.)
_BUSY = {"55P03", "40001", "40P01"}


def _storage_error(where: str, exc: Exception, lost: bool = False) -> DatabaseError:
    """One clear error for what the database reports (a corrupt page, a dropped table, a
    file that became read-only, a role that may not write, a server gone away)."""
    text = connection.driver_message(exc)
    code = getattr(exc, "sqlstate", None)
    if code in _BUSY:
        return DatabaseError(
            f"{where}: the database is busy ({text}): another change held it too long; "
            "nothing of this one was saved, try it again"
        )
    if lost:
        return ConnectionLost(
            f"{where}: the connection to the database is lost ({text}); nothing of this "
            "change was saved, and Workbench connects again when the server answers"
        )
    words = text.lower().replace("-", "").replace(" ", "")
    if "readonly" in words or "permissiondenied" in words:
        return ReadOnlyDatabase(f"{where}: cannot write: {text}")
    return DatabaseError(f"{where}: database error: {text}")


F = TypeVar("F", bound=Callable[..., Any])


def _reported(method: F) -> F:
    @functools.wraps(method)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except connection.DRIVER_ERRORS as exc:
            lost = bool(getattr(self.db.conn, "lost", False))
            raise _storage_error(self.db.location, exc, lost) from exc

    return call  # type: ignore[return-value]


# Every public method of the store and its repositories reports a database failure as
# DatabaseError, never as sqlite3's own exception (the CLI and TUI turn a DatabaseError
# into one line).
# (Read from the classes' own dictionaries: `inspect` would cost the first frame its import.)
for _class in (
    Store,
    Settings,
    Documents,
    KnowledgeBase,
    Mentions,
    Events,
    Suggestions,
    Assignments,
):
    _public = {
        name: member
        for klass in reversed(_class.__mro__[:-1])
        for name, member in vars(klass).items()
        if not name.startswith("_") and isinstance(member, FunctionType)
    }
    for _name, _member in _public.items():
        setattr(_class, _name, _reported(_member))
