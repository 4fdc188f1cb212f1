"""The adjudication screen: two layers of one document side by side, their disagreements
listed below; each is settled into the curated layer with one key (an edit: two)."""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.screen import Screen

from workbench.adjudication import (
    EVENT_ONLY_FIRST,
    EVENT_ONLY_SECOND,
    INCIDENT,
    ONLY_FIRST,
    ONLY_SECOND,
    TAKE_FIRST,
    TAKE_SECOND,
    Disagreement,
    Side,
    settled,
)
from workbench.agreement import EventMark, Span
from workbench.display import plural, visible
from workbench.errors import WorkbenchError
from workbench.model import ACCEPTED
from workbench.tui import actions
from workbench.tui.host import workbench_app
from workbench.tui.styles import label_colour
from workbench.tui.widgets.covered import CoveredHorizontal
from workbench.tui.widgets.footer import KeysFooter
from workbench.tui.widgets.pane import DocumentPane
from workbench.tui.widgets.panels import TextView
from workbench.tui.widgets.row_list import RowList

if TYPE_CHECKING:
    from workbench.workspace import Workspace
    from workbench.workspace.adjudicating import Comparison

KIND_NAMES = {
    ONLY_FIRST: "only {first}",
    ONLY_SECOND: "only {second}",
    EVENT_ONLY_FIRST: "event only {first}",
    EVENT_ONLY_SECOND: "event only {second}",
}
KINDS_COLUMN = 22  # characters of a row's kinds of difference
SPAN_COLUMN_MIN = 20  # characters of each layer's span, label and link, at the least


