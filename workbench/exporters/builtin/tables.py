"""`csv`: events.csv and incidents.csv with ACLED-like columns, mentions.csv and
entities.csv.

Every text cell that a spreadsheet would run as a formula is neutralised."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from workbench.exporters import ExportContext, Exporter, ExportView
from workbench.exporters.files import neutral_cell

ACTOR1_ROLES = ("Attacker", "Agent")
ACTOR2_ROLES = ("Target", "Victim")
PLACE_ROLES = ("Place",)

EVENT_COLUMNS = (
    "event_id",
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "location",
    "fatalities",
    "fatalities_high",
    "certainty",
    "source",
    "notes",
    "trigger",
    "cluster_id",
    "document_id",
    "document_title",
)
MENTION_COLUMNS = (
    "document_id",
    "mention_id",
    "start",
    "end",
    "text",
    "label",
    "entity_id",
    "entity_name",
    "status",
    "source",
    "score",
    "annotator",
)
INCIDENT_COLUMNS = (
    "incident_id",
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "location",
    "fatalities",
    "certainty",
    "reports",
    "event_ids",
    "document_ids",
    "sources",
    "source_grades",
    "independent_sources",
    "conflicts",
    "notes",
)
ENTITY_COLUMNS = (
    "entity_id",
    "name",
    "label",
    "description",
    "mentions",
    "documents",
    "external_ids",
)


def _writer(path: Path, columns: tuple[str, ...]):  # type: ignore[no-untyped-def]
    handle = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed by write()
    writer = csv.writer(handle)
    writer.writerow(columns)
    return handle, writer


def _row(values: list[object]) -> list[object]:
    return [neutral_cell("" if v is None else v) for v in values]


def _names(event, view: ExportView, roles: tuple[str, ...]) -> str:  # type: ignore[no-untyped-def]
    names = []
    for role in event.roles:
        if role.role in roles:
            name = role.entity_name or role.mention_text
            if name not in names:
                names.append(name)
    return "; ".join(names)


def _resolved_names(incident: dict[str, Any], roles: tuple[str, ...]) -> str:
    names: list[str] = []
    for role in roles:
        for name in incident["fields"].get(f"actors.{role}", {}).get("resolved") or []:
            if name not in names:
                names.append(name)
    return "; ".join(names)


def incident_row(incident: dict[str, Any]) -> list[object]:
    """One incident's row: the resolved values (empty where the reports conflict, the
    conflict named in `conflicts`), its reports, sources and their grades."""
    fields = incident["fields"]
    reports = incident["reports"]
    sources = sorted({r["source"] for r in reports if r["source"]})
    copies = [f"documents {a} and {b} are near-duplicates" for a, b in incident["near_duplicates"]]
    return [
        incident["incident"],
        fields["date"]["resolved"],
        incident["type"],
        incident["subtype"],
        _resolved_names(incident, ACTOR1_ROLES),
        _resolved_names(incident, ACTOR2_ROLES),
        "; ".join(fields["places"]["resolved"] or []),
        fields["fatalities"]["resolved"],
        fields["certainty"]["resolved"],
        len(reports),
        " ".join(str(r["event_id"]) for r in reports),
        " ".join(str(d) for d in sorted({r["document"] for r in reports})),
        "; ".join(sources),
        " ".join(incident["source_grades"]),
        incident["independent_sources"],
        " ".join(incident["conflicts"]),
        "; ".join(copies),
    ]


def write(view: ExportView, target: Path, context: ExportContext) -> None:
    events_file, events = _writer(target / "events.csv", EVENT_COLUMNS)
    mentions_file, mentions = _writer(target / "mentions.csv", MENTION_COLUMNS)
    with events_file, mentions_file:
        for done, item in enumerate(view.documents(), start=1):
            doc = item.document
            for event in item.events:
                events.writerow(
                    _row(
                        [
                            event.id,
                            event.date,
                            event.type,
                            event.subtype,
                            _names(event, view, ACTOR1_ROLES),
                            _names(event, view, ACTOR2_ROLES),
                            _names(event, view, PLACE_ROLES),
                            event.fatalities_low,
                            event.fatalities_high,
                            event.certainty,
                            doc.source,
                            event.note,
                            event.trigger_text,
                            event.cluster_id,
                            doc.id,
                            doc.title,
                        ]
                    )
                )
            for m in item.mentions:
                entity = view.entity(m.entity_id)
                mentions.writerow(
                    _row(
                        [
                            doc.id,
                            m.id,
                            m.start,
                            m.end,
                            m.text,
                            m.label,
                            m.entity_id,
                            entity.name if entity else None,
                            m.status,
                            m.source,
                            m.score,
                            m.annotator,
                        ]
                    )
                )
            context.step(done, len(view))
    incidents_file, incidents = _writer(target / "incidents.csv", INCIDENT_COLUMNS)
    with incidents_file:
        for incident in view.incidents:
            incidents.writerow(_row(incident_row(incident)))
    entities_file, entities = _writer(target / "entities.csv", ENTITY_COLUMNS)
    with entities_file:
        for entity in view.entities.values():
            counts = view.entity_document_counts.get(entity.id, {})
            entities.writerow(
                _row(
                    [
                        entity.id,
                        entity.name,
                        entity.label,
                        entity.description,
                        view.mention_count(entity.id),
                        " ".join(str(d) for d in sorted(counts)),
                        json.dumps(dict(entity.external_ids), sort_keys=True)
                        if entity.external_ids
                        else "",
                    ]
                )
            )


EXPORTER = Exporter(
    name="csv",
    description="events.csv and incidents.csv (ACLED-like columns), mentions.csv, entities.csv",
    kind="folder",
    write=write,
)
