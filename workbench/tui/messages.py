"""Messages between widgets and screens of the TUI (small records, one place)."""

from __future__ import annotations

from typing import NamedTuple

from textual.message import Message


class LinkChoice(NamedTuple):
    """What the analyst picked in the link picker: an entity, a new entity (with the
    form's name, label and description), or NIL."""

    kind: str  # "entity", "new" or "nil"
    entity_id: str | None = None
    name: str = ""
    label: str = ""
    description: str = ""


class OpenAt(NamedTuple):
    """Open a document in the focused pane with the cursor at an offset."""

    doc_id: int
    offset: int = 0
    length: int = 0


class Changed(Message):
    """Something in the database changed: what the open documents show must follow.

    `mention_id`: one mention was made, edited or deleted (only its lines are redrawn);
    `events`: events or suggested triggers changed; `everything`: re-read it all (undo,
    redo, bulk changes). `status` is what the status line says about it."""

    def __init__(
        self,
        status: str,
        mention_id: int | None = None,
        events: bool = False,
        everything: bool = False,
    ) -> None:
        super().__init__()
        self.status = status
        self.mention_id = mention_id
        self.events = events
        self.everything = everything
