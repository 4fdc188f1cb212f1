"""Corpus search (FTS5, ranked, snippets), entity mention lists, help, and the find bar."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from workbench.display import visible
from workbench.linking.linker import Candidate
from workbench.model import SearchHit
from workbench.tui.host import workbench_app
from workbench.tui.messages import OpenAt
from workbench.tui.screens.pickers import FilterList, modal_css


def hit_text(hit: SearchHit) -> Text:
    """A search hit as Text: where it is, then the match in its context, in bold."""
    prompt = Text(f"[{hit.doc_id}] ", style="bold")
    prompt.append(visible(hit.title), style="bold")
    where = f"  at {hit.offset}" if hit.offset is not None else "  (title)"
    prompt.append(where + "\n   ", style="dim")
    prompt.append(visible(hit.before))
    prompt.append(visible(hit.match), style="bold reverse")
    prompt.append(visible(hit.after))
    return prompt


# Hits read at a time; "more hits" reads the next page.
PAGE = 50
MORE = "more"


class SearchScreen(FilterList):
    """Full-text search of the corpus: every hit, best documents first; enter opens the
    hit in the focused pane at the matched word."""

    title_text = 'Search the corpus (FTS5: words, "phrases", prefix*, AND/OR/NOT)'
    help_text = "type a query · ↑↓ choose · enter open at the match · esc close"

    def __init__(self, search: Callable[[str, int, int], list[SearchHit]], query: str = "") -> None:
        super().__init__()
        self.search = search
        self.initial = query
        self.query_text = ""
        self.hits: list[SearchHit] = []

    def initial_query(self) -> str:
        return self.initial

    def refill(self, query: str) -> None:
        self.query_text = query
        self.hits = self.search(query, PAGE, 0) if query.strip() else []
        self._show()

    def _show(self, highlighted: int = 0) -> None:
        options = [Option(hit_text(hit), id=str(i)) for i, hit in enumerate(self.hits)]
        if self.hits and len(self.hits) % PAGE == 0:
            options.append(
                Option(Text(f"… more hits (enter): {len(self.hits)} shown", style="dim"), id=MORE)
            )
        self.set_options(options)
        if options:
            self.query_one("#options", OptionList).highlighted = min(highlighted, len(options) - 1)

    def choose(self, option_id: str | None) -> None:
        if option_id == MORE:
            shown = len(self.hits)
            self.hits += self.search(self.query_text, PAGE, shown)
            self._show(highlighted=shown)
            return
        if option_id is None or not option_id.isdigit():
            return
        hit = self.hits[int(option_id)]
        self.dismiss(OpenAt(hit.doc_id, hit.offset or 0, hit.length))


class MentionListScreen(FilterList):
    """Every mention of one entity across the corpus; enter jumps to it."""

    help_text = "enter open at the mention · esc close"

    def __init__(
        self, title: str, rows: list[tuple[OpenAt, Text]], help_text: str | None = None
    ) -> None:
        super().__init__()
        self.title_text = title
        if help_text is not None:
            self.help_text = help_text
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


class EntityPicker(FilterList):
    """Pick a knowledge-base entity by fuzzy search (the linker, any label)."""

    help_text = "type to search · ↑↓ choose · enter pick · esc cancel"

    def __init__(self, title: str, search: Callable[[str], list[Candidate]]) -> None:
        super().__init__()
        self.title_text = title
        self.search = search

    def refill(self, query: str) -> None:
        found = self.search(query) if len(query.strip()) >= 2 else []
        options = []
        for c in found:
            prompt = Text(f"{c.score:5.1f} ", style="bold")
            prompt.append(visible(f"{c.name}  {c.label}  ({c.entity_id})"))
            options.append(Option(prompt, id=c.entity_id))
        self.set_options(options)


class TextPrompt(ModalScreen[str | None]):
    """Ask for one line of text (a new name): enter gives it, esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "cancel", id="prompt.cancel")]
    DEFAULT_CSS = modal_css("TextPrompt")

    def __init__(self, question: str, value: str = "") -> None:
        super().__init__()
        self.question = question
        self.value = value

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text(visible(self.question)), classes="title")
            field = Input(value=visible(self.value), id="prompt")
            field.cursor_blink = not workbench_app(self.app).steady
            yield field
            yield Static(Text("enter save · esc cancel"), classes="help")

    def on_mount(self) -> None:
        self.query_one("#prompt", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
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
        field.cursor_blink = not workbench_app(self.app).steady
        yield field

    def open(self) -> None:
        self.add_class("-visible")
        self.query_one(Input).focus()

    def close(self) -> None:
        self.remove_class("-visible")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.close()
        self.screen.focused_pane().view.focus()  # type: ignore[attr-defined]

    def key_escape(self) -> None:
        self.close()
        self.screen.focused_pane().view.focus()  # type: ignore[attr-defined]
