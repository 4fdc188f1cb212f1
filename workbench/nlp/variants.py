"""How an alias may be written in running text, and the per-token key both sides share.

The key is the linker's transliteration key of one token (so "Baluch", "Baloch" and
"BALOCH" match); the variants cover what a token key cannot: hyphen or "and" between
name parts, a dropped generic head word or article, and a group named after a people
or its land ("Baluch Liberation Army" / "Balochistan Liberation Army")."""

from __future__ import annotations

import re
from functools import lru_cache

from workbench.linking.normalise import GENERIC_WORDS, PARTICLES, acronym_key, key_tokens

GROUP_LABELS = frozenset({"ORG", "NORP"})
_LAND_SUFFIX = re.compile(r"(?i)(i?stan|estan)$")
_JOINERS = re.compile(r"\s*(?:-|–|\band\b|&)\s*")
MIN_ACRONYM_WORDS = 3


PARTICLE_KEY = "al"


@lru_cache(maxsize=200_000)
def token_norm(text: str) -> str:
    """The matching key of one token: the linker's key, or the lower-cased text; the
    name particles al-/ul-/el-/-e-/-i- share one key ("Lashkar-e-" / "Lashkar-i-")."""
    folded = text.casefold()
    if folded in PARTICLES:
        return PARTICLE_KEY
    keys = key_tokens(text)
    return " ".join(keys) if keys else folded


def alias_variants(alias: str, label: str) -> set[str]:
    """Surface forms to look for in text for one alias (the alias itself included)."""
    alias = " ".join(alias.split())
    variants = {alias}
    words = alias.split(" ")
    if words and words[0].casefold() == "the" and len(words) > 1:
        variants.add(" ".join(words[1:]))
    if len(words) > 1 and words[-1].casefold() in GENERIC_WORDS:
        variants.add(" ".join(words[:-1]))
    for form in list(variants):
        parts = [p for p in _JOINERS.split(form) if p]
        # "Sistan and Baluchestan" / "Sistan-Baluchistan"; not "al-Adl", a particle
        if len(parts) == 2 and parts[0].split()[-1].casefold() not in PARTICLES:
            a, b = parts
            variants |= {f"{a}-{b}", f"{a} and {b}", f"{a} {b}"}
    if label in GROUP_LABELS:
        for form in list(variants):
            first, _, rest = form.partition(" ")
            if len(rest.split()) < 2 or not first[:1].isupper() or first.casefold() == "the":
                continue
            if _LAND_SUFFIX.search(first) and len(first) > 6:
                variants.add(f"{_LAND_SUFFIX.sub('', first)} {rest}")
            elif first.isalpha() and not first.isupper():
                variants.add(f"{first}istan {rest}")
    return {v for v in variants if v.strip()}


def acronym(alias: str, label: str) -> str | None:
    """The upper-case acronym of a group's name of three or more words ("IRGC")."""
    if label not in GROUP_LABELS:
        return None
    key = acronym_key(alias)
    return key.upper() if key and len(key) >= MIN_ACRONYM_WORDS else None
