"""Corpus search (FTS5, ranked, snippets), entity mention lists, help, and the find bar."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static
from textual.widgets.option_list import Option

from workbench.display import visible
from workbench.model import SearchHit
from workbench.tui.messages import OpenAt
from workbench.tui.screens.pickers import FilterList


def snippet_text(snippet: str, markers: tuple[str, str]) -> Text:
    """A search snippet as Text, the matched words bold; nothing in it is markup."""
    opening, closing = markers
    text = Text()
    rest = " ".join(snippet.split())
    while opening in rest:
        before, _, after = rest.partition(opening)
        match, _, rest = after.partition(closing)
        text.append(visible(before))
        text.append(visible(match), style="bold reverse")
    text.append(visible(rest))
    return text


class SearchScreen(FilterList):
    """Full-text search of the corpus; enter opens the hit in the focused pane at the match."""

    title_text = 'Search the corpus (FTS5: words, "phrases", prefix*, AND/OR/NOT)'
    help_text = "type a query · ↑↓ choose · enter open at the match · esc close"

    def __init__(
        self, search: Callable[[str], list[SearchHit]], markers: tuple[str, str], query: str = ""
    ) -> None:
        super().__init__()
        self.search = search
        self.markers = markers
        self.initial = query
        self.hits: dict[str, SearchHit] = {}

    def initial_query(self) -> str:
        return self.initial

    def refill(self, query: str) -> None:
        hits = self.search(query) if query.strip() else []
        self.hits = {f"{h.doc_id}:{i}": h for i, h in enumerate(hits)}
        options = []
        for key, hit in self.hits.items():
            prompt = Text(f"[{hit.doc_id}] ", style="bold")
            prompt.append(visible(hit.title), style="bold")
            prompt.append("\n   ")
            prompt.append_text(snippet_text(hit.snippet, self.markers))
            options.append(Option(prompt, id=key))
        self.set_options(options)

    def choose(self, option_id: str | None) -> None:
        hit = self.hits.get(option_id or "")
        if hit:
            word = hit.snippet.split(self.markers[0], 1)[-1].split(self.markers[1], 1)[0]
            self.dismiss(
                OpenAt(hit.doc_id, hit.offset or 0, len(word) if hit.offset is not None else 0)
            )


class MentionListScreen(FilterList):
    """Every mention of one entity across the corpus; enter jumps to it."""

    help_text = "enter open at the mention · esc close"

    def __init__(self, title: str, rows: list[tuple[OpenAt, Text]]) -> None:
        super().__init__()
        self.title_text = title
        self.rows = {str(i): row for i, row in enumerate(rows)}

    def refill(self, query: str) -> None:
        query = query.casefold()
        self.set_options(
            [
                Option(text, id=key)
                for key, (_, text) in self.rows.items()
                if query in text.plain.casefold()
            ]
        )

    def choose(self, option_id: str | None) -> None:
        row = self.rows.get(option_id or "")
        if row:
            self.dismiss(row[0])


class HelpScreen(ModalScreen):
    """Every key binding, as currently mapped, grouped by where it works."""

    BINDINGS = [Binding("escape,question_mark,q", "close", "close", id="help.close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 100; max-width: 95%; height: 90%; border: round $accent;
        background: $surface; padding: 0 1; }
    """

    def __init__(self, sections: list[tuple[str, list[tuple[str, str, str]]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        text = Text()
        text.append("Workbench keys", style="bold underline")
        text.append("   (remap in keymap.toml by binding id; esc closes)\n", style="dim")
        for title, rows in self.sections:
            text.append(f"\n{title}\n", style="bold")
            for keys, description, binding_id in rows:
                text.append(visible(f"  {keys:<22}"), style="bold cyan")
                text.append(f"{description:<34}")
                text.append(f"{binding_id}\n", style="dim")
        with VerticalScroll():
            yield Static(text)

    def action_close(self) -> None:
        self.dismiss(None)


class FindBar(Vertical):
    """Incremental find in the focused document: type, enter to keep, esc to close."""

    DEFAULT_CSS = """
    FindBar { height: auto; display: none; }
    FindBar.-visible { display: block; }
    """

    def compose(self) -> ComposeResult:
        field = Input(
            placeholder="find in document (enter: keep matches, n/N next/previous, esc: close)",
            id="find-input",
        )
        field.cursor_blink = not self.app.steady
        yield field

    def open(self) -> None:
        self.add_class("-visible")
        self.query_one(Input).focus()

    def close(self) -> None:
        self.remove_class("-visible")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.close()
        self.screen.action_focus_pane()

    def key_escape(self) -> None:
        self.close()
        self.screen.action_focus_pane()
