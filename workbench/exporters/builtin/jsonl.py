"""`jsonl`: one document a line with its text, spans and events (Prodigy-style loaders);
with the option `incidents=yes`, then one line per incident of those documents, marked
`"record": "incident"` (off by default: a loader that expects documents only stays safe)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.display import json_text
from workbench.errors import WorkbenchError
from workbench.events.records import event_record
from workbench.exporters import DocumentExport, ExportContext, Exporter, ExportView


def document_record(
    item: DocumentExport, view: ExportView, context: ExportContext
) -> dict[str, Any]:
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
    events = [
        event_record(
            event,
            item.mentions_by_id.get,
            lambda: context.warn("event roles filled by suggestions were left out"),
        )
        for event in item.events
    ]
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


def write(view: ExportView, target: Path, context: ExportContext) -> None:
    incidents = context.options.get("incidents", "no")
    if incidents not in ("yes", "no"):
        raise WorkbenchError(f"option incidents={incidents!r}: use yes or no")
    total = len(view)
    with open(target, "w", encoding="utf-8", newline="\n") as out:
        for done, item in enumerate(view.documents(), start=1):
            out.write(json_text(document_record(item, view, context), indent=None))
            out.write("\n")
            context.step(done, total)
        for incident in view.incidents if incidents == "yes" else ():
            out.write(json_text({"record": "incident", **incident}, indent=None))
            out.write("\n")


EXPORTER = Exporter(
    name="jsonl",
    description="One document a line: text, spans (start, end, label, text, kb_id), events, meta",
    kind="file",
    extension=".jsonl",
    write=write,
    options={"incidents": "yes: one more line per incident (`record`: `incident`); default no"},
)
