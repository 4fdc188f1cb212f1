"""`workbench db copy`: SQLite → PostgreSQL → SQLite, every exporter byte-identical (#24)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.store import Store, schema
from workbench.store.copying import TABLES


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "WORKBENCH_ANNOTATOR": "tester"},
        timeout=300,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_a_copy_carries_every_table_of_the_schema() -> None:
    memory = sqlite3.connect(":memory:", isolation_level=None)
    schema.migrate(memory, None)
    tables = {
        name
        for (name,) in memory.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not name.startswith(("sqlite_", "documents_fts")) and name != "schema_version"
    }
    assert tables == set(TABLES)


EXPORTERS = ("jsonl", "spacy", "brat", "conll", "csv", "stix", "graphml")


def _exports(db: str, folder: Path) -> dict[str, bytes]:
    """Every exporter's output (a folder's files joined by name), suggestions included."""
    found = {}
    folder.mkdir()
    for name in EXPORTERS:
        out = folder / name
        run("--db", db, "export", name, str(out), "--include-suggestions")
        files = sorted(out.rglob("*")) if out.is_dir() else [out]
        found[name] = b"".join(f.name.encode() + f.read_bytes() for f in files if f.is_file())
    return found


def _history_of_ids(store: Store) -> list[tuple[str, int]]:
    return [
        (table, int(store.conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]))
        for table in ("mentions", "events", "aliases", "changes")
    ]


def test_sqlite_to_postgresql_and_back_gives_byte_identical_exports_and_working_undo(
    seeded_path: Path, postgres_db: str, tmp_path: Path
) -> None:
    original = str(seeded_path)
    # what a real database holds: suggestions, a merge (an entity pointing at another),
    # and deleted rows (ids handed out that no row holds any more)
    run("--db", original, "preannotate", "--all")
    with Store.open(seeded_path, annotator="tester") as store:
        store.kb.merge("jundallah", "jaish-al-adl")  # a row pointing at a later one
        mention = store.mentions.add(1, 0, 4, "ORG")
        store.mentions.delete(mention.id)
        last_mention_id = mention.id
    entities = run("--db", original, "kb", "list", "--json").stdout
    assert entities

    copied = run("db", "copy", original, postgres_db)
    assert copied.stdout.startswith("copied ") and f"to {postgres_db}" in copied.stdout
    back = tmp_path / "back.db"
    run("db", "copy", postgres_db, str(back))

    expected = _exports(original, tmp_path / "from-sqlite")
    assert _exports(postgres_db, tmp_path / "from-postgresql") == expected
    assert _exports(str(back), tmp_path / "back-in-sqlite") == expected
    assert run("--db", postgres_db, "kb", "list", "--json").stdout == entities

    for db in (postgres_db, str(back)):
        with Store.open(db if db == postgres_db else Path(db), annotator="tester") as copy:
            # ids go on after the source's last, never reusing a deleted row's
            assert copy.mentions.add(1, 0, 4, "ORG").id > last_mention_id
            copy.undo()
            # the copied log is undone as on the original: the deleted mention comes back
            assert copy.undo() == "delete mention"
            assert copy.mentions.get(last_mention_id).text == copy.documents.text(1)[:4]


def test_a_copy_into_a_database_that_holds_data_is_refused_and_leaves_both_alone(
    seeded_path: Path, postgres_db: str, tmp_path: Path
) -> None:
    run("db", "copy", str(seeded_path), postgres_db)
    again = run("db", "copy", str(seeded_path), postgres_db, check=False)
    assert again.returncode == 1
    assert again.stderr.startswith(f"error: {postgres_db} already holds data")
    assert "Traceback" not in again.stderr
    missing = run("db", "copy", str(tmp_path / "nothing.db"), str(tmp_path / "new.db"), check=False)
    assert missing.returncode == 1 and missing.stderr.startswith("error: ")
    assert not (tmp_path / "new.db").exists()  # a failed copy leaves no new file
    wrong = run("db", "copy", str(seeded_path), "mysql://x@y/z", check=False)
    assert wrong.returncode == 1 and "postgresql://" in wrong.stderr


@pytest.mark.parametrize("backend", ["postgresql"])
def test_an_unreachable_server_is_one_error_line(backend: str) -> None:
    result = run("--db", "postgresql://nobody@127.0.0.1:1/none", "docs", check=False)
    assert result.returncode == 1
    assert result.stderr.startswith("error: postgresql://nobody@127.0.0.1:1/none: cannot connect")
    assert result.stderr.count("\n") == 1
