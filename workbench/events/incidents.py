"""Incidents across sources: which event reports describe the same incident (event
coreference), and what the reports of one incident claim field by field.

A pair of reports is scored from what they say, each piece of evidence adding or taking
points (the reasons are kept, to show the analyst):

- the type must be the same (+0.25), the sub-type too (+0.10);
- dates: windows from their precision ("January" is the whole month); windows that
  cannot meet rule the pair out; the same day +0.35; windows that overlap +0.15;
- places, attackers, targets and agents (linked entities, else names): shared +0.20
  (places, targets, agents) or +0.15 (attackers); both known and disjoint -0.35 (agents,
  often named by metonymy, -0.15);
- the only event of its sub-type in each of the two reports +0.25;
- fatality figures that overlap +0.05; publication dates within three days +0.05;
- two events of one document are never the same incident.

Pairs at or above `THRESHOLD` are the same incident. The weights and the threshold were
set on `tests/data/incident_pairs.jsonl` (41 labelled pairs, near misses included),
written before this scorer; the demo corpus is the held-out check.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

THRESHOLD = 0.6
_SAME_TYPE, _SAME_SUBTYPE = 0.25, 0.10
_SAME_DAY, _DATES_MEET = 0.35, 0.15
_SHARED = {"places": 0.20, "attackers": 0.15, "targets": 0.20, "agents": 0.20}
# Agents of statements are often named by metonymy ("Islamabad" for Pakistan): disjoint
# agents count against a pair less than disjoint places or participants.
_DISJOINT = {"places": -0.35, "attackers": -0.35, "targets": -0.35, "agents": -0.15}
_UNIQUE = 0.25
_FATALITIES, _PUBLISHED = 0.05, 0.05


@dataclass(frozen=True)
class Report:
    """One event as a document reports it, for comparison with other reports."""

    key: int
    doc_id: int
    type: str
    subtype: str | None = None
    date: str | None = None
    precision: str | None = None
    places: frozenset[str] = frozenset()
    attackers: frozenset[str] = frozenset()
    targets: frozenset[str] = frozenset()
    agents: frozenset[str] = frozenset()
    fatalities: tuple[int, int] | None = None
    published: str | None = None
    unique: bool = False  # the only event of its sub-type in its document


@dataclass
class Match:
    """How alike two reports are: a score (≥ THRESHOLD: the same incident) and why."""

    score: float
    reasons: list[str] = field(default_factory=list)
    ruled_out: bool = False


def window(value: str | None, precision: str | None) -> tuple[date, date] | None:
    """The days a date of some precision may be: "2024-01" is all of January 2024."""
    if not value:
        return None
    try:
        parts = [int(p) for p in value[:10].split("-")]
    except ValueError:
        return None
    if len(parts) >= 3 and precision in (None, "day"):
        day = date(parts[0], parts[1], parts[2])
        return day, day
    if len(parts) >= 2 and precision in (None, "day", "month", "week"):
        last = calendar.monthrange(parts[0], parts[1])[1]
        return date(parts[0], parts[1], 1), date(parts[0], parts[1], last)
    return date(parts[0], 1, 1), date(parts[0], 12, 31)


def compare(a: Report, b: Report) -> Match:
    """Score two reports as one incident, with the evidence."""
    if a.doc_id == b.doc_id:
        return Match(0.0, ["two events of one report"], True)
    if a.type != b.type:
        return Match(0.0, [f"types differ: {a.type} / {b.type}"], True)
    match = Match(_SAME_TYPE, [f"same type ({a.type})"])
    if a.subtype == b.subtype:
        match.score += _SAME_SUBTYPE
        if a.subtype:
            match.reasons.append(f"same sub-type ({a.subtype})")
    else:
        match.reasons.append(f"sub-types differ: {a.subtype} / {b.subtype}")
    first, second = window(a.date, a.precision), window(b.date, b.precision)
    if first and second:
        if first[1] < second[0] or second[1] < first[0]:
            return Match(0.0, [*match.reasons, f"dates {a.date} and {b.date} cannot meet"], True)
        if first[0] == first[1] == second[0] == second[1]:
            match.score += _SAME_DAY
            match.reasons.append(f"same day ({a.date})")
        else:
            match.score += _DATES_MEET
            match.reasons.append(f"dates {a.date} and {b.date} may be the same day")
    else:
        match.reasons.append("a date is unknown")
    for role, weight in _SHARED.items():
        mine, theirs = getattr(a, role), getattr(b, role)
        if mine and theirs:
            shared = mine & theirs
            if shared:
                match.score += weight
                match.reasons.append(f"both name {', '.join(sorted(shared))} ({role})")
            else:
                match.score += _DISJOINT[role]
                match.reasons.append(
                    f"{role} differ: {', '.join(sorted(mine))} / {', '.join(sorted(theirs))}"
                )
    if a.unique and b.unique and a.subtype:
        match.score += _UNIQUE
        match.reasons.append(f"the only {a.subtype} in each report")
    if a.fatalities and b.fatalities:
        if a.fatalities[0] <= b.fatalities[1] and b.fatalities[0] <= a.fatalities[1]:
            match.score += _FATALITIES
            match.reasons.append("fatality figures agree")
        else:
            match.reasons.append(f"fatalities differ: {a.fatalities} / {b.fatalities}")
    first_out, second_out = window(a.published, "day"), window(b.published, "day")
    if first_out and second_out and abs(first_out[0] - second_out[0]) <= timedelta(days=3):
        match.score += _PUBLISHED
        match.reasons.append("published within three days")
    match.score = round(max(0.0, min(1.0, match.score)), 3)
    return match


def cluster(
    reports: Sequence[Report],
    threshold: float = THRESHOLD,
    fixed: Iterable[Iterable[int]] = (),
) -> list[list[int]]:
    """Group reports into incidents, starting from the `fixed` groups (incidents the
    analyst made): pairs best first, joined when they score at or above the threshold,
    no pair across the two groups is ruled out (two events of one document, types or
    dates that cannot meet) and the groups' average pair score stays at the threshold."""
    by_key = {r.key: r for r in reports}
    group_of = {r.key: frozenset([r.key]) for r in reports}
    for members in fixed:
        group = frozenset(k for k in members if k in by_key)
        for key in group:
            group_of[key] = group
    scored = []
    for i, a in enumerate(reports):
        for b in reports[i + 1 :]:
            found = compare(a, b)
            if not found.ruled_out and found.score >= threshold:
                scored.append((-found.score, a.key, b.key))
    scored.sort()
    for _, x, y in scored:
        first, second = group_of[x], group_of[y]
        if first is second:
            continue
        pairs = [compare(by_key[p], by_key[q]) for p in first for q in second]
        if any(p.ruled_out for p in pairs):
            continue
        if sum(p.score for p in pairs) / len(pairs) < threshold:
            continue
        merged = first | second
        for key in merged:
            group_of[key] = merged
    groups = {id(g): g for g in group_of.values()}
    return sorted(sorted(g) for g in groups.values())


