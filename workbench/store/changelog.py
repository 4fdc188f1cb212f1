"""One write = one transaction = one group of rows in the append-only `changes` log.

`Transaction` is the only way the store writes annotation data: it takes the write lock
up front (BEGIN IMMEDIATE), records each row's before/after state, and commits at once.
Undo and redo replay those snapshots, so they work the same after a restart.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain
from typing import Any

import orjson

from workbench.errors import NothingToUndo, ReadOnlyDatabase, UndoRefused, WorkbenchError
from workbench.store import alias_index
from workbench.store.connection import read_only_reason, utc_now

# Tables whose rows are snapshotted without these (large) columns.
_UNLOGGED_COLUMNS = {"documents": {"text"}}
# Document imports are logged for the audit trail but not undone: their text is not logged.
_NOT_UNDOABLE = {"documents"}
# Older SQLite builds take at most 999 parameters per statement.
_PARAMETERS_PER_STATEMENT = 999
# The key of a log entry that holds many inserted rows (`Transaction.insert_many`).
BULK_KEY = "bulk_rows"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def row_snapshot(conn: sqlite3.Connection, table: str, row_id: Any) -> dict[str, Any] | None:
    """The row as a dict, or None if it does not exist."""
    cursor = conn.execute(f"SELECT * FROM {_quoted(table)} WHERE id = ?", (row_id,))
    row = cursor.fetchone()
    if row is None:
        return None
    names = [d[0] for d in cursor.description]
    return dict(zip(names, row, strict=True))


def _loggable(table: str, row: dict[str, Any] | None) -> str | None:
    if row is None:
        return None
    skip = _UNLOGGED_COLUMNS.get(table, set())
    return _json({k: v for k, v in row.items() if k not in skip})


def _json(value: Any) -> str:
    """The log's JSON text (orjson: the log of a big pre-annotation run is many MB, and
    the standard library's encoder took a tenth of the run to write it)."""
    return orjson.dumps(value).decode()


