"""Messages between widgets and screens of the TUI (small records, one place)."""

from __future__ import annotations

from typing import NamedTuple


class LinkChoice(NamedTuple):
    """What the analyst picked in the link picker."""

    kind: str  # "entity", "new" or "nil"
    entity_id: str | None = None


class OpenAt(NamedTuple):
    """Open a document in the focused pane with the cursor at an offset."""

    doc_id: int
    offset: int = 0
    length: int = 0
