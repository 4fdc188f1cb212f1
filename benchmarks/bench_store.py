"""Store speed: one annotation commit vs a raw sqlite3 single-row commit, and import rate.

The goal's baseline uses the store's own pragmas (WAL, synchronous=FULL: every commit is
fsynced, so an annotation survives a power cut), so the ratio measures what the store adds:
label and span checks, the change-log row, the snapshot. The same raw commit with
synchronous=NORMAL is reported too: the difference is the store's CPU cost alone.

    python benchmarks/bench_store.py [--commits 2000] [--documents 10000]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import WORDS, emit, summary, timings_ms  # noqa: E402

from workbench.model import NewDocument  # noqa: E402
from workbench.store import Store  # noqa: E402


def generated_text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)) + "."


def raw_commits(path: Path, n: int, synchronous: str = "FULL") -> list[float]:
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA synchronous = {synchronous}")
    conn.execute(
        "CREATE TABLE t (doc_id INTEGER, start INTEGER, end INTEGER, label TEXT, text TEXT)"
    )

    def commit(i: int) -> None:
        conn.execute("BEGIN")
        conn.execute("INSERT INTO t VALUES (?, ?, ?, 'GPE', 'Iran')", (1, i, i + 4))
        conn.execute("COMMIT")

    values = timings_ms(commit, n)
    conn.close()
    return values


def store_commits(path: Path, n: int) -> list[float]:
    rng = random.Random(1)
    text = generated_text(rng, 5000)
    with Store.open(path, annotator="bench") as store:
        [doc_id], _ = store.documents.add_many(
            [NewDocument("bench", text, hashlib.sha256(text.encode()).hexdigest(), "bench")]
        )
        length = len(text)
        return timings_ms(
            lambda i: store.mentions.add(doc_id, i % (length - 5), i % (length - 5) + 4, "GPE"), n
        )


def import_rate(path: Path, documents: int) -> dict[str, float]:
    rng = random.Random(2)
    records = []
    for i in range(documents):
        text = f"Report {i}. " + generated_text(rng, 300)
        records.append(
            NewDocument(f"Report {i}", text, hashlib.sha256(text.encode()).hexdigest(), "bench")
        )
    with Store.open(path, annotator="bench") as store:
        start = time.perf_counter()
        for i in range(0, documents, 100):  # one transaction per 100-document file
            store.documents.add_many(records[i : i + 100])
        elapsed = time.perf_counter() - start
    return {
        "documents": documents,
        "seconds": round(elapsed, 3),
        "documents_per_second": round(documents / elapsed, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commits", type=int, default=2000)
    parser.add_argument("--documents", type=int, default=10000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        # interleave warm-up so neither side profits from a cold cache alone
        raw_commits(tmp_path / "warm.db", 200)
        raw = summary(raw_commits(tmp_path / "raw.db", args.commits))
        ours = summary(store_commits(tmp_path / "store.db", args.commits))
        raw_no_fsync = summary(raw_commits(tmp_path / "raw_normal.db", args.commits, "NORMAL"))
        imports = import_rate(tmp_path / "import.db", args.documents)
    emit(
        {
            "benchmark": "store",
            "annotation_commit": ours,
            "raw_sqlite_single_row_commit": raw,
            "raw_sqlite_single_row_commit_without_fsync": raw_no_fsync,
            "store_cpu_overhead_p50_ms": round(ours["p50_ms"] - raw["p50_ms"], 4),
            "ratio_p50": round(ours["p50_ms"] / raw["p50_ms"], 2),
            "ratio_p95": round(ours["p95_ms"] / raw["p95_ms"], 2),
            "goal": "annotation commit p95 < 2 ms and <= 2x raw",
            "import": imports,
        }
    )


if __name__ == "__main__":
    main()
