"""What the linker remembers during a batch run, in one place: `RunMemory`.

Pre-annotating a corpus links thousands of names that share words ("ul-Haq", "Shah") and
candidates, and news repeats its names: most questions are asked again and again. A run's
memory keeps
- the candidate index's answers, per token, per key and per alias (`MemoIndex`, which
  answers in the same order as the index it wraps, so the linker decides exactly as
  without it);
- each query word's spellings in the vocabulary (the linker's most expensive step);
- each query's pool of aliases worth scoring;
- each (text, label)'s decision.

A batch run may also read ahead (`Linker.prefetch`): what a list of names will ask of the
index is read for all of them at once, in a few statements, and the names are then linked
one by one from memory, as without it. On a database server that saves several round
trips per name.

It is for a run over a knowledge base that does not change meanwhile (a batch holds its
patterns fixed in the same way): make one per run; an alias added during the run is seen
by the next run. Memory is bounded by MAX_REMEMBERED_ROWS index rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from workbench.linking.index import AliasRow, CandidateIndex, Expansion, Posting

# A decision: (entity id, label, score), or None for NIL.
Decision = tuple[str, str, float] | None
# A query word's spellings: vocabulary token -> df, and token -> similarity to the word.
Spellings = tuple[dict[str, int], dict[str, float]]

# Remembered rows above which everything is forgotten: a bound on memory for huge KBs.
MAX_REMEMBERED_ROWS = 2_000_000
_NO = object()  # no answer remembered (None is an answer: "not in the index")


class RunMemory:
    """A batch run's memory of index answers, word spellings and decisions (see above)."""

    def __init__(self) -> None:
        self.spellings: dict[str, Spellings] = {}
        self.decisions: dict[tuple[str, str | None], Decision] = {}
        # (query tokens, text, acronym token) -> the aliases worth scoring for it
        self.pools: dict[tuple[tuple[str, ...], str, str | None], list[int]] = {}
        self._index: MemoIndex | None = None

    def index(self, index: CandidateIndex) -> MemoIndex:
        """`index`, answering from this run's memory what it answered before."""
        if self._index is None or self._index.index is not index:
            self._index = MemoIndex(index)
        return self._index


