"""Messages between widgets and screens of the TUI (small dataclasses, one place)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LinkChoice:
    """What the analyst picked in the link picker."""

    kind: str  # "entity", "new" or "nil"
    entity_id: str | None = None


@dataclass(frozen=True)
class OpenAt:
    """Open a document in the focused pane with the cursor at an offset."""

    doc_id: int
    offset: int = 0
    length: int = 0
