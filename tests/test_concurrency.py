"""Eight analysts on eight machines, one PostgreSQL server, at once (#24)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
from helpers import SEEDS

from workbench.model import NewDocument
from workbench.store import Store

ANALYSTS = 8
# How long they work together (the issue asks for a minute; shorter for a quick local run).
SECONDS = float(os.environ.get("WORKBENCH_CONCURRENCY_SECONDS", "60"))
WORKER = Path(__file__).with_name("analyst_worker.py")


def _corpus(url: str) -> list[int]:
    """A document per analyst, its names suggested by pre-annotation."""
    from helpers import preannotate

    from workbench.importers import import_paths

    with Store.open(url, annotator="setup") as store:
        import_paths(store, [SEEDS / "entities.jsonl"])
        text = "".join(f"Iran struck Panjgur on day {day}. " for day in range(1, 41))
        ids, _ = store.documents.add_many(
            [
                NewDocument(f"Report {n}", f"{text}(report {n})", f"{n:064x}", origin="test")
                for n in range(ANALYSTS)
            ]
        )
        preannotate(store, ids)
        return list(ids)


def test_eight_analysts_at_once_lose_nothing_and_keep_their_own_undo(postgres_db: str) -> None:
    doc_ids = _corpus(postgres_db)
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                str(WORKER),
                postgres_db,
                f"analyst{n}",
                str(doc_id),
                str(SECONDS),
                str(n),
            ],  # fmt: skip
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n, doc_id in enumerate(doc_ids)
    ]
    reports = []
    for worker in workers:
        out, err = worker.communicate(timeout=SECONDS + 120)
        assert worker.returncode == 0, err
        reports.append(json.loads(out))

    with Store.open(postgres_db, annotator="checker") as store, psycopg.connect(postgres_db) as pg:
        for report, doc_id in zip(reports, doc_ids, strict=True):
            assert report["failures"] == [], report["failures"][:3]
            assert report["commits"] > 20, report  # they did work, concurrently
            held = {
                str(m.id): [m.start, m.end, m.label, m.entity_id, m.status]
                for m in store.mentions.of_document(doc_id)
            }
            # every commit the analyst was told of is there, once, as they left it; every
            # undo took back exactly their own change
            assert held == report["believed"], report["analyst"]
            done = pg.execute(
                "SELECT count(DISTINCT group_id) FROM changes WHERE annotator = %s "
                "AND state = 'done' AND undoable = 1 AND group_id NOT IN "
                "(SELECT group_id FROM undo_skips)",
                (report["analyst"],),
            ).fetchone()[0]
            assert done == report["undo_depth"], report["analyst"]
        mixed = pg.execute(
            "SELECT group_id FROM changes GROUP BY group_id HAVING count(DISTINCT annotator) > 1"
        ).fetchall()
        assert mixed == []  # no change group holds two analysts' work
    total = sum(r["commits"] + r["undos"] for r in reports)
    print(f"{ANALYSTS} analysts, {SECONDS:.0f} s: {total} commits and undos")
