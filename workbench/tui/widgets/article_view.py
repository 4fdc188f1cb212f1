"""The article view: a document drawn line by line (Textual's Line API) with a cursor,
a selection and annotations, all in character offsets of the document text.

Only the visible lines are drawn; wrapping is computed once per width, and annotation
lookups per line use a sorted index, so a 1 MB document with 10 000 annotations costs
the same per keystroke as a short one.

It is one module of about 500 lines on purpose: drawing, cursor motion and selection all
work on the same wrapped layout, line cache and span indexes, and each keystroke redraws
only the lines it changed, which needs all three (text motions themselves are in
`tui/layout.py`, the painting of a line in `painting.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from workbench.model import REJECTED, SUGGESTED, Document, Event, Mention, TriggerSuggestion
from workbench.spans import SpanIndex
from workbench.tui import actions, layout, styles
from workbench.tui.widgets.painting import Layer, painted_line


def _order(mention: Mention) -> tuple[int, int, int]:
    """How mentions are kept sorted: by start, longer first, then by id."""
    return (mention.start, -mention.end, mention.id)


def _mention_span(item: Mention | TriggerSuggestion) -> tuple[int, int]:
    return item.start, item.end


def _plain(span: tuple[int, int]) -> tuple[int, int]:
    return span


# Drawn lines kept: a few screens' worth, so that scrolling back does not draw again.
STRIPS_KEPT = 1000


@dataclass
class Selection:
    start: int
    end: int


class ArticleView(ScrollView, can_focus=True):
    """One document with cursor, selection and annotations."""

    BINDINGS = actions.bindings("view")

    class CursorMoved(Message):
        """The cursor moved: what is under it now."""

        def __init__(self, view: ArticleView, offset: int, mention: Mention | None) -> None:
            super().__init__()
            self.view = view
            self.offset = offset
            self.mention = mention

    def __init__(self, pane: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.pane = pane
        self.document: Document | None = None
        self.text = ""
        self._display = ""  # the text as drawn (control characters made visible)
        self._layout = layout.wrap("", 80)
        self.cursor = 0
        self.selection_anchor: int | None = None
        self.selection_mode = False
        self._mentions: SpanIndex[Mention] = SpanIndex((), _mention_span, _order)
        self._by_id: dict[int, Mention] = {}
        self.suggestion_count = 0
        self.highlight_entity: str | None = None
        self.highlight_mentions: set[int] = set()
        self.events: list[Event] = []
        self._triggers: SpanIndex[TriggerSuggestion] = SpanIndex((), _mention_span)
        self._find: SpanIndex[tuple[int, int]] = SpanIndex((), _plain)
        # Drawn lines by line number, for the scroll position and width they were drawn
        # at; a line is drawn again only when what it shows changes.
        self._strips: LRUCache[int, Strip] = LRUCache(STRIPS_KEPT)
        self._strips_geometry: tuple[int, int] = (0, 0)
        # What every line of one paint shares, worked out once per paint, not per line.
        self._paint_base: Style | None = None
        self._paint_focused: Mention | None = None
        self._paint_geometry: tuple[int, int, int] | None = None  # scroll x, scroll y, width

    @property
    def mentions(self) -> list[Mention]:
        """The document's mentions drawn, in order (by start, longer first)."""
        return self._mentions.items

    @property
    def trigger_suggestions(self) -> list[TriggerSuggestion]:
        """The event triggers pre-annotation suggests, by position."""
        return self._triggers.items

    @property
    def find_matches(self) -> list[tuple[int, int]]:
        """The find bar's matches, by position."""
        return self._find.items

    def set_find_matches(self, matches: list[tuple[int, int]]) -> None:
        """Highlight these find matches (none: [])."""
        self._find = SpanIndex(matches, _plain)
        self.redraw()

    # -- content -------------------------------------------------------------------------

    def show_document(self, document: Document, mentions: list[Mention], cursor: int = 0) -> None:
        """Display a document and its annotations, cursor at `cursor`."""
        self.document = document
        self.text = document.text
        self._display = layout.display_text(document.text)
        self.cursor = max(0, min(cursor, len(self.text)))
        self.selection_anchor = None
        self.selection_mode = False
        self._find = SpanIndex((), _plain)
        self._rewrap()
        self.set_mentions(mentions)
        self._scroll_to_cursor()
        self._announce()

    def set_mentions(self, mentions: list[Mention]) -> None:
        """Replace the annotations drawn (after undo, redo or a bulk change)."""
        self._mentions = SpanIndex(mentions, _mention_span, _order)
        self._by_id = {m.id: m for m in mentions}
        self.suggestion_count = sum(m.status == SUGGESTED for m in mentions)
        self.redraw()

    def upsert_mention(self, mention: Mention) -> None:
        """Add or replace one mention: put in its place, only its lines redrawn."""
        old = self._by_id.get(mention.id)
        self.remove_mention(mention.id, refresh=False)
        if mention.status != REJECTED:
            self._mentions.add(mention)
            self._by_id[mention.id] = mention
            self.suggestion_count += mention.status == SUGGESTED
        self._refresh_spans(mention, old)

    def remove_mention(self, mention_id: int, *, refresh: bool = True) -> None:
        """Drop one mention from the drawing."""
        old = self._by_id.pop(mention_id, None)
        if old is not None:
            self._mentions.remove(old)
            self.suggestion_count -= old.status == SUGGESTED
            if refresh:
                self._refresh_spans(old)

    def _refresh_spans(self, *mentions: Mention | None) -> None:
        """Redraw the lines these mentions cover."""
        lines: set[int] = set()
        for m in mentions:
            if m is not None:
                lines.update(range(self._layout.line_of(m.start), self._layout.line_of(m.end) + 1))
        self._refresh_document_lines(*lines)

    def set_highlight(self, entity_id: str | None, mention_ids: set[int] | None = None) -> None:
        """Emphasise every mention of an entity (and any extra mentions, e.g. event roles)."""
        mention_ids = mention_ids or set()
        if entity_id == self.highlight_entity and mention_ids == self.highlight_mentions:
            return  # moving within the same entity's mentions redraws nothing extra
        old_entity, old_mentions = self.highlight_entity, self.highlight_mentions
        self.highlight_entity = entity_id
        self.highlight_mentions = mention_ids
        top, height = self.scroll_offset.y, self.size.height
        last = min(self._layout.height, top + height) - 1
        if height <= 0 or last < top:
            self.redraw()
            return
        # Only the visible lines that show a mention of the old or the new entity are
        # drawn again (a full redraw costs a frame on a long document); lines off screen
        # are forgotten and drawn afresh when scrolled to.
        start, stop = self._layout.starts[top], self._layout.ends[last] + 1
        entities = {e for e in (old_entity, entity_id) if e}
        marked = old_mentions | mention_ids
        lines: set[int] = set()
        for m in self._mentions.overlapping(start, stop):
            if m.entity_id in entities or m.id in marked:
                first_line = self._layout.line_of(max(m.start, start))
                lines.update(range(first_line, self._layout.line_of(min(m.end, stop - 1)) + 1))
        for line in list(self._strips.keys()):
            if not top <= line <= last:
                self._strips.discard(line)
        self._refresh_document_lines(*lines)

    # -- geometry ------------------------------------------------------------------------

    def _wrap_width(self) -> int:
        return max(8, self.scrollable_content_region.width or self.size.width or 80) - 1

    def _rewrap(self) -> None:
        width = self._wrap_width()
        if (
            width != self._layout.width
            or not self._layout.starts
            or self._layout_text is not self._display
        ):
            # wrapped as drawn: control characters are drawn as one-cell symbols
            self._layout = layout.wrap(self._display, width)
            self._layout_text = self._display
            self._strips.clear()
        self.virtual_size = Size(width + 1, self._layout.height)

    _layout_text: str = ""

    def on_resize(self) -> None:
        self._rewrap()
        self._scroll_to_cursor()
        self.redraw()

    def _scroll_to_cursor(self) -> None:
        line = self._layout.line_of(self.cursor)
        top = self.scroll_offset.y
        height = max(1, self.scrollable_content_region.height)
        if line < top:
            self.scroll_to(y=line, animate=False)
        elif line >= top + height:
            self.scroll_to(y=line - height + 1, animate=False)

    # -- queries -------------------------------------------------------------------------

    @property
    def selection(self) -> Selection | None:
        if self.selection_anchor is None or self.selection_anchor == self.cursor:
            return None
        return Selection(
            min(self.selection_anchor, self.cursor), max(self.selection_anchor, self.cursor)
        )

    def target_span(self) -> tuple[int, int] | None:
        """The selection, else the word under the cursor: what an annotation key acts on."""
        if self.selection:
            return self.selection.start, self.selection.end
        return layout.word_at(self.text, self.cursor)

    def set_events(
        self, events: list[Event], trigger_suggestions: list[TriggerSuggestion] | None = None
    ) -> None:
        """The document's events (their triggers are drawn in the text) and the event
        triggers pre-annotation suggests (drawn like suggestions)."""
        self.events = [e for e in events if e.trigger_start is not None]
        if trigger_suggestions is not None:
            self._triggers = SpanIndex(trigger_suggestions, _mention_span)
        self.redraw()

    def trigger_suggestion_at_cursor(self) -> TriggerSuggestion | None:
        """The suggested event trigger under the cursor, if any."""
        return next(self._triggers.covering(self.cursor), None)

    def event_at_cursor(self) -> Event | None:
        """The event whose trigger covers the cursor, if any."""
        for event in self.events:
            start, end = event.trigger_start, event.trigger_end
            if start is not None and end is not None and start <= self.cursor < end:
                return event
        return None

    def mentions_at(self, offset: int) -> list[Mention]:
        """Mentions covering an offset, innermost first."""
        found = list(self._mentions.covering(offset))
        return sorted(found, key=lambda m: (m.end - m.start, m.status == SUGGESTED))

    def mention_at_cursor(self) -> Mention | None:
        found = self.mentions_at(self.cursor)
        return found[0] if found else None

    # -- drawing -------------------------------------------------------------------------

    def redraw(self) -> None:
        """Some state that every line may show changed: drop the cached lines, repaint.
        (Scrolling repaints through the cache: a line's look does not depend on it.)"""
        self._strips.clear()
        self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        if self._layout.width != self._wrap_width():
            # laid out before the pane had its size (the first frame): wrap it now, so no
            # frame is ever drawn at another width
            self._rewrap()
        self._paint_base = self.rich_style
        self._paint_focused = self.mention_at_cursor()
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        self._paint_geometry = (scroll_x, scroll_y, width)
        if (scroll_x, width) != self._strips_geometry:
            self._strips.clear()
            self._strips_geometry = (scroll_x, width)
        try:
            return super().render_lines(crop)
        finally:
            self._paint_geometry = None

    def render_line(self, y: int) -> Strip:
        if self._paint_geometry is not None:
            scroll_x, scroll_y, width = self._paint_geometry
        else:
            scroll_x, scroll_y = self.scroll_offset
            width = self.scrollable_content_region.width
        index = scroll_y + y
        cached = self._strips.get(index)
        if cached is not None:
            return cached
        strip = self._render_document_line(index, scroll_x, width)
        self._strips.set(index, strip)
        return strip

    def _cursor_on_line(self, index: int, start: int, end: int) -> bool:
        """Whether this line draws the cursor. An offset where a wrapped line ends is also
        where the next one starts: the cursor is drawn there only once, on the next line
        (unless the line ends its paragraph, where the cursor may sit after the text)."""
        if not (self.has_focus and start <= self.cursor <= end):
            return False
        if self.cursor == end and index + 1 < self._layout.height:
            return self._layout.starts[index + 1] != end
        return True

    def _render_document_line(self, index: int, scroll_x: int, width: int) -> Strip:
        base = self._paint_base or self.rich_style
        if index >= self._layout.height or self.document is None:
            return Strip.blank(width, base)
        start, end = self._layout.starts[index], self._layout.ends[index]
        # one cell past the text: the cursor may sit at the end of a line
        chars = self._display[start:end] + " "
        return painted_line(chars, start, self._layers(index, start, end), base, scroll_x, width)

    def _layers(self, index: int, start: int, end: int) -> list[Layer]:
        """What is laid on line `index` (offsets start..end), bottom first."""
        stop = end + 1
        layers: list[Layer] = []
        focused = self._paint_focused
        # longest first, so nested mentions are drawn over the ones containing them
        for m in sorted(self._mentions.overlapping(start, stop), key=lambda m: m.start - m.end):
            layers.append(
                (
                    m.start,
                    m.end,
                    styles.suggestion_style(m.label)
                    if m.status == SUGGESTED
                    else styles.accepted_style(m.label),
                )
            )
            if (
                self.highlight_entity and m.entity_id == self.highlight_entity
            ) or m.id in self.highlight_mentions:
                layers.append((m.start, m.end, styles.SAME_ENTITY))
            if focused is not None and m.id == focused.id:
                layers.append((m.start, m.end, styles.FOCUSED_MENTION))
        for event in self.events:
            if event.trigger_start is None or event.trigger_end is None:
                continue
            if event.trigger_start < stop and event.trigger_end > start:
                layers.append((event.trigger_start, event.trigger_end, styles.EVENT_TRIGGER))
        for suggestion in self._triggers.overlapping(start, stop):
            layers.append((suggestion.start, suggestion.end, styles.TRIGGER_SUGGESTION))
        layers.extend((a, b, styles.FIND_MATCH) for a, b in self._find.overlapping(start, stop))
        selection = self.selection
        if selection:
            layers.append((selection.start, selection.end, styles.SELECTION))
        if self._cursor_on_line(index, start, end):
            layers.append((self.cursor, self.cursor + 1, styles.CURSOR))
        return layers

    # -- actions -------------------------------------------------------------------------

    def _target(self, unit: str, direction: int) -> int:
        text, offset = self.text, self.cursor
        if unit == "char":
            return offset + direction
        if unit == "word":
            if direction > 0:
                return layout.next_word(text, offset)
            return layout.previous_word(text, offset)
        if unit == "word_end":
            return layout.next_word_end(text, offset)
        if unit == "sentence":
            if direction > 0:
                return layout.next_sentence(text, offset)
            return layout.previous_sentence(text, offset)
        if unit == "paragraph":
            if direction > 0:
                return layout.next_paragraph(text, offset)
            return layout.previous_paragraph(text, offset)
        if unit in ("line", "page"):
            step = (
                direction
                if unit == "line"
                else direction * max(1, self.scrollable_content_region.height - 1)
            )
            line = self._layout.line_of(offset)
            return self._layout.offset_at(line + step, self._layout.column_of(offset))
        if unit == "document":
            return 0 if direction < 0 else len(text)
        if unit in ("annotation", "suggestion"):
            return self._next_item(unit == "suggestion", direction)
        return offset

    def _next_item(self, suggestions_only: bool, direction: int) -> int:
        """Where the next (previous) mention starts, or suggestion (suggested mention or
        suggested event trigger); the cursor stays when there is none."""
        offset = self.cursor
        starts = [m.start for m in self.mentions if not suggestions_only or m.status == SUGGESTED]
        if suggestions_only:
            starts += [t.start for t in self.trigger_suggestions]
        if direction > 0:
            after = [s for s in starts if s > offset]
            return min(after) if after else offset
        before = [s for s in starts if s < offset]
        return max(before) if before else offset

    def move_to(self, offset: int, *, extend: bool = False) -> None:
        """Put the cursor at an offset, extending the selection if asked or in select mode."""
        before_line = self._layout.line_of(self.cursor)
        before_offset = self.cursor
        had_selection = self.selection is not None
        focused_before = self.mention_at_cursor()
        if extend or self.selection_mode:
            if self.selection_anchor is None:
                self.selection_anchor = self.cursor
        else:
            self.selection_anchor = None
        self.cursor = max(0, min(len(self.text), offset))
        self._scroll_to_cursor()
        focused_after = self.mention_at_cursor()
        if had_selection or self.selection:
            self.redraw()  # a selection may span many lines
        else:
            # the cursor's old and new lines (and, for a cursor at the start of a wrapped
            # line, the line before, which ends at the same offset)
            lines = {before_line, self._layout.line_of(self.cursor)}
            lines |= {self._wrap_joint(before_offset), self._wrap_joint(self.cursor)}
            for mention in (focused_before, focused_after):
                if mention is not None and focused_before != focused_after:
                    lines.update(
                        range(
                            self._layout.line_of(mention.start),
                            self._layout.line_of(mention.end) + 1,
                        )
                    )
            self._refresh_document_lines(*(line for line in lines if line >= 0))
        self._announce()

    def _wrap_joint(self, offset: int) -> int:
        """The line before the one `offset` starts, if both meet there (else -1)."""
        line = self._layout.line_of(offset)
        if line > 0 and self._layout.starts[line] == offset == self._layout.ends[line - 1]:
            return line - 1
        return -1

    def _refresh_document_lines(self, *lines: int) -> None:
        """Redraw only these visual lines (a plain cursor move touches a few)."""
        top = self.scroll_offset.y
        for line in set(lines):
            self._strips.discard(line)
            if 0 <= line - top < self.size.height:
                self.refresh_line(line)  # takes the document line; subtracts the scroll itself

    def action_move(self, unit: str, direction: int) -> None:
        self.move_to(self._target(unit, direction))

    def action_select(self, unit: str, direction: int) -> None:
        self.move_to(self._target(unit, direction), extend=True)

    def action_toggle_selection_mode(self) -> None:
        self.selection_mode = not self.selection_mode
        self.selection_anchor = self.cursor if self.selection_mode else None
        self.redraw()

    def action_clear_selection(self) -> None:
        self.selection_mode = False
        self.selection_anchor = None
        self._find = SpanIndex((), _plain)
        self.redraw()

    def select_span(self, start: int, end: int) -> None:
        """Select [start, end) with the cursor at its start (on the mention, if one is there).
        Only the lines of the old and the new selection, and of the mentions under the
        cursor before and after, are drawn again."""
        old = self.selection
        spans = [(old.start, old.end) if old else (self.cursor, self.cursor), (start, end)]
        focused_before = self.mention_at_cursor()
        self.selection_anchor = end
        self.cursor = start
        for mention in (focused_before, self.mention_at_cursor()):
            if mention is not None:
                spans.append((mention.start, mention.end))
        self._scroll_to_cursor()
        self._refresh_document_lines(*(line for span in spans for line in self._span_lines(span)))
        self._announce()

    def _span_lines(self, span: tuple[int, int]) -> range:
        """The visual lines [start, end) covers, with the line before when they meet."""
        first = self._layout.line_of(span[0])
        return range(max(0, first - 1), self._layout.line_of(span[1]) + 1)

    def _announce(self) -> None:
        self.post_message(self.CursorMoved(self, self.cursor, self.mention_at_cursor()))

    def on_focus(self) -> None:
        self.redraw()
        self._announce()

    def on_blur(self) -> None:
        self.redraw()
