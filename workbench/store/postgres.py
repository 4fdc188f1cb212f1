"""PostgreSQL behind the connection interface the store speaks to SQLite with.

The store writes its SQL once, in SQLite's words. A `PgConnection` translates each
statement once (cached) where the two differ only in spelling: `?` placeholders, `IS ?`,
`INSERT OR IGNORE`, SQLite's JSON functions, its index hint `+column`. What differs in
substance (the schema's DDL, full-text search, sequences, the catalogue) is written for
each dialect where it is used (`sql.dialect(conn)` tells which).

psycopg is imported only here, and this module only when a PostgreSQL URL is opened: the
embedded default never pays for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg.adapt import Dumper
from psycopg.pq import TransactionStatus

from workbench.errors import DatabaseError
from workbench.store.sql import POSTGRESQL, quoted

# What psycopg raises for a failed statement or connection.
DriverError = psycopg.Error

# Every Workbench writer takes this lock at BEGIN, so writes are one at a time, as
# SQLite's BEGIN IMMEDIATE makes them: a change group's number (max + 1) and a bulk
# insert's range of ids cannot be taken by two analysts at once. Transactions are short
# (one keystroke's change), so waiting for it is short too.
WRITE_LOCK = 0x776F726B  # "work"
# The channel a committed change is announced on (LISTEN/NOTIFY).
CHANGES_CHANNEL = "workbench_changes"
# What a write transaction runs first: the lock, and the change's announcement (queued by
# the server and sent to every listening TUI when the transaction commits, never if it
# rolls back; one statement fewer than a NOTIFY of its own at the end).
LOCK_AND_ANNOUNCE = (
    f"SELECT pg_advisory_xact_lock({WRITE_LOCK}), pg_notify('{CHANGES_CHANNEL}', '')"
).encode()
# How long a statement may wait for that lock (or any row lock) before failing, like
# SQLite's busy timeout.
LOCK_TIMEOUT = "30s"


def display(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit((parts.scheme, user + host, parts.path, parts.query, parts.fragment))


class _BoolAsInteger(Dumper):
    """Python booleans bound as 0/1, as SQLite stores them (the schema's flags are integers)."""

    oid = psycopg.adapters.types["int8"].oid

    def dump(self, obj: Any) -> bytes:
        return b"1" if obj else b"0"


class PgConnection:
    """A psycopg connection that takes the store's SQLite-spelled statements."""

    dialect = POSTGRESQL
    Error = psycopg.Error
    IntegrityError = psycopg.IntegrityError
    OperationalError = psycopg.OperationalError

    def __init__(self, raw: psycopg.Connection[Any], url: str, read_only: bool) -> None:
        self.raw = raw
        self.url = url
        self.read_only = read_only
        self._writing = False  # inside a write transaction (BEGIN IMMEDIATE)
        self._begin_unsent = False  # (BEGIN goes with the transaction's first statement)
        self._opening: tuple[str, Sequence[Any]] = ("", ())
        self._opening_row: tuple[Any, ...] = ()
        self._listening = False
        # One cursor for the statements of a write whose results nobody reads (BEGIN, the
        # lock, the log rows, COMMIT): not a new cursor object for each.
        self._unread = raw.cursor()

    @property
    def lost(self) -> bool:
        """True when the connection to the server broke (a restart, a network failure)."""
        return bool(self.raw.closed or self.raw.broken)

    def _reconnect_if_lost(self) -> None:
        """Connect again when the connection broke, between transactions (one that was
        open when it broke was rolled back by the server: nothing of it is kept)."""
        if not self.lost:
            return
        self._writing = False
        self.raw = _open(self.url, self.read_only)
        self._unread = self.raw.cursor()
        if self._listening:
            self.raw.execute(f"LISTEN {CHANGES_CHANNEL}")

    def execute(self, sql: str, parameters: Any = (), /) -> psycopg.Cursor[Any]:
        if sql == "ROLLBACK" and (self.lost or self._begin_unsent):
            # (nothing was sent, or the server rolled it back when the connection broke)
            self._writing = self._begin_unsent = False
            return self.raw.cursor()
        if not self._writing:
            self._reconnect_if_lost()
        if sql == "BEGIN IMMEDIATE":
            # (one round trip: a query without parameters may hold two statements)
            cursor = self.raw.execute(b"BEGIN; " + LOCK_AND_ANNOUNCE)
            self._writing = True
            return cursor
        if sql == "COMMIT" and self._writing:
            self.commit_with([])
            return self.raw.cursor()
        if sql in ("COMMIT", "ROLLBACK"):
            self._writing = False
        if self._begin_unsent:
            return self._send_begin(sql, parameters)
        return self.raw.execute(*bind(sql, parameters))

    def begin_writing(self, opening: str, parameters: Sequence[Any]) -> None:
        """Open a write transaction whose first read, under the write lock, is `opening`.
        Nothing is sent yet: BEGIN, the lock and that read go to the server with the
        transaction's first statement, in one round trip (see `_send_begin`)."""
        self._writing = self._begin_unsent = True
        self._opening = (opening, parameters)
        self._opening_row = ()

    def opening_row(self) -> tuple[Any, ...]:
        """What the open write transaction's opening read returned."""
        if self._begin_unsent:
            self._send_begin()
        return self._opening_row

    def _send_begin(self, first: str | None = None, parameters: Any = ()) -> psycopg.Cursor[Any]:
        """Send BEGIN, take the write lock and make the opening read, followed by the
        transaction's first statement when there is one (whose cursor is returned).

        They go in one pipeline: one round trip, each statement run after the one before
        (so the read sees every change committed before the lock was had, and the first
        statement runs under the lock), each prepared by the server once per connection
        as a statement sent alone would be."""
        self._reconnect_if_lost()  # (nothing of this transaction was on the server yet)
        self._begin_unsent = False
        with self.raw.pipeline():
            self._unread.execute(b"BEGIN")
            self._unread.execute(LOCK_AND_ANNOUNCE)
            opening = self.raw.execute(*bind(*self._opening))
            cursor = self.raw.execute(*bind(first, parameters)) if first else opening
        row = opening.fetchone()
        assert row is not None
        self._opening_row = tuple(row)
        return cursor

    def commit_with(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> None:
        """Run the statements that end a write transaction and commit, in one round trip
        (one pipeline). (The change was announced when the transaction began.)"""
        if self._begin_unsent and not statements:
            self._writing = self._begin_unsent = False  # (nothing was written)
            return
        if self._begin_unsent:
            self._send_begin()
        try:
            with self.raw.pipeline():
                for sql, values in statements:
                    self._unread.execute(*bind(sql, values))
                self._unread.execute(b"COMMIT")
        except psycopg.Error:
            self._end_failed_transaction()
            raise
        finally:
            self._writing = False

    def _end_failed_transaction(self) -> None:
        """Roll back what a failed statement left open (nothing of it is kept), so that the
        connection takes the next change."""
        if not self.lost and self.raw.info.transaction_status != TransactionStatus.IDLE:
            self.raw.execute(b"ROLLBACK")

    def changed_elsewhere(self) -> bool:
        """True when another connection committed a change since the last call (the first
        call starts listening and says False)."""
        self._reconnect_if_lost()
        if not self._listening:
            self.raw.execute(f"LISTEN {CHANGES_CHANNEL}")
            self._listening = True
            return False
        mine = self.raw.info.backend_pid
        return any(note.pid != mine for note in self.raw.notifies(timeout=0))

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> psycopg.Cursor[Any]:
        if self._begin_unsent:
            self._send_begin()
        cursor = self.raw.cursor()
        cursor.executemany(translate(sql), list(parameters))
        return cursor

    def copy_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Insert many rows with COPY: the server's fastest way in, with no statement to
        prepare or parameters to bind per row."""
        if self._begin_unsent:
            self._send_begin()
        names = ", ".join(quoted(c) for c in columns)
        with self.raw.cursor().copy(f"COPY {quoted(table)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def executescript(self, script: str, /) -> psycopg.Cursor[Any]:
        if self._begin_unsent:
            self._send_begin()
        return self.raw.execute(script.encode())  # (bytes: no placeholders to look for)

    def close(self) -> None:
        self.raw.close()


def connect(url: str, read_only: bool = False) -> PgConnection:
    """Open a connection to the database a URL names, in autocommit mode (every write is
    an explicit BEGIN … COMMIT, as on SQLite)."""
    try:
        raw = _open(url, read_only)
    except psycopg.Error as exc:
        raise DatabaseError(f"{display(url)}: cannot connect: {_first_line(exc)}") from exc
    return PgConnection(raw, url, read_only)


def _open(url: str, read_only: bool) -> psycopg.Connection[Any]:
    # (a URL may set its own: ?options=-c%20lock_timeout%3D5s)
    options: dict[str, Any] = (
        {} if "lock_timeout" in url else {"options": f"-c lock_timeout={LOCK_TIMEOUT}"}
    )
    raw = psycopg.connect(url, autocommit=True, connect_timeout=10, **options)
    raw.adapters.register_dumper(bool, _BoolAsInteger)
    if read_only:
        raw.execute("SET default_transaction_read_only = on")
    return raw


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


# Quoted strings and identifiers: never rewritten.
_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"")
_MASK = re.compile(r"\x00(\d+)\x00")
_JSON_EXTRACT = re.compile(r"json_extract\(([\w.]+), '\$\.(\w+)'\)")
_JSON_GROUP_ARRAY = re.compile(r"json_group_array\(([\w.]+)\)")
_IS_NOT_PARAMETER = re.compile(r"\bIS\s+NOT\s+\?", re.IGNORECASE)
_IS_PARAMETER = re.compile(r"\bIS\s+\?", re.IGNORECASE)
_INSERT_OR_IGNORE = re.compile(r"\bINSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)
# SQLite's way to keep the planner off an index (`+e.merged_into`): a no-op to drop
_UNARY_PLUS = re.compile(r"(?<=[\s(])\+(?=[A-Za-z_])")
_NOCASE = re.compile(r"([\w.]+) COLLATE NOCASE", re.IGNORECASE)


# What a `?` of SQLite's spelling becomes: a plain parameter, or the right side of
# `IS ?` / `IS NOT ?` (SQLite's null-safe comparison; see `bind`).
_PLAIN, _IS, _IS_NOT = "\x01", "\x02", "\x03"
_PARAMETER = re.compile("[\x01\x02\x03]")


@lru_cache(maxsize=1024)
def _marked(sql: str) -> str:
    """A statement in PostgreSQL's spelling, each parameter still a marker of its kind."""
    sql = _JSON_EXTRACT.sub(r"(\1::jsonb ->> '\2')", sql)
    sql = _JSON_GROUP_ARRAY.sub(r"coalesce(json_agg(\1)::text, '[]')", sql)
    literals: list[str] = []

    def mask(match: re.Match[str]) -> str:
        literals.append(match.group(0))
        return f"\x00{len(literals) - 1}\x00"

    text = _QUOTED.sub(mask, sql)
    text = _IS_NOT_PARAMETER.sub(_IS_NOT, text)
    text = _IS_PARAMETER.sub(_IS, text)
    if _INSERT_OR_IGNORE.search(text):
        text = _INSERT_OR_IGNORE.sub("INSERT INTO", text)
        returning = _RETURNING.search(text)
        at = returning.start() if returning else len(text.rstrip().rstrip(";"))
        text = text[:at].rstrip() + " ON CONFLICT DO NOTHING " + text[at:]
    text = _UNARY_PLUS.sub("", text)
    text = _NOCASE.sub(r"lower(\1)", text)
    text = text.replace("?", _PLAIN)
    text = _MASK.sub(lambda m: literals[int(m.group(1))], text)
    return text.replace("%", "%%")


@lru_cache(maxsize=1024)
def translate(sql: str) -> str:
    """A statement in SQLite's spelling, in PostgreSQL's (placeholders as psycopg's %s;
    `IS ?` as IS NOT DISTINCT FROM, for statements run with many rows of values)."""
    replacements = {_PLAIN: "%s", _IS: "IS NOT DISTINCT FROM %s", _IS_NOT: "IS DISTINCT FROM %s"}
    return _PARAMETER.sub(lambda m: replacements[m.group(0)], _marked(sql))


@lru_cache(maxsize=2048)
def _with_nulls(sql: str, nulls: tuple[bool, ...]) -> str:
    """`translate`, with each `IS ?` whose value is NULL written `IS NULL` and the others
    `= %s` (`nulls`: for each `IS ?` in order, whether its value is NULL)."""
    given = iter(nulls)

    def parameter(match: re.Match[str]) -> str:
        kind = match.group(0)
        if kind == _PLAIN:
            return "%s"
        null = next(given)
        if kind == _IS:
            return "IS NULL" if null else "= %s"
        return "IS NOT NULL" if null else "IS DISTINCT FROM %s"

    return _PARAMETER.sub(parameter, _marked(sql))


def bind(sql: str, parameters: Any) -> tuple[str, Any]:
    """A statement of SQLite's spelling and its values, for psycopg. A null-safe `IS ?`
    is written for the value it has: PostgreSQL's planner cannot estimate IS NOT DISTINCT
    FROM, and `layer IS NOT DISTINCT FROM NULL` in a join made it read every mention once
    per document; `layer IS NULL` and `layer = 'alice'` it plans with the index."""
    marked = _marked(sql)
    if _IS not in marked and _IS_NOT not in marked:
        return translate(sql), parameters
    kinds = _PARAMETER.findall(marked)
    values = list(parameters)
    nulls = tuple(v is None for k, v in zip(kinds, values, strict=True) if k != _PLAIN)
    kept = [v for k, v in zip(kinds, values, strict=True) if k == _PLAIN or v is not None]
    return _with_nulls(sql, nulls), kept
