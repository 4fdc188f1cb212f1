"""The Workbench application: runs on a workspace (the application layer), composes the screens."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel

from workbench.collector import CHECK_EVERY_SECONDS, IdleCollector
from workbench.display import visible
from workbench.plugins import Plugins
from workbench.tui.commands import ActionCommands, DocumentCommands, EntityCommands
from workbench.tui.keymap import load_keymap
from workbench.tui.messages import OpenAt
from workbench.tui.screens.main import MainScreen
from workbench.tui.widgets.article_view import ArticleView
from workbench.workspace import Workspace


class WorkbenchApp(App):
    """Read two documents side by side; annotate and link by keyboard."""

    TITLE = "Workbench"
    CSS_PATH = Path(__file__).with_name("app.tcss")
    COMMANDS = App.COMMANDS | {ActionCommands, DocumentCommands, EntityCommands}
    BINDINGS = [
        Binding("q", "quit", "quit", id="app.quit"),
        Binding("question_mark", "help", "help", id="app.help"),
    ]

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
        self.collector = IdleCollector()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent) and not event.is_forwarded:
            self.collector.touched()
        await super().on_event(event)

    def on_unmount(self) -> None:
        self.collector.stop()

    def on_mount(self) -> None:
        self.collector.start()
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

    def open_document(self, doc_id: int) -> None:
        self.screen.open_target(OpenAt(doc_id))

    def show_entity(self, entity_id: str) -> None:
        self.screen.show_entity_mentions(entity_id)

    def action_help(self) -> None:
        keymap = getattr(self, "user_keymap", {}) or {}

        def rows(bindings) -> list[tuple[str, str, str]]:
            return [(keymap.get(b.id, b.key), b.description, b.id or "") for b in bindings]

        sections = [
            ("Moving and selecting (in a document)", rows(ArticleView.BINDINGS)),
            ("Annotating, searching, panes", rows(MainScreen.BINDINGS)),
            ("Application", rows(self.BINDINGS) + [("ctrl+p", "command palette", "")]),
        ]
        from workbench.tui.screens.search import HelpScreen

        self.push_screen(HelpScreen(sections))
