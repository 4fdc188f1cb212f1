"""Events: mark, edit, fill roles, join reports of one incident, delete; and their records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from workbench.events.records import event_record
from workbench.events.taxonomy import Taxonomy
from workbench.model import Event
from workbench.workspace.text import quoted_short

if TYPE_CHECKING:
    from workbench.workspace import Workspace


class EventsUseCases:
    """Who did what to whom, where, when, as each report says it."""

    def __init__(self, workspace: Workspace) -> None:
        self.store = workspace.store

    def taxonomy(self) -> Taxonomy:
        """The project's event types and sub-types."""
        return self.store.events.taxonomy()

    def set_taxonomy(self, data: object) -> Taxonomy:
        """Replace the project's event types (`{"Type": ["Sub-type", ...]}`)."""
        return self.store.events.set_taxonomy(data)

    def get(self, event_id: int) -> Event:
        """One event with its roles."""
        return self.store.events.get(event_id)

    def of_document(self, doc_id: int | None = None) -> list[Event]:
        """The events of a document (or all), by document and trigger position."""
        if doc_id is not None:
            self.store.documents.get(doc_id)  # a clear error for a wrong id
        return self.store.events.of_document(doc_id)

    def records(self, doc_id: int | None = None) -> list[dict[str, Any]]:
        """The events as JSON records (the shape every exporter writes too)."""
        events = self.of_document(doc_id)
        mentions = {}
        for document in sorted({e.doc_id for e in events}):
            mentions.update({m.id: m for m in self.store.mentions.of_document(document)})
        return [event_record(event, mentions.get) for event in events]

    def add(
        self, doc_id: int, event_type: str, subtype: str | None, trigger: tuple[int, int] | None
    ) -> Event:
        """Mark an event on its trigger word."""
        return self.store.events.add(doc_id, event_type, subtype, trigger=trigger)

    def update(self, event_id: int, **changes: Any) -> Event:
        """Change date, fatalities, certainty, note, type of an event."""
        return self.store.events.update(event_id, **changes)

    def delete(self, event_id: int) -> None:
        """Delete an event and its roles."""
        self.store.events.delete(event_id)

    def add_role(self, event_id: int, role: str, mention_id: int) -> Event:
        """A mention of the event's document fills one of its roles."""
        mention = self.store.mentions.get(mention_id)
        with self.store.transaction(f"add role {role} {quoted_short(mention.text)}"):
            return self.store.events.add_role(event_id, role, mention_id)

    def cluster(self, event_ids: list[int]) -> int:
        """Mark reports (events of several documents) as one incident."""
        return self.store.events.cluster(event_ids)
