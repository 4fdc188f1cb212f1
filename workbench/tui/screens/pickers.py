"""Modal pickers: label, link candidate (with the new-entity form), document. Keyboard
first; what they show from the database is `Text`, never markup."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from workbench.display import visible
from workbench.linking.linker import LINK_THRESHOLD, Candidate
from workbench.model import DocumentSummary
from workbench.tui.host import workbench_app
from workbench.tui.messages import LinkChoice
from workbench.tui.styles import label_colour

# Every modal fits a terminal of 80 × 24 and scrolls when its content does not.
MODAL_CSS = """
{name} {{ align: center middle; }}
{name} > VerticalScroll {{ width: 90; max-width: 100%; height: auto; max-height: 100%;
    border: round $accent; background: $surface; padding: 0 1; }}
{name} .title {{ text-style: bold; }}
{name} .help {{ color: $text-muted; }}
{name} OptionList {{ height: auto; max-height: 12; }}
"""


def modal_css(name: str) -> str:
    """The CSS every modal of this module shares, for the class `name`."""
    return MODAL_CSS.format(name=name)


class FilterList(ModalScreen[Any]):
    """A title, a filter input and an option list; subclasses fill the list."""

    BINDINGS = [
        Binding("escape", "cancel", "cancel", id="picker.cancel"),
        Binding("down", "cursor(1)", show=False, id="picker.down"),
        Binding("up", "cursor(-1)", show=False, id="picker.up"),
    ]
    DEFAULT_CSS = modal_css("FilterList")

    title_text = ""
    help_text = ""

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text(visible(self.title_text)), classes="title")
            field = Input(placeholder="type to filter", id="filter")
            field.cursor_blink = not workbench_app(self.app).steady
            yield field
            yield OptionList(id="options")
            yield Static(Text(self.help_text), classes="help")

    def on_mount(self) -> None:
        # Textual calls on_mount of every class in the MRO: subclasses use the hooks below.
        field = self.query_one("#filter", Input)
        with field.prevent(Input.Changed):
            field.value = self.initial_query()
        self.refill(field.value)
        field.focus()

    def initial_query(self) -> str:
        return ""

    def refill(self, query: str) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        self.filter_changed(event.value)

    def filter_changed(self, value: str) -> None:
        """The filter box now holds `value` (subclasses may act on some values)."""
        self.refill(value)

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

    def set_options(self, options: list[Option], highlighted: int = 0) -> None:
        widget = self.query_one("#options", OptionList)
        widget.clear_options()
        widget.add_options(options)
        if options:
            widget.highlighted = min(highlighted, len(options) - 1)


class LabelPicker(FilterList):
    """Pick a label: digits choose the first nine, typing filters, enter picks."""

    help_text = "1-9 pick · type to filter · enter pick · esc cancel"

    def __init__(self, labels: list[str], span_text: str, preselect: str | None = None) -> None:
        super().__init__()
        self.labels = labels
        self.preselect = preselect
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
        first = shown.index(self.preselect) if not query and self.preselect in shown else 0
        self.set_options(options, first)

    def filter_changed(self, value: str) -> None:
        if value.isdigit() and 1 <= int(value) <= min(9, len(self.labels)):
            self.dismiss(self.labels[int(value) - 1])
            return
        self.refill(value)


# (candidates, the linker's reason) for a query
Ranker = Callable[[str], tuple[list[Candidate], str]]


class LinkPicker(FilterList):
    """Link a mention. Typing searches the knowledge base at once (the linker over the
    typed text, every label; the mention's own label first); enter or 1-9 (with the box
    empty) links; ctrl+n makes a new entity from the mention (a short form); 0 (box
    empty) or ctrl+l leaves it unlinked (NIL); esc cancels. No letter typed can make an
    entity or leave the picker."""

    BINDINGS = [
        Binding("ctrl+n", "new_entity", "new entity", id="link.new_entity"),
        Binding("ctrl+l", "nil", "leave unlinked (NIL)", id="link.nil"),
    ]
    help_text = (
        "type to search · ↑↓ choose · enter or 1-9 link · ctrl+n new entity · "
        "0 or ctrl+l leave unlinked (NIL) · esc cancel"
    )

    def __init__(
        self,
        mention_text: str,
        label: str | None,
        rank: Ranker,
        describe: Callable[[str], str],
        labels: list[str],
    ) -> None:
        super().__init__()
        self.mention_text = " ".join(mention_text.split())
        self.label = label
        self.rank = rank
        self.describe = describe
        self.labels = labels
        self.title_text = f"Link “{self.mention_text[:60]}” ({label or 'any label'})"
        self.candidates: list[Candidate] = []

    def on_mount(self) -> None:
        self.query_one("#filter", Input).placeholder = "type to search the knowledge base"

    def refill(self, query: str) -> None:
        self._search(query.strip() or self.mention_text)

    def filter_changed(self, value: str) -> None:
        if value in tuple("0123456789"):  # a digit typed into an empty box picks
            if value == "0":
                self.action_nil()
            else:
                self.action_pick(int(value))
            return
        self.refill(value)

    @work(exclusive=True, thread=True, group="link-candidates")
    def _search(self, query: str) -> None:
        # The linker may search a large knowledge base: off the UI thread.
        candidates, reason = self.rank(query)
        shown = [c for c in candidates if c.score > 0]
        # the likely links of the mention's own label first, then the others by score
        # (an ORG mention may name a GPE)
        shown.sort(key=lambda c: not (c.label == self.label and c.score >= LINK_THRESHOLD))
        descriptions = {c.entity_id: self.describe(c.entity_id) for c in shown}
        self.app.call_from_thread(self._show, shown, reason, descriptions)

    def _show(self, candidates: list[Candidate], reason: str, descriptions: dict[str, str]) -> None:
        if not self.is_attached:
            return  # picked or cancelled while the search ran
        self.candidates = candidates
        options = []
        for number, c in enumerate(candidates, start=1):
            prompt = Text(f"{number if number < 10 else ' '} {c.score:5.1f} ", style="bold")
            prompt.append(visible(f"{c.label:<8} "), style=label_colour(c.label))
            prompt.append(visible(c.name), style="bold")
            prompt.append(visible(f"  via “{c.alias}”"), style="dim")
            description = descriptions.get(c.entity_id)
            if description:
                prompt.append("\n          " + visible(description[:80]), style="italic dim")
            options.append(Option(prompt, id=c.entity_id))
        self.set_options(options)
        help_line = Text(visible(reason) + " — ", style="italic")
        help_line.append(self.help_text)
        self.query_one(".help", Static).update(help_line)

    def choose(self, option_id: str | None) -> None:
        if option_id:
            self.dismiss(LinkChoice("entity", option_id))

    def action_pick(self, number: int) -> None:
        if number <= len(self.candidates):
            self.dismiss(LinkChoice("entity", self.candidates[number - 1].entity_id))
        else:
            self.query_one("#filter", Input).value = ""  # no such candidate: the digit goes

    def action_new_entity(self) -> None:
        def made(choice: LinkChoice | None) -> None:
            if choice is not None:
                self.dismiss(choice)

        self.app.push_screen(
            NewEntityForm(self.mention_text, self.label or self.labels[0], self.labels), made
        )

    def action_nil(self) -> None:
        self.dismiss(LinkChoice("nil"))


class NewEntityForm(ModalScreen[LinkChoice | None]):
    """A new entity made from a mention: name (the mention's text, to correct: "ZAHEDAN"
    becomes "Zahedan"), label and description; enter saves, esc goes back."""

    BINDINGS = [Binding("escape", "cancel", "cancel", id="new_entity.cancel")]
    DEFAULT_CSS = modal_css("NewEntityForm")

    def __init__(self, name: str, label: str, labels: list[str]) -> None:
        super().__init__()
        self.entity_name = name
        self.entity_label = label
        self.labels = labels

    def compose(self) -> ComposeResult:
        steady = workbench_app(self.app).steady
        with VerticalScroll():
            yield Static(Text("New entity from the mention"), classes="title")
            for field_id, caption, value in (
                ("name", "Name", self.entity_name),
                ("label", f"Label ({', '.join(self.labels[:6])}, …)", self.entity_label),
                ("description", "Description (one line)", ""),
            ):
                yield Label(caption)
                field = Input(value=visible(value), id=f"entity-{field_id}")
                field.cursor_blink = not steady
                yield field
            yield Static(Text("tab next field · enter save and link · esc back"), classes="help")

    def on_mount(self) -> None:
        self.query_one("#entity-name", Input).focus()

    @on(Input.Submitted)
    def _save(self) -> None:
        name = " ".join(self.query_one("#entity-name", Input).value.split())
        label = self.query_one("#entity-label", Input).value.strip().upper()
        if not name:
            self.notify("the entity needs a name", severity="error")
            return
        if label not in self.labels:
            self.notify(f"unknown label {label!r}", severity="error")
            return
        description = self.query_one("#entity-description", Input).value.strip()
        self.dismiss(LinkChoice("new", None, name, label, description))

    def action_cancel(self) -> None:
        self.dismiss(None)


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


class LayerPairPicker(FilterList):
    """Choose the two layers to adjudicate (a document with more than two)."""

    help_text = "type to filter · enter compare · esc cancel"
    title_text = "Compare which two layers?"

    def __init__(self, layers: list[str]) -> None:
        super().__init__()
        self.pairs = [(a, b) for i, a in enumerate(layers) for b in layers[i + 1 :]]

    def refill(self, query: str) -> None:
        wanted = query.strip().lower()
        options = []
        for index, (first, second) in enumerate(self.pairs):
            name = f"{first} ⟷ {second}"
            if wanted in name.lower():
                options.append(Option(Text(visible(name)), id=str(index)))
        self.set_options(options)

    def choose(self, option_id: str | None) -> None:
        self.dismiss(self.pairs[int(option_id)] if option_id else None)


class IncidentPicker(FilterList):
    """The reports an event may be one incident with, best first, with the evidence;
    enter joins the chosen one (and its incident)."""

    help_text = "enter join this incident · type to filter · esc cancel"

    def __init__(self, title: str, candidates: list[tuple[int, Text]]) -> None:
        super().__init__()
        self.title_text = title
        self.candidates = candidates

    def refill(self, query: str) -> None:
        wanted = query.casefold()
        self.set_options(
            [
                Option(text, id=str(event_id))
                for event_id, text in self.candidates
                if wanted in text.plain.casefold()
            ]
        )

    def choose(self, option_id: str | None) -> None:
        self.dismiss(int(option_id) if option_id else None)
