"""Undo, redo and skip: replaying an annotator's change groups from the `changes` log.

An undo never removes or changes a row that a later change (by anyone) changed, or that a
later row points at: it is refused, with one line naming who changed what, and nothing
is touched. The annotator may then leave that change in place for good (`skip`): the next
undo goes to the one before it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from workbench.errors import NothingToUndo, UndoRefused
from workbench.store.changelog import (
    BULK_KEY,
    Row,
    RowHooks,
    Transaction,
    delete_row,
    insert_row,
    insert_rows,
    row_snapshot,
    update_row,
)
from workbench.store.sql import POSTGRESQL, VALUES_PER_STATEMENT, Connection, dialect, marks, quoted


def undo(conn: Connection, annotator: str, hooks: Mapping[str, RowHooks]) -> str:
    """Revert the annotator's newest change; returns its action name."""
    return _replay(conn, annotator, hooks, undo=True)


def redo(conn: Connection, annotator: str, hooks: Mapping[str, RowHooks]) -> str:
    """Re-apply the annotator's most recently undone change; returns its action name."""
    return _replay(conn, annotator, hooks, undo=False)


def skip(conn: Connection, annotator: str) -> str:
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
    return str(action)


def _last_group(conn: Connection, annotator: str, state: str, newest: bool) -> int:
    order = "DESC" if newest else "ASC"
    row = conn.execute(
        f"SELECT group_id FROM changes WHERE state = ? AND annotator = ? AND undoable = 1 "
        f"AND group_id NOT IN (SELECT group_id FROM undo_skips) "
        f"ORDER BY group_id {order} LIMIT 1",
        (state, annotator),
    ).fetchone()
    return int(row[0]) if row else 0


def _references(conn: Connection) -> dict[str, list[tuple[str, str]]]:
    """For each table, the (table, column) pairs whose foreign keys point at its rows."""
    if dialect(conn) == POSTGRESQL:
        from workbench.store.postgres_schema import references

        return references(conn)
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%REFERENCES%'"
        )
    ]
    pointing: dict[str, list[tuple[str, str]]] = {}
    for table in tables:
        for row in conn.execute(f"PRAGMA foreign_key_list({quoted(table)})"):
            pointing.setdefault(row[2], []).append((table, row[3]))
    return pointing


