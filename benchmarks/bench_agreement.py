"""Agreement at scale: `workbench.agreement` on 10 000 documents, 3 annotators, about 100
mentions each per document with realistic disagreement (missed spans, other labels,
shifted boundaries, other links), against seqeval's `classification_report` computing
exact span F1 for one pair from the same data (as IOB tags) in the same run.

Timed: our whole report (every pair's spans, labels, tokens, links, per label, and α
over all three) from spans and texts; seqeval from IOB sequences made beforehand (their
making is not timed, which favours seqeval).

    python benchmarks/bench_agreement.py [--documents 10000] [--mentions 100]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emit  # noqa: E402

from workbench.agreement import OUTSIDE, Span, agreement, token_labels, token_spans  # noqa: E402

LABELS = ("PERSON", "ORG", "GPE", "DATE", "NORP")
WORD = "word"


def document(rng: random.Random, doc_id: int, mentions: int) -> tuple[str, list[Span]]:
    """A text of words with `mentions` non-overlapping spans of 1-3 words."""
    words = mentions * 4
    text = " ".join([WORD] * words)
    spans, i = [], 0
    while len(spans) < mentions and i < words:
        length = rng.randint(1, 3)
        j = min(words, i + length)
        spans.append(Span(doc_id, i * 5, j * 5 - 1, rng.choice(LABELS), f"e{rng.randrange(50)}"))
        i = j + rng.randint(1, 2)
    return text, spans


def variant(rng: random.Random, spans: list[Span]) -> list[Span]:
    out = []
    for s in spans:
        roll = rng.random()
        if roll < 0.08:
            continue
        if roll < 0.16:
            s = Span(s.doc_id, s.start, s.end, rng.choice(LABELS), s.entity_id)
        elif roll < 0.2 and s.end - s.start > 4:
            s = Span(s.doc_id, s.start, s.end - 5, s.label, s.entity_id)
        elif roll < 0.25:
            s = Span(s.doc_id, s.start, s.end, s.label, None)
        out.append(s)
    return out


def iob(text: str, spans: list[Span]) -> list[str]:
    tokens = token_spans(text)
    labels = token_labels(text, spans, tokens)
    starts = {s.start for s in spans}
    tags, previous = [], OUTSIDE
    for (start, _), label in zip(tokens, labels, strict=True):
        if label == OUTSIDE:
            tags.append("O")
        else:
            tags.append(("B-" if start in starts or previous != label else "I-") + label)
        previous = label
    return tags


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--mentions", type=int, default=100)
    args = parser.parse_args()

    from seqeval.metrics import classification_report

    rng = random.Random(20240116)
    texts: dict[int, str] = {}
    layers: dict[str, list[Span]] = {"a": [], "b": [], "c": []}
    for doc_id in range(1, args.documents + 1):
        text, spans = document(rng, doc_id, args.mentions)
        texts[doc_id] = text
        layers["a"] += variant(rng, spans)
        layers["b"] += variant(rng, spans)
        layers["c"] += variant(rng, spans)
    by_doc: dict[str, dict[int, list[Span]]] = {name: {} for name in layers}
    for name, spans in layers.items():
        for s in spans:
            by_doc[name].setdefault(s.doc_id, []).append(s)
    truth = [iob(texts[d], by_doc["a"].get(d, [])) for d in texts]
    guess = [iob(texts[d], by_doc["b"].get(d, [])) for d in texts]

    start = time.perf_counter()
    report = agreement(layers, texts)
    ours_s = time.perf_counter() - start
    start = time.perf_counter()
    seqeval_report = classification_report(truth, guess, output_dict=True)
    seqeval_s = time.perf_counter() - start

    pair = next(p for p in report["pairs"] if p["annotators"] == ["a", "b"])
    emit(
        {
            "benchmark": "agreement",
            "documents": args.documents,
            "annotators": 3,
            "mentions": sum(len(s) for s in layers.values()),
            "tokens_per_annotator": sum(len(token_spans(t)) for t in texts.values()),
            "workbench_agreement_s": round(ours_s, 4),
            "seqeval_classification_report_one_pair_s": round(seqeval_s, 4),
            "speed_vs_seqeval": round(seqeval_s / ours_s, 2),
            "labelled_f1_a_b": pair["labelled"]["f1"],
            "seqeval_micro_f1_a_b": round(seqeval_report["micro avg"]["f1-score"], 4),
            "alpha_tokens": report["alpha_tokens"],
            "goal": ">= 1x seqeval's speed (the whole report vs seqeval's one pair)",
        }
    )


if __name__ == "__main__":
    main()
