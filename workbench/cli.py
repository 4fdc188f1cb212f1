"""The command line: parse, call the core, print (JSON with --json). See SPEC §2.10."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from workbench import __version__, config, interrupts
from workbench.display import json_text, visible
from workbench.errors import WorkbenchError
from workbench.session import Session, err, reported_errors

app = typer.Typer(
    name="workbench",
    help="Read conflict and security news side by side; annotate and link entities by keyboard.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
kb_app = typer.Typer(help="The knowledge base: import, list, add, merge entities.")
app.add_typer(kb_app, name="kb")


def emit_json(data: Any) -> None:
    """Print JSON for other tools (terminal controls in strings escaped)."""
    typer.echo(json_text(data))


def say(line: str, err: bool = False) -> None:
    """Print one line; what came from files or the database in it is shown as data."""
    typer.echo(visible(line), err=err)


def session(ctx: typer.Context) -> Session:
    return ctx.ensure_object(Session)


def _version(value: bool) -> None:
    if value:
        say(f"workbench {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def main_options(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            metavar="PATH",
            help="Database file. Default: $WORKBENCH_DB, else workbench.db in the user data dir.",
        ),
    ] = None,
    annotator: Annotated[
        str | None,
        typer.Option(help="Who is annotating. Default: $WORKBENCH_ANNOTATOR or the OS user."),
    ] = None,
    plugins_dir: Annotated[
        Path | None,
        typer.Option(
            help="Extra folder of .py plugins (also $WORKBENCH_PLUGINS_DIR and the repository's plugins/)."
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Workbench: a terminal analyst workbench. Without a command, opens the TUI."""
    state = Session(db, config.annotator_name(annotator), plugins_dir)
    ctx.obj = state
    ctx.call_on_close(state.close)
    if ctx.invoked_subcommand is None:
        _run_tui(state, None, None)


def _run_tui(state: Session, doc_a: int | None, doc_b: int | None) -> None:
    from workbench.tui import run

    run(state.store(), doc_a, doc_b, plugins_dir=state.plugins_dir)


@app.command()
def tui(
    ctx: typer.Context,
    doc_a: Annotated[int | None, typer.Argument(help="Document id for the left pane.")] = None,
    doc_b: Annotated[int | None, typer.Argument(help="Document id for the right pane.")] = None,
) -> None:
    """Open the terminal UI with two documents side by side."""
    _run_tui(session(ctx), doc_a, doc_b)


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
    """Import documents (and a folder's entities.jsonl and gold.jsonl)."""
    from workbench.importers import FORMATS, import_paths

    state = session(ctx)
    importers = state.plugins().importers if format not in FORMATS else {}
    store = state.store()
    with typer.progressbar(
        length=1, label="importing", file=sys.stderr, hidden=not sys.stderr.isatty()
    ) as bar:

        def progress(done: int, total: int, path: Path) -> None:
            bar.length = total
            bar.update(1)

        summary = import_paths(store, paths, format, progress, importers=importers)
    if json_out:
        emit_json(summary.as_dict())
    else:
        say(
            f"{summary.documents_added} documents added, {summary.documents_unchanged} unchanged, "
            f"{summary.entities_added} entities, {summary.aliases_added} aliases, "
            f"{summary.mentions_added} mentions, {summary.events_added} events"
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
    rows = session(ctx).store().documents.summaries()
    if json_out:
        emit_json([row._asdict() for row in rows])
        return
    for row in rows:
        say(
            f"{row.id:>5}  {row.mentions:>5} mentions  {row.suggestions:>4} suggested  "
            f"{row.published or '':10}  {row.title}"
        )


@kb_app.command("import")
def kb_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="JSONL: one entity per line (see README).")],
) -> None:
    """Import entities and aliases from a JSONL file (idempotent)."""
    from workbench.importers import import_kb_file

    summary = import_kb_file(session(ctx).store(), file)
    say(f"{summary.entities_added} entities added, {summary.aliases_added} aliases added")


