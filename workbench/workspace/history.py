"""Undo, redo and skip: each annotator's own changes, one use case at a time."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.workspace import Workspace


class History:
    """The annotator's undo stack (also after a restart); nobody's undo touches another's
    later work (see `workbench.store.history`)."""

    def __init__(self, workspace: Workspace) -> None:
        self.store = workspace.store

    def changed_elsewhere(self) -> bool:
        """True when another analyst (or process) changed the database since the last
        call: the TUI then reads its open documents again."""
        return self.store.changed_elsewhere()

    def undo(self) -> str:
        """Undo the newest change; returns what it was ("add mention ORG 'Quetta'")."""
        return self.store.undo()

    def redo(self) -> str:
        """Redo the most recently undone change; returns what it was."""
        return self.store.redo()

    def skip(self) -> str:
        """Leave the newest change in place for good (its undo was refused); returns it."""
        return self.store.skip_undo()
