"""Small pieces of SQL text every part of the store builds the same way, and the shape of
a connection the store talks to (SQLite's own, or PostgreSQL's behind `postgres.py`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

# Values bound in one statement for an `IN (...)` list, well under SQLite's limit of host
# parameters (999 in older builds), whatever else the statement binds.
VALUES_PER_STATEMENT = 900

SQLITE = "sqlite"
POSTGRESQL = "postgresql"


class Connection(Protocol):
    """The part of a DB-API connection the store uses, with SQLite's `?` placeholders
    (the PostgreSQL connection translates them)."""

    @property
    def IntegrityError(self) -> type[Exception]: ...  # noqa: N802 (DB-API's name)
    @property
    def OperationalError(self) -> type[Exception]: ...  # noqa: N802 (DB-API's name)
    def execute(self, sql: str, parameters: Any = ..., /) -> Any: ...
    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Any: ...
    def executescript(self, script: str, /) -> Any: ...
    def close(self) -> None: ...


def dialect(conn: Connection) -> str:
    """`sqlite` or `postgresql`: which SQL a connection speaks where the two differ."""
    return str(getattr(conn, "dialect", SQLITE))


def column_names(cursor: Any) -> list[str]:
    """The names of the columns a cursor's statement returned. (psycopg builds a whole
    description, types and sizes, each time `description` is read; the result's field
    names are all a row needs.)"""
    result = getattr(cursor, "pgresult", None)
    if result is None:
        return [column[0] for column in cursor.description]
    return [result.fname(i).decode() for i in range(result.nfields)]


def marks(count: int) -> str:
    """`?, ?, ?` for `count` values."""
    return ", ".join("?" * count)


def quoted(name: str) -> str:
    """An SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def statements_in(
    conn: Connection,
    sql: str,
    values: Iterable[Any],
    before: Sequence[Any] = (),
    after: Sequence[Any] = (),
) -> Iterator[Any]:
    """The cursor of each statement that reads `sql`, whose `IN ({marks})` is a list of
    `values`, however many there are (never cut short); `before` and `after` are bound
    around the list in each statement.

    SQLite binds the values in statements of at most VALUES_PER_STATEMENT. PostgreSQL
    takes them all as one array (`= ANY(?)`): one statement, whose text is the same for
    any number of values, so the server prepares and plans it once, not once per length."""
    values = list(values)
    if not values:
        return
    if dialect(conn) == POSTGRESQL:
        yield conn.execute(sql.replace("IN ({marks})", "= ANY(?)"), [*before, values, *after])
        return
    step = max(1, VALUES_PER_STATEMENT - len(before) - len(after))
    for first in range(0, len(values), step):
        chunk = values[first : first + step]
        yield conn.execute(sql.format(marks=marks(len(chunk))), [*before, *chunk, *after])


def rows_in(
    conn: Connection,
    sql: str,
    values: Iterable[Any],
    before: Sequence[Any] = (),
    after: Sequence[Any] = (),
) -> list[Any]:
    """Every row of `statements_in`, in a list."""
    rows: list[Any] = []
    for cursor in statements_in(conn, sql, values, before, after):
        rows.extend(cursor)
    return rows
