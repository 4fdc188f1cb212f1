"""A team's shared PostgreSQL database: roles, the annotator's name, versions (#24)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import postgres_server
import psycopg
import pytest
from helpers import SEEDS

from workbench.errors import DatabaseError
from workbench.store import Store


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("WORKBENCH_ANNOTATOR", "WORKBENCH_DB")}
    result = subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_an_analyst_is_their_role_and_a_reader_reads_searches_and_exports_only(
    postgres_db: str, tmp_path
) -> None:
    run("--db", postgres_db, "import", str(SEEDS))
    alice = postgres_server.role_url(postgres_db, "alice", writes=True)
    reader = postgres_server.role_url(postgres_db, "reader", writes=False)

    run("--db", alice, "kb", "add", "Baloch Raaji Aajoi Sangar", "--label", "ORG")
    with psycopg.connect(postgres_db) as admin:
        who = admin.execute("SELECT annotator FROM changes ORDER BY id DESC LIMIT 1").fetchone()
    assert who == ("alice",)  # the annotator defaults to the role

    assert len(json.loads(run("--db", reader, "docs", "--json").stdout)) == 2
    assert "Panjgur" in run("--db", reader, "search", "Panjgur").stdout
    run("--db", reader, "export", "jsonl", str(tmp_path / "out.jsonl"))
    assert (tmp_path / "out.jsonl").read_text().count("\n") == 2
    for write in (
        ("kb", "add", "X", "--label", "ORG"),
        ("undo",),
        ("preannotate", "--all"),
        ("import", str(SEEDS / "entities.jsonl")),
    ):
        refused = run("--db", reader, *write, check=False)
        assert refused.returncode == 1, write
        assert refused.stderr.startswith("error: ") and "Traceback" not in refused.stderr
        assert "the role reader may only read it" in refused.stderr, refused.stderr


def test_a_newer_schema_on_the_server_is_refused(postgres_db: str) -> None:
    Store.open(postgres_db).close()
    with psycopg.connect(postgres_db, autocommit=True) as admin:
        admin.execute("INSERT INTO schema_version VALUES (999, 'later')")
    refused = run("--db", postgres_db, "docs", check=False)
    assert refused.returncode == 1
    assert "schema version 999 is newer than this Workbench" in refused.stderr


def test_a_database_with_other_tables_is_not_taken_for_a_workbench_one(postgres_db: str) -> None:
    with psycopg.connect(postgres_db, autocommit=True) as admin:
        admin.execute("CREATE TABLE payroll (id int)")
    refused = run("--db", postgres_db, "docs", check=False)
    assert refused.returncode == 1 and "not a Workbench database" in refused.stderr


@pytest.mark.parametrize("url", ["postgresql:relative", "mysql://x@y/z", "sqlite:///x.db"])
def test_a_database_url_that_is_not_postgresql_is_one_error(url: str) -> None:
    refused = run("--db", url, "docs", check=False)
    assert refused.returncode == 1 and refused.stderr.startswith("error: --db ")


def test_a_change_that_waits_too_long_for_others_is_one_clear_line(postgres_db: str) -> None:
    from workbench.store.postgres import WRITE_LOCK

    Store.open(postgres_db).close()
    impatient = postgres_db + "?options=-c%20lock_timeout%3D300ms"
    with psycopg.connect(postgres_db, autocommit=True) as other, Store.open(impatient) as same:
        other.execute("SELECT pg_advisory_lock(%s)", (WRITE_LOCK,))  # a change that never ends
        refused = run("--db", impatient, "kb", "add", "Late", "--label", "ORG", check=False)
        with pytest.raises(DatabaseError, match="the database is busy"):
            same.kb.add_entity("Later", "ORG")
        other.execute("SELECT pg_advisory_unlock(%s)", (WRITE_LOCK,))
        assert same.kb.add_entity("Later", "ORG").name == "Later"  # the connection goes on
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "the database is busy" in refused.stderr and "try it again" in refused.stderr
    run("--db", impatient, "kb", "add", "Late", "--label", "ORG")  # and it can be, after
