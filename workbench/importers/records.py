"""What an importer plugin returns: documents with their annotations, ready to store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from workbench.model import NewDocument, NewEntity, NewMention


@dataclass(frozen=True)
class ImportedDocument:
    """A document read by an importer, with mentions, the entities they link to, and
    events in the gold shape of `workbench.importers.events`."""

    document: NewDocument
    mentions: tuple[NewMention, ...] = ()
    entities: tuple[NewEntity, ...] = ()
    events: tuple[dict[str, Any], ...] = ()
    path: Path | None = None


@dataclass(frozen=True)
class Importer:
    """One import format: `read(path)` turns a file or folder into ImportedDocuments."""

    name: str
    description: str
    read: Callable[[Path], list[ImportedDocument]]
    suffixes: tuple[str, ...] = field(default=())


def is_integer(value: object) -> TypeGuard[int]:
    """An int that is not a bool (JSON's true is not an offset)."""
    return isinstance(value, int) and not isinstance(value, bool)
