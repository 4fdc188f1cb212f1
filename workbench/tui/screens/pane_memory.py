"""What the main screen remembers across restarts: the document and cursor of each pane,
the focused pane, and the last cursor in each recently read document (project settings,
through the application layer)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.workspace import Workspace

PANES_SETTING = "tui.panes"
FOCUS_SETTING = "tui.focused_pane"
CURSORS_SETTING = "tui.cursors"
# Documents whose last cursor position is remembered across restarts.
CURSORS_KEPT = 200


class PaneMemory:
    """Reads and writes the main screen's remembered state; a save that would write what
    was written last writes nothing."""

    def __init__(self) -> None:
        self._saved: list[list[int | None]] | None = None

    def panes(self, workspace: Workspace) -> dict[int, tuple[int, int]]:
        """Pane index -> (document id, cursor), as last saved."""
        try:
            data = json.loads(workspace.recall(PANES_SETTING) or "[]")
            return {i: (int(d), int(c)) for i, (d, c) in enumerate(data) if d is not None}
        except (ValueError, TypeError):
            return {}

    def cursors(self, workspace: Workspace) -> dict[int, int]:
        """Document id -> the last cursor there, oldest first."""
        try:
            remembered = json.loads(workspace.recall(CURSORS_SETTING) or "{}")
            return {int(doc): int(offset) for doc, offset in remembered.items()}
        except (ValueError, TypeError, AttributeError):
            return {}

    def focused(self, workspace: Workspace) -> int:
        """The pane that had the focus."""
        return 1 if workspace.recall(FOCUS_SETTING) == "1" else 0

    def save(
        self,
        workspace: Workspace,
        positions: dict[int, tuple[int, int]],
        focused: int,
        cursors: dict[int, int],
        *,
        always: bool = False,
    ) -> None:
        """Remember the panes' documents and cursors, the focused pane and the newest
        CURSORS_KEPT documents' cursors (`always`: even when the panes did not change)."""
        state: list[list[int | None]] = [list(positions.get(i, (None, 0))) for i in (0, 1)]
        if state == self._saved and not always:
            return
        workspace.remember(PANES_SETTING, json.dumps(state))
        workspace.remember(FOCUS_SETTING, str(focused))
        recent = dict(list(cursors.items())[-CURSORS_KEPT:])
        workspace.remember(CURSORS_SETTING, json.dumps(recent))
        self._saved = state
