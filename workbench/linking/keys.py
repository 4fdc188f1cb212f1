"""Index keys: what the candidate index stores for an alias and looks up for a query.

- tokens: the transliteration keys of an alias's content tokens, plus "#<initials>"
  for its acronym, so "BLA" finds "Baluch Liberation Army";
- pairs: "&a|b" for every two tokens of an alias (in sorted order, so word order does not
  matter): a query with two recognisable words lands on the few aliases holding both,
  instead of reading the long postings of a common word such as "ansar" or "muhammad";
- vocabulary keys: each distinct token is reachable by its single-character deletions
  (symmetric delete, as SymSpell does) and by "~<phonetic skeleton>", so a query token
  one or two edits away, or spelled by ear, finds it without a scan; a long query token
  the vocabulary lacks is also looked up by its two-letter deletions, which reach further.
"""

from __future__ import annotations

from workbench.linking.normalise import (
    content_tokens,
    initials,
    phonetic_key,
    transliterated,
    words,
)

# Bump when normalisation or key construction changes: stored indexes are then rebuilt once.
KEY_VERSION = 3
ACRONYM_PREFIX = "#"
PAIR_PREFIX = "&"
# Pairs are formed among the first tokens only: long names would square the index.
MAX_PAIR_TOKENS = 5
PHONETIC_PREFIX = "~"
# Deletions of tokens shorter than this match too much ("irn" -> "ir", "in", "rn").
MIN_DELETE_LENGTH = 4
# Unknown query tokens at least this long are also looked up by two-letter deletions.
TWO_DELETES_LENGTH = 7


def alias_tokens(text: str, norm: str = "") -> tuple[list[str], int]:
    """The distinct index tokens of an alias, and its number of content tokens. `norm`:
    the alias's match key as stored (`match_key(text)`, its content tokens' keys), which
    is not worked out again when given."""
    raw = words(text)  # cleaned once for both the tokens and the acronym
    tokens = norm.split(" ") if norm else transliterated(content_tokens(raw))
    return _indexed(raw, tokens), len(tokens)


def alias_terms(text: str) -> tuple[str, list[str], int]:
    """A new alias's match key (`match_key(text)`), distinct index tokens and number of
    content tokens, its words cleaned once for all three."""
    raw = words(text)
    tokens = transliterated(content_tokens(raw))
    return " ".join(tokens), _indexed(raw, tokens), len(tokens)


def _indexed(raw: list[str], tokens: list[str]) -> list[str]:
    """The distinct tokens, then the acronym of the words, if they make one."""
    indexed = list(dict.fromkeys(tokens))
    acronym = initials(raw)
    if acronym:
        indexed.append(ACRONYM_PREFIX + acronym)
    return indexed


def pair_key(a: str, b: str) -> str:
    """The order-free key of two tokens."""
    return PAIR_PREFIX + (f"{a}|{b}" if a <= b else f"{b}|{a}")


def alias_pairs(tokens: list[str]) -> list[str]:
    """Pair keys of an alias's distinct content tokens."""
    head = list(dict.fromkeys(t for t in tokens if not t.startswith(ACRONYM_PREFIX)))[
        :MAX_PAIR_TOKENS
    ]
    return [pair_key(a, b) for i, a in enumerate(head) for b in head[i + 1 :]]


def deletes(token: str) -> set[str]:
    """The token with one character removed, each way it can be."""
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


def vocabulary_keys(token: str) -> set[str]:
    """Keys under which a vocabulary token is found: itself, its deletions, its sound."""
    if token.startswith(ACRONYM_PREFIX):
        return set()  # acronyms are matched exactly, never fuzzily
    keys = {token}
    if len(token) >= MIN_DELETE_LENGTH:
        keys |= deletes(token)
    if len(token) >= 3:
        keys.add(PHONETIC_PREFIX + phonetic_key(token))
    return keys


def query_keys(token: str) -> set[str]:
    """Keys to look up for one query token: the same construction as the vocabulary's."""
    return vocabulary_keys(token)


def far_keys(token: str) -> set[str]:
    """Further keys for a long query token the vocabulary does not have as written: its
    deletions of two letters, which meet the vocabulary's single deletions, so a long
    name respelled by ear ("Kukhmalakhti" / "Kuhmalahti") is found three edits off."""
    if len(token) < TWO_DELETES_LENGTH:
        return set()
    return {shorter for once in deletes(token) for shorter in deletes(once)} - query_keys(token)
