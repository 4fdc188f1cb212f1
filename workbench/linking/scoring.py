"""How close an alias is to a mention, 0-100, from its transliteration-key tokens.

The score is a token alignment: each query token against its best alias token and back
(rapidfuzz ratios, weak pairs counted as misses), so one shared word out of three does not
make "Sistan and Baluchestan" look like "Balochistan". People are often named by surname
alone, so a query matching the end of a PERSON alias earns partial credit.

Calibration (measured by benchmarks/linking_geonames.py on its dev split): 100 only for
the same spelling once case, diacritics and punctuation are ignored; the same words with
generic or function words added or dropped ("Quetta city") score `SAME_WORDS_SCORE`; the
same transliteration key in another spelling ("Baluch"/"Baloch") `TRANSLITERATION_SCORE`,
less as the two spellings' letters differ more (the key is lossy); the same words in
another order lose `WORD_ORDER_PENALTY`; an acronym scores `ACRONYM_SCORE`; a query whose
words are a run of a longer alias's at least `CONTAINED_SCORE`. A fuzzy token pair earns
less than its character similarity (`token_credit`), so one changed syllable
("Stourport"/"Stockport") is not a near match.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from workbench.linking.normalise import clean_text, normalise_tokens

_WORDS = re.compile(r"[^\W_]+")

# Token pairs less similar than this count as a miss: "sistan" vs "baluchistan" is 0.59.
TOKEN_MATCH = 0.75
SURNAME_MATCH = 0.85
ACRONYM_SCORE = 88.0
EXACT_SCORE = 100.0
SAME_WORDS_SCORE = 97.0
TRANSLITERATION_SCORE = 92.0
# A transliteration-key match whose spelling is less similar than this (rapidfuzz ratio)
# loses TRANSLITERATION_SLOPE points per point of similarity it lacks.
TRANSLITERATION_SPELLING = 85.0
TRANSLITERATION_SLOPE = 1.0
WORD_ORDER_PENALTY = 10.0
# A mention whose words are a run of a longer name's ("Caucana" / "Caucana-Finaiti"): ahead
# of most one-letter neighbours of the mention, below the link threshold.
CONTAINED_SCORE = 72.0


def token_credit(similarity: float) -> float:
    """What a token pair of this character similarity (0-1) counts for: 1 when equal,
    falling twice as fast as the similarity below that."""
    return max(0.0, 1.0 - 2.0 * (1.0 - similarity))


# Label groups that may name the same thing; a label missing here links only to itself.
_COMPATIBLE = {
    "GPE": {"GPE", "LOC", "FAC"},
    "LOC": {"LOC", "GPE", "FAC"},
    "FAC": {"FAC", "LOC", "GPE"},
}


def labels_compatible(query_label: str | None, entity_label: str) -> bool:
    """Whether a mention with `query_label` may link to an entity with `entity_label`."""
    if not query_label:
        return True
    query_label = query_label.upper()
    return entity_label in _COMPATIBLE.get(query_label, {query_label})


class AliasScorer:
    """Scores aliases against one query, remembering token similarities between aliases."""

    def __init__(self, query_key: str, query: list[str], text: str = "") -> None:
        self.query_key = query_key
        self.query = query
        self.compact = "".join(query)
        self.spelling = spelling(text or query_key)
        self.words = normalise_tokens(text or query_key)
        self._similar: dict[tuple[str, str], float] = {}

    def _similarity(self, a: str, b: str) -> float:
        if a == b:
            return 1.0
        key = (a, b)
        sim = self._similar.get(key)
        if sim is None:
            sim = fuzz.ratio(a, b) / 100.0
            sim = self._similar[key] = token_credit(sim) if sim >= TOKEN_MATCH else 0.0
        return sim

    def alignment(self, alias: list[str]) -> float:
        """F-measure of query tokens found in the alias and alias tokens found in the query."""
        query = self.query
        if not query or not alias:
            return 0.0
        similarity = self._similarity
        rows = [[similarity(q, a) for a in alias] for q in query]  # each pair once
        precision = sum(map(max, rows)) / len(query)
        recall = sum(map(max, zip(*rows, strict=True))) / len(alias)
        if precision + recall == 0:
            return 0.0
        score = 100.0 * 2 * precision * recall / (precision + recall)
        if len(query) > 1 and not _in_order(rows):
            score -= WORD_ORDER_PENALTY  # "Pu-tai" is not "Tai Po"
        return float(score)

    def surname(self, alias: list[str]) -> float:
        """Partial credit when the query is the last name part(s) of a longer person name."""
        query = self.query
        if len(query) >= len(alias):
            return 0.0
        tail = alias[-len(query) :]
        if all(fuzz.ratio(q, a) / 100.0 >= SURNAME_MATCH for q, a in zip(query, tail, strict=True)):
            return 70.0 + 20.0 * len(query) / len(alias)
        return 0.0

    def contained(self, alias_key: str) -> float:
        """`CONTAINED_SCORE` when the query's words are a run of a longer alias's ("Caucana"
        for "Caucana-Finaiti"), else 0: a floor the linker applies after any context lift,
        so that the floor alone never makes a link. Not the other way round: a longer name
        holding a known one ("Baloch Yakjehti Committee") is another name."""
        alias = alias_key.split()
        if len(alias) <= len(self.query):
            return 0.0
        width = len(self.query)
        if any(alias[i : i + width] == self.query for i in range(len(alias) - width + 1)):
            return CONTAINED_SCORE
        return 0.0

    def same_key(self, alias_text: str) -> float:
        """The score of an alias with the query's own transliteration key."""
        alias_spelling = spelling(alias_text)
        if alias_spelling == self.spelling:
            return EXACT_SCORE
        words = normalise_tokens(alias_text)
        if words == self.words:
            return SAME_WORDS_SCORE
        if sorted(words) == sorted(self.words):
            return SAME_WORDS_SCORE - WORD_ORDER_PENALTY
        # The key is lossy (o/u, e/i, w/v...): "kaboro" and "Kaburu" share it. Spellings
        # that differ in more than a letter or two earn less than a transliteration.
        similarity = fuzz.ratio(alias_spelling, self.spelling)
        shortfall = max(0.0, TRANSLITERATION_SPELLING - similarity)
        return TRANSLITERATION_SCORE - shortfall * TRANSLITERATION_SLOPE

    def score(
        self, alias_key: str, entity_label: str, acronym_hit: bool, alias_text: str = ""
    ) -> float:
        """Score one alias (by match key and spelling), 0-100."""
        if alias_key == self.query_key:
            return self.same_key(alias_text or alias_key)
        alias = alias_key.split()
        score = self.alignment(alias)
        # Joined or split name parts: "Shahbakhsh" / "Shah Bakhsh", "Amirabdollahian".
        if len(alias) != len(self.query):
            compact = fuzz.ratio(self.compact, "".join(alias), score_cutoff=90)
            if compact:
                score = max(score, 100.0 * token_credit(compact / 100.0) - 2.0)
        if entity_label == "PERSON":
            score = max(score, self.surname(alias))
        if acronym_hit:
            score = max(score, ACRONYM_SCORE)
        return min(score, TRANSLITERATION_SCORE)  # above: only the query's own key


def spelling(text: str) -> str:
    """A surface form with case, diacritics and punctuation ignored."""
    return " ".join(_WORDS.findall(clean_text(text)))


def _in_order(rows: list[list[float]]) -> bool:
    """Whether the query's matched tokens meet the alias's in the same order."""
    positions = [row.index(max(row)) for row in rows if max(row) > 0]
    return positions == sorted(positions)
