"""A candidate index that remembers another's answers, for a batch run.

Pre-annotating a corpus links thousands of names that share words ("ul-Haq", "Shah") and
candidates: most of the index's answers are asked for again and again. `MemoIndex` keeps
them per token, per key and per alias, and answers in the same order as the index it
wraps (rows in key order, then alias order), so the linker decides exactly as without it.

It is for a run over a knowledge base that does not change meanwhile (a batch holds its
patterns fixed in the same way): an alias added during the run is seen by the next run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.linking.linker import CandidateIndex

# Remembered rows above which everything is forgotten: a bound on memory for huge KBs.
MAX_REMEMBERED_ROWS = 2_000_000


class MemoIndex:
    """A `CandidateIndex` answering from memory what `index` has answered before."""

    def __init__(self, index: CandidateIndex) -> None:
        self.index = index
        self._expansions: dict[str, list[tuple[str, str, int]]] = {}
        self._frequencies: dict[str, int | None] = {}
        # token -> (the first rows of its postings, how many were asked for)
        self._postings: dict[str, tuple[list[tuple[int, str, int]], int]] = {}
        self._by_key: dict[str, list[int]] = {}
        self._aliases: dict[int, tuple[int, str, str, str, str, str] | None] = {}
        self._rows = 0

    def expand(self, keys: Sequence[str]) -> list[tuple[str, str, int]]:
        wanted = sorted(set(keys))
        known = {key: self._expansions[key] for key in wanted if key in self._expansions}
        missing = [key for key in wanted if key not in known]
        if missing:
            found: dict[str, list[tuple[str, str, int]]] = {key: [] for key in missing}
            for row in self.index.expand(missing):
                found[row[0]].append(row)
            self._remember(self._expansions, found, sum(map(len, found.values())))
            known.update(found)
        return [row for key in wanted for row in known[key]]

    def document_frequency(self, tokens: Sequence[str]) -> dict[str, int]:
        wanted = sorted(set(tokens))
        known = {t: self._frequencies[t] for t in wanted if t in self._frequencies}
        missing = [token for token in wanted if token not in known]
        if missing:
            answer = self.index.document_frequency(missing)
            found = {token: answer.get(token) for token in missing}
            self._remember(self._frequencies, found, len(found))
            known.update(found)
        return {token: df for token in wanted if (df := known[token]) is not None}

    def postings(self, tokens: Sequence[str], limit: int) -> list[tuple[int, str, int]]:
        # The index reads the tokens in order and stops after `limit` rows: the first
        # `limit` rows of each token, in token order, cut at `limit`, are the same rows.
        # Tokens are read one by one, so that each is remembered with its own first
        # `limit` rows (one statement for all would stop at `limit` rows in all).
        def read(missing: list[str]) -> list[tuple[int, str, int]]:
            return [row for token in missing for row in self.index.postings([token], limit)]

        return self._capped(tokens, limit, read)[:limit]

    def postings_capped(self, tokens: Sequence[str], per_token: int) -> list[tuple[int, str, int]]:
        return self._capped(
            tokens, per_token, lambda missing: self.index.postings_capped(missing, per_token)
        )

    def _capped(
        self,
        tokens: Sequence[str],
        per_token: int,
        read: Callable[[list[str]], list[tuple[int, str, int]]],
    ) -> list[tuple[int, str, int]]:
        """The first `per_token` postings of each token, in token order; `read` gets the
        tokens not remembered."""
        wanted = sorted(set(tokens))
        known = {
            token: self._postings[token]
            for token in wanted
            if token in self._postings and self._enough(self._postings[token], per_token)
        }
        missing = [token for token in wanted if token not in known]
        if missing:
            found: dict[str, tuple[list[tuple[int, str, int]], int]] = {
                token: ([], per_token) for token in missing
            }
            for row in read(missing):
                found[row[1]][0].append(row)
            self._remember(self._postings, found, sum(len(rows) for rows, _ in found.values()))
            known.update(found)
        out: list[tuple[int, str, int]] = []
        for token in wanted:
            out.extend(known[token][0][:per_token])
        return out

    def postings_among(
        self, tokens: Sequence[str], alias_ids: Sequence[int]
    ) -> list[tuple[int, str]]:
        return self.index.postings_among(tokens, alias_ids)

    def aliases_by_key(self, key: str) -> list[int]:
        known = self._by_key.get(key)
        if known is None:
            known = self.index.aliases_by_key(key)
            self._remember(self._by_key, {key: known}, len(known) + 1)
        return known

    def alias_rows(self, alias_ids: Sequence[int]) -> list[tuple[int, str, str, str, str, str]]:
        wanted = sorted(set(alias_ids))
        known = {a: self._aliases[a] for a in wanted if a in self._aliases}
        missing = [alias_id for alias_id in wanted if alias_id not in known]
        if missing:
            found: dict[int, tuple[int, str, str, str, str, str] | None] = dict.fromkeys(missing)
            for row in self.index.alias_rows(missing):
                found[row[0]] = row
            self._remember(self._aliases, found, len(found))
            known.update(found)
        return [row for alias_id in wanted if (row := known[alias_id]) is not None]

    @staticmethod
    def _enough(remembered: tuple[list, int], per_token: int) -> bool:
        """Whether remembered postings answer a call for `per_token` rows: as many were
        asked for, or fewer were and the postings turned out shorter."""
        rows, asked = remembered
        return asked >= per_token or len(rows) < asked

    def _remember(self, memory: dict, answers: dict, rows: int) -> None:
        if self._rows + rows > MAX_REMEMBERED_ROWS:
            self._forget()
        memory.update(answers)
        self._rows += rows

    def _forget(self) -> None:
        for memory in (
            self._expansions,
            self._frequencies,
            self._postings,
            self._by_key,
            self._aliases,
        ):
            memory.clear()
        self._rows = 0
