"""Ranking knowledge-base entities for a mention, and deciding link or NIL.

Candidates come from the persisted index (never a scan of every alias): each query token is
expanded to vocabulary tokens through deletion and phonetic keys, the rarest tokens'
postings are read first, frequent tokens only re-score what is already there, and at most
`pool` aliases are scored with rapidfuzz.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from rapidfuzz import fuzz

from workbench.errors import WorkbenchError
from workbench.linking.keys import ACRONYM_PREFIX, PHONETIC_PREFIX, query_keys
from workbench.linking.normalise import acronym_key, as_acronym, key_tokens
from workbench.linking.scoring import alias_score, labels_compatible

MAX_QUERY_LENGTH = 1000
# Below this no link is proposed: a wrong silent merge costs more than a missing link.
LINK_THRESHOLD = 75.0
# Two entities closer than this are "too close to call": NIL, the analyst decides.
MARGIN = 6.0
CONTEXT_BONUS = 8.0
# Postings rows read in full per query; frequent tokens beyond it only filter.
FETCH_BUDGET = 20_000
EXPANSION_MIN_SIMILARITY = 70.0


class CandidateIndex(Protocol):
    """What the linker needs from storage; `workbench.store` provides it."""

    def expand(self, keys: Sequence[str]) -> list[tuple[str, str, int]]: ...
    def document_frequency(self, tokens: Sequence[str]) -> dict[str, int]: ...
    def postings(self, tokens: Sequence[str], limit: int) -> list[tuple[int, str, int]]: ...
    def postings_among(
        self, tokens: Sequence[str], alias_ids: Sequence[int]
    ) -> list[tuple[int, str]]: ...
    def aliases_by_key(self, key: str) -> list[int]: ...
    def alias_rows(self, alias_ids: Sequence[int]) -> list[tuple[int, str, str, str, str, str]]: ...


@dataclass(frozen=True)
class Candidate:
    """An entity proposed for a mention: score 0-100 and the alias that matched best."""

    entity_id: str
    name: str
    label: str
    score: float
    alias: str

    def as_dict(self) -> dict[str, object]:
        """The JSON shape of the CLI contract."""
        return {
            "entity_id": self.entity_id,
            "name": self.name,
            "label": self.label,
            "score": round(self.score, 1),
            "alias": self.alias,
        }


@dataclass(frozen=True)
class LinkResult:
    """The ranked candidates and the decision: `link` is None for NIL."""

    query: str
    label: str | None
    link: Candidate | None
    candidates: list[Candidate] = field(default_factory=list)
    reason: str = ""

    def as_dict(self) -> dict[str, object]:
        """The JSON shape of `workbench link --json`."""
        return {
            "query": self.query,
            "label": self.label,
            "link": self.link.as_dict() if self.link else None,
            "candidates": [c.as_dict() for c in self.candidates],
            "reason": self.reason,
        }


@dataclass
class _Group:
    """One query token (or its acronym, or a split half) and the vocabulary it reaches."""

    tokens: dict[str, int]  # vocabulary token -> df
    total_df: int = 0


def _idf(df: int) -> float:
    return 1.0 / math.log2(2 + df)


class Linker:
    """Ranks entities for a mention text through a `CandidateIndex`."""

    def __init__(
        self,
        index: CandidateIndex,
        *,
        threshold: float = LINK_THRESHOLD,
        margin: float = MARGIN,
        pool: int = 200,
    ) -> None:
        self.index = index
        self.threshold = threshold
        self.margin = margin
        self.pool = pool

    def link(
        self,
        text: str,
        label: str | None = None,
        *,
        context: Iterable[str] = (),
        limit: int = 10,
    ) -> LinkResult:
        """Candidates for `text` and the decision (a link, or NIL with the reason)."""
        if len(text) > MAX_QUERY_LENGTH:
            raise WorkbenchError(
                f"mention text is {len(text)} characters; linking takes at most {MAX_QUERY_LENGTH}"
            )
        label = label.upper() if label else None
        ranked = self._rank(text, label, set(context))
        shown = ranked[: max(limit, 0)]
        if not ranked:
            return LinkResult(text, label, None, shown, "nil: no candidate")
        top = ranked[0]
        if top.score < self.threshold:
            return LinkResult(text, label, None, shown, f"nil: best score below {self.threshold:g}")
        if len(ranked) > 1 and top.score - ranked[1].score < self.margin:
            return LinkResult(
                text, label, None, shown, f"nil: {top.name} and {ranked[1].name} too close to call"
            )
        return LinkResult(text, label, top, shown, "linked")

    def _rank(self, text: str, label: str | None, context: set[str]) -> list[Candidate]:
        query = key_tokens(text)
        if not query:
            return []
        query_key = " ".join(query)
        acronym = as_acronym(text) if len(query) == 1 else None
        acronym_token = ACRONYM_PREFIX + acronym if acronym else None
        groups = self._groups(query, text, acronym_token)
        alias_ids = self._pool(groups, len(query))
        alias_ids.extend(self.index.aliases_by_key(query_key))
        best: dict[str, Candidate] = {}
        acronym_aliases = set(self._acronym_aliases(acronym_token, alias_ids))
        for alias_id, entity_id, alias_text, alias_key, entity_label, name in self.index.alias_rows(
            list(dict.fromkeys(alias_ids))
        ):
            if not labels_compatible(label, entity_label):
                continue
            score = alias_score(
                query_key, query, alias_key, entity_label, alias_id in acronym_aliases
            )
            if score >= 50.0 and entity_id in context:
                score = min(score + CONTEXT_BONUS, 99.5)
            if alias_text.casefold() == text.strip().casefold():
                score = max(score, 100.0)
            current = best.get(entity_id)
            if current is None or score > current.score:
                best[entity_id] = Candidate(entity_id, name, entity_label, score, alias_text)
        return sorted(best.values(), key=lambda c: (-c.score, c.name, c.entity_id))

    def _acronym_aliases(self, token: str | None, alias_ids: list[int]) -> list[int]:
        if not token or not alias_ids:
            return []
        return [alias_id for alias_id, _ in self.index.postings_among([token], alias_ids)]

    def _groups(self, query: list[str], text: str, acronym_token: str | None) -> list[_Group]:
        """Expand each distinct query token to the vocabulary tokens it may stand for."""
        unique = list(dict.fromkeys(query))
        keys_of = {t: query_keys(t) for t in unique}
        all_keys = sorted(set().union(*keys_of.values()))
        reached: dict[str, dict[str, int]] = defaultdict(dict)
        for key, token, df in self.index.expand(all_keys):
            reached[key][token] = df
        groups = []
        for t in unique:
            tokens: dict[str, int] = {}
            for key in keys_of[t]:
                for vocab, df in reached.get(key, {}).items():
                    if self._plausible(t, vocab, key):
                        tokens[vocab] = df
            groups.append(_Group(tokens))
        extra = []
        if acronym_token:
            extra.append(acronym_token)
        initials = acronym_key(text)
        if initials and len(query) >= 2:
            extra.append(initials)  # an alias written as the acronym of the query
        extra.extend(self._split_halves(unique))
        extra.extend(a + b for a, b in zip(query, query[1:], strict=False))  # joined parts
        if extra:
            found = self.index.document_frequency(extra)
            groups.extend(_Group({token: df}) for token, df in found.items())
        for group in groups:
            group.total_df = sum(group.tokens.values())
        return [g for g in groups if g.tokens]

    @staticmethod
    def _plausible(query_token: str, vocab_token: str, key: str) -> bool:
        if key.startswith(PHONETIC_PREFIX):
            return fuzz.ratio(query_token, vocab_token) >= 60.0
        return fuzz.ratio(query_token, vocab_token) >= EXPANSION_MIN_SIMILARITY

    @staticmethod
    def _split_halves(tokens: list[str]) -> list[str]:
        """Both halves of each way a long token splits: "shahbakhsh" -> "shah", "bakhsh"."""
        halves = []
        for token in tokens:
            if len(token) >= 6:
                for i in range(3, len(token) - 2):
                    halves.extend((token[:i], token[i:]))
        return halves

    def _pool(self, groups: list[_Group], query_length: int) -> list[int]:
        """At most `pool` alias ids, those covering the most (and rarest) query tokens."""
        if not groups:
            return []
        groups = sorted(groups, key=lambda g: g.total_df)
        coverage: dict[int, float] = defaultdict(float)
        lengths: dict[int, int] = {}
        fetched = 0
        pending = []
        for i, group in enumerate(groups):
            if i == 0 or fetched + group.total_df <= FETCH_BUDGET:
                rows = self.index.postings(list(group.tokens), FETCH_BUDGET)
                fetched += len(rows)
                seen_here: set[int] = set()
                for alias_id, token, ntok in rows:
                    if alias_id in seen_here:
                        continue
                    seen_here.add(alias_id)
                    coverage[alias_id] += _idf(group.tokens[token])
                    lengths[alias_id] = ntok
            else:
                pending.append(group)
        if pending and coverage:
            leaders = sorted(coverage, key=coverage.__getitem__, reverse=True)[: self.pool * 10]
            for group in pending:
                seen_here = set()
                for alias_id, token in self.index.postings_among(list(group.tokens), leaders):
                    if alias_id not in seen_here:
                        seen_here.add(alias_id)
                        coverage[alias_id] += _idf(group.tokens[token])

        def rank(alias_id: int) -> float:
            return coverage[alias_id] - 0.01 * abs(
                lengths.get(alias_id, query_length) - query_length
            )

        return sorted(coverage, key=rank, reverse=True)[: self.pool]
