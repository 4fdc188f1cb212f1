"""Capitalised names in a text: which words may be part of one, the runs they make (for
the linker to try), and the name a knowledge-base match sits in.

"Baloch" is a people (NORP) in "Baloch militants", but part of a name in "Mahrang Baloch"
(a person), "Baloch Yakjehti Committee" (an organisation) or "Sistan-o-Baluchestan" (a
province): a match with a name word beside it, or glued to it by a hyphen, belongs to the
longer run. Pre-annotation then links the whole run, and suggests the short match only
when the whole cannot be linked and the match is not a people or a place.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from typing import Any

# Labels a match of which, inside a longer name the linker cannot link, is not suggested.
NESTED_NOT_SUGGESTED = frozenset({"NORP", "GPE"})
_GLUE = frozenset({"-", "'", "’"})


class NameWords:
    """What `enclosing_run` asks of each token of a doc, read once per doc as plain lists
    (a pre-annotation run asks it of every knowledge-base match; spaCy's Token objects,
    made on each access, cost more than the answer)."""

    def __init__(self, doc: Any, name_word: int) -> None:
        import numpy
        from spacy.attrs import IS_ALPHA, ORTH, SPACY

        strings = doc.vocab.strings
        glue_ids = [strings.add(piece) for piece in _GLUE]
        columns = doc.to_array([name_word, SPACY, IS_ALPHA, ORTH])
        # (compared column by column in numpy: lists of bools, not a Python int per cell)
        is_glue = numpy.isin(columns[:, 3], glue_ids)
        self.name: list[bool] = (columns[:, 0] == 1).tolist()
        self.space_after: list[bool] = (columns[:, 1] == 1).tolist()
        self.glue: list[bool] = is_glue.tolist()
        self.glued: list[bool] = ((columns[:, 2] == 1) | is_glue).tolist()


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


# A run of name words longer than this is cut: names are rarely longer, lists of them are.
MAX_NAME_TOKENS = 7
# Lower-case words that join two name words into one name ("bin", "of", a particle).
CONNECTORS = frozenset({"al", "ul", "el", "bin", "ibn", "-", "of", "de", "van", "von"})
# Words that stand before names without being part of them.
TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "gen",
        "general",
        "president",
        "minister",
        "ministers",
        "secretary",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "prime",
        "foreign",
        "interior",
        "defence",
        "defense",
        "chief",
        "commander",
        "colonel",
        "major",
        "captain",
        "ambassador",
        "envoy",
        "governor",
        "senator",
        "sheikh",
        "maulana",
        "mullah",
        "imam",
        "ayatollah",
        "prince",
        "king",
        "queen",
        "officials",
        "police",
        "residents",
        "witnesses",
        "authorities",
    ]
)


def name_word_test(getters: dict[int, Callable[[str], Any]]) -> Callable[[str], bool]:
    """Whether a word may be part of a name: capitalised ("Haq", or "BLA" but not "A"),
    not a stop word or a number, and not a title ("Minister", "President")."""
    from spacy.attrs import IS_STOP, IS_TITLE, IS_UPPER, LIKE_NUM

    is_title, is_upper = getters[IS_TITLE], getters[IS_UPPER]
    is_stop, like_num = getters[IS_STOP], getters[LIKE_NUM]

    def name_word(text: str) -> bool:
        capitalised = is_title(text) or (is_upper(text) and len(text) > 1)
        return (
            capitalised and not is_stop(text) and not like_num(text) and text.lower() not in TITLES
        )

    return name_word


def name_runs(doc, covered: set[int], name_word: int) -> list[list[int]]:  # type: ignore[no-untyped-def]
    """Token indices of runs of words that may be part of a name (the flag `name_word`;
    see `_joined` for what may join two), not covered by a pattern."""
    import numpy

    if not len(doc):
        return []
    runs: list[list[int]] = []
    for i in numpy.flatnonzero(doc.to_array(name_word)).tolist():
        if i in covered:
            continue
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        elif runs and _joined(doc, runs[-1][-1], i, covered):
            runs[-1] += range(runs[-1][-1] + 1, i + 1)
        else:
            runs.append([i])
    return [run[:MAX_NAME_TOKENS] for run in runs]


def _joined(doc, last: int, next_: int, covered: set[int]) -> bool:  # type: ignore[no-untyped-def]
    """Whether the words between two capitalised words join them into one name: one
    connector ("bin", "of"), or a particle written onto the next word ("al-", "ul-", also
    misspelt: "oul-Haq")."""
    gap = range(last + 1, next_)
    if not 1 <= len(gap) <= 2 or any(i in covered for i in gap):
        return False
    if len(gap) == 1:
        return doc[gap[0]].lower_ in CONNECTORS
    particle, hyphen = doc[gap[0]], doc[gap[1]]
    return (
        hyphen.text == "-"
        and not particle.whitespace_
        and not hyphen.whitespace_
        and particle.is_lower
        and particle.is_alpha
        and len(particle) <= 4
    )


def is_acronym(text: str) -> bool:
    return 1 < len(text) <= 6 and text.isalpha() and text.isupper()
