"""Renaming and deleting knowledge-base entities from the TUI (as `kb rename`/`kb delete`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from workbench.display import visible

if TYPE_CHECKING:
    from workbench.tui.screens.main import MainScreen


class EntityCommands:
    """Entity keys: they act on the entity of the mention under the cursor, else on one
    picked by fuzzy search of the knowledge base."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    def _entity_then(self, title: str, then: Callable[[str], object], use_cursor: bool) -> None:
        mention = self.screen.focused_pane().view.mention_at_cursor()
        if use_cursor and mention and mention.entity_id:
            then(mention.entity_id)
            return

        def chosen(entity_id: str | None) -> None:
            if entity_id:  # (escape gives None)
                then(entity_id)

        from workbench.tui.screens.search import EntityPicker

        self.screen.app.push_screen(
            EntityPicker(title, self.screen.workspace.kb.search),
            chosen,
        )

    def rename(self) -> None:
        """Give an entity another name (the old one stays an alias)."""

        def named(entity_id: str) -> None:
            from workbench.tui.screens.search import TextPrompt

            entity = self.screen.workspace.kb.entity(entity_id)
            self.screen.app.push_screen(
                TextPrompt(f"New name for {visible(entity.name)} ({entity.id})", entity.name),
                lambda name: (
                    name
                    and self.screen.apply(
                        f"renamed {entity.id} to {name!r}",
                        lambda: self.screen.workspace.kb.rename(entity.id, name),
                    )
                ),
            )

        self._entity_then("Rename which entity?", named, use_cursor=True)

    def delete(self) -> None:
        """Delete an entity nothing uses; else say where it is used."""
        self._entity_then(
            "Delete which entity? (only one nothing uses)",
            lambda entity_id: self.screen.apply(
                f"deleted entity {entity_id}", lambda: self.screen.workspace.kb.delete(entity_id)
            ),
            use_cursor=False,  # the mention under the cursor uses its entity
        )
