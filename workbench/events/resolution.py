"""An incident field by field: what each report of it claims (date, places, actors per
role, fatalities, certainty), whether the reports conflict, and the resolved value with
the rule that produced it (after ACLED's practice: the most conservative fatality figure,
the most precise date that all reports allow; a conflict is noted, never silently
resolved), with the reports' source grades and independent sources."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from workbench.events.incidents import (
    CREDIBILITY,
    independent_sources,
    near_duplicates,
    shingles,
    window,
)
from workbench.model import DocumentSummary, Event

# Event roles, by what incident matching and resolution compare.
ROLE_GROUPS = {
    "places": {"place", "location"},
    "attackers": {"attacker", "actor", "perpetrator"},
    "targets": {"target", "victim"},
    "agents": {"agent"},
}


def incident_listing(
    events: Sequence[Event],
    documents: Sequence[DocumentSummary],
    grades: Mapping[str, str],
    text_of: Callable[[int], str],
) -> list[dict[str, Any]]:
    """Every incident (events joined into a cluster, and events alone), earliest first,
    with each report's values per field, whether they conflict, the resolved value and
    the rule that gave it, the reports' source grades and the independent sources.
    `grades`: each graded source's reliability letter; `text_of`: a document's text (for
    near-duplicate detection, read only for incidents reported by several documents)."""
    kept: dict[int, frozenset[tuple[str, ...]]] = {}

    def shingled(doc_id: int) -> frozenset[tuple[str, ...]]:
        # a document reports many incidents: shingled once
        if doc_id not in kept:
            kept[doc_id] = shingles(text_of(doc_id))
        return kept[doc_id]

    titles = {d.id: d.title for d in documents}
    sources = {d.id: d.source for d in documents}
    groups: dict[Any, list[Event]] = {}
    for e in events:
        groups.setdefault(e.cluster_id if e.cluster_id is not None else ("alone", e.id), []).append(
            e
        )
    listing = []
    for cluster_id, members in sorted(groups.items(), key=lambda g: _first_date(g[1])):
        incident = _incident(cluster_id, members, titles)
        doc_ids = sorted({e.doc_id for e in members})
        copies = near_duplicates({d: shingled(d) for d in doc_ids}) if len(doc_ids) > 1 else []
        for report, event in zip(incident["reports"], members, strict=True):
            source = sources.get(event.doc_id)
            report["source"] = source
            # an ungraded source is F: "reliability cannot be judged"
            report["grade"] = grades.get(source or "", "F") + CREDIBILITY.get(event.certainty, "6")
        incident["source_grades"] = sorted({r["grade"] for r in incident["reports"]})
        incident["independent_sources"] = independent_sources(
            {d: sources.get(d) for d in doc_ids}, copies
        )
        incident["near_duplicates"] = [list(pair) for pair in copies]
        listing.append(incident)
    return listing


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
                    if r.role.casefold() in ROLE_GROUPS["places"]
                }
            ),
            "actors": {
                role: sorted({r.entity_name or r.mention_text for r in e.roles if r.role == role})
                for role in sorted({r.role for r in e.roles})
                if role.casefold() not in ROLE_GROUPS["places"]
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
        "places": _compare_sets([r["places"] for r in reports], "place"),
    }
    for role in sorted({role for r in reports for role in r["actors"]}):
        fields[f"actors.{role}"] = _compare_sets(
            [r["actors"].get(role, []) for r in reports], role.casefold()
        )
    fields["certainty"] = _compare_values([e.certainty for e in events])
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


def _compare_sets(values: list[list[str]], noun: str) -> dict[str, Any]:
    """Names (places, an actor role's fillers): the reports that name none are silent,
    not in conflict; those that name some conflict when they share none."""
    named = [v for v in values if v]
    conflict = len(named) > 1 and not set.intersection(*(set(v) for v in named))
    return {
        "values": values,
        "conflict": conflict,
        "resolved": sorted(set().union(*named)) if named and not conflict else None,
        "rule": f"every {noun} the reports name, when they share one"
        if not conflict
        else "the reports name no common one: left to the analyst",
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
