"""Index keys: what the candidate index stores for an alias and looks up for a query.

- tokens: the transliteration keys of an alias's content tokens, plus "#<initials>"
  for its acronym, so "BLA" finds "Baluch Liberation Army";
- vocabulary keys: each distinct token is reachable by its single-character deletions
  (symmetric delete, as SymSpell does) and by "~<phonetic skeleton>", so a query token
  one or two edits away, or spelled by ear, finds it without a scan.
"""

from __future__ import annotations

from workbench.linking.normalise import acronym_key, key_tokens, phonetic_key

# Bump when normalisation or key construction changes: stored indexes are then rebuilt once.
KEY_VERSION = 1
ACRONYM_PREFIX = "#"
PHONETIC_PREFIX = "~"
# Deletions of tokens shorter than this match too much ("irn" -> "ir", "in", "rn").
MIN_DELETE_LENGTH = 4


def alias_tokens(text: str) -> tuple[list[str], int]:
    """The distinct index tokens of an alias, and its number of content tokens."""
    tokens = key_tokens(text)
    indexed = list(dict.fromkeys(tokens))
    acronym = acronym_key(text)
    if acronym:
        indexed.append(ACRONYM_PREFIX + acronym)
    return indexed, len(tokens)


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
