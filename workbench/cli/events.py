"""The events command: list events with their roles and incidents; set the taxonomy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from workbench.cli import app, emit_json, say, workspace
from workbench.errors import WorkbenchError


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
    """List events with their roles (resolved to entities) and incidents."""
    use = workspace(ctx).events
    if taxonomy is not None:
        try:
            data = json.loads(taxonomy.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise WorkbenchError(f"{taxonomy}: cannot read taxonomy: {exc}") from exc
        types = use.set_taxonomy(data)
        say(f"event taxonomy set: {len(types)} types", err=True)
    records = use.records(doc)
    if json_out:
        emit_json(records)
        return
    for e in records:
        roles = "; ".join(f"{r['role']}: {r['entity'] or r['text']}" for r in e["roles"])
        cluster = f" incident {e['cluster']}" if e["cluster"] else ""
        say(
            f"{e['id']:>4} [{e['doc_id']}] {e['date'] or '?':10} {e['type']} / "
            f"{e['subtype'] or '-'}{cluster}  {roles}"
        )
