"""Command palette (ctrl+p) providers: every action, every document, every entity."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher
from textual.markup import escape

from workbench.display import visible
from workbench.tui.actions import ACTIONS, BY_ID, keys_of
from workbench.tui.host import workbench_app

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp


def highlighted(matcher: Matcher, text: str) -> Content:
    """A palette entry that shows `text` as data (Matcher.highlight would parse it as
    markup), with the matched characters styled."""
    shown = visible(text)
    content = Content(shown)
    score, offsets = matcher.fuzzy_search.match(matcher.query, shown)
    if score:
        for offset in offsets:
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


def help_text(text: str) -> str:
    """The palette's help line is parsed as markup: escape what came from outside."""
    return escape(visible(text))


class WorkbenchProvider(Provider):
    """A palette provider that knows it runs in the Workbench app."""

    @property
    def workbench(self) -> WorkbenchApp:
        return workbench_app(self.app)


class ActionCommands(WorkbenchProvider):
    """Every action in the registry, with the keys it has now."""

    def _entries(self) -> list[tuple[str, str, str]]:
        keymap: dict[str, str] = getattr(self.app, "user_keymap", {})
        return [
            (
                action.description[:1].upper() + action.description[1:],
                action.id,
                keys_of(action, keymap),
            )
            for action in ACTIONS
            if action.palette
        ]

    def _run(self, action_id: str) -> None:
        action = BY_ID[action_id]
        if action.scope == "app":
            self.app.call_later(self.app.run_action, action.handler)
        else:
            self.workbench.main_screen.action_run(action_id)

    async def discover(self) -> Hits:
        for name, action_id, keys in self._entries():
            yield DiscoveryHit(
                name, partial(self._run, action_id), help=help_text(f"key: {keys or '—'}")
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action_id, keys in self._entries():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    highlighted(matcher, name),
                    partial(self._run, action_id),
                    help=help_text(f"key: {keys or '—'}"),
                )


class DocumentCommands(WorkbenchProvider):
    """Open any document in the focused pane."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for doc in self.workbench.workspace.corpus.summaries():
            name = f"Open [{doc.id}] {doc.title}"
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    highlighted(matcher, name),
                    partial(self.workbench.open_document, doc.id),
                    help=help_text(f"{doc.source or ''} {doc.published or ''}".strip()) or None,
                )


class EntityCommands(WorkbenchProvider):
    """Fuzzy entity search through the linker; opening one lists its mentions."""

    async def search(self, query: str) -> Hits:
        if len(query.strip()) < 2:
            return
        result = self.workbench.workspace.linker().link(query, limit=10)
        for candidate in result.candidates:
            name = f"Entity {candidate.name} ({candidate.label})"
            yield Hit(
                candidate.score / 100,
                Content(visible(name)),
                partial(self.workbench.show_entity, candidate.entity_id),
                help=help_text(f"via “{candidate.alias}”, score {candidate.score:.0f}"),
            )
