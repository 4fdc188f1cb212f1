"""The terminal UI: the only code that imports Textual."""

from __future__ import annotations


def run(store, doc_a: int | None = None, doc_b: int | None = None, plugins_dir=None) -> None:
    """Run the Workbench app on an open store."""
    from workbench.tui.app import WorkbenchApp

    WorkbenchApp(store, doc_a, doc_b, plugins_dir=plugins_dir).run()
