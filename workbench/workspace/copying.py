"""Copying a whole database to another, SQLite and PostgreSQL either way (`db copy`)."""

from __future__ import annotations

from pathlib import Path

from workbench import config
from workbench.store import Store
from workbench.store.copying import Copied, Progress, copy_database


def copy(source: str, target: str, progress: Progress | None = None) -> tuple[Copied, str, str]:
    """Copy every row of the database `source` names into the new, empty database
    `target` names (made when it is a file that does not exist); returns what was copied
    and the two databases as messages name them. A failed copy leaves no new file."""
    source_target = config.database_target(source)
    copy_target = config.database_target(target)
    made = isinstance(copy_target, Path) and not copy_target.exists()
    try:
        with (
            Store.open(source_target, annotator="db copy", read_only=True) as reading,
            Store.open(copy_target, annotator="db copy") as writing,
        ):
            copied = copy_database(reading, writing, progress)
            return copied, reading.location, writing.location
    except BaseException:
        if made and isinstance(copy_target, Path):
            for leftover in (copy_target, *_companions(copy_target)):
                leftover.unlink(missing_ok=True)
        raise


def _companions(path: Path) -> list[Path]:
    """SQLite's write-ahead log and shared-memory files beside a database."""
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
