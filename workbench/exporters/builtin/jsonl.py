"""`jsonl`: one document a line with its text, spans and events (Prodigy-style loaders)."""

from __future__ import annotations

from pathlib import Path

from workbench.display import json_text
from workbench.exporters import DocumentExport, ExportContext, Exporter, ExportView


def document_record(item: DocumentExport, view: ExportView, context: ExportContext) -> dict:
    """The JSON object of one document (also the shape other exporters start from)."""
    doc = item.document
    spans = [
        {
            "start": m.start,
            "end": m.end,
            "label": m.label,
            "text": m.text,
            "kb_id": m.entity_id,
            "status": m.status,
            "source": m.source,
        }
        for m in item.mentions
    ]
    events = []
    for event in item.events:
        roles = []
        for role in event.roles:
            mention = item.mentions_by_id.get(role.mention_id)
            if mention is None:
                context.warn("event roles filled by suggestions were left out")
                continue
            roles.append(
                {
                    "role": role.role,
                    "start": mention.start,
                    "end": mention.end,
                    "text": mention.text,
                    "kb_id": mention.entity_id,
                }
            )
        trigger = (
            {"start": event.trigger_start, "end": event.trigger_end, "text": event.trigger_text}
            if event.trigger_start is not None
            else None
        )
        events.append(
            {
                "id": event.id,
                "type": event.type,
                "subtype": event.subtype,
                "trigger": trigger,
                "date": event.date,
                "date_text": event.date_text,
                "date_precision": event.date_precision,
                "fatalities": fatalities(event),
                "certainty": event.certainty,
                "note": event.note,
                "cluster": event.cluster_id,
                "roles": roles,
            }
        )
    return {
        "id": doc.id,
        "title": doc.title,
        "text": doc.text,
        "meta": {
            "source": doc.source,
            "url": doc.url,
            "published": doc.published,
            "sha256": doc.sha256,
        },
        "spans": spans,
        "events": events,
    }


def fatalities(event) -> int | list[int] | None:  # type: ignore[no-untyped-def]
    """A number, a [low, high] range, or None when not reported."""
    if event.fatalities_low is None:
        return None
    if event.fatalities_high in (None, event.fatalities_low):
        return event.fatalities_low
    return [event.fatalities_low, event.fatalities_high]


def write(view: ExportView, target: Path, context: ExportContext) -> None:
    total = len(view)
    with open(target, "w", encoding="utf-8", newline="\n") as out:
        for done, item in enumerate(view.documents(), start=1):
            out.write(json_text(document_record(item, view, context), indent=None))
            out.write("\n")
            context.step(done, total)


EXPORTER = Exporter(
    name="jsonl",
    description="One document a line: text, spans (start, end, label, text, kb_id), events, meta",
    kind="file",
    extension=".jsonl",
    write=write,
)
