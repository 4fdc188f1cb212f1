"""Inter-annotator agreement on mentions: how far independent layers agree.

Spans are compared per document, one-to-one:
- **exact**: the same start and end (labels are compared apart, below);
- **overlap**: every pair of overlapping spans is a candidate; pairs are taken best first
  — the longest overlap, then the smaller boundary difference, then the same label, then
  position — and a span is in at most one pair. The order in which spans were made or
  stored never matters (label-studio#8950: two overlapping labels, both agreed, give 1.0).

Precision of A against B is matched / A's spans, recall matched / B's spans; their F1 is
symmetric. On the overlap-matched pairs: Cohen's κ of the labels, and link agreement (the
same entity, NIL counted as a value). Tokens (words and punctuation) take the label of
the mention that covers them, else `O`; Cohen's κ for each pair and Krippendorff's α
(nominal) over all annotators, on the documents each has annotated. `labelled` is exact
span-and-label F1 (what seqeval reports on IOB data). Figures that a division by zero
would give (no spans, one category) are None, with the reason in `notes`.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter, eq
from typing import Any

from workbench import collector
from workbench.metrics import b_cubed

_TOKEN = re.compile(r"\w+|[^\w\s]")
OUTSIDE = "O"


@dataclass(frozen=True, order=True)
class Span:
    """One annotator's mention, as agreement sees it."""

    doc_id: int
    start: int
    end: int
    label: str
    entity_id: str | None = None


_BOUNDARY_FIELDS = ("doc_id", "start", "end")
_BOUNDARIES = attrgetter(*_BOUNDARY_FIELDS)  # a span's (doc_id, start, end)