class _Replay:
    """The checks an undo or redo makes before it touches a row: the row is as the
    change left it, and no later change by anyone points at a row it would remove."""

    def __init__(self, conn: Connection, group: int, undo: bool, action: str) -> None:
        self.conn = conn
        self.group = group
        self.verb = "undo" if undo else "redo"
        self.action = action
        self.pointing = _references(conn)

    def refuse(self, reason: str) -> UndoRefused:
        hint = ", or leave yours in place with `workbench undo --skip` (U in the TUI)"
        return UndoRefused(
            f"cannot {self.verb} {self.action!r}: {reason}" + (hint if self.verb == "undo" else "")
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

    def check_no_dependants(self, table: str, ids: list[Any]) -> None:
        """Refuse if a row of another table points at the row(s) about to be removed."""
        for child, column in self.pointing.get(table, ()):
            for first in range(0, len(ids), VALUES_PER_STATEMENT):
                chunk = ids[first : first + VALUES_PER_STATEMENT]
                found = self.conn.execute(
                    f"SELECT id FROM {quoted(child)} WHERE {quoted(column)} "
                    f"IN ({marks(len(chunk))}) LIMIT 1",
                    chunk,
                ).fetchone()
                if found is not None:
                    raise self.refuse(
                        f"{self.later_change(child, found[0])} depends on it; undo that first"
                    )


def _replay(conn: Connection, annotator: str, hooks: Mapping[str, RowHooks], undo: bool) -> str:
    """Undo the newest done group of `annotator`, or redo the newest undone one."""
    with Transaction(conn, annotator, "undo" if undo else "redo", hooks) as tx:
        group = _last_group(conn, annotator, "done" if undo else "undone", newest=undo)
        if not group:
            raise NothingToUndo("nothing to undo" if undo else "nothing to redo")
        rows = conn.execute(
            "SELECT id, action, tbl, row_id, before, after FROM changes WHERE group_id = ? "
            "AND undoable = 1 ORDER BY id " + ("DESC" if undo else "ASC"),
            (group,),
        ).fetchall()
        action = str(rows[0][1])
        replay = _Replay(conn, group, undo, action)
        try:
            for _, _, table, row_id, before_json, after_json in rows:
                before = json.loads(before_json) if before_json else None
                after = json.loads(after_json) if after_json else None
                if isinstance(after, dict) and BULK_KEY in after:
                    _replay_bulk(conn, table, after[BULK_KEY], undo, replay, hooks)
                    continue
                expected, target = (after, before) if undo else (before, after)
                current = row_snapshot(conn, table, _as_id(row_id))
                replay.check_unchanged(table, row_id, current, expected)
                if target is None and current is not None:
                    replay.check_no_dependants(table, [current["id"]])
                _apply(conn, table, target, current, hooks)
        except conn.IntegrityError as exc:  # a rule no check above foresaw
            raise replay.refuse(f"the database refuses it ({exc})") from exc
        conn.execute(
            "UPDATE changes SET state = ? WHERE group_id = ?",
            ("undone" if undo else "done", group),
        )
        # The replay itself is not logged as a new undoable group: only its state flips.
        tx.undoable = False
    return action


def _apply(
    conn: Connection,
    table: str,
    target: Row | None,
    current: Row | None,
    hooks: Mapping[str, RowHooks],
) -> None:
    if target is None and current is not None:
        delete_row(conn, table, current, hooks)
    elif target is not None and current is None:
        insert_row(conn, table, target, hooks)
    elif target is not None and current is not None:
        update_row(conn, table, target["id"], {k: v for k, v in target.items() if k != "id"})


def _replay_bulk(
    conn: Connection,
    table: str,
    bulk: dict[str, Any],
    undo: bool,
    replay: _Replay,
    hooks: Mapping[str, RowHooks],
) -> None:
    """Undo (delete) or redo (insert) the rows of one `insert_many` entry, refusing if any
    of them was changed, deleted or re-created since, or is pointed at by a later row."""
    shared = bulk.get("same", {})
    columns = [*bulk["columns"], *shared]
    tail = list(shared.values())
    rows = [row + tail for row in bulk["rows"]]
    if not rows:
        return
    position = columns.index("id")
    ids = [row[position] for row in rows]
    where = _rows_where(ids, bool(bulk.get("range")))
    quoted_columns = ", ".join(quoted(c) for c in columns)
    current = [
        tuple(row)
        for sql, params in where
        for row in conn.execute(
            f"SELECT {quoted_columns} FROM {quoted(table)} WHERE {sql} ORDER BY id", params
        )
    ]
    expected = sorted((tuple(row) for row in rows), key=lambda r: r[position]) if undo else []
    if sorted(current, key=lambda r: r[position]) != expected:
        raise replay.refuse(
            f"{table} rows {ids[0]}..{ids[-1]} were changed since; undo those changes first"
        )
    as_dicts = [dict(zip(columns, row, strict=True)) for row in rows] if table in hooks else []
    if undo:
        replay.check_no_dependants(table, ids)
        if as_dicts:
            hooks[table].deleted(conn, as_dicts)
        for sql, params in where:
            conn.execute(f"DELETE FROM {quoted(table)} WHERE {sql}", params)
    else:
        insert_rows(conn, table, columns, rows)
        if as_dicts:
            hooks[table].inserted(conn, as_dicts)


def _rows_where(ids: list[Any], is_range: bool) -> list[tuple[str, list[Any]]]:
    """WHERE clauses (with their values) that select exactly the rows of a bulk insert:
    one range for consecutive AUTOINCREMENT ids (none can have been made between them),
    else lists of ids."""
    if is_range:
        return [("id BETWEEN ? AND ?", [min(ids), max(ids)])]
    step = VALUES_PER_STATEMENT
    return [
        (f"id IN ({marks(len(ids[i : i + step]))})", ids[i : i + step])
        for i in range(0, len(ids), step)
    ]


def _as_id(row_id: str) -> Any:
    return int(row_id) if row_id.lstrip("-").isdigit() else row_id
