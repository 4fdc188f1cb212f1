"""`workbench db`: the database as a whole (copying it between SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Annotated

import typer

from workbench.cli import app, progress_bar, say
from workbench.display import plural
from workbench.workspace.copying import copy

db_app = typer.Typer(help="The database as a whole: copy it between SQLite and PostgreSQL.")
app.add_typer(db_app, name="db")


@db_app.command("copy")
def db_copy(
    source: Annotated[str, typer.Argument(help="Database to copy: a file or postgresql://…")],
    target: Annotated[
        str, typer.Argument(help="New, empty database: a file or postgresql://USER@HOST/DB")
    ],
) -> None:
    """Copy a whole database (documents, knowledge base, every layer, the change log) into
    a new, empty one, in one transaction; undo goes on working on the copy."""
    with progress_bar("copying rows") as step:
        copied, source_name, target_name = copy(source, target, step)
    rows = copied.rows
    say(
        f"copied {plural(copied.total, 'row')} from {source_name} to {target_name}: "
        f"{plural(rows['documents'], 'document')}, {plural(rows['entities'], 'entity', 'entities')}, "
        f"{plural(rows['mentions'], 'mention')}, {plural(rows['events'], 'event')}, "
        f"{plural(rows['changes'], 'logged change')}"
    )
