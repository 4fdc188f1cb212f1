"""The `workbench` command's entry point. Opening the TUI is what analysts do most, and
the full command line (Typer, which builds pydantic validators for its options) costs
about 0.1 s before the first frame; so the plain TUI invocations are recognised here and
started directly. Everything else, and anything unusual, goes to `workbench.cli`, which
also answers `--help` and reports usage errors.

    workbench [--db PATH] [--annotator NAME] [--plugins-dir PATH] [tui [DOC_A [DOC_B]]]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NamedTuple

# Global options the launcher understands, with the Session field each sets.
_OPTIONS = {"--db": "db", "--annotator": "annotator", "--plugins-dir": "plugins_dir"}


class TuiRequest(NamedTuple):
    """A plain TUI invocation: the global options and the documents for the two panes."""

    db: str | None = None
    annotator: str | None = None
    plugins_dir: Path | None = None
    doc_a: int | None = None
    doc_b: int | None = None


def tui_request(argv: list[str]) -> TuiRequest | None:
    """The TUI invocation `argv` asks for, or None when it is anything else (a command,
    --help, an unknown or repeated option, a document id that is not a number)."""
    values: dict[str, str] = {}
    rest = list(argv)
    while rest and rest[0].startswith("--"):
        name, has_value, value = rest.pop(0).partition("=")
        if name not in _OPTIONS or _OPTIONS[name] in values:
            return None
        if not has_value:
            if not rest or rest[0].startswith("-"):
                return None
            value = rest.pop(0)
        if not value:
            return None
        values[_OPTIONS[name]] = value
    if rest and rest[0] == "tui":
        rest.pop(0)
    elif rest:
        return None
    if len(rest) > 2 or not all(arg.isdigit() for arg in rest):
        return None
    ids = [int(arg) for arg in rest] + [None, None]
    return TuiRequest(
        db=values.get("db"),
        annotator=values.get("annotator"),
        plugins_dir=Path(values["plugins_dir"]) if "plugins_dir" in values else None,
        doc_a=ids[0],
        doc_b=ids[1],
    )


def main() -> None:
    request = tui_request(sys.argv[1:])
    if request is None:
        from workbench.cli import main as cli_main

        cli_main()
        return
    _run_tui(request)


def _run_tui(request: TuiRequest) -> None:
    """Open the TUI as `workbench tui` does, with the command line's error handling."""
    from workbench import collector

    collector.hold_until_started()  # (the app turns it on again after its first frame)
    from workbench.terminal import err, reported_errors
    from workbench.tui import run
    from workbench.workspace import WorkspaceOpener

    chosen = WorkspaceOpener(request.db, request.annotator, request.plugins_dir, report=err)
    with reported_errors():
        try:
            run(chosen.workspace(), request.doc_a, request.doc_b)
        finally:
            chosen.close()