def _insert_rows(
    conn: sqlite3.Connection,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    tail: Sequence[Any] = (),
) -> None:
    """Insert many rows, each followed by the values `tail` (the last columns), several
    rows per statement: each statement on an AUTOINCREMENT table also reads and writes its
    sequence, and binding row by row cost as much again (one row per statement took twice
    as long). The shared `tail` is bound once per statement, not once per row: binding
    was a fifth of the time pre-annotation spent storing."""
    width = len(columns) - len(tail)
    one = "(" + ", ".join("?" * width) + ")"
    per = max(1, (_PARAMETERS_PER_STATEMENT - len(tail)) // width)
    into = f"INSERT INTO {_quoted(table)} ({', '.join(_quoted(c) for c in columns)}) "
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


def _insert_row(conn: sqlite3.Connection, table: str, row: dict[str, Any]) -> int:
    columns = ", ".join(_quoted(c) for c in row)
    marks = ", ".join("?" * len(row))
    cursor = conn.execute(
        f"INSERT INTO {_quoted(table)} ({columns}) VALUES ({marks})", list(row.values())
    )
    row_id = row.get("id", cursor.lastrowid)
    if table == "aliases":
        alias_index.add_alias(conn, int(row_id), row["text"])
    return row_id


def _delete_row(conn: sqlite3.Connection, table: str, row: dict[str, Any]) -> None:
    if table == "aliases":
        alias_index.remove_alias(conn, int(row["id"]), row["text"])
    conn.execute(f"DELETE FROM {_quoted(table)} WHERE id = ?", (row["id"],))


def _update_row(conn: sqlite3.Connection, table: str, row_id: Any, values: dict[str, Any]) -> None:
    assignments = ", ".join(f"{_quoted(c)} = ?" for c in values)
    conn.execute(
        f"UPDATE {_quoted(table)} SET {assignments} WHERE id = ?", [*values.values(), row_id]
    )


# The outermost open transaction of each connection: a store call made inside another
# (importing one file = a document, its entities, mentions and events) joins it.
_OPEN: dict[int, Transaction] = {}


class Transaction:
    """A unit of work: BEGIN IMMEDIATE, logged row changes, COMMIT (or ROLLBACK on error).

    Re-entrant: opened while another is open on the same connection, it joins that one
    (same change group, one commit at the end) inside a savepoint, so an error inside it
    undoes only its own part and the outer code decides what to do."""

    def __init__(self, conn: sqlite3.Connection, annotator: str, action: str) -> None:
        self.conn = conn
        self.annotator = annotator
        self.action = action
        self.group_id = 0
        self.at = ""
        self._undoable = False
        self._outer: Transaction | None = None
        self._savepoints = 0

    def __enter__(self) -> Transaction:
        outer = _OPEN.get(id(self.conn))
        if outer is not None:
            self._outer = outer
            outer._savepoints += 1
            self.conn.execute(f"SAVEPOINT nested_{outer._savepoints}")
            return outer
        read_only = read_only_reason(self.conn)
        if read_only:
            raise ReadOnlyDatabase(f"cannot {self.action}: {read_only}")
        self.conn.execute("BEGIN IMMEDIATE")
        _OPEN[id(self.conn)] = self
        self.at = utc_now()
        row = self.conn.execute("SELECT max(group_id) FROM changes").fetchone()
        self.group_id = (row[0] or 0) + 1
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if self._outer is not None:
            name = f"nested_{self._outer._savepoints}"
            self._outer._savepoints -= 1
            if exc_type is not None:
                self.conn.execute(f"ROLLBACK TO {name}")
            self.conn.execute(f"RELEASE {name}")
            return
        _OPEN.pop(id(self.conn), None)
        if exc_type is not None:
            self.conn.execute("ROLLBACK")
            return
        if self._undoable:
            # A new change makes everything this annotator had undone impossible to redo.
            self.conn.execute(
                "UPDATE changes SET state = 'dropped' WHERE state = 'undone' AND annotator = ?",
                (self.annotator,),
            )
        self.conn.execute("COMMIT")

    def _log(self, table: str, row_id: Any, before: Any, after: Any) -> None:
        undoable = table not in _NOT_UNDOABLE
        self._undoable |= undoable
        self.conn.execute(
            "INSERT INTO changes (group_id, at, annotator, action, tbl, row_id, before, after, "
            "undoable) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            ),
        )

    def insert(self, table: str, row: dict[str, Any]) -> Any:
        """Insert a row and log it; returns its id."""
        row_id = _insert_row(self.conn, table, row)
        self._log(table, row_id, None, row_snapshot(self.conn, table, row_id))
        return row_id

    def insert_many(
        self,
        table: str,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
        same: Mapping[str, Any] | None = None,
    ) -> list[int]:
        """Insert rows (values in the order of `columns`, plus the values of `same`, which
        every row shares) and log them as one entry, in one executemany (pre-annotation
        stores hundreds of thousands of rows; a snapshot per row cost more than the rows,
        and the shared values, once per row, were half the log). Ids continue the table's
        AUTOINCREMENT sequence, so an id is still never reused. Columns left out take
        their defaults, and are not logged: undo compares, and redo restores, the logged
        columns."""
        if not rows:
            return []
        if table == "aliases":
            raise WorkbenchError("aliases keep the linker's index: insert them one by one")
        shared = dict(same or {})
        seq = self.conn.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)
        ).fetchone()
        top = self.conn.execute(f"SELECT coalesce(max(id), 0) FROM {_quoted(table)}").fetchone()
        first = max(seq[0] if seq else 0, top[0]) + 1
        stored = [[row_id, *row] for row_id, row in enumerate(rows, first)]
        names = ["id", *columns]
        tail = list(shared.values())
        _insert_rows(self.conn, table, [*names, *shared], stored, tail)
        undoable = table not in _NOT_UNDOABLE
        self._undoable |= undoable
        skip = _UNLOGGED_COLUMNS.get(table, set())
        keep = [i for i, name in enumerate(names) if name not in skip]
        if len(keep) < len(names):
            stored = [[row[i] for i in keep] for row in stored]
        logged: dict[str, Any] = {"columns": [names[i] for i in keep], "rows": stored}
        if shared:
            logged["same"] = {k: v for k, v in shared.items() if k not in skip}
        last = first + len(rows) - 1
        self.conn.execute(
            "INSERT INTO changes (group_id, at, annotator, action, tbl, row_id, before, after, "
            "undoable) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)",
            (
                self.group_id,
                self.at,
                self.annotator,
                self.action,
                table,
                f"{first}..{last}",
                _json({BULK_KEY: logged}),
                int(undoable),
            ),
        )
        return list(range(first, last + 1))

    def update(self, table: str, row_id: Any, **values: Any) -> dict[str, Any] | None:
        """Update columns of a row and log before/after; returns the new row."""
        before = row_snapshot(self.conn, table, row_id)
        if before is None:
            raise WorkbenchError(f"no {table} row with id {row_id}")
        _update_row(self.conn, table, row_id, values)
        after = row_snapshot(self.conn, table, row_id)
        self._log(table, row_id, before, after)
        return after

    def delete(self, table: str, row_id: Any) -> dict[str, Any] | None:
        """Delete a row and log what it was; returns the deleted row."""
        before = row_snapshot(self.conn, table, row_id)
        if before is None:
            return None
        _delete_row(self.conn, table, before)
        self._log(table, row_id, before, None)
        return before


