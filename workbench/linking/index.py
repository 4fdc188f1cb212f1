"""The candidate index: what the linker asks of storage, the rows it gets back, and what
each alias puts into it. The store runs the SQL; everything about keys is decided here.

Tables (kept by the store beside the aliases):
- postings (token, alias_id, ntok): which aliases hold a token or a pair of tokens;
- vocabulary (token, df): each distinct token and how many aliases hold it;
- keys (key, token): deletion and phonetic keys leading to vocabulary tokens.
Adding an alias touches only its own tokens: no rebuild, whatever the size of the KB.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import NamedTuple, Protocol

from workbench.linking.keys import alias_pairs, alias_terms, alias_tokens

# A vocabulary token reached from a key: (key, token, df).
Expansion = tuple[str, str, int]
# An alias holding a token: (alias id, token, number of content tokens of the alias).
# Plain tuples: a linked name reads hundreds of them, and each is unpacked by name.
Posting = tuple[int, str, int]
# A posting as stored, in the table's key order: (token, alias id, ntok).
StoredPosting = tuple[str, int, int]


class AliasRow(NamedTuple):
    """An alias with its entity, as the linker scores it."""

    alias_id: int
    entity_id: str
    text: str
    key: str
    label: str
    name: str


class CandidateIndex(Protocol):
    """What the linker needs from storage; `workbench.store` provides it."""

    def expand(self, keys: Sequence[str]) -> list[Expansion]:
        """(key, vocabulary token, df) for every token reachable from the given keys."""
        ...

    def document_frequency(self, tokens: Sequence[str]) -> dict[str, int]:
        """df of each token that is in the vocabulary."""
        ...

    def postings(self, tokens: Sequence[str], limit: int) -> list[Posting]:
        """Postings of any of the tokens, at most `limit` rows."""
        ...

    def postings_capped(self, tokens: Sequence[str], per_token: int) -> list[Posting]:
        """At most `per_token` postings of each token, in token order."""
        ...

    def postings_among(
        self, tokens: Sequence[str], alias_ids: Sequence[int]
    ) -> list[tuple[int, str]]:
        """(alias id, token) for the given aliases that hold any of the tokens."""
        ...

    def aliases_by_keys(self, keys: Sequence[str]) -> dict[str, list[int]]:
        """Ids of the aliases whose match key equals each of these keys exactly (a key no
        alias has is left out)."""
        ...

    def alias_rows(self, alias_ids: Sequence[int]) -> list[AliasRow]:
        """The aliases (of live entities) with their entities."""
        ...

    def countries(self, entity_ids: Sequence[str]) -> dict[str, str]:
        """The country (`external_ids.country`) of each of these entities that has one."""
        ...


class IndexEntries(NamedTuple):
    """What some aliases add to (or take from) the index."""

    postings: list[StoredPosting]  # by token: B-tree inserts in key order are much faster
    document_frequency: Counter[str]  # content token -> how many of the aliases hold it


def index_entries(aliases: Iterable[tuple[int, str, str]]) -> IndexEntries:
    """The index entries of (alias id, text, match key) triples: each token (and acronym)
    and each pair of tokens of each alias."""
    return _entries((alias_id, *alias_tokens(text, norm)) for alias_id, text, norm in aliases)


def new_alias_entries(first_id: int, texts: Sequence[str]) -> tuple[list[str], IndexEntries]:
    """The match keys and index entries of new aliases, to be stored with the ids
    `first_id`, `first_id` + 1, ... (each text's words are cleaned once for both)."""
    keys: list[str] = []
    terms: list[tuple[int, list[str], int]] = []
    for alias_id, text in enumerate(texts, start=first_id):
        key, tokens, ntok = alias_terms(text)
        keys.append(key)
        terms.append((alias_id, tokens, ntok))
    return keys, _entries(terms)


def _entries(terms: Iterable[tuple[int, list[str], int]]) -> IndexEntries:
    """Postings and document frequencies of (alias id, index tokens, ntok) triples."""
    frequency: Counter[str] = Counter()
    postings: list[StoredPosting] = []
    for alias_id, tokens, ntok in terms:
        frequency.update(tokens)
        postings.extend((token, alias_id, ntok) for token in (*tokens, *alias_pairs(tokens)))
    postings.sort(key=itemgetter(0))  # (by token alone: comparing whole rows took twice as long)
    return IndexEntries(postings, frequency)
