"""Ranking knowledge-base entities for a mention, and deciding link or NIL.

The candidates come from the persisted index (`candidates.CandidatePool`); a shortlist of
them is scored with rapidfuzz (`scoring.AliasScorer`), and the best is linked when it is
sure enough and far enough ahead of the runner-up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from workbench.errors import WorkbenchError
from workbench.linking.candidates import CandidatePool
from workbench.linking.index import AliasRow, CandidateIndex
from workbench.linking.keys import ACRONYM_PREFIX
from workbench.linking.memo import Decision, RunMemory
from workbench.linking.normalise import as_acronym, clean_text, key_tokens
from workbench.linking.scoring import AliasScorer, labels_compatible

MAX_QUERY_LENGTH = 1000
# Below this no link is proposed: a wrong silent merge costs more than a missing link.
LINK_THRESHOLD = 75.0
# Two entities closer than this are "too close to call": NIL, the analyst decides.
MARGIN = 6.0
# A link below an identical spelling needs a wider margin: MARGIN_PER_POINT more for each
# point below SURE_SCORE. A near miss is evidence only where no other name is near too:
# in a gazetteer of 235,000 cities most one-letter neighbours of a name are other towns,
# in a news knowledge base they are its spellings.
SURE_SCORE = 100.0
MARGIN_PER_POINT = 1.1
CONTEXT_BONUS = 8.0
# A place in the country of the document's other places: a smaller lift than an entity the
# document names, since a country holds many places of similar names.
REGION_BONUS = 4.0
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


@dataclass(frozen=True)
class Candidate:
    """An entity proposed for a mention: score 0-100 and the alias that matched best."""

    entity_id: str
    name: str
    label: str
    score: float
    alias: str

    def as_dict(self) -> dict[str, object]:
        """The JSON shape of the CLI contract."""
        return {
            "entity_id": self.entity_id,
            "name": self.name,
            "label": self.label,
            "score": round(self.score, 1),
            "alias": self.alias,
        }


@dataclass(frozen=True)
class LinkResult:
    """The ranked candidates and the decision: `link` is None for NIL."""

    query: str
    label: str | None
    link: Candidate | None
    candidates: list[Candidate] = field(default_factory=list)
    reason: str = ""

    def as_dict(self) -> dict[str, object]:
        """The JSON shape of `workbench link --json`."""
        return {
            "query": self.query,
            "label": self.label,
            "link": self.link.as_dict() if self.link else None,
            "candidates": [c.as_dict() for c in self.candidates],
            "reason": self.reason,
        }


class Linker:
    """Ranks entities for a mention text through a `CandidateIndex`."""

    def __init__(
        self,
        index: CandidateIndex,
        *,
        threshold: float = LINK_THRESHOLD,
        margin: float = MARGIN,
        pool: int = 120,
        shortlist: int = 40,
        memory: RunMemory | None = None,
        read_ahead: bool = False,
    ) -> None:
        """`memory`: the knowledge base does not change while this linker is used (a batch
        run): index answers, word spellings and decisions are remembered there.
        `read_ahead`: `prefetch` reads names ahead into that memory (worth it where each
        read is a round trip to a database server; in-process reads gain nothing)."""
        self.memory = memory
        self.read_ahead = read_ahead
        self.index: CandidateIndex = memory.index(index) if memory is not None else index
        self.threshold = threshold
        self.margin = margin
        self.candidates = CandidatePool(self.index, memory, pool)
        self.shortlist = shortlist

    def link(
        self,
        text: str,
        label: str | None = None,
        *,
        context: Iterable[str] = (),
        region: str | None = None,
        limit: int = 10,
    ) -> LinkResult:
        """Candidates for `text` and the decision (a link, or NIL with the reason).
        `context`: entities the document already links (a lift, and the plain margin);
        `region`: the country of the document's places, which lifts places in it."""
        if len(text) > MAX_QUERY_LENGTH:
            raise WorkbenchError(
                f"mention text is {len(text)} characters; linking takes at most {MAX_QUERY_LENGTH}"
            )
        label = label.upper() if label else None
        context = set(context)
        ranked = self._rank(text, label, context, region, max(limit, 2))
        shown = ranked[: max(limit, 0)]
        if not ranked:
            return LinkResult(text, label, None, shown, "nil: no candidate")
        top = ranked[0]
        if top.score < self.threshold:
            return LinkResult(text, label, None, shown, f"nil: best score below {self.threshold:g}")
        # the document already names it: evidence enough for the plain margin
        needed = self.margin if top.entity_id in context else self.margin_needed(top.score)
        if len(ranked) > 1 and top.score - ranked[1].score < needed:
            return LinkResult(
                text, label, None, shown, f"nil: {top.name} and {ranked[1].name} too close to call"
            )
        return LinkResult(text, label, top, shown, "linked")

    def margin_needed(self, score: float) -> float:
        """How far ahead of the runner-up a candidate with this score must be to link."""
        return self.margin + max(0.0, SURE_SCORE - score) * MARGIN_PER_POINT

    def decide(self, text: str, label: str | None = None) -> Decision:
        """Only the decision, as pre-annotation needs it: (entity id, label, score) of the
        link, or None for NIL (or a name too long to link). Remembered in a run's memory."""
        key = (text, label)
        if self.memory is not None and key in self.memory.decisions:
            return self.memory.decisions[key]
        try:
            result = self.link(text, label, limit=2)
        except WorkbenchError:
            decision: Decision = None
        else:
            link = result.link
            decision = (link.entity_id, link.label, link.score) if link is not None else None
        if self.memory is not None:
            self.memory.decisions[key] = decision
        return decision

    def __call__(self, text: str, label: str | None = None) -> Decision:
        """`decide`: a linker is what a pre-annotation run calls for each name."""
        return self.decide(text, label)

    def prefetch(self, names: Iterable[tuple[str, str | None]]) -> None:
        """Read ahead what deciding these (text, label) names will ask of the knowledge
        base, in a few statements for all of them (see `workbench.linking.memo`); only with
        a run's memory, where the decisions then come from, and when reading ahead (see
        the constructor). Decided names are skipped."""
        if self.memory is None or not self.read_ahead:
            return
        queries: dict[str, tuple[list[str], str, str | None]] = {}
        for text, label in names:
            if text in queries or len(text) > MAX_QUERY_LENGTH:
                continue
            if (text, label) in self.memory.decisions:
                continue
            query, acronym_token = _query(text)
            if query:
                queries[text] = (query, text, acronym_token)
        self.candidates.prefetch(list(queries.values()))

    def _rank(
        self, text: str, label: str | None, context: set[str], region: str | None, limit: int
    ) -> list[Candidate]:
        """Every candidate, best first; the first `limit` in their exact order."""
        query, acronym_token = _query(text)
        if not query:
            return []
        query_key = " ".join(query)
        alias_ids = self.candidates.alias_ids(query, text, acronym_token)
        acronym_aliases = set(self.candidates.acronym_aliases(acronym_token, alias_ids))
        rows = self._shortlist(self.index.alias_rows(alias_ids), query_key, text, acronym_aliases)
        scorer = AliasScorer(query_key, query, text)
        folded = text.strip().casefold()
        nearby: set[str] = set()
        if region is not None:
            places = {r.entity_id for r in rows if r.label in PLACE_LABELS}
            nearby = {e for e, c in self.index.countries(list(places)).items() if c == region}
        scored = []
        for alias_id, entity_id, alias_text, alias_key, entity_label, name in rows:
            if not labels_compatible(label, entity_label):
                continue
            score = scorer.score(alias_key, entity_label, alias_id in acronym_aliases, alias_text)
            if score >= 50.0 and entity_id in context:
                score = min(score + CONTEXT_BONUS, 99.5)
            elif score >= 50.0 and entity_id in nearby:
                score = min(score + REGION_BONUS, 99.5)
            score = max(score, scorer.contained(alias_key))
            if alias_text.casefold() == folded:
                score = max(score, 100.0)
            scored.append((score, alias_id, entity_id, alias_text, entity_label, name))
        # Ties (namesakes, shared acronyms) go to the closer raw spelling, then the older
        # alias; only rows that can reach the first `limit` places need that spelling score.
        entity_best: dict[str, float] = {}
        for score, _, entity_id, *_ in scored:
            entity_best[entity_id] = max(score, entity_best.get(entity_id, 0.0))
        tops = sorted(entity_best.values(), reverse=True)
        cutoff = tops[min(limit, len(tops)) - 1] if tops and limit > 0 else 101.0
        cleaned = clean_text(text)
        best: dict[str, tuple[float, float, int, Candidate]] = {}
        for score, alias_id, entity_id, alias_text, entity_label, name in scored:
            closeness = fuzz.WRatio(cleaned, clean_text(alias_text)) if score >= cutoff else 0.0
            rank = (score, closeness, -alias_id)
            current = best.get(entity_id)
            if current is None or rank > current[:3]:
                best[entity_id] = (
                    *rank,
                    Candidate(entity_id, name, entity_label, score, alias_text),
                )
        ordered = sorted(best.values(), key=lambda r: (-r[0], -r[1], -r[2]))
        return [r[3] for r in ordered]

    def _shortlist(
        self, rows: list[AliasRow], query_key: str, text: str, acronym_aliases: set[int]
    ) -> list[AliasRow]:
        """The rows worth full scoring, by a vectorised rapidfuzz pass: the best of a plain
        ratio and a token-set ratio (WRatio's partial matching would favour tiny aliases)."""
        if len(rows) <= self.shortlist:
            return rows
        import numpy

        keys = [r.key for r in rows]
        plain = process.cdist([query_key], keys, scorer=fuzz.ratio, workers=1)[0]
        subset = process.cdist([query_key], keys, scorer=fuzz.token_set_ratio, workers=1)[0]
        coarse = numpy.maximum(plain, subset)
        # best first; among equals, in the rows' order (a stable sort)
        keep = set(numpy.argsort(-coarse, kind="stable")[: self.shortlist].tolist())
        folded = text.strip().casefold()
        for i, row in enumerate(rows):
            if (
                row.alias_id in acronym_aliases
                or row.key == query_key
                or row.text.casefold() == folded
            ):
                keep.add(i)
        return [rows[i] for i in sorted(keep)]


def _query(text: str) -> tuple[list[str], str | None]:
    """A mention text's key tokens, and the acronym token it is looked up by when it is a
    single word."""
    query = key_tokens(text)
    acronym = as_acronym(text) if len(query) == 1 else None
    return query, ACRONYM_PREFIX + acronym if acronym else None
