"""Ranking knowledge-base entities for a mention, and deciding link or NIL.

Candidates come from the persisted index (never a scan of every alias): each query token is
expanded to vocabulary tokens through deletion and phonetic keys; pair keys find the few
aliases holding two of the query's words (each word as written against many spellings of
the other, and a few spellings of each against each); then the rarest tokens' postings are
read within a budget, and at most `pool` aliases are scored with rapidfuzz.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from workbench.errors import WorkbenchError
from workbench.linking.index import AliasRow, CandidateIndex, Posting
from workbench.linking.keys import ACRONYM_PREFIX, PHONETIC_PREFIX, pair_key, query_keys
from workbench.linking.memo import Decision, RunMemory, Spellings
from workbench.linking.normalise import acronym_key, as_acronym, clean_text, key_tokens
from workbench.linking.scoring import AliasScorer, labels_compatible

MAX_QUERY_LENGTH = 1000
# Below this no link is proposed: a wrong silent merge costs more than a missing link.
LINK_THRESHOLD = 75.0
# Two entities closer than this are "too close to call": NIL, the analyst decides.
MARGIN = 6.0
# A link below an identical spelling needs a wider margin: MARGIN_PER_POINT more for each
# point below SURE_SCORE. A near miss is evidence only where no other name is near too:
# in a gazetteer of 235,000 cities most one-letter neighbours of a name are other towns,
# in a news knowledge base they are its spellings.
SURE_SCORE = 100.0
MARGIN_PER_POINT = 1.1
CONTEXT_BONUS = 8.0
# A place in the country of the document's other places: a smaller lift than an entity the
# document names, since a country holds many places of similar names.
REGION_BONUS = 4.0
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Postings rows read per query; tokens beyond it count only through pairs.
FETCH_BUDGET = 1_500
EXPANSION_MIN_SIMILARITY = 70.0
# Vocabulary spellings per query token combined into pair keys, and what a pair adds.
PAIR_EXPANSIONS = 4
PAIR_BONUS = 1.0
# Spellings of a word paired with the other word as written.
ANCHOR_EXPANSIONS = 30
# Aliases read per pair key: "asim|hak" must not crowd out "khzairi|vasim".
PAIR_CAP = 40


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
    similarity: dict[str, float] = field(default_factory=dict)  # to the query token
    from_query_token: bool = False
    # Groups of one origin stand for the same query word (a token and its split halves):
    # an alias is credited once per origin, by its best group, never once per group.
    origin: int = -1
    half: bool = False  # a split half of a query token

    @property
    def total_df(self) -> int:
        return sum(self.tokens.values())

    def closest_within(self, budget: int) -> list[str]:
        """The vocabulary tokens most like the query token (rarer first among equals) whose
        postings fit in `budget` rows."""
        chosen, total = [], 0
        for token in sorted(
            self.tokens, key=lambda t: (-self.similarity.get(t, 0.0), self.tokens[t])
        ):
            if total + self.tokens[token] <= budget:
                chosen.append(token)
                total += self.tokens[token]
        return chosen

    def anchor(self) -> list[str]:
        """The query token as written, if the vocabulary has it; else its closest spelling."""
        return self.closest(1)

    def closest(self, n: int) -> list[str]:
        """The n vocabulary tokens most like the query token (commoner first among equals)."""
        return sorted(self.tokens, key=lambda t: (-self.similarity.get(t, 0.0), -self.tokens[t]))[
            :n
        ]


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
        pool: int = 120,
        shortlist: int = 40,
        memory: RunMemory | None = None,
    ) -> None:
        """`memory`: the knowledge base does not change while this linker is used (a batch
        run): index answers, word spellings and decisions are remembered there."""
        self.memory = memory
        self.index: CandidateIndex = memory.index(index) if memory is not None else index
        self.threshold = threshold
        self.margin = margin
        self.pool = pool
        self.shortlist = shortlist

    def link(
        self,
        text: str,
        label: str | None = None,
        *,
        context: Iterable[str] = (),
        region: str | None = None,
        limit: int = 10,
    ) -> LinkResult:
        """Candidates for `text` and the decision (a link, or NIL with the reason).
        `context`: entities the document already links (a lift, and the plain margin);
        `region`: the country of the document's places, which lifts places in it."""
        if len(text) > MAX_QUERY_LENGTH:
            raise WorkbenchError(
                f"mention text is {len(text)} characters; linking takes at most {MAX_QUERY_LENGTH}"
            )
        label = label.upper() if label else None
        context = set(context)
        ranked = self._rank(text, label, context, region, max(limit, 2))
        shown = ranked[: max(limit, 0)]
        if not ranked:
            return LinkResult(text, label, None, shown, "nil: no candidate")
        top = ranked[0]
        if top.score < self.threshold:
            return LinkResult(text, label, None, shown, f"nil: best score below {self.threshold:g}")
        # the document already names it: evidence enough for the plain margin
        needed = self.margin if top.entity_id in context else self.margin_needed(top.score)
        if len(ranked) > 1 and top.score - ranked[1].score < needed:
            return LinkResult(
                text, label, None, shown, f"nil: {top.name} and {ranked[1].name} too close to call"
            )
        return LinkResult(text, label, top, shown, "linked")

    def margin_needed(self, score: float) -> float:
        """How far ahead of the runner-up a candidate with this score must be to link."""
        return self.margin + max(0.0, SURE_SCORE - score) * MARGIN_PER_POINT

    def decide(self, text: str, label: str | None = None) -> Decision:
        """Only the decision, as pre-annotation needs it: (entity id, label, score) of the
        link, or None for NIL (or a name too long to link). Remembered in a run's memory."""
        key = (text, label)
        if self.memory is not None and key in self.memory.decisions:
            return self.memory.decisions[key]
        try:
            result = self.link(text, label, limit=2)
        except WorkbenchError:
            decision: Decision = None
        else:
            link = result.link
            decision = (link.entity_id, link.label, link.score) if link is not None else None
        if self.memory is not None:
            self.memory.decisions[key] = decision
        return decision

    def _rank(
        self, text: str, label: str | None, context: set[str], region: str | None, limit: int
    ) -> list[Candidate]:
        """Every candidate, best first; the first `limit` in their exact order."""
        query = key_tokens(text)
        if not query:
            return []
        query_key = " ".join(query)
        acronym = as_acronym(text) if len(query) == 1 else None
        acronym_token = ACRONYM_PREFIX + acronym if acronym else None
        groups = self._groups(query, text, acronym_token)
        alias_ids = self._pool(groups, self._split_pair_keys(list(dict.fromkeys(query))))
        alias_ids.extend(self.index.aliases_by_key(query_key))
        alias_ids = list(dict.fromkeys(alias_ids))
        acronym_aliases = set(self._acronym_aliases(acronym_token, alias_ids))
        rows = self._shortlist(self.index.alias_rows(alias_ids), query_key, text, acronym_aliases)
        scorer = AliasScorer(query_key, query, text)
        folded = text.strip().casefold()
        nearby: set[str] = set()
        if region is not None:
            places = {r.entity_id for r in rows if r.label in PLACE_LABELS}
            nearby = {e for e, c in self.index.countries(list(places)).items() if c == region}
        scored = []
        for alias_id, entity_id, alias_text, alias_key, entity_label, name in rows:
            if not labels_compatible(label, entity_label):
                continue
            score = scorer.score(alias_key, entity_label, alias_id in acronym_aliases, alias_text)
            if score >= 50.0 and entity_id in context:
                score = min(score + CONTEXT_BONUS, 99.5)
            elif score >= 50.0 and entity_id in nearby:
                score = min(score + REGION_BONUS, 99.5)
            if alias_text.casefold() == folded:
                score = max(score, 100.0)
            scored.append((score, alias_id, entity_id, alias_text, entity_label, name))
        # Ties (namesakes, shared acronyms) go to the closer raw spelling, then the older
        # alias; only rows that can reach the first `limit` places need that spelling score.
        entity_best: dict[str, float] = {}
        for score, _, entity_id, *_ in scored:
            entity_best[entity_id] = max(score, entity_best.get(entity_id, 0.0))
        tops = sorted(entity_best.values(), reverse=True)
        cutoff = tops[min(limit, len(tops)) - 1] if tops and limit > 0 else 101.0
        cleaned = clean_text(text)
        best: dict[str, tuple[float, float, int, Candidate]] = {}
        for score, alias_id, entity_id, alias_text, entity_label, name in scored:
            closeness = fuzz.WRatio(cleaned, clean_text(alias_text)) if score >= cutoff else 0.0
            rank = (score, closeness, -alias_id)
            current = best.get(entity_id)
            if current is None or rank > current[:3]:
                best[entity_id] = (
                    *rank,
                    Candidate(entity_id, name, entity_label, score, alias_text),
                )
        ordered = sorted(best.values(), key=lambda r: (-r[0], -r[1], -r[2]))
        return [r[3] for r in ordered]

    def _shortlist(
        self, rows: list[AliasRow], query_key: str, text: str, acronym_aliases: set[int]
    ) -> list[AliasRow]:
        """The rows worth full scoring, by a vectorised rapidfuzz pass: the best of a plain
        ratio and a token-set ratio (WRatio's partial matching would favour tiny aliases)."""
        if len(rows) <= self.shortlist:
            return rows
        import numpy

        keys = [r.key for r in rows]
        plain = process.cdist([query_key], keys, scorer=fuzz.ratio, workers=1)[0]
        subset = process.cdist([query_key], keys, scorer=fuzz.token_set_ratio, workers=1)[0]
        coarse = numpy.maximum(plain, subset)
        # best first; among equals, in the rows' order (a stable sort)
        keep = set(numpy.argsort(-coarse, kind="stable")[: self.shortlist].tolist())
        folded = text.strip().casefold()
        for i, row in enumerate(rows):
            if (
                row.alias_id in acronym_aliases
                or row.key == query_key
                or row.text.casefold() == folded
            ):
                keep.add(i)
        return [rows[i] for i in sorted(keep)]

    def _acronym_aliases(self, token: str | None, alias_ids: list[int]) -> list[int]:
        if not token or not alias_ids:
            return []
        return [alias_id for alias_id, _ in self.index.postings_among([token], alias_ids)]

    def _groups(self, query: list[str], text: str, acronym_token: str | None) -> list[_Group]:
        """Expand each distinct query token to the vocabulary tokens it may stand for."""
        unique = list(dict.fromkeys(query))
        spellings = self._spellings_of(unique)
        groups = [
            _Group(*spellings[t], from_query_token=True, origin=origin)
            for origin, t in enumerate(unique)
        ]
        groups.extend(self._split_and_joined_groups(query, unique))
        extra = []
        if acronym_token:
            extra.append(acronym_token)
        initials = acronym_key(text)
        if initials and len(query) >= 2:
            extra.append(initials)  # an alias written as the acronym of the query
        if extra:
            found = self.index.document_frequency(extra)
            groups.extend(
                _Group({token: df}, {token: 100.0}, origin=-2 - i)
                for i, (token, df) in enumerate(found.items())
            )
        return [g for g in groups if g.tokens]

    def _spellings_of(self, words: list[str]) -> dict[str, Spellings]:
        """For each query word, the vocabulary tokens it may stand for (token -> df) and
        how similar each is to it (a word's answer depends on nothing else)."""
        remembered = self.memory.spellings if self.memory is not None else {}
        found = {w: remembered[w] for w in words if w in remembered}
        todo = [w for w in words if w not in found]
        if not todo:
            return found
        keys_of = {t: query_keys(t) for t in todo}
        reached: dict[str, dict[str, int]] = defaultdict(dict)
        for key, token, df in self.index.expand(sorted(set().union(*keys_of.values()))):
            reached[key][token] = df
        for t in todo:
            tokens: dict[str, int] = {}
            similarity: dict[str, float] = {}
            # in a fixed order: ties between spellings go by the order they were reached
            for key in sorted(keys_of[t]):
                for vocab, df in reached.get(key, {}).items():
                    if vocab in tokens:
                        continue  # taken already: a token's deletion keys reach it again and again
                    close = fuzz.ratio(t, vocab)
                    floor = 60.0 if key.startswith(PHONETIC_PREFIX) else EXPANSION_MIN_SIMILARITY
                    if close >= floor:
                        tokens[vocab] = df
                        similarity[vocab] = close
            found[t] = remembered[t] = (tokens, similarity)
        return found

    def _split_and_joined_groups(self, query: list[str], unique: list[str]) -> list[_Group]:
        """Name parts written together or apart: "Nassershah" / "Nasser Shah", "Shah Bakhsh".
        A half is its token's stand-in (same origin); a joined pair is a word of its own."""
        splits = {token: self._split_halves(token) for token in unique}
        joined = [a + b for a, b in zip(query, query[1:], strict=False)]
        wanted = [half for pairs in splits.values() for pair in pairs for half in pair if half]
        found = self.index.document_frequency(list(dict.fromkeys(wanted + joined)))
        groups: dict[str, _Group] = {}
        for origin, token in enumerate(unique):
            for left, right in splits[token]:
                if left in found and (not right or right in found):
                    for half in (left, right) if right else (left,):
                        groups.setdefault(
                            half, _Group({half: found[half]}, {half: 100.0}, True, origin, True)
                        )
        for i, token in enumerate(joined):
            if token in found:
                groups.setdefault(
                    token, _Group({token: found[token]}, {token: 100.0}, True, len(unique) + i)
                )
        return list(groups.values())

    def _split_pair_keys(self, unique: list[str]) -> list[str]:
        """The pair key of each way a query token splits in two: the aliases holding both
        halves ("Nasser Shah" for "Nassershah")."""
        return [
            pair_key(left, right)
            for token in unique
            for left, right in self._split_halves(token)
            if right and left != right
        ]

    @staticmethod
    def _split_halves(token: str) -> list[tuple[str, str]]:
        """Each way a long token splits in two ("shahbakhsh" -> ("shah", "bakhsh")), and the
        token without a fused particle ("jaishal" -> ("jaish", ""))."""
        if len(token) < 5:
            return []
        halves = [(token[:i], token[i:]) for i in range(2, len(token) - 1)]
        # a letter doubled across the join was collapsed: "Amir"+"Randogori" -> "amirandugori"
        halves += [(token[:i], token[i - 1] + token[i:]) for i in range(2, len(token) - 1)]
        halves += [(token[: -len(p)], "") for p in ("al", "ul", "el") if token.endswith(p)]
        return halves

    def _pool(self, groups: list[_Group], split_keys: Sequence[str] = ()) -> list[int]:
        """At most `pool` alias ids, those covering the most (and rarest) query tokens."""
        if not groups and not split_keys:
            return []
        coverage: dict[int, float] = defaultdict(float)
        keys = set(split_keys)
        token_groups = [g for g in groups if g.from_query_token]
        if len(token_groups) >= 2:
            # Two recognisable words: the few aliases holding both, whatever their frequency.
            # Each spelled as written (its anchor) against many spellings of the other, as
            # one of two words is usually right; and a few spellings of each against each.
            closest = [(g.origin, g.closest(PAIR_EXPANSIONS)) for g in token_groups]
            # (the halves of a split word take part in the first kind only: each would
            # otherwise add as many keys as a whole word)
            anchors = [
                (g.origin, g.anchor(), g.closest(ANCHOR_EXPANSIONS))
                for g in token_groups
                if not g.half
            ]
            keys |= {
                pair_key(a, b)
                for i, (origin, first) in enumerate(closest)
                for other, second in closest[i + 1 :]
                if origin != other
                for a in first
                for b in second
                if a != b
            }
            keys |= {
                pair_key(a, b)
                for origin, anchor, _ in anchors
                for other, _, spellings in anchors
                if origin != other
                for a in anchor
                for b in spellings
                if a != b
            }
        if keys:
            for alias_id, _, _ in self.index.postings_capped(sorted(keys), PAIR_CAP):
                coverage[alias_id] += PAIR_BONUS
        # Single tokens, rarest first, within a budget of postings rows. Of a group too
        # frequent for what is left, only its closest spellings are read: the pairs above
        # already found the aliases holding a frequent token with another.
        fetched = 0
        # per origin: alias id -> its credit (the best of the origin's groups)
        by_origin: dict[int, dict[int, float]] = {}
        for group in sorted(groups, key=lambda g: g.total_df):
            if not (coverage or by_origin) or group.total_df + fetched <= FETCH_BUDGET:
                tokens = list(group.tokens)
            else:
                tokens = group.closest_within(FETCH_BUDGET - fetched)
            if tokens:
                rows = self.index.postings(tokens, FETCH_BUDGET)
                fetched += len(rows)
                if rows:  # (an origin is in `by_origin` once it has credited an alias)
                    self._cover(by_origin.setdefault(group.origin, {}), group, rows)
        for credited in by_origin.values():
            if not coverage:
                coverage.update(credited)  # the first one as it is, at C speed
                continue
            for alias_id, credit in credited.items():
                coverage[alias_id] += credit
        return sorted(coverage, key=coverage.__getitem__, reverse=True)[: self.pool]

    @staticmethod
    def _cover(
        credited: dict[int, float],
        group: _Group,
        rows: Iterable[Posting],
    ) -> None:
        """Credit each alias (once for the group's origin) by how rare the matched token is."""
        # Rarity of the group's best match, scaled by how close each spelling is: an exact
        # token outranks a rarer near-miss of it.
        best = max(group.tokens, key=lambda t: (group.similarity.get(t, 100.0), -group.tokens[t]))
        rarity = _idf(group.tokens[best])
        weight = {t: rarity * (group.similarity.get(t, 100.0) / 100.0) ** 4 for t in group.tokens}
        known = credited.get
        for alias_id, token, _ in rows:
            credit = weight[token]
            if credit > known(alias_id, 0.0):
                credited[alias_id] = credit
