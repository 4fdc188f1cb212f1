"""Export speed: JSONL rows/second next to a plain json.dumps loop over the same rows,
and the time of every registered exporter on the same corpus.

The corpus is generated: N documents of news-like words, each with M mentions (70 %
linked to a KB of 5,000 entities, 15 per
document) and two events with roles. Setup writes rows with raw
SQL (it is not what is measured); the exports go through the real plugin manager, the
store API and `run_export` (temporary file, fsync, rename).

    python benchmarks/bench_export.py [--documents 10000] [--mentions-per-document 100]
        [--exporters jsonl,spacy,...] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import WORDS, emit  # noqa: E402

from workbench.exporters import ExportView, run_export  # noqa: E402
from workbench.importers.reading import sha256_text  # noqa: E402
from workbench.model import (
    NewDocument,  # noqa: E402
    as_entities,  # noqa: E402
)
from workbench.plugins import default_plugin_dirs, load_plugins  # noqa: E402
from workbench.store import Store  # noqa: E402

LABELS = ("PERSON", "ORG", "GPE", "NORP", "DATE")
ENTITIES = 5000
CAST = 15


def build(path: Path, documents: int, per_document: int, seed: int = 7) -> int:
    """Generate the corpus; returns the number of mentions."""
    rng = random.Random(seed)
    with Store.open(path, annotator="bench") as store:
        store.kb.import_entities(
            as_entities(
                [(f"e{i}", f"Entity {i}", LABELS[i % 4], (f"E{i}",)) for i in range(ENTITIES)]
            )
        )
        records = []
        for d in range(documents):
            words = [rng.choice(WORDS) for _ in range(per_document * 3)]
            text = " ".join(words) + "."
            records.append(NewDocument(f"Generated report {d}", text, sha256_text(text), "bench"))
        store.documents.add_many(records)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    now = "2026-01-01T00:00:00.000+00:00"
    mentions = 0
    for doc_id, text in conn.execute("SELECT id, text FROM documents").fetchall():
        offsets, pos = [], 0
        for word in text[:-1].split(" "):
            offsets.append((pos, pos + len(word), word))
            pos += len(word) + 1
        chosen = sorted(rng.sample(range(len(offsets)), per_document))
        # A report names a dozen or so actors and places, not 70 random ones: the graph
        # exporter's co-occurrence edges grow with the square of that number.
        cast = [f"e{rng.randrange(ENTITIES)}" for _ in range(CAST)]
        rows = []
        for i in chosen:
            start, end, word = offsets[i]
            entity = rng.choice(cast) if rng.random() < 0.7 else None
            label = LABELS[int(entity[1:]) % 4] if entity else "DATE"
            rows.append((doc_id, start, end, word, label, entity, now, now))
        conn.executemany(
            'INSERT INTO mentions (doc_id, start, "end", text, label, entity_id, status, source, '
            "annotator, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'accepted', 'gold', "
            "'bench', ?, ?)",
            rows,
        )
        mentions += len(rows)
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM mentions WHERE doc_id = ? ORDER BY start", (doc_id,)
            )
        ]
        for e in range(2):
            start, end, word = offsets[chosen[e]]
            event_id = conn.execute(
                "INSERT INTO events (doc_id, type, subtype, trigger_start, trigger_end, trigger_text, "
                "date, fatalities_low, fatalities_high, created_at, updated_at) VALUES "
                "(?, 'Battles', 'Armed clash', ?, ?, ?, '2024-01-16', 2, 2, ?, ?)",
                (doc_id, start, end, word, now, now),
            ).lastrowid
            conn.execute(
                "INSERT INTO event_roles (event_id, role, mention_id) VALUES (?, 'Attacker', ?), (?, 'Target', ?)",
                (event_id, ids[2 + 2 * e], event_id, ids[3 + 2 * e]),
            )
    conn.execute("COMMIT")
    conn.close()
    return mentions


def baseline_json_loop(path: Path, output: Path) -> float:
    """The same mention rows, read with sqlite3 and written with json.dumps: seconds."""
    start = time.perf_counter()
    conn = sqlite3.connect(path)
    with open(output, "w", encoding="utf-8") as out:
        write_json_lines(conn.execute(MENTION_ROWS), out)
    conn.close()
    return time.perf_counter() - start


# The rows the baselines read: (doc_id, start, end, label, text, entity_id), in order.
MENTION_ROWS = (
    'SELECT doc_id, start, "end", label, text, entity_id FROM mentions ORDER BY doc_id, start'
)


def write_json_lines(rows: Iterable[Sequence[object]], out: TextIO) -> None:
    """Each mention row as a line of JSON (the baselines' plain json.dumps loop)."""
    for row in rows:
        out.write(
            json.dumps(
                {
                    "doc": row[0],
                    "start": row[1],
                    "end": row[2],
                    "label": row[3],
                    "text": row[4],
                    "kb_id": row[5],
                },
                ensure_ascii=False,
            )
        )
        out.write("\n")


def timed_export(path: Path, plugins, name: str, output: Path) -> tuple[float, list[str]]:
    start = time.perf_counter()
    with Store.open(path, annotator="bench") as store:
        context = run_export(plugins.exporter(name), ExportView(store), output)
    return time.perf_counter() - start, context.warnings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10000)
    parser.add_argument("--mentions-per-document", type=int, default=100)
    parser.add_argument("--exporters", default="")
    parser.add_argument("--keep", type=Path, help="keep the generated database and outputs here")
    args = parser.parse_args()
    plugins = load_plugins(default_plugin_dirs(), entry_points=False)
    names = [n for n in args.exporters.split(",") if n] or sorted(plugins.exporters)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        db = folder / "export-bench.db"
        start = time.perf_counter()
        mentions = build(db, args.documents, args.mentions_per_document)
        build_s = time.perf_counter() - start
        base_s = baseline_json_loop(db, folder / "baseline.jsonl")
        jsonl_s, _ = timed_export(db, plugins, "jsonl", folder / "export.jsonl")
        exporters = {}
        for name in names:
            exporter = plugins.exporter(name)
            seconds, warnings = timed_export(
                db, plugins, name, folder / f"export-{name}{exporter.extension}"
            )
            exporters[name] = {"seconds": round(seconds, 2), "warnings": len(warnings)}
        emit(
            {
                "documents": args.documents,
                "mentions": mentions,
                "setup_seconds": round(build_s, 1),
                "jsonl": {
                    "seconds": round(jsonl_s, 2),
                    "rows_per_second": round(mentions / jsonl_s),
                    "note": "whole documents: text, spans, events, meta",
                },
                "baseline_json_dumps_loop": {
                    "seconds": round(base_s, 2),
                    "rows_per_second": round(mentions / base_s),
                },
                "ratio_vs_baseline": round(base_s / jsonl_s, 3),
                "goal_ratio": 0.5,
                "exporters_seconds": exporters,
            }
        )


if __name__ == "__main__":
    main()
