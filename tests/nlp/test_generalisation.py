"""Generalisation across articles: the knowledge base comes from the gold of one seed
article only; the other article is pre-annotated and compared with its gold."""

from __future__ import annotations

import pytest
from helpers import SEEDS
from preannotation_evaluation import cross_article

FIRST = "01-iran-kills-jaish-al-adl-leader.txt"
SECOND = "02-baloch-unrest-pakistan-iran-frontier.txt"


@pytest.mark.parametrize(("kb_from", "annotated"), [(FIRST, SECOND), (SECOND, FIRST)])
def test_cross_article_recall_and_precision(kb_from: str, annotated: str) -> None:
    figures = cross_article(SEEDS, kb_from, annotated)
    assert figures["gold_of_known_entities"] >= 40
    # Spelled differently across the articles, and found anyway:
    assert figures["recall_known"] >= 0.90, figures["missed"]
    assert figures["precision"] >= 0.85, figures["wrong"]
    # DATE, CARDINAL and QUANTITY come from the rules and are scored too.
    assert figures["recall_rules"] >= 0.80, figures["missed"]
    assert figures["trigger_suggestions"] > 0


def test_spelling_variants_across_articles_are_linked() -> None:
    figures = cross_article(SEEDS, FIRST, SECOND)
    found = set(figures["missed"])
    # The second article writes these differently from the first (the KB's only source).
    for variant in (
        "Balochistan Liberation Army [ORG bla]",
        "BLA [ORG bla]",
        "IRGC [ORG irgc]",
        "Hossein Amirabdollahian [PERSON hossein-amir-abdollahian]",
        "Ismail Shah Bakhsh [PERSON ismail-shahbakhsh]",
    ):
        assert variant not in found
    # Pakistan's Balochistan never becomes Iran's Sistan and Baluchestan.
    assert not [w for w in figures["wrong"] if "sistan" in w.casefold() or "[GPE balochistan]" in w]
