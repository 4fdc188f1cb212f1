"""The command line: parse, call the application layer (`workbench.workspace`), print
(JSON with --json). Commands live by noun in the modules beside this one."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from workbench import __version__, interrupts
from workbench.display import json_text, visible
from workbench.terminal import err, reported_errors
from workbench.workspace import Workspace, WorkspaceOpener

app = typer.Typer(
    name="workbench",
    help="Read conflict and security news side by side; annotate and link entities by keyboard.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def emit_json(data: Any, one_line: bool = False) -> None:
    """Print JSON for other tools (terminal controls in strings escaped); `one_line` for
    JSON Lines."""
    typer.echo(json_text(data, indent=None if one_line else 2))


def say(line: str, err: bool = False) -> None:
    """Print one line; what came from files or the database in it is shown as data."""
    typer.echo(visible(line), err=err)


def opener(ctx: typer.Context) -> WorkspaceOpener:
    """What the global options chose."""
    found: WorkspaceOpener = ctx.ensure_object(WorkspaceOpener)
    return found


def workspace(ctx: typer.Context) -> Workspace:
    """The workspace the global options chose, opened on first use."""
    return opener(ctx).workspace()


@contextmanager
def progress_bar(label: str, length: int = 1) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on standard error (hidden when it is not a terminal); yields
    `step(done, total)`."""
    with typer.progressbar(
        length=max(length, 1), label=label, file=sys.stderr, hidden=not sys.stderr.isatty()
    ) as bar:

        def step(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        yield step


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
            metavar="PATH|URL",
            help="Database file, or a team's PostgreSQL database as "
            "postgresql://USER@HOST[:PORT]/DB. Default: $WORKBENCH_DB, else workbench.db in "
            "the user data dir.",
        ),
    ] = None,
    annotator: Annotated[
        str | None,
        typer.Option(
            help="Who is annotating. Default: $WORKBENCH_ANNOTATOR, else the PostgreSQL "
            "role, else the OS user."
        ),
    ] = None,
    plugins_dir: Annotated[
        Path | None,
        typer.Option(
            help="Extra folder of .py plugins (also $WORKBENCH_PLUGINS_DIR and the "
            "repository's plugins/)."
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Workbench: a terminal analyst workbench. Without a command, opens the TUI."""
    chosen = WorkspaceOpener(db, annotator, plugins_dir, report=err)
    ctx.obj = chosen
    ctx.call_on_close(chosen.close)
    if ctx.invoked_subcommand is None:
        _run_tui(chosen, None, None)


def _run_tui(chosen: WorkspaceOpener, doc_a: int | None, doc_b: int | None) -> None:
    from workbench.tui import run

    run(chosen.workspace(), doc_a, doc_b)


@app.command()
def tui(
    ctx: typer.Context,
    doc_a: Annotated[int | None, typer.Argument(help="Document id for the left pane.")] = None,
    doc_b: Annotated[int | None, typer.Argument(help="Document id for the right pane.")] = None,
) -> None:
    """Open the terminal UI with two documents side by side."""
    _run_tui(opener(ctx), doc_a, doc_b)


# The commands, by noun (imported for their registration on `app`, in help order).
from workbench.cli import (  # noqa: E402, F401
    corpus,
    database,
    events,
    history,
    incidents,
    knowledge,
    serving,
    team,
)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning user errors into one `error:` line and exit 1."""
    # Typer handles usage errors itself (exit 2); our own errors surface here.
    interrupts.install()
    with reported_errors():
        app(args=argv, prog_name="workbench")
