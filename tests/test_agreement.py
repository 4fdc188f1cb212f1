"""Agreement figures against independent implementations: scikit-learn's Cohen's κ,
the `krippendorff` package's α, seqeval's span F1 on IOB data."""

from __future__ import annotations

import random

import krippendorff
import numpy as np
import pytest
from seqeval.metrics import f1_score
from sklearn.metrics import cohen_kappa_score

from workbench.agreement import (
    OUTSIDE,
    Span,
    agreement,
    cohen_kappa,
    krippendorff_alpha_nominal,
    match_overlap,
    pair_agreement,
    token_labels,
)

LABELS = ("PERSON", "ORG", "GPE")


def random_layer(rng: random.Random, doc_id: int, words: int) -> list[Span]:
    """Non-overlapping spans on a text of `words` four-letter words ("abcd abcd ...")."""
    spans, i = [], 0
    while i < words:
        if rng.random() < 0.3:
            length = rng.randint(1, 3)
            j = min(words, i + length)
            spans.append(Span(doc_id, i * 5, j * 5 - 1, rng.choice(LABELS), rng.choice("xyz")))
            i = j
        else:
            i += 1
    return spans


def perturbed(rng: random.Random, spans: list[Span]) -> list[Span]:
    out = []
    for s in spans:
        roll = rng.random()
        if roll < 0.1:
            continue  # missed
        if roll < 0.25:
            s = Span(s.doc_id, s.start, s.end, rng.choice(LABELS), s.entity_id)
        out.append(s)
    return out


def iob(text: str, spans: list[Span]) -> list[str]:
    labels = token_labels(text, spans)
    out, previous = [], None
    starts = {s.start for s in spans}
    position = 0
    for label in labels:
        begin = text.index("abcd", position)
        position = begin + 4
        if label == OUTSIDE:
            out.append("O")
            previous = None
        else:
            out.append(("B-" if begin in starts or previous != label else "I-") + label)
            previous = label
    return out


@pytest.mark.parametrize("seed", range(5))
def test_kappa_alpha_and_span_f1_match_the_reference_implementations(seed: int) -> None:
    rng = random.Random(seed)
    words = 200
    text = " ".join(["abcd"] * words)
    first = random_layer(rng, 1, words)
    second = perturbed(rng, first) + [
        s for s in random_layer(rng, 1, words) if rng.random() < 0.1 and s not in first
    ]
    second = [
        s for s in second if not any(o != s and o.start < s.end and s.start < o.end for o in second)
    ]
    third = perturbed(rng, first)

    tokens_a, tokens_b = token_labels(text, first), token_labels(text, second)
    assert cohen_kappa(tokens_a, tokens_b) == pytest.approx(cohen_kappa_score(tokens_a, tokens_b))

    result = agreement({"a": first, "b": second, "c": third}, {1: text})
    coded = {label: i for i, label in enumerate((OUTSIDE, *LABELS))}
    matrix = np.array(
        [[coded[x] for x in token_labels(text, layer)] for layer in (first, second, third)]
    )
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    assert result["alpha_tokens"] == pytest.approx(expected, abs=1e-4)

    pair = next(p for p in result["pairs"] if p["annotators"] == ["a", "b"])
    assert pair["tokens"]["kappa"] == pytest.approx(cohen_kappa_score(tokens_a, tokens_b), abs=1e-4)
    seqeval_f1 = f1_score([iob(text, first)], [iob(text, second)])
    assert pair["labelled"]["f1"] == pytest.approx(seqeval_f1, abs=1e-4)


def test_alpha_with_a_missing_coder_matches_krippendorff() -> None:
    units = [
        ["A", "A", None],
        ["A", "B", "B"],
        ["C", "C", "C"],
        [None, "B", "A"],
        ["A", None, None],
    ]
    coded = {"A": 1, "B": 2, "C": 3}
    matrix = np.array(
        [[coded[u[i]] if u[i] else np.nan for u in units] for i in range(3)], dtype=float
    )
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    assert krippendorff_alpha_nominal(units) == pytest.approx(expected)


def test_the_order_of_spans_never_matters_and_overlapping_labels_both_agree() -> None:
    # label-studio#8950: the same two overlapping annotations, made in another order
    a = [Span(1, 0, 10, "ORG"), Span(1, 5, 15, "GPE")]
    b = [Span(1, 5, 15, "GPE"), Span(1, 0, 10, "ORG")]
    for x, y in ((a, b), (b, a), (a[::-1], b[::-1])):
        result = pair_agreement(x, y)
        assert result["spans"]["exact"]["f1"] == 1.0
        assert result["spans"]["overlap"]["f1"] == 1.0
        assert result["labelled"]["f1"] == 1.0
        assert result["labels"]["kappa"] == 1.0


