"""What the main screen's side panel shows, read again only when it must change: the
entity card of the mention under the cursor (once per entity), the focused document's
entities and the entities both open documents share (once per pair of documents shown,
or after their annotations changed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.timer import Timer

from workbench.errors import WorkbenchError
from workbench.model import Entity, EntityCard, Event, Mention
from workbench.tui.widgets.panels import PanelState, SidePanel

if TYPE_CHECKING:
    from workbench.tui.screens.main import MainScreen
    from workbench.tui.widgets.article_view import ArticleView

# After a mention changed, the lists are read again this much later (off the keystroke).
LISTS_DELAY_SECONDS = 0.3


class SidePanelFeed:
    """Fills the side panel from the application layer, remembering what it read."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self._ready = False  # (the documents come first: filled after the first frame)
        # (focused pane, document of each pane) the lists were read for
        self._lists_key: tuple[object, ...] | None = None
        self._document_entities: list[tuple[Entity, int]] = []
        self._shared: list[Entity] = []
        # (entity id, lists key) the card was read for
        self._card_key: tuple[object, ...] | None = None
        self._card: EntityCard | None = None
        self._shown: tuple[object, ...] | None = None
        self._lists_timer: Timer | None = None

    def start(self) -> None:
        """Fill the panel for the first time."""
        self._ready = True
        self.refresh()

    def forget_everything(self) -> None:
        """The annotations or events changed: read lists and card again."""
        self._lists_key = self._card_key = None
        self.refresh()

    def mention_changed(self) -> None:
        """A mention changed: the card now, the lists a moment later."""
        self._card_key = None
        self.refresh()
        if self._lists_timer is not None:
            self._lists_timer.stop()
        self._lists_timer = self.screen.set_timer(LISTS_DELAY_SECONDS, self._lists_due)

    def cursor_moved(
        self, view: ArticleView, mention: Mention | None, trigger: Event | None
    ) -> None:
        """The cursor moved in the focused view onto `mention` and the event `trigger`:
        the panel follows unless it shows those already."""
        if self._showing(view, mention, trigger) != self._shown:
            self.refresh(mention)

    def refresh(self, mention: Mention | None = None) -> None:
        """Show the card of `mention` (else the one under the focused pane's cursor)."""
        if not self._ready:
            return
        pane = self.screen.focused_pane()
        mention = mention if mention is not None else pane.view.mention_at_cursor()
        documents = [p.document.id if p.document else None for p in self.screen.panes]
        key = (pane.index, *documents)
        kb = self.screen.workspace.kb
        if key != self._lists_key:
            self._lists_key = key
            focused = pane.document.id if pane.document else None
            self._document_entities = kb.document_entities(focused) if focused else []
            first, second = documents
            both = first is not None and second is not None and first != second
            self._shared = kb.shared_entities(first, second) if both else []  # type: ignore[arg-type]
        entity_id = mention.entity_id if mention else None
        if (entity_id, key) != self._card_key:  # same entity: same card
            self._card_key = (entity_id, key)
            self._card = self._entity_card(entity_id) if entity_id else None
        trigger = pane.view.event_at_cursor()
        self._shown = self._showing(pane.view, mention, trigger)
        self.screen.query_one(SidePanel).show(
            PanelState(
                self._card,
                mention.text if mention else None,
                self._document_entities,
                self._shared,
                pane.view.events,
                trigger.id if trigger else None,
                pane.view.trigger_suggestion_at_cursor(),
            )
        )

    def _showing(
        self, view: ArticleView, mention: Mention | None, trigger: Event | None
    ) -> tuple[object, ...]:
        return (
            mention.id if mention else None,
            self._lists_key,
            trigger.id if trigger else None,
            view.trigger_suggestion_at_cursor(),
        )

    def _lists_due(self) -> None:
        self._lists_timer = None
        self._lists_key = None
        self.refresh()

    def _entity_card(self, entity_id: str) -> EntityCard | None:
        try:
            return self.screen.workspace.kb.card(entity_id)
        except WorkbenchError:
            return None
