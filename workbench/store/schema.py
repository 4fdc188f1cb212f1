"""The versioned schema: each migration moves a database one version forward.

One module on purpose, longer than the others: the migrations in order, each beside the
tables it creates, read top to bottom as the schema's history, and a new version is one
function and one line of `MIGRATIONS` at the end.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

from workbench.errors import DatabaseError
from workbench.model import ONTONOTES_LABELS
from workbench.store import alias_index, postgres_schema
from workbench.store.connection import location, utc_now
from workbench.store.sql import POSTGRESQL, Connection, dialect

# AUTOINCREMENT: an id in the change log must never be reused by a later row.
BASE_TABLES = """
CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER NOT NULL,
    applied_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    source TEXT,
    url TEXT,
    published TEXT,
    imported_at TEXT NOT NULL,
    normalisation TEXT,
    origin TEXT,
    meta TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS labels (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL DEFAULT 'entity',
    position INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS entities (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    label TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    external_ids TEXT NOT NULL DEFAULT '{}',
    created_by TEXT,
    created_at TEXT,
    merged_into TEXT REFERENCES entities(id)
);
CREATE TABLE IF NOT EXISTS aliases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    entity_id TEXT NOT NULL REFERENCES entities(id),
    text TEXT NOT NULL,
    norm TEXT NOT NULL,
    provenance TEXT NOT NULL,
    created_at TEXT,
    UNIQUE (entity_id, text)
);
CREATE INDEX IF NOT EXISTS aliases_norm ON aliases(norm);
CREATE TABLE IF NOT EXISTS mentions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    label TEXT NOT NULL,
    entity_id TEXT REFERENCES entities(id),
    status TEXT NOT NULL DEFAULT 'accepted'
        CHECK (status IN ('accepted', 'suggested', 'rejected')),
    source TEXT NOT NULL DEFAULT 'manual',
    score REAL,
    annotator TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (start >= 0 AND "end" > start)
);
CREATE INDEX IF NOT EXISTS mentions_doc ON mentions(doc_id, start);
CREATE INDEX IF NOT EXISTS mentions_entity ON mentions(entity_id);
CREATE TABLE IF NOT EXISTS event_clusters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    subtype TEXT,
    trigger_start INTEGER,
    trigger_end INTEGER,
    trigger_text TEXT,
    date TEXT,
    date_text TEXT,
    date_precision TEXT,
    fatalities_low INTEGER,
    fatalities_high INTEGER,
    certainty TEXT NOT NULL DEFAULT 'asserted'
        CHECK (certainty IN ('asserted', 'claimed', 'denied', 'uncertain')),
    note TEXT NOT NULL DEFAULT '',
    cluster_id INTEGER REFERENCES event_clusters(id),
    annotator TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_doc ON events(doc_id);
