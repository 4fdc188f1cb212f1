"""The Workbench application: runs on a workspace (the application layer), composes the screens."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import App
from textual.notifications import SeverityLevel

from workbench import collector
from workbench.collector import CHECK_EVERY_SECONDS, IdleCollector
from workbench.display import visible
from workbench.tui import actions
from workbench.tui.commands import ActionCommands, DocumentCommands, EntityCommands
from workbench.tui.keymap import load_keymap
from workbench.tui.screens.main import MainScreen
from workbench.workspace import Workspace

if TYPE_CHECKING:
    from workbench.plugins import Plugins


class WorkbenchApp(App[None]):
    """Read two documents side by side; annotate and link by keyboard."""

    TITLE = "Workbench"
    CSS_PATH = Path(__file__).with_name("app.tcss")
    COMMANDS = App.COMMANDS | {ActionCommands, DocumentCommands, EntityCommands}
    BINDINGS = actions.bindings("app")

    def __init__(
        self,
        workspace: Workspace,
        doc_a: int | None = None,
        doc_b: int | None = None,
        keymap: dict[str, str] | None = None,
        *,
        steady: bool = False,
    ) -> None:
        """`steady`: no clock in the status line, no blinking, no animation (for tests)."""
        super().__init__()
        self.workspace = workspace
        self.steady = steady
        if steady:
            self.animation_level = "none"
        self.initial_documents = [doc_a, doc_b]
        self._keymap_override = keymap
        self.user_keymap: dict[str, str] = {}
        self.collector = IdleCollector()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent) and not event.is_forwarded:
            self.collector.touched()
        await super().on_event(event)

    def on_unmount(self) -> None:
        self.collector.stop()

    def on_mount(self) -> None:
        self.collector.start()
        self.call_after_refresh(collector.release_after_start)
        self.set_interval(CHECK_EVERY_SECONDS, self.collector.collect_if_idle)
        keymap, error = (
            (self._keymap_override, None) if self._keymap_override is not None else load_keymap()
        )
        self.user_keymap = keymap
        if keymap:
            self.set_keymap(keymap)
        if error:
            self.notify(error, severity="error", timeout=10)

    def get_default_screen(self) -> MainScreen:
        # the workspace is the first screen drawn: no blank frame before it
        return MainScreen()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification shows its text as data: messages quote titles, names and
        file names, which may hold markup or terminal controls."""
        super().notify(
            visible(message), title=visible(title), severity=severity, timeout=timeout, markup=False
        )

    def plugins(self) -> Plugins:
        """The plugins (loaded on first use); a broken one is a notification."""
        self.workspace.report = lambda line: self.notify(
            line, title="plugin skipped", severity="warning", timeout=10
        )
        return self.workspace.plugins()

    @property
    def main_screen(self) -> MainScreen:
        """The workspace screen (under any picker or dialog open on it)."""
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    def open_document(self, doc_id: int) -> None:
        """Open a document (from the palette): go to the pane that shows it, else open it
        in the focused pane where its cursor was last."""
        screen = self.main_screen
        showing = [p for p in screen.panes if p.document and p.document.id == doc_id]
        if showing:
            showing[0].view.focus()
            return
        pane = screen.focused_pane()
        screen.open_in(pane, doc_id)
        pane.view.focus()

    def show_entity(self, entity_id: str) -> None:
        """List an entity's mentions (from the palette)."""
        self.main_screen.reading.show_entity_mentions(entity_id)

    def action_help(self) -> None:
        from workbench.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.user_keymap))
