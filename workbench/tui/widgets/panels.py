"""The pane title bar, the status line and the side panel: they show state, nothing more."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from rich.text import Text
from textual.widget import Widget

from workbench.display import visible
from workbench.model import Document, Entity, EntityCard, Event, TriggerSuggestion
from workbench.tui.styles import label_colour


class TextView(Widget):
    """Shows one Text. Its size comes from CSS, so new text repaints it without a layout
    pass over the whole screen (which Static.update would ask for on every keystroke)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._text = Text()

    def update(self, text: Text) -> None:
        """Replace the text (untrusted parts must already be plain Text, never markup)."""
        if text != self._text:
            self._text = text
            self.refresh()

    def render(self) -> Text:
        return self._text


class PaneTitle(TextView):
    """Title, source, date and counts of the document in a pane."""

    def show(
        self,
        document: Document | None,
        mentions: int,
        suggestions: int,
        focused: bool,
        caption: str = "",
    ) -> None:
        if document is None:
            self.update(Text("no document — press o to open one", style="dim"))
            return
        text = Text(no_wrap=True, overflow="ellipsis")
        if caption:
            text.append(f"{visible(caption)}: ", style="bold reverse")
        # counts first: a long title is cut at the right edge, the counts never are
        text.append(f"[{document.id}] ", style="bold" if focused else "dim")
        text.append(f"{mentions} mentions", style="green")
        if suggestions:
            text.append(f", {suggestions} suggested", style="yellow")
        text.append(" · ")
        text.append(visible(document.title), style="bold")
        details = " · ".join(x for x in (document.source, document.published) if x)
        if details:
            text.append(f" · {visible(details)}", style="dim")
        self.update(text)


class PanelState(NamedTuple):
    """Everything the side panel draws."""

    card: EntityCard | None
    mention_text: str | None
    document_entities: list[tuple[Entity, int]]
    shared: list[Entity]
    events: Sequence[Event] = ()
    event_here: int | None = None
    suggested_trigger: TriggerSuggestion | None = None


def _heading(text: Text, title: str) -> None:
    text.append(f"\n{title}\n", style="bold underline")


class SidePanel(TextView):
    """Entity card, the focused document's entities, and the entities both panes share."""

    def show(self, state: PanelState) -> None:
        text = Text()
        _heading(text, "Entity")
        if state.card:
            card = state.card
            text.append(visible(card.entity.name), style=f"bold {label_colour(card.entity.label)}")
            text.append(visible(f"  {card.entity.label}  ({card.entity.id})") + "\n", style="dim")
            if card.entity.description:
                text.append(visible(card.entity.description) + "\n", style="italic")
            text.append("aliases: ", style="dim")
            text.append(visible(", ".join(card.aliases)) + "\n")
            for doc_id, title, count in card.mentions_per_document:
                text.append(f"  [{doc_id}] {count}× ", style="bold")
                text.append(visible(title[:60]) + "\n", style="dim")
            text.append("j: next mention of it\n", style="dim")
        elif state.mention_text is not None:
            text.append(f"{visible(state.mention_text)}  (not linked)\n", style="italic")
        else:
            text.append("cursor is not on a mention\n", style="dim")
        if state.suggested_trigger is not None:
            trigger = state.suggested_trigger
            _heading(text, "Suggested event")
            kind = f"{trigger.type} / {trigger.subtype}" if trigger.subtype else trigger.type
            text.append(visible(f"{kind}  “{trigger.text}”") + "\n", style="#ff5fd7")
            text.append("y: record it (confirm the type) · x: reject\n", style="dim")
        _heading(text, "Events")
        if not state.events:
            text.append("none (E marks one)\n", style="dim")
        for event in state.events[:20]:
            style = "bold reverse" if event.id == state.event_here else ""
            text.append(visible(f"{event.date or '?':10} "), style="dim")
            text.append(visible(event.subtype or event.type), style=style or "#ff5fd7")
            if event.cluster_id:
                text.append(f" ⇄{event.cluster_id}", style="dim")
            text.append("\n")
            if event.id == state.event_here:
                for role in event.roles:
                    text.append(
                        visible(f"   {role.role}: {role.entity_name or role.mention_text}") + "\n",
                        style="dim",
                    )
        _heading(text, "In this document")
        for entity, count in state.document_entities[:40]:
            text.append(f"{count:>3} ", style="dim")
            text.append(visible(entity.name), style=label_colour(entity.label))
            text.append(visible(f" {entity.label}") + "\n", style="dim")
        _heading(text, "Shared by both panes")
        if not state.shared:
            text.append("none\n", style="dim")
        for entity in state.shared[:40]:
            text.append("• ")
            text.append(visible(entity.name) + "\n", style=label_colour(entity.label))
        self.update(text)
