"""Commands about the corpus: import, docs, search, preannotate, export, plugins, stats."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from workbench import config
from workbench.cli import app, emit_json, opener, progress_bar, say, workspace
from workbench.display import plural
from workbench.errors import WorkbenchError
from workbench.terminal import err


@app.command("import")
def import_cmd(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files or folders (.txt, .md, .jsonl; seeds-style folders)."),
    ],
    format: Annotated[
        str, typer.Option("--format", help="auto, text, jsonl, brat, or a plugin's importer.")
    ] = "auto",
    json_out: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Import documents (and a folder's entities.jsonl, gold.jsonl and events.jsonl); each
    file is imported whole or not at all."""
    with progress_bar("importing") as step:
        summary = workspace(ctx).corpus.import_paths(
            paths, format, lambda done, total, path: step(done, total)
        )
    if json_out:
        emit_json(summary.as_dict())
    else:
        say(
            f"{plural(summary.documents_added, 'document')} added, "
            f"{summary.documents_unchanged} unchanged, "
            f"{plural(summary.entities_added, 'entity', 'entities')}, "
            f"{plural(summary.aliases_added, 'alias', 'aliases')}, "
            f"{plural(summary.mentions_added, 'mention')}, "
            f"{plural(summary.events_added, 'event')}"
        )
    for line in summary.errors:
        err(f"error: {line}")
    if summary.errors:
        raise typer.Exit(1)


