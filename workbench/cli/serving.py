"""`workbench serve`: the terminal UI for a team's browsers."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from workbench.cli import app, opener, say

TOKEN_ENV = "WORKBENCH_TOKEN"


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option(help="Address to listen on (another than 127.0.0.1 opens it to others).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    token: Annotated[
        str | None,
        typer.Option(help=f"The access token (default: ${TOKEN_ENV}, else a new random one)."),
    ] = None,
    max_sessions: Annotated[
        int, typer.Option(min=1, help="Browser sessions at once (each runs its own TUI).")
    ] = 8,
    idle_minutes: Annotated[
        float,
        typer.Option(min=0.05, help="Close a session after this many minutes without a key."),
    ] = 30.0,
) -> None:
    """Serve the terminal UI to browsers (textual-serve): one TUI process per session, on
    this database, behind a token; the global --annotator fixes every session's name."""
    from workbench.serve import ServeOptions, WorkbenchServer, valid_annotator

    chosen = opener(ctx)
    chosen.workspace()  # created (and seeded) or checked now, not in the first session
    secret = token or os.environ.get(TOKEN_ENV) or None
    if secret is not None and len(secret) < 8:
        raise typer.BadParameter("a token needs at least 8 characters", param_hint="--token")
    if chosen.annotator is not None and not valid_annotator(chosen.annotator):
        raise typer.BadParameter(
            "an annotator's name is 1 to 64 letters, digits, spaces or .@_-",
            param_hint="--annotator",
        )
    options = ServeOptions(
        db=target.resolve() if isinstance(target := chosen.db_target, Path) else target,
        host=host,
        port=port,
        annotator=chosen.annotator,
        plugins_dir=Path(chosen.plugins_dir).resolve() if chosen.plugins_dir else None,
        max_sessions=max_sessions,
        idle_minutes=idle_minutes,
        **({"token": secret} if secret else {}),
    )
    # The address with its token goes to standard output only; the log (standard error)
    # never holds the token.
    say(f"Workbench is served at {options.url}")
    say("(one TUI process per browser session; Ctrl+C stops the server)")
    WorkbenchServer(options).serve()
