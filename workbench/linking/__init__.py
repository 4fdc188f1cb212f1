"""Fuzzy entity linking: normalisation, candidate keys, scoring and the NIL decision.

Knows nothing of Textual, spaCy or SQL: candidates come through the `CandidateIndex`
protocol, which the store implements. The linker itself (and rapidfuzz's process module)
is imported on first use, so opening a database or the TUI does not wait for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.linking.normalise import match_key, normalise_tokens

if TYPE_CHECKING:
    from workbench.linking.linker import Candidate, Linker, LinkResult

__all__ = ["Candidate", "LinkResult", "Linker", "match_key", "normalise_tokens"]


def __getattr__(name: str) -> object:
    if name in ("Candidate", "LinkResult", "Linker"):
        from workbench.linking import linker

        return getattr(linker, name)
    raise AttributeError(f"module 'workbench.linking' has no attribute {name!r}")
