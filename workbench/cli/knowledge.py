"""The knowledge base commands (kb import/list/add/merge) and `link`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from workbench.cli import app, emit_json, progress_bar, say, workspace
from workbench.display import plural
from workbench.workspace.knowledge import NameLine

kb_app = typer.Typer(help="The knowledge base: import, list, add, rename, merge, delete entities.")
app.add_typer(kb_app, name="kb")


@kb_app.command("import")
def kb_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="JSONL: one entity per line (see README).")],
) -> None:
    """Import entities and aliases from a JSONL file (idempotent; one undo step)."""
    with progress_bar(f"importing {file.name}") as step:
        summary = workspace(ctx).kb.import_file(file, step)
    say(
        f"{plural(summary.entities_added, 'entity', 'entities')} added, "
        f"{plural(summary.aliases_added, 'alias', 'aliases')} added"
    )


@kb_app.command("list")
def kb_list(
    ctx: typer.Context,
    label: Annotated[str | None, typer.Option(help="Only entities with this label.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the knowledge base's entities with aliases and mention counts."""
    rows = workspace(ctx).kb.listing(label)
    if json_out:
        emit_json(
            [
                {
                    **row.entity._asdict(),
                    "external_ids": dict(row.entity.external_ids),
                    "aliases": row.aliases,
                    "mentions": row.mentions,
                }
                for row in rows
            ]
        )
        return
    for row in rows:
        entity = row.entity
        say(
            f"{entity.id:<32} {entity.label:<9} {row.mentions:>5}  {entity.name}  "
            f"({', '.join(row.aliases)})"
        )


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
    force: Annotated[
        bool,
        typer.Option("--force", help="Add it even when an entity of that name and label exists."),
    ] = False,
) -> None:
    """Add an entity to the knowledge base."""
    entity = workspace(ctx).kb.add(name, label, tuple(alias or ()), description, entity_id, force)
    say(entity.id)


@kb_app.command("rename")
def kb_rename(
    ctx: typer.Context,
    entity_id: Annotated[str, typer.Argument(metavar="ID", help="Entity id.")],
    name: Annotated[str, typer.Argument(help="New canonical name (the old one stays an alias).")],
) -> None:
    """Rename an entity."""
    entity = workspace(ctx).kb.rename(entity_id, name)
    say(f"{entity.id} is now {entity.name!r}")


@kb_app.command("delete")
def kb_delete(
    ctx: typer.Context,
    entity_id: Annotated[str, typer.Argument(metavar="ID", help="Entity id.")],
) -> None:
    """Delete an entity nothing uses (else say where it is used)."""
    entity = workspace(ctx).kb.delete(entity_id)
    say(f"deleted {entity.id} ({entity.name})")


@kb_app.command("merge")
def kb_merge(
    ctx: typer.Context,
    keep: Annotated[str, typer.Argument(help="Entity id that stays.")],
    other: Annotated[
        str, typer.Argument(help="Entity id merged into KEEP (then redirects to it).")
    ],
) -> None:
    """Merge OTHER into KEEP: aliases and mentions move, OTHER redirects."""
    entity = workspace(ctx).kb.merge(keep, other)
    say(f"merged {other} into {entity.id}")


@app.command()
def link(
    ctx: typer.Context,
    text: Annotated[str | None, typer.Argument(help="Mention text to link.")] = None,
    label: Annotated[
        str | None, typer.Option(help="Mention label (e.g. PERSON); filters incompatible entities.")
    ] = None,
    doc: Annotated[
        int | None, typer.Option(help="Document id: entities linked there lift candidates.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=100, help="How many candidates.")] = 10,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file", help="Link every name of a list: one per line, or a .csv file's column."
        ),
    ] = None,
    column: Annotated[
        str | None, typer.Option(help="The CSV column of the names (default: the first).")
    ] = None,
) -> None:
    """Rank knowledge-base entities for a mention and decide link or NIL; with --file, for
    every name of a list (with --json, one JSON result per line)."""
    if (text is None) == (file is None):
        raise typer.BadParameter("give a mention text or --file NAMES, not both")
    if file is not None:
        _link_list(ctx, file, column, label, limit, json_out)
        return
    assert text is not None
    result = workspace(ctx).kb.link(text, label, doc, limit)
    if json_out:
        emit_json(result.as_dict())
        return
    decision = f"{result.link.name} ({result.link.entity_id})" if result.link else "NIL"
    say(f"link: {decision}  [{result.reason}]")
    for c in result.candidates:
        say(f"{c.score:6.1f}  {c.entity_id:<32} {c.label:<9} {c.name}  via {c.alias!r}")


def _link_list(
    ctx: typer.Context,
    file: Path,
    column: str | None,
    label: str | None,
    limit: int,
    json_out: bool,
) -> None:
    """`link --file`: a result per name; a line that is not a name is reported and skipped
    (exit status 1 once the list is done)."""
    skipped = 0
    with progress_bar("linking") as step:
        for entry in workspace(ctx).kb.link_list(file, column, label, limit, step):
            if isinstance(entry, NameLine):
                say(f"error: {file} line {entry.line}: {entry.problem} (skipped)", err=True)
                skipped += 1
            elif json_out:
                emit_json(entry.as_dict(), one_line=True)
            else:
                link = entry.link
                decision = f"{link.name} ({link.entity_id}, {link.score:.1f})" if link else "NIL"
                say(f"{entry.query} → {decision}")
    if skipped:
        raise typer.Exit(1)
