"""The workbench on PostgreSQL, each figure against a baseline measured in the same run on
the same local server (started for the run with fsync on, as a team's server runs):

- one annotation commit vs a raw psycopg single-row INSERT + COMMIT (goal p95 <= 2x);
- the linker at N aliases (synthetic KB) on PostgreSQL vs the same KB in SQLite, the same
  queries: p95 (goal < 15 ms at 1M) and recall@10 (goal: unchanged);
- import of D documents vs a raw COPY of the same rows, and export (jsonl) of the
  mentions vs a server-side cursor loop writing the same rows as JSON (goal >= 0.5x);
- pre-annotation of W words on PostgreSQL vs the same on SQLite (goal <= 1.2x the time).

Corpora are built in SQLite by the other benchmarks' builders and copied to the server
with `db copy`, then vacuumed and checkpointed (setup, not measured: each side's timing
starts from its data on disk).

    python benchmarks/bench_postgres.py [--commits 2000] [--aliases 1000000]
        [--documents 10000] [--mentions-per-document 100] [--words 1000000]
        [--preannotation-rounds 3] [--server postgresql://USER@HOST/postgres]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))  # the throwaway server the tests use
import postgres_server  # noqa: E402
import psycopg  # noqa: E402
from _common import emit, summary, timings_ms  # noqa: E402
from bench_export import MENTION_ROWS, baseline_json_loop, timed_export, write_json_lines  # noqa: E402
from bench_export import build as build_export_corpus  # noqa: E402
from bench_linking import LATENCY_SCRIPT  # noqa: E402
from bench_preannotate import corpus  # noqa: E402
from bench_preannotate import fill as fill_preannotation  # noqa: E402
from bench_store import generated_documents, generated_text  # noqa: E402
from synthetic_kb import generate, variant_query  # noqa: E402

from workbench.model import NewDocument, as_entities  # noqa: E402
from workbench.nlp import batch  # noqa: E402
from workbench.plugins import default_plugin_dirs, load_plugins  # noqa: E402
from workbench.store import Store  # noqa: E402
from workbench.store.copying import copy_database  # noqa: E402
from workbench.workspace import Workspace  # noqa: E402

BLOCK = 100  # commits timed in alternating blocks, so a slow spell falls on both sides


def copied_to_server(source: Path, server: str) -> str:
    """A new database on the server holding what the SQLite file holds; its URL."""
    url = postgres_server.new_database(server)
    with Store.open(source, annotator="bench") as reading, Store.open(url, annotator="bench") as w:
        copy_database(reading, w)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")  # statistics for the planner, as autovacuum would
        # what the copy wrote is made durable now, not by a checkpoint in a later timing
        # (the SQLite file is complete on disk once its copy is closed)
        conn.execute("CHECKPOINT")
    return url


# -- one annotation commit ---------------------------------------------------------------


@contextmanager
def raw_committer(url: str) -> Iterator[Callable[[int], None]]:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE raw_mentions (doc_id bigint, start bigint, stop bigint, label text, "
            "text text)"
        )

        def commit(i: int) -> None:
            conn.execute("BEGIN")
            conn.execute(
                "INSERT INTO raw_mentions VALUES (%s, %s, %s, 'GPE', 'Iran')", (1, i, i + 4)
            )
            conn.execute("COMMIT")

        yield commit


@contextmanager
def store_committer(url: str) -> Iterator[Callable[[int], None]]:
    text = generated_text(random.Random(1), 5000)
    with Store.open(url, annotator="bench") as store:
        [doc_id], _ = store.documents.add_many(
            [NewDocument("bench", text, hashlib.sha256(text.encode()).hexdigest(), "bench")]
        )
        last = len(text) - 5
        yield lambda i: store.mentions.add(doc_id, i % last, i % last + 4, "GPE")


def commits(server: str, n: int) -> dict:
    with (
        raw_committer(postgres_server.new_database(server)) as raw,
        store_committer(postgres_server.new_database(server)) as ours,
    ):
        sides = {"raw": raw, "store": ours}
        times: dict[str, list[float]] = {name: [] for name in sides}
        for first in range(0, n + 2 * BLOCK, BLOCK):
            for name, commit in sides.items():
                timed = timings_ms(lambda i, c=commit, f=first: c(f + i), BLOCK)
                if first >= 2 * BLOCK:  # two blocks of warm-up, not counted
                    times[name] += timed
    store, raw_figures = summary(times["store"]), summary(times["raw"])
    return {
        "annotation_commit": store,
        "raw_psycopg_single_row_commit": raw_figures,
        "ratio_p50": round(store["p50_ms"] / raw_figures["p50_ms"], 2),
        "ratio_p95": round(store["p95_ms"] / raw_figures["p95_ms"], 2),
        "goal": "p95 <= 2x the raw commit",
    }


# -- the linker ----------------------------------------------------------------------------


def linker(server: str, aliases: int, queries: int, tmp: Path) -> dict:
    rng = random.Random(aliases)
    entities = generate(aliases, seed=aliases)
    db = tmp / "kb.db"
    with Store.open(db, annotator="bench") as store:
        store.kb.import_entities(
            as_entities([(e.id, e.name, e.label, e.aliases) for e in entities])
        )
        alias_total = store.stats()["aliases"]
    url = copied_to_server(db, server)
    sample = rng.sample(entities, queries)
    query_file = tmp / "queries.json"
    query_file.write_text(json.dumps([variant_query(rng, e)[0] for e in sample]))
    found = {}
    for name, target in (("sqlite", str(db)), ("postgresql", url)):
        child = subprocess.run(
            [sys.executable, "-c", LATENCY_SCRIPT, target, str(query_file)],
            capture_output=True,
            text=True,
            check=True,
        )
        found[name] = json.loads(child.stdout)
    result: dict = {"aliases": alias_total, "queries": queries}
    for name, figures in found.items():
        result[name] = {
            "latency": summary(figures["latencies_ms"]),
            "recall_at_10": round(
                sum(e.id in top for e, top in zip(sample, figures["top10"], strict=True)) / queries,
                4,
            ),
        }
    result["same_top10"] = round(
        sum(
            a == b
            for a, b in zip(found["sqlite"]["top10"], found["postgresql"]["top10"], strict=True)
        )
        / queries,
        4,
    )
    result["goal"] = "p95 < 15 ms at 1M aliases, recall@10 unchanged"
    return result


# -- import and export ---------------------------------------------------------------------


def import_documents(server: str, documents: int) -> dict:
    records = generated_documents(documents)
    url = postgres_server.new_database(server)
    with Store.open(url, annotator="bench") as store:
        start = time.perf_counter()
        for i in range(0, documents, 100):  # one transaction per 100-document file
            store.documents.add_many(records[i : i + 100])
        ours = time.perf_counter() - start
    raw_url = postgres_server.new_database(server)
    with psycopg.connect(raw_url, autocommit=True) as conn:
        # the same rows and a full-text index, as the store keeps one
        conn.execute("CREATE TABLE documents (title text, text text, sha256 text UNIQUE)")
        conn.execute(
            "CREATE INDEX ON documents USING gin ((to_tsvector('simple', title) || "
            "to_tsvector('simple', text)))"
        )
        start = time.perf_counter()
        with (
            conn.transaction(),
            conn.cursor().copy("COPY documents (title, text, sha256) FROM STDIN") as copy,
        ):
            for record in records:
                copy.write_row((record.title, record.text, record.sha256))
        raw = time.perf_counter() - start
    return {
        "documents": documents,
        "store_seconds": round(ours, 3),
        "raw_copy_seconds": round(raw, 3),
        "ratio_vs_copy": round(raw / ours, 3),
        "goal": ">= 0.5x the raw COPY",
    }


def server_cursor_json_loop(url: str, output: Path) -> float:
    """The mention rows read through a server-side cursor and written with json.dumps."""
    start = time.perf_counter()
    with psycopg.connect(url) as conn, open(output, "w", encoding="utf-8") as out:
        cursor = conn.cursor(name="mentions")
        cursor.execute(MENTION_ROWS)
        write_json_lines(cursor, out)
    return time.perf_counter() - start


def export_mentions(server: str, documents: int, per_document: int, tmp: Path) -> dict:
    db = tmp / "export.db"
    mentions = build_export_corpus(db, documents, per_document)
    url = copied_to_server(db, server)
    plugins = load_plugins(default_plugin_dirs(None))
    figures = {}
    for name, target in (("sqlite", db), ("postgresql", url)):
        exported, _ = timed_export(target, plugins, "jsonl", tmp / f"{name}.jsonl")  # type: ignore[arg-type]
        figures[name] = exported
    raw_sqlite = baseline_json_loop(db, tmp / "raw-sqlite.jsonl")
    raw_server = server_cursor_json_loop(url, tmp / "raw-postgresql.jsonl")
    same = (tmp / "sqlite.jsonl").read_bytes() == (tmp / "postgresql.jsonl").read_bytes()
    return {
        "mentions": mentions,
        "export_seconds": {k: round(v, 3) for k, v in figures.items()},
        "server_cursor_loop_seconds": round(raw_server, 3),
        "sqlite_json_loop_seconds": round(raw_sqlite, 3),
        "ratio_vs_server_cursor_loop": round(raw_server / figures["postgresql"], 3),
        "byte_identical_to_sqlite_export": same,
        "goal": ">= 0.5x the server-side cursor loop",
    }


# -- pre-annotation ------------------------------------------------------------------------


def preannotation(server: str, aliases: int, words: int, rounds: int, tmp: Path) -> dict:
    """Each round pre-annotates a fresh copy of the corpus on SQLite, then on the server;
    the figure is the ratio of the median times (a slow spell of the machine falls in one
    round, not in the result)."""
    rng = random.Random(11)
    entities = generate(aliases, seed=11)
    texts = corpus(rng, entities, words)
    db = tmp / "pre.db"
    fill_preannotation(db, entities, texts)
    template = copied_to_server(db, server).rsplit("/", 1)[1]
    seconds: dict[str, list[float]] = {"sqlite": [], "postgresql": []}
    suggestions = {}
    for round_number in range(rounds):
        copy = tmp / f"pre-{round_number}.db"
        shutil.copyfile(db, copy)
        url = postgres_server.new_database(server, template=template)
        with psycopg.connect(url, autocommit=True) as conn:
            # (as after `copied_to_server`: the copy vacuumed, and durable before its timing)
            conn.execute("VACUUM ANALYZE")
            conn.execute("CHECKPOINT")
        for name, target in (("sqlite", copy), ("postgresql", url)):
            with Store.open(target, annotator="bench") as store:
                batch.PIPELINES.clear()
                batch.pipeline_for(store)  # built untimed on both sides
                start = time.perf_counter()
                done = batch.preannotate(store, Workspace.batch_linker, None, jobs=1)
                seconds[name].append(time.perf_counter() - start)
                suggestions[name] = done.suggestions
        postgres_server.drop_database(url)
        copy.unlink()
    medians = {name: statistics.median(times) for name, times in seconds.items()}
    return {
        "words": sum(len(t.split()) for t in texts),
        "aliases": aliases,
        "rounds": rounds,
        "seconds": {name: [round(t, 2) for t in times] for name, times in seconds.items()},
        "median_seconds": {name: round(t, 2) for name, t in medians.items()},
        "suggestions": suggestions,
        "postgresql_vs_sqlite_time": round(medians["postgresql"] / medians["sqlite"], 3),
        "goal": "<= 1.2x the SQLite time",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=2000)
    parser.add_argument("--aliases", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--mentions-per-document", type=int, default=100)
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--preannotation-aliases", type=int, default=100_000)
    parser.add_argument("--preannotation-rounds", type=int, default=3)
    parser.add_argument("--server", help="a server's URL (default: start a throwaway one)")
    args = parser.parse_args()
    started = postgres_server.server(fsync=True) if not args.server else nullcontext(args.server)
    with started as server, tempfile.TemporaryDirectory() as folder:
        if server is None:
            sys.exit("error: no PostgreSQL server: install postgresql or give --server")
        tmp = Path(folder)
        emit(
            {
                "benchmark": "postgres",
                "commit": commits(server, args.commits),
                "linker": linker(server, args.aliases, args.queries, tmp),
                "import": import_documents(server, args.documents),
                "export": export_mentions(server, args.documents, args.mentions_per_document, tmp),
                "preannotation": preannotation(
                    server, args.preannotation_aliases, args.words, args.preannotation_rounds, tmp
                ),
            }
        )


if __name__ == "__main__":
    main()
