"""Fuzzy entity linking: normalisation, candidate keys, scoring and the NIL decision.

Knows nothing of Textual, spaCy or SQL: candidates come through the `CandidateIndex`
protocol, which the store implements.
"""

from workbench.linking.linker import Candidate, Linker, LinkResult
from workbench.linking.normalise import match_key, normalise_tokens

__all__ = ["Candidate", "LinkResult", "Linker", "match_key", "normalise_tokens"]