def _last_group(conn: sqlite3.Connection, annotator: str, state: str, newest: bool) -> int:
    order = "DESC" if newest else "ASC"
    row = conn.execute(
        f"SELECT group_id FROM changes WHERE state = ? AND annotator = ? AND undoable = 1 "
        f"AND group_id NOT IN (SELECT group_id FROM undo_skips) "
        f"ORDER BY group_id {order} LIMIT 1",
        (state, annotator),
    ).fetchone()
    return row[0] if row else 0


def _apply(conn: sqlite3.Connection, table: str, target: dict | None, current: dict | None):
    if target is None and current is not None:
        _delete_row(conn, table, current)
    elif target is not None and current is None:
        _insert_row(conn, table, target)
    elif target is not None and current is not None:
        _update_row(conn, table, target["id"], {k: v for k, v in target.items() if k != "id"})


def _references(conn: sqlite3.Connection) -> dict[str, list[tuple[str, str]]]:
    """For each table, the (table, column) pairs whose foreign keys point at its rows."""
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%REFERENCES%'"
        )
    ]
    pointing: dict[str, list[tuple[str, str]]] = {}
    for table in tables:
        for row in conn.execute(f"PRAGMA foreign_key_list({_quoted(table)})"):
            pointing.setdefault(row[2], []).append((table, row[3]))
    return pointing


class _Replay:
    """The checks an undo or redo makes before it touches a row: the row is as the
    change left it, and no later change by anyone points at a row it would remove."""

    def __init__(self, conn: sqlite3.Connection, group: int, undo: bool, action: str) -> None:
        self.conn = conn
        self.group = group
        self.verb = "undo" if undo else "redo"
        self.action = action
        self.pointing = _references(conn)

    def refuse(self, reason: str) -> UndoRefused:
        return UndoRefused(
            f"cannot {self.verb} {self.action!r}: {reason}"
            + (
                ", or leave yours in place with `workbench undo --skip` (U in the TUI)"
                if self.verb == "undo"
                else ""
            )
        )

    def later_change(self, table: str, row_id: object) -> str:
        """Who changed a row after this group, in words."""
        row = self.conn.execute(
            "SELECT annotator, action, at FROM changes WHERE tbl = ? AND row_id = ? "
            "AND group_id > ? ORDER BY id DESC LIMIT 1",
            (table, str(row_id), self.group),
        ).fetchone()
        if row is None:
            return "a later change"
        annotator, action, at = row
        return f"{annotator}'s later change {action!r} ({at[:16].replace('T', ' ')})"

    def check_unchanged(
        self, table: str, row_id: object, current: object, expected: object
    ) -> None:
        if current != expected:
            raise self.refuse(
                f"{table} {row_id} was changed since by {self.later_change(table, row_id)}; "
                "undo that first"
            )

    def check_no_dependants(self, table: str, low: object, high: object | None = None) -> None:
        """Refuse if a row of another table points at the row(s) about to be removed."""
        for child, column in self.pointing.get(table, ()):
            if high is None:
                sql = f"SELECT id FROM {_quoted(child)} WHERE {_quoted(column)} = ? LIMIT 1"
                found = self.conn.execute(sql, (low,)).fetchone()
            else:
                sql = (
                    f"SELECT id FROM {_quoted(child)} WHERE {_quoted(column)} "
                    "BETWEEN ? AND ? LIMIT 1"
                )
                found = self.conn.execute(sql, (low, high)).fetchone()
            if found is not None:
                raise self.refuse(
                    f"{self.later_change(child, found[0])} depends on it; undo that first"
                )


