"""Where a mention's candidates come from: the persisted index, never a scan of every alias.

Each query token is expanded to vocabulary tokens through deletion and phonetic keys; pair
keys find the few aliases holding two of the query's words (each word as written against
many spellings of the other, and a few spellings of each against each); then the rarest
tokens' postings are read within a budget, and at most `pool` aliases go on to be scored.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from workbench.linking.index import CandidateIndex, Posting
from workbench.linking.keys import PHONETIC_PREFIX, far_keys, pair_key, query_keys
from workbench.linking.memo import RunMemory, Spellings
from workbench.linking.normalise import acronym_key

# Postings rows read per query; tokens beyond it count only through pairs.
FETCH_BUDGET = 1_500
EXPANSION_MIN_SIMILARITY = 70.0
# Vocabulary spellings per query token combined into pair keys, and what a pair adds.
PAIR_EXPANSIONS = 4
PAIR_BONUS = 1.0
# Spellings of a word paired with the other word as written.
ANCHOR_EXPANSIONS = 30
# Neighbouring query words tried as one: "zhang jia du" for "Zhangjiadu".
MAX_JOINED_WORDS = 3
# Aliases read per pair key: "asim|hak" must not crowd out "khzairi|vasim".
PAIR_CAP = 40


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
    words: int = 1  # query words it stands for: more than one for words written apart

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


class CandidatePool:
    """The aliases worth scoring for a query, read from a `CandidateIndex`."""

    def __init__(self, index: CandidateIndex, memory: RunMemory | None, pool: int) -> None:
        """`memory`: a batch run's memory of word spellings (None: nothing remembered)."""
        self.index = index
        self.memory = memory
        self.pool = pool

    def alias_ids(
        self,
        query: list[str],
        text: str,
        acronym_token: str | None,
        groups: list[_Group] | None = None,
    ) -> list[int]:
        """At most `pool` aliases for the query's key tokens (`text`: as written), those
        covering the most and rarest of its words, then those with its exact key.
        `groups`: the query's, when worked out already."""
        remembered = self.memory.pools if self.memory is not None else None
        key = (tuple(query), text, acronym_token)
        if remembered is not None and key in remembered:
            return remembered[key]
        if groups is None:
            groups = self._groups(query, text, acronym_token)
        alias_ids = self._pool(groups, self._split_pair_keys(list(dict.fromkeys(query))))
        exact = " ".join(query)
        alias_ids.extend(self.index.aliases_by_keys([exact]).get(exact, []))
        alias_ids = list(dict.fromkeys(alias_ids))
        if remembered is not None:
            remembered[key] = alias_ids
        return alias_ids

    def prefetch(self, queries: Sequence[tuple[list[str], str, str | None]]) -> None:
        """Read ahead, for a batch run's memory, what `alias_ids` will ask of the index for
        each of these (query tokens, text, acronym token): in a few statements for all of
        them together, stage by stage, where each query alone would take several. What
        `alias_ids` then answers is what it answers without reading ahead."""
        if self.memory is None or not queries:
            return
        # the words' spellings, the other tokens' frequencies, the exact keys
        self._spellings_of(list(dict.fromkeys(word for query, _, _ in queries for word in query)))
        self.index.document_frequency(
            sorted(
                {
                    t
                    for q, text, acronym in queries
                    for t in self._tokens_looked_up(q, text, acronym)
                }
            )
        )
        self.index.aliases_by_keys(list(dict.fromkeys(" ".join(query) for query, _, _ in queries)))
        # the postings of the pair keys and of the words' spellings (those a pool reads in
        # full: a spelling too frequent for the budget is read as the pool decides)
        grouped = [
            (query, text, acronym, self._groups(query, text, acronym))
            for query, text, acronym in queries
        ]
        pair_keys: set[str] = set()
        tokens: set[str] = set()
        for query, _, _, groups in grouped:
            pair_keys |= self._pair_keys(groups, self._split_pair_keys(list(dict.fromkeys(query))))
            for group in groups:
                if group.total_df <= FETCH_BUDGET:
                    tokens.update(group.tokens)
        self.index.postings_capped(sorted(pair_keys), PAIR_CAP)
        self.index.postings(sorted(tokens), FETCH_BUDGET)
        # the pools (remembered), and their aliases' rows
        wanted: set[int] = set()
        for query, text, acronym, groups in grouped:
            wanted.update(self.alias_ids(query, text, acronym, groups))
        self.index.alias_rows(sorted(wanted))

    def acronym_aliases(self, token: str | None, alias_ids: list[int]) -> list[int]:
        """Which of these aliases have the acronym token."""
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
        extra = self._extra_tokens(query, text, acronym_token)
        if extra:
            found = self.index.document_frequency(extra)
            groups.extend(
                _Group({token: df}, {token: 100.0}, origin=-2 - i)
                for i, (token, df) in enumerate(found.items())
            )
        return [g for g in groups if g.tokens]

    @staticmethod
    def _extra_tokens(query: list[str], text: str, acronym_token: str | None) -> list[str]:
        """The query's acronym token, and its initials as an acronym of several words."""
        extra = []
        if acronym_token:
            extra.append(acronym_token)
        initials = acronym_key(text)
        if initials and len(query) >= 2:
            extra.append(initials)  # an alias written as the acronym of the query
        return extra

    def _tokens_looked_up(
        self, query: list[str], text: str, acronym_token: str | None
    ) -> list[str]:
        """Every token whose frequency `_groups` asks for (besides the words' spellings)."""
        return [
            *self._split_and_joined_tokens(query, list(dict.fromkeys(query))),
            *self._extra_tokens(query, text, acronym_token),
        ]

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
        # a long word the vocabulary lacks as written: look further
        far = {t: keys for t in todo if t not in reached.get(t, {}) and (keys := far_keys(t))}
        if far:
            for key, token, df in self.index.expand(sorted(set().union(*far.values()))):
                reached[key][token] = df
            for t, keys in far.items():
                keys_of[t] = keys_of[t] | keys
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
        A half is its token's stand-in (same origin); a joined run is a word of its own,
        credited for the words it joins."""
        splits = {token: self._split_halves(token) for token in unique}
        joined = self._joined(query)
        found = self.index.document_frequency(self._split_and_joined_tokens(query, unique))
        groups: dict[str, _Group] = {}
        for origin, token in enumerate(unique):
            for left, right in splits[token]:
                if left in found and (not right or right in found):
                    for half in (left, right) if right else (left,):
                        groups.setdefault(
                            half, _Group({half: found[half]}, {half: 100.0}, True, origin, True)
                        )
        for i, (token, words) in enumerate(joined.items()):
            if token in found:
                groups.setdefault(
                    token,
                    _Group(
                        {token: found[token]}, {token: 100.0}, True, len(unique) + i, words=words
                    ),
                )
        return list(groups.values())

    def _split_and_joined_tokens(self, query: list[str], unique: list[str]) -> list[str]:
        """The halves of each way a query token splits, and each two tokens written as one."""
        halves = [
            half for token in unique for pair in self._split_halves(token) for half in pair if half
        ]
        return list(dict.fromkeys([*halves, *self._joined(query)]))

    @staticmethod
    def _joined(query: list[str]) -> dict[str, int]:
        """Each run of two to `MAX_JOINED_WORDS` neighbouring words written as one ("zhang
        jia du" as "zhangjiadu"), and how many words it joins."""
        runs: dict[str, int] = {}
        for start in range(len(query)):
            for end in range(start + 2, min(start + MAX_JOINED_WORDS, len(query)) + 1):
                runs.setdefault("".join(query[start:end]), end - start)
        return runs

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
        keys = self._pair_keys(groups, split_keys)
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
    def _pair_keys(groups: list[_Group], split_keys: Sequence[str]) -> set[str]:
        """The pair keys a pool reads: `split_keys`, and with two recognisable words, the
        few aliases holding both, whatever their frequency. Each word spelled as written
        (its anchor) against many spellings of the other, as one of two words is usually
        right; and a few spellings of each against each."""
        keys = set(split_keys)
        token_groups = [g for g in groups if g.from_query_token]
        if len(token_groups) < 2:
            return keys
        closest = [(g.origin, g.closest(PAIR_EXPANSIONS)) for g in token_groups]
        # (the halves of a split word take part in the first kind only: each would
        # otherwise add as many keys as a whole word)
        anchors = [
            (g.origin, g.anchor(), g.closest(ANCHOR_EXPANSIONS)) for g in token_groups if not g.half
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
        return keys

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
        rarity = _idf(group.tokens[best]) * group.words
        weight = {t: rarity * (group.similarity.get(t, 100.0) / 100.0) ** 4 for t in group.tokens}
        known = credited.get
        for alias_id, token, _ in rows:
            credit = weight[token]
            if credit > known(alias_id, 0.0):
                credited[alias_id] = credit
