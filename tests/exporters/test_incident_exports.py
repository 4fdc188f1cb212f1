"""Incidents in the exports: incidents.csv, JSONL incident records (on request) and STIX
groupings of each incident's reports, from the seeded database's gold incidents."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from workbench.errors import WorkbenchError
from workbench.exporters import ExportView, run_export
from workbench.exporters.builtin.stix import ADMIRALTY_CONFIDENCE, incident_credibility
from workbench.importers import import_paths
from workbench.workspace import Workspace


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_incidents_csv_has_the_resolved_values_and_names_conflicts(seeded, export) -> None:
    listing = Workspace(seeded).incidents.listing()
    path, _ = export("csv")
    rows = _rows(path / "incidents.csv")
    assert len(rows) == len(listing) == 7
    by_id = {row["incident_id"]: row for row in rows}
    strike = next(
        r
        for r in rows
        if r["sub_event_type"] == "Air/drone strike" and r["event_date"] == "2024-01-16"
    )
    assert strike["actor1"] == "Islamic Revolutionary Guard Corps"
    assert strike["actor2"] == "Jaish al-Adl"
    assert strike["location"] == "Balochistan; Panjgur"
    assert (strike["fatalities"], strike["reports"], strike["document_ids"]) == ("2", "2", "1 2")
    # Rask: one report claims, the other asserts; the certainty is left to the analyst
    rask = next(r for r in rows if r["location"] == "Rask")
    assert rask["conflicts"] == "certainty" and rask["certainty"] == ""
    assert rask["source_grades"] == "F2 F3"
    alone = [r for r in rows if r["incident_id"] == ""]
    assert len(alone) == 1 and alone[0]["reports"] == "1"
    assert set(by_id) - {""} == {str(i["incident"]) for i in listing if i["incident"]}


def test_incident_cells_from_outside_are_neutralised(seeded, plugins, tmp_path: Path) -> None:
    article = tmp_path / "wire.txt"
    article.write_text('Title: Wire\nSource: =HYPERLINK("x")\n\nA drone strike hit Panjgur.\n')
    assert not import_paths(seeded, [article]).errors
    wire = next(d for d in seeded.documents.summaries() if d.title == "Wire")
    event = seeded.events.add(wire.id, "Explosions/Remote violence", "Air/drone strike")
    strike = next(
        e for e in seeded.events.of_document(None) if e.date == "2024-01-16" and e.cluster_id
    )
    seeded.events.cluster([strike.id, event.id])
    run_export(plugins.exporter("csv"), ExportView(seeded), tmp_path / "out")
    row = next(r for r in _rows(tmp_path / "out" / "incidents.csv") if r["reports"] == "3")
    assert '\'=HYPERLINK("x")' in row["sources"].split("; ")


def test_jsonl_adds_incident_records_only_when_asked(seeded, export) -> None:
    plain, _ = export("jsonl")
    records = [json.loads(line) for line in plain.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 2 and all("text" in r for r in records)
    with_incidents, _ = export("jsonl", incidents="yes")
    lines = [json.loads(line) for line in with_incidents.read_text(encoding="utf-8").splitlines()]
    incidents = [r for r in lines if r.get("record") == "incident"]
    assert lines[:2] == records and len(incidents) == 7
    assert {"fields", "reports", "conflicts", "source_grades"} <= set(incidents[0])
    with pytest.raises(WorkbenchError, match="incidents='maybe'"):
        export("jsonl", incidents="maybe")


def test_stix_groups_each_incidents_reports_with_a_confidence(seeded, export) -> None:
    from stix2validator import ValidationOptions, validate_file

    path, _ = export("stix")
    result = validate_file(str(path), ValidationOptions(strict=True, version="2.1"))
    assert result.is_valid, [str(e) for o in result.object_results for e in o.errors]
    objects = json.loads(path.read_text(encoding="utf-8"))["objects"]
    reports = {o["id"] for o in objects if o["type"] == "report"}
    groupings = [o for o in objects if o["type"] == "grouping"]
    assert len(groupings) == 6  # every incident reported by both documents
    assert all(set(g["object_refs"]) == reports for g in groupings)
    confidence = {g["name"].split(":")[0]: g.get("confidence") for g in groupings}
    listing = {f"Incident {i['incident']}": i for i in Workspace(seeded).incidents.listing()}
    for name, value in confidence.items():
        digit = min(r["grade"][1] for r in listing[name]["reports"])
        assert value == ADMIRALTY_CONFIDENCE[digit]  # one source only: no corroboration
    # only one document exported: no incident has two reports in the bundle
    single, _ = export("stix", doc_ids=[1])
    assert not [o for o in json.loads(single.read_text())["objects"] if o["type"] == "grouping"]


def test_corroboration_by_independent_sources_raises_the_credibility() -> None:
    reports = [{"grade": "B3"}, {"grade": "C2"}]
    alone = {"independent_sources": 1, "conflicts": [], "reports": reports}
    assert incident_credibility(alone) == "2"
    confirmed = {**alone, "independent_sources": 2}
    assert ADMIRALTY_CONFIDENCE[incident_credibility(confirmed)] == 90
    disputed = {**confirmed, "conflicts": ["fatalities"]}
    assert incident_credibility(disputed) == "2"
