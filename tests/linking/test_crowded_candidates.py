"""Candidate retrieval in a crowded knowledge base: the true entity must reach the top 10
even when hundreds of aliases share a word or a near spelling with the query."""

from __future__ import annotations

import itertools

from workbench.linking import Linker
from workbench.model import as_entities
from workbench.store import Store

SYLLABLES = ["ka", "ro", "mi", "zu", "te", "sha", "li", "bo", "nu", "da", "fe", "qa"]


def made_up_words(count: int) -> list[str]:
    """Distinct invented words, far from any real name used below."""
    words = ("".join(parts).capitalize() for parts in itertools.product(SYLLABLES, repeat=3))
    return list(itertools.islice(words, count))


def candidates(store: Store, text: str) -> list[str]:
    return [c.entity_id for c in Linker(store.kb.candidate_index()).link(text).candidates]


def test_a_split_half_does_not_crowd_out_the_closest_spelling(tmp_path) -> None:
    # "Nabgarh" splits into "Na" + "Abgarh": 200 aliases holding "Abgarh" must not be
    # counted twice (as a near spelling and as a half) and push "Niabgarh" out.
    rows = [("niabgarh", "Niabgarh", "GPE", ()), ("na", "Na Kot", "GPE", ())]
    rows += [
        (f"abgarh{i}", f"Abgarh {word} Front", "ORG", ())
        for i, word in enumerate(made_up_words(200))
    ]
    with Store.open(tmp_path / "kb.db", annotator="test") as store:
        store.kb.import_entities(as_entities(rows))
        assert "niabgarh" in candidates(store, "Nabgarh")[:10]


def test_a_typo_in_the_rare_word_of_a_common_first_name(tmp_path) -> None:
    # 2,000 people called Mohammad something, eight surnames one letter from the query's
    # typo: "Mohammad Tohane" still finds "Mohammad Tojane" (a substitution away).
    rows = [("tojane", "Mohammad Tojane", "PERSON", ())]
    rows += [
        (f"p{i}", f"Mohammad {word}", "PERSON", ()) for i, word in enumerate(made_up_words(2000))
    ]
    near = [f"To{c}hane" for c in "abcdfgkl"]
    rows += [(f"n{i}", f"Mohammad {surname}", "PERSON", ()) for i, surname in enumerate(near)]
    with Store.open(tmp_path / "kb.db", annotator="test") as store:
        store.kb.import_entities(as_entities(rows))
        assert "tojane" in candidates(store, "Mohammad Tohane")[:10]


def test_syllables_written_apart_find_the_name_written_as_one(tmp_path) -> None:
    # "zhang jia du" is "Zhangjiadu" in syllables; 300 aliases holding two or three of its
    # syllables as words (pair keys, rarer words) must not crowd the one-word name out.
    rows = [("zhangjiadu", "Zhangjiadu", "GPE", ())]
    for i, word in enumerate(made_up_words(100)):
        rows += [
            (f"a{i}", f"Zhang Jia {word}", "GPE", ()),
            (f"b{i}", f"{word} Jia Du", "GPE", ()),
            (f"c{i}", f"Zhang {word} Du", "GPE", ()),
        ]
    with Store.open(tmp_path / "kb.db", annotator="test") as store:
        store.kb.import_entities(as_entities(rows))
        assert "zhangjiadu" in candidates(store, "zhang jia du")[:10]
        assert "zhangjiadu" in candidates(store, "Zhang-jia-du")[:10]


def test_a_long_name_three_edits_off_is_found(tmp_path) -> None:
    # two letters added and one changed, beyond what single deletions on both sides reach
    rows = [("kuhmalahti", "Kuhmalahti", "GPE", ()), ("hartbeespoort", "Hartbeespoort", "GPE", ())]
    rows += [(f"x{i}", word, "GPE", ()) for i, word in enumerate(made_up_words(300))]
    with Store.open(tmp_path / "kb.db", annotator="test") as store:
        store.kb.import_entities(as_entities(rows))
        assert "kuhmalahti" in candidates(store, "Kukhmalakhti")[:10]
        assert "hartbeespoort" in candidates(store, "Hartebeestpoort")[:10]
