"""Undo and redo: your own changes, one use case at a time, also after a restart."""

from __future__ import annotations

from typing import Annotated

import typer

from workbench.cli import app, say, workspace


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
    history = workspace(ctx).history
    if skip:
        say(f"skipped: {history.skip()} stays; undo now goes to your older changes")
        return
    say(f"undone: {history.undo()}")


@app.command()
def redo(ctx: typer.Context) -> None:
    """Redo your most recently undone change."""
    say(f"redone: {workspace(ctx).history.redo()}")
