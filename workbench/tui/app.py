"""The Workbench application: two article panes side by side."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, Static


class WorkbenchApp(App):
    """Read two documents side by side."""

    TITLE = "Workbench"
    BINDINGS = [Binding("q", "quit", "Quit", id="quit")]

    def __init__(self, store, doc_a: int | None = None, doc_b: int | None = None) -> None:
        super().__init__()
        self.store = store
        ids = [d.id for d in store.documents()]
        self.doc_ids = [
            d
            for d in (
                doc_a or (ids[0] if ids else None),
                doc_b or (ids[1] if len(ids) > 1 else None),
            )
            if d
        ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            for doc_id in self.doc_ids:
                doc = self.store.document(doc_id)
                with VerticalScroll():
                    yield Static(Text(doc.title, style="bold"))
                    yield Static(Text(doc.text))
        yield Footer()
