"""Linking at scale: the indexed linker against brute-force rapidfuzz over every alias.

For each KB size (default 100 000 and 1 000 000 aliases) it builds a synthetic KB
(benchmarks/synthetic_kb.py) in a real database, then measures in the same run:
- index build time, database size, process memory;
- p50/p95 latency of `Linker.link` over variant queries whose true entity is known, in a
  process of its own (as a user's process holds only the database and the linker);
- brute force: `rapidfuzz.process.extract(query, all_aliases, scorer=WRatio, limit=10)`
  latency on a few queries, and its top 10 on a sample (scored with `process.cdist`, the
  same scorer and processor, on both cores) for recall;
- recall@10 relative to brute force: of the sampled queries whose true entity brute force
  ranks in its top 10, the share the indexed linker ranks in its top 10 too;
- cold open: a new process opens the database and answers its first query.

    python benchmarks/bench_linking.py [--sizes 100000 1000000] [--queries 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process, utils

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emit, summary, timings_ms  # noqa: E402
from synthetic_kb import generate, variant_query  # noqa: E402

from workbench.model import as_entities  # noqa: E402
from workbench.store import Store  # noqa: E402

# The child reports its resident memory from /proc (ru_maxrss would include the parent's
# peak: Linux keeps it across fork and exec).
COLD_SCRIPT = """
import json, os, sys, time
t0 = time.perf_counter()
from workbench.linking import Linker
from workbench.store import Store
t1 = time.perf_counter()
store = Store.open(sys.argv[1], annotator="bench")
result = Linker(store.kb.candidate_index()).link(sys.argv[2])
t2 = time.perf_counter()
rss = int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
print(json.dumps({"import_s": t1 - t0, "open_and_first_query_s": t2 - t1, "rss_mb": rss}))
"""


LATENCY_SCRIPT = """
import json, os, sys, time
from workbench.linking import Linker
from workbench.store import Store
from workbench.model import as_entities
queries = json.load(open(sys.argv[2]))
store = Store.open(sys.argv[1], annotator="bench")
linker = Linker(store.kb.candidate_index())
linker.link("warm up")
latencies, top10 = [], []
for query in queries:
    start = time.perf_counter()
    result = linker.link(query, limit=10)
    latencies.append((time.perf_counter() - start) * 1000)
    top10.append([c.entity_id for c in result.candidates])
rss = int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
print(json.dumps({"latencies_ms": latencies, "top10": top10, "rss_mb": rss}))
"""


def rss_mb() -> float:
    """Current resident memory of this process in MB."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def drop_page_cache() -> bool:
    """Ask the kernel to drop its page cache (needs root; harmless if refused)."""
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def brute_force_top10(queries: list[str], choices: list[str], owners: list[str]) -> list[list[str]]:
    """Entity ids of the 10 best aliases per query by WRatio, as process.extract ranks them."""
    scores = process.cdist(
        [utils.default_process(q) for q in queries],
        choices,
        scorer=fuzz.WRatio,
        processor=None,
        dtype=np.uint8,
        workers=-1,
    )
    out = []
    for row in scores:
        best = np.argsort(-row.astype(np.int16), kind="stable")[:10]
        out.append([owners[i] for i in best])
    return out


