"""`brat`: a folder of `.txt` + `.ann` standoff files and an `annotation.conf`.

T lines are mentions (a span crossing a line break becomes fragments, as brat wants), N
lines link them to the knowledge base (`Reference T1 Workbench:ID`), E lines are events
whose trigger is a T of the event's type, and `#` AnnotatorNotes keep what brat has no
field for (event sub-type, date, fatalities, certainty, cluster; suggestion status) as
JSON, so that Workbench's brat importer round-trips an export."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from workbench.display import json_text
from workbench.events.records import fatalities_value
from workbench.exporters import DocumentExport, ExportContext, Exporter, ExportView
from workbench.exporters.files import safe_stem

KB_NAME = "Workbench"
_TYPE_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def brat_type(name: str) -> str:
    """A type or role name brat accepts (letters, digits, - and _)."""
    return _TYPE_UNSAFE.sub("_", name).strip("_") or "Other"


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The span split at line breaks (brat's discontinuous spans), whitespace trimmed."""
    pieces = []
    offset = start
    for line in text[start:end].split("\n"):
        s, e = offset, offset + len(line)
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            pieces.append((s, e))
        offset += len(line) + 1
    return pieces or [(start, end)]


def _clean(text: str) -> str:
    """One line of .ann text: no tab or line break can end the field early."""
    return " ".join(text.split())


def note_json(value: object) -> str:
    """JSON for an AnnotatorNotes field: one line whatever the strings hold (characters
    some readers take for line ends, such as U+2028, are escaped)."""
    return json_text(value, indent=None)


def reference_id(entity_id: str) -> str:
    """An entity id as brat's `Reference` field holds it: no spaces (percent-encoded)."""
    return quote(entity_id, safe="")


def ann_lines(
    item: DocumentExport, view: ExportView, context: ExportContext
) -> tuple[list[str], set[str], dict[str, set[str]]]:
    """The .ann lines of one document, the entity labels and the event signatures used."""
    text = item.document.text
    lines: list[str] = []
    labels: set[str] = set()
    signatures: dict[str, set[str]] = {}
    t_of: dict[int, str] = {}
    counters = {"T": 0, "N": 0, "E": 0, "#": 0}

    def next_id(kind: str) -> str:
        counters[kind] += 1
        return f"{kind}{counters[kind]}"

    def textbound(label: str, start: int, end: int) -> str:
        tid = next_id("T")
        pieces = fragments(text, start, end)
        spans = ";".join(f"{s} {e}" for s, e in pieces)
        covered = " ".join(text[s:e] for s, e in pieces)
        lines.append(f"{tid}\t{label} {spans}\t{_clean(covered)}")
        return tid

    for m in item.mentions:
        label = brat_type(m.label)
        labels.add(label)
        tid = textbound(label, m.start, m.end)
        t_of[m.id] = tid
        entity = view.entity(m.entity_id)
        if m.entity_id:
            name = entity.name if entity else m.entity_id
            lines.append(
                f"{next_id('N')}\tReference {tid} {KB_NAME}:{reference_id(m.entity_id)}"
                f"\t{_clean(name)}"
            )
        if m.status != "accepted":
            note = note_json({"status": m.status, "source": m.source, "score": m.score})
            lines.append(f"{next_id('#')}\tAnnotatorNotes {tid}\t{note}")
    for event in item.events:
        if event.trigger_start is None or event.trigger_end is None:
            context.warn("events without a trigger word were left out (brat needs a trigger)")
            continue
        etype = brat_type(event.type)
        trigger = textbound(etype, event.trigger_start, event.trigger_end)
        eid = next_id("E")
        args = [f"{etype}:{trigger}"]
        seen: dict[str, int] = {}
        roles = signatures.setdefault(etype, set())
        role_names: list[str] = []
        for role in event.roles:
            if role.mention_id not in t_of:
                context.warn("event roles filled by suggestions were left out")
                continue
            role_names.append(role.role)
            name = brat_type(role.role)
            roles.add(name)
            seen[name] = seen.get(name, 0) + 1
            suffix = str(seen[name]) if seen[name] > 1 else ""
            args.append(f"{name}{suffix}:{t_of[role.mention_id]}")
        lines.append(f"{eid}\t{' '.join(args)}")
        meta = {
            "type": event.type,
            "subtype": event.subtype,
            "date": event.date,
            "date_text": event.date_text,
            "date_precision": event.date_precision,
            "fatalities": fatalities_value(event),
            "certainty": event.certainty,
            "note": event.note,
            "cluster": event.cluster_id,
            "roles": role_names,  # as named: brat's role names allow fewer characters
        }
        lines.append(f"{next_id('#')}\tAnnotatorNotes {eid}\t{note_json(meta)}")
    return lines, labels, signatures


def annotation_conf(labels: set[str], signatures: dict[str, set[str]]) -> str:
    """brat's configuration for the types used: entities, events and their roles."""
    out = ["[entities]", *sorted(labels), "", "[relations]", "", "[events]"]
    for etype in sorted(signatures):
        roles = ", ".join(f"{role}*:<ENTITY>" for role in sorted(signatures[etype]))
        out.append(f"{etype}\t{roles}" if roles else etype)
    out += ["", "[attributes]", ""]
    return "\n".join(out)


def write(view: ExportView, target: Path, context: ExportContext) -> None:
    labels: set[str] = set()
    signatures: dict[str, set[str]] = {}
    for done, item in enumerate(view.documents(), start=1):
        stem = safe_stem(item.document.title, item.document.id)
        lines, used, events = ann_lines(item, view, context)
        labels |= used
        for etype, roles in events.items():
            signatures.setdefault(etype, set()).update(roles)
        (target / f"{stem}.txt").write_text(item.document.text, encoding="utf-8", newline="\n")
        body = "\n".join(lines) + ("\n" if lines else "")
        (target / f"{stem}.ann").write_text(body, encoding="utf-8", newline="\n")
        context.step(done, len(view))
    (target / "annotation.conf").write_text(annotation_conf(labels, signatures), encoding="utf-8")


EXPORTER = Exporter(
    name="brat",
    description="brat standoff folder: .txt + .ann (T, N Reference, E, # notes) and annotation.conf",
    kind="folder",
    write=write,
)
