"""`stix`: a STIX 2.1 bundle. A `report` per document, an SDO per linked entity (a
person is an `identity`, a group that attacks is a `threat-actor`, other groups are
`identity` organisations, places are `location`s), and a `relationship` per event role
pair (actor -> target/victim/place), and a `grouping` per incident reported by several
documents, linking their reports, with a `confidence` from the Admiralty credibility of
its reports (STIX 2.1's own Admiralty scale). Ids are UUIDv5 of Workbench's own ids and times
come from the database, so the same database gives the same bundle byte for byte.

A place needs a country (STIX requires region, country or coordinates): put its ISO 3166
alpha-2 code in the entity's `external_ids.country`. A knowledge-base entry can choose its
STIX type with `external_ids.stix_type` (e.g. `intrusion-set`)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workbench.display import field_value, json_text
from workbench.exporters import ExportContext, Exporter, ExportView
from workbench.model import Entity

ACTOR_ROLES = ("Attacker", "Agent")
PLACE_LABELS = ("GPE", "LOC", "FAC")
GROUP_LABELS = ("ORG", "NORP")
SDO_TYPES = ("identity", "threat-actor", "intrusion-set", "location")
EPOCH = "1970-01-01T00:00:00.000Z"
# STIX 2.1's "Admiralty Credibility" confidence scale (6, "truth cannot be judged", has none).
ADMIRALTY_CONFIDENCE = {"1": 90, "2": 70, "3": 50, "4": 30, "5": 10}


def stix_id(kind: str, key: str) -> str:
    """A deterministic STIX identifier in UUIDv4 form (STIX 2.1 wants v4 for SDOs and SROs;
    the bits come from a hash of Workbench's own id, so a re-export gives the same id)."""
    digest = hashlib.sha256(f"workbench:{kind}:{key}".encode()).digest()
    return f"{kind}--{uuid.UUID(bytes=digest[:16], version=4)}"


def stix_time(value: str | None) -> str:
    """A STIX timestamp (UTC, milliseconds, Z) from a stored ISO date or time; a time
    with an offset is converted to UTC, one without is taken as UTC."""
    if not value:
        return EPOCH
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return EPOCH
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def entity_type(entity: Entity, actors: set[str]) -> str | None:
    """The STIX type that fits an entity, or None when it has no STIX counterpart."""
    chosen = entity.external_ids.get("stix_type")
    if chosen in SDO_TYPES:
        return chosen
    if entity.label in PLACE_LABELS:
        return "location"
    if entity.label == "PERSON":
        return "identity"
    if entity.label in GROUP_LABELS:
        return "threat-actor" if entity.id in actors else "identity"
    return None


def entity_object(entity: Entity, kind: str) -> dict[str, Any] | None:
    when = stix_time(entity.created_at)
    obj: dict[str, Any] = {
        "type": kind,
        "spec_version": "2.1",
        "id": stix_id(kind, entity.id),
        "created": when,
        "modified": when,
        "name": entity.name,
    }
    if entity.description:
        obj["description"] = entity.description
    if kind == "identity":
        obj["identity_class"] = {"PERSON": "individual", "NORP": "group"}.get(
            entity.label, "organization"
        )
    elif kind == "threat-actor":
        obj["threat_actor_types"] = ["unknown"]
    elif kind == "location":
        country = entity.external_ids.get("country")
        if not country:
            return None
        obj["country"] = country
    refs = [
        {"source_name": "workbench", "external_id": entity.id},
        *(
            {"source_name": source, "external_id": value}
            for source, value in sorted(entity.external_ids.items())
            if source not in ("country", "stix_type")
        ),
    ]
    obj["external_references"] = refs
    return obj


def incident_credibility(incident: dict[str, Any]) -> str:
    """An incident's Admiralty credibility digit: 1 ("confirmed by other sources") when
    two or more independent sources report it and its reports do not conflict, else the
    best digit among its reports."""
    if incident["independent_sources"] >= 2 and not incident["conflicts"]:
        return "1"
    return str(min(report["grade"][1:] for report in incident["reports"]))


def incident_grouping(
    incident: dict[str, Any], report_ids: dict[int, str], created: dict[int, str]
) -> dict[str, Any] | None:
    """A grouping of the STIX reports of an incident's documents (None when fewer than
    two of them are in the bundle)."""
    documents = sorted({r["document"] for r in incident["reports"]})
    refs = sorted({report_ids[d] for d in documents if d in report_ids})
    if len(refs) < 2:
        return None
    key = incident["incident"]
    when = min(created[d] for d in documents if d in report_ids)
    what = incident["type"] + (f" / {incident['subtype']}" if incident["subtype"] else "")
    fields = incident["fields"]
    resolved = "; ".join(
        f"{name}: {field_value(field['resolved'])}"
        for name, field in fields.items()
        if field["resolved"] is not None
    )
    grouping: dict[str, Any] = {
        "type": "grouping",
        "spec_version": "2.1",
        "id": stix_id("grouping", f"incident:{key}"),
        "created": when,
        "modified": when,
        "name": f"Incident {key}: {what}, {fields['date']['resolved'] or 'date unknown'}",
        "context": "unspecified",
        "object_refs": refs,
        "description": (
            f"{len(incident['reports'])} reports from {incident['independent_sources']} "
            f"independent source(s), grades {', '.join(incident['source_grades'])}. "
            f"Resolved: {resolved or 'nothing'}. "
            f"Conflicts: {', '.join(incident['conflicts']) or 'none'}."
        ),
    }
    confidence = ADMIRALTY_CONFIDENCE.get(incident_credibility(incident))
    if confidence is not None:
        grouping["confidence"] = confidence
    return grouping


def write(view: ExportView, target: Path, context: ExportContext) -> None:
    documents = list(view.documents())
    actors = {
        role.entity_id
        for item in documents
        for event in item.events
        for role in event.roles
        if role.role in ACTOR_ROLES and role.entity_id
    }
    objects: dict[str, dict[str, Any]] = {}
    sdo_of: dict[str, str] = {}
    left_out: dict[str, list[str]] = {}
    for entity in view.entities.values():
        kind = entity_type(entity, actors)
        obj = entity_object(entity, kind) if kind else None
        if obj is None:
            reason = (
                "places without external_ids.country"
                if kind == "location"
                else f"entities labelled {entity.label}"
            )
            left_out.setdefault(reason, []).append(entity.name)
            continue
        objects[obj["id"]] = obj
        sdo_of[entity.id] = obj["id"]
    for reason, names in sorted(left_out.items()):
        context.warn(f"left out of the STIX bundle: {len(names)} {reason} (e.g. {names[0]})")
    report_ids: dict[int, str] = {}  # document id -> its STIX report
    report_created: dict[int, str] = {}
    for done, item in enumerate(documents, start=1):
        doc = item.document
        when = stix_time(doc.imported_at)
        refs = {sdo_of[m.entity_id] for m in item.mentions if m.entity_id in sdo_of}
        for event in item.events:
            for actor in event.roles:
                if actor.role not in ACTOR_ROLES or actor.entity_id not in sdo_of:
                    continue
                for other in event.roles:
                    if other is actor or other.entity_id not in sdo_of:
                        continue
                    if other.role in ACTOR_ROLES or other.entity_id == actor.entity_id:
                        continue
                    source, dest = sdo_of[actor.entity_id], sdo_of[other.entity_id]
                    attacker = source.split("--")[0] in ("threat-actor", "intrusion-set")
                    victim = dest.split("--")[0] in ("identity", "location")
                    kind = "targets" if attacker and victim else "related-to"
                    what = event.type + (f" / {event.subtype}" if event.subtype else "")
                    rel = {
                        "type": "relationship",
                        "spec_version": "2.1",
                        "id": stix_id("relationship", f"{event.id}:{actor.id}:{other.id}"),
                        "created": when,
                        "modified": when,
                        "relationship_type": kind,
                        "source_ref": source,
                        "target_ref": dest,
                        "description": (
                            f"{what} ({actor.role} -> {other.role}), {event.certainty}, "
                            f"reported on {event.date or 'an unknown date'} in: {doc.title}"
                        ),
                    }
                    objects[rel["id"]] = rel
                    refs.add(rel["id"])
        if not refs:
            context.warn("documents without linked entities have no STIX report")
            continue
        report: dict[str, Any] = {
            "type": "report",
            "spec_version": "2.1",
            "id": stix_id("report", doc.sha256),
            "created": when,
            "modified": when,
            "name": doc.title,
            "report_types": ["threat-report"],
            "published": stix_time(doc.published or doc.imported_at),
            "object_refs": sorted(refs),
        }
        if doc.source or doc.url:
            # Not `url`: STIX then wants a hash of the page, which Workbench never fetched.
            where = f"Original article: {doc.url}" if doc.url else "Original article"
            report["external_references"] = [
                {"source_name": doc.source or "source", "description": where}
            ]
        objects[report["id"]] = report
        report_ids[doc.id] = report["id"]
        report_created[doc.id] = when
        context.step(done, len(documents))
    for incident in view.incidents:
        grouping = incident_grouping(incident, report_ids, report_created)
        if grouping is not None:
            objects[grouping["id"]] = grouping
    ordered = sorted(objects.values(), key=lambda o: (o["type"], o["id"]))
    bundle = {
        "type": "bundle",
        "id": stix_id("bundle", ",".join(o["id"] for o in ordered)),
        "objects": ordered,
    }
    target.write_text(json_text(bundle) + "\n", encoding="utf-8")


EXPORTER = Exporter(
    name="stix",
    description="STIX 2.1 bundle: report per document, entities as SDOs, event relationships, "
    "incidents as groupings",
    kind="file",
    extension=".json",
    write=write,
)
