"""What the annotation keys do: label, link, relabel, relink, delete, span edits,
suggestions, undo/redo. Each is one call to the application layer, saved at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from workbench.display import plural
from workbench.model import (
    SUGGESTED,
    LinkDecision,
    LinkTo,
    Mention,
    NewEntityLink,
    TriggerSuggestion,
)
from workbench.tui import layout
from workbench.tui.messages import LinkChoice
from workbench.workspace.annotating import Annotated
from workbench.workspace.text import quoted_short

if TYPE_CHECKING:
    from workbench.linking.linker import Candidate
    from workbench.tui.screens.main import MainScreen


class AnnotationCommands:
    """The main screen's annotation keys."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    @property
    def workspace(self):  # type: ignore[no-untyped-def]
        return self.screen.workspace

    def _mention_here(self, status: str | None = None) -> Mention | None:
        view = self.screen.focused_pane().view
        mentions = [
            m for m in view.mentions_at(view.cursor) if status is None or m.status == status
        ]
        if not mentions:
            what = "a suggestion" if status == SUGGESTED else "a mention"
            self.screen.notify(f"the cursor is not on {what}", severity="warning")
            return None
        return mentions[0]

    def _saved(self, what: str) -> Callable[[Annotated], str]:
        """The status line after an annotation: what was saved, and what the knowledge
        base learnt on the way (a new entity, a new alias)."""

        def describe(annotated: Annotated) -> str:
            mention = annotated.mention
            words = [what]
            if annotated.new_entity is not None:
                entity = annotated.new_entity
                words.append(f"new entity {entity.name} ({entity.id})")
            elif annotated.learned_alias and mention.entity_id:
                name = self.workspace.kb.entity(mention.entity_id).name
                words.append(f"added alias {quoted_short(annotated.learned_alias)} to {name}")
            return "saved: " + "; ".join(words)

        return describe

    # -- create ----------------------------------------------------------------------------

    def annotate(self) -> None:
        """Label the selection or the word under the cursor, then link it."""
        view = self.screen.focused_pane().view
        span = view.target_span()
        if not view.document or not span:
            self.screen.notify(
                "select text (W, shift+arrows or v) or put the cursor on a word",
                severity="warning",
            )
            return
        start, end = layout.trimmed(view.text, *span)
        if start >= end:
            self.screen.notify("the selection holds only spaces", severity="warning")
            return
        text = view.text[start:end]
        doc_id = view.document.id
        labels = self.workspace.annotations.labels()
        guess = self.workspace.annotations.candidates(text, None, doc_id, limit=1).link

        def labelled(label: str | None) -> None:
            if label:
                self.ask_link(
                    text, label, lambda choice: self._create(doc_id, start, end, label, choice)
                )

        from workbench.tui.screens.pickers import LabelPicker  # (not needed at start)

        self.screen.app.push_screen(
            LabelPicker(labels, text, guess.label if guess else None), labelled
        )

    def ask_link(self, text: str, label: str, then: Callable[[LinkChoice], None]) -> None:
        """Open the link picker for a surface form; `then` gets the analyst's choice."""
        document = self.screen.focused_pane().document
        doc_id = document.id if document else None
        reader = self.screen.worker_workspace()  # the picker ranks in a worker thread

        def rank(query: str) -> tuple[list[Candidate], str]:
            # the typed text across labels; the mention's own text with its label first
            exact = query == " ".join(text.split())
            result = reader.annotations.candidates(query, label if exact else None, doc_id, 20)
            if exact:
                others = reader.annotations.candidates(query, None, doc_id, 20).candidates
                seen = {c.entity_id for c in result.candidates}
                return [
                    *result.candidates,
                    *(c for c in others if c.entity_id not in seen),
                ], result.reason
            return result.candidates, result.reason

        def chosen(choice: LinkChoice | None) -> None:
            if choice:  # (escape gives None)
                then(choice)

        from workbench.tui.screens.pickers import LinkPicker

        self.screen.app.push_screen(
            LinkPicker(text, label, rank, reader.kb.describe, self.workspace.annotations.labels()),
            chosen,
        )

    @staticmethod
    def decision(choice: LinkChoice) -> LinkDecision:
        """What the workspace is asked to link to."""
        if choice.kind == "entity" and choice.entity_id:
            return LinkTo(choice.entity_id)
        if choice.kind == "new":
            return NewEntityLink(choice.name, choice.label, choice.description)
        return None

    def _create(self, doc_id: int, start: int, end: int, label: str, choice: LinkChoice) -> None:
        text = self.screen.focused_pane().view.text[start:end]
        what = f"{label} {quoted_short(text)}"
        annotated = self.screen.apply(
            what,
            lambda: self.workspace.annotations.annotate(
                doc_id, start, end, label, self.decision(choice)
            ),
            self._saved(what),
        )
        if annotated is not None:
            view = self.screen.focused_pane().view
            view.selection_anchor = None
            view.selection_mode = False
            view.move_to(start)

    # -- edit ------------------------------------------------------------------------------

    def relabel(self) -> None:
        """Give the mention under the cursor another label."""
        mention = self._mention_here()
        if not mention:
            return
        from workbench.tui.screens.pickers import LabelPicker

        def picked(label: str | None) -> None:
            if label:
                self.screen.apply(
                    f"relabelled as {label}",
                    lambda: self.workspace.annotations.relabel(mention.id, label),
                )

        self.screen.app.push_screen(
            LabelPicker(self.workspace.annotations.labels(), mention.text, mention.label), picked
        )

    def relink(self) -> None:
        """Link the mention under the cursor to another entity, a new one, or none."""
        mention = self._mention_here()
        if not mention:
            return

        def linked(choice: LinkChoice) -> None:
            what = "linked" if choice.kind != "nil" else "unlinked (NIL)"
            self.screen.apply(
                what,
                lambda: self.workspace.annotations.relink(mention.id, self.decision(choice)),
                self._saved(what),
                mention_id=mention.id,
            )

        self.ask_link(mention.text, mention.label, linked)

    def delete(self) -> None:
        """Delete the mention under the cursor."""
        mention = self._mention_here()
        if mention:
            self.screen.apply(
                f"deleted {quoted_short(mention.text)}",
                lambda: self.workspace.annotations.delete(mention.id),
                mention_id=mention.id,
            )

    def resize(self, unit: str, direction: int) -> None:
        """Grow or shrink the end of the mention under the cursor."""
        mention = self._mention_here()
        if not mention:
            return
        text = self.screen.focused_pane().view.text
        if unit == "char":
            end = mention.end + direction
        elif direction > 0:
            end = layout.word_end_after(text, mention.end)
        else:
            ends = layout.word_ends(text, mention.start, mention.end)
            end = ends[-2] if len(ends) > 1 else mention.end
        if end <= mention.start or end == mention.end:
            self.screen.notify("the span cannot change that way", severity="warning")
            return
        self.screen.apply(
            "span changed",
            lambda: self.workspace.annotations.resize(mention.id, mention.start, end),
        )

    # -- suggestions -----------------------------------------------------------------------

    def accept(self) -> None:
        """Accept the suggestion under the cursor (a suggested trigger: confirm its type),
        then go to the next suggestion."""
        trigger = self._trigger_suggestion_here()
        if trigger:
            self._accept_trigger(trigger)
            return
        mention = self._mention_here(SUGGESTED)
        if mention and self.screen.apply(
            f"accepted {mention.label} {quoted_short(mention.text)}",
            lambda: self.workspace.annotations.accept(mention.id),
        ):
            self._next_suggestion()

    def _accept_trigger(self, trigger: TriggerSuggestion) -> None:
        from workbench.tui.screens.event_screens import EventTypePicker

        def picked(kind: tuple[str, str | None] | None) -> None:
            if kind and self.screen.apply(
                f"event {kind[1] or kind[0]} recorded",
                lambda: self.workspace.annotations.accept_trigger(trigger.id, kind),
                events=True,
            ):
                self._next_suggestion()

        self.screen.app.push_screen(
            EventTypePicker(
                trigger.text, self.workspace.events.taxonomy(), (trigger.type, trigger.subtype)
            ),
            picked,
        )

    def reject(self) -> None:
        """Reject the suggestion (or suggested trigger) under the cursor, then go to the next."""
        trigger = self._trigger_suggestion_here()
        if trigger:
            done = self.screen.apply(
                "trigger rejected",
                lambda: self.workspace.annotations.reject_trigger(trigger.id),
                events=True,
            )
        else:
            mention = self._mention_here(SUGGESTED)
            done = mention and self.screen.apply(
                f"rejected {mention.label} {quoted_short(mention.text)}",
                lambda: self.workspace.annotations.reject(mention.id),
            )
        if done:
            self._next_suggestion()

    def _next_suggestion(self) -> None:
        """After a suggestion is settled, the cursor goes to the next one (one key each)."""
        view = self.screen.focused_pane().view
        self.screen.call_after_refresh(lambda: view.action_move("suggestion", 1))

    def _trigger_suggestion_here(self) -> TriggerSuggestion | None:
        """A suggested event trigger under the cursor, when no suggested mention is there."""
        view = self.screen.focused_pane().view
        if any(m.status == SUGGESTED for m in view.mentions_at(view.cursor)):
            return None
        return view.trigger_suggestion_at_cursor()

    def accept_entity(self) -> None:
        """Accept every suggestion of the entity under the cursor in this document."""
        mention = self._mention_here(SUGGESTED)
        if mention:
            self.screen.apply(
                f"accepted all suggestions of {quoted_short(mention.text)}",
                lambda: self.workspace.annotations.accept_entity(mention.id),
                lambda count: f"saved: {plural(count, 'suggestion')} accepted",
            )

    # -- history ---------------------------------------------------------------------------

    def _history(self, verb: str, change: Callable[[], str]) -> None:
        self.screen.apply(verb, change, lambda action: f"{verb}: {action}")

    def undo(self) -> None:
        """Undo your newest change."""
        self._history("undone", self.workspace.history.undo)

    def redo(self) -> None:
        """Redo your most recently undone change."""
        self._history("redone", self.workspace.history.redo)

    def retry(self) -> None:
        """Make again the change a lost connection did not save."""
        self.screen.retry_unsaved()

    def skip_undo(self) -> None:
        """Leave your newest change in place (its undo was refused)."""
        action = self.screen.apply("undo step skipped", self.workspace.history.skip)
        if action:
            self.screen.notify(f"{action!r} stays in place; u now undoes your older changes")
