"""Event pickers and the event form (type, date, fatalities, certainty, note)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static
from textual.widgets.option_list import Option

from workbench.display import visible
from workbench.events.dates import resolve_date
from workbench.events.records import fatalities_text
from workbench.events.taxonomy import CERTAINTIES, DEFAULT_ROLES, Taxonomy
from workbench.model import Event
from workbench.tui.screens.pickers import FilterList, modal_css


class EventTypePicker(FilterList):
    """Pick "type / sub-type": type to filter, enter to pick."""

    help_text = "type to filter (e.g. 'drone', 'recall') · enter pick · esc cancel"

    def __init__(
        self,
        trigger_text: str,
        taxonomy: Taxonomy,
        preselect: tuple[str, str | None] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = f"Event type for: {trigger_text[:60]}"
        # a type with no sub-types is offered on its own
        self.kinds = [(t, s) for t, subtypes in taxonomy.items() for s in (subtypes or (None,))]
        self.preselect = preselect  # a suggested trigger's type: enter confirms it

    def refill(self, query: str) -> None:
        words = query.casefold().split()
        options: list[Option] = []
        first = 0
        for index, (event_type, subtype) in enumerate(self.kinds):
            label = f"{event_type} / {subtype}" if subtype else event_type
            if all(w in label.casefold() for w in words):
                if (event_type, subtype) == self.preselect and not words:
                    first = len(options)
                options.append(Option(Text(visible(label)), id=str(index)))
        self.set_options(options, first)

    def choose(self, option_id: str | None) -> None:
        self.dismiss(self.kinds[int(option_id)] if option_id else None)


class RolePicker(FilterList):
    """Pick the role a mention plays in the active event: 1-9 or type a new role."""

    help_text = "1-9 pick · type a role name and enter (new roles allowed) · esc cancel"

    def __init__(self, mention_text: str, event_label: str) -> None:
        super().__init__()
        self.title_text = f"Role of “{mention_text[:40]}” in {event_label[:50]}"

    def refill(self, query: str) -> None:
        roles = [r for r in DEFAULT_ROLES if query.casefold() in r.casefold()]
        if query.strip() and query.strip().title() not in roles:
            roles.append(query.strip().title())
        self.set_options([Option(Text(visible(f"{i + 1} {r}")), id=r) for i, r in enumerate(roles)])

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        if event.value.isdigit() and 1 <= int(event.value) <= len(DEFAULT_ROLES):
            self.dismiss(DEFAULT_ROLES[int(event.value) - 1])
            return
        self.refill(event.value)


class EventForm(ModalScreen[dict[str, Any] | None]):
    """Date, fatalities, certainty and note of an event; enter saves, esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "cancel", id="event_form.cancel")]
    DEFAULT_CSS = modal_css("EventForm")

    def __init__(self, event: Event, published: str | None, steady: bool = False) -> None:
        super().__init__()
        self.event = event
        self.published = published
        self.steady = steady
        self.originals: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        e = self.event
        fatalities = fatalities_text(e)
        with VerticalScroll():
            yield Static(
                Text(
                    visible(f"{e.type} / {e.subtype or '-'}  “{e.trigger_text or ''}”"),
                    style="bold",
                )
            )
            for field_id, caption, value, placeholder in (
                (
                    "date",
                    "Date, as the article writes it",
                    e.date_text or "",
                    "Thursday, on 16 January, last month…",
                ),
                ("fatalities", "Fatalities", fatalities, "9, or a range 9-11"),
                ("certainty", "Certainty", e.certainty, "asserted, claimed, denied, uncertain"),
                ("note", "Note", e.note, ""),
            ):
                self.originals[field_id] = value
                yield Label(caption)
                field = Input(value=visible(value), placeholder=placeholder, id=f"event-{field_id}")
                field.cursor_blink = not self.steady
                yield field
            yield Static(id="event-date-preview", classes="help")
            yield Static(Text("tab next field · enter save · esc cancel"), classes="help")

    def on_mount(self) -> None:
        self._preview()
        self.query_one("#event-date", Input).focus()

    @on(Input.Changed, "#event-date")
    def _preview(self) -> None:
        resolved = resolve_date(self.query_one("#event-date", Input).value, self.published)
        text = f"→ {resolved.date or 'unresolved'} ({resolved.precision or 'no precision'})"
        self.query_one("#event-date-preview", Static).update(Text(visible(text)))

    @on(Input.Submitted)
    def _save(self) -> None:
        values = {}
        for name in ("date", "fatalities", "certainty", "note"):
            value = self.query_one(f"#event-{name}", Input).value
            # a field shown with control characters made visible, and left as it was,
            # keeps its stored text
            original = self.originals.get(name, "")
            values[name] = (original if value == visible(original) else value).strip()
        try:
            changes = form_changes(values, self.published)
        except ValueError as exc:
            self.notify(str(exc), severity="error")
            return
        self.dismiss(changes)

    def action_cancel(self) -> None:
        self.dismiss(None)


def form_changes(values: dict[str, str], published: str | None) -> dict[str, object]:
    """The store changes the form's text fields ask for; ValueError with a clear reason."""
    changes: dict[str, object] = {"note": values["note"]}
    if values["date"]:
        resolved = resolve_date(values["date"], published)
        changes.update(
            date=resolved.date, date_text=resolved.text, date_precision=resolved.precision
        )
    else:
        changes.update(date=None, date_text=None, date_precision=None)
    raw = values["fatalities"].replace("–", "-").replace(" ", "")
    if not raw:
        changes["fatalities"] = None
    else:
        low, _, high = raw.partition("-")
        if not low.isdigit() or (high and not high.isdigit()):
            raise ValueError(
                f"fatalities {values['fatalities']!r}: write a number or a range like 9-11"
            )
        changes["fatalities"] = (int(low), int(high)) if high else int(low)
    certainty = values["certainty"].casefold() or "asserted"
    matches = [c for c in CERTAINTIES if c.startswith(certainty)]
    if len(matches) != 1:
        raise ValueError(f"certainty {values['certainty']!r}: one of {', '.join(CERTAINTIES)}")
    changes["certainty"] = matches[0]
    return changes


__all__ = ["EventForm", "EventTypePicker", "RolePicker", "form_changes"]