def _prf(matched: int, in_a: int, in_b: int) -> dict[str, Any]:
    precision = matched / in_a if in_a else None
    recall = matched / in_b if in_b else None
    f1 = 2 * matched / (in_a + in_b) if in_a + in_b else None
    return {
        "precision": _round(precision),
        "recall": _round(recall),
        "f1": _round(f1),
        "matched": matched,
        "a_only": in_a - matched,
        "b_only": in_b - matched,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def match_overlap(a: Sequence[Span], b: Sequence[Span]) -> list[tuple[Span, Span]]:
    """One-to-one pairs of overlapping spans, chosen best overlap first (see the module),
    returned in the order of `a`'s spans."""
    partner: dict[int, int] = {}
    # A span with the same boundaries as one of the other's is the best either can get:
    # no other pair overlaps as much with no boundary difference. Where that span is the
    # only one with those boundaries on both sides, the pair is settled without ranking.
    keys_a, keys_b = list(map(_BOUNDARIES, a)), list(map(_BOUNDARIES, b))
    count_a, count_b = Counter(keys_a), Counter(keys_b)
    index_b = {key: j for j, key in enumerate(keys_b)}
    for i, key in enumerate(keys_a):
        if count_a[key] == 1 and count_b.get(key) == 1:
            partner[i] = index_b[key]
    settled_b = set(partner.values())
    by_doc: dict[int, list[int]] = {}
    for j, y in enumerate(b):
        if j not in settled_b:
            by_doc.setdefault(y.doc_id, []).append(j)
    index: dict[int, tuple[list[int], list[int], int]] = {}
    for doc_id, members in by_doc.items():
        members.sort(key=lambda j: b[j].start)
        longest = max(b[j].end - b[j].start for j in members)
        index[doc_id] = ([b[j].start for j in members], members, longest)
    candidates = []
    for i, x in enumerate(a):
        if i in partner or x.doc_id not in index:
            continue
        starts, members, longest = index[x.doc_id]
        # only spans starting within `longest` before x, and before x ends, can overlap it
        first = bisect.bisect_left(starts, x.start - longest)
        last = bisect.bisect_left(starts, x.end)
        for j in members[first:last]:
            y = b[j]
            overlap = min(x.end, y.end) - max(x.start, y.start)
            if overlap > 0:
                boundary = abs(x.start - y.start) + abs(x.end - y.end)
                candidates.append(
                    (-overlap, boundary, x.label != y.label, x.doc_id, x.start, x.end)
                    + (y.start, y.end, x.label, y.label, i, j)
                )
    candidates.sort()
    used_b: set[int] = set()
    for *_, i, j in candidates:
        if i not in partner and j not in used_b:
            partner[i] = j
            used_b.add(j)
    return [(a[i], b[partner[i]]) for i in sorted(partner)]


def cohen_kappa(first: Sequence[str], second: Sequence[str]) -> float | None:
    """Cohen's κ of two raters' labels for the same items (None when undefined)."""
    n = len(first)
    if n == 0:
        return None
    if len(second) != n:
        raise ValueError("both raters must label the same items")
    agreeing: int = sum(map(eq, first, second))
    observed = agreeing / n
    count_a, count_b = Counter(first), Counter(second)
    expected = sum(count_a[c] * count_b[c] for c in count_a) / (n * n)
    if expected == 1:
        return None  # one category only: chance explains everything
    return (observed - expected) / (1 - expected)


def krippendorff_alpha_nominal(units: Iterable[Sequence[str | None]]) -> float | None:
    """Krippendorff's α for nominal data; each unit is the values of every coder (None:
    that coder gave none). Units with fewer than two values are left out."""
    coincidence: defaultdict[tuple[str, str], float] = defaultdict(float)
    # Units with the same values count alike: most tokens are `O` for everyone.
    patterns: Counter[tuple[str, ...]] = Counter()
    for unit, times in Counter(map(tuple, units)).items():
        patterns[tuple(sorted(v for v in unit if v is not None))] += times
    for values, times in patterns.items():
        m = len(values)
        if m < 2:
            continue
        for c, n_c in Counter(values).items():
            for k, n_k in Counter(values).items():
                pairs = n_c * (n_c - 1) if c == k else n_c * n_k
                coincidence[(c, k)] += times * pairs / (m - 1)
    total = sum(coincidence.values())
    if total == 0:
        return None
    marginal: defaultdict[str, float] = defaultdict(float)
    for (c, _), weight in coincidence.items():
        marginal[c] += weight
    disagreement_observed = sum(w for (c, k), w in coincidence.items() if c != k)
    disagreement_expected = sum(
        marginal[c] * marginal[k] for c in marginal for k in marginal if c != k
    ) / (total - 1)
    if disagreement_expected == 0:
        return None
    return 1 - disagreement_observed / disagreement_expected


def token_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each token (a word or a punctuation mark) of a text."""
    return [m.span() for m in _TOKEN.finditer(text)]


def token_labels(
    text: str, spans: Sequence[Span], tokens: Sequence[tuple[int, int]] | None = None
) -> list[str]:
    """Each token's label: the longest (then first) span that covers it, else `O`."""
    tokens = token_spans(text) if tokens is None else tokens
    labels = [OUTSIDE] * len(tokens)
    starts = [start for start, _ in tokens]
    # shortest first, so the longest span (then the first) is written last and wins
    by_label = sorted(spans, key=lambda s: s.label, reverse=True)
    for span in sorted(by_label, key=lambda s: (s.end - s.start, -s.start)):
        for i in range(bisect.bisect_left(starts, span.start), len(tokens)):
            if tokens[i][0] >= span.end:
                break
            if tokens[i][1] <= span.end:
                labels[i] = span.label
    return labels


def _matched(a: Counter[Any], b: Counter[Any]) -> int:
    """How many items two multisets share."""
    return sum(min(n, b[key]) for key, n in a.items() if key in b)


def pair_agreement(a: Sequence[Span], b: Sequence[Span]) -> dict[str, Any]:
    """Every pairwise span measure of two annotators' spans (same documents)."""
    # Exact matching needs no pairing: spans with the same boundaries (and label) pair up
    # one-to-one as far as both annotators have them.
    boundaries, labelled_span, label = (
        _BOUNDARIES,
        attrgetter(*_BOUNDARY_FIELDS, "label"),
        attrgetter("label"),
    )
    boundaries_a, boundaries_b = Counter(map(boundaries, a)), Counter(map(boundaries, b))
    labelled_a, labelled_b = Counter(map(labelled_span, a)), Counter(map(labelled_span, b))
    overlap = match_overlap(a, b)
    count_a, count_b = Counter(map(label, a)), Counter(map(label, b))
    shared_by_label: Counter[str] = Counter()
    for key, n in labelled_a.items():
        if key in labelled_b:
            shared_by_label[key[3]] += min(n, labelled_b[key])
    per_label = {
        label: _prf(shared_by_label[label], count_a[label], count_b[label])
        for label in sorted(count_a.keys() | count_b.keys())
    }
    exact_matched = _matched(boundaries_a, boundaries_b)
    labelled = _matched(labelled_a, labelled_b)
    return {
        "spans": {
            "exact": _prf(exact_matched, len(a), len(b)),
            "overlap": _prf(len(overlap), len(a), len(b)),
        },
        "labelled": _prf(labelled, len(a), len(b)),
        "labels": {
            "kappa": _round(
                cohen_kappa([x.label for x, _ in overlap], [y.label for _, y in overlap])
            ),
            "pairs": len(overlap),
        },
        "links": {
            "agreement": _round(
                sum(x.entity_id == y.entity_id for x, y in overlap) / len(overlap)
                if overlap
                else None
            ),
            "pairs": len(overlap),
        },
        "per_label": per_label,
    }


@dataclass(frozen=True)
class EventMark:
    """One annotator's event, as agreement sees it: its trigger, type, roles (role name
    and argument span) and incident (cluster id, None when alone). `partners` are the
    incident's other reports by document and trigger: cluster ids are each layer's own,
    so adjudication compares two layers' incidents by these."""

    doc_id: int
    start: int
    end: int
    type: str
    roles: tuple[tuple[str, int, int], ...] = ()
    cluster: int | None = None
    event_id: int | None = field(default=None, compare=False)  # the stored event, if any
    partners: frozenset[tuple[int, int, int]] = field(default=frozenset(), compare=False)


def event_agreement(a: Sequence[EventMark], b: Sequence[EventMark]) -> dict[str, Any]:
    """Triggers (exact span) F1; type agreement on matched triggers; roles F1 (role name
    and argument span, on any trigger); B³ F1 of the incidents over the matched events."""
    triggers_a = {(e.doc_id, e.start, e.end): e for e in a}
    triggers_b = {(e.doc_id, e.start, e.end): e for e in b}
    matched = sorted(triggers_a.keys() & triggers_b.keys())
    roles_a = Counter((e.doc_id, e.start, e.end, *r) for e in a for r in e.roles)
    roles_b = Counter((e.doc_id, e.start, e.end, *r) for e in b for r in e.roles)
    same_type = sum(triggers_a[k].type == triggers_b[k].type for k in matched)
    return {
        "triggers": _prf(len(matched), len(triggers_a), len(triggers_b)),
        "types": {
            "agreement": _round(same_type / len(matched) if matched else None),
            "pairs": len(matched),
        },
        "roles": _prf(_matched(roles_a, roles_b), sum(roles_a.values()), sum(roles_b.values())),
        "clusters": {
            "b_cubed_f1": _round(
                b_cubed(
                    {k: triggers_a[k].cluster for k in matched},
                    {k: triggers_b[k].cluster for k in matched},
                )
            ),
            "events": len(matched),
        },
    }


@collector.paused()  # (see `workbench.collector`)
def agreement(
    layers: Mapping[str, Sequence[Span]],
    texts: Mapping[int, str],
    events: Mapping[str, Sequence[EventMark]] | None = None,
) -> dict[str, Any]:
    """Agreement between annotators' layers: each pair, and α over all of them. A pair is
    compared on the documents both annotated; α on every document, an annotator who did
    not annotate a document giving no value for its tokens."""
    annotators = sorted(layers)
    notes: list[str] = []
    if len(annotators) < 2:
        notes.append("agreement needs at least two annotators with annotations")
    by_document: dict[str, dict[int, list[Span]]] = {name: {} for name in annotators}
    for name in annotators:
        for span in layers[name]:
            by_document[name].setdefault(span.doc_id, []).append(span)
    all_documents = sorted({doc_id for docs in by_document.values() for doc_id in docs})
    tokens = {doc_id: token_spans(texts[doc_id]) for doc_id in all_documents}
    labelled = {
        (name, doc_id): token_labels(texts[doc_id], doc_spans, tokens[doc_id])
        for name, docs in by_document.items()
        for doc_id, doc_spans in docs.items()
    }
    pairs = []
    for first, second in itertools.combinations(annotators, 2):
        shared = sorted(set(by_document[first]) & set(by_document[second]))
        a = [s for doc_id in shared for s in by_document[first][doc_id]]
        b = [s for doc_id in shared for s in by_document[second][doc_id]]
        result = pair_agreement(a, b)
        tokens_a = [t for doc_id in shared for t in labelled[(first, doc_id)]]
        tokens_b = [t for doc_id in shared for t in labelled[(second, doc_id)]]
        result["tokens"] = {
            "kappa": _round(cohen_kappa(tokens_a, tokens_b)),
            "count": len(tokens_a),
        }
        if events is not None:
            shared_set = set(shared)
            result["events"] = event_agreement(
                [e for e in events.get(first, ()) if e.doc_id in shared_set],
                [e for e in events.get(second, ()) if e.doc_id in shared_set],
            )
        result["annotators"] = [first, second]
        result["documents"] = len(shared)
        if not shared:
            notes.append(f"{first} and {second} have no document in common")
        pairs.append(result)

    def units() -> Iterator[tuple[str | None, ...]]:
        for doc_id in all_documents:
            # (an annotator who did not annotate the document gives no values)
            present = [labelled[(n, doc_id)] for n in annotators if (n, doc_id) in labelled]
            yield from zip(*present, strict=True)

    return {
        "annotators": annotators,
        "pairs": pairs,
        "alpha_tokens": _round(krippendorff_alpha_nominal(units())),
        "notes": notes,
    }


def bootstrap_intervals(
    layers: Mapping[str, Sequence[Span]],
    texts: Mapping[int, str],
    rounds: int = 200,
    seed: int = 0,
) -> dict[str, Any]:
    """95 % intervals, by resampling documents with replacement `rounds` times, of each
    pair's exact and labelled span F1 and of α over all annotators (percentiles 2.5 and
    97.5 of the resampled figures; rounds where a figure is undefined are left out)."""
    rng = random.Random(seed)
    documents = sorted({s.doc_id for spans in layers.values() for s in spans})
    by_doc: dict[str, dict[int, list[Span]]] = {name: {} for name in layers}
    for name, spans in layers.items():
        for span in spans:
            by_doc[name].setdefault(span.doc_id, []).append(span)
    samples: dict[str, list[float]] = {}
    for _ in range(rounds):
        chosen = [rng.choice(documents) for _ in documents] if documents else []
        # each draw is a document of its own, so a document drawn twice counts twice
        drawn = {
            name: [
                Span(i, s.start, s.end, s.label, s.entity_id)
                for i, doc_id in enumerate(chosen)
                for s in by_doc[name].get(doc_id, ())
            ]
            for name in layers
        }
        report = agreement(drawn, {i: texts[doc_id] for i, doc_id in enumerate(chosen)})
        for pair in report["pairs"]:
            names = "/".join(pair["annotators"])
            for figure, value in (
                ("spans_exact_f1", pair["spans"]["exact"]["f1"]),
                ("labelled_f1", pair["labelled"]["f1"]),
            ):
                if value is not None:
                    samples.setdefault(f"{names} {figure}", []).append(value)
        if report["alpha_tokens"] is not None:
            samples.setdefault("alpha_tokens", []).append(report["alpha_tokens"])
    return {name: _interval(values) for name, values in sorted(samples.items())}


def _interval(values: list[float]) -> list[float]:
    ordered = sorted(values)
    low = ordered[max(0, math.ceil(0.025 * len(ordered)) - 1)]
    high = ordered[min(len(ordered) - 1, math.ceil(0.975 * len(ordered)) - 1)]
    return [round(low, 4), round(high, 4)]
