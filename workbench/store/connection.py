"""Opening a database the one way Workbench does: an SQLite file (WAL, busy timeout,
foreign keys), or a PostgreSQL database when the target is a postgresql:// URL (the one
place the backend is chosen)."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from workbench.errors import DatabaseError
from workbench.store.sql import Connection

# Long enough that a second process (a CLI export beside the TUI, a second analyst) waits
# for a writer instead of failing with "database is locked".
BUSY_TIMEOUT_MS = 30_000
# Reads go through a memory map of the database file, up to this size, instead of a read()
# and a copy per page: the linker's many index lookups in a pre-annotation run are quicker
# (benchmarks/README.md says how much). Writes still go through the WAL file. (SQLite warns
# that an I/O error on a mapped file ends the process instead of failing a statement: a
# disk failing under the database, where the data is at risk anyway.)
MMAP_BYTES = 256 * 1024 * 1024
# Statement journals (the undo record of one statement inside a larger transaction, which
# SQLite keeps for any statement that may fail part-way, as every insert checking foreign
# keys may) are kept in memory instead of spilling to a temporary file past 64 KiB: a
# multi-row insert of pre-annotation wrote each page it touched to such a file, most of a
# run's writes. Workbench makes no temporary tables; what else SQLite keeps there (the
# transient index of a DISTINCT over one document's rows) is small.
TEMP_STORE = "MEMORY"


def utc_now() -> str:
    """Current time as an ISO 8601 UTC string with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


# Connections opened read-only, and why (the file or its folder cannot be written).
_READ_ONLY: dict[int, str] = {}
# What a driver raises for a failed statement: sqlite3's, and psycopg's once it is loaded.
# sqlite3 decodes the text SQLite hands back (rows, error messages) as UTF-8: a damaged
# file, or bytes another program wrote, make it raise UnicodeDecodeError instead.
DRIVER_ERRORS: tuple[type[Exception], ...] = (sqlite3.DatabaseError, UnicodeDecodeError)


def driver_message(exc: BaseException) -> str:
    """What a driver's error says, on one line."""
    if isinstance(exc, UnicodeDecodeError):
        return "it holds text that is not valid UTF-8 (a damaged file, or another program wrote it)"
    return " ".join(str(exc).split()) or type(exc).__name__


def read_only_reason(conn: Connection) -> str | None:
    """Why a connection cannot write, or None when it can."""
    return _READ_ONLY.get(id(conn))


def mark_read_only(conn: Connection, reason: str) -> None:
    """Record why a connection cannot write (every write then says so)."""
    _READ_ONLY[id(conn)] = reason


def is_postgres(target: str | Path) -> bool:
    """True when a database target is a PostgreSQL URL, not a file."""
    return isinstance(target, str) and target.split("://", 1)[0].lower() in (
        "postgresql",
        "postgres",
    )


def location(target: str | Path) -> str:
    """A target as messages name it (a URL without its password)."""
    if is_postgres(target):
        from workbench.store import postgres

        return postgres.display(str(target))
    return str(target)


def open_database(target: str | Path, read_only: bool = False) -> Connection:
    """A connection to the SQLite file or PostgreSQL database `target` names."""
    global DRIVER_ERRORS
    if is_postgres(target):
        from workbench.store import postgres

        conn = postgres.connect(str(target), read_only=read_only)
        DRIVER_ERRORS = (sqlite3.DatabaseError, UnicodeDecodeError, postgres.DriverError)
        if read_only:
            mark_read_only(conn, f"{location(target)} is read-only: opened read-only")
        return conn
    return connect(target, read_only=read_only)


def _why_read_only(path: Path) -> str | None:
    """Why an existing database file cannot be written by this process, if it cannot."""
    if not os.access(path, os.W_OK):
        return "the file is not writable"
    folder = path.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        # WAL needs its -wal and -shm files beside the database, writable
        companions = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
        if not all(c.exists() and os.access(c, os.W_OK) for c in companions):
            return "its folder is not writable"
    return None


def connect(path: str | Path, read_only: bool = False) -> sqlite3.Connection:
    """Open (or create) a database with the pragmas every Workbench connection uses; a
    file this process cannot write (or `read_only`) is opened for reading only."""
    path = Path(path)
    if path.exists() and path.is_dir():
        raise DatabaseError(f"{path}: is a directory, not a database file")
    if not path.parent.is_dir():
        raise DatabaseError(f"{path.parent}: no such folder (create it first)")
    reason = "opened read-only" if read_only and path.exists() else None
    if path.exists():
        reason = _why_read_only(path) or reason
    elif read_only:
        raise DatabaseError(f"{path}: no such database to open read-only")
    try:
        conn = _open_read_only(path) if reason else _open_for_writing(path)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise DatabaseError(f"{path}: cannot open database: {driver_message(exc)}") from exc
    if reason:
        _READ_ONLY[id(conn)] = f"{path} is read-only: {reason}"
    return conn


def close(conn: Connection) -> None:
    """Close a connection opened by `connect`."""
    _READ_ONLY.pop(id(conn), None)
    conn.close()


def _open_for_writing(path: Path) -> sqlite3.Connection:
    # Autocommit mode: every write goes through an explicit BEGIN IMMEDIATE ... COMMIT,
    # so a transaction takes the write lock up front instead of failing on upgrade.
    conn = sqlite3.connect(
        str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    # FULL: each commit reaches the disk, so an annotation survives a power cut too,
    # not only a killed process (NORMAL would). It costs one fsync per commit, which
    # no analyst's keystroke rate notices; bulk work batches commits instead.
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
    conn.execute(f"PRAGMA temp_store = {TEMP_STORE}")
    return conn


def _open_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection. A WAL database whose -shm file cannot be made is opened
    as immutable (nobody can be writing it: nobody can write where it lies)."""
    uri = "file:" + quote(str(path.resolve()))
    last: sqlite3.DatabaseError | UnicodeDecodeError | None = None
    for options in ("?mode=ro", "?mode=ro&immutable=1"):
        try:
            conn = sqlite3.connect(
                uri + options,
                uri=True,
                isolation_level=None,
                timeout=BUSY_TIMEOUT_MS / 1000,
                check_same_thread=False,
            )
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            last = exc
            continue
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute(f"PRAGMA temp_store = {TEMP_STORE}")
        return conn
    assert last is not None
    raise last
