"""Events, their roles (mentions of the same document) and cross-document clusters."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from workbench.errors import EventNotFound, InvalidSpan, WorkbenchError
from workbench.events.records import fatalities_range
from workbench.events.taxonomy import (
    CERTAINTIES,
    DEFAULT_TAXONOMY,
    Taxonomy,
    check_event_type,
    parse_taxonomy,
)
from workbench.model import Event, Role
from workbench.store.changelog import Transaction
from workbench.store.database import Database
from workbench.store.documents import Documents
from workbench.store.mentions import Mentions
from workbench.store.settings import Settings

_EVENT_COLUMNS = (
    "id, doc_id, type, subtype, trigger_start, trigger_end, trigger_text, date, date_text, "
    "date_precision, fatalities_low, fatalities_high, certainty, note, cluster_id, annotator"
)
_EDITABLE = {
    "type",
    "subtype",
    "date",
    "date_text",
    "date_precision",
    "fatalities_low",
    "fatalities_high",
    "certainty",
    "note",
}
TAXONOMY_SETTING = "event_taxonomy"


class Events:
    """Who did what to whom, as each document reports it, and which reports are one incident."""

    def __init__(
        self, db: Database, documents: Documents, mentions: Mentions, settings: Settings
    ) -> None:
        self.db = db
        self.documents = documents
        self.mentions = mentions
        self.settings = settings

    def taxonomy(self) -> Taxonomy:
        """The project's event types and sub-types (the ACLED-based default unless set)."""
        stored = self.settings.get(TAXONOMY_SETTING)
        return parse_taxonomy(json.loads(stored)) if stored else DEFAULT_TAXONOMY

    def set_taxonomy(self, taxonomy: object) -> Taxonomy:
        """Replace the project's taxonomy (JSON-like `{"Type": ["Sub-type", ...]}`)."""
        parsed = parse_taxonomy(taxonomy)
        self.settings.set(TAXONOMY_SETTING, json.dumps({k: list(v) for k, v in parsed.items()}))
        return parsed

    def add(
        self, doc_id: int, event_type: str, subtype: str | None = None, **details: Any
    ) -> Event:
        """Record an event reported by a document. `details`: trigger (start, end), date,
        date_text, date_precision, fatalities (n or (low, high)), certainty, note."""
        with self.db.transaction("add event") as tx:
            event_id = self.insert(tx, doc_id, event_type, subtype, **details)
        return self.get(event_id)

    def insert(
        self,
        tx: Transaction,
        doc_id: int,
        event_type: str,
        subtype: str | None,
        *,
        trigger: tuple[int, int] | None = None,
        date: str | None = None,
        date_text: str | None = None,
        date_precision: str | None = None,
        fatalities: int | tuple[int, int] | None = None,
        certainty: str = "asserted",
        note: str = "",
    ) -> int:
        """Insert one event inside an open transaction; returns its id."""
        event_type, subtype = check_event_type(event_type, subtype, self.taxonomy())
        if certainty not in CERTAINTIES:
            raise WorkbenchError(f"certainty must be one of {', '.join(CERTAINTIES)}")
        if trigger is None:
            self.documents.text(doc_id)  # a clear error for a wrong document
            trigger_text = None
        else:
            trigger_text = self.mentions.span_text(doc_id, *trigger)
        low, high = fatalities_range(fatalities)
        return int(
            tx.insert(
                "events",
                {
                    "doc_id": doc_id,
                    "type": event_type,
                    "subtype": subtype,
                    "trigger_start": trigger[0] if trigger else None,
                    "trigger_end": trigger[1] if trigger else None,
                    "trigger_text": trigger_text,
                    "date": date,
                    "date_text": date_text,
                    "date_precision": date_precision,
                    "fatalities_low": low,
                    "fatalities_high": high,
                    "certainty": certainty,
                    "note": note,
                    "annotator": self.db.annotator,
                    "layer": self.db.layer,
                    "created_at": tx.at,
                    "updated_at": tx.at,
                },
            )
        )

    def update(self, event_id: int, **changes: Any) -> Event:
        """Change fields of an event (type, sub-type, date, fatalities, certainty, note)."""
        current = self.get(event_id)
        if "fatalities" in changes:
            changes["fatalities_low"], changes["fatalities_high"] = fatalities_range(
                changes.pop("fatalities")
            )
        if "type" in changes or "subtype" in changes:
            changes["type"], changes["subtype"] = check_event_type(
                changes.get("type", current.type),
                changes.get("subtype", current.subtype),
                self.taxonomy(),
            )
        if changes.get("certainty", current.certainty) not in CERTAINTIES:
            raise WorkbenchError(f"certainty must be one of {', '.join(CERTAINTIES)}")
        unknown = set(changes) - _EDITABLE
        if unknown:
            raise WorkbenchError(f"cannot change {', '.join(sorted(unknown))} of an event")
        with self.db.transaction("edit event") as tx:
            tx.update("events", event_id, **changes, updated_at=tx.at)
        return self.get(event_id)

    def delete(self, event_id: int) -> None:
        """Delete an event and its roles (one undo step)."""
        self.get(event_id)
        with self.db.transaction("delete event") as tx:
            for (role_id,) in self.db.rows(
                "SELECT id FROM event_roles WHERE event_id = ?", (event_id,)
            ):
                tx.delete("event_roles", role_id)
            tx.delete("events", event_id)

    def add_role(self, event_id: int, role: str, mention_id: int) -> Event:
        """Fill a role of an event with a mention of the same document."""
        event = self.get(event_id)
        mention = self.mentions.get(mention_id)
        if mention.doc_id != event.doc_id:
            raise InvalidSpan(
                f"mention {mention_id} is in document {mention.doc_id}, the event in {event.doc_id}"
            )
        role = role.strip()
        if not role:
            raise WorkbenchError("a role needs a name (e.g. Attacker, Target, Victim, Place)")
        with self.db.transaction("add role") as tx:
            tx.insert("event_roles", {"event_id": event_id, "role": role, "mention_id": mention_id})
        return self.get(event_id)

    def cluster(self, event_ids: Sequence[int], name: str = "") -> int:
        """Mark events (usually from different documents) as one real-world incident."""
        events = [self.get(i) for i in event_ids]
        if len(events) < 2:
            raise WorkbenchError("a cluster joins at least two events")
        with self.db.transaction("cluster events") as tx:
            existing = [e.cluster_id for e in events if e.cluster_id is not None]
            cluster_id = (
                existing[0]
                if existing
                else int(tx.insert("event_clusters", {"name": name, "created_at": tx.at}))
            )
            for event in events:
                if event.cluster_id != cluster_id:
                    tx.update("events", event.id, cluster_id=cluster_id, updated_at=tx.at)
        return cluster_id

    def detach(self, event_ids: Sequence[int]) -> None:
        """Take events out of their incidents (each stands alone again)."""
        with self.db.transaction("detach events") as tx:
            for event in (self.get(i) for i in event_ids):
                if event.cluster_id is not None:
                    tx.update("events", event.id, cluster_id=None, updated_at=tx.at)

    def find(self, doc_id: int, event_type: str, trigger: tuple[int, int] | None) -> int | None:
        """Id of an event of this type with this trigger in the document, if recorded."""
        start, end = trigger if trigger else (None, None)
        value = self.db.value(
            "SELECT id FROM events WHERE doc_id = ? AND type = ? AND trigger_start IS ? "
            "AND trigger_end IS ? AND layer IS ?",
            (doc_id, event_type, start, end, self.db.layer),
        )
        return int(value) if value is not None else None

    def get(self, event_id: int) -> Event:
        """One event with its roles."""
        row = self.db.one(f"SELECT {_EVENT_COLUMNS} FROM events WHERE id = ?", (event_id,))
        if row is None:
            raise EventNotFound(event_id)
        return Event._make((*row, tuple(self._roles([event_id]).get(event_id, ()))))

    def of_document(self, doc_id: int | None = None) -> list[Event]:
        """Every event (of one document, or all), by document and trigger position."""
        sql = f"SELECT {_EVENT_COLUMNS} FROM events WHERE layer IS ?"
        params: tuple[int | str | None, ...] = (self.db.layer,)
        if doc_id is not None:
            sql += " AND doc_id = ?"
            params = (self.db.layer, doc_id)
        rows = self.db.rows(sql + " ORDER BY doc_id, trigger_start, id", params)
        roles = self._roles([r[0] for r in rows])
        return [Event._make((*r, tuple(roles.get(r[0], ())))) for r in rows]

    def of_documents(self, doc_ids: Sequence[int]) -> dict[int, list[Event]]:
        """The events of several documents (one query, not one per document), by
        document, each by trigger position."""
        rows = self.db.rows_in(
            f"SELECT {_EVENT_COLUMNS} FROM events WHERE layer IS ? AND doc_id IN ({{marks}}) "
            "ORDER BY doc_id, trigger_start, id",
            doc_ids,
            before=(self.db.layer,),
        )
        roles = self._roles([r[0] for r in rows])
        found: dict[int, list[Event]] = {}
        for row in rows:
            event = Event._make((*row, tuple(roles.get(row[0], ()))))
            found.setdefault(event.doc_id, []).append(event)
        return found

    def by_layer(self, doc_ids: Sequence[int] | None = None) -> dict[str | None, list[Event]]:
        """Events of every layer (None: the shared one), of the documents (None: all)."""
        select = f"SELECT layer, {_EVENT_COLUMNS} FROM events"
        order = " ORDER BY layer, doc_id, trigger_start, id"
        if doc_ids is None:
            rows = self.db.rows(select + order)
        else:
            rows = self.db.rows_in(select + " WHERE doc_id IN ({marks})" + order, doc_ids)
        roles = self._roles([r[1] for r in rows])
        layers: dict[str | None, list[Event]] = {}
        for layer, *fields in rows:
            event = Event._make((*fields, tuple(roles.get(fields[0], ()))))
            layers.setdefault(layer, []).append(event)
        return layers

    def in_clusters(self, cluster_ids: Iterable[int]) -> dict[int, list[Event]]:
        """The events of each of these incidents (clusters), with their roles."""
        wanted = sorted(set(cluster_ids))
        if not wanted:
            return {}
        rows = self.db.rows_in(
            f"SELECT {_EVENT_COLUMNS} FROM events WHERE cluster_id IN ({{marks}}) "
            "ORDER BY doc_id, trigger_start, id",
            wanted,
        )
        roles = self._roles([r[0] for r in rows])
        members: dict[int, list[Event]] = {}
        for row in rows:
            event = Event._make((*row, tuple(roles.get(row[0], ()))))
            assert event.cluster_id is not None
            members.setdefault(event.cluster_id, []).append(event)
        return members

    def reject(self, doc_id: int, trigger: tuple[int, int]) -> None:
        """Record that this layer keeps no event at this trigger (one logged change)."""
        self.mentions.span_text(doc_id, *trigger)  # a clear error for a wrong span
        with self.db.transaction("reject event") as tx:
            tx.insert(
                "rejected_events",
                {
                    "doc_id": doc_id,
                    "trigger_start": trigger[0],
                    "trigger_end": trigger[1],
                    "layer": self.db.layer,
                    "annotator": self.db.annotator,
                    "created_at": tx.at,
                },
            )

    def rejected(self, doc_id: int) -> list[tuple[int, int]]:
        """The triggers of a document at which this layer rejected an event."""
        rows = self.db.rows(
            "SELECT trigger_start, trigger_end FROM rejected_events WHERE doc_id = ? "
            "AND layer IS ? ORDER BY trigger_start, trigger_end",
            (doc_id, self.db.layer),
        )
        return [(int(a), int(b)) for a, b in rows]

    def _roles(self, event_ids: list[int]) -> dict[int, list[Role]]:
        out: dict[int, list[Role]] = {}
        for row in self.db.iter_in(
            """SELECT r.id, r.event_id, r.role, r.mention_id, m.text, m.entity_id, e.name
               FROM event_roles r JOIN mentions m ON m.id = r.mention_id
               LEFT JOIN entities e ON e.id = m.entity_id
               WHERE r.event_id IN ({marks}) ORDER BY r.event_id, r.id""",
            event_ids,
        ):
            out.setdefault(row[1], []).append(Role(*row))
        return out
