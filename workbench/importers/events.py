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
from typing import TYPE_CHECKING, Any

from workbench.errors import ImportFormatError, WorkbenchError
from workbench.importers.jsonl import iter_json_lines
from workbench.importers.records import is_integer

if TYPE_CHECKING:
    from workbench.store import Store


@dataclass(frozen=True)
class EventRecord:
    line: int
    sha256: str
    data: dict[str, Any]


def read_events(path: Path) -> list[EventRecord]:
    """Every event line, checked for shape (types of every field the store will read)."""
    records = []
    for number, obj in iter_json_lines(path):
        if not isinstance(obj, dict) or not isinstance(obj.get("sha256"), str):
            raise ImportFormatError(path, 'each event needs the "sha256" of its document', number)
        problem = event_shape_problem(obj)
        if problem:
            raise ImportFormatError(path, problem, number)
        records.append(EventRecord(number, obj["sha256"], obj))
    return records


def _span_problem(value: object, what: str, needs_text: bool) -> str | None:
    if not isinstance(value, dict):
        return f"{what} must be an object with start and end"
    start, end = value.get("start"), value.get("end")
    if not (is_integer(start) and is_integer(end)):
        return f"{what}: start and end must be integers"
    if not 0 <= start < end:
        return f"{what}: bad offsets {start}-{end}"
    text = value.get("text")
    if (needs_text or text is not None) and not isinstance(text, str):
        return f"{what}: text must be a string"
    return None


def event_shape_problem(obj: dict[str, Any]) -> str | None:
    """Why a gold-shaped event cannot be stored (its fields' types), or None."""
    if not isinstance(obj.get("type"), str) or not obj["type"].strip():
        return 'each event needs a "type" string'
    for name in ("subtype", "date", "date_text", "date_precision", "certainty", "note"):
        if obj.get(name) is not None and not isinstance(obj[name], str):
            return f'"{name}" must be a string'
    cluster = obj.get("cluster")
    if cluster is not None and not (isinstance(cluster, str) or is_integer(cluster)):
        return '"cluster" must be a string or a number'
    if obj.get("trigger") is not None:
        problem = _span_problem(obj["trigger"], '"trigger"', needs_text=True)
        if problem:
            return problem
    roles = obj.get("roles", [])
    if not isinstance(roles, list):
        return '"roles" must be a list of {role, start, end}'
    for index, role in enumerate(roles):
        if not isinstance(role, dict) or not isinstance(role.get("role"), str):
            return f'"roles" item {index} needs a "role" string, a start and an end'
        problem = _span_problem(role, f"role {index}", needs_text=False)
        if problem:
            return problem
    fatalities = obj.get("fatalities")
    if fatalities is not None and not (
        is_integer(fatalities)
        or (
            isinstance(fatalities, list)
            and len(fatalities) == 2
            and all(map(is_integer, fatalities))
        )
    ):
        return '"fatalities" must be a number or [low, high]'
    return None


def import_events(store: Store, path: Path) -> int:
    """Add the events of a gold file (idempotent); returns how many were added."""
    added = 0
    clusters: dict[str, list[int]] = {}
    for record in read_events(path):
        doc_id = store.documents.id_by_sha256(record.sha256)
        if doc_id is None:
            raise ImportFormatError(path, "the event's document is not imported", record.line)
        event_id, is_new = store_event(store, doc_id, record.data, path, record.line)
        added += is_new
        if record.data.get("cluster"):
            clusters.setdefault(str(record.data["cluster"]), []).append(event_id)
    store_clusters(store, clusters)
    return added


def store_event(
    store: Store, doc_id: int, data: dict[str, Any], path: Path, line: int | None
) -> tuple[int, bool]:
    """Store one gold-shaped event (see the module docstring) unless it is already there.

    Returns (event id, whether it was added). Roles must be mentions of the document."""
    problem = event_shape_problem(data)  # (also what a plugin importer hands over)
    if problem:
        raise ImportFormatError(path, problem, line)
    trigger = data.get("trigger")
    span = None
    if isinstance(trigger, dict):
        span = (trigger["start"], trigger["end"])
        if store.documents.text(doc_id)[span[0] : span[1]] != trigger.get("text", ""):
            raise ImportFormatError(
                path, f"trigger offsets {span} do not select {trigger.get('text')!r}", line
            )
    try:
        event_id = store.events.find(doc_id, data["type"], span)
        if event_id is not None:
            return event_id, False
        fatalities = data.get("fatalities")
        event = store.events.add(
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
            mention_id = store.mentions.id_at(doc_id, role["start"], role["end"])
            if mention_id is None:
                raise ImportFormatError(
                    path, f"role {role['role']}: no mention at {role['start']}-{role['end']}", line
                )
            store.events.add_role(event.id, role["role"], mention_id)
        return event.id, True
    except WorkbenchError as exc:  # a store error (bad type, certainty...) names the line
        if isinstance(exc, ImportFormatError):
            raise
        raise ImportFormatError(path, str(exc), line) from exc


def store_clusters(store: Store, clusters: dict[str, list[int]]) -> None:
    """Group events that share a cluster key into one cross-document incident."""
    for name, event_ids in clusters.items():
        if len(event_ids) > 1:
            store.events.cluster(event_ids, name=name)
