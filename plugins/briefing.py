"""Markdown briefing: per document, who and what it mentions and the events it reports,
each with a citation (title, source, date, character offsets) an analyst can check.

This file is also the example for plugin authors. A plugin is a `.py` file in a plugins
folder (this repository's `plugins/`, `$WORKBENCH_PLUGINS_DIR` or `--plugins-dir`) or an
installed package with an entry point in group "workbench". It implements hooks from
`workbench.hookspecs` with `@hookimpl`; here `register_exporters`, which hands Workbench
an `Exporter`. Workbench gives `write` a read-only view of the chosen documents and a
temporary path, then renames the result into place, so a failing plugin never leaves a
half-written file. Try it: `workbench export briefing briefing.md`.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from workbench.exporters import DocumentExport, ExportContext, Exporter, ExportView
from workbench.hookspecs import hookimpl

__version__ = "1.0"

TOP_ENTITIES = 12


def _markdown(text: str) -> str:
    """Article text is untrusted: escape what Markdown would render as markup."""
    out = " ".join(str(text).split())
    for ch in "\\`*_[]<>#|":
        out = out.replace(ch, "\\" + ch)
    return out


def _citation(start: int | None, end: int | None) -> str:
    """Where in the article to check a claim: character offsets of the stored text."""
    return f"(chars {start}-{end})" if start is not None else ""


def _document_section(item: DocumentExport, view: ExportView) -> list[str]:
    doc = item.document
    lines = [f"## {_markdown(doc.title)}", ""]
    lines.append(
        f"Source: {_markdown(doc.source or 'unknown')} · Published: {doc.published or 'undated'}"
    )
    if doc.url:
        lines.append(f"URL: <{doc.url}>" if " " not in doc.url else f"URL: {_markdown(doc.url)}")
    lines.append("")
    counts = Counter(m.entity_id for m in item.mentions if m.entity_id)
    if counts:
        lines += ["### Who and where", ""]
        for entity_id, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_ENTITIES]:
            entity = view.entity(entity_id)
            if entity is None:
                continue
            first = next(m for m in item.mentions if m.entity_id == entity_id)
            lines.append(
                f"- **{_markdown(entity.name)}** ({entity.label}), {n} mention(s), first as "
                f"“{_markdown(first.text)}” {_citation(first.start, first.end)}"
            )
        lines.append("")
    if item.events:
        lines += ["### Events", ""]
        for event in item.events:
            kind = event.subtype or event.type
            roles = "; ".join(
                f"{r.role}: {_markdown(r.entity_name or r.mention_text)}" for r in event.roles
            )
            deaths = ""
            if event.fatalities_low is not None:
                high = event.fatalities_high
                deaths = f", fatalities {event.fatalities_low}" + (
                    f"-{high}" if high not in (None, event.fatalities_low) else ""
                )
            lines.append(
                f"- {event.date or 'date unknown'}: **{_markdown(kind)}** ({event.certainty}"
                f"{deaths}) — {roles or 'no roles marked'} "
                f"{_citation(event.trigger_start, event.trigger_end)}"
            )
        lines.append("")
    return lines


def write_briefing(view: ExportView, target: Path, context: ExportContext) -> None:
    lines = [
        "# Briefing",
        "",
        f"{len(view)} document(s), {len(view.entities)} linked entities.",
        "",
    ]
    for done, item in enumerate(view.documents(), start=1):
        lines += _document_section(item, view)
        context.step(done, len(view))
    target.write_text("\n".join(lines), encoding="utf-8")


@hookimpl
def register_exporters(register):
    register(
        Exporter(
            name="briefing",
            description="Markdown briefing: entities and events per document, with citations",
            kind="file",
            extension=".md",
            write=write_briefing,
        )
    )
