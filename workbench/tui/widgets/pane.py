"""A document pane: its title bar over its article view."""

from __future__ import annotations

from textual.app import ComposeResult

from workbench.model import Document, Mention
from workbench.tui.widgets.article_view import ArticleView
from workbench.tui.widgets.covered import CoveredVertical
from workbench.tui.widgets.panels import PaneTitle


class DocumentPane(CoveredVertical):
    """One side of the reading view."""

    def __init__(self, index: int, caption: str = "") -> None:
        """`caption`: what the title names first (the layer an adjudication pane shows)."""
        super().__init__(id=f"pane-{index}", classes="pane")
        self.index = index
        self.caption = caption

    def compose(self) -> ComposeResult:
        yield PaneTitle(id=f"title-{self.index}", classes="pane-title")
        yield ArticleView(self.index, id=f"view-{self.index}")

    @property
    def view(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def document(self) -> Document | None:
        return self.view.document

    def show(self, document: Document, mentions: list[Mention], cursor: int = 0) -> None:
        self.view.show_document(document, mentions, cursor)
        self.update_title()

    def set_mentions(self, mentions: list[Mention]) -> None:
        self.view.set_mentions(mentions)
        self.update_title()

    def update_title(self) -> None:
        view = self.view
        suggested = view.suggestion_count
        self.query_one(PaneTitle).show(
            self.document, len(view.mentions) - suggested, suggested, view.has_focus, self.caption
        )
