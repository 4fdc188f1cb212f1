"""How close an alias is to a mention, 0-100, from its transliteration-key tokens.

The score is a token alignment: each query token against its best alias token and back
(rapidfuzz ratios, weak pairs counted as misses), so one shared word out of three does not
make "Sistan and Baluchestan" look like "Balochistan". People are often named by surname
alone, so a query matching the end of a PERSON alias earns partial credit.
"""

from __future__ import annotations

from rapidfuzz import fuzz

# Token pairs less similar than this count as a miss: "sistan" vs "baluchistan" is 0.59.
TOKEN_MATCH = 0.75
SURNAME_MATCH = 0.85
ACRONYM_SCORE = 88.0
EXACT_SCORE = 100.0

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

    def __init__(self, query_key: str, query: list[str]) -> None:
        self.query_key = query_key
        self.query = query
        self.compact = "".join(query)
        self._similar: dict[tuple[str, str], float] = {}

    def _similarity(self, a: str, b: str) -> float:
        if a == b:
            return 1.0
        key = (a, b)
        sim = self._similar.get(key)
        if sim is None:
            sim = fuzz.ratio(a, b) / 100.0
            sim = self._similar[key] = sim if sim >= TOKEN_MATCH else 0.0
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
        return float(100.0 * 2 * precision * recall / (precision + recall))

    def surname(self, alias: list[str]) -> float:
        """Partial credit when the query is the last name part(s) of a longer person name."""
        query = self.query
        if len(query) >= len(alias):
            return 0.0
        tail = alias[-len(query) :]
        if all(fuzz.ratio(q, a) / 100.0 >= SURNAME_MATCH for q, a in zip(query, tail, strict=True)):
            return 70.0 + 20.0 * len(query) / len(alias)
        return 0.0

    def score(self, alias_key: str, entity_label: str, acronym_hit: bool) -> float:
        """Score one alias (by match key), 0-100."""
        if alias_key == self.query_key:
            return EXACT_SCORE
        alias = alias_key.split()
        score = self.alignment(alias)
        # Joined or split name parts: "Shahbakhsh" / "Shah Bakhsh", "Amirabdollahian".
        compact = fuzz.ratio(self.compact, "".join(alias), score_cutoff=90)
        if compact:
            score = max(score, compact - 2.0)
        if entity_label == "PERSON":
            score = max(score, self.surname(alias))
        if acronym_hit:
            score = max(score, ACRONYM_SCORE)
        return min(score, 99.0)  # 100 is kept for an exact key match
