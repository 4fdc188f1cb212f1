"""What the event keys do: mark an event, edit it, fill roles from mentions, join an event
of the other pane as the same incident, delete. One store call each, with undo."""

from __future__ import annotations

from textual.binding import Binding

from workbench.errors import WorkbenchError
from workbench.model import Event


class EventActions:
    """Mixed into the main screen, which provides store, panes, reload and status."""

    EVENT_BINDINGS = [
        Binding("E", "add_event", "mark event", id="event.add"),
        Binding("F", "edit_event", "event form", show=False, id="event.edit"),
        Binding("t", "select_event", "make event active", show=False, id="event.select"),
        Binding("r", "add_role", "fill role", show=False, id="event.role"),
        Binding("K", "cluster_event", "same incident", show=False, id="event.cluster"),
        Binding("D", "delete_event", "delete event", show=False, id="event.delete"),
    ]
    active_event: int | None = None

    def _event_here(self) -> Event | None:
        event = self.focused_pane().view.event_at_cursor()
        if event is None:
            self.notify("the cursor is not on an event trigger", severity="warning")
        return event

    def _active(self) -> Event | None:
        if self.active_event is not None:
            try:
                return self.workspace.events.get(self.active_event)
            except WorkbenchError:
                self.active_event = None
        self.notify("no active event: mark one with E or press t on a trigger", severity="warning")
        return None

    def _event_done(self, description: str, change) -> object | None:
        try:
            result = change()
        except WorkbenchError as exc:
            self.notify(str(exc), severity="error")
            return None
        self.reload_events()
        self.set_status(f"saved: {description}")
        return result

    def action_add_event(self) -> None:
        view = self.focused_pane().view
        span = view.target_span()
        if not view.document or not span:
            self.notify(
                "put the cursor on the trigger word (or select it) first", severity="warning"
            )
            return
        doc_id, (start, end) = view.document.id, span

        def picked(kind: tuple[str, str] | None) -> None:
            if kind:
                event = self._event_done(
                    f"event {kind[1]}",
                    lambda: self.workspace.events.add(doc_id, kind[0], kind[1], (start, end)),
                )
                if event:
                    self.active_event = event.id
                    view.anchor = None
                    view.move_to(start)
                    self.open_event_form(event)

        from workbench.tui.screens.event_screens import EventTypePicker  # (not at start)

        self.app.push_screen(
            EventTypePicker(view.text[start:end], self.workspace.events.taxonomy()), picked
        )

    def open_event_form(self, event: Event) -> None:
        """The form for date, fatalities, certainty and note."""
        document = self.focused_pane().document

        def saved(changes: dict | None) -> None:
            if changes:
                self._event_done(
                    "event details", lambda: self.workspace.events.update(event.id, **changes)
                )

        from workbench.tui.screens.event_screens import EventForm

        self.app.push_screen(
            EventForm(event, document.published if document else None, self.app.steady), saved
        )

    def action_edit_event(self) -> None:
        event = self.focused_pane().view.event_at_cursor() or self._active()
        if event:
            self.active_event = event.id
            self.open_event_form(event)

    def action_select_event(self) -> None:
        event = self._event_here()
        if event:
            self.active_event = event.id
            self.set_status(f"active event: {event.subtype or event.type} “{event.trigger_text}”")

    def action_add_role(self) -> None:
        view = self.focused_pane().view
        mention = view.mention_at_cursor()
        if mention is None:
            self.notify("put the cursor on a mention to fill a role with it", severity="warning")
            return
        event = self._active()
        if event is None:
            return
        from workbench.tui.screens.event_screens import RolePicker

        self.app.push_screen(
            RolePicker(mention.text, f"{event.subtype or event.type} “{event.trigger_text or ''}”"),
            lambda role: (
                role
                and self._event_done(
                    f"{role}: {mention.text}",
                    lambda: self.workspace.events.add_role(event.id, role, mention.id),
                )
            ),
        )

    def action_cluster_event(self) -> None:
        event = self._event_here()
        active = self._active()
        if event and active:
            if event.id == active.id:
                self.notify(
                    "move to the other pane's report of the incident first", severity="warning"
                )
                return
            self._event_done(
                "same incident", lambda: self.workspace.events.cluster([active.id, event.id])
            )

    def action_delete_event(self) -> None:
        event = self._event_here()
        if event:
            self._event_done("event deleted", lambda: self.workspace.events.delete(event.id))