def _replay(conn: sqlite3.Connection, annotator: str, undo: bool) -> str:
    """Undo the newest done group of `annotator`, or redo the newest undone one."""
    with Transaction(conn, annotator, "undo" if undo else "redo") as tx:
        group = _last_group(conn, annotator, "done" if undo else "undone", newest=undo)
        if not group:
            raise NothingToUndo("nothing to undo" if undo else "nothing to redo")
        rows = conn.execute(
            "SELECT id, action, tbl, row_id, before, after FROM changes WHERE group_id = ? "
            "AND undoable = 1 ORDER BY id " + ("DESC" if undo else "ASC"),
            (group,),
        ).fetchall()
        action = rows[0][1]
        replay = _Replay(conn, group, undo, action)
        try:
            for _, _, table, row_id, before_json, after_json in rows:
                before = json.loads(before_json) if before_json else None
                after = json.loads(after_json) if after_json else None
                if isinstance(after, dict) and BULK_KEY in after:
                    _replay_bulk(conn, table, after[BULK_KEY], undo, replay)
                    continue
                expected, target = (after, before) if undo else (before, after)
                current = row_snapshot(conn, table, _as_id(row_id))
                replay.check_unchanged(table, row_id, current, expected)
                if target is None and current is not None:
                    replay.check_no_dependants(table, current["id"])
                _apply(conn, table, target, current)
        except sqlite3.IntegrityError as exc:  # a rule no check above foresaw
            raise replay.refuse(f"the database refuses it ({exc})") from exc
        conn.execute(
            "UPDATE changes SET state = ? WHERE group_id = ?",
            ("undone" if undo else "done", group),
        )
        # The replay itself is not logged as a new undoable group: only its state flips.
        tx._undoable = False
    return action


def _replay_bulk(
    conn: sqlite3.Connection, table: str, bulk: dict[str, Any], undo: bool, replay: _Replay
) -> None:
    """Undo (delete) or redo (insert) the rows of one `insert_many` entry, refusing if any
    of them was changed, deleted or re-created since, or is pointed at by a later row."""
    shared = bulk.get("same", {})
    columns = [*bulk["columns"], *shared]
    tail = list(shared.values())
    rows = [row + tail for row in bulk["rows"]]
    if not rows:
        return
    ids = [row[columns.index("id")] for row in rows]
    quoted = ", ".join(_quoted(c) for c in columns)
    current = conn.execute(
        f"SELECT {quoted} FROM {_quoted(table)} WHERE id BETWEEN ? AND ? ORDER BY id",
        (min(ids), max(ids)),
    ).fetchall()
    expected = [tuple(row) for row in rows] if undo else []
    if [tuple(row) for row in current] != expected:
        raise replay.refuse(
            f"{table} rows {min(ids)}..{max(ids)} were changed since; undo those changes first"
        )
    if undo:
        replay.check_no_dependants(table, min(ids), max(ids))
        conn.execute(f"DELETE FROM {_quoted(table)} WHERE id BETWEEN ? AND ?", (min(ids), max(ids)))
    else:
        _insert_rows(conn, table, columns, rows)


def skip(conn: sqlite3.Connection, annotator: str) -> str:
    """Leave the annotator's newest undoable change in place for good: the next undo goes
    to the one before it. Recorded (who, when) for the audit trail; returns its action."""
    with Transaction(conn, annotator, "skip undo") as tx:
        group = _last_group(conn, annotator, "done", newest=True)
        if not group:
            raise NothingToUndo("nothing to undo")
        action = conn.execute(
            "SELECT action FROM changes WHERE group_id = ? LIMIT 1", (group,)
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO undo_skips (group_id, annotator, at) VALUES (?, ?, ?)",
            (group, annotator, tx.at),
        )
    return action


def _as_id(row_id: str) -> Any:
    return int(row_id) if row_id.lstrip("-").isdigit() else row_id


def undo(conn: sqlite3.Connection, annotator: str) -> str:
    """Revert the annotator's newest change; returns its action name."""
    return _replay(conn, annotator, undo=True)


def redo(conn: sqlite3.Connection, annotator: str) -> str:
    """Re-apply the annotator's most recently undone change; returns its action name."""
    return _replay(conn, annotator, undo=False)
