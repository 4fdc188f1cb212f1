"""Databases that cannot be written or are damaged: reading goes on, every write says
why it cannot, and nothing ends in a traceback."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.errors import DatabaseError, ReadOnlyDatabase
from workbench.store import Store

# Capabilities that let root write whatever the permission bits say.
_OVERRIDES = "-dac_override,-dac_read_search,-fowner"


def _without_write_access(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run the CLI bound by the permission bits (as root: without the capabilities that
    override them), as an analyst who may read but not write the database."""
    command = [sys.executable, "-m", "workbench", *args]
    if os.geteuid() == 0:
        command = ["setpriv", f"--inh-caps={_OVERRIDES}", f"--bounding-set={_OVERRIDES}", *command]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=120)


def test_a_database_nobody_may_write_opens_read_only(seeded_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "data" / "team.db"
    db.parent.mkdir()
    with Store.open(seeded_path) as store:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(seeded_path, db)
    db.chmod(0o444)
    db.parent.chmod(0o555)
    out = tmp_path / "out"
    out.mkdir()
    try:
        docs = _without_write_access("--db", str(db), "docs", "--json", cwd=tmp_path)
        assert docs.returncode == 0, docs.stderr
        assert len(json.loads(docs.stdout)) == 2
        found = _without_write_access("--db", str(db), "search", "Panjgur", "--json", cwd=tmp_path)
        assert found.returncode == 0 and json.loads(found.stdout)
        exported = _without_write_access(
            "--db", str(db), "export", "jsonl", str(out / "x.jsonl"), cwd=tmp_path
        )
        assert exported.returncode == 0, exported.stderr
        assert (out / "x.jsonl").read_text().count("\n") == 2
        for command in (
            ("kb", "add", "New One", "--label", "ORG"),
            ("undo",),
            ("preannotate", "--all"),
        ):
            refused = _without_write_access("--db", str(db), *command, cwd=tmp_path)
            assert refused.returncode == 1, (command, refused.stdout)
            (line,) = refused.stderr.strip().splitlines()
            assert line.startswith("error: ") and "is read-only" in line, line
    finally:
        db.parent.chmod(0o755)
        db.chmod(0o644)
    assert not (db.parent / "team.db-wal").exists()  # nothing was written beside it


def test_read_only_on_request_refuses_every_write(seeded_path: Path) -> None:
    with Store.open(seeded_path, annotator="reader", read_only=True) as store:
        assert store.read_only and "opened read-only" in store.read_only
        assert store.documents.summaries() and store.documents.search("Panjgur")
        with pytest.raises(ReadOnlyDatabase, match="cannot add mention"):
            store.mentions.add(1, 0, 4, "GPE")
        with pytest.raises(ReadOnlyDatabase):
            store.settings.set("x", "y")
        with pytest.raises(ReadOnlyDatabase):
            store.undo()


def _checkpointed_copy(seeded_path: Path, tmp_path: Path) -> Path:
    path = tmp_path / "damaged.db"
    with Store.open(seeded_path) as store:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(seeded_path, path)
    return path


def _one_error_line(db: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "workbench", "--db", str(db), *args],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stdout
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and db.name in line
    return line


def test_text_that_is_not_utf8_in_the_file_is_one_error_line(seeded_path: Path, tmp_path) -> None:
    # sqlite3 decodes what SQLite hands back as UTF-8: a row's text that is not says so,
    # but the schema's (in an error message) raised UnicodeDecodeError: a traceback
    in_a_row = _checkpointed_copy(seeded_path, tmp_path)
    in_the_schema = tmp_path / "schema.db"
    shutil.copy(in_a_row, in_the_schema)
    with sqlite3.connect(in_a_row) as conn:
        conn.execute("UPDATE documents SET title = CAST(x'9fff41' AS TEXT) WHERE id = 1")
    assert "UTF-8" in _one_error_line(in_a_row, "docs")
    with sqlite3.connect(in_the_schema, isolation_level=None) as conn:
        conn.execute("PRAGMA writable_schema = ON")  # a damaged page of the schema, in effect
        conn.execute(
            "INSERT INTO sqlite_master VALUES "
            "('table', CAST(x'9fff41' AS TEXT), CAST(x'9fff41' AS TEXT), 0, 'CREATE TABLE x(')"
        )
    line = _one_error_line(in_the_schema, "docs")
    assert "cannot open database" in line and "not valid UTF-8" in line


def test_a_dropped_table_and_a_corrupt_file_are_one_error_line(seeded_path: Path, tmp_path) -> None:
    dropped = _checkpointed_copy(seeded_path, tmp_path)
    with sqlite3.connect(dropped) as conn:
        conn.execute("DROP TABLE event_roles")
    corrupt = tmp_path / "corrupt.db"
    shutil.copy(dropped, corrupt)
    data = bytearray(corrupt.read_bytes())
    for offset in range(4096 * 3, len(data) - 4096, 8192):
        data[offset + 100 : offset + 2100] = os.urandom(2000)
    corrupt.write_bytes(bytes(data))
    for db, command in ((dropped, "events"), (corrupt, "docs"), (corrupt, "search")):
        _one_error_line(db, *([command, "Iran"] if command == "search" else [command]))
    with Store.open(dropped) as store, pytest.raises(DatabaseError, match="no such table"):
        store.events.of_document()


def test_db_paths_are_not_made_up(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "w.db"
    result = subprocess.run(
        [sys.executable, "-m", "workbench", "--db", str(missing), "docs"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and "no such folder" in result.stderr
    assert not (tmp_path / "no").exists()
    uri = subprocess.run(
        [sys.executable, "-m", "workbench", "--db", "file:/x.db", "docs"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert uri.returncode == 1 and "the only database URLs are postgresql:" in uri.stderr
    assert list(tmp_path.iterdir()) == [tmp_path / "no"] or not (tmp_path / "file:").exists()
