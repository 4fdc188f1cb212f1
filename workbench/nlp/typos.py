"""Known names as sequences of word keys, reachable from a name with a misspelt word.

A name that differs from a known alias by one typing error in one or more of its words
("Tukot Libiraton Movement") is found here in microseconds, where the linker would take
milliseconds; whatever is ambiguous or farther is left to the linker."""

from __future__ import annotations

from itertools import product

from workbench.linking.keys import deletes

MIN_CORRECTED = 4  # shorter words must match exactly: one edit turns "bla" into "blf"
MAX_COMBINATIONS = 4


class NameIndex:
    """Word-key sequences of every pattern, and a one-edit index of their words."""

    def __init__(self) -> None:
        self.sequences: dict[tuple[str, ...], set[str]] = {}
        self.words: set[str] = set()
        self._by_deletion: dict[str, set[str]] = {}

    def add(self, keys: tuple[str, ...], entity_id: str) -> None:
        self.sequences.setdefault(keys, set()).add(entity_id)
        for key in keys:
            if key in self.words:
                continue
            self.words.add(key)
            if len(key) >= MIN_CORRECTED:
                for shorter in deletes(key):
                    self._by_deletion.setdefault(shorter, set()).add(key)

    def corrections(self, key: str) -> set[str]:
        """Known words within one insertion, deletion, substitution or transposition."""
        if key in self.words:
            return {key}
        if len(key) < MIN_CORRECTED:
            return set()
        found = set(self._by_deletion.get(key, ()))  # a letter missing from the text
        for shorter in deletes(key):
            if shorter in self.words:  # a letter too many in the text
                found.add(shorter)
            found |= self._by_deletion.get(shorter, set())  # a letter changed or swapped
        return {w for w in found if len(w) >= MIN_CORRECTED}

    def lookup(self, keys: tuple[str, ...]) -> set[str]:
        """Entities whose pattern this key sequence is, allowing one edit per long word."""
        options = [self.corrections(key) for key in keys]
        if not all(options):
            return set()
        total = 1
        for choice in options:
            total *= len(choice)
        if total > MAX_COMBINATIONS:
            return set()
        found: set[str] = set()
        for combination in product(*options):
            found |= self.sequences.get(combination, set())
        return found
