"""Incidents across sources: suggest which event reports are one incident, and list each
incident with what its reports claim, where they conflict, and the resolved values."""

from __future__ import annotations

import calendar
from collections import Counter
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from workbench.events.incidents import (
    CREDIBILITY,
    THRESHOLD,
    Report,
    cluster,
    compare,
    independent_sources,
    near_duplicates,
    window,
)
from workbench.model import Event

if TYPE_CHECKING:
    from workbench.workspace import Workspace

# Event roles, by what incident matching compares.
_ROLE_GROUPS = {
    "places": {"place", "location"},
    "attackers": {"attacker", "actor", "perpetrator"},
    "targets": {"target", "victim"},
    "agents": {"agent"},
}


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
            candidates: list[dict[str, Any]] = []
            for other_key, other in reports.items():
                if other_key == key:
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
            out.append({"event_id": key, "document": report.doc_id, "candidates": candidates})
        return out

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
        events = self.store.events.of_document(None)
        summaries = self.store.documents.summaries()
        titles = {d.id: d.title for d in summaries}
        sources = {d.id: d.source for d in summaries}
        grades = self.store.sources.grades()
        groups: dict[Any, list[Event]] = {}
        for e in events:
            groups.setdefault(
                e.cluster_id if e.cluster_id is not None else ("alone", e.id), []
            ).append(e)
        listing = []
        for cluster_id, members in sorted(groups.items(), key=lambda g: _first_date(g[1])):
            incident = _incident(cluster_id, members, titles)
            documents = sorted({e.doc_id for e in members})
            copies = (
                near_duplicates({d: self.store.documents.text(d) for d in documents})
                if len(documents) > 1
                else []
            )
            for report, event in zip(incident["reports"], members, strict=True):
                source = sources.get(event.doc_id)
                report["source"] = source
                # an ungraded source is F: "reliability cannot be judged"
                report["grade"] = grades.get(source or "", "F") + CREDIBILITY.get(
                    event.certainty, "6"
                )
            incident["source_grades"] = sorted({r["grade"] for r in incident["reports"]})
            incident["independent_sources"] = independent_sources(
                {d: sources.get(d) for d in documents}, copies
            )
            incident["near_duplicates"] = [list(pair) for pair in copies]
            listing.append(incident)
        return listing


def _report(event: Event, published: str | None, unique: bool) -> Report:
    def named(group: str) -> frozenset[str]:
        return frozenset(
            r.entity_id or r.mention_text.casefold()
            for r in event.roles
            if r.role.casefold() in _ROLE_GROUPS[group]
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


def _first_date(events: list[Event]) -> tuple[str, int]:
    dates = sorted(e.date for e in events if e.date)
    return (dates[0] if dates else "9999", min(e.id for e in events))


def _incident(cluster_id: Any, events: list[Event], titles: dict[int, str]) -> dict[str, Any]:
    reports: list[dict[str, Any]] = [
        {
            "event_id": e.id,
            "document": e.doc_id,
            "title": titles.get(e.doc_id, ""),
            "trigger": e.trigger_text,
            "trigger_start": e.trigger_start,
            "trigger_end": e.trigger_end,
            "date": e.date,
            "date_text": e.date_text,
            "date_precision": e.date_precision,
            "places": sorted(
                {
                    r.entity_name or r.mention_text
                    for r in e.roles
                    if r.role.casefold() in _ROLE_GROUPS["places"]
                }
            ),
            "actors": {
                role: sorted({r.entity_name or r.mention_text for r in e.roles if r.role == role})
                for role in sorted({r.role for r in e.roles})
                if role.casefold() not in _ROLE_GROUPS["places"]
            },
            "fatalities": None
            if e.fatalities_low is None
            else [e.fatalities_low, e.fatalities_high],
            "certainty": e.certainty,
        }
        for e in events
    ]
    fields = {
        "date": _resolve_date(events),
        "fatalities": _resolve_fatalities(events),
        "places": _compare_sets([r["places"] for r in reports]),
        "certainty": _compare_values([e.certainty for e in events]),
    }
    first = events[0]
    return {
        "incident": cluster_id if isinstance(cluster_id, int) else None,
        "type": first.type,
        "subtype": first.subtype,
        "reports": reports,
        "fields": fields,
        "conflicts": sorted(name for name, f in fields.items() if f["conflict"]),
    }


def _resolve_date(events: list[Event]) -> dict[str, Any]:
    """The most precise date every report allows; a conflict when they cannot all meet."""
    known = [(e, window(e.date, e.date_precision)) for e in events if e.date]
    values = [e.date for e, _ in known]
    if not known:
        return {"values": [], "conflict": False, "resolved": None, "rule": "no report gives a date"}
    start = max(w[0] for _, w in known if w)
    end = min(w[1] for _, w in known if w)
    if start > end:
        return {
            "values": values,
            "conflict": True,
            "resolved": None,
            "rule": "the reports' dates cannot all be true: left to the analyst",
        }
    best = min(known, key=lambda k: (k[1][1] - k[1][0]) if k[1] else timedelta(days=366))
    return {
        "values": values,
        "conflict": len(set(values)) > 1 and start != end,
        "resolved": _as_date_text(start, end),
        "rule": "the most precise date that every report allows",
        "from": best[0].id,
    }


def _as_date_text(start: date, end: date) -> str:
    """A window of days as a date: the day, the month, the year, or start/end."""
    if start == end:
        return start.isoformat()
    month_end = calendar.monthrange(start.year, start.month)[1]
    if start.day == 1 and end == start.replace(day=month_end):
        return start.isoformat()[:7]
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return str(start.year)
    return f"{start.isoformat()}/{end.isoformat()}"


def _resolve_fatalities(events: list[Event]) -> dict[str, Any]:
    """The most conservative figure (ACLED's practice); different figures are a conflict."""
    known = [e for e in events if e.fatalities_low is not None]
    values = [[e.fatalities_low, e.fatalities_high] for e in known]
    if not known:
        return {
            "values": [],
            "conflict": False,
            "resolved": None,
            "rule": "no report gives a figure",
        }
    lowest = min(known, key=lambda e: (e.fatalities_low, e.id))
    return {
        "values": values,
        "conflict": len({tuple(v) for v in values}) > 1,
        "resolved": lowest.fatalities_low,
        "rule": "the most conservative figure",
        "from": lowest.id,
    }


def _compare_sets(values: list[list[str]]) -> dict[str, Any]:
    named = [v for v in values if v]
    conflict = len(named) > 1 and not set.intersection(*(set(v) for v in named))
    return {
        "values": values,
        "conflict": conflict,
        "resolved": sorted(set().union(*named)) if named and not conflict else None,
        "rule": "every place the reports name, when they share one",
    }


def _compare_values(values: list[str]) -> dict[str, Any]:
    return {
        "values": values,
        "conflict": len(set(values)) > 1,
        "resolved": values[0] if len(set(values)) == 1 else None,
        "rule": "the reports agree"
        if len(set(values)) == 1
        else "a conflict is left to the analyst",
    }
