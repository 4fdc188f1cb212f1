"""One write = one transaction = one group of rows in the append-only `changes` log.

`Transaction` is the only way the store writes annotation data: it takes the write lock
up front (BEGIN IMMEDIATE), records each row's before/after state, and commits at once.
Undo and redo (`history.py`) replay those snapshots, so they work the same after a restart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from itertools import chain
from typing import TYPE_CHECKING, Any, Protocol

from workbench.errors import ReadOnlyDatabase, WorkbenchError
from workbench.store.connection import read_only_reason, utc_now
from workbench.store.sql import POSTGRESQL, Connection, column_names, dialect, marks, quoted

if TYPE_CHECKING:
    from workbench.store.postgres import PgConnection

Row = dict[str, Any]

# Tables whose rows are snapshotted without these (large) columns.
_UNLOGGED_COLUMNS = {"documents": {"text"}}
# Document imports are logged for the audit trail but not undone: their text is not logged.
_NOT_UNDOABLE = {"documents"}
# Older SQLite builds take at most 999 parameters per statement.
_PARAMETERS_PER_STATEMENT = 999
# The key of a log entry that holds many inserted rows (`Transaction.insert_many`).
BULK_KEY = "bulk_rows"


class RowHooks(Protocol):
    """What the store keeps beside the rows of a table (the linker's index beside the
    aliases), told of every row that a write, an undo or a redo adds or removes."""

    def inserted(self, conn: Connection, rows: Sequence[Row]) -> None: ...
    def deleted(self, conn: Connection, rows: Sequence[Row]) -> None: ...

    # rows inserted, with what `inserted` would work out from them worked out already
    def inserted_prepared(self, conn: Connection, prepared: object) -> None: ...


def row_snapshot(conn: Connection, table: str, row_id: Any) -> Row | None:
    """The row as a dict, or None if it does not exist."""
    cursor = conn.execute(f"SELECT * FROM {quoted(table)} WHERE id = ?", (row_id,))
    row = cursor.fetchone()
    if row is None:
        return None
    names = column_names(cursor)
    return dict(zip(names, row, strict=True))


def _loggable(table: str, row: Row | None) -> str | None:
    if row is None:
        return None
    skip = _UNLOGGED_COLUMNS.get(table, set())
    return log_json({k: v for k, v in row.items() if k not in skip})


def log_json(value: Any) -> str:
    """The log's JSON text (orjson: the log of a big pre-annotation run is many MB, and
    the standard library's encoder was a noticeable part of the run)."""
    import orjson  # (on the first change, not before the first frame)

    return orjson.dumps(value).decode()


