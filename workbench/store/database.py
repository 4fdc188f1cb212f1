"""What every repository of the store shares: the connection, who is writing, the one
way to write (a logged transaction), and the one way to bind a list of values."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from workbench.store.changelog import RowHooks, Transaction
from workbench.store.connection import location, read_only_reason
from workbench.store.sql import POSTGRESQL, Connection, dialect, rows_in, statements_in

# The page cache of a large change (`Database.large_write`), in KiB.
LARGE_WRITE_CACHE_KIB = 256 * 1024


class Database:
    """One connection to a Workbench database, used by every repository of a `Store`."""

    def __init__(self, conn: Connection, target: Path | str, annotator: str) -> None:
        self.conn = conn
        # what opens it again (a file's path or a PostgreSQL URL), and how messages name it
        self.target = target
        self.location = location(target)
        self.dialect = dialect(conn)
        self.annotator = annotator
        # The layer this connection reads and writes mentions and events in: None for the
        # project's shared layer, else the annotator's own (independent mode).
        self.layer: str | None = None
        self._data_version: int | None = None
        # What the store does beside a row of some tables (the aliases keep the linker's
        # index): repositories register it here; writes, undo and redo all call it.
        self.hooks: dict[str, RowHooks] = {}

    @property
    def read_only(self) -> str | None:
        """Why this database cannot be written ("… is read-only: …"), or None."""
        return read_only_reason(self.conn)

    def changed_elsewhere(self) -> bool:
        """True when another connection (another analyst, another process) committed a
        change since the last call; the first call says False. Cheap enough to ask every
        second: SQLite's data_version, PostgreSQL's notifications."""
        if self.dialect == POSTGRESQL:
            from workbench.store.postgres import PgConnection

            assert isinstance(self.conn, PgConnection)
            return self.conn.changed_elsewhere()
        version = int(self.conn.execute("PRAGMA data_version").fetchone()[0])
        seen, self._data_version = self._data_version, version
        return seen is not None and version != seen

    @contextmanager
    def large_write(self) -> Iterator[None]:
        """A page cache big enough for one large change (a knowledge base of a million
        aliases): with SQLite's default of 2 MB, index pages left the cache while the
        change still had rows for them, and each return wrote them to the WAL again. Up
        to LARGE_WRITE_CACHE_KIB are used only as pages are touched; the cache is set
        back after. (A PostgreSQL server manages its own buffers: nothing is done.)"""
        if self.dialect == POSTGRESQL:
            yield
            return
        before = self.value("PRAGMA cache_size")
        self.conn.execute(f"PRAGMA cache_size = -{LARGE_WRITE_CACHE_KIB}")
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA cache_size = {int(before)}")

    def transaction(self, action: str) -> Transaction:
        """One change: BEGIN IMMEDIATE, logged row changes, one commit, one undo step.
        Opened inside another, it joins that one."""
        return Transaction(self.conn, self.annotator, action, self.hooks)

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        """The first row of a query, or None."""
        row: tuple[Any, ...] | None = self.conn.execute(sql, params).fetchone()
        return row

    def value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The first column of the first row of a query, or None."""
        row = self.one(sql, params)
        return row[0] if row else None

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Every row of a query."""
        rows: list[tuple[Any, ...]] = self.conn.execute(sql, params).fetchall()
        return rows

    def rows_in(
        self,
        sql: str,
        values: Iterable[Any],
        before: Sequence[Any] = (),
        after: Sequence[Any] = (),
    ) -> list[tuple[Any, ...]]:
        """Every row of `sql`, whose `IN ({marks})` is a list of `values`, however many
        there are (`sql.rows_in`)."""
        return rows_in(self.conn, sql, values, before, after)

    def iter_in(
        self,
        sql: str,
        values: Iterable[Any],
        before: Sequence[Any] = (),
        after: Sequence[Any] = (),
    ) -> Iterator[tuple[Any, ...]]:
        """`rows_in`, one statement's rows at a time."""
        for cursor in statements_in(self.conn, sql, values, before, after):
            yield from cursor
