"""The command line as users and other tools call it: a real process, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from helpers import SEEDS


def run(*args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_import_docs_kb_and_idempotence(tmp_path: Path, db_target) -> None:
    db = str(db_target)
    run("--db", db, "import", str(SEEDS))
    docs = json.loads(run("--db", db, "docs", "--json").stdout)
    assert [d["mentions"] for d in docs] == [77, 73]
    assert docs[0]["published"] == "2024-02-24"
    entities = json.loads(run("--db", db, "kb", "list", "--json").stdout)
    assert len(entities) == 38
    bla = next(e for e in entities if e["id"] == "bla")
    assert "Baluch Liberation Army" in bla["aliases"] and bla["mentions"] > 0
    before = run("--db", db, "stats", "--json").stdout
    again = run("--db", db, "import", str(SEEDS))
    assert "0 documents added, 2 unchanged" in again.stdout
    after = run("--db", db, "stats", "--json").stdout
    assert json.loads(before) == json.loads(after)


def test_default_database_is_created_and_seeded(tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "WORKBENCH_DB": ""}
    result = run("docs", "--json", env=env)
    assert len(json.loads(result.stdout)) == 2
    assert "demo corpus" in result.stderr
    assert (tmp_path / "data" / "workbench" / "workbench.db").exists()
    again = run("docs", "--json", env=env)
    assert "demo corpus" not in again.stderr  # seeded once


def test_workbench_db_env_overrides(tmp_path: Path) -> None:
    db = tmp_path / "env.db"
    refused = run(
        "kb", "add", "Jaish al-Adl", "--label", "ORG", env={"WORKBENCH_DB": str(db)}, check=False
    )
    assert refused.returncode == 1 and "exists already: jaish-al-adl" in refused.stderr
    added = run(
        "kb",
        "add",
        "Jaish al-Adl",
        "--label",
        "ORG",
        "--alias",
        "JAA",
        "--force",
        env={"WORKBENCH_DB": str(db)},
    )
    assert added.stdout.strip() == "jaish-al-adl-2"  # the seeded entity keeps its id
    listed = json.loads(run("--db", str(db), "kb", "list", "--json").stdout)
    new = next(e for e in listed if e["id"] == "jaish-al-adl-2")
    assert new["aliases"] == ["Jaish al-Adl", "JAA"]
    assert len(listed) == 39


def test_search_undo_redo_merge(tmp_path: Path, db_target) -> None:
    db = str(db_target)
    run("--db", db, "import", str(SEEDS))
    hits = json.loads(run("--db", db, "search", "Saravan", "--json").stdout)
    assert {h["doc_id"] for h in hits} == {1, 2} and "«Saravan»" in hits[0]["snippet"]
    assert run("--db", db, "search", '"unclosed AND (').returncode == 0
    run(
        "--db",
        db,
        "--annotator",
        "ana",
        "kb",
        "add",
        "BLA splinter",
        "--label",
        "ORG",
        "--id",
        "bla2",
    )
    merged = run("--db", db, "--annotator", "ana", "kb", "merge", "bla", "bla2")
    assert merged.stdout.strip() == "merged bla2 into bla"
    listed = json.loads(run("--db", db, "kb", "list", "--json").stdout)
    assert "BLA splinter" in next(e for e in listed if e["id"] == "bla")["aliases"]
    assert "bla2" not in {e["id"] for e in listed}
    assert "undone: merge entities" in run("--db", db, "--annotator", "ana", "undo").stdout
    assert "redone: merge entities" in run("--db", db, "--annotator", "ana", "redo").stdout


def test_user_errors_are_one_line_exit_1(tmp_path: Path, db_target) -> None:
    db = str(db_target)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok"}\n{"text": \n')
    result = run("--db", db, "import", str(bad), check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: {bad}:2: malformed JSON: Expecting value (column 9)"
    for args in (
        ("kb", "merge", "nope", "other"),
        ("kb", "add", "X", "--label", "NOPE"),
        ("link", "x", "--doc", "42"),
        ("undo",),
    ):
        result = run("--db", db, *args, check=False)
        assert result.returncode == 1, args
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
        assert "Traceback" not in result.stderr
    newer = tmp_path / "newer.db"
    run("--db", str(newer), "stats")
    import sqlite3

    conn = sqlite3.connect(newer)
    conn.execute("INSERT INTO schema_version VALUES (99, 'x')")
    conn.commit()
    conn.close()
    result = run("--db", str(newer), "docs", check=False)
    assert result.returncode == 1 and "newer than this Workbench" in result.stderr


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    result = run("--db", str(tmp_path / "x.db"), "no-such-command", check=False)
    assert result.returncode == 2
    result = run("--db", str(tmp_path / "x.db"), "link", check=False)
    assert result.returncode == 2


def test_help_lists_the_commands() -> None:
    out = run("--help").stdout
    for command in ("import", "docs", "kb", "link", "search", "stats", "undo", "redo", "tui"):
        assert command in out


def test_link_json_contract(tmp_path: Path, db_target) -> None:
    db = str(db_target)
    run("--db", db, "import", str(SEEDS))
    out = json.loads(
        run("--db", db, "link", "Baloch Liberation Army", "--label", "ORG", "--json").stdout
    )
    assert set(out) >= {"query", "label", "link", "candidates"}
    assert out["query"] == "Baloch Liberation Army" and out["label"] == "ORG"
    assert set(out["link"]) == {"entity_id", "name", "label", "score", "alias"}
    assert out["link"]["entity_id"] == "bla" and 0 <= out["link"]["score"] <= 100
    assert all(
        set(c) == {"entity_id", "name", "label", "score", "alias"} for c in out["candidates"]
    )
    nil = json.loads(
        run("--db", db, "link", "Mahrang Baloch", "--label", "PERSON", "--json").stdout
    )
    assert nil["link"] is None
    limited = json.loads(run("--db", db, "link", "Baloch", "--limit", "2", "--json").stdout)
    assert len(limited["candidates"]) <= 2
    context = json.loads(
        run("--db", db, "link", "Rigi", "--label", "PERSON", "--doc", "1", "--json").stdout
    )
    assert context["link"]["entity_id"] == "abdolmalek-rigi"
    kb = json.loads(run("--db", db, "search", "Army of Justice", "--kb", "--json").stdout)
    assert kb[0]["entity_id"] == "jaish-al-adl"
    assert run("--db", db, "link", "   ", "--json").returncode == 0
    too_long = run("--db", db, "link", "x" * 10_000, check=False)
    assert too_long.returncode == 1 and too_long.stderr.startswith("error: mention text is 10000")


def test_link_file_gives_one_json_line_per_name_and_skips_bad_lines(
    tmp_path: Path, db_target
) -> None:
    db = str(db_target)
    run("--db", db, "import", str(SEEDS))
    names = tmp_path / "names.txt"
    names.write_text("Quettah\n\nBaluch Liberation Army\n" + "x" * 1200 + "\nNowhere Xyzzy\n")
    done = run("--db", db, "link", "--file", str(names), "--json", check=False)
    assert done.returncode == 1
    results = [json.loads(line) for line in done.stdout.splitlines()]
    single = json.loads(run("--db", db, "link", "Quettah", "--json").stdout)
    assert results[0] == single  # the same shape and result as `link --json`
    linked = [r["link"]["entity_id"] if r["link"] else None for r in results]
    assert linked == ["quetta", "bla", None]
    assert done.stderr.strip() == (
        f"error: {names} line 4: 1200 characters; a name has at most 1000 (skipped)"
    )
    table = tmp_path / "names.csv"
    table.write_text('id,name\n1,Islamabaad\n2,"Jaish al-Adl"\n')
    out = run("--db", db, "link", "--file", str(table), "--column", "name").stdout
    assert out.splitlines() == [
        "Islamabaad → Islamabad (islamabad, 92.0)",
        "Jaish al-Adl → Jaish al-Adl (jaish-al-adl, 100.0)",
    ]
    wrong = run("--db", db, "link", "--file", str(table), "--column", "nope", check=False)
    assert wrong.returncode == 1 and wrong.stdout == ""
    assert wrong.stderr.strip() == f"error: {table}:1: no column 'nope' (columns: 'id', 'name')"


def test_bad_inputs_are_one_error_line_each_and_the_good_file_is_imported(tmp_path: Path) -> None:
    import os

    (tmp_path / "good.txt").write_text("A good article.")
    (tmp_path / "lone.jsonl").write_text('{"text": "abc \\ud800"}\n')
    (tmp_path / "deep.jsonl").write_text("[" * 100_000 + "]" * 100_000 + "\n")
    events = '{"sha256": "00", "type": "Battles", "trigger": {"end": 3, "text": "x"}}\n'
    (tmp_path / "events.jsonl").write_text(events)
    os.mkfifo(tmp_path / "fifo.txt")
    db = tmp_path / "w.db"
    result = run(
        "--db",
        str(db),
        "import",
        *(str(tmp_path / n) for n in ("lone.jsonl", "deep.jsonl", "events.jsonl", "fifo.txt")),
        str(tmp_path / "good.txt"),
        check=False,
    )
    assert result.returncode == 1
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 4 and all(line.startswith("error: ") for line in errors), errors
    assert "Traceback" not in result.stderr
    assert "1 document added" in result.stdout or "1 documents added" in result.stdout
    urandom = run("--db", str(db), "import", "--format", "text", "/dev/urandom", check=False)
    assert urandom.returncode == 1 and "not a regular file" in urandom.stderr


def test_a_refused_undo_is_one_error_line_and_skip_lets_the_annotator_go_on(
    tmp_path: Path, db_target
) -> None:
    db = str(db_target)
    run("--db", db, "--annotator", "A", "kb", "add", "Older", "--label", "ORG")
    run("--db", db, "--annotator", "A", "kb", "add", "Xeno", "--label", "ORG", "--id", "xeno")
    run("--db", db, "--annotator", "B", "kb", "add", "Yeno", "--label", "ORG", "--id", "yeno")
    run("--db", db, "--annotator", "B", "kb", "merge", "xeno", "yeno")
    for _ in range(2):
        refused = run("--db", db, "--annotator", "A", "undo", check=False)
        assert refused.returncode == 1
        (line,) = refused.stderr.strip().splitlines()
        assert line.startswith("error: cannot undo 'add entity': B's later change 'merge")
    skipped = run("--db", db, "--annotator", "A", "undo", "--skip")
    assert "skipped: add entity" in skipped.stdout
    assert run("--db", db, "--annotator", "A", "undo").stdout.strip() == "undone: add entity"
    names = [e["name"] for e in json.loads(run("--db", db, "kb", "list", "--json").stdout)]
    assert "Older" not in names and "Xeno" in names


def test_kb_rename_and_delete(tmp_path: Path, db_target) -> None:
    db = str(db_target)
    run("--db", db, "import", str(SEEDS))
    assert (
        "is now 'Jaish al-Adl group'"
        in run("--db", db, "kb", "rename", "jaish-al-adl", "Jaish al-Adl group").stdout
    )
    used = run("--db", db, "kb", "delete", "iran", check=False)
    assert (
        used.returncode == 1 and "is used by" in used.stderr and "document(s) 1, 2" in used.stderr
    )
    run("--db", db, "kb", "add", "Nobody", "--label", "ORG", "--id", "nobody")
    assert "deleted nobody" in run("--db", db, "kb", "delete", "nobody").stdout
    listed = run("--db", db, "kb", "list").stdout
    assert "Jaish al-Adl group" in listed and "nobody" not in listed
    row = next(line for line in listed.splitlines() if line.startswith("iran "))
    assert row.split()[2].isdigit() and int(row.split()[2]) > 0  # mention counts are shown
