"""The knowledge base: entities, their aliases, merging; the label set.

One module of about 400 lines on purpose: every statement that reads or writes the
entities and aliases tables is here, so that a change to either (a column, a rule for
names) is made and reviewed in one place; the candidate index's SQL is in `alias_index`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from workbench.errors import EntityNotFound, InvalidLabel, WorkbenchError
from workbench.linking.bulk import alias_preparer
from workbench.linking.normalise import match_key, strip_diacritics
from workbench.model import MAX_NAME_LENGTH, Alias, Entity, NewEntity
from workbench.store.alias_index import AliasIndexUpkeep, SqliteCandidateIndex
from workbench.store.changelog import Transaction
from workbench.store.database import Database

_SLUG = re.compile(r"[^a-z0-9]+")
_ENTITY_COLUMNS = "id, name, label, description, external_ids, created_by, created_at"


def slugify(name: str) -> str:
    """An id-friendly form of a name: "Jaish al-Adl" -> "jaish-al-adl"."""
    slug = _SLUG.sub("-", strip_diacritics(name).lower()).strip("-")
    return slug[:60] or "entity"


def _entity(row: Sequence[Any]) -> Entity:
    eid, name, label, description, external_ids, created_by, created_at = row
    return Entity(
        eid, name, label, description, json.loads(external_ids or "{}"), created_by, created_at
    )


# Aliases stored (and indexed) per step of an import: each step moves the progress bar.
ALIASES_PER_STEP = 50_000


def _clean_name(text: str) -> str:
    return " ".join(text.split())


class EntityListing(NamedTuple):
    """An entity with its aliases and accepted mentions, for lists (`kb list`)."""

    entity: Entity
    aliases: list[str]
    mentions: int


class KnowledgeBase:
    """Entities and aliases; every alias written also updates the linker's index."""

    def __init__(self, db: Database) -> None:
        self.db = db
        db.hooks["aliases"] = AliasIndexUpkeep()
        self._label_cache: frozenset[str] = frozenset()

    # -- labels ------------------------------------------------------------------------

    def labels(self) -> list[str]:
        """The project's label set, in display order."""
        return [str(r[0]) for r in self.db.rows("SELECT name FROM labels ORDER BY position")]

    def check_label(self, label: str) -> str:
        """Return the label if it is in the label set, else raise InvalidLabel."""
        label = label.strip().upper()
        if label not in self._label_cache:
            # re-read on a miss: another process may have added the label
            self._label_cache = frozenset(self.labels())
        if label not in self._label_cache:
            raise InvalidLabel(f"unknown label {label!r} (known: {', '.join(self.labels())})")
        return label

    # -- writing -----------------------------------------------------------------------

    def new_entity_id(self, name: str) -> str:
        """A free id made from a name: "jaish-al-adl", else "jaish-al-adl-2", ..."""
        base = slugify(name)
        candidate, n = base, 1
        while self.db.one("SELECT 1 FROM entities WHERE id = ?", (candidate,)):
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
        external_ids: Mapping[str, str] | None = None,
        provenance: str = "user",
    ) -> Entity:
        """Create an entity with its name and aliases as aliases; returns it."""
        name = _clean_name(name)
        if not name:
            raise WorkbenchError("an entity needs a non-empty name")
        if len(name) > MAX_NAME_LENGTH:
            raise WorkbenchError(f"entity name longer than {MAX_NAME_LENGTH} characters")
        label = self.check_label(label)
        with self.db.transaction("add entity") as tx:
            eid = entity_id or self.new_entity_id(name)
            if self.db.one("SELECT 1 FROM entities WHERE id = ?", (eid,)):
                raise WorkbenchError(f"an entity with id {eid!r} already exists")
            self.insert_entity(tx, eid, name, label, description, external_ids or {})
            for alias in dict.fromkeys([name, *aliases]):
                self.insert_alias(tx, eid, alias, provenance)
        return self.entity(eid)

    def insert_entity(
        self,
        tx: Transaction,
        eid: str,
        name: str,
        label: str,
        description: str,
        external_ids: Mapping[str, str],
    ) -> None:
        """Insert one entity row inside an open transaction."""
        tx.insert(
            "entities",
            {
                "id": eid,
                "name": name,
                "label": label,
                "description": description,
                "external_ids": json.dumps(dict(external_ids), sort_keys=True),
                "created_by": self.db.annotator,
                "created_at": tx.at,
            },
        )

    def insert_alias(self, tx: Transaction, entity_id: str, text: str, provenance: str) -> bool:
        """Add a surface form inside an open transaction; False if it was there already
        (or is empty or too long to be a name)."""
        text = _clean_name(text)
        if not text or len(text) > MAX_NAME_LENGTH:
            return False
        if self.db.one("SELECT 1 FROM aliases WHERE entity_id = ? AND text = ?", (entity_id, text)):
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
        self,
        entities: Sequence[NewEntity],
        provenance: str = "import",
        progress: Callable[[int, int], None] | None = None,
    ) -> tuple[int, int]:
        """Add entities (by id) and their missing aliases in one transaction, idempotent:
        new entities are written by one bulk insert, new aliases by bulk inserts of
        ALIASES_PER_STEP each, after which `progress(aliases stored, aliases to store)` is
        told (a knowledge base of a million aliases is one change, undone as one)."""
        expected = sum(1 + len(record.aliases) for record in entities)
        with (
            alias_preparer(expected) as preparer,
            self.db.large_write(),
            self.db.transaction("import entities") as tx,
        ):
            known = {
                str(eid): str(label)
                for eid, label in self.db.rows_in(
                    "SELECT id, label FROM entities WHERE id IN ({marks})",
                    dict.fromkeys(e.id for e in entities if e.id),
                )
            }
            existing = set(known)  # (only these can have aliases already)
            new_rows: list[tuple[Any, ...]] = []
            wanted: dict[tuple[str, str], None] = {}
            for record in entities:
                label = self.check_label(record.label)
                eid = record.id or self.new_entity_id(record.name)
                for text in (record.name, *record.aliases):
                    if len(_clean_name(text)) > MAX_NAME_LENGTH:
                        raise WorkbenchError(
                            f"entity {eid!r}: a name or alias longer than {MAX_NAME_LENGTH} "
                            "characters"
                        )
                if eid in known and known[eid] != label:
                    raise WorkbenchError(
                        f"entity {eid!r} exists with label {known[eid]}; the file gives {label}"
                    )
                if eid not in known:
                    known[eid] = label
                    name = _clean_name(record.name)
                    external = (
                        json.dumps(dict(record.external_ids), sort_keys=True)
                        if record.external_ids
                        else "{}"
                    )
                    new_rows.append((eid, name, label, record.description, external))
                for alias in (record.name, *record.aliases):
                    text = _clean_name(alias)
                    if text:
                        wanted[(eid, text)] = None
            tx.insert_many(
                "entities",
                ("name", "label", "description", "external_ids"),
                [row[1:] for row in new_rows],
                {"created_by": self.db.annotator, "created_at": tx.at},
                ids=[row[0] for row in new_rows],
            )
            present = {
                (str(eid), str(text))
                for eid, text in self.db.rows_in(
                    "SELECT entity_id, text FROM aliases WHERE entity_id IN ({marks})",
                    dict.fromkeys(eid for eid, _ in wanted if eid in existing),
                )
            }
            missing = [alias for alias in wanted if alias not in present]
            ids = tx.next_ids("aliases", len(missing))
            batches = preparer.batches(ids.start, [text for _, text in missing], ALIASES_PER_STEP)
            for start, (keys, entries) in zip(
                range(0, len(missing), ALIASES_PER_STEP), batches, strict=True
            ):
                batch = missing[start : start + ALIASES_PER_STEP]
                tx.insert_many(
                    "aliases",
                    ("entity_id", "text", "norm"),
                    [(eid, text, key) for (eid, text), key in zip(batch, keys, strict=True)],
                    {"provenance": provenance, "created_at": tx.at},
                    ids=ids[start : start + len(batch)],
                    prepared=entries,
                )
                if progress is not None:
                    progress(start + len(batch), len(missing))
        return len(new_rows), len(missing)

    def add_alias(self, entity_id: str, text: str, provenance: str = "user") -> bool:
        """Add a surface form to an entity; False if it was already there."""
        entity = self.entity(entity_id)
        with self.db.transaction("add alias") as tx:
            return self.insert_alias(tx, entity.id, text, provenance)

    def rename(self, entity_id: str, name: str) -> Entity:
        """Give an entity another canonical name (which becomes one of its aliases too)."""
        entity = self.entity(entity_id)
        name = _clean_name(name)
        if not name or len(name) > MAX_NAME_LENGTH:
            raise WorkbenchError(f"a name needs 1 to {MAX_NAME_LENGTH} characters")
        with self.db.transaction(f"rename entity {entity.id}") as tx:
            tx.update("entities", entity.id, name=name)
            self.insert_alias(tx, entity.id, name, "user")
        return self.entity(entity.id)

    def uses(self, entity_id: str) -> tuple[dict[int, int], list[str]]:
        """What points at an entity: mentions per document (any status), and the ids of
        entities merged into it."""
        rows = self.db.rows(
            "SELECT doc_id, count(*) FROM mentions WHERE entity_id = ? GROUP BY doc_id "
            "ORDER BY doc_id",
            (entity_id,),
        )
        merged = self.db.rows("SELECT id FROM entities WHERE merged_into = ?", (entity_id,))
        return {int(d): int(n) for d, n in rows}, [str(r[0]) for r in merged]

    def delete(self, entity_id: str) -> Entity:
        """Delete an entity nothing uses (no mention links to it, nothing was merged into
        it), with its aliases; else say where it is used."""
        entity = self.entity(entity_id)
        mentions, merged = self.uses(entity.id)
        if mentions or merged:
            where = []
            if mentions:
                documents = ", ".join(str(d) for d in mentions)
                where.append(f"{sum(mentions.values())} mention(s) in document(s) {documents}")
            if merged:
                where.append(f"entities merged into it ({', '.join(merged)})")
            raise WorkbenchError(
                f"entity {entity.id!r} is used by {' and '.join(where)}; unlink or delete "
                "those first"
            )
        with self.db.transaction(f"delete entity {entity.id}") as tx:
            for (alias_id,) in self.db.rows(
                "SELECT id FROM aliases WHERE entity_id = ?", (entity.id,)
            ):
                tx.delete("aliases", alias_id)
            tx.delete("entities", entity.id)
        return entity

    def named(self, name: str, label: str) -> list[Entity]:
        """Live entities with this name (ignoring case) and label."""
        rows = self.db.rows(
            f"SELECT {_ENTITY_COLUMNS} FROM entities WHERE merged_into IS NULL AND label = ? "
            "AND lower(name) = lower(?)",
            (label, _clean_name(name)),
        )
        return [_entity(r) for r in rows]

    def merge(self, keep: str, other: str) -> Entity:
        """Move `other`'s aliases and mentions to `keep`; `other` then redirects to `keep`."""
        keep_id, other_id = self.resolve(keep), self.resolve(other)
        if keep_id == other_id:
            raise WorkbenchError(f"{keep!r} and {other!r} are already the same entity")
        with self.db.transaction("merge entities") as tx:
            for alias_id, text, provenance in self.db.rows(
                "SELECT id, text, provenance FROM aliases WHERE entity_id = ?", (other_id,)
            ):
                tx.delete("aliases", alias_id)
                self.insert_alias(tx, keep_id, text, provenance)
            for (mention_id,) in self.db.rows(
                "SELECT id FROM mentions WHERE entity_id = ?", (other_id,)
            ):
                tx.update("mentions", mention_id, entity_id=keep_id, updated_at=tx.at)
            tx.update("entities", other_id, merged_into=keep_id)
        return self.entity(keep_id)

    # -- reading -----------------------------------------------------------------------

    def resolve(self, entity_id: str) -> str:
        """Follow merge redirects to the entity that lives on."""
        seen = set()
        current = entity_id
        while current not in seen:
            seen.add(current)
            row = self.db.one("SELECT merged_into FROM entities WHERE id = ?", (current,))
            if row is None:
                raise EntityNotFound(entity_id)
            if row[0] is None:
                return current
            current = str(row[0])
        raise WorkbenchError(f"entity {entity_id!r} has a merge cycle")

    def entity(self, entity_id: str) -> Entity:
        """The entity, following merge redirects."""
        row = self.db.one(
            f"SELECT {_ENTITY_COLUMNS} FROM entities WHERE id = ?", (self.resolve(entity_id),)
        )
        assert row is not None
        return _entity(row)

    def entities(self, label: str | None = None) -> list[Entity]:
        """Every live (not merged away) entity, by name."""
        sql = f"SELECT {_ENTITY_COLUMNS} FROM entities WHERE merged_into IS NULL"
        params: tuple[str, ...] = ()
        if label:
            sql += " AND label = ?"
            params = (label.upper(),)
        return [_entity(r) for r in self.db.rows(sql + " ORDER BY name COLLATE NOCASE", params)]

    def entities_by_ids(self, entity_ids: Iterable[str]) -> dict[str, Entity]:
        """Entities by id (missing ids are left out)."""
        return {
            str(row[0]): _entity(row)
            for row in self.db.rows_in(
                f"SELECT {_ENTITY_COLUMNS} FROM entities WHERE id IN ({{marks}})",
                dict.fromkeys(entity_ids),
            )
        }

    def listing(self, label: str | None = None) -> list[EntityListing]:
        """Every live entity with its aliases and accepted mentions, by name, in one query."""
        where = "WHERE e.merged_into IS NULL" + (" AND e.label = ?" if label else "")
        rows = self.db.rows(
            f"""
            SELECT {", ".join("e." + c.strip() for c in _ENTITY_COLUMNS.split(","))},
                (SELECT json_group_array(a.text) FROM
                    (SELECT text FROM aliases WHERE entity_id = e.id ORDER BY id) a),
                (SELECT count(*) FROM mentions m
                    WHERE m.entity_id = e.id AND m.status = 'accepted')
            FROM entities e {where} ORDER BY e.name COLLATE NOCASE
            """,
            (label.upper(),) if label else (),
        )
        return [EntityListing(_entity(r[:7]), json.loads(r[7]), int(r[8])) for r in rows]

    def aliases(self, entity_id: str) -> list[Alias]:
        """An entity's aliases, oldest first."""
        rows = self.db.rows(
            "SELECT id, entity_id, text, norm, provenance FROM aliases WHERE entity_id = ? "
            "ORDER BY id",
            (self.resolve(entity_id),),
        )
        return [Alias(*r) for r in rows]

    def candidate_index(self) -> SqliteCandidateIndex:
        """The linker's view of the alias index."""
        return SqliteCandidateIndex(self.db)

    def version(self) -> tuple[int, int, int]:
        """(aliases, newest alias id, merged entities): changes whenever patterns must."""
        row = self.db.one(
            "SELECT count(*), coalesce(max(id), 0), "
            "(SELECT count(*) FROM entities WHERE merged_into IS NOT NULL) FROM aliases"
        )
        assert row is not None
        return int(row[0]), int(row[1]), int(row[2])

    def alias_rows_since(self, alias_id: int) -> list[tuple[int, str, str, str]]:
        """(alias id, entity id, entity label, alias text) of aliases newer than alias_id."""
        return [
            (int(a), str(e), str(label), str(text))
            for a, e, label, text in self.db.rows(
                "SELECT a.id, a.entity_id, e.label, a.text FROM aliases a "
                "JOIN entities e ON e.id = a.entity_id WHERE a.id > ? ORDER BY a.id",
                (alias_id,),
            )
        ]

    def redirects(self) -> dict[str, str]:
        """Merged entity id -> the entity it was merged into (followed to the end)."""
        rows = {
            str(a): str(b)
            for a, b in self.db.rows(
                "SELECT id, merged_into FROM entities WHERE merged_into IS NOT NULL"
            )
        }
        resolved = {}
        for start in rows:
            target, seen = rows[start], {start}
            while target in rows and target not in seen:
                seen.add(target)
                target = rows[target]
            resolved[start] = target
        return resolved
