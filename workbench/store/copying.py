"""Copying a whole database into a new, empty one, SQLite and PostgreSQL either way
(`workbench db copy`): every row with its id, the change log (so undo goes on working on
the copy), the linker's index, and each table's id sequence, in one transaction on the
target (a failed copy leaves it as empty as it was)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

from workbench.errors import WorkbenchError
from workbench.store import Store
from workbench.store.changelog import insert_rows
from workbench.store.sql import POSTGRESQL, SQLITE, Connection, column_names, dialect, quoted

# Every table a copy carries, each after the tables it references. (The schema version is
# the target's own; SQLite's full-text tables are kept by triggers, PostgreSQL's index by
# the server.) tests/store/test_copy.py checks that no table of the schema is missing.
TABLES = (
    "settings",
    "labels",
    "documents",
    "entities",
    "aliases",
    "alias_postings",
    "index_vocab",
    "index_keys",
    "event_clusters",
    "mentions",
    "events",
    "event_roles",
    "trigger_suggestions",
    "preannotated",
    "changes",
    "undo_skips",
    "assignments",
    "source_grades",
    "rejected_events",
)
# Tables a new database already fills (the default labels, the index's version): the
# copy replaces their rows with the source's.
REPLACED = ("settings", "labels")
# A column that points at another row of its own table: copied once all rows are in.
SELF_REFERENCES = {"entities": "merged_into"}
# Rows read and written per statement batch.
BATCH = 2_000
# Each table's primary key, for reading rows in a stable order.
_ORDER = {
    "settings": "key",
    "labels": "name",
    "entities": "id",
    "alias_postings": "token, alias_id",
    "index_vocab": "token",
    "index_keys": "key, token",
    "undo_skips": "group_id",
}

Progress = Callable[[int, int], None]


class Copied(NamedTuple):
    """What a copy carried: rows per table."""

    rows: dict[str, int]

    @property
    def total(self) -> int:
        """Rows copied in all."""
        return sum(self.rows.values())


def copy_database(source: Store, target: Store, progress: Progress | None = None) -> Copied:
    """Copy every row of `source` into `target`, which must hold nothing yet."""
    if source.schema_version != target.schema_version:
        raise WorkbenchError(
            f"{source.location} is at schema version {source.schema_version} and "
            f"{target.location} at {target.schema_version}: open both with this Workbench first"
        )
    held = [table for table in TABLES if table not in REPLACED and _count(target.conn, table)]
    if held:
        raise WorkbenchError(
            f"{target.location} already holds data ({', '.join(held[:3])}): copy into a new, "
            "empty database"
        )
    counts = {table: _count(source.conn, table) for table in TABLES}
    total, done = sum(counts.values()), 0
    conn = target.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        for table in REPLACED:
            conn.execute(f"DELETE FROM {quoted(table)}")
        for table in TABLES:
            for columns, rows in _batches(source.conn, table):
                _insert(conn, table, columns, rows)
                done += len(rows)
                if progress:
                    progress(done, total)
        _set_sequences(conn, _sequences(source.conn))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return Copied(counts)


def _count(conn: Connection, table: str) -> int:
    return int(conn.execute(f"SELECT count(*) FROM {quoted(table)}").fetchone()[0])


def _batches(conn: Connection, table: str) -> Iterator[tuple[list[str], list[Any]]]:
    """A table's rows in key order, BATCH at a time, with the names of their columns."""
    cursor = conn.execute(f"SELECT * FROM {quoted(table)} ORDER BY {_ORDER.get(table, 'id')}")
    columns = column_names(cursor)
    while rows := cursor.fetchmany(BATCH):
        yield columns, rows


def _insert(conn: Connection, table: str, columns: Sequence[str], rows: list[Any]) -> None:
    pointer = SELF_REFERENCES.get(table)
    if pointer is None:
        insert_rows(conn, table, columns, rows)
        return
    at = columns.index(pointer)
    insert_rows(conn, table, columns, [[*r[:at], None, *r[at + 1 :]] for r in rows])
    later = [(r[at], r[columns.index("id")]) for r in rows if r[at] is not None]
    conn.executemany(f"UPDATE {quoted(table)} SET {quoted(pointer)} = ? WHERE id = ?", later)


def _sequences(conn: Connection) -> dict[str, int]:
    """The last id each table has handed out (ids are never used twice, even after the
    row that had one was deleted)."""
    if dialect(conn) == SQLITE:
        return {str(n): int(s) for n, s in conn.execute("SELECT name, seq FROM sqlite_sequence")}
    found = {}
    for table, sequence in _identity_sequences(conn):
        last, called = conn.execute(f"SELECT last_value, is_called FROM {sequence}").fetchone()
        found[table] = int(last) if called else int(last) - 1
    return found


def _identity_sequences(conn: Connection) -> list[tuple[str, str]]:
    return [
        (str(table), str(sequence))
        for table, sequence in conn.execute(
            "SELECT table_name, pg_get_serial_sequence(quote_ident(table_name), 'id') "
            "FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND column_name = 'id' AND is_identity = 'YES' ORDER BY table_name"
        )
    ]


def _set_sequences(conn: Connection, last: dict[str, int]) -> None:
    """Make each table hand out ids after the source's last one and after every id it
    holds."""
    if dialect(conn) == POSTGRESQL:
        for table, sequence in _identity_sequences(conn):
            top = conn.execute(f"SELECT coalesce(max(id), 0) FROM {quoted(table)}").fetchone()[0]
            value = max(last.get(table, 0), int(top))
            if value > 0:
                conn.execute("SELECT setval(?, ?)", (sequence, value))
        return
    counted = {
        str(row[0])
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%AUTOINCREMENT%'"
        )
    }
    for table, value in last.items():
        if table in counted:
            conn.execute("DELETE FROM sqlite_sequence WHERE name = ?", (table,))
            conn.execute(
                "INSERT INTO sqlite_sequence (name, seq) SELECT ?, max(?, coalesce(max(id), 0)) "
                f"FROM {quoted(table)}",
                (table, value),
            )
