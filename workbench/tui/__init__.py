"""The terminal UI: the only code that imports Textual."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from workbench import config
from workbench.terminal import err

if TYPE_CHECKING:
    from workbench.workspace import Workspace


def run(workspace: Workspace, doc_a: int | None = None, doc_b: int | None = None) -> None:
    """Run the Workbench app on an open workspace. If it stops on an error, the traceback
    is written to a log file in the data directory and the process exits with status 1."""
    from workbench.tui.app import WorkbenchApp

    app = WorkbenchApp(workspace, doc_a, doc_b)
    app.run()
    if app.return_code:
        exception = getattr(app, "_exception", None)
        where = crash_log(exception) if exception is not None else None
        note = f"; the traceback is in {where}" if where else ""
        err(f"error: the terminal UI stopped on an error{note}")
        sys.exit(app.return_code)


def crash_log(exception: BaseException) -> Path | None:
    """Write an exception's traceback to a new file under the data directory's logs/."""
    folder = config.data_dir() / "logs"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        import traceback
        from datetime import datetime

        path = folder / f"crash-{datetime.now():%Y%m%d-%H%M%S}.log"
        path.write_text("".join(traceback.format_exception(exception)), encoding="utf-8")
    except OSError:
        return None
    return path
