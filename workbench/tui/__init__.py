"""The terminal UI: the only code that imports Textual."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.workspace import Workspace


def run(workspace: Workspace, doc_a: int | None = None, doc_b: int | None = None) -> None:
    """Run the Workbench app on an open workspace."""
    from workbench.tui.app import WorkbenchApp

    WorkbenchApp(workspace, doc_a, doc_b).run()