@app.command()
def docs(
    ctx: typer.Context,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List documents with their annotation counts."""
    ws = workspace(ctx)
    rows = ws.corpus.summaries()
    assigned = ws.team.assignments()
    if json_out:
        emit_json(
            [
                {
                    **row._asdict(),
                    "annotators": [a._asdict() for a in assigned.get(row.id, [])],
                }
                for row in rows
            ]
        )
        return
    for row in rows:
        who = "  ".join(f"{a.annotator}:{a.status}" for a in assigned.get(row.id, []))
        say(
            f"{row.id:>5}  {plural(row.mentions, 'mention'):>13}  {row.suggestions:>5} suggested  "
            f"{row.published or '':10.10}  {row.title}" + (f"  [{who}]" if who else "")
        )


@app.command()
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help='Words, "a phrase", or FTS5 syntax.')],
    kb: Annotated[
        bool, typer.Option("--kb", help="Search the knowledge base (fuzzy) instead.")
    ] = False,
    limit: Annotated[int, typer.Option(min=1, max=100_000, help="How many hits.")] = 20,
    skip: Annotated[
        int, typer.Option(min=0, help="Leave out the first hits (for the next page).")
    ] = 0,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Full-text search of the corpus (every hit, opening at the matched word), or fuzzy
    search of the knowledge base."""
    if kb:
        candidates = workspace(ctx).kb.search(query, limit)
        if json_out:
            emit_json([c.as_dict() for c in candidates])
            return
        for c in candidates:
            say(f"{c.score:6.1f}  {c.entity_id:<32} {c.label:<9} {c.name}")
        return
    hits = workspace(ctx).corpus.search(query, limit, skip)
    if json_out:
        emit_json(
            [
                {
                    "doc_id": h.doc_id,
                    "title": h.title,
                    "snippet": h.snippet,
                    "rank": h.rank,
                    "offset": h.offset,
                    "length": h.length,
                }
                for h in hits
            ]
        )
        return
    for h in hits:
        where = f"@{h.offset}" if h.offset is not None else "(title)"
        say(f"{h.doc_id:>5} {where:>9}  {h.title}")
        say(f"                 {h.snippet}")
    if len(hits) == limit:
        say(f"(hits {skip + 1}-{skip + limit}; --skip {skip + limit} for the next ones)", err=True)


@app.command()
def preannotate(
    ctx: typer.Context,
    doc: Annotated[
        list[int] | None, typer.Option("--doc", help="Pre-annotate this document (repeatable).")
    ] = None,
    all_documents: Annotated[
        bool, typer.Option("--all", help="Pre-annotate every document.")
    ] = False,
    model: Annotated[
        str | None,
        typer.Option(
            help="An installed spaCy pipeline (e.g. en_core_web_sm) or a saved pipeline's "
            "folder whose NER adds suggestions. Default: $WORKBENCH_MODEL, else none."
        ),
    ] = None,
    redo: Annotated[
        bool, typer.Option("--redo", help="Also documents already pre-annotated.")
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            min=1,
            help="Worker processes that read documents (default: the cores available, "
            "at most 8; a run of fewer than 16 documents uses one).",
        ),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Suggest mentions (knowledge base, date/number rules, optional model) and event
    triggers; resumes where an interrupted run stopped."""
    if bool(doc) == all_documents:
        raise WorkbenchError("choose the documents: --doc ID (repeatable) or --all")
    model = model or config.default_model()
    with progress_bar("pre-annotating") as step:
        try:
            summary = workspace(ctx).annotations.preannotate(
                None if all_documents else doc,
                model,
                step,
                redo=redo,
                jobs=jobs or config.default_jobs(),
            )
        except KeyboardInterrupt:
            err("interrupted: what was committed is kept; run the same command to resume")
            raise typer.Exit(130) from None
    if json_out:
        emit_json(summary.as_dict())
        return
    say(
        f"{plural(summary.documents, 'document')} pre-annotated ({summary.skipped} already "
        f"done): {plural(summary.suggestions, 'suggestion')}, "
        f"{plural(summary.triggers, 'event trigger')}"
    )


@app.command()
def export(
    ctx: typer.Context,
    format: Annotated[str, typer.Argument(help="Exporter name (see `workbench plugins`).")],
    output: Annotated[
        Path,
        typer.Argument(
            help="File or folder to write (replaced atomically); - for standard output."
        ),
    ],
    doc: Annotated[
        list[int] | None, typer.Option("--doc", help="Only this document (repeatable).")
    ] = None,
    include_suggestions: Annotated[
        bool, typer.Option("--include-suggestions", help="Also export suggestions.")
    ] = False,
    option: Annotated[
        list[str] | None, typer.Option("--option", "-o", help="Exporter option KEY=VALUE.")
    ] = None,
    layer: Annotated[
        str | None,
        typer.Option(help="Export this layer: an annotator's, `curated` or `shared`."),
    ] = None,
) -> None:
    """Export annotations with a built-in or plugin exporter (jsonl, spacy, brat, conll, csv,
    stix, graphml, ...)."""
    options = {}
    for item in option or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise WorkbenchError(f"--option {item!r}: use KEY=VALUE")
        options[key] = value
    with progress_bar(f"exporting {format}") as step:
        done = workspace(ctx).corpus.export(
            format, output, doc or None, include_suggestions, options, step, layer=layer
        )
    for warning in done.warnings:
        err(f"warning: {warning}")
    to_stdout = str(output) == "-"
    where = "standard output" if to_stdout else str(output)
    say(done.summary(where), err=to_stdout)


@app.command()
def plugins(
    ctx: typer.Context,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List plugins, their versions and hooks, and what each registered (or why it failed)."""
    from workbench.plugins import describe

    chosen = opener(ctx)
    chosen.report = None  # listed below, not warned about
    loaded = chosen.plugins()
    if json_out:
        emit_json(
            {
                "plugins": [p.as_dict() for p in loaded.plugins],
                "exporters": {
                    name: {
                        "description": e.description,
                        "kind": e.kind,
                        "extension": e.extension,
                        "options": dict(e.options),
                        "plugin": loaded.owner[("exporter", name)],
                    }
                    for name, e in sorted(loaded.exporters.items())
                },
                "importers": {
                    name: {"description": i.description, "plugin": loaded.owner[("importer", name)]}
                    for name, i in sorted(loaded.importers.items())
                },
            }
        )
        return
    for line in describe(loaded):
        say(line)


@app.command()
def stats(
    ctx: typer.Context,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Counts of documents, entities, mentions, events and changes."""
    opened = workspace(ctx)
    data: dict[str, object] = {
        "database": opened.store.location,
        **opened.corpus.stats(),
    }
    if json_out:
        emit_json(data)
        return
    width = max(len(key) for key in data)
    for key, value in data.items():
        say(f"{key:>{width}}: {value}")
