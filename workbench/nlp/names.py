"""The capitalised name a knowledge-base match sits in.

"Baloch" is a people (NORP) in "Baloch militants", but part of a name in "Mahrang Baloch"
(a person), "Baloch Yakjehti Committee" (an organisation) or "Sistan-o-Baluchestan" (a
province): a match with a name word beside it, or glued to it by a hyphen, belongs to the
longer run. Pre-annotation then links the whole run, and suggests the short match only
when the whole cannot be linked and the match is not a people or a place.
"""

from __future__ import annotations

from collections.abc import Container
from typing import Any

# Labels a match of which, inside a longer name the linker cannot link, is not suggested.
NESTED_NOT_SUGGESTED = frozenset({"NORP", "GPE"})
_GLUE = frozenset({"-", "'", "’"})


class NameWords:
    """What `enclosing_run` asks of each token of a doc, read once per doc as plain lists
    (a pre-annotation run asks it of every knowledge-base match; spaCy's Token objects,
    made on each access, cost more than the answer)."""

    def __init__(self, doc: Any, name_word: int) -> None:
        from spacy.attrs import IS_ALPHA, ORTH, SPACY

        strings = doc.vocab.strings
        glue = {strings.add(piece) for piece in _GLUE}
        columns = doc.to_array([name_word, SPACY, IS_ALPHA, ORTH]).tolist()
        self.name = [row[0] == 1 for row in columns]
        self.space_after = [row[1] == 1 for row in columns]
        self.glue = [row[3] in glue for row in columns]
        self.glued = [row[2] == 1 or row[3] in glue for row in columns]


def enclosing_run(
    words: NameWords, start: int, end: int, blocked: Container[int]
) -> tuple[int, int]:
    """Token bounds of the longest name around tokens [start, end): name words and
    pieces glued on without spaces (a hyphen, a particle, a word), not crossing a token
    in `blocked` (another match, a date; only tokens outside [start, end) are looked up
    in it). [start, end) itself when nothing joins it."""
    first, last = start, end
    while first > 0 and (first - 1) not in blocked:
        before = first - 1
        if not (words.name[before] if words.space_after[before] else words.glued[before]):
            break
        first -= 1
    while last < len(words.name) and last not in blocked:
        if not (words.name[last] if words.space_after[last - 1] else words.glued[last]):
            break
        last += 1
    while first < start and words.glue[first]:
        first += 1
    while last > end and words.glue[last - 1]:
        last -= 1
    return first, last


# Endings that make a people, a language or an adjective of a name: "Pakistani",
# "Balochi", "Afghans". Such a word is another entity than the name it comes from.
DERIVING_ENDINGS = ("ians", "ian", "ans", "an", "ese", "ish", "is", "i", "s")


def derived_from_known(word: str, known: Container[str], norm: Any) -> bool:
    """Whether a single word is a known name with a deriving ending ("Pakistani" when
    "Pakistan" is known): the linker would take it for a spelling of that name."""
    lowered = word.casefold()
    return any(
        lowered.endswith(ending) and norm(lowered[: -len(ending)]) in known
        for ending in DERIVING_ENDINGS
        if len(lowered) > len(ending) + 2
    )
