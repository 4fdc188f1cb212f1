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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import WORDS, emit, summary, timings_ms  # noqa: E402

from workbench.model import NewDocument  # noqa: E402
from workbench.store import Store  # noqa: E402


def generated_text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)) + "."


# Commits are timed in alternating blocks, one side after the other, so that a slow spell
# of the disk (fsync times vary from second to second) falls on both sides alike.
BLOCK = 100


@contextmanager
def raw_committer(path: Path, synchronous: str = "FULL") -> Iterator[Callable[[int], None]]:
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

    try:
        yield commit
    finally:
        conn.close()


@contextmanager
def store_committer(path: Path) -> Iterator[Callable[[int], None]]:
    rng = random.Random(1)
    text = generated_text(rng, 5000)
    with Store.open(path, annotator="bench") as store:
        [doc_id], _ = store.documents.add_many(
            [NewDocument("bench", text, hashlib.sha256(text.encode()).hexdigest(), "bench")]
        )
        last = len(text) - 5
        yield lambda i: store.mentions.add(doc_id, i % last, i % last + 4, "GPE")


def interleaved(committers: dict[str, Callable[[int], None]], n: int) -> dict[str, list[float]]:
    """n timed commits of each committer, in alternating blocks of BLOCK."""
    times: dict[str, list[float]] = {name: [] for name in committers}
    for first in range(0, n, BLOCK):
        for name, commit in committers.items():
            times[name] += timings_ms(lambda i, c=commit, f=first: c(f + i), BLOCK)
    return times


def generated_documents(documents: int) -> list[NewDocument]:
    """Reports of 300 generated words each (the same ones on every run)."""
    rng = random.Random(2)
    records = []
    for i in range(documents):
        text = f"Report {i}. " + generated_text(rng, 300)
        records.append(
            NewDocument(f"Report {i}", text, hashlib.sha256(text.encode()).hexdigest(), "bench")
        )
    return records


def import_rate(path: Path, documents: int) -> dict[str, float]:
    records = generated_documents(documents)
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
        with (
            raw_committer(tmp_path / "raw.db") as raw_commit,
            store_committer(tmp_path / "store.db") as store_commit,
            raw_committer(tmp_path / "raw_normal.db", "NORMAL") as raw_commit_no_fsync,
        ):
            committers = {
                "raw": raw_commit,
                "store": store_commit,
                "raw_no_fsync": raw_commit_no_fsync,
            }
            interleaved(committers, BLOCK * 2)  # warm-up, not counted
            times = interleaved(committers, args.commits)
        imports = import_rate(tmp_path / "import.db", args.documents)
    raw, ours = summary(times["raw"]), summary(times["store"])
    raw_no_fsync = summary(times["raw_no_fsync"])
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
