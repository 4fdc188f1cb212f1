"""Exceptions raised by the core; the CLI and TUI turn each into one clear line."""

from __future__ import annotations

from pathlib import Path


class WorkbenchError(Exception):
    """Base of every error a user can cause and should read as one line."""


class ImportFormatError(WorkbenchError):
    """An input file cannot be imported; names the file, the line if known, and why."""

    def __init__(self, path: str | Path, reason: str, line: int | None = None) -> None:
        self.path = str(path)
        self.reason = reason
        self.line = line
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")


class DocumentNotFound(WorkbenchError):
    """No document has the requested id."""

    def __init__(self, doc_id: object) -> None:
        super().__init__(f"no document with id {doc_id}")


class EntityNotFound(WorkbenchError):
    """No entity has the requested id."""

    def __init__(self, entity_id: object) -> None:
        super().__init__(f"no entity with id {entity_id!r}")


class MentionNotFound(WorkbenchError):
    """No mention has the requested id."""

    def __init__(self, mention_id: object) -> None:
        super().__init__(f"no mention with id {mention_id}")


class EventNotFound(WorkbenchError):
    """No event has the requested id."""

    def __init__(self, event_id: object) -> None:
        super().__init__(f"no event with id {event_id}")


class InvalidSpan(WorkbenchError):
    """A span's offsets do not fit the document text."""


class InvalidLabel(WorkbenchError):
    """A label is not in the project's label set."""


class DatabaseError(WorkbenchError):
    """The database cannot be opened or used (corrupt, locked, newer schema...)."""


class ConnectionLost(DatabaseError):
    """The connection to a database server broke; nothing of the change was saved."""


class NothingToUndo(WorkbenchError):
    """Undo or redo was asked for but the change log has nothing to apply."""


class UndoRefused(WorkbenchError):
    """An undo or redo would remove or change someone's later work; nothing was changed."""


class ReadOnlyDatabase(DatabaseError):
    """A write was asked of a database this process can only read."""