def test_overlap_matching_takes_the_best_overlap_first() -> None:
    a = [Span(1, 0, 10, "ORG"), Span(1, 12, 20, "ORG")]
    b = [Span(1, 8, 20, "ORG")]  # overlaps the first by 2, the second by 8
    assert match_overlap(a, b) == [(a[1], b[0])]
    result = pair_agreement(a, b)
    assert result["spans"]["overlap"] == {
        "precision": 0.5,
        "recall": 1.0,
        "f1": 0.6667,
        "matched": 1,
        "a_only": 1,
        "b_only": 0,
    }
    assert result["spans"]["exact"]["matched"] == 0


def greedy_overlap_pairs(a: list[Span], b: list[Span]) -> list[tuple[Span, Span]]:
    """The module's rule written plainly: every overlapping pair ranked, taken best first."""
    ranked = sorted(
        (
            -(min(x.end, y.end) - max(x.start, y.start)),
            abs(x.start - y.start) + abs(x.end - y.end),
            x.label != y.label,
            x.doc_id,
            x.start,
            x.end,
            y.start,
            y.end,
            x.label,
            y.label,
            i,
            j,
        )
        for i, x in enumerate(a)
        for j, y in enumerate(b)
        if x.doc_id == y.doc_id and min(x.end, y.end) > max(x.start, y.start)
    )
    partner: dict[int, int] = {}
    for *_, i, j in ranked:
        if i not in partner and j not in partner.values():
            partner[i] = j
    return [(a[i], b[partner[i]]) for i in sorted(partner)]


def test_overlap_matching_follows_its_rule_with_repeated_and_overlapping_spans() -> None:
    # Spans that share boundaries within a layer (two labels on one name) and overlap
    # each other: settling lone same-boundary pairs first must not change any pairing.
    rng = random.Random(7)
    for _ in range(300):
        layers = []
        for _side in range(2):
            spans = []
            for _n in range(rng.randint(0, 12)):
                start = rng.randrange(0, 40, 5)
                spans.append(
                    Span(
                        rng.randint(1, 2), start, start + rng.choice((4, 9, 14)), rng.choice(LABELS)
                    )
                )
            layers.append(spans)
        a, b = layers
        assert match_overlap(a, b) == greedy_overlap_pairs(a, b)


def test_links_agree_with_nil_as_a_value() -> None:
    a = [Span(1, 0, 5, "GPE", "iran"), Span(1, 10, 15, "GPE", None), Span(1, 20, 25, "ORG", "bla")]
    b = [Span(1, 0, 5, "GPE", "iran"), Span(1, 10, 15, "GPE", None), Span(1, 20, 25, "ORG", "blf")]
    assert pair_agreement(a, b)["links"]["agreement"] == pytest.approx(2 / 3, abs=1e-4)


def test_nothing_to_compare_says_so_instead_of_dividing_by_zero() -> None:
    alone = agreement({"a": [Span(1, 0, 4, "ORG")]}, {1: "abcd"})
    assert alone["pairs"] == [] and alone["alpha_tokens"] is None
    assert alone["notes"] == ["agreement needs at least two annotators with annotations"]
    apart = agreement(
        {"a": [Span(1, 0, 4, "ORG")], "b": [Span(2, 0, 4, "ORG")]}, {1: "abcd", 2: "abcd"}
    )
    assert apart["pairs"][0]["spans"]["exact"]["f1"] is None
    assert apart["notes"] == ["a and b have no document in common"]
    same = pair_agreement([Span(1, 0, 4, "ORG")], [Span(1, 0, 4, "ORG")])
    assert same["labels"]["kappa"] is None  # one category: κ is undefined


def test_b_cubed_of_known_clusterings() -> None:
    from workbench.metrics import b_cubed

    same = {1: "x", 2: "x", 3: None}
    assert b_cubed(same, {1: 7, 2: 7, 3: None}) == 1.0
    # all in one cluster against all apart: precision 1/3 for each, recall 1
    together = {1: "x", 2: "x", 3: "x"}
    apart = {1: None, 2: None, 3: None}
    assert b_cubed(apart, together) == pytest.approx(2 * (1 / 3) / (1 + 1 / 3))
    assert b_cubed({}, {}) is None
