"""Incidents across sources: suggest which event reports are one incident, and list each
incident with what its reports claim, where they conflict, and the resolved values."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from workbench.events.incidents import THRESHOLD, Report, cluster, compare
from workbench.events.resolution import ROLE_GROUPS, incident_listing
from workbench.model import Event

if TYPE_CHECKING:
    from workbench.workspace import Workspace


class Incidents:
    """Event coreference across documents, and incidents field by field."""

    def __init__(self, workspace: Workspace) -> None:
        self.store = workspace.store

    def reports(self) -> list[Report]:
        """Every event of this layer as a report to compare."""
        events = self.store.events.of_document(None)
        published = {d.id: d.published for d in self.store.documents.summaries()}
        per_subtype = Counter((e.doc_id, e.type, e.subtype) for e in events)
        return [
            _report(e, published.get(e.doc_id), per_subtype[(e.doc_id, e.type, e.subtype)] == 1)
            for e in events
        ]

    def suggest(self, threshold: float = THRESHOLD) -> list[dict[str, Any]]:
        """For every event not yet in an incident, the events and incidents it may be one
        with (score at or above `threshold`, best first), each with its evidence."""
        reports = {r.key: r for r in self.reports()}
        events = {e.id: e for e in self.store.events.of_document(None)}
        out = []
        for key, report in reports.items():
            if events[key].cluster_id is not None:
                continue
            candidates = _candidates(report, reports, events, threshold)
            out.append({"event_id": key, "document": report.doc_id, "candidates": candidates})
        return out

    def suggest_for(self, event_id: int, threshold: float = THRESHOLD) -> list[dict[str, Any]]:
        """The events and incidents one event may be one with (best first), each with
        its evidence, whether or not it is in an incident already."""
        reports = {r.key: r for r in self.reports()}
        if event_id not in reports:
            self.store.events.get(event_id)  # a clear error for a wrong id
        events = {e.id: e for e in self.store.events.of_document(None)}
        return _candidates(reports[event_id], reports, events, threshold)

    def join(self, event_id: int, other_id: int) -> int:
        """Make an event one incident with another (and the other's incident, if it is in
        one), as one undoable change; returns the incident's id."""
        other = self.store.events.get(other_id)
        with self.store.transaction("join a suggested incident"):
            members = [event_id, other_id]
            if other.cluster_id is not None:
                members += [
                    e.id
                    for e in self.store.events.of_document(None)
                    if e.cluster_id == other.cluster_id
                ]
            return self.store.events.cluster(sorted(set(members)))

    def apply(self, threshold: float = THRESHOLD) -> int:
        """Join the suggested incidents (the analyst's incidents stay as they are, and may
        gain reports), as one change; returns how many incidents were made or grown."""
        events = self.store.events.of_document(None)
        fixed: dict[int, list[int]] = {}
        for e in events:
            if e.cluster_id is not None:
                fixed.setdefault(e.cluster_id, []).append(e.id)
        groups = cluster(self.reports(), threshold, fixed.values())
        clustered = {e.id: e.cluster_id for e in events}
        changed = 0
        with self.store.transaction("join suggested incidents"):
            for group in groups:
                if len(group) < 2:
                    continue
                if len({clustered[k] for k in group}) == 1 and clustered[group[0]] is not None:
                    continue  # already one incident
                self.store.events.cluster(group)
                changed += 1
        return changed

    def sources(self) -> list[dict[str, Any]]:
        """Every source the documents name, with its document count and grade (if any)."""
        grades = self.store.sources.grades()
        return [
            {"source": name, "documents": n, "reliability": grades.get(name)}
            for name, n in self.store.sources.counts().items()
        ]

    def grade_source(self, source: str, letter: str) -> str:
        """Grade a source's reliability A-F (Admiralty code); one undoable change."""
        return self.store.sources.grade(source, letter)

    def listing(self) -> list[dict[str, Any]]:
        """Every incident (events joined into a cluster, and events alone) with each
        report's values per field, whether they conflict, and the resolved value."""
        return incident_listing(
            self.store.events.of_document(None),
            self.store.documents.summaries(),
            self.store.sources.grades(),
            self.store.documents.text,
        )


def _candidates(
    report: Report, reports: dict[int, Report], events: dict[int, Event], threshold: float
) -> list[dict[str, Any]]:
    """The reports scoring at or above `threshold` with `report`, best first, each with
    its incident (if any), document, score and evidence."""
    candidates: list[dict[str, Any]] = []
    for other_key, other in reports.items():
        if other_key == report.key:
            continue
        found = compare(report, other)
        if not found.ruled_out and found.score >= threshold:
            candidates.append(
                {
                    "event_id": other_key,
                    "cluster_id": events[other_key].cluster_id,
                    "document": other.doc_id,
                    "score": found.score,
                    "evidence": found.reasons,
                }
            )
    candidates.sort(key=lambda c: (-c["score"], c["event_id"]))
    return candidates


def _report(event: Event, published: str | None, unique: bool) -> Report:
    def named(group: str) -> frozenset[str]:
        return frozenset(
            r.entity_id or r.mention_text.casefold()
            for r in event.roles
            if r.role.casefold() in ROLE_GROUPS[group]
        )

    fatalities = (
        (event.fatalities_low, event.fatalities_high)
        if event.fatalities_low is not None and event.fatalities_high is not None
        else None
    )
    return Report(
        event.id,
        event.doc_id,
        event.type,
        event.subtype,
        event.date,
        event.date_precision,
        named("places"),
        named("attackers"),
        named("targets"),
        named("agents"),
        fatalities,
        published,
        unique,
    )
