"""What the event keys do: mark an event, edit it, fill roles from mentions, join an event
of the other pane as the same incident, delete. One workspace call each, with undo."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text

from workbench.display import visible
from workbench.errors import WorkbenchError
from workbench.model import Event
from workbench.tui.host import workbench_app
from workbench.workspace.text import quoted_short

if TYPE_CHECKING:
    from workbench.tui.screens.main import MainScreen


class EventCommands:
    """The main screen's event keys; the active event is the one roles are added to."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.active_event: int | None = None

    def _event_here(self) -> Event | None:
        event = self.screen.focused_pane().view.event_at_cursor()
        if event is None:
            self.screen.notify("the cursor is not on an event trigger", severity="warning")
        return event

    def _active(self) -> Event | None:
        if self.active_event is not None:
            try:
                return self.screen.workspace.events.get(self.active_event)
            except WorkbenchError:
                self.active_event = None
        self.screen.notify(
            "no active event: mark one with E or press t on a trigger", severity="warning"
        )
        return None

    def _apply(self, description: str, change: Any) -> Any:
        return self.screen.apply(description, change, events=True)

    def add(self) -> None:
        """Mark an event on the trigger under the cursor: its type, then its form."""
        view = self.screen.focused_pane().view
        span = view.target_span()
        if not view.document or not span:
            self.screen.notify(
                "put the cursor on the trigger word (or select it) first", severity="warning"
            )
            return
        doc_id, (start, end) = view.document.id, span

        def picked(kind: tuple[str, str | None] | None) -> None:
            if kind:
                event = self._apply(
                    f"event {kind[1] or kind[0]}",
                    lambda: self.screen.workspace.events.add(
                        doc_id, kind[0], kind[1], (start, end)
                    ),
                )
                if event:
                    self.active_event = event.id
                    view.selection_anchor = None
                    view.move_to(start)
                    self.open_form(event)

        from workbench.tui.screens.event_screens import EventTypePicker  # (not at start)

        self.screen.app.push_screen(
            EventTypePicker(view.text[start:end], self.screen.workspace.events.taxonomy()), picked
        )

    def open_form(self, event: Event) -> None:
        """The form for date, fatalities, certainty and note."""
        document = self.screen.focused_pane().document

        def saved(changes: dict[str, Any] | None) -> None:
            if changes:
                self._apply(
                    "event details",
                    lambda: self.screen.workspace.events.update(event.id, **changes),
                )

        from workbench.tui.screens.event_screens import EventForm

        self.screen.app.push_screen(
            EventForm(
                event,
                document.published if document else None,
                workbench_app(self.screen.app).steady,
            ),
            saved,
        )

    def edit(self) -> None:
        """The form of the event under the cursor (else of the active one)."""
        event = self.screen.focused_pane().view.event_at_cursor() or self._active()
        if event:
            self.active_event = event.id
            self.open_form(event)

    def select(self) -> None:
        """Make the event under the cursor the active one."""
        event = self._event_here()
        if event:
            self.active_event = event.id
            self.screen.set_status(
                f"active event: {event.subtype or event.type} {quoted_short(event.trigger_text or '')}"
            )

    def add_role(self) -> None:
        """The mention under the cursor fills a role of the active event."""
        view = self.screen.focused_pane().view
        mention = view.mention_at_cursor()
        if mention is None:
            self.screen.notify(
                "put the cursor on a mention to fill a role with it", severity="warning"
            )
            return
        event = self._active()
        if event is None:
            return
        from workbench.tui.screens.event_screens import RolePicker

        def picked(role: str | None) -> None:
            if role:
                self._apply(
                    f"{role}: {mention.text}",
                    lambda: self.screen.workspace.events.add_role(event.id, role, mention.id),
                )

        self.screen.app.push_screen(
            RolePicker(mention.text, f"{event.subtype or event.type} “{event.trigger_text or ''}”"),
            picked,
        )

    def cluster(self) -> None:
        """The event under the cursor reports the same incident as the active one."""
        event = self._event_here()
        active = self._active()
        if event and active:
            if event.id == active.id:
                self.screen.notify(
                    "move to the other pane's report of the incident first", severity="warning"
                )
                return
            self._apply(
                "same incident", lambda: self.screen.workspace.events.cluster([active.id, event.id])
            )

    def suggest_incidents(self) -> None:
        """The reports the event under the cursor may be one incident with, best first,
        with the evidence for each; enter joins the chosen one (one undoable change)."""
        event = self._event_here()
        if event is None:
            return
        workspace = self.screen.workspace
        try:
            candidates = workspace.incidents.suggest_for(event.id)
        except WorkbenchError as exc:
            self.screen.notify(str(exc), severity="error")
            return
        if not candidates:
            self.screen.notify("no report scores as the same incident as this one")
            return
        rows = []
        for candidate in candidates:
            other = workspace.events.get(candidate["event_id"])
            line = Text(f"{candidate['score']:.2f} ", style="bold")
            line.append(f"[{other.doc_id}] “{visible(other.trigger_text or '')}” ")
            line.append(visible(other.subtype or other.type), style="magenta")
            line.append(f"  {visible(other.date or 'date ?')}", style="dim")
            if candidate["cluster_id"] is not None:
                line.append(f"  incident {candidate['cluster_id']}", style="cyan")
            line.append("\n    " + visible("; ".join(candidate["evidence"])), style="dim")
            rows.append((candidate["event_id"], line))
        from workbench.tui.screens.pickers import IncidentPicker

        def chosen(other_id: int | None) -> None:
            if other_id is not None:
                self._apply("same incident", lambda: workspace.incidents.join(event.id, other_id))

        title = f"Same incident as “{event.trigger_text or event.type}”?"
        self.screen.app.push_screen(IncidentPicker(title, rows), chosen)

    def delete(self) -> None:
        """Delete the event under the cursor."""
        event = self._event_here()
        if event:
            self._apply("event deleted", lambda: self.screen.workspace.events.delete(event.id))