class AdjudicationScreen(Screen[None]):
    """Compare two layers of a document and settle their disagreements."""

    BINDINGS = actions.bindings("adjudication")
    DEFAULT_CSS = """
    AdjudicationScreen #adjudication-panes { height: 1fr; }
    AdjudicationScreen #adjudication-detail { height: 1; background: $panel; padding: 0 1; }
    AdjudicationScreen #adjudication-columns { height: 1; color: $text-muted; }
    AdjudicationScreen #disagreements { height: 9; }
    """

    def __init__(self, doc_id: int, first: str, second: str) -> None:
        super().__init__()
        self.doc_id = doc_id
        self.first = first
        self.second = second
        self.comparison: Comparison | None = None
        self._starts: list[int] = []  # each item's start, in order (items are sorted)
        self._longest = 0  # the longest item's length
        self._span_column = SPAN_COLUMN_MIN

    def compose(self) -> ComposeResult:
        with CoveredHorizontal(id="adjudication-panes"):
            yield DocumentPane(0, caption=self.first)
            yield DocumentPane(1, caption=self.second)
        yield TextView(id="adjudication-detail")
        yield TextView(id="adjudication-columns")
        yield RowList(id="disagreements")
        yield KeysFooter()

    @property
    def workspace(self) -> Workspace:
        workspace: Workspace = workbench_app(self.app).workspace
        return workspace

    @property
    def items(self) -> list[Disagreement]:
        return self.comparison.items if self.comparison else []

    def on_mount(self) -> None:
        self.reload()
        self.table.focus()

    def on_resize(self) -> None:
        if self.comparison is not None:
            self.reload(keep=self._current())

    # -- what is shown ---------------------------------------------------------------------

    def reload(self, keep: int | None = None) -> None:
        """Compare the layers again (after a decision or an undo); highlight item `keep`,
        else the first open one."""
        comparison = self.workspace.adjudication.compare(self.doc_id, self.first, self.second)
        self.comparison = comparison
        panes = list(self.query(DocumentPane))
        layers = (
            (comparison.first_mentions, comparison.first_events),
            (comparison.second_mentions, comparison.second_events),
        )
        for pane, (mentions, events) in zip(panes, layers, strict=True):
            if pane.document is None:
                pane.show(comparison.document, mentions)
            else:
                pane.set_mentions(mentions)
            pane.view.set_events(events)
        self._starts = [item.start for item in comparison.items]
        self._longest = max((item.end - item.start for item in comparison.items), default=0)
        self._span_column = max(SPAN_COLUMN_MIN, (self.size.width - KINDS_COLUMN - 4) // 2)
        header = Text(f"  {'difference':<{KINDS_COLUMN}} ", style="bold")
        for name in (self.first, self.second):
            column = self._span_column
            header.append(f"{visible(name)[: column - 1]:<{column}}", style="bold")
        self.query_one("#adjudication-columns", TextView).update(header)
        target = keep if keep is not None else self._next_open(-1, 1)
        self.table.set_rows(
            [
                self._row(item, done)
                for item, done in zip(comparison.items, comparison.settled, strict=True)
            ],
            min(target or 0, max(0, len(comparison.items) - 1)),
        )
        self._show_current()

    @property
    def table(self) -> RowList:
        return self.query_one("#disagreements", RowList)

    def _row(self, item: Disagreement, done: bool) -> Text:
        kinds = ", ".join(
            KIND_NAMES.get(kind, kind).format(first=self.first, second=self.second)
            for kind in item.kinds
        )
        row = Text(no_wrap=True, overflow="ellipsis")
        row.append("✓ " if done else "• ", style="green" if done else "bold yellow")
        shown = visible(kinds)[: KINDS_COLUMN - 1]
        row.append(f"{shown:<{KINDS_COLUMN}} ", style="dim" if done else "bold")
        for span in (item.first, item.second):
            cell = self._span_text(span)
            cell.truncate(self._span_column - 1, overflow="ellipsis", pad=True)
            row.append_text(cell)
            row.append(" ")
        return row

    def _span_text(self, side: Side | None) -> Text:
        if side is None or self.comparison is None:
            return Text("—", style="dim")
        text = Text(f"“{visible(self.comparison.document.text[side.start : side.end])}” ")
        if isinstance(side, EventMark):
            text.append(visible(side.type), style="bold magenta")
            text.append(f" ({plural(len(side.roles), 'role')}", style="dim")
            if side.partners:
                text.append(f", incident of {len(side.partners) + 1}", style="dim")
            text.append(")", style="dim")
            return text
        text.append(visible(side.label), style=label_colour(side.label))
        text.append(f" → {visible(side.entity_id)}" if side.entity_id else " → NIL", style="dim")
        return text

    def _current(self) -> int | None:
        return self.table.cursor if self.items else None

    def _show_current(self) -> None:
        comparison = self.comparison
        if comparison is None:
            return
        detail = Text(no_wrap=True, overflow="ellipsis")
        index = self._current()
        detail.append(f"{comparison.open_count} of {len(comparison.items)} open", style="bold")
        if index is not None:
            detail.append(f" · at {index + 1}")
            item = comparison.items[index]
            for pane, span in zip(self.query(DocumentPane), (item.first, item.second), strict=True):
                shown = span or Span(item.doc_id, item.start, item.end, "")
                pane.view.select_span(shown.start, shown.end)
            if INCIDENT in item.kinds:
                detail.append_text(self._incidents(item))
        else:
            detail.append(" · the layers agree", style="green")
        detail.append(f" · curator {visible(self.workspace.annotator)} · ", style="dim")
        detail.append(f"[{comparison.document.id}] ", style="bold")
        detail.append(visible(comparison.document.title))
        self.query_one("#adjudication-detail", TextView).update(detail)

    def _incidents(self, item: Disagreement) -> Text:
        """Where each layer puts the event: with which other reports, or alone."""
        text = Text()
        for name, side in ((self.first, item.first), (self.second, item.second)):
            if not isinstance(side, EventMark):
                continue
            text.append(f" · {visible(name)}: ", style="bold")
            if not side.partners:
                text.append("alone")
                continue
            documents = sorted({doc_id for doc_id, _, _ in side.partners})
            text.append(
                f"with {plural(len(side.partners), 'report')} "
                f"(document{'s' if len(documents) > 1 else ''} "
                f"{', '.join(map(str, documents))})"
            )
        return text

    @on(RowList.Highlighted, "#disagreements")
    def _highlighted(self) -> None:
        self._show_current()

    def _near(self, spans: list[Span]) -> range:
        """The rows of the items that may overlap these spans (items are in order of their
        start, and none is longer than the longest)."""
        if not spans:
            return range(0)
        low = bisect.bisect_left(self._starts, min(s.start for s in spans) - self._longest)
        return range(low, bisect.bisect_left(self._starts, max(s.end for s in spans)))

    def _next_open(self, after: int, direction: int) -> int | None:
        if self.comparison is None:
            return None
        count = len(self.items)
        for step in range(1, count + 1):
            index = (after + direction * step) % count
            if not self.comparison.settled[index]:
                return index
        return None

    # -- keys ------------------------------------------------------------------------------

    def action_step(self, direction: int) -> None:
        """The next (or previous) open disagreement."""
        current = self._current()
        target = self._next_open(current if current is not None else -1, direction)
        if target is None:
            self.notify("every disagreement is settled")
            return
        self.table.move_to(target)

    def action_decide(self, decision: str, label: str | None = None) -> None:
        """Settle the highlighted disagreement (one change; u undoes it) and go to the next
        open one. Only the rows the decision settles are redrawn: the two panes show the
        annotators' layers, which a decision never changes."""
        index = self._current()
        comparison = self.comparison
        if index is None or comparison is None or not comparison.items:
            return
        try:
            made = self.workspace.adjudication.decide(comparison.items[index], decision, label)
        except WorkbenchError as exc:
            self.notify(str(exc), severity="error")
            return
        table = self.table
        decided = [Span(m.doc_id, m.start, m.end, m.label, m.entity_id) for m in made]
        now_settled = {index}
        for i in self._near(decided):
            # the mentions made settle the mention disagreements they cover
            if not comparison.items[i].is_event and settled(comparison.items[i], decided):
                now_settled.add(i)
        if comparison.items[index].is_event:
            # taking an incident may take other events of the document with it
            events = self.workspace.adjudication.settled_events(comparison)
            now_settled |= {i for i, done in enumerate(events) if done}
        for i in sorted(now_settled):
            if not comparison.settled[i]:
                comparison.settled[i] = True
                table.replace_row(i, self._row(comparison.items[i], True))
        following = self._next_open(index, 1)
        if following is not None:
            table.move_to(following)
        else:
            self._show_current()
        taken = ", ".join(f"{m.label} “{m.text}”" for m in made if m.status == ACCEPTED)
        self.notify(f"curated: {taken or 'nothing here (rejected)'}", timeout=2)

    def action_edit(self) -> None:
        """Take the focused side's span (the first layer's when it has none) with a label
        the curator picks: e, then the label's digit."""
        index = self._current()
        if index is None or not self.items:
            return
        item = self.items[index]
        if item.is_event:
            self.notify("an event's type is edited after taking it: F on it", severity="warning")
            return
        decision = TAKE_FIRST if item.first is not None else TAKE_SECOND
        span = item.first or item.second
        assert isinstance(span, Span)
        text = self.comparison.document.text[span.start : span.end] if self.comparison else ""
        from workbench.tui.screens.pickers import LabelPicker

        def picked(label: str | None) -> None:
            if label:
                self.action_decide(decision, label)

        self.app.push_screen(
            LabelPicker(self.workspace.annotations.labels(), text, preselect=span.label), picked
        )

    def action_undo(self) -> None:
        """Undo the curator's newest change."""
        try:
            done = self.workspace.history.undo()
        except WorkbenchError as exc:
            self.notify(str(exc), severity="error")
            return
        self.reload(keep=self._current())
        self.notify(f"undone: {done}", timeout=2)

    def action_close(self) -> None:
        self.dismiss(None)
