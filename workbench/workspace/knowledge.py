"""The knowledge base: list, add, merge, link a name, entity cards and their mentions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.errors import WorkbenchError
from workbench.model import ACCEPTED, Entity, EntityCard, MentionInContext
from workbench.store import EntityListing

__all__ = ["Knowledge", "NameLine"]


def __getattr__(name: str) -> object:
    # NameLine is re-exported for the command line, and read on first use: the TUI's
    # first frame does not wait for the importers
    if name == "NameLine":
        from workbench.importers.names import NameLine

        return NameLine
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if TYPE_CHECKING:
    from workbench.importers import ImportSummary
    from workbench.importers.names import NameLine
    from workbench.linking.linker import Candidate, LinkResult
    from workbench.workspace import Workspace

# Characters of text shown on each side of a mention in a list of mentions.
CONTEXT = 40


class Knowledge:
    """Entities, their aliases and what links to them."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.store = workspace.store

    def listing(self, label: str | None = None) -> list[EntityListing]:
        """Every entity with its aliases and mention count, by name."""
        return self.store.kb.listing(label)

    def entity(self, entity_id: str) -> Entity:
        """One entity (following merges)."""
        return self.store.kb.entity(entity_id)

    def describe(self, entity_id: str) -> str:
        """An entity's one-line description ("" when it has none or is gone)."""
        try:
            return self.store.kb.entity(entity_id).description
        except WorkbenchError:
            return ""

    def add(
        self,
        name: str,
        label: str,
        aliases: tuple[str, ...] = (),
        description: str = "",
        entity_id: str | None = None,
        force: bool = False,
    ) -> Entity:
        """Add an entity with its name and aliases; another of the same name and label is
        refused (naming it) unless `force`."""
        label = self.store.kb.check_label(label)
        same = self.store.kb.named(name, label)
        if same and not force and entity_id is None:
            ids = ", ".join(e.id for e in same)
            raise WorkbenchError(
                f"an entity named {name!r} ({label}) exists already: {ids}; add another "
                "only with --force"
            )
        return self.store.kb.add_entity(
            name, label, description=description, aliases=aliases, entity_id=entity_id
        )

    def rename(self, entity_id: str, name: str) -> Entity:
        """Give an entity another name (the old one stays an alias)."""
        return self.store.kb.rename(entity_id, name)

    def delete(self, entity_id: str) -> Entity:
        """Delete an entity that nothing uses; else say where it is used."""
        return self.store.kb.delete(entity_id)

    def merge(self, keep: str, other: str) -> Entity:
        """Move OTHER's aliases and mentions to KEEP; OTHER then redirects to KEEP."""
        return self.store.kb.merge(keep, other)

    def import_file(
        self, path: Path, progress: Callable[[int, int], None] | None = None
    ) -> ImportSummary:
        """Import entities and aliases from a JSONL file (one change); `progress(aliases
        stored, aliases to store)` is told as they are stored."""
        from workbench import collector
        from workbench.importers import import_kb_file

        with collector.paused():  # (millions of records and index rows, all kept: no cycles)
            return import_kb_file(self.store, path, progress)

    def link(
        self, text: str, label: str | None = None, doc_id: int | None = None, limit: int = 10
    ) -> LinkResult:
        """Rank entities for a mention text and decide link or NIL."""
        if doc_id is not None:
            self.store.documents.get(doc_id)  # a clear error for a wrong id
        return self.workspace.annotations.candidates(text, label, doc_id, limit)

    def link_list(
        self,
        path: Path,
        column: str | None = None,
        label: str | None = None,
        limit: int = 10,
        progress: Callable[[int, int], None] | None = None,
    ) -> Iterator[NameLine | LinkResult]:
        """Link every name of a list file (one per line, or a CSV column), in order: each
        gives its result, or its NameLine when the line is not a name. The file is read
        (and refused when unreadable) before the first result."""
        from workbench.importers.names import read_names

        entries = read_names(path, column)
        return self._linked(entries, label, limit, progress)

    def _linked(
        self,
        entries: list[NameLine],
        label: str | None,
        limit: int,
        progress: Callable[[int, int], None] | None,
    ) -> Iterator[NameLine | LinkResult]:
        linker = self.workspace.linker()
        for done, entry in enumerate(entries, start=1):
            yield entry if entry.problem else linker.link(entry.name, label, limit=limit)
            if progress:
                progress(done, len(entries))

    def search(self, query: str, limit: int = 10) -> list[Candidate]:
        """Fuzzy search of the knowledge base (the linker, any label)."""
        return self.workspace.linker().link(query, limit=min(limit, 100)).candidates

    def card(self, entity_id: str) -> EntityCard:
        """An entity with its aliases and its mentions per document (with titles)."""
        entity = self.store.kb.entity(entity_id)
        counts = self.store.mentions.per_document(entity.id)
        titles = self.store.documents.titles(list(counts))
        return EntityCard(
            entity,
            [a.text for a in self.store.kb.aliases(entity.id)],
            [(doc_id, titles.get(doc_id, "?"), n) for doc_id, n in counts.items()],
        )

    def card_text(self, entity_id: str) -> str:
        """The entity card as text to copy."""
        card = self.card(entity_id)
        entity = card.entity
        mentions = ", ".join(f"doc {d}: {n}" for d, _, n in card.mentions_per_document)
        return (
            f"{entity.name} ({entity.label}, {entity.id})\n{entity.description}\n"
            f"aliases: {', '.join(card.aliases)}\nmentions: {mentions}"
        )

    def mentions_in_context(self, entity_id: str) -> list[MentionInContext]:
        """Every accepted mention of an entity across the corpus, with the text around it."""
        entity = self.store.kb.entity(entity_id)
        counts = self.store.mentions.per_document(entity.id)
        titles = self.store.documents.titles(list(counts))
        found = []
        for doc_id in counts:
            text = self.store.documents.text(doc_id)
            for m in self.store.mentions.of_document(doc_id, (ACCEPTED,)):
                if m.entity_id == entity.id:
                    around = text[max(0, m.start - CONTEXT) : m.end + CONTEXT]
                    found.append(
                        MentionInContext(
                            doc_id, titles.get(doc_id, ""), m, " ".join(around.split())
                        )
                    )
        return found

    def document_entities(self, doc_id: int) -> list[tuple[Entity, int]]:
        """The entities a document links to, most mentioned first."""
        counts = self.store.mentions.document_entity_counts(doc_id)
        found = self.store.kb.entities_by_ids(eid for eid, _ in counts)
        return sorted(
            ((found[eid], n) for eid, n in counts if eid in found),
            key=lambda row: (-row[1], row[0].name.casefold()),
        )

    def shared_entities(self, first: int, second: int) -> list[Entity]:
        """The entities both documents link to, by name."""
        both = self.store.mentions.linked_entities(first) & self.store.mentions.linked_entities(
            second
        )
        return sorted(self.store.kb.entities_by_ids(both).values(), key=lambda e: e.name.casefold())
