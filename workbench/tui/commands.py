"""Command palette (ctrl+p) providers: every action, every document, every entity."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher
from textual.markup import escape

from workbench.display import visible


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


ACTIONS = [
    ("Annotate the selection or word", "annotate", "a / enter"),
    ("Link or relink the mention under the cursor", "relink", "l"),
    ("Relabel the mention under the cursor", "relabel", "e"),
    ("Delete the mention under the cursor", "delete_mention", "d"),
    ("Accept the suggestion under the cursor", "accept", "y"),
    ("Reject the suggestion under the cursor", "reject", "x"),
    ("Accept every suggestion of this entity", "accept_entity", "A"),
    ("Undo", "undo", "u"),
    ("Redo", "redo", "ctrl+r"),
    ("Open a document in this pane", "open_document", "o"),
    ("Swap the panes", "swap_panes", "s"),
    ("Toggle the side panel", "toggle_side_panel", "i"),
    ("Find in this document", "find", "/"),
    ("Search the corpus", "search_corpus", "ctrl+f"),
    ("List every mention of this entity", "entity_mentions", "m"),
    ("Copy the selection with its citation", "copy_selection", "c"),
    ("Copy the entity card", "copy_entity", "C"),
    (
        "Export annotations (jsonl, spacy, brat, conll, csv, stix, graphml, plugins)",
        "export",
        "ctrl+e",
    ),
]


class ActionCommands(Provider):
    """Every action of the main screen."""

    async def discover(self) -> Hits:
        for name, action, keys in ACTIONS:
            yield DiscoveryHit(
                name, partial(self.app.run_action, f"screen.{action}"), help=f"key: {keys}"
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action, keys in ACTIONS:
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    highlighted(matcher, name),
                    partial(self.app.run_action, f"screen.{action}"),
                    help=f"key: {keys}",
                )


class DocumentCommands(Provider):
    """Open any document in the focused pane."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for doc in self.app.workspace.corpus.summaries():
            name = f"Open [{doc.id}] {doc.title}"
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    highlighted(matcher, name),
                    partial(self.app.open_document, doc.id),
                    help=help_text(f"{doc.source or ''} {doc.published or ''}".strip()) or None,
                )


class EntityCommands(Provider):
    """Fuzzy entity search through the linker; opening one lists its mentions."""

    async def search(self, query: str) -> Hits:
        if len(query.strip()) < 2:
            return
        result = self.app.workspace.linker().link(query, limit=10)
        for candidate in result.candidates:
            name = f"Entity {candidate.name} ({candidate.label})"
            yield Hit(
                candidate.score / 100,
                Content(visible(name)),
                partial(self.app.show_entity, candidate.entity_id),
                help=help_text(f"via “{candidate.alias}”, score {candidate.score:.0f}"),
            )
