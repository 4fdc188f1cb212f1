"""The workspace: two document panes, the side panel, find bar, status line, footer.

Navigation and display live here; what the annotation keys do lives in
`annotation_actions.py`. Every read and write goes through the app's `Store`.
"""

from __future__ import annotations

import contextlib
import json
import re
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import Input

from workbench.display import visible
from workbench.errors import MentionNotFound, WorkbenchError
from workbench.model import EntityCard, Mention
from workbench.tui.clipboard import copy_text
from workbench.tui.messages import OpenAt
from workbench.tui.screens.annotation_actions import AnnotationActions
from workbench.tui.screens.event_actions import EventActions
from workbench.tui.screens.preannotate_actions import PreannotateActions
from workbench.tui.widgets.article_view import ArticleView
from workbench.tui.widgets.covered import CoveredHorizontal, blank_lines
from workbench.tui.widgets.footer import KeysFooter
from workbench.tui.widgets.pane import DocumentPane
from workbench.tui.widgets.panels import PanelState, SidePanel, TextView
from workbench.workspace import Workspace

PANES_SETTING = "tui.panes"


class MainScreen(AnnotationActions, EventActions, PreannotateActions, Screen):
    """Read side by side, annotate, search."""

    BINDINGS = [
        Binding("tab", "focus_other_pane", "other pane", id="pane.switch"),
        Binding("o", "open_document", "open", id="pane.open"),
        Binding("s", "swap_panes", "swap", show=False, id="pane.swap"),
        Binding("i", "toggle_side_panel", "panel", show=False, id="panel.toggle"),
        Binding("slash", "find", "find", id="find.open"),
        Binding("n", "find_step(1)", "next match", show=False, id="find.next"),
        Binding("N", "find_step(-1)", "previous match", show=False, id="find.previous"),
        Binding("ctrl+f", "search_corpus", "search", id="search.corpus"),
        Binding("j", "jump_entity", "next mention of entity", show=False, id="entity.next_mention"),
        Binding("m", "entity_mentions", "all mentions of entity", show=False, id="entity.mentions"),
        Binding("c", "copy_selection", "copy", show=False, id="copy.selection"),
        Binding("C", "copy_entity", "copy entity card", show=False, id="copy.entity"),
        Binding("ctrl+e", "export", "export", show=False, id="export.open"),
        *AnnotationActions.ANNOTATION_BINDINGS,
        *EventActions.EVENT_BINDINGS,
        *PreannotateActions.PREANNOTATE_BINDINGS,
    ]

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

    @property
    def workspace(self) -> Workspace:
        return self.app.workspace

    def worker_workspace(self) -> Workspace:
        """A connection of its own for this screen's worker threads (the link picker
        ranks candidates off the UI thread), opened on first use."""
        if self._worker_workspace is None:
            self._worker_workspace = self.workspace.reader()
        return self._worker_workspace

    _worker_workspace: Workspace | None = None

    # -- panes ---------------------------------------------------------------------------

    @property
    def panes(self) -> list[DocumentPane]:
        # the two panes live as long as the screen: looked up once, not on every key
        if not getattr(self, "_panes", None):
            self._panes = list(self.query(DocumentPane))
        return self._panes

    def focused_pane(self) -> DocumentPane:
        for pane in self.panes:
            if pane.view.has_focus:
                return pane
        return self.panes[getattr(self, "_last_pane", 0)]

    def other_pane(self) -> DocumentPane:
        return self.panes[1 - self.focused_pane().index]

    def on_mount(self) -> None:
        self._positions: dict[int, tuple[int, int]] = {}
        # The documents come first: the side panel (its lists are queries over both
        # documents) is filled just after the first frame.
        self._panel_ready = False
        self._lists_key = self._card_key = None
        saved = self._saved_panes()
        ids = [d.id for d in self.workspace.corpus.summaries()]
        requested = [d for d in self.app.initial_documents if d is not None]
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
        self.panes[0].view.focus()
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
                markup=False,
            )
        else:
            self.set_status("ready")
        self.set_interval(5, self.save_panes)
        self.call_after_refresh(self._first_side_panel)

    def _first_side_panel(self) -> None:
        self._panel_ready = True
        self.refresh_side_panel()

    def _saved_panes(self) -> dict[int, tuple[int, int]]:
        try:
            data = json.loads(self.workspace.recall(PANES_SETTING) or "[]")
            return {i: (int(d), int(c)) for i, (d, c) in enumerate(data) if d is not None}
        except (ValueError, TypeError):
            return {}

    def save_panes(self) -> None:
        """Remember open documents and cursors (also after a restart)."""
        state = [list(self._positions.get(i, (None, 0))) for i in (0, 1)]
        if state != getattr(self, "_saved_state", None):
            self.workspace.remember(PANES_SETTING, json.dumps(state))
            self._saved_state = state

    def on_unmount(self) -> None:
        # the panes are gone by now: what they showed was tracked in _positions
        with contextlib.suppress(WorkbenchError):
            self.save_panes()
        if self._worker_workspace is not None:
            self._worker_workspace.close()

    def open_in(self, pane: DocumentPane, doc_id: int, cursor: int = 0, select: int = 0) -> None:
        """Show a document in a pane, cursor at an offset (optionally selecting `select` chars)."""
        try:
            document = self.workspace.corpus.document(doc_id)
        except WorkbenchError as exc:
            self.notify(str(exc), severity="error")
            return
        pane.show(document, self.workspace.annotations.mentions(doc_id), cursor)
        pane.view.set_events(
            self.workspace.events.of_document(doc_id), self.workspace.annotations.triggers(doc_id)
        )
        if select:
            pane.view.select_span(cursor, cursor + select)
        self.refresh_side_panel()

    def reload(self) -> None:
        """Re-read the annotations of every open document (after undo, redo, bulk changes)."""
        for pane in self.panes:
            if pane.document:
                pane.set_mentions(self.workspace.annotations.mentions(pane.document.id))
                pane.view.set_events(
                    self.workspace.events.of_document(pane.document.id),
                    self.workspace.annotations.triggers(pane.document.id),
                )
        self._lists_key = self._card_key = None
        self.refresh_side_panel()

    def reload_events(self) -> None:
        """Re-read the events of the open documents (after an event change)."""
        for pane in self.panes:
            if pane.document:
                pane.view.set_events(
                    self.workspace.events.of_document(pane.document.id),
                    self.workspace.annotations.triggers(pane.document.id),
                )
        self._lists_key = self._card_key = None
        self.refresh_side_panel()

    def mention_changed(self, mention_id: int) -> None:
        """Redraw one created, edited or deleted mention without re-reading the document."""
        try:
            mention = self.workspace.annotations.mention(mention_id)
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
        # the document's entity lists are re-read a moment later, off the keystroke
        if getattr(self, "_lists_timer", None) is not None:
            self._lists_timer.stop()
        self._lists_timer = self.set_timer(0.3, self._refresh_lists)

    def _mention_change_shown(self) -> None:
        for pane in self.panes:
            pane.update_title()
        self._card_key = None
        self.refresh_side_panel()

    def _refresh_lists(self) -> None:
        self._lists_timer = None
        self._lists_key = None
        self.refresh_side_panel()

    def set_status(self, message: str) -> None:
        status = Text(no_wrap=True, overflow="ellipsis")
        status.append(visible(f" {self.workspace.path.name} "), style="bold")
        status.append(visible(f" annotator: {self.workspace.annotator} "), style="dim")
        clock = "" if self.app.steady else f"{datetime.now():%H:%M:%S} "
        status.append(visible(f" {clock}{message}"))
        self.query_one("#status", TextView).update(status)

    def action_focus_pane(self) -> None:
        self.focused_pane().view.focus()

    def action_focus_other_pane(self) -> None:
        self.other_pane().view.focus()

    def action_open_document(self) -> None:
        pane = self.focused_pane()

        def opened(doc_id: int | None) -> None:
            if doc_id is not None:
                self.open_in(pane, doc_id)
                pane.view.focus()

        # (the pickers, search and event screens load when first opened, not at start)
        from workbench.tui.screens.pickers import DocumentPicker

        self.app.push_screen(DocumentPicker(self.workspace.corpus.summaries()), opened)

    def action_swap_panes(self) -> None:
        left, right = self.panes
        states = [(p.document, p.view.cursor) for p in (left, right)]
        for pane, (document, cursor) in zip((right, left), states, strict=True):
            if document:
                self.open_in(pane, document.id, cursor)

    def action_toggle_side_panel(self) -> None:
        self.query_one(SidePanel).toggle_class("-hidden")

    # -- cursor, highlight, side panel ---------------------------------------------------------

    @on(ArticleView.CursorMoved)
    def _cursor_moved(self, event: ArticleView.CursorMoved) -> None:
        if event.view.document:
            self._positions[event.view.pane] = (event.view.document.id, event.offset)
        if not event.view.has_focus:
            return
        if getattr(self, "_last_pane", None) != event.view.pane:
            self._last_pane = event.view.pane
            for pane in self.panes:
                pane.update_title()  # the focused pane's id is drawn bold
        entity_id = event.mention.entity_id if event.mention else None
        trigger = event.view.event_at_cursor()
        roles = {r.mention_id for r in trigger.roles} if trigger else set()
        for pane in self.panes:
            pane.view.set_highlight(entity_id, roles)  # an event under the cursor lights its roles
        shown = (
            event.mention.id if event.mention else None,
            self._lists_key,
            trigger.id if trigger else None,
        )
        if shown != getattr(self, "_panel_shown", None):  # same mention: the panel is unchanged
            self.refresh_side_panel(event.mention)

    def refresh_side_panel(self, mention: Mention | None = None) -> None:
        """Entity card of the mention under the cursor; the document and shared lists are
        re-read only when the open documents or their annotations change."""
        if not getattr(self, "_panel_ready", True):
            return
        pane = self.focused_pane()
        mention = mention if mention is not None else pane.view.mention_at_cursor()
        documents = [p.document.id if p.document else None for p in self.panes]
        key = (pane.index, *documents)
        if key != getattr(self, "_lists_key", None):
            self._lists_key = key
            focused = pane.document.id if pane.document else None
            self._document_entities = (
                self.workspace.kb.document_entities(focused) if focused else []
            )
            self._shared = []
            if None not in documents and documents[0] != documents[1]:
                self._shared = self.workspace.kb.shared_entities(documents[0], documents[1])
        entity_id = mention.entity_id if mention else None
        if (entity_id, key) != getattr(self, "_card_key", None):  # same entity: same card
            self._card_key = (entity_id, key)
            self._card_cache = self._card(entity_id) if entity_id else None
        card = self._card_cache
        trigger = pane.view.event_at_cursor()
        self._panel_shown = (
            mention.id if mention else None,
            self._lists_key,
            trigger.id if trigger else None,
        )
        self.query_one(SidePanel).show(
            PanelState(
                card,
                mention.text if mention else None,
                self._document_entities,
                self._shared,
                pane.view.events,
                trigger.id if trigger else None,
            )
        )

    def _card(self, entity_id: str) -> EntityCard | None:
        try:
            return self.workspace.kb.card(entity_id)
        except WorkbenchError:
            return None

    # -- find in document ----------------------------------------------------------------------

    def action_find(self) -> None:
        self._find_pane = self.focused_pane()
        from workbench.tui.screens.search import FindBar

        bars = self.query(FindBar)
        if bars:
            bars.first().open()
        else:  # created on first use: one widget less to build before the first frame
            bar = FindBar(id="find")
            self.mount(bar, before=self.query_one("#status"))
            self.call_after_refresh(bar.open)

    @on(Input.Changed, "#find-input")
    def _find_changed(self, event: Input.Changed) -> None:
        pane = getattr(self, "_find_pane", None) or self.focused_pane()
        view = pane.view
        needle = event.value
        if not needle:
            view.find_matches = []
            view.redraw()
            return
        pattern = re.compile(re.escape(needle), re.IGNORECASE)
        view.find_matches = [(m.start(), m.end()) for m in pattern.finditer(view.text)]
        after = [a for a, _ in view.find_matches if a >= view.cursor] or [
            a for a, _ in view.find_matches
        ]
        if after:
            view.move_to(after[0])
        view.redraw()
        self.set_status(f"{len(view.find_matches)} matches for {needle!r}")

    def action_find_step(self, direction: int) -> None:
        view = self.focused_pane().view
        starts = [a for a, _ in view.find_matches]
        if not starts:
            self.notify("no find matches: press / to find", severity="warning")
            return
        if direction > 0:
            following = [a for a in starts if a > view.cursor]
            target = following[0] if following else starts[0]
        else:
            preceding = [a for a in starts if a < view.cursor]
            target = preceding[-1] if preceding else starts[-1]
        view.move_to(target)

    # -- corpus search, entities -----------------------------------------------------------------

    def action_search_corpus(self) -> None:
        def opened(target: OpenAt | None) -> None:
            if target:
                pane = self.focused_pane()
                self.open_in(pane, target.doc_id, target.offset, target.length)
                pane.view.focus()

        from workbench.tui.screens.search import SearchScreen

        self.app.push_screen(SearchScreen(self.workspace.corpus.search), opened)

    def open_target(self, target: OpenAt | None) -> None:
        """Open a document at an offset in the focused pane (palette and lists use this)."""
        if target:
            pane = self.focused_pane()
            self.open_in(pane, target.doc_id, target.offset, target.length)
            pane.view.focus()

    def show_entity_mentions(self, entity_id: str) -> None:
        """List every mention of an entity across the corpus."""
        try:
            entity = self.workspace.kb.entity(entity_id)
            found = self.workspace.kb.mentions_in_context(entity.id)
        except WorkbenchError as exc:
            self.notify(str(exc), severity="error")
            return
        rows = []
        for item in found:
            line = Text(f"[{item.doc_id}] ", style="bold")
            line.append(visible(item.title[:40]), style="dim")
            line.append(visible(f"  …{item.context}…"))
            rows.append(
                (
                    OpenAt(item.doc_id, item.mention.start, item.mention.end - item.mention.start),
                    line,
                )
            )
        from workbench.tui.screens.search import MentionListScreen

        self.app.push_screen(
            MentionListScreen(f"Mentions of {entity.name}", rows), self.open_target
        )

    def _linked_mention_here(self) -> Mention | None:
        """The linked mention under the cursor, or a warning that there is none."""
        mention = self.focused_pane().view.mention_at_cursor()
        if not mention or not mention.entity_id:
            self.notify("the cursor is not on a linked mention", severity="warning")
            return None
        return mention

    def action_entity_mentions(self) -> None:
        mention = self._linked_mention_here()
        if mention:
            self.show_entity_mentions(mention.entity_id)

    def action_jump_entity(self) -> None:
        view = self.focused_pane().view
        mention = self._linked_mention_here()
        if not mention:
            return
        same = [m.start for m in view.mentions if m.entity_id == mention.entity_id]
        following = [s for s in same if s > view.cursor]
        view.move_to(following[0] if following else same[0])

    # -- copy ----------------------------------------------------------------------------------

    def action_export(self) -> None:
        from workbench.tui.screens.export_screen import ExportScreen

        open_ids = [p.document.id for p in self.panes if p.document]
        focused = self.focused_pane().document
        self.app.push_screen(
            ExportScreen(
                self.app.plugins(),
                self.workspace,
                list(dict.fromkeys(open_ids)),
                focused.id if focused else None,
            )
        )

    def action_copy_selection(self) -> None:
        view = self.focused_pane().view
        span = view.target_span()
        if not span or not view.document:
            self.notify("nothing to copy", severity="warning")
            return
        start, end = span
        document = view.document
        citation = f"— {document.title}"
        if document.source:
            citation += f", {document.source}"
        if document.published:
            citation += f", {document.published}"
        citation += f" [doc {document.id}, chars {start}-{end}]"
        self.notify(copy_text(self.app, f"“{view.text[start:end]}”\n{citation}"))

    def action_copy_entity(self) -> None:
        mention = self._linked_mention_here()
        if mention and mention.entity_id:
            self.notify(copy_text(self.app, self.workspace.kb.card_text(mention.entity_id)))
