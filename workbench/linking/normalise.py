"""Turning a surface form into comparable tokens: the same rules for aliases and queries.

Two levels:
- `normalise_tokens`: case, diacritics, possessives, punctuation, articles and generic
  head words removed ("the Baloch people's" -> ["baloch"]);
- `translit_token`: a spelling-insensitive key for South/West Asian transliterations
  (Baluch/Baloch, Baluchistan/Baluchestan, Hossein/Hussein, doubled letters), and
  `match_key` joins those keys: it is what the index stores and exact matches compare.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Words news adds or drops around a name; matching ignores them unless nothing else is left.
GENERIC_WORDS = frozenset(
    [
        "province",
        "provinces",
        "region",
        "district",
        "city",
        "town",
        "village",
        "county",
        "state",
        "group",
        "groups",
        "organisation",
        "organization",
        "movement",
        "forces",
        "force",
        "people",
    ]
)
# Function words that vary between spellings of one name ("Sistan and Baluchestan" /
# "Sistan-Baluchistan", "Army of Justice").
STOP_WORDS = frozenset(["the", "a", "an", "of", "and", "for", "in", "on", "at", "to", "va"])
# Arabic/Persian/Urdu particles that transliterations attach, split or drop:
# al-/ul-/el-, and the izafe "-e-" of "Jaish-e-Mohammed".
PARTICLES = frozenset(["al", "ul", "el", "ol", "il", "e", "i"])

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u02bc": "'"})
_POSSESSIVE = re.compile(r"(?<=\w)'s\b|(?<=s)'(?=\s|$)")
_NON_WORD = re.compile(r"[\W_]+")
_DOTTED_ACRONYM = re.compile(r"^(?:[^\W\d_]\.){2,}[^\W\d_]?\.?$")
_DOUBLED = re.compile(r"(.)\1+")
# Order matters: digraphs first, then single vowels, so Baloch/Baluch, Seistan/Sistan,
# Hossein/Hussein and Teheran/Tehran meet on one key.
_TRANSLIT_RULES = (
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("ei", "i"),
    ("ey", "i"),
    ("ay", "ai"),
    ("ph", "f"),
    ("w", "v"),
    ("q", "k"),
    ("y", "i"),
    ("o", "u"),
    ("e", "i"),
)
_VOWELS = set("aeiouy")


# Letters with a mark that Unicode does not decompose into a letter and a combining mark,
# written as the Latin letters that stand for them in English-language text ("Łódź" /
# "Lodz", "Diyarbakır" / "Diyarbakir", "Tromsø" / "Tromso", "Ærø" / "Aero").
_UNDECOMPOSED = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "TH",
        "ı": "i",
        "ħ": "h",
        "Ħ": "H",
        "ŧ": "t",
        "Ŧ": "T",
    }
)


def strip_diacritics(text: str) -> str:
    """Remove combining marks, and write letters with a mark of their own as plain Latin
    letters: "António" -> "Antonio", "Łódź" -> "Lodz", "Diyarbakır" -> "Diyarbakir"."""
    if text.isascii():  # nothing to remove, and most names are
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def clean_text(text: str) -> str:
    """Case-fold, strip diacritics and possessives, and drop dots from "U.N."-style acronyms."""
    text = strip_diacritics(text.translate(_APOSTROPHES)).strip()
    # (each pattern only where its character is: most names have neither, and the two
    # searches were a good part of cleaning a knowledge base's million aliases)
    if "." in text and _DOTTED_ACRONYM.match(text):
        text = text.replace(".", "")
    if "'" in text:
        text = _POSSESSIVE.sub("", text)
    return text.casefold()


def words(text: str) -> list[str]:
    """Every word of a surface form, cleaned (`clean_text`)."""
    return [token for token in _NON_WORD.split(clean_text(text)) if token]


def normalise_tokens(text: str) -> list[str]:
    """Content tokens of a surface form, without punctuation, articles or generic words."""
    return content_tokens(words(text))


def content_tokens(raw: list[str]) -> list[str]:
    """The content tokens among a surface form's words."""
    content = [t for t in raw if t not in STOP_WORDS and t not in GENERIC_WORDS]
    if not content:  # a name made only of generic words ("The Group") keeps them
        content = [t for t in raw if t not in STOP_WORDS] or raw
    return content


@lru_cache(maxsize=1 << 17)  # tokens repeat across a knowledge base's aliases
def translit_token(token: str) -> str:
    """A spelling-insensitive key for one token; empty for particles such as "al"."""
    if token in PARTICLES or token in STOP_WORDS:
        return ""
    key = token
    for old, new in _TRANSLIT_RULES:
        key = key.replace(old, new)
    return _DOUBLED.sub(r"\1", key)


def key_tokens(text: str) -> list[str]:
    """The transliteration keys of a surface form's content tokens, particles dropped."""
    return transliterated(normalise_tokens(text))


def transliterated(tokens: list[str]) -> list[str]:
    """The transliteration keys of content tokens, particles dropped."""
    keys = [k for k in (translit_token(t) for t in tokens) if k]
    return keys or [_DOUBLED.sub(r"\1", t) for t in tokens]


def match_key(text: str) -> str:
    """The key two spellings share when they name the same thing: "Baluch" == "Baloch"."""
    return " ".join(key_tokens(text))


_SOUNDS = {"q": "k", "c": "k", "z": "s", "v": "f", "j": "g"}


def phonetic_key(token: str) -> str:
    """A consonant skeleton: first sound, then consonants with h/w/y and vowels dropped."""
    if not token:
        return ""
    token = token.replace("ph", "f").replace("kh", "k").replace("gh", "g")
    head = "a" if token[0] in _VOWELS else _SOUNDS.get(token[0], token[0])
    tail = "".join(_SOUNDS.get(ch, ch) for ch in token[1:] if ch not in _VOWELS and ch not in "hw")
    return _DOUBLED.sub(r"\1", head + tail)


def acronym_key(text: str) -> str | None:
    """Initials of a multi-word name ("Islamic Revolutionary Guard Corps" -> "irgc")."""
    return initials(words(text))


def initials(raw: list[str]) -> str | None:
    """The acronym of a multi-word name's words (particles and stop words left out)."""
    kept = [w for w in raw if w not in PARTICLES and w not in STOP_WORDS]
    if len(kept) < 2 or not all(w[0].isalpha() for w in kept):
        return None
    return "".join(w[0] for w in kept)


def as_acronym(text: str) -> str | None:
    """The letters of a query written as an acronym ("BLA", "U.N." -> "un"), else None."""
    cleaned = strip_diacritics(text).replace(".", "").strip()
    if 2 <= len(cleaned) <= 6 and cleaned.isalpha():
        return cleaned.casefold()
    return None