def run_size(size: int, n_queries: int, n_brute: int, tmp: Path, drop_cache: bool = True) -> dict:
    rng = random.Random(size)
    entities = generate(size, seed=size)
    db = tmp / f"kb_{size}.db"
    rows = [(e.id, e.name, e.label, e.aliases) for e in entities]
    rss_before = rss_mb()
    with Store.open(db, annotator="bench") as store:
        start = time.perf_counter()
        store.kb.import_entities(as_entities(rows))
        build_s = time.perf_counter() - start
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        alias_total = store.conn.execute("SELECT count(*) FROM aliases").fetchone()[0]
        index_rows = {
            t: store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("alias_postings", "index_vocab", "index_keys")
        }
    rss_after_build = rss_mb()
    sample = rng.sample(entities, n_queries)
    queries = [variant_query(rng, e) for e in sample]

    # Latency is measured in a process of its own, which holds what a user's linking
    # process holds (the database, the linker): the generated KB here is millions of
    # Python objects whose collector passes and cache pressure would be timed too.
    query_file = tmp / f"queries_{size}.json"
    query_file.write_text(json.dumps([q for q, _ in queries]))
    measured = subprocess.run(
        [sys.executable, "-c", LATENCY_SCRIPT, str(db), str(query_file)],
        capture_output=True,
        text=True,
        check=True,
    )
    child = json.loads(measured.stdout)
    latencies, ours, rss_querying = child["latencies_ms"], child["top10"], child["rss_mb"]

    # brute force over every alias, measured here, now
    choices_raw = [a for e in entities for a in (e.name, *e.aliases)]
    owners = [e.id for e in entities for _ in (e.name, *e.aliases)]
    choices = [utils.default_process(c) for c in choices_raw]
    extract_ms = timings_ms(
        lambda i: process.extract(
            utils.default_process(queries[i][0]),
            choices,
            scorer=fuzz.WRatio,
            processor=None,
            limit=10,
        ),
        3,
    )
    brute_ids = list(range(n_brute))
    start = time.perf_counter()
    brute = brute_force_top10([queries[i][0] for i in brute_ids], choices, owners)
    brute_batch_s = time.perf_counter() - start

    found_by_brute = [i for i, top in zip(brute_ids, brute, strict=True) if sample[i].id in top]
    found_by_both = [i for i in found_by_brute if sample[i].id in ours[i]]
    per_kind: dict[str, list[int]] = {}
    for i in range(n_queries):
        kind = per_kind.setdefault(queries[i][1], [0, 0])
        kind[0] += sample[i].id in ours[i]
        kind[1] += 1
    misses = [
        {"query": queries[i][0], "kind": queries[i][1], "true": sample[i].name}
        for i in found_by_brute
        if i not in set(found_by_both)
    ][:10]

    dropped = drop_page_cache() if drop_cache else False
    cold = subprocess.run(
        [sys.executable, "-c", COLD_SCRIPT, str(db), queries[0][0]],
        capture_output=True,
        text=True,
        check=True,
    )
    cold_figures = json.loads(cold.stdout)
    ours_summary = summary(latencies)
    brute_summary = summary(extract_ms)
    return {
        "aliases": alias_total,
        "entities": len(entities),
        "build_seconds": round(build_s, 2),
        "database_mb": round(db.stat().st_size / 1e6, 1),
        "index_rows": index_rows,
        "memory_mb": {
            "benchmark_rss_before_build": round(rss_before, 1),
            "benchmark_rss_after_build": round(rss_after_build, 1),
            "query_process_rss": round(rss_querying, 1),
            "cold_query_process_rss": round(cold_figures["rss_mb"], 1),
        },
        "linker_latency": ours_summary,
        "brute_force_extract_latency": brute_summary,
        "speedup_p50": round(brute_summary["p50_ms"] / ours_summary["p50_ms"], 1),
        "brute_force_sample": n_brute,
        "brute_force_cdist_seconds": round(brute_batch_s, 1),
        "brute_force_recall_at_10": round(len(found_by_brute) / n_brute, 4),
        "linker_recall_at_10_absolute": round(
            sum(sample[i].id in ours[i] for i in range(n_queries)) / n_queries, 4
        ),
        "linker_recall_at_10_on_sample": round(
            sum(sample[i].id in ours[i] for i in brute_ids) / n_brute, 4
        ),
        "recall_at_10_relative_to_brute_force": round(
            len(found_by_both) / max(1, len(found_by_brute)), 4
        ),
        "linker_recall_by_query_kind": {
            k: round(v[0] / v[1], 3) for k, v in sorted(per_kind.items())
        },
        "missed_where_brute_force_found": misses,
        "cold_open": {
            "page_cache_dropped": dropped,
            "open_and_first_query_s": round(cold_figures["open_and_first_query_s"], 3),
            "python_imports_s": round(cold_figures["import_s"], 3),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument(
        "--brute",
        type=int,
        nargs="+",
        default=[300, 100],
        help="brute-force sample per size (the last value repeats)",
    )
    parser.add_argument(
        "--keep-page-cache",
        action="store_true",
        help="do not drop the OS page cache before the cold-open measurement",
    )
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for i, size in enumerate(args.sizes):
            n_brute = min(args.queries, args.brute[min(i, len(args.brute) - 1)])
            results[str(size)] = run_size(
                size, args.queries, n_brute, Path(tmp), not args.keep_page_cache
            )
    emit(
        {
            "benchmark": "linking",
            "goal": "p95 < 10 ms at 1M aliases, recall@10 >= 0.99 of brute force, cold open + first query < 2 s",
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "sizes": results,
        }
    )


if __name__ == "__main__":
    main()
