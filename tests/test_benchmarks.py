"""The benchmarks keep working: each runs on tiny sizes and prints the JSON it promises."""

from __future__ import annotations

import json
import subprocess
import sys

from helpers import ROOT

BENCHMARKS = ROOT / "benchmarks"


def run(script: str, *args: str) -> dict:
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_bench_store() -> None:
    figures = run("bench_store.py", "--commits", "50", "--documents", "200")
    assert figures["annotation_commit"]["p95_ms"] > 0
    assert figures["raw_sqlite_single_row_commit"]["p95_ms"] > 0
    assert figures["import"]["documents"] == 200


def test_linking_quality() -> None:
    figures = run("linking_quality.py")
    assert figures["cases"] >= 60 and 0 <= figures["accuracy_at_1"] <= 1


def test_bench_linking() -> None:
    figures = run(
        "bench_linking.py",
        "--sizes",
        "3000",
        "--queries",
        "40",
        "--brute",
        "20",
        "--keep-page-cache",
    )
    size = figures["sizes"]["3000"]
    assert size["aliases"] == 3000
    assert 0 <= size["recall_at_10_relative_to_brute_force"] <= 1
    assert size["linker_latency"]["p95_ms"] > 0


def test_bench_tui() -> None:
    figures = run(
        "bench_tui.py",
        "--runs",
        "1",
        "--keys",
        "10",
        "--annotations",
        "2",
        "--size",
        "20000",
        "--mentions",
        "200",
    )
    assert figures["time_to_first_frame"]["ratio"] > 0
    assert figures["document"] == {"characters": 20000, "annotations": 200}
    assert figures["keystroke_to_refresh"]["annotations_created"] == 2


def test_bench_export() -> None:
    figures = run("bench_export.py", "--documents", "20", "--mentions-per-document", "10")
    assert figures["mentions"] == 200
    assert figures["jsonl"]["rows_per_second"] > 0 and figures["ratio_vs_baseline"] > 0
    assert {"jsonl", "spacy", "brat", "conll", "csv", "stix", "graphml"} <= set(
        figures["exporters_seconds"]
    )


def test_preannotate_quality() -> None:
    figures = run("preannotate_quality.py")
    assert len(figures["directions"]) == 2
    assert all(0 <= d["precision"] <= 1 for d in figures["directions"])


def test_bench_preannotate() -> None:
    figures = run("bench_preannotate.py", "--aliases", "2000", "--words", "5000")
    assert figures["words"] >= 5000
    assert figures["whole_preannotation"]["words_per_second"] > 0
    assert figures["baseline_raw_phrase_matcher"]["words_per_second"] > 0
    parallel = figures["whole_preannotation_parallel"]
    assert parallel["suggestions"] == figures["whole_preannotation"]["suggestions"]
    rounds = figures["ratio_whole_vs_baseline_rounds"]
    assert len(rounds) == 3 and figures["ratio_whole_vs_baseline"] == sorted(rounds)[1]


def test_bench_postgres(postgres_db) -> None:
    server = postgres_db.rsplit("/", 1)[0] + "/postgres"  # (the run's server)
    figures = run(
        "bench_postgres.py",
        *("--server", server, "--commits", "40", "--aliases", "2000", "--queries", "20"),
        *("--documents", "20", "--mentions-per-document", "10", "--words", "3000"),
        *("--preannotation-aliases", "500", "--preannotation-rounds", "2"),
    )
    pre = figures["preannotation"]
    assert pre["suggestions"]["postgresql"] == pre["suggestions"]["sqlite"] > 0
    assert len(pre["seconds"]["postgresql"]) == len(pre["seconds"]["sqlite"]) == 2
    assert pre["postgresql_vs_sqlite_time"] > 0
    assert figures["linker"] and figures["import"] and figures["export"]


def test_bench_search() -> None:
    figures = run(
        "bench_search.py",
        "--documents",
        "3",
        "--document-mb",
        "0.05",
        "--large-mb",
        "0.2",
        "--runs",
        "1",
    )
    every = figures["queries"]["word in every sentence"]
    assert every["documents_matched"] == 4 and every["hits_on_first_page"] == 20
    assert every["fts5_ranked_top_20_ids_ms"] > 0


def test_linking_on_geonames() -> None:
    figures = run(
        "linking_geonames.py",
        "--min-population",
        "15000",
        "--max-cities",
        "2000",
        "--queries",
        "40",
        "--brute",
        "10",
    )
    assert figures["knowledge_base"]["cities"] == 2000
    linker = figures["linker"]
    assert linker["queries"] == 40 and 0 <= linker["recall_at_10"] <= 1
    assert sum(figures["kinds"].values()) == 40
    assert figures["tfidf_char_trigrams"]["queries"] == 40
    assert figures["brute_force_wratio"]["queries"] == 10
    together = figures["any_method_on_brute_force_sample"]
    assert together["queries"] == 10
    linker_alone = figures["linker_on_brute_force_sample"]["recall_at_10"]
    assert together["recall_at_10"] >= together["linker_and_tfidf"] >= linker_alone
    bands = linker["precision_by_score"]
    assert sum(b["top_candidates"] for b in bands) <= 40


def test_bench_agreement() -> None:
    figures = run("bench_agreement.py", "--documents", "20", "--mentions", "20")
    assert figures["documents"] == 20 and figures["workbench_agreement_s"] > 0
    assert figures["labelled_f1_a_b"] == figures["seqeval_micro_f1_a_b"]