CREATE TABLE IF NOT EXISTS event_roles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    mention_id INTEGER NOT NULL REFERENCES mentions(id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS event_roles_event ON event_roles(event_id);
CREATE INDEX IF NOT EXISTS event_roles_mention ON event_roles(mention_id);
CREATE TABLE IF NOT EXISTS changes (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL,
    at TEXT NOT NULL,
    annotator TEXT NOT NULL,
    action TEXT NOT NULL,
    tbl TEXT NOT NULL,
    row_id TEXT NOT NULL,
    before TEXT,
    after TEXT,
    undoable INTEGER NOT NULL DEFAULT 1,
    state TEXT NOT NULL DEFAULT 'done' CHECK (state IN ('done', 'undone', 'dropped'))
);
CREATE INDEX IF NOT EXISTS changes_group ON changes(group_id);
CREATE INDEX IF NOT EXISTS changes_state ON changes(state, annotator, group_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


def _migrate_1_base(conn: sqlite3.Connection) -> None:
    """Version 1: documents with full-text search, KB, mentions, events, change log, labels."""
    # sqlite-utils (and the numpy it loads) is imported only here: opening an existing
    # database must not pay for it before the first frame.
    import sqlite_utils

    conn.executescript(BASE_TABLES)
    db = sqlite_utils.Database(conn)
    documents = db.table("documents")
    if not documents.detect_fts():
        documents.enable_fts(["title", "text"], create_triggers=True, tokenize="unicode61")
    conn.executemany(
        "INSERT OR IGNORE INTO labels (name, kind, position) VALUES (?, 'entity', ?)",
        [(label, position) for position, label in enumerate(ONTONOTES_LABELS)],
    )


def _migrate_2_alias_index(conn: sqlite3.Connection) -> None:
    """Version 2: the persisted candidate index of the linker (filled by ensure_current)."""
    conn.executescript(alias_index.TABLES)


SUGGESTION_TABLES = """
CREATE TABLE IF NOT EXISTS trigger_suggestions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    type TEXT NOT NULL,
    subtype TEXT,
    status TEXT NOT NULL DEFAULT 'suggested'
        CHECK (status IN ('accepted', 'suggested', 'rejected')),
    source TEXT NOT NULL DEFAULT 'trigger',
    score REAL,
    event_id INTEGER REFERENCES events(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (doc_id, start, "end"),
    CHECK (start >= 0 AND "end" > start)
);
CREATE TABLE IF NOT EXISTS preannotated (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    signature TEXT NOT NULL,
    suggestions INTEGER NOT NULL,
    at TEXT NOT NULL,
    UNIQUE (doc_id, signature)
);
CREATE INDEX IF NOT EXISTS mentions_span ON mentions(doc_id, start, "end");
"""


def _migrate_3_suggestions(conn: sqlite3.Connection) -> None:
    """Version 3: event-trigger suggestions and the record of pre-annotated documents."""
    conn.executescript(SUGGESTION_TABLES)


# "status IN ('accepted', 'suggested', 'rejected')" inside a table's definition
_IN_LIST = re.compile(r"(\w+) IN \(('[^']*'(?:, '[^']*')*)\)")


def spelled_out_checks(sql: str) -> str:
    """A table definition with each `x IN ('a', 'b')` written `x = 'a' OR x = 'b'`."""

    def spelled_out(match: re.Match[str]) -> str:
        column, values = match.group(1), re.findall(r"'[^']*'", match.group(2))
        return " OR ".join(f"{column} = {value}" for value in values)

    return _IN_LIST.sub(spelled_out, sql)


def _table_definitions(script: str) -> dict[str, str]:
    """Each CREATE TABLE statement of a script by table name, as SQLite stores it (without
    IF NOT EXISTS)."""
    found = {}
    for statement in script.split(";"):
        match = re.search(r"CREATE TABLE IF NOT EXISTS (\w+)", statement)
        if match:
            found[match.group(1)] = statement.strip().replace(" IF NOT EXISTS", "", 1)
    return found


# The four tables whose CHECK constraints version 4 spells out, in their final form.
SPELLED_OUT = {
    name: spelled_out_checks(sql)
    for name, sql in {
        **_table_definitions(BASE_TABLES),
        **_table_definitions(SUGGESTION_TABLES),
    }.items()
    if " IN (" in sql
}
# Indexes to make again after a table is rebuilt (dropping a table drops its indexes).
_INDEXES = {
    "mentions": (
        'CREATE INDEX mentions_span ON mentions(doc_id, start, "end")',
        "CREATE INDEX mentions_entity ON mentions(entity_id)",
    ),
    "events": ("CREATE INDEX events_doc ON events(doc_id)",),
    "changes": (
        "CREATE INDEX changes_group ON changes(group_id)",
        "CREATE INDEX changes_state ON changes(state, annotator, group_id)",
    ),
    "trigger_suggestions": (),
}


def _migrate_4_spelled_out_checks(conn: sqlite3.Connection) -> None:
    """Version 4: CHECK constraints spelled out (`status = 'a' OR status = 'b'` for
    `status IN ('a', 'b')`: the same rules, but SQLite builds a lookup table for an IN
    list at every row it checks, a large part of pre-annotation's storing time).
    Each table still written the old way is rebuilt, rows, ids and sequence kept, as
    SQLite's documentation on ALTER TABLE describes for a change of constraints."""
    stored = dict(
        conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
    )
    for name, definition in SPELLED_OUT.items():
        if name in stored and stored[name] != definition:
            rebuild_table(conn, name, definition, _INDEXES[name])


def rebuild_table(
    conn: sqlite3.Connection, name: str, definition: str, indexes: Sequence[str]
) -> None:
    """Give a table a new definition: a new table of that definition takes its rows (and
    its AUTOINCREMENT sequence) in the columns both have (a new column takes its
    default), references to it from other tables are kept, its indexes are made again.
    One transaction; foreign keys are checked before it commits."""
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("PRAGMA legacy_alter_table = ON")  # references to `name` stay as written
    conn.execute("BEGIN IMMEDIATE")
    try:
        sequence = conn.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = ?", (name,)
        ).fetchone()
        conn.execute(f'ALTER TABLE "{name}" RENAME TO "{name}_rebuilt"')
        conn.execute(definition)
        columns = ", ".join(
            f'"{row[1]}"' for row in conn.execute(f'PRAGMA table_info("{name}_rebuilt")')
        )
        conn.execute(f'INSERT INTO "{name}" ({columns}) SELECT {columns} FROM "{name}_rebuilt"')
        conn.execute(f'DROP TABLE "{name}_rebuilt"')
        for index in indexes:
            conn.execute(index)
        if sequence is not None:
            conn.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = ?", (sequence[0], name))
        problems = conn.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise DatabaseError(f"rebuilding {name} would break references: {problems[:3]}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        conn.execute("PRAGMA legacy_alter_table = OFF")
        conn.execute("PRAGMA foreign_keys = ON")


def _migrate_5_one_span_index(conn: sqlite3.Connection) -> None:
    """Version 5: mentions keep one index by document and position. mentions_span
    (doc_id, start, "end") serves every look-up that mentions_doc (doc_id, start) did, and
    gives mentions in their order; each stored mention paid for both."""
    conn.execute("DROP INDEX IF EXISTS mentions_doc")


UNDO_SKIPS_TABLE = """
CREATE TABLE IF NOT EXISTS undo_skips (
    group_id INTEGER PRIMARY KEY,
    annotator TEXT NOT NULL,
    at TEXT NOT NULL
);
"""


def _migrate_6_undo_skips(conn: sqlite3.Connection) -> None:
    """Version 6: changes an annotator chose to leave in place when their undo was refused
    (`workbench undo --skip`); undo passes over them to older ones."""
    conn.executescript(UNDO_SKIPS_TABLE)


REFERENCE_INDEXES = """
CREATE INDEX IF NOT EXISTS entities_merged_into ON entities(merged_into);
CREATE INDEX IF NOT EXISTS events_cluster ON events(cluster_id);
CREATE INDEX IF NOT EXISTS trigger_suggestions_event ON trigger_suggestions(event_id);
"""


def _migrate_7_reference_indexes(conn: sqlite3.Connection) -> None:
    """Version 7: an index on every column that points at another row without one.
    Deleting an entity (undoing a knowledge-base import) made SQLite scan every entity
    for one merged into it, once per deleted entity."""
    conn.executescript(REFERENCE_INDEXES)


SPAN_INDEX = 'CREATE INDEX mentions_span ON mentions(doc_id, layer, start, "end")'

# Version 8's tables: mentions and events carry the layer they belong to.
LAYERED = {
    name: SPELLED_OUT[name].replace(
        "    annotator TEXT,\n", "    annotator TEXT,\n    layer TEXT,\n", 1
    )
    for name in ("mentions", "events")
}
# Every table whose stored text a migration rewrote, as the code now has it.
FINAL_TABLES = {**SPELLED_OUT, **LAYERED}


def _migrate_8_layers(conn: sqlite3.Connection) -> None:
    """Version 8: each mention and event belongs to a layer: NULL for the project's shared
    layer (every row before this version stays there), else the annotator whose
    independent layer it is (`workbench project --mode independent`)."""
    stored = dict(
        conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
    )
    indexes = {
        "mentions": _INDEXES["mentions"],
        "events": (*_INDEXES["events"], "CREATE INDEX events_cluster ON events(cluster_id)"),
    }
    for name, definition in LAYERED.items():
        if stored.get(name) != definition:
            rebuild_table(conn, name, definition, indexes[name])


ASSIGNMENTS_TABLE = """
CREATE TABLE IF NOT EXISTS assignments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    annotator TEXT NOT NULL,
    assigned_by TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    done_at TEXT,
    UNIQUE (doc_id, annotator)
);
"""


def _migrate_9_assignments(conn: sqlite3.Connection) -> None:
    """Version 9: which annotators a document is assigned to, and when each marked it done
    (`workbench assign`; a document is `started` once its annotator has annotated it)."""
    conn.executescript(ASSIGNMENTS_TABLE)


SOURCE_GRADES_TABLE = """
CREATE TABLE IF NOT EXISTS source_grades (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL UNIQUE,
    reliability TEXT NOT NULL CHECK (length(reliability) = 1 AND reliability BETWEEN 'A' AND 'F'),
    graded_by TEXT,
    updated_at TEXT NOT NULL
);
"""


def _migrate_10_source_grades(conn: sqlite3.Connection) -> None:
    """Version 10: each source's reliability, an Admiralty-code letter A-F
    (`workbench source grade NAME B`)."""
    conn.executescript(SOURCE_GRADES_TABLE)


def _migrate_11_span_index_by_layer(conn: sqlite3.Connection) -> None:
    """Version 11: the span index leads with the layer after the document. Every look-up
    of a document's mentions names its layer, and with several layers on one document
    (an adjudicated one holds three) the old index walked all of them."""
    conn.execute("DROP INDEX IF EXISTS mentions_span")
    conn.execute(SPAN_INDEX)


REJECTED_EVENTS_TABLE = """
CREATE TABLE IF NOT EXISTS rejected_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    trigger_start INTEGER NOT NULL,
    trigger_end INTEGER NOT NULL,
    layer TEXT,
    annotator TEXT,
    created_at TEXT NOT NULL,
    CHECK (trigger_start >= 0 AND trigger_end > trigger_start)
);
CREATE INDEX IF NOT EXISTS rejected_events_doc ON rejected_events(doc_id);
"""


def _migrate_12_rejected_events(conn: sqlite3.Connection) -> None:
    """Version 12: events a layer rejects (a curator settling a disagreement on an event
    by keeping neither annotator's), by their trigger."""
    conn.executescript(REJECTED_EVENTS_TABLE)


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _migrate_1_base,
    _migrate_2_alias_index,
    _migrate_3_suggestions,
    _migrate_4_spelled_out_checks,
    _migrate_5_one_span_index,
    _migrate_6_undo_skips,
    _migrate_7_reference_indexes,
    _migrate_8_layers,
    _migrate_9_assignments,
    _migrate_10_source_grades,
    _migrate_11_span_index_by_layer,
    _migrate_12_rejected_events,
]
LATEST_VERSION = len(MIGRATIONS)


def current_version(conn: Connection) -> int:
    """The schema version recorded in the database (0 for a new, empty file)."""
    if dialect(conn) == POSTGRESQL:
        version = postgres_schema.current_version(conn)
        if version is None:
            raise DatabaseError("not a Workbench database (it has tables but no schema_version)")
        return version
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'"
    ).fetchone()
    if not has_table:
        if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise DatabaseError("not a Workbench database (it has tables but no schema_version)")
        return 0
    row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def check_readable(conn: Connection, path: Path | str) -> None:
    """A database opened read-only must already have this version's schema and index."""
    version = current_version(conn)
    if version != LATEST_VERSION:
        newer = version > LATEST_VERSION
        raise DatabaseError(
            f"{location(path)}: schema version {version} is "
            f"{'newer' if newer else 'older'} than this "
            f"Workbench's ({LATEST_VERSION}) and the file is read-only; "
            + ("upgrade Workbench" if newer else "open it once with write access to migrate it")
        )
    if not alias_index.is_current(conn):
        raise DatabaseError(
            f"{location(path)}: its linking index was built by another Workbench and the file is "
            "read-only; open it once with write access to rebuild it"
        )


