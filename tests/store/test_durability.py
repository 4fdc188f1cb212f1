"""Crash and concurrency: SIGKILL mid-annotation loses nothing committed; two writers lose nothing."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from workbench.model import NewDocument
from workbench.store import Store

CHILD = Path(__file__).with_name("annotating_child.py")


def _prepare(db: Path) -> int:
    text = "Iran and Pakistan traded strikes across the border in January 2024. " * 20
    with Store.open(db, annotator="setup") as store:
        [doc_id], _ = store.documents.add_many(
            [NewDocument("t", text, hashlib.sha256(text.encode()).hexdigest(), "test")]
        )
    return doc_id


def _spawn(db: Path, doc_id: int, annotator: str, count: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(CHILD), str(db), str(doc_id), annotator, str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def test_sigkill_at_random_moments_loses_nothing_committed(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    doc_id = _prepare(db)
    rng = random.Random(20240116)
    reported: set[int] = set()
    for _ in range(50):
        child = _spawn(db, doc_id, "crasher", -1)
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.06))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate(timeout=30)
        # a line is complete only if the child printed it whole before dying
        lines = out.split("\n")[:-1]
        reported.update(int(line) for line in lines if line.strip().isdigit())
    assert len(reported) > 50
    with Store.open(db, annotator="checker") as store:
        assert store.integrity_check() == "ok"
        stored = {m.id for m in store.mentions.of_document(doc_id)}
        assert reported <= stored
        # every stored mention has its change-log row: write and log commit together
        logged = {
            int(r[0])
            for r in store.conn.execute("SELECT row_id FROM changes WHERE tbl = 'mentions'")
        }
        assert stored == logged


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    doc_id = _prepare(db)
    per_child = 300
    children = [_spawn(db, doc_id, name, per_child) for name in ("ana", "ben")]
    results = [child.communicate(timeout=300) for child in children]
    for child, (out, errors) in zip(children, results, strict=True):
        assert child.returncode == 0, errors
        assert "locked" not in errors
        assert len(out.split()) == per_child + 1  # "ready" + one id per mention
    with Store.open(db, annotator="checker") as store:
        rows = store.conn.execute(
            "SELECT source, count(*) FROM mentions GROUP BY source ORDER BY source"
        ).fetchall()
        assert rows == [("ana", per_child), ("ben", per_child)]
        assert store.integrity_check() == "ok"
