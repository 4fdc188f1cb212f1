"""Scoring a linker against labelled cases: accuracy@1/@10, NIL precision/recall, calibration."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from workbench.linking.linker import Linker

SCORE_BINS = ((0, 75), (75, 85), (85, 95), (95, 101))


def evaluate(linker: Linker, cases: Iterable[Mapping]) -> dict[str, object]:
    """Evaluate cases `{"query", "label"?, "expected": entity id or None, "kind"?}`."""
    total = correct = in_top10 = linkable = 0
    nil_decided = nil_right = nil_expected = nil_found = 0
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    bins: dict[str, list[int]] = {f"{lo}-{hi - 1}": [0, 0] for lo, hi in SCORE_BINS}
    errors = []
    for case in cases:
        result = linker.link(case["query"], case.get("label"))
        expected = case.get("expected")
        got = result.link.entity_id if result.link else None
        total += 1
        ok = got == expected
        correct += ok
        kind = by_kind[case.get("kind", "all")]
        kind[0] += ok
        kind[1] += 1
        if expected is not None:
            linkable += 1
            in_top10 += expected in {c.entity_id for c in result.candidates[:10]}
        else:
            nil_expected += 1
            nil_found += got is None
        if got is None:
            nil_decided += 1
            nil_right += expected is None
        else:
            for lo, hi in SCORE_BINS:
                if lo <= result.link.score < hi:
                    bins[f"{lo}-{hi - 1}"][0] += ok
                    bins[f"{lo}-{hi - 1}"][1] += 1
        if not ok:
            errors.append(
                {
                    "query": case["query"],
                    "label": case.get("label"),
                    "expected": expected,
                    "got": got,
                    "reason": result.reason,
                }
            )
    return {
        "cases": total,
        "accuracy_at_1": round(correct / total, 4) if total else 0.0,
        "accuracy_at_10": round(in_top10 / linkable, 4) if linkable else 0.0,
        "nil_precision": round(nil_right / nil_decided, 4) if nil_decided else 0.0,
        "nil_recall": round(nil_found / nil_expected, 4) if nil_expected else 0.0,
        "accuracy_by_kind": {k: round(v[0] / v[1], 4) for k, v in sorted(by_kind.items())},
        "link_precision_by_score": {k: {"links": v[1], "correct": v[0]} for k, v in bins.items()},
        "errors": errors,
    }
