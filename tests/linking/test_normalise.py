"""Every normalisation rule, as analysts meet it in news text."""

from __future__ import annotations

import pytest

from workbench.linking.keys import alias_terms, alias_tokens, deletes, vocabulary_keys
from workbench.linking.normalise import (
    acronym_key,
    as_acronym,
    key_tokens,
    match_key,
    normalise_tokens,
    phonetic_key,
)


@pytest.mark.parametrize(
    ("a", "b", "rule"),
    [
        ("IRAN", "iran", "case"),
        ("António Guterres", "Antonio Guterres", "diacritics"),
        ("Diyarbakır", "Diyarbakir", "dotless i"),
        ("Şırnak", "Sirnak", "cedilla and dotless i"),
        ("Łódź", "Lodz", "l with stroke"),
        ("Tromsø", "Tromso", "o with stroke"),
        ("Ærø", "Aero", "ae and o with stroke"),
        ("Đakovica", "Dakovica", "d with stroke"),
        ("Þórshöfn", "Thorshofn", "thorn"),
        ("Sistan-Baluchistan", "Sistan Baluchistan", "hyphens"),
        ("Inter-Services Public Relations", "Inter Services Public Relations", "hyphens"),
        ("Pakistan's", "Pakistan", "possessive"),
        ("Pakistan\u2019s", "Pakistan", "curly possessive"),
        ("the United Nations", "United Nations", "leading article"),
        ("Balochistan province", "Balochistan", "generic head word"),
        ("Panjgur district", "Panjgur", "generic head word"),
        ("Jaish al-Adl group", "Jaish al-Adl", "generic head word"),
        ("the Baloch people", "Baloch", "generic words"),
        ("Sistan and Baluchestan", "Sistan-Baluchistan", "connector and e/i"),
        ("Baluch", "Baloch", "o/u"),
        ("Baluchistan", "Balochistan", "o/u"),
        ("Baluchestan", "Balochistan", "e/i"),
        ("Jaish al-Adl", "Jaish ul-Adl", "al-/ul-"),
        ("Jaish el Adl", "Jaish al-Adl", "el-"),
        ("Anwaar-ul-Haq Kakar", "Anwar ul Haq Kakar", "ul- and doubled vowel"),
        ("Panjgoor", "Panjgur", "oo/u"),
        ("Hossein", "Hussein", "o/u and ei"),
        ("Abdollahian", "Abdolahian", "doubled letters"),
        ("Jaysh al-Adl", "Jaish al-Adl", "y/i"),
        ("U.N.", "UN", "dotted acronym"),
        ("Seistan", "Sistan", "ei/i"),
    ],
)
def test_spellings_that_name_the_same_thing_share_a_key(a: str, b: str, rule: str) -> None:
    assert match_key(a) == match_key(b), rule


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Balochistan", "Sistan and Baluchestan"),
        ("Balochistan Liberation Army", "Balochistan Liberation Front"),
        ("Iran", "Iraq"),
        ("Baloch", "Mumtaz Zahra Baloch"),
    ],
)
def test_different_names_keep_different_keys(a: str, b: str) -> None:
    assert match_key(a) != match_key(b)


def test_generic_words_alone_are_kept() -> None:
    assert normalise_tokens("The Group") == ["group"]
    assert normalise_tokens("Province") == ["province"]


def test_joined_and_split_name_parts_compare_equal_without_spaces() -> None:
    assert "".join(key_tokens("Shahbakhsh")) == "".join(key_tokens("Shah Bakhsh"))
    assert "".join(key_tokens("Amirabdollahian")) == "".join(key_tokens("Amir-Abdollahian"))


def test_phonetic_key_ignores_vowels_and_spelling_of_sounds() -> None:
    assert phonetic_key("muhammad") == phonetic_key("mohamed") == phonetic_key("muhamid")
    assert phonetic_key("tehran") == phonetic_key("teheran")
    assert phonetic_key("qureshi") == phonetic_key("kureshi")
    assert phonetic_key("") == ""


def test_acronyms() -> None:
    assert acronym_key("Islamic Revolutionary Guard Corps") == "irgc"
    assert acronym_key("Baluch Liberation Army") == "bla"
    assert acronym_key("United Nations") == "un"
    assert acronym_key("Inter-Services Public Relations") == "ispr"
    assert acronym_key("Jaish al-Adl") == "ja"  # the particle is no initial
    assert acronym_key("Iran") is None
    assert as_acronym("B.L.A.") == "bla"
    assert as_acronym("IRGC") == "irgc"
    assert as_acronym("Balochistan") is None
    tokens, ntok = alias_tokens("Baluch Liberation Army")
    assert "#bla" in tokens and ntok == 3


@pytest.mark.parametrize(
    "name",
    [
        "Baluch Liberation Army",
        "Jaish al-Adl",
        "The Group",
        "Sistan-o-Baluchestan",
        "U.N.",
        "Quetta's",
        "António Guterres",
        "!!!",
        "al",
    ],
)
def test_an_aliases_stored_match_key_gives_the_same_index_tokens(name: str) -> None:
    # the index takes an alias's tokens from its stored match key, not working them out again
    assert alias_tokens(name, match_key(name)) == alias_tokens(name)
    # and a new alias's key and tokens, worked out together, are the same
    assert alias_terms(name) == (match_key(name), *alias_tokens(name))


def test_index_keys_reach_one_edit_away() -> None:
    assert deletes("adl") == {"dl", "al", "ad"}
    keys = vocabulary_keys("baluchistan")
    assert "baluchistan" in keys and "baluchstan" in keys and "~blkstn" in keys
    assert vocabulary_keys("#bla") == set()  # acronyms match exactly
    assert vocabulary_keys("un") == {"un"}  # too short for fuzzy keys


@pytest.mark.parametrize("text", ["", "   ", "\x00\x1b\x07", "---", "\u200b", "..."])
def test_degenerate_input_gives_no_tokens(text: str) -> None:
    assert key_tokens(text) == []


def test_control_characters_split_but_never_join_tokens() -> None:
    assert key_tokens("Jaish\x00al-\x1bAdl") == key_tokens("Jaish al-Adl")
