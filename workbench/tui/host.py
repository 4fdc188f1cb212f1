"""The running Workbench app, typed: Textual types a screen's `self.app` as any App, and
the screens read what the Workbench app adds (its workspace, plugins, steady mode)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from textual.app import App

    from workbench.tui.app import WorkbenchApp


def workbench_app(app: App[Any]) -> WorkbenchApp:
    """`app` as the Workbench app (every screen of ours runs in it)."""
    return cast("WorkbenchApp", app)
