"""Gold events (`events.jsonl`): one event per line, found in its document by SHA-256.

    {"sha256": "...", "type": "Explosions/Remote violence", "subtype": "Air/drone strike",
     "trigger": {"start": 1, "end": 6, "text": "fired"}, "date_text": "Tuesday, January 16",
     "date": "2024-01-16", "date_precision": "day", "fatalities": 2 | [9, 11] | null,
     "certainty": "asserted", "note": "", "cluster": "iran-strikes-2024-01-16",
     "roles": [{"role": "Attacker", "start": 10, "end": 29, "text": "Revolutionary Guards"}]}

Each role's span must be a mention of the same document (import the gold mentions first);
events sharing a `cluster` key become one cross-document incident.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.errors import ImportFormatError, WorkbenchError
from workbench.importers.jsonl import iter_json_lines


@dataclass(frozen=True)
class EventRecord:
    line: int
    sha256: str
    data: dict


def read_events(path: Path) -> list[EventRecord]:
    """Every event line, checked for shape."""
    records = []
    for number, obj in iter_json_lines(path):
        if not isinstance(obj, dict) or not isinstance(obj.get("sha256"), str):
            raise ImportFormatError(path, 'each event needs the "sha256" of its document', number)
        if not isinstance(obj.get("type"), str):
            raise ImportFormatError(path, 'each event needs a "type"', number)
        roles = obj.get("roles", [])
        if not isinstance(roles, list) or not all(
            isinstance(r, dict)
            and isinstance(r.get("start"), int)
            and isinstance(r.get("end"), int)
            and isinstance(r.get("role"), str)
            for r in roles
        ):
            raise ImportFormatError(path, '"roles" must be a list of {role, start, end}', number)
        fatalities = obj.get("fatalities")
        if fatalities is not None and not (
            isinstance(fatalities, int)
            or (
                isinstance(fatalities, list)
                and len(fatalities) == 2
                and all(isinstance(x, int) for x in fatalities)
            )
        ):
            raise ImportFormatError(path, '"fatalities" must be a number or [low, high]', number)
        records.append(EventRecord(number, obj["sha256"], obj))
    return records


def import_events(store, path: Path) -> int:
    """Add the events of a gold file (idempotent); returns how many were added."""
    added = 0
    clusters: dict[str, list[int]] = {}
    for record in read_events(path):
        doc_id = store.document_id_by_sha256(record.sha256)
        if doc_id is None:
            raise ImportFormatError(path, "the event's document is not imported", record.line)
        event_id, is_new = store_event(store, doc_id, record.data, path, record.line)
        added += is_new
        if record.data.get("cluster"):
            clusters.setdefault(str(record.data["cluster"]), []).append(event_id)
    store_clusters(store, clusters)
    return added


def store_event(store, doc_id: int, data: dict, path: Path, line: int | None) -> tuple[int, bool]:
    """Store one gold-shaped event (see the module docstring) unless it is already there.

    Returns (event id, whether it was added). Roles must be mentions of the document."""
    trigger = data.get("trigger")
    span = (trigger["start"], trigger["end"]) if isinstance(trigger, dict) else None
    if span and store.document_text(doc_id)[span[0] : span[1]] != trigger.get("text", ""):
        raise ImportFormatError(
            path, f"trigger offsets {span} do not select {trigger.get('text')!r}", line
        )
    try:
        event_id = store.find_event(doc_id, data["type"], span)
        if event_id is not None:
            return event_id, False
        fatalities = data.get("fatalities")
        event = store.add_event(
            doc_id,
            data["type"],
            data.get("subtype"),
            trigger=span,
            date=data.get("date"),
            date_text=data.get("date_text"),
            date_precision=data.get("date_precision"),
            fatalities=tuple(fatalities) if isinstance(fatalities, list) else fatalities,
            certainty=data.get("certainty") or "asserted",
            note=data.get("note") or "",
        )
        for role in data.get("roles", []):
            mention_id = store.mention_id_at(doc_id, role["start"], role["end"])
            if mention_id is None:
                raise ImportFormatError(
                    path, f"role {role['role']}: no mention at {role['start']}-{role['end']}", line
                )
            store.add_role(event.id, role["role"], mention_id)
        return event.id, True
    except WorkbenchError as exc:  # a store error (bad type, certainty...) names the line
        if isinstance(exc, ImportFormatError):
            raise
        raise ImportFormatError(path, str(exc), line) from exc


def store_clusters(store, clusters: dict[str, list[int]]) -> None:
    """Group events that share a cluster key into one cross-document incident."""
    for name, event_ids in clusters.items():
        if len(event_ids) > 1:
            store.cluster_events(event_ids, name=name)
