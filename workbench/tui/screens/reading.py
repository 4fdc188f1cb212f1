"""What the reading keys do: panes, find, corpus search, an entity's mentions, copy, export."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.text import Text

from workbench.display import plural, visible
from workbench.errors import WorkbenchError
from workbench.model import Mention
from workbench.tui.clipboard import copy_text
from workbench.tui.host import workbench_app
from workbench.tui.messages import OpenAt
from workbench.tui.widgets.panels import SidePanel

if TYPE_CHECKING:
    from workbench.tui.screens.main import MainScreen
    from workbench.tui.widgets.pane import DocumentPane


class ReadingCommands:
    """The main screen's keys for reading: panes, find, search, mentions, copy, export."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.find_pane: DocumentPane | None = None  # where the find bar searches

    # -- panes -----------------------------------------------------------------------------

    def focus_other_pane(self) -> None:
        """Give the keyboard to the other pane."""
        self.screen.other_pane().view.focus()

    def open_document(self) -> None:
        """Open a document in this pane (a fuzzy picker over titles)."""
        pane = self.screen.focused_pane()

        def opened(doc_id: int | None) -> None:
            if doc_id is not None:
                self.screen.open_in(pane, doc_id)
                pane.view.focus()

        # (the pickers, search and event screens load when first opened, not at start)
        from workbench.tui.screens.pickers import DocumentPicker

        self.screen.app.push_screen(
            DocumentPicker(self.screen.workspace.corpus.summaries()), opened
        )

    def swap_panes(self) -> None:
        """Swap the two panes' documents (cursors kept)."""
        left, right = self.screen.panes
        states = [(p.document, p.view.cursor) for p in (left, right)]
        for pane, (document, cursor) in zip((right, left), states, strict=True):
            if document:
                self.screen.open_in(pane, document.id, cursor)

    def mark_done(self) -> None:
        """Mark the focused pane's document done for this annotator (an assigned one) and
        open their next assigned document in that pane."""
        pane = self.screen.focused_pane()
        if pane.document is None:
            return
        doc_id = pane.document.id
        finished = self.screen.apply(
            f"document {doc_id} done",
            lambda: self.screen.workspace.team.mark_done(doc_id),
            lambda done: done.summary(),
        )
        if finished and finished.next_doc:
            self.screen.open_in(pane, finished.next_doc)

    def adjudicate(self) -> None:
        """Compare two layers of the focused document and settle their disagreements: its
        two annotators' layers, or a pair chosen from a list when it has more."""
        pane = self.screen.focused_pane()
        if pane.document is None:
            return
        doc_id = pane.document.id
        adjudication = self.screen.workspace.adjudication
        try:
            adjudication.check_may_compare(doc_id)
            layers = adjudication.layers(doc_id)
            pair = adjudication.default_pair(doc_id)
        except WorkbenchError as exc:
            self.screen.notify(str(exc), severity="error")
            return
        from workbench.tui.screens.adjudicating import AdjudicationScreen
        from workbench.tui.screens.pickers import LayerPairPicker

        def chosen(pair: tuple[str, str] | None) -> None:
            if pair is not None:
                self.screen.app.push_screen(AdjudicationScreen(doc_id, *pair), self._adjudicated)

        if len(layers) > 2:
            self.screen.app.push_screen(LayerPairPicker(layers), chosen)
        else:
            chosen(pair)

    def _adjudicated(self, _: None) -> None:
        self.screen.reload()

    def toggle_side_panel(self) -> None:
        """Show or hide the side panel."""
        self.screen.query_one(SidePanel).toggle_class("-hidden")

    # -- find in document ----------------------------------------------------------------------

    def find(self) -> None:
        """Open the find bar for this document."""
        self.find_pane = self.screen.focused_pane()
        from workbench.tui.screens.search import FindBar

        bars = self.screen.query(FindBar)
        if bars:
            bars.first().open()
        else:  # created on first use: one widget less to build before the first frame
            bar = FindBar(id="find")
            self.screen.mount(bar, before=self.screen.query_one("#status"))
            self.screen.call_after_refresh(bar.open)

    def find_changed(self, needle: str) -> None:
        """Show every match of what the find bar holds; the cursor goes to the next one."""
        view = (self.find_pane or self.screen.focused_pane()).view
        if not needle:
            view.set_find_matches([])
            return
        pattern = re.compile(re.escape(needle), re.IGNORECASE)
        matches = [(m.start(), m.end()) for m in pattern.finditer(view.text)]
        view.set_find_matches(matches)
        after = [a for a, _ in matches if a >= view.cursor] or [a for a, _ in matches]
        if after:
            view.move_to(after[0])
        self.screen.set_status(f"{plural(len(matches), 'match', 'matches')} for {needle!r}")

    def find_step(self, direction: int) -> None:
        """The next (or previous) find match."""
        view = self.screen.focused_pane().view
        starts = [a for a, _ in view.find_matches]
        if not starts:
            self.screen.notify("no find matches: press / to find", severity="warning")
            return
        if direction > 0:
            following = [a for a in starts if a > view.cursor]
            target = following[0] if following else starts[0]
        else:
            preceding = [a for a in starts if a < view.cursor]
            target = preceding[-1] if preceding else starts[-1]
        view.move_to(target)

    # -- corpus search, entities -----------------------------------------------------------------

    def search_corpus(self) -> None:
        """Full-text search of the corpus; a hit opens at its word."""
        from workbench.tui.screens.search import SearchScreen

        self.screen.app.push_screen(
            SearchScreen(self.screen.workspace.corpus.search), self.screen.open_target
        )

    def incidents(self) -> None:
        """Every incident on a timeline, earliest first, each with its reports as marks and
        the fields they conflict on; below, the chosen incident's reports side by side;
        enter opens the chosen report at its trigger."""
        from workbench.tui.screens.incidents import IncidentScreen

        self.screen.app.push_screen(
            IncidentScreen(self.screen.workspace.incidents.listing()), self.screen.open_target
        )

    def show_entity_mentions(self, entity_id: str) -> None:
        """List every mention of an entity across the corpus."""
        try:
            entity = self.screen.workspace.kb.entity(entity_id)
            found = self.screen.workspace.kb.mentions_in_context(entity.id)
        except WorkbenchError as exc:
            self.screen.notify(str(exc), severity="error")
            return
        rows = []
        for item in found:
            line = Text(f"[{item.doc_id}] ", style="bold")
            line.append(visible(item.title[:40]), style="dim")
            line.append(visible(f"  …{item.context}…"))
            length = item.mention.end - item.mention.start
            rows.append((OpenAt(item.doc_id, item.mention.start, length), line))
        from workbench.tui.screens.search import MentionListScreen

        self.screen.app.push_screen(
            MentionListScreen(f"Mentions of {entity.name}", rows), self.screen.open_target
        )

    def _linked_mention_here(self) -> Mention | None:
        """The linked mention under the cursor, or a warning that there is none."""
        mention = self.screen.focused_pane().view.mention_at_cursor()
        if not mention or not mention.entity_id:
            self.screen.notify("the cursor is not on a linked mention", severity="warning")
            return None
        return mention

    def entity_mentions(self) -> None:
        """Every mention of the entity under the cursor."""
        mention = self._linked_mention_here()
        if mention and mention.entity_id:
            self.show_entity_mentions(mention.entity_id)

    def jump_entity(self) -> None:
        """The next mention of the entity under the cursor, in this document."""
        view = self.screen.focused_pane().view
        mention = self._linked_mention_here()
        if not mention:
            return
        same = [m.start for m in view.mentions if m.entity_id == mention.entity_id]
        following = [s for s in same if s > view.cursor]
        view.move_to(following[0] if following else same[0])

    # -- copy, export ----------------------------------------------------------------------------

    def export(self) -> None:
        """The export dialog."""
        from workbench.tui.screens.export_screen import ExportScreen

        open_ids = [p.document.id for p in self.screen.panes if p.document]
        focused = self.screen.focused_pane().document
        self.screen.app.push_screen(
            ExportScreen(
                workbench_app(self.screen.app).plugins(),
                self.screen.workspace,
                list(dict.fromkeys(open_ids)),
                focused.id if focused else None,
            )
        )

    def copy_selection(self) -> None:
        """Copy the selection (or word) with its citation: title, source, date, offsets."""
        view = self.screen.focused_pane().view
        span = view.target_span()
        if not span or not view.document:
            self.screen.notify("nothing to copy", severity="warning")
            return
        start, end = span
        document = view.document
        citation = f"— {document.title}"
        if document.source:
            citation += f", {document.source}"
        if document.published:
            citation += f", {document.published}"
        citation += f" [doc {document.id}, chars {start}-{end}]"
        self.screen.notify(copy_text(self.screen.app, f"“{view.text[start:end]}”\n{citation}"))

    def copy_entity(self) -> None:
        """Copy the entity card of the mention under the cursor."""
        mention = self._linked_mention_here()
        if mention and mention.entity_id:
            card = self.screen.workspace.kb.card_text(mention.entity_id)
            self.screen.notify(copy_text(self.screen.app, card))
