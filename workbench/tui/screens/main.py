"""The workspace screen: two document panes, the side panel, find bar, status line, footer.

What the keys do lives in the screen's parts (annotating, events, suggestions, reading,
entities), each a small object, as does what the side panel shows (`SidePanelFeed`).
Every key of the screen goes through `action_run`, which finds its part from the action
registry (`workbench.tui.actions`). A part calls the application layer through `apply`,
the one place a change is made, reported and shown.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from rich.text import Text
from textual import on
from textual.actions import parse
from textual.app import ComposeResult
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import Input

from workbench.display import visible
from workbench.errors import ConnectionLost, MentionNotFound, WorkbenchError
from workbench.model import Mention
from workbench.tui import actions
from workbench.tui.host import workbench_app
from workbench.tui.messages import Changed, OpenAt
from workbench.tui.screens.annotating import AnnotationCommands
from workbench.tui.screens.entities import EntityCommands
from workbench.tui.screens.eventing import EventCommands
from workbench.tui.screens.pane_memory import PaneMemory
from workbench.tui.screens.reading import ReadingCommands
from workbench.tui.screens.side_panel_feed import SidePanelFeed
from workbench.tui.screens.suggesting import SuggestionCommands
from workbench.tui.widgets.article_view import ArticleView
from workbench.tui.widgets.covered import CoveredHorizontal, blank_lines
from workbench.tui.widgets.footer import KeysFooter
from workbench.tui.widgets.pane import DocumentPane
from workbench.tui.widgets.panels import SidePanel, TextView
from workbench.workspace import Workspace
from workbench.workspace.annotating import Annotated

# How often the screen asks whether someone else changed the database (a teammate's TUI
# on the same PostgreSQL database or file): their change shows within this time.
FOLLOW_SECONDS = 1.0


class MainScreen(Screen[None]):
    """Read side by side, annotate, search."""

    BINDINGS = actions.bindings("screen")

    def __init__(self) -> None:
        super().__init__()
        self.annotations = AnnotationCommands(self)
        self.event_commands = EventCommands(self)
        self.suggestions = SuggestionCommands(self)
        self.reading = ReadingCommands(self)
        self.entities = EntityCommands(self)
        self._parts: dict[str, object] = {
            "annotations": self.annotations,
            "events": self.event_commands,
            "suggestions": self.suggestions,
            "reading": self.reading,
            "entities": self.entities,
        }
        self._panes: list[DocumentPane] = []
        self._last_pane = 0
        # The change a lost connection did not save (R makes it again), and whether the
        # database is unreachable now.
        self._unsaved: (
            tuple[str, Callable[[], Any], Callable[[Any], str] | None, dict[str, Any]] | None
        ) = None
        self._connection_lost = False
        # (document id, cursor) shown in each pane; kept for every document ever shown
        self._positions: dict[int, tuple[int, int]] = {}
        self.cursors: dict[int, int] = {}  # document id -> last cursor there
        self._memory = PaneMemory()
        self.side_panel = SidePanelFeed(self)
        self._worker_workspace: Workspace | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        # the workspace, status line and footer cover the whole screen
        return blank_lines(self, crop)

    def compose(self) -> ComposeResult:
        with CoveredHorizontal(id="workspace"):
            yield DocumentPane(0)
            yield DocumentPane(1)
            yield SidePanel(id="side")
        yield TextView(id="status")
        yield KeysFooter()

    # -- what the parts share --------------------------------------------------------------

    @property
    def workspace(self) -> Workspace:
        """The application layer the app runs on."""
        workspace: Workspace = workbench_app(self.app).workspace
        return workspace

    def worker_workspace(self) -> Workspace:
        """A connection of its own for this screen's worker threads (the link picker
        ranks candidates off the UI thread), opened on first use."""
        if self._worker_workspace is None:
            self._worker_workspace = self.workspace.reader()
        return self._worker_workspace

    def action_run(self, action_id: str) -> None:
        """Run a registered action: its part's method, with the registry's arguments."""
        target, name, arguments = parse(actions.BY_ID[action_id].handler)
        part = self._parts[target.removesuffix(".")]
        getattr(part, name)(*arguments)

    def apply(
        self,
        description: str,
        change: Callable[[], Any],
        describe: Callable[[Any], str] | None = None,
        **shown: Any,
    ) -> Any:
        """Make one change through the application layer: the result, or None after a
        notification saying why it could not be made. The status line then says
        `describe(result)` (else "saved: description"); `shown` says what to redraw (see
        `Changed`); a change returning a mention redraws only it."""
        try:
            result = change()
        except ConnectionLost as exc:
            # the change is kept, to be made again when the server answers (R)
            self._unsaved = (description, change, describe, shown)
            self._connection_lost = True
            self.notify(
                f"{exc}. Not saved: {description}. Press R to try it again.",
                title="connection lost",
                severity="error",
                timeout=15,
            )
            self.set_status(f"connection lost: not saved: {description} (R to try again)")
            return None
        except WorkbenchError as exc:
            self.notify(str(exc), severity="error")
            return None
        self._unsaved = None
        mention = result.mention if isinstance(result, Annotated) else result
        if not shown and isinstance(mention, Mention):
            shown = {"mention_id": mention.id}
        status = describe(result) if describe is not None else f"saved: {description}"
        self.post_message(Changed(status, **(shown or {"everything": True})))
        return result

    def retry_unsaved(self) -> None:
        """Make again the change a lost connection did not save."""
        if self._unsaved is None:
            self.notify("nothing to try again: every change was saved")
            return
        description, change, describe, shown = self._unsaved
        self.apply(description, change, describe, **shown)

    @on(Changed)
    def _changed(self, message: Changed) -> None:
        if message.everything:
            self.reload()
        elif message.mention_id is not None:
            self.mention_changed(message.mention_id)
        if message.events:
            self.reload_events()
        self.call_after_refresh(self.set_status, message.status)

    # -- panes ---------------------------------------------------------------------------

    @property
    def panes(self) -> list[DocumentPane]:
        # the two panes live as long as the screen: looked up once, not on every key
        if not self._panes:
            self._panes = list(self.query(DocumentPane))
        return self._panes

    def focused_pane(self) -> DocumentPane:
        """The pane whose document has the keyboard (or had it last)."""
        for pane in self.panes:
            if pane.view.has_focus:
                return pane
        return self.panes[self._last_pane]

    def other_pane(self) -> DocumentPane:
        """The pane that is not focused."""
        return self.panes[1 - self.focused_pane().index]

    def on_mount(self) -> None:
        saved = self._memory.panes(self.workspace)
        ids = [d.id for d in self.workspace.corpus.summaries()]
        requested = [d for d in workbench_app(self.app).initial_documents if d is not None]
        for pane, default in zip(self.panes, (ids[:1], ids[1:2]), strict=True):
            choice = requested[pane.index] if pane.index < len(requested) else None
            doc_id, cursor = (
                (choice, 0)
                if choice
                else saved.get(pane.index, (default[0] if default else None, 0))
            )
            if doc_id is not None and doc_id in ids:
                self.open_in(pane, doc_id, cursor)
            else:
                pane.update_title()
        self.cursors = self._memory.cursors(self.workspace)
        self._last_pane = 0 if requested else self._memory.focused(self.workspace)
        self.panes[self._last_pane].view.focus()
        if self.workspace.read_only:
            self.set_status(
                "read-only: reading, searching and exporting work; changes are not saved"
            )
            self.notify(
                f"{self.workspace.read_only}. Reading, searching and exporting work; "
                "nothing can be changed.",
                title="read-only database",
                severity="warning",
                timeout=10,
            )
        else:
            self.set_status("ready")
        self.set_interval(5, self.save_panes)
        self.follow_others()  # (the first look only notes where the database stands)
        self.set_interval(FOLLOW_SECONDS, self.follow_others)
        # the documents come first: the side panel is filled just after the first frame
        self.call_after_refresh(self.side_panel.start)

    def follow_others(self) -> None:
        """Show what others change (another analyst's TUI on the same database, a command
        run beside this one): the open documents are read again when someone did."""
        try:
            changed = self.workspace.history.changed_elsewhere()
        except ConnectionLost:
            if not self._connection_lost:
                self._connection_lost = True
                self.set_status("connection lost: connecting again every second…")
            return
        except WorkbenchError:
            return
        if self._connection_lost:
            self._connection_lost = False
            self.notify("connected to the database again", title="connection back")
            self.set_status(
                "connection back" + (": R makes the unsaved change" if self._unsaved else "")
            )
            self.reload()
        elif changed:
            self.reload()
            self.set_status("updated: the database was changed elsewhere")

    def note_own_changes(self) -> None:
        """After a reload for what this screen's own worker committed on its connection:
        note where the database stands, so that the next look (`follow_others`) does not
        report those commits as someone else's."""
        with contextlib.suppress(WorkbenchError):
            self.workspace.history.changed_elsewhere()

    def save_panes(self) -> None:
        """Remember open documents, cursors and the focused pane (also after a restart)."""
        self._memory.save(self.workspace, self._positions, self._last_pane, self.cursors)

    def on_unmount(self) -> None:
        # the panes are gone by now: what they showed was tracked in _positions
        with contextlib.suppress(WorkbenchError):
            self._memory.save(
                self.workspace, self._positions, self._last_pane, self.cursors, always=True
            )
        if self._worker_workspace is not None:
            self._worker_workspace.close()

    def open_in(
        self, pane: DocumentPane, doc_id: int, cursor: int | None = None, select: int = 0
    ) -> None:
        """Show a document in a pane, the cursor at an offset (else where it was last in
        that document), optionally selecting `select` characters there."""
        try:
            document = self.workspace.corpus.document(doc_id)
        except WorkbenchError as exc:
            self.notify(str(exc), severity="error")
            return
        if cursor is None:
            cursor = self.cursors.get(doc_id, 0)
        pane.show(document, self.workspace.annotations.mentions(doc_id), cursor)
        pane.view.set_events(
            self.workspace.events.of_document(doc_id), self.workspace.annotations.triggers(doc_id)
        )
        if select:
            pane.view.select_span(cursor, cursor + select)
        self.side_panel.refresh()

    def open_target(self, target: OpenAt | None) -> None:
        """Open a document at an offset: in the pane that shows it already, else in the
        focused pane (the palette, search and lists of mentions use this)."""
        if target is None:
            return
        pane = next(
            (p for p in self.panes if p.document and p.document.id == target.doc_id),
            self.focused_pane(),
        )
        if pane.document and pane.document.id == target.doc_id:
            pane.view.move_to(target.offset)
            if target.length:
                pane.view.select_span(target.offset, target.offset + target.length)
        else:
            self.open_in(pane, target.doc_id, target.offset, target.length)
        pane.view.focus()

    def reload(self) -> None:
        """Re-read the annotations of every open document (after undo, redo, bulk changes)."""
        for pane in self.panes:
            if pane.document:
                pane.set_mentions(self.workspace.annotations.mentions(pane.document.id))
        self.reload_events()

    def reload_events(self) -> None:
        """Re-read the events and suggested triggers of the open documents."""
        for pane in self.panes:
            if pane.document:
                pane.view.set_events(
                    self.workspace.events.of_document(pane.document.id),
                    self.workspace.annotations.triggers(pane.document.id),
                )
        self.side_panel.forget_everything()

    def mention_changed(self, mention_id: int) -> None:
        """Redraw one created, edited or deleted mention without re-reading the document."""
        try:
            mention: Mention | None = self.workspace.annotations.mention(mention_id)
        except MentionNotFound:
            mention = None
        for pane in self.panes:
            if mention is None:
                pane.view.remove_mention(mention_id)
            elif pane.document and pane.document.id == mention.doc_id:
                pane.view.upsert_mention(mention)
        # The text shows the change in the keystroke's own frame; titles and the side
        # panel follow in the next (after a picker closes, that frame redraws the whole
        # screen, and these would add to it).
        self.call_after_refresh(self._mention_change_shown)

    def _mention_change_shown(self) -> None:
        for pane in self.panes:
            pane.update_title()
        self.side_panel.mention_changed()

    def set_status(self, message: str) -> None:
        """Say something in the status line (after the database name and the annotator)."""
        status = Text(no_wrap=True, overflow="ellipsis")
        status.append(visible(f" {self.workspace.name} "), style="bold")
        status.append(visible(f" annotator: {self.workspace.annotator} "), style="dim")
        clock = "" if workbench_app(self.app).steady else f"{datetime.now():%H:%M:%S} "
        status.append(visible(f" {clock}{message}"))
        self.query_one("#status", TextView).update(status)

    # -- cursor, highlight ---------------------------------------------------------

    @on(Input.Changed, "#find-input")
    def _find_changed(self, event: Input.Changed) -> None:
        self.reading.find_changed(event.value)

    @on(ArticleView.CursorMoved)
    def _cursor_moved(self, event: ArticleView.CursorMoved) -> None:
        if event.view.document:
            self._positions[event.view.pane] = (event.view.document.id, event.offset)
            self.cursors.pop(event.view.document.id, None)  # (the newest last)
            self.cursors[event.view.document.id] = event.offset
        if not event.view.has_focus:
            return
        if self._last_pane != event.view.pane:
            self._last_pane = event.view.pane
            for pane in self.panes:
                pane.update_title()  # the focused pane's id is drawn bold
        entity_id = event.mention.entity_id if event.mention else None
        trigger = event.view.event_at_cursor()
        roles = {r.mention_id for r in trigger.roles} if trigger else set()
        for pane in self.panes:
            pane.view.set_highlight(entity_id, roles)  # an event under the cursor lights its roles
        self.side_panel.cursor_moved(event.view, event.mention, trigger)
