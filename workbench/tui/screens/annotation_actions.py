"""What the annotation keys do: label, link, relabel, relink, delete, span edits,
suggestions, undo/redo. Each action is one call to the store, saved at once."""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding

from workbench.errors import WorkbenchError
from workbench.model import SUGGESTED, LinkDecision, LinkTo, Mention, NewEntityLink
from workbench.tui import layout
from workbench.tui.messages import LinkChoice


class AnnotationActions:
    """Mixed into the main screen, which provides store, panes, reload and status."""

    ANNOTATION_BINDINGS = [
        Binding("a,enter", "annotate", "annotate", id="annotate.add"),
        Binding("e", "relabel", "relabel", show=False, id="annotate.relabel"),
        Binding("l", "relink", "link", id="annotate.link"),
        Binding("d,delete", "delete_mention", "delete", show=False, id="annotate.delete"),
        Binding("y", "accept", "accept", show=False, id="suggestion.accept"),
        Binding("x", "reject", "reject", show=False, id="suggestion.reject"),
        Binding(
            "A", "accept_entity", "accept all of entity", show=False, id="suggestion.accept_entity"
        ),
        Binding(
            "greater_than_sign",
            "resize_span('word', 1)",
            "grow by word",
            show=False,
            id="span.grow_word",
        ),
        Binding(
            "less_than_sign",
            "resize_span('word', -1)",
            "shrink by word",
            show=False,
            id="span.shrink_word",
        ),
        Binding(
            "full_stop", "resize_span('char', 1)", "grow by char", show=False, id="span.grow_char"
        ),
        Binding(
            "comma", "resize_span('char', -1)", "shrink by char", show=False, id="span.shrink_char"
        ),
        Binding("u", "undo", "undo", id="history.undo"),
        Binding("ctrl+r", "redo", "redo", show=False, id="history.redo"),
        Binding("U", "skip_undo", "skip a refused undo", show=False, id="history.skip"),
    ]

    def _do(
        self, description: str, change: Callable[[], object], mention_id: int | None = None
    ) -> object | None:
        """Run one store change; redraw what it touched, or report why it could not be made."""
        try:
            result = change()
        except WorkbenchError as exc:
            self.notify(str(exc), severity="error")
            return None
        if mention_id is None and isinstance(result, Mention):
            mention_id = result.id
        if mention_id is None:
            self.reload()
        else:
            self.mention_changed(mention_id)
        self.call_after_refresh(self.set_status, f"saved: {description}")
        return result

    def _mention_here(self, status: str | None = None) -> Mention | None:
        view = self.focused_pane().view
        mentions = [
            m for m in view.mentions_at(view.cursor) if status is None or m.status == status
        ]
        if not mentions:
            what = "a suggestion" if status == SUGGESTED else "a mention"
            self.notify(f"the cursor is not on {what}", severity="warning")
            return None
        return mentions[0]

    # -- create ----------------------------------------------------------------------------

    def action_annotate(self) -> None:
        pane = self.focused_pane()
        view = pane.view
        span = view.target_span()
        if not view.document or not span:
            self.notify(
                "select text (shift+arrows or v) or put the cursor on a word", severity="warning"
            )
            return
        start, end = span
        text = view.text[start:end]
        doc_id = view.document.id

        def labelled(label: str | None) -> None:
            if label:
                self.ask_link(
                    text, label, lambda choice: self._create(doc_id, start, end, label, choice)
                )

        from workbench.tui.screens.pickers import LabelPicker  # (not needed at start)

        self.app.push_screen(LabelPicker(self.workspace.annotations.labels(), text), labelled)

    def ask_link(self, text: str, label: str, then: Callable[[LinkChoice], None]) -> None:
        """Open the link picker for a surface form; `then` gets the analyst's choice."""
        context = self.focused_pane().document
        doc_id = context.id if context else None
        reader = self.worker_workspace()  # the picker ranks in a worker thread

        def rank(query: str):
            result = reader.annotations.candidates(query, label, doc_id)
            return result.candidates, result.reason

        def describe(entity_id: str) -> str:
            return reader.kb.describe(entity_id)

        from workbench.tui.screens.pickers import LinkPicker

        self.app.push_screen(
            LinkPicker(text, label, rank, describe), lambda choice: choice and then(choice)
        )

    @staticmethod
    def _decision(choice: LinkChoice, text: str, label: str) -> LinkDecision:
        if choice.kind == "entity" and choice.entity_id:
            return LinkTo(choice.entity_id)
        if choice.kind == "new":
            return NewEntityLink(text, label, "created from a mention")
        return None

    def _create(self, doc_id: int, start: int, end: int, label: str, choice: LinkChoice) -> None:
        text = self.focused_pane().view.text[start:end]

        def change() -> Mention:
            decision = self._decision(choice, text, label)
            return self.workspace.annotations.annotate(doc_id, start, end, label, decision).mention

        mention = self._do(f"{label} “{text[:40]}”", change)
        if mention:
            view = self.focused_pane().view
            view.anchor = None
            view.selection_mode = False
            view.move_to(start)

    # -- edit ------------------------------------------------------------------------------

    def action_relabel(self) -> None:
        mention = self._mention_here()
        if mention:
            from workbench.tui.screens.pickers import LabelPicker

            self.app.push_screen(
                LabelPicker(self.workspace.annotations.labels(), mention.text),
                lambda label: (
                    label
                    and self._do(
                        f"relabelled as {label}",
                        lambda: self.workspace.annotations.relabel(mention.id, label),
                    )
                ),
            )

    def action_relink(self) -> None:
        mention = self._mention_here()
        if not mention:
            return

        def linked(choice: LinkChoice) -> None:
            def change() -> Mention:
                decision = self._decision(choice, mention.text, mention.label)
                return self.workspace.annotations.relink(mention.id, decision).mention

            self._do("linked" if choice.kind != "nil" else "unlinked (NIL)", change)

        self.ask_link(mention.text, mention.label, linked)

    def action_delete_mention(self) -> None:
        mention = self._mention_here()
        if mention:
            self._do(
                f"deleted “{mention.text[:40]}”",
                lambda: self.workspace.annotations.delete(mention.id),
            )

    def action_resize_span(self, unit: str, direction: int) -> None:
        mention = self._mention_here()
        if not mention:
            return
        text = self.focused_pane().view.text
        if unit == "char":
            end = mention.end + direction
        elif direction > 0:
            end = layout.word_end_after(text, mention.end)
        else:
            words = [
                w
                for w in range(mention.start + 1, mention.end)
                if text[w - 1].isalnum() and not text[w].isalnum()
            ]
            end = words[-1] if words else mention.end
        if end <= mention.start or end == mention.end:
            self.notify("the span cannot change that way", severity="warning")
            return
        self._do(
            "span changed",
            lambda: self.workspace.annotations.resize(mention.id, mention.start, end),
        )

    # -- suggestions -----------------------------------------------------------------------

    def action_accept(self) -> None:
        trigger = self._trigger_suggestion_here()
        if trigger:
            self._do_trigger(
                "event recorded", lambda: self.workspace.annotations.accept_trigger(trigger.id)
            )
            return
        mention = self._mention_here(SUGGESTED)
        if mention:
            self._do("suggestion accepted", lambda: self.workspace.annotations.accept(mention.id))

    def action_reject(self) -> None:
        trigger = self._trigger_suggestion_here()
        if trigger:
            self._do_trigger(
                "trigger rejected", lambda: self.workspace.annotations.reject_trigger(trigger.id)
            )
            return
        mention = self._mention_here(SUGGESTED)
        if mention:
            self._do("suggestion rejected", lambda: self.workspace.annotations.reject(mention.id))

    def _trigger_suggestion_here(self):  # type: ignore[no-untyped-def]
        """A suggested event trigger under the cursor, when no suggested mention is there."""
        view = self.focused_pane().view
        if any(m.status == SUGGESTED for m in view.mentions_at(view.cursor)):
            return None
        return view.trigger_suggestion_at_cursor()

    def _do_trigger(self, description: str, change: Callable[[], object]) -> None:
        try:
            change()
        except WorkbenchError as exc:
            self.notify(str(exc), severity="error")
            return
        self.reload_events()
        self.set_status(f"saved: {description}")

    def action_accept_entity(self) -> None:
        mention = self._mention_here(SUGGESTED)
        if not mention:
            return
        view = self.focused_pane().view
        same = [
            m.id
            for m in view.mentions
            if m.status == SUGGESTED
            and (m.entity_id == mention.entity_id if mention.entity_id else m.text == mention.text)
        ]
        self._do(
            f"{len(same)} suggestions accepted",
            lambda: self.workspace.annotations.accept_entity(mention.id),
        )

    # -- history ---------------------------------------------------------------------------

    def action_undo(self) -> None:
        action = self._do("undo", self.workspace.history.undo)
        if action:
            self.notify(f"undone: {action}")

    def action_skip_undo(self) -> None:
        action = self._do("undo step skipped", self.workspace.history.skip)
        if action:
            self.notify(f"{action!r} stays in place; u now undoes your older changes")

    def action_redo(self) -> None:
        action = self._do("redo", self.workspace.history.redo)
        if action:
            self.notify(f"redone: {action}")
