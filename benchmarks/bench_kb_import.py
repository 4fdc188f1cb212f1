"""Knowledge-base import at scale, through the logged path, against `sqlite-utils insert`.

A synthetic knowledge base (benchmarks/synthetic_kb.py) of `--aliases` aliases is written
as the JSONL file `workbench kb import` reads; then, in the same run:
- `workbench kb import FILE` (the command, in a process of its own, on a new database):
  one logged, undoable change, the candidate index included;
- `sqlite-utils insert` (its command line) of the same aliases flattened to rows
  (entity id, name, label, alias text) as newline-delimited JSON into a new database
  with no index: the cost of only storing the rows;
- the same `workbench kb import` with its helper process turned off (the aliases'
  match keys and index entries worked out in the importing process, as for a small
  file): what the helper gains.

    python benchmarks/bench_kb_import.py [--aliases 1000000]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emit  # noqa: E402
from synthetic_kb import generate  # noqa: E402


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, text=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--aliases", type=int, default=1_000_000)
    args = parser.parse_args()

    entities = generate(args.aliases, seed=args.aliases)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        kb_file = folder / "kb.jsonl"
        rows_file = folder / "rows.jsonl"
        with kb_file.open("w") as kb, rows_file.open("w") as rows:
            for e in entities:
                kb.write(
                    json.dumps({"id": e.id, "name": e.name, "label": e.label, "aliases": e.aliases})
                    + "\n"
                )
                for alias in (e.name, *e.aliases):
                    rows.write(
                        json.dumps(
                            {"entity_id": e.id, "name": e.name, "label": e.label, "text": alias}
                        )
                        + "\n"
                    )
        ours_db, base_db = folder / "ours.db", folder / "base.db"
        ours_s = timed(
            [sys.executable, "-m", "workbench", "--db", str(ours_db), "kb", "import", str(kb_file)]
        )
        base_s = timed(
            [
                shutil.which("sqlite-utils") or "sqlite-utils",
                "insert",
                str(base_db),
                "aliases",
                str(rows_file),
                "--nl",
            ]
        )
        alone_s = timed(
            [
                sys.executable,
                "-c",
                "import workbench.linking.bulk as bulk; bulk.MIN_HELPER_ALIASES = 10**12; "
                "from workbench.launch import main; main()",
                "--db",
                str(folder / "alone.db"),
                "kb",
                "import",
                str(kb_file),
            ]
        )
        with sqlite3.connect(ours_db) as conn:
            stored = conn.execute("SELECT count(*) FROM aliases").fetchone()[0]
            logged = conn.execute("SELECT count(*) FROM changes").fetchone()[0]
            undo_steps = conn.execute("SELECT count(DISTINCT group_id) FROM changes").fetchone()[0]
        with sqlite3.connect(base_db) as conn:
            base_rows = conn.execute("SELECT count(*) FROM aliases").fetchone()[0]
    emit(
        {
            "benchmark": "kb_import",
            "entities": len(entities),
            "aliases": stored,
            "change_log_entries": logged,  # one per bulk insert of a step
            "undo_steps": undo_steps,
            "workbench_kb_import_s": round(ours_s, 2),
            "sqlite_utils_insert_s": round(base_s, 2),
            "sqlite_utils_rows": base_rows,
            "ratio": round(ours_s / base_s, 2),
            "without_helper_process_s": round(alone_s, 2),
            "ratio_without_helper_process": round(alone_s / base_s, 2),
            "goal": "<= 2x sqlite-utils insert, index included",
        }
    )


if __name__ == "__main__":
    main()