class MemoIndex:
    """A `CandidateIndex` answering from memory what `index` has answered before."""

    def __init__(self, index: CandidateIndex) -> None:
        self.index = index
        self._expansions: dict[str, list[Expansion]] = {}
        self._frequencies: dict[str, int | None] = {}
        # token -> (the first rows of its postings, how many were asked for)
        self._postings: dict[str, tuple[list[Posting], int]] = {}
        self._by_key: dict[str, list[int]] = {}
        self._aliases: dict[int, AliasRow | None] = {}
        self._rows = 0

    def expand(self, keys: Sequence[str]) -> list[Expansion]:
        def read(missing: list[str]) -> dict[str, list[Expansion]]:
            found: dict[str, list[Expansion]] = {key: [] for key in missing}
            for row in self.index.expand(missing):
                found[row[0]].append(row)
            return found

        wanted = sorted(set(keys))
        known = self._recall(self._expansions, wanted, read, lambda rows: len(rows))
        return [row for key in wanted for row in known[key]]

    def document_frequency(self, tokens: Sequence[str]) -> dict[str, int]:
        def read(missing: list[str]) -> dict[str, int | None]:
            answer = self.index.document_frequency(missing)
            return {token: answer.get(token) for token in missing}

        wanted = sorted(set(tokens))
        known = self._recall(self._frequencies, wanted, read, lambda _: 1)
        return {token: df for token in wanted if (df := known[token]) is not None}

    def postings(self, tokens: Sequence[str], limit: int) -> list[Posting]:
        # The index reads the tokens in order and stops after `limit` rows: the first
        # `limit` rows of each token, in token order, cut at `limit`, are the same rows.
        # Each token is read with its own first `limit` rows, so that it is remembered
        # with them (`postings` of all would stop at `limit` rows in all).
        def read(missing: list[str]) -> list[Posting]:
            return self.index.postings_capped(missing, limit)

        return self._capped(tokens, limit, read)[:limit]

    def postings_capped(self, tokens: Sequence[str], per_token: int) -> list[Posting]:
        return self._capped(
            tokens, per_token, lambda missing: self.index.postings_capped(missing, per_token)
        )

    def _capped(
        self,
        tokens: Sequence[str],
        per_token: int,
        read_rows: Callable[[list[str]], list[Posting]],
    ) -> list[Posting]:
        """The first `per_token` postings of each token, in token order; `read_rows` gets
        the tokens not remembered (or remembered with fewer rows than asked for now)."""

        # Written out rather than through `_recall`: a linked name asks for hundreds of
        # pair keys, most of them known not to exist, and this is the linker's inner loop.
        wanted = sorted(set(tokens))
        remembered = self._postings.get
        answers: dict[str, list[Posting]] = {}
        missing: list[str] = []
        for token in wanted:
            known = remembered(token)
            # usable: as many rows were asked for, or fewer were and there were no more
            if known is not None and (known[1] >= per_token or len(known[0]) < known[1]):
                answers[token] = known[0]
            else:
                missing.append(token)
        if missing:
            rows = read_rows(missing)
            found: dict[str, list[Posting]] = {}
            for row in rows:
                found.setdefault(row[1], []).append(row)
            # the tokens without postings share one empty answer (made at C speed)
            nothing: tuple[list[Posting], int] = ([], per_token)
            fresh = dict.fromkeys(missing, nothing)
            fresh.update((token, (found_rows, per_token)) for token, found_rows in found.items())
            self._remember(self._postings, fresh, len(rows))
            answers.update(dict.fromkeys(missing, nothing[0]))
            answers.update(found)
        out: list[Posting] = []
        for token in wanted:
            token_rows = answers[token]
            if token_rows:
                out.extend(token_rows[:per_token])
        return out

    def postings_among(
        self, tokens: Sequence[str], alias_ids: Sequence[int]
    ) -> list[tuple[int, str]]:
        return self.index.postings_among(tokens, alias_ids)

    def countries(self, entity_ids: Sequence[str]) -> dict[str, str]:
        return self.index.countries(entity_ids)  # asked only with a document's region

    def aliases_by_keys(self, keys: Sequence[str]) -> dict[str, list[int]]:
        def read(missing: list[str]) -> dict[str, list[int]]:
            found = self.index.aliases_by_keys(missing)
            return {key: found.get(key, []) for key in missing}

        known = self._recall(self._by_key, sorted(set(keys)), read, lambda ids: len(ids) + 1)
        return {key: ids for key, ids in known.items() if ids}

    def alias_rows(self, alias_ids: Sequence[int]) -> list[AliasRow]:
        def read(missing: list[int]) -> dict[int, AliasRow | None]:
            found: dict[int, AliasRow | None] = dict.fromkeys(missing)
            for row in self.index.alias_rows(missing):
                found[row[0]] = row
            return found

        wanted = sorted(set(alias_ids))
        known = self._recall(self._aliases, wanted, read, lambda _: 1)
        return [row for alias_id in wanted if (row := known[alias_id]) is not None]

    def _recall(
        self,
        memory: dict[Any, Any],
        wanted: list[Any],
        read: Callable[[list[Any]], dict[Any, Any]],
        size: Callable[[Any], int],
    ) -> dict[Any, Any]:
        """The answer for each wanted key: from `memory` when it holds one, else from `read`
        (given every other key at once), which is then remembered (`size` counts its rows
        towards the bound)."""
        # (one look-up per key: a read-ahead thread may forget everything in between)
        known = {key: answer for key in wanted if (answer := memory.get(key, _NO)) is not _NO}
        missing = [key for key in wanted if key not in known]
        if missing:
            found = read(missing)
            self._remember(memory, found, sum(size(answer) for answer in found.values()))
            known.update(found)
        return known

    def _remember(self, memory: dict[Any, Any], answers: dict[Any, Any], rows: int) -> None:
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
