"""Full-text search at size: worst-case queries over many large documents and one very
large one, against a plain FTS5 MATCH count over the same table in the same run.

The corpus: `--documents` documents of `--document-mb` MB of generated news-like text
(one word, "alpha", is in every sentence of every document: a query for it matches
everything), and one document of `--large-mb` MB. Each query is timed as the CLI runs it
(`Store.search`, first page of 20 hits, and a deep page), and beside it two baselines over
the same MATCH: the count of the documents FTS5 finds (the cheapest thing an index can
answer), and the ids of the 20 best documents by bm25 (what any ranked search must do;
the stronger baseline). Search adds reading the best documents' text for the hits.

    python benchmarks/bench_search.py [--documents 1000] [--document-mb 1] [--large-mb 20]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import WORDS, emit  # noqa: E402

from workbench.model import NewDocument  # noqa: E402
from workbench.store import Store  # noqa: E402

QUERIES = {
    "word in every sentence": "alpha",
    "most common word": "the",
    "prefix of many words": "p*",
    "phrase of common words": '"the alpha"',
    "OR of common words": "the OR alpha OR in",
    "AND with a rare word": "alpha AND zebrafinch",
    "invalid syntax (searched as a phrase)": '"unclosed AND (',
}


def document(rng: random.Random, size: int, number: int) -> NewDocument:
    """About `size` characters of sentences, each with the word 'alpha'."""
    sentences, length = [], 0
    while length < size:
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
        words.insert(rng.randrange(len(words)), "alpha")
        sentence = " ".join(words).capitalize() + ". "
        sentences.append(sentence)
        length += len(sentence)
    text = "".join(sentences)
    if number == 7:
        text += "A zebrafinch sang. "
    return NewDocument(
        f"Report {number}", text, hashlib.sha256(text.encode()).hexdigest(), f"bench {number}"
    )


def best_of(runs: int, call) -> float:  # type: ignore[no-untyped-def]
    """The fastest of `runs` calls, in ms (the page cache is warm after the first)."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return round(best * 1000, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--document-mb", type=float, default=1.0)
    parser.add_argument("--large-mb", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "s.db", "bench") as store:
        started = time.perf_counter()
        size = int(args.document_mb * 1024 * 1024)
        for first in range(0, args.documents, 50):
            batch = [document(rng, size, n) for n in range(first, min(first + 50, args.documents))]
            store.documents.add_many(batch)
        store.documents.add_many([document(rng, int(args.large_mb * 1024 * 1024), -1)])
        build = time.perf_counter() - started
        results = {}
        for name, query in QUERIES.items():
            match = (
                query if not query.startswith('"unclosed') else '"' + query.replace('"', '""') + '"'
            )

            def count(match: str = match) -> int:
                return store.conn.execute(
                    "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ?", (match,)
                ).fetchone()[0]

            def ranked(match: str = match) -> list:
                return store.conn.execute(
                    "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ? "
                    "ORDER BY bm25(documents_fts, 5.0, 1.0) LIMIT 20",
                    (match,),
                ).fetchall()

            matched = count()
            first_page = best_of(args.runs, lambda q=query: store.documents.search(q, 20))
            deep_page = best_of(args.runs, lambda q=query: store.documents.search(q, 20, skip=5000))
            baseline = best_of(args.runs, count)
            ranked_baseline = best_of(args.runs, ranked)
            results[name] = {
                "query": query,
                "documents_matched": matched,
                "hits_on_first_page": len(store.documents.search(query, 20)),
                "search_first_page_ms": first_page,
                "search_hits_5000_to_5020_ms": deep_page,
                "fts5_match_count_ms": baseline,
                "fts5_ranked_top_20_ids_ms": ranked_baseline,
                "first_page_vs_count": round(first_page / baseline, 2) if baseline else None,
                "first_page_vs_ranked_ids": (
                    round(first_page / ranked_baseline, 2) if ranked_baseline else None
                ),
            }
        emit(
            {
                "benchmark": "full-text search, worst-case queries",
                "documents": args.documents,
                "document_mb": args.document_mb,
                "large_document_mb": args.large_mb,
                "corpus_build_seconds": round(build, 1),
                "queries": results,
            }
        )


if __name__ == "__main__":
    main()