def insert_rows(
    conn: Connection,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    tail: Sequence[Any] = (),
    *,
    or_ignore: bool = False,
) -> None:
    """Insert many rows, each followed by the values `tail` (the last columns), several
    rows per statement: each statement on an AUTOINCREMENT table also reads and writes its
    sequence, and binding row by row cost as much again. The shared `tail` is bound once
    per statement, not once per row. A PostgreSQL server takes them with COPY.
    `or_ignore`: a row whose key is there already is left out (on a server, each row is
    then its own INSERT ... ON CONFLICT DO NOTHING, which COPY has no way to say)."""
    names = ", ".join(quoted(c) for c in columns)
    verb = "INSERT OR IGNORE INTO" if or_ignore else "INSERT INTO"
    if dialect(conn) == POSTGRESQL:
        full = ([*row, *tail] for row in rows)
        if or_ignore:
            conn.executemany(
                f"{verb} {quoted(table)} ({names}) VALUES ({marks(len(columns))})", full
            )
        else:
            _postgres(conn).copy_rows(table, columns, full)
        return
    width = len(columns) - len(tail)
    one = "(" + ", ".join("?" * width) + ")"
    per = max(1, (_PARAMETERS_PER_STATEMENT - len(tail)) // width)
    into = f"{verb} {quoted(table)} ({names}) "
    # ?1..?n are the shared values; each plain "?" after them numbers on from n + 1
    picked = [f"column{i}" for i in range(1, width + 1)]
    picked += [f"?{i}" for i in range(1, len(tail) + 1)]

    def statement(count: int) -> str:
        values = "VALUES " + ", ".join([one] * count)
        if not tail:
            return into + values
        return f"{into}SELECT {', '.join(picked)} FROM ({values})"

    values = list(chain.from_iterable(rows))
    step = per * width
    whole = len(values) - len(values) % step
    conn.executemany(
        statement(per), ([*tail, *values[i : i + step]] for i in range(0, whole, step))
    )
    if whole < len(values):
        conn.execute(statement((len(values) - whole) // width), [*tail, *values[whole:]])


@lru_cache(maxsize=64)
def _insert_statement(table: str, columns: tuple[str, ...]) -> str:
    """`INSERT ... RETURNING *` for these columns: the row comes back as stored (its id and
    defaults included), so logging it needs no second statement."""
    names = ", ".join(quoted(c) for c in columns)
    values = ", ".join("?" * len(columns))
    return f"INSERT INTO {quoted(table)} ({names}) VALUES ({values}) RETURNING *"


def insert_row(conn: Connection, table: str, row: Row, hooks: Mapping[str, RowHooks]) -> Row:
    """Insert one row (and what its table keeps beside it); returns the row as stored."""
    cursor = conn.execute(_insert_statement(table, tuple(row)), list(row.values()))
    names = column_names(cursor)
    [values] = cursor.fetchall()
    stored = dict(zip(names, values, strict=True))
    if table in hooks:
        hooks[table].inserted(conn, [stored])
    return stored


def delete_row(conn: Connection, table: str, row: Row, hooks: Mapping[str, RowHooks]) -> None:
    """Delete one row (and what its table keeps beside it)."""
    if table in hooks:
        hooks[table].deleted(conn, [row])
    conn.execute(f"DELETE FROM {quoted(table)} WHERE id = ?", (row["id"],))


def update_row(conn: Connection, table: str, row_id: Any, values: Row) -> None:
    """Set columns of one row."""
    assignments = ", ".join(f"{quoted(c)} = ?" for c in values)
    conn.execute(
        f"UPDATE {quoted(table)} SET {assignments} WHERE id = ?", [*values.values(), row_id]
    )


def _postgres(conn: Connection) -> PgConnection:
    """The PostgreSQL connection behind `conn` (where a write goes to the server its own
    way: in as few round trips as it can)."""
    from workbench.store.postgres import PgConnection

    assert isinstance(conn, PgConnection)
    return conn


# Log rows a transaction keeps until its commit before it writes them (see `_hold`).
LOG_ROWS_HELD = 1000

_LOG_ROW = (
    "INSERT INTO changes (group_id, at, annotator, action, tbl, row_id, before, after, "
    "undoable) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_DROP_UNDONE = "UPDATE changes SET state = 'dropped' WHERE state = 'undone' AND annotator = ?"
# What a write transaction reads first, under the write lock: its change group's number,
# and whether the annotator has undone changes that a new change makes impossible to redo
# (most often not: then the commit has no second statement to run).
_OPENING = (
    "SELECT coalesce(max(group_id), 0) + 1, "
    "EXISTS (SELECT 1 FROM changes WHERE state = 'undone' AND annotator = ?) FROM changes"
)

# The outermost open transaction of each connection: a store call made inside another
# (importing one file = a document, its entities, mentions and events) joins it.
_OPEN: dict[int, Transaction] = {}


class Transaction:
    """A unit of work: BEGIN IMMEDIATE, logged row changes, COMMIT (or ROLLBACK on error).

    Re-entrant: opened while another is open on the same connection, it joins that one
    (same change group, one commit at the end) inside a savepoint, so an error inside it
    undoes only its own part and the outer code decides what to do."""

    def __init__(
        self,
        conn: Connection,
        annotator: str,
        action: str,
        hooks: Mapping[str, RowHooks] | None = None,
    ) -> None:
        self.conn = conn
        self.annotator = annotator
        self.action = action
        self.hooks: Mapping[str, RowHooks] = hooks or {}
        self._group_id = 0
        self._undone_to_drop = False
        self.at = ""
        self.undoable = False  # whether this group holds an undoable change
        self._outer: Transaction | None = None
        self._savepoints = 0
        # The group's log rows, written together when it commits (with the statements
        # that end it: one round trip to a PostgreSQL server, not one per row).
        self._log_rows: list[tuple[Any, ...]] = []
        self._log_rows_written = 0  # (those written before the commit: a big change)
        self._logged_before = 0  # (a nested one: how many its outer had logged at its start)

    def __enter__(self) -> Transaction:
        outer = _OPEN.get(id(self.conn))
        if outer is not None:
            self._outer = outer
            outer._savepoints += 1
            # what was logged before it is written first, so that a rollback to its
            # savepoint takes back exactly its own part
            outer._write_held()
            self._logged_before = outer._log_rows_written
            self.conn.execute(f"SAVEPOINT nested_{outer._savepoints}")
            return outer
        read_only = read_only_reason(self.conn)
        if read_only:
            raise ReadOnlyDatabase(f"cannot {self.action}: {read_only}")
        if dialect(self.conn) == POSTGRESQL:
            # (sent with the first statement: one round trip fewer)
            _postgres(self.conn).begin_writing(_OPENING, (self.annotator,))
        else:
            self.conn.execute("BEGIN IMMEDIATE")
            self._opened(self.conn.execute(_OPENING, (self.annotator,)).fetchone())
        _OPEN[id(self.conn)] = self
        self.at = utc_now()
        return self

    def _opened(self, opening_row: Sequence[Any]) -> None:
        self._group_id = int(opening_row[0])
        self._undone_to_drop = bool(opening_row[1])

    @property
    def group_id(self) -> int:
        """This change's group number in the log (read under the write lock)."""
        if not self._group_id:
            self._opened(_postgres(self.conn).opening_row())
        return self._group_id

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if self._outer is not None:
            name = f"nested_{self._outer._savepoints}"
            self._outer._savepoints -= 1
            if exc_type is not None:
                self.conn.execute(f"ROLLBACK TO {name}")
                # (rows of its part written already went with the rollback)
                kept = max(0, self._logged_before - self._outer._log_rows_written)
                del self._outer._log_rows[kept:]
            self.conn.execute(f"RELEASE {name}")
            return
        _OPEN.pop(id(self.conn), None)
        if exc_type is not None:
            self.conn.execute("ROLLBACK")
            return
        ending: list[tuple[str, Sequence[Any]]] = [(_LOG_ROW, row) for row in self._log_rows]
        if self.undoable and self._undone_to_drop:
            # A new change makes everything this annotator had undone impossible to redo.
            ending.append((_DROP_UNDONE, (self.annotator,)))
        if dialect(self.conn) == POSTGRESQL:
            _postgres(self.conn).commit_with(ending)
            return
        if self._log_rows:
            self.conn.executemany(_LOG_ROW, self._log_rows)
        for sql, values in ending[len(self._log_rows) :]:
            self.conn.execute(sql, values)
        self.conn.execute("COMMIT")

    def _log(self, table: str, row_id: Any, before: Row | None, after: Row | None) -> None:
        undoable = table not in _NOT_UNDOABLE
        self.undoable |= undoable
        self._hold(
            (
                self.group_id,
                self.at,
                self.annotator,
                self.action,
                table,
                str(row_id),
                _loggable(table, before),
                _loggable(table, after),
                int(undoable),
            )
        )

    def _hold(self, log_row: tuple[Any, ...]) -> None:
        """Keep a log row for the commit; a change of many rows writes them as it goes,
        LOG_ROWS_HELD at a time, so that its memory stays small."""
        self._log_rows.append(log_row)
        if len(self._log_rows) >= LOG_ROWS_HELD:
            self._write_held()

    def _write_held(self) -> None:
        if self._log_rows:
            self.conn.executemany(_LOG_ROW, self._log_rows)
            self._log_rows_written += len(self._log_rows)
            self._log_rows.clear()

    def insert(self, table: str, row: Row) -> Any:
        """Insert a row and log it; returns its id."""
        return self.inserted(table, row)["id"]

    def inserted(self, table: str, row: Row) -> Row:
        """Insert a row and log it; returns the row as stored."""
        stored = insert_row(self.conn, table, row, self.hooks)
        self._log(table, stored["id"], None, stored)
        return stored

    def next_ids(self, table: str, count: int) -> range:
        """The ids the table's next `count` rows take: its AUTOINCREMENT sequence goes on
        (an id is never used twice, even one whose row is deleted). Only the transaction
        writes, so no one else takes them before it does."""
        if count == 0:
            return range(0)  # (a server's sequence cannot be set to take none)
        if dialect(self.conn) == POSTGRESQL:
            from workbench.store.postgres_schema import next_ids

            return next_ids(self.conn, table, count)
        seq = self.conn.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)
        ).fetchone()
        top = self.conn.execute(f"SELECT coalesce(max(id), 0) FROM {quoted(table)}").fetchone()
        first = max(seq[0] if seq else 0, top[0]) + 1
        return range(first, first + count)

    def insert_many(
        self,
        table: str,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
        same: Mapping[str, Any] | None = None,
        ids: Sequence[Any] | None = None,
        prepared: object = None,
    ) -> list[Any]:
        """Insert rows (values in the order of `columns`, plus the values of `same`, which
        every row shares) and log them as one entry, in one executemany (pre-annotation
        stores hundreds of thousands of rows, a knowledge-base import a million aliases:
        a snapshot per row cost more than the rows, and the shared values, once per row,
        were half the log). Ids continue the table's AUTOINCREMENT sequence, so an id is
        still never reused; `ids` gives them instead (a table whose ids are names).
        Columns left out take their defaults, and are not logged: undo compares, and redo
        restores, the logged columns. `prepared`: what the table's row hook would work out
        from the rows, worked out beforehand (`RowHooks.inserted_prepared`)."""
        if not rows:
            return []
        shared = dict(same or {})
        if ids is None:
            ids = self.next_ids(table, len(rows))
        stored = [[row_id, *row] for row_id, row in zip(ids, rows, strict=True)]
        names = ["id", *columns]
        tail = list(shared.values())
        insert_rows(self.conn, table, [*names, *shared], stored, tail)
        if table in self.hooks and prepared is not None:
            self.hooks[table].inserted_prepared(self.conn, prepared)
        elif table in self.hooks:
            every = [*names, *shared]
            self.hooks[table].inserted(
                self.conn, [dict(zip(every, row + tail, strict=True)) for row in stored]
            )
        undoable = table not in _NOT_UNDOABLE
        self.undoable |= undoable
        skip = _UNLOGGED_COLUMNS.get(table, set())
        keep = [i for i, name in enumerate(names) if name not in skip]
        if len(keep) < len(names):
            stored = [[row[i] for i in keep] for row in stored]
        logged: dict[str, Any] = {"columns": [names[i] for i in keep], "rows": stored}
        if shared:
            logged["same"] = {k: v for k, v in shared.items() if k not in skip}
        if isinstance(ids, range):
            logged["range"] = True  # ids first..last, nothing in between: undone by range
        self._hold(
            (
                self.group_id,
                self.at,
                self.annotator,
                self.action,
                table,
                f"{ids[0]}..{ids[-1]}",
                None,
                log_json({BULK_KEY: logged}),
                int(undoable),
            )
        )
        return list(ids)

    def update(self, table: str, row_id: Any, **values: Any) -> Row:
        """Update columns of a row and log before/after; returns the new row."""
        before = row_snapshot(self.conn, table, row_id)
        if before is None:
            raise WorkbenchError(f"no {table} row with id {row_id}")
        update_row(self.conn, table, row_id, values)
        after = row_snapshot(self.conn, table, row_id)
        self._log(table, row_id, before, after)
        assert after is not None
        return after

    def delete(self, table: str, row_id: Any) -> Row | None:
        """Delete a row and log what it was; returns the deleted row."""
        before = row_snapshot(self.conn, table, row_id)
        if before is None:
            return None
        delete_row(self.conn, table, before, self.hooks)
        self._log(table, row_id, before, None)
        return before
