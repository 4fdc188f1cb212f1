"""The knowledge base: entities, their aliases, merging; aliases keep the linker's index."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from workbench.errors import EntityNotFound, InvalidLabel, WorkbenchError
from workbench.linking.normalise import match_key, strip_diacritics
from workbench.model import MAX_NAME_LENGTH, Alias, Entity, NewEntity
from workbench.store import alias_index
from workbench.store.alias_index import SqliteCandidateIndex
from workbench.store.changelog import Transaction
from workbench.store.connection import utc_now

_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(name: str) -> str:
    """An id-friendly form of a name: "Jaish al-Adl" -> "jaish-al-adl"."""
    slug = _SLUG.sub("-", strip_diacritics(name).lower()).strip("-")
    return slug[:60] or "entity"


def _entity(row: Sequence) -> Entity:
    eid, name, label, description, external_ids, created_by, created_at = row
    return Entity(
        eid, name, label, description, json.loads(external_ids or "{}"), created_by, created_at
    )


_ENTITY_COLUMNS = "id, name, label, description, external_ids, created_by, created_at"


class KnowledgeBaseMixin:
    """Store methods about entities and aliases."""

    conn: sqlite3.Connection
    annotator: str

    def labels(self) -> list[str]:
        """The project's label set, in display order."""
        return [r[0] for r in self.conn.execute("SELECT name FROM labels ORDER BY position")]

    def check_label(self, label: str) -> str:
        """Return the label if it is in the label set, else raise InvalidLabel."""
        label = label.strip().upper()
        known = getattr(self, "_label_cache", None)
        if known is None or label not in known:
            # re-read on a miss: another process may have added the label
            known = self._label_cache = frozenset(self.labels())
        if label not in known:
            raise InvalidLabel(f"unknown label {label!r} (known: {', '.join(self.labels())})")
        return label

    def _new_entity_id(self, name: str) -> str:
        base = slugify(name)
        candidate, n = base, 1
        while self.conn.execute("SELECT 1 FROM entities WHERE id = ?", (candidate,)).fetchone():
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    def add_entity(
        self,
        name: str,
        label: str,
        *,
        description: str = "",
        aliases: Iterable[str] = (),
        entity_id: str | None = None,
        external_ids: dict[str, str] | None = None,
        provenance: str = "user",
    ) -> Entity:
        """Create an entity with its name and aliases as aliases; returns it."""
        name = " ".join(name.split())
        if not name:
            raise WorkbenchError("an entity needs a non-empty name")
        if len(name) > MAX_NAME_LENGTH:
            raise WorkbenchError(f"entity name longer than {MAX_NAME_LENGTH} characters")
        label = self.check_label(label)
        with Transaction(self.conn, self.annotator, "add entity") as tx:
            eid = entity_id or self._new_entity_id(name)
            if self.conn.execute("SELECT 1 FROM entities WHERE id = ?", (eid,)).fetchone():
                raise WorkbenchError(f"an entity with id {eid!r} already exists")
            self._insert_entity(tx, eid, name, label, description, external_ids or {})
            for alias in dict.fromkeys([name, *aliases]):
                self._insert_alias(tx, eid, alias, provenance)
        return self.entity(eid)

    def _insert_entity(
        self,
        tx: Transaction,
        eid: str,
        name: str,
        label: str,
        description: str,
        external_ids: Mapping[str, str],
    ) -> None:
        tx.insert(
            "entities",
            {
                "id": eid,
                "name": name,
                "label": label,
                "description": description,
                "external_ids": json.dumps(dict(external_ids), sort_keys=True),
                "created_by": self.annotator,
                "created_at": tx.at,
            },
        )

    def _insert_alias(self, tx: Transaction, entity_id: str, text: str, provenance: str) -> bool:
        text = " ".join(text.split())
        if not text or len(text) > MAX_NAME_LENGTH:
            return False
        exists = self.conn.execute(
            "SELECT 1 FROM aliases WHERE entity_id = ? AND text = ?", (entity_id, text)
        ).fetchone()
        if exists:
            return False
        tx.insert(
            "aliases",
            {
                "entity_id": entity_id,
                "text": text,
                "norm": match_key(text),
                "provenance": provenance,
                "created_at": tx.at,
            },
        )
        return True

    def import_entities(
        self, entities: Sequence[NewEntity], provenance: str = "import"
    ) -> tuple[int, int]:
        """Add entities (by id) and their missing aliases in one transaction; idempotent."""
        added = aliases = 0
        with Transaction(self.conn, self.annotator, "import entities") as tx:
            for record in entities:
                label = self.check_label(record.label)
                eid = record.id or self._new_entity_id(record.name)
                for text in (record.name, *record.aliases):
                    if len(" ".join(text.split())) > MAX_NAME_LENGTH:
                        raise WorkbenchError(
                            f"entity {eid!r}: a name or alias longer than {MAX_NAME_LENGTH} "
                            "characters"
                        )
                row = self.conn.execute(
                    "SELECT label FROM entities WHERE id = ?", (eid,)
                ).fetchone()
                if row is not None and row[0] != label:
                    raise WorkbenchError(
                        f"entity {eid!r} exists with label {row[0]}; the file gives {label}"
                    )
                if row is None:
                    self._insert_entity(
                        tx, eid, record.name, label, record.description, record.external_ids
                    )
                    added += 1
                for alias in dict.fromkeys([record.name, *record.aliases]):
                    aliases += self._insert_alias(tx, eid, alias, provenance)
        return added, aliases

    def add_alias(self, entity_id: str, text: str, provenance: str = "user") -> bool:
        """Add a surface form to an entity; False if it was already there."""
        entity = self.entity(entity_id)
        with Transaction(self.conn, self.annotator, "add alias") as tx:
            return self._insert_alias(tx, entity.id, text, provenance)

    def resolve_entity_id(self, entity_id: str) -> str:
        """Follow merge redirects to the entity that lives on."""
        seen = set()
        current = entity_id
        while current not in seen:
            seen.add(current)
            row = self.conn.execute(
                "SELECT merged_into FROM entities WHERE id = ?", (current,)
            ).fetchone()
            if row is None:
                raise EntityNotFound(entity_id)
            if row[0] is None:
                return current
            current = row[0]
        raise WorkbenchError(f"entity {entity_id!r} has a merge cycle")

    def entity(self, entity_id: str) -> Entity:
        """The entity, following merge redirects."""
        eid = self.resolve_entity_id(entity_id)
        row = self.conn.execute(
            f"SELECT {_ENTITY_COLUMNS} FROM entities WHERE id = ?", (eid,)
        ).fetchone()
        return _entity(row)

    def entities(self, label: str | None = None) -> list[Entity]:
        """Every live (not merged away) entity, by name."""
        sql = f"SELECT {_ENTITY_COLUMNS} FROM entities WHERE merged_into IS NULL"
        params: tuple = ()
        if label:
            sql += " AND label = ?"
            params = (label.upper(),)
        return [
            _entity(r) for r in self.conn.execute(sql + " ORDER BY name COLLATE NOCASE", params)
        ]

    def aliases(self, entity_id: str) -> list[Alias]:
        """An entity's aliases, oldest first."""
        eid = self.resolve_entity_id(entity_id)
        rows = self.conn.execute(
            "SELECT id, entity_id, text, norm, provenance FROM aliases WHERE entity_id = ? ORDER BY id",
            (eid,),
        )
        return [Alias(*r) for r in rows]

    def merge_entities(self, keep: str, other: str) -> Entity:
        """Move `other`'s aliases and mentions to `keep`; `other` then redirects to `keep`."""
        keep_id, other_id = self.resolve_entity_id(keep), self.resolve_entity_id(other)
        if keep_id == other_id:
            raise WorkbenchError(f"{keep!r} and {other!r} are already the same entity")
        with Transaction(self.conn, self.annotator, "merge entities") as tx:
            for alias_id, text, provenance in self.conn.execute(
                "SELECT id, text, provenance FROM aliases WHERE entity_id = ?", (other_id,)
            ).fetchall():
                tx.delete("aliases", alias_id)
                self._insert_alias(tx, keep_id, text, provenance)
            for (mention_id,) in self.conn.execute(
                "SELECT id FROM mentions WHERE entity_id = ?", (other_id,)
            ).fetchall():
                tx.update("mentions", mention_id, entity_id=keep_id, updated_at=tx.at)
            tx.update("entities", other_id, merged_into=keep_id)
        return self.entity(keep_id)

    def entity_mention_counts(self, entity_id: str) -> dict[int, int]:
        """Accepted mentions of an entity per document id."""
        eid = self.resolve_entity_id(entity_id)
        rows = self.conn.execute(
            "SELECT doc_id, count(*) FROM mentions WHERE entity_id = ? AND status = 'accepted' "
            "GROUP BY doc_id ORDER BY doc_id",
            (eid,),
        )
        return dict(rows.fetchall())

    def entity_mentions_by_document(
        self, doc_ids: Sequence[int] | None, statuses: Sequence[str] = ("accepted",)
    ) -> list[tuple[str, int, int]]:
        """(entity id, document id, mentions) for linked mentions of the documents (None: all)."""
        marks = ",".join("?" * len(statuses))
        sql = (
            "SELECT entity_id, doc_id, count(*) FROM mentions WHERE entity_id IS NOT NULL "
            f"AND status IN ({marks})"
        )
        params: list[Any] = list(statuses)
        if doc_ids is not None:
            sql += " AND doc_id IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(list(doc_ids)))
        rows = self.conn.execute(
            sql + " GROUP BY entity_id, doc_id ORDER BY entity_id, doc_id", params
        )
        return rows.fetchall()

    def entities_by_ids(self, entity_ids: Iterable[str]) -> dict[str, Entity]:
        """Entities by id (missing ids are left out)."""
        ids = list(dict.fromkeys(entity_ids))
        found: dict[str, Entity] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                f"SELECT {_ENTITY_COLUMNS} FROM entities WHERE id IN ({marks})", chunk
            ):
                found[row[0]] = _entity(row)
        return found

    def document_entity_counts(self, doc_id: int) -> list[tuple[Entity, int]]:
        """Entities linked by a document's accepted mentions, most mentioned first."""
        counts = self.conn.execute(
            "SELECT entity_id, count(*) FROM mentions WHERE doc_id = ? AND status = 'accepted' "
            "AND entity_id IS NOT NULL GROUP BY entity_id",
            (doc_id,),
        ).fetchall()
        entities = self.entities_by_ids(eid for eid, _ in counts)
        rows = [(entities[eid], n) for eid, n in counts if eid in entities]
        return sorted(rows, key=lambda row: (-row[1], row[0].name.casefold()))

    def candidate_index(self) -> SqliteCandidateIndex:
        """The linker's view of the alias index."""
        return SqliteCandidateIndex(self.conn)

    def linked_entities(self, doc_id: int) -> set[str]:
        """Entities already linked by accepted mentions of a document (the linker's context)."""
        rows = self.conn.execute(
            "SELECT DISTINCT entity_id FROM mentions WHERE doc_id = ? AND status = 'accepted' "
            "AND entity_id IS NOT NULL",
            (doc_id,),
        )
        return {r[0] for r in rows}

    def bulk_load_aliases(self, entities: Sequence[tuple[str, str, str, Sequence[str]]]) -> None:
        """Load a large KB fast: (id, name, label, aliases) rows, not logged, one transaction.

        For benchmarks and big initial imports: the change log would double the file for
        data that is not an analyst's work.
        """
        now = utc_now()
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.executemany(
                "INSERT INTO entities (id, name, label, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
                [(eid, name, label, self.annotator, now) for eid, name, label, _ in entities],
            )
            start = (self.conn.execute("SELECT max(id) FROM aliases").fetchone()[0] or 0) + 1
            rows = []
            for eid, name, _label, alias_texts in entities:
                for text in dict.fromkeys([name, *alias_texts]):
                    rows.append((start + len(rows), eid, text, match_key(text), "import", now))
            self.conn.executemany(
                "INSERT INTO aliases (id, entity_id, text, norm, provenance, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
            alias_index.add_many(self.conn, ((r[0], r[2]) for r in rows))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