def migrate(conn: Connection, path: Path | str | None, upto: int = LATEST_VERSION) -> int:
    """Bring the schema to `upto`, backing the file up first if it held an older version.
    An empty PostgreSQL database is given the latest schema at once."""
    version = current_version(conn)
    if version > LATEST_VERSION:
        raise DatabaseError(
            f"{location(path or '')}: database schema version {version} is newer than this "
            f"Workbench understands ({LATEST_VERSION}); upgrade Workbench to open it"
        )
    if version >= upto:
        return version
    if dialect(conn) == POSTGRESQL:
        if version:  # (no PostgreSQL database was ever made at an older version)
            raise DatabaseError(f"{location(path or '')}: no migration from version {version}")
        postgres_schema.create(conn, lambda memory: migrate(memory, None))
        return current_version(conn)
    assert isinstance(conn, sqlite3.Connection)
    if version > 0 and isinstance(path, Path):
        backup_to(conn, path.with_name(f"{path.name}.v{version}-backup"))
    for target in range(version + 1, upto + 1):
        MIGRATIONS[target - 1](conn)
        conn.execute(
            "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", (target, utc_now())
        )
    return upto


def backup_to(conn: sqlite3.Connection, target: Path) -> None:
    """Copy the whole database to `target` with SQLite's online backup."""
    if target.exists():
        target.unlink()
    dest = sqlite3.connect(str(target))
    try:
        conn.backup(dest)
    finally:
        dest.close()