@kb_app.command("list")
def kb_list(
    ctx: typer.Context,
    label: Annotated[str | None, typer.Option(help="Only entities with this label.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the knowledge base's entities with aliases."""
    store = session(ctx).store()
    rows = []
    for entity in store.kb.entities(label):
        rows.append(
            {
                **entity._asdict(),
                "external_ids": dict(entity.external_ids),
                "aliases": [a.text for a in store.kb.aliases(entity.id)],
                "mentions": sum(store.mentions.per_document(entity.id).values()),
            }
        )
    if json_out:
        emit_json(rows)
        return
    for row in rows:
        say(f"{row['id']:<32} {row['label']:<9} {row['name']}  ({', '.join(row['aliases'])})")


@kb_app.command("add")
def kb_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Canonical name.")],
    label: Annotated[str, typer.Option(help="Label, e.g. ORG, PERSON, GPE.")],
    alias: Annotated[
        list[str] | None, typer.Option(help="Another surface form (repeatable).")
    ] = None,
    description: Annotated[str, typer.Option(help="One-line description.")] = "",
    entity_id: Annotated[
        str | None, typer.Option("--id", help="Entity id (default: from the name).")
    ] = None,
) -> None:
    """Add an entity to the knowledge base."""
    entity = (
        session(ctx)
        .store()
        .kb.add_entity(
            name, label, description=description, aliases=alias or (), entity_id=entity_id
        )
    )
    say(entity.id)


@kb_app.command("merge")
def kb_merge(
    ctx: typer.Context,
    keep: Annotated[str, typer.Argument(help="Entity id that stays.")],
    other: Annotated[
        str, typer.Argument(help="Entity id merged into KEEP (then redirects to it).")
    ],
) -> None:
    """Merge OTHER into KEEP: aliases and mentions move, OTHER redirects."""
    entity = session(ctx).store().kb.merge(keep, other)
    say(f"merged {other} into {entity.id}")


@app.command()
def link(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="Mention text to link.")],
    label: Annotated[
        str | None, typer.Option(help="Mention label (e.g. PERSON); filters incompatible entities.")
    ] = None,
    doc: Annotated[
        int | None, typer.Option(help="Document id: entities linked there lift candidates.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=100, help="How many candidates.")] = 10,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Rank knowledge-base entities for a mention and decide link or NIL."""
    from workbench.linking import Linker

    store = session(ctx).store()
    context = store.mentions.linked_entities(doc) if doc is not None else set()
    if doc is not None:
        store.documents.get(doc)  # a clear error for a wrong id
    result = Linker(store.kb.candidate_index()).link(text, label, context=context, limit=limit)
    if json_out:
        emit_json(result.as_dict())
        return
    decision = f"{result.link.name} ({result.link.entity_id})" if result.link else "NIL"
    say(f"link: {decision}  [{result.reason}]")
    for c in result.candidates:
        say(f"{c.score:6.1f}  {c.entity_id:<32} {c.label:<9} {c.name}  via {c.alias!r}")


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
    store = session(ctx).store()
    if kb:
        from workbench.linking import Linker

        result = Linker(store.kb.candidate_index()).link(query, limit=min(limit, 100))
        rows = [c.as_dict() for c in result.candidates]
        if json_out:
            emit_json(rows)
        for c in result.candidates if not json_out else []:
            say(f"{c.score:6.1f}  {c.entity_id:<32} {c.label:<9} {c.name}")
        return
    hits = store.documents.search(query, limit, skip)
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
        say(
            f"(showing {limit} hits from {skip + 1}; --skip {skip + limit} for the next ones)",
            err=True,
        )


@app.command()
def events(
    ctx: typer.Context,
    doc: Annotated[int | None, typer.Option(help="Only the events of this document.")] = None,
    taxonomy: Annotated[
        Path | None,
        typer.Option(help='Set the event taxonomy from a JSON file {"Type": ["Sub-type", ...]}.'),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List events with their roles (resolved to entities) and clusters."""
    store = session(ctx).store()
    if taxonomy is not None:
        try:
            data = json.loads(taxonomy.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise WorkbenchError(f"{taxonomy}: cannot read taxonomy: {exc}") from exc
        types = store.events.set_taxonomy(data)
        say(f"event taxonomy set: {len(types)} types", err=True)
    if doc is not None:
        store.documents.get(doc)  # a clear error for a wrong id
    rows = store.events.of_document(doc)
    if json_out:
        emit_json(
            [
                {
                    "id": e.id,
                    "doc_id": e.doc_id,
                    "type": e.type,
                    "subtype": e.subtype,
                    "trigger": {
                        "start": e.trigger_start,
                        "end": e.trigger_end,
                        "text": e.trigger_text,
                    },
                    "date": e.date,
                    "date_text": e.date_text,
                    "date_precision": e.date_precision,
                    "fatalities": None
                    if e.fatalities_low is None
                    else (
                        e.fatalities_low
                        if e.fatalities_low == e.fatalities_high
                        else [e.fatalities_low, e.fatalities_high]
                    ),
                    "certainty": e.certainty,
                    "note": e.note,
                    "cluster_id": e.cluster_id,
                    "roles": [
                        {
                            "role": r.role,
                            "mention_id": r.mention_id,
                            "text": r.mention_text,
                            "entity_id": r.entity_id,
                            "entity": r.entity_name,
                        }
                        for r in e.roles
                    ],
                }
                for e in rows
            ]
        )
        return
    for e in rows:
        roles = "; ".join(f"{r.role}: {r.entity_name or r.mention_text}" for r in e.roles)
        cluster = f" cluster {e.cluster_id}" if e.cluster_id else ""
        say(
            f"{e.id:>4} [{e.doc_id}] {e.date or '?':10} {e.type} / {e.subtype or '-'}{cluster}  {roles}"
        )


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
    from workbench.nlp.batch import default_jobs
    from workbench.nlp.batch import preannotate as run_preannotate

    if bool(doc) == all_documents:
        raise WorkbenchError("choose the documents: --doc ID (repeatable) or --all")
    model = model or config.default_model()
    store = session(ctx).store()
    with typer.progressbar(
        length=1, label="pre-annotating", file=sys.stderr, hidden=not sys.stderr.isatty()
    ) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        try:
            summary = run_preannotate(
                store,
                None if all_documents else doc,
                model,
                progress,
                redo=redo,
                jobs=jobs or default_jobs(),
            )
        except KeyboardInterrupt:
            err("interrupted: what was committed is kept; run the same command to resume")
            raise typer.Exit(130) from None
    if json_out:
        emit_json(summary.as_dict())
        return
    say(
        f"{summary.documents} documents pre-annotated ({summary.skipped} already done): "
        f"{summary.suggestions} suggestions, {summary.triggers} event triggers"
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
) -> None:
    """Export annotations with a built-in or plugin exporter (jsonl, spacy, brat, conll, csv,
    stix, graphml, ...)."""
    from workbench.exporters import ExportView, run_export

    state = session(ctx)
    plugins = state.plugins()
    exporter = plugins.exporter(format)
    options = {}
    for item in option or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise WorkbenchError(f"--option {item!r}: use KEY=VALUE")
        options[key] = value
    view = ExportView(state.store(), doc or None, include_suggestions)
    with typer.progressbar(
        length=max(len(view), 1),
        label=f"exporting {format}",
        file=sys.stderr,
        hidden=not sys.stderr.isatty(),
    ) as bar:

        def progress(done: int, total: int) -> None:
            bar.update(1)

        context = run_export(
            exporter,
            view,
            output,
            options,
            progress,
            owner=plugins.owner.get(("exporter", exporter.name)),
        )
    for warning in context.warnings:
        err(f"warning: {warning}")
    where = "standard output" if str(output) == "-" else str(output)
    say(f"exported {len(view)} documents with {exporter.name} to {where}", err=str(output) == "-")


@app.command()
def plugins(
    ctx: typer.Context,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List plugins, their versions and hooks, and what each registered (or why it failed)."""
    from workbench.plugins import describe

    loaded = session(ctx).plugins(report=False)
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
    state = session(ctx)
    data = {"database": str(state.db_path), **state.store().stats()}
    if json_out:
        emit_json(data)
        return
    for key, value in data.items():
        say(f"{key:>16}: {value}")


@app.command()
def undo(
    ctx: typer.Context,
    skip: Annotated[
        bool,
        typer.Option(
            "--skip",
            help="Leave your newest change in place (when its undo is refused because "
            "someone's later work depends on it); the next undo goes to the one before.",
        ),
    ] = False,
) -> None:
    """Undo your newest change (works across restarts)."""
    store = session(ctx).store()
    if skip:
        say(f"skipped: {store.skip_undo()} stays; undo now goes to your older changes")
        return
    say(f"undone: {store.undo()}")


@app.command()
def redo(ctx: typer.Context) -> None:
    """Redo your most recently undone change."""
    say(f"redone: {session(ctx).store().redo()}")


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning user errors into one `error:` line and exit 1."""
    # Typer handles usage errors itself (exit 2); our own errors surface here.
    interrupts.install()
    with reported_errors():
        app(args=argv, prog_name="workbench")
