"""Modal pickers: label, link candidate, document. Keyboard first; untrusted text as Text."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from workbench.display import visible
from workbench.model import DocumentSummary
from workbench.tui.messages import LinkChoice
from workbench.tui.styles import label_colour

if TYPE_CHECKING:
    from workbench.linking import Candidate


class FilterList(ModalScreen):
    """A title, a filter input and an option list; subclasses fill the list."""

    BINDINGS = [
        Binding("escape", "cancel", "cancel", id="picker.cancel"),
        Binding("down", "cursor(1)", show=False, id="picker.down"),
        Binding("up", "cursor(-1)", show=False, id="picker.up"),
    ]
    DEFAULT_CSS = """
    FilterList { align: center middle; }
    FilterList > Vertical { width: 90; max-width: 95%; height: auto; max-height: 80%;
        border: round $accent; background: $surface; padding: 0 1; }
    FilterList .picker-title { text-style: bold; }
    FilterList .picker-help { color: $text-muted; }
    FilterList OptionList { height: auto; max-height: 20; }
    """

    title_text = ""
    help_text = ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(visible(self.title_text)), classes="picker-title")
            field = Input(placeholder="type to filter", id="filter")
            field.cursor_blink = not self.app.steady
            yield field
            yield OptionList(id="options")
            yield Static(Text(self.help_text), classes="picker-help")

    def on_mount(self) -> None:
        # Textual calls on_mount of every class in the MRO: subclasses use the hooks below.
        field = self.query_one("#filter", Input)
        field.value = self.initial_query()
        self.refill(field.value)
        self.focus_target().focus()

    def initial_query(self) -> str:
        return ""

    def focus_target(self):
        return self.query_one("#filter", Input)

    def refill(self, query: str) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        self.refill(event.value)

    @on(Input.Submitted, "#filter")
    def _submit(self) -> None:
        options = self.query_one("#options", OptionList)
        if options.highlighted is not None:
            self.choose(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected, "#options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.choose(event.option.id)

    def choose(self, option_id: str | None) -> None:
        self.dismiss(option_id)

    def action_cursor(self, step: int) -> None:
        options = self.query_one("#options", OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def set_options(self, options: list[Option]) -> None:
        widget = self.query_one("#options", OptionList)
        widget.clear_options()
        widget.add_options(options)
        if options:
            widget.highlighted = 0


class LabelPicker(FilterList):
    """Pick a label: digits choose the first nine, typing filters, enter picks."""

    help_text = "1-9 pick · type to filter · enter pick · esc cancel"

    def __init__(self, labels: list[str], span_text: str) -> None:
        super().__init__()
        self.labels = labels
        self.title_text = f"Label for: {span_text[:70]}"

    def refill(self, query: str) -> None:
        query = query.strip().upper()
        shown = [label for label in self.labels if query in label] if query else self.labels
        options = []
        for label in shown:
            index = self.labels.index(label)
            prompt = Text(f"{index + 1 if index < 9 else ' '} ", style="bold")
            prompt.append(visible(label), style=label_colour(label))
            options.append(Option(prompt, id=label))
        self.set_options(options)

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        value = event.value
        if value.isdigit() and 1 <= int(value) <= min(9, len(self.labels)):
            self.dismiss(self.labels[int(value) - 1])
            return
        self.refill(value)


class LinkPicker(FilterList):
    """The linker's candidates for a mention: enter or 1-9 link, n new entity, 0 NIL."""

    BINDINGS = [
        Binding("n", "new_entity", "new entity", id="link.new_entity"),
        Binding("0", "nil", "leave unlinked (NIL)", id="link.nil"),
        Binding("slash", "search", "search other text", id="link.search"),
        *[Binding(str(i), f"pick({i})", show=False, id=f"link.pick_{i}") for i in range(1, 10)],
    ]
    help_text = "enter/1-9 link · n new entity from the mention · 0 leave unlinked (NIL) · / search · esc cancel"

    def __init__(
        self,
        mention_text: str,
        label: str | None,
        rank: Callable[[str], tuple[list[Candidate], str]],
        describe: Callable[[str], str],
    ) -> None:
        super().__init__()
        self.mention_text = mention_text
        self.label = label
        self.rank = rank
        self.describe = describe
        self.title_text = f"Link “{mention_text[:60]}” ({label or 'any label'})"
        self.candidates: list[Candidate] = []

    def refill(self, query: str) -> None:
        self._search(query or self.mention_text)

    @work(exclusive=True, thread=True, group="link-candidates")
    def _search(self, query: str) -> None:
        # The linker may search a large knowledge base: off the UI thread.
        candidates, reason = self.rank(query)
        descriptions = {c.entity_id: self.describe(c.entity_id) for c in candidates}
        self.app.call_from_thread(self._show, candidates, reason, descriptions)

    def _show(self, candidates: list[Candidate], reason: str, descriptions: dict[str, str]) -> None:
        self.candidates = candidates
        options = []
        for c in candidates:
            prompt = Text(f"{c.score:5.1f} ", style="bold")
            prompt.append(visible(f"{c.label:<8} "), style=label_colour(c.label))
            prompt.append(visible(c.name), style="bold")
            prompt.append(visible(f"  via “{c.alias}”"), style="dim")
            description = descriptions.get(c.entity_id)
            if description:
                prompt.append("\n        " + visible(description[:80]), style="italic dim")
            options.append(Option(prompt, id=c.entity_id))
        self.set_options(options)
        self.query_one(".picker-help", Static).update(Text(visible(f"{reason} — {self.help_text}")))

    def focus_target(self):
        return self.query_one("#options", OptionList)

    def choose(self, option_id: str | None) -> None:
        if option_id:
            self.dismiss(LinkChoice("entity", option_id))

    def action_pick(self, number: int) -> None:
        if number <= len(self.candidates):
            self.dismiss(LinkChoice("entity", self.candidates[number - 1].entity_id))

    def action_search(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_new_entity(self) -> None:
        self.dismiss(LinkChoice("new"))

    def action_nil(self) -> None:
        self.dismiss(LinkChoice("nil"))


class DocumentPicker(FilterList):
    """Open a document: fuzzy search over titles."""

    help_text = "type to filter · enter open · esc cancel"
    title_text = "Open document"

    def __init__(self, documents: list[DocumentSummary]) -> None:
        super().__init__()
        self.documents = documents

    def refill(self, query: str) -> None:
        docs = self.documents
        if query.strip():
            from rapidfuzz import fuzz, process  # on first use, not at start-up

            titles = {d.id: f"{d.id} {d.title} {d.source or ''}" for d in docs}
            ranked = process.extract(query, titles, scorer=fuzz.WRatio, limit=50)
            by_id = {d.id: d for d in docs}
            docs = [by_id[key] for _, score, key in ranked if score > 40]
        options = []
        for d in docs[:200]:
            prompt = Text(f"[{d.id}] ", style="bold")
            prompt.append(visible(d.title))
            prompt.append(visible(f"  {d.published or ''} {d.mentions} mentions"), style="dim")
            options.append(Option(prompt, id=str(d.id)))
        self.set_options(options)

    def choose(self, option_id: str | None) -> None:
        self.dismiss(int(option_id) if option_id else None)