# Two reports are copies of one (syndicated wire copy) when this share of their 5-word
# shingles is the same.
NEAR_DUPLICATE = 0.8
# An Admiralty-code credibility digit from a report's certainty (1 would be "confirmed by
# other sources", which an analyst decides).
CREDIBILITY = {"asserted": "2", "claimed": "3", "uncertain": "4", "denied": "5"}


_WORD = re.compile(r"[^\W_]+")  # letters and digits


def shingles(text: str, size: int = 5) -> frozenset[tuple[str, ...]]:
    """The text's runs of `size` words (case and punctuation ignored)."""
    words = _WORD.findall(text.lower())
    return frozenset(tuple(words[i : i + size]) for i in range(max(1, len(words) - size + 1)))


def near_duplicates(sets: Mapping[int, frozenset[tuple[str, ...]]]) -> list[tuple[int, int]]:
    """Pairs of documents that are near-duplicates: the Jaccard similarity of their
    shingles (`shingles`, by document id) at or above NEAR_DUPLICATE. An incident has a
    handful of reports, so every pair is compared."""
    ids = sorted(sets)
    pairs = []
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            union = len(sets[a] | sets[b])
            if union and len(sets[a] & sets[b]) / union >= NEAR_DUPLICATE:
                pairs.append((a, b))
    return pairs


def independent_sources(
    sources: dict[int, str | None], duplicates: Iterable[tuple[int, int]]
) -> int:
    """How many independent sources the documents are: one per source name, and
    near-duplicate documents count once (whatever source they carry)."""
    parent = {doc_id: doc_id for doc_id in sources}

    def root(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    by_name: dict[str, int] = {}
    for doc_id, name in sources.items():
        if name:
            if name in by_name:
                parent[root(doc_id)] = root(by_name[name])
            else:
                by_name[name] = doc_id
    for a, b in duplicates:
        parent[root(a)] = root(b)
    return len({root(d) for d in sources})
