"""The article view: a document drawn line by line (Textual's Line API) with a cursor,
a selection and annotations, all in character offsets of the document text.

Only the visible lines are drawn; wrapping is computed once per width, and annotation
lookups per line use a sorted index, so a 1 MB document with 10 000 annotations costs
the same per keystroke as a short one.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from workbench.model import SUGGESTED, Document, Event, Mention, TriggerSuggestion
from workbench.tui import layout, styles


def _order(mention: Mention) -> tuple[int, int, int]:
    """How mentions are kept sorted: by start, longer first, then by id."""
    return (mention.start, -mention.end, mention.id)


@dataclass
class Selection:
    start: int
    end: int


class ArticleView(ScrollView, can_focus=True):
    """One document with cursor, selection and annotations."""

    BINDINGS = [
        Binding("left", "move('char', -1)", "←", show=False, id="cursor.left"),
        Binding("right", "move('char', 1)", "→", show=False, id="cursor.right"),
        Binding("up", "move('line', -1)", "↑", show=False, id="cursor.up"),
        Binding("down", "move('line', 1)", "↓", show=False, id="cursor.down"),
        Binding("ctrl+right,w", "move('word', 1)", "word →", show=False, id="cursor.word_next"),
        Binding("ctrl+left,b", "move('word', -1)", "word ←", show=False, id="cursor.word_previous"),
        Binding(
            "right_parenthesis",
            "move('sentence', 1)",
            "sentence →",
            show=False,
            id="cursor.sentence_next",
        ),
        Binding(
            "left_parenthesis",
            "move('sentence', -1)",
            "sentence ←",
            show=False,
            id="cursor.sentence_previous",
        ),
        Binding(
            "ctrl+down,right_curly_bracket",
            "move('paragraph', 1)",
            "paragraph ↓",
            show=False,
            id="cursor.paragraph_next",
        ),
        Binding(
            "ctrl+up,left_curly_bracket",
            "move('paragraph', -1)",
            "paragraph ↑",
            show=False,
            id="cursor.paragraph_previous",
        ),
        Binding("pagedown", "move('page', 1)", "page ↓", show=False, id="cursor.page_down"),
        Binding("pageup", "move('page', -1)", "page ↑", show=False, id="cursor.page_up"),
        Binding("home,g", "move('document', -1)", "start", show=False, id="cursor.document_start"),
        Binding("end,G", "move('document', 1)", "end", show=False, id="cursor.document_end"),
        Binding(
            "right_square_bracket",
            "move('annotation', 1)",
            "next mention",
            show=False,
            id="cursor.annotation_next",
        ),
        Binding(
            "left_square_bracket",
            "move('annotation', -1)",
            "prev mention",
            show=False,
            id="cursor.annotation_previous",
        ),
        Binding(
            "ctrl+n",
            "move('suggestion', 1)",
            "next suggestion",
            show=False,
            id="cursor.suggestion_next",
        ),
        Binding(
            "ctrl+b",
            "move('suggestion', -1)",
            "prev suggestion",
            show=False,
            id="cursor.suggestion_previous",
        ),
        Binding("shift+left", "select('char', -1)", "select ←", show=False, id="select.left"),
        Binding("shift+right", "select('char', 1)", "select →", show=False, id="select.right"),
        Binding("shift+up", "select('line', -1)", "select ↑", show=False, id="select.up"),
        Binding("shift+down", "select('line', 1)", "select ↓", show=False, id="select.down"),
        Binding(
            "ctrl+shift+right,W",
            "select('word', 1)",
            "select word →",
            show=False,
            id="select.word_next",
        ),
        Binding(
            "ctrl+shift+left,B",
            "select('word', -1)",
            "select word ←",
            show=False,
            id="select.word_previous",
        ),
        Binding("v", "toggle_selection_mode", "select mode", id="select.mode"),
        Binding("escape", "clear_selection", "clear", show=False, id="select.clear"),
    ]

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
        self._display = ""
        self._layout = layout.wrap("", 80)
        self.cursor = 0
        self.anchor: int | None = None
        self.selection_mode = False
        self.mentions: list[Mention] = []
        self._starts: list[int] = []
        self._longest = 0
        self.highlight_entity: str | None = None
        self.highlight_mentions: set[int] = set()
        self.events: list[Event] = []
        self.trigger_suggestions: list[TriggerSuggestion] = []
        self._trigger_starts: list[int] = []
        self._longest_trigger = 0
        self.find_matches: list[tuple[int, int]] = []
        self._strips: dict[tuple[int, int, int], Strip] = {}  # drawn lines, until state changes

    # -- content -------------------------------------------------------------------------

    def show_document(self, document: Document, mentions: list[Mention], cursor: int = 0) -> None:
        """Display a document and its annotations, cursor at `cursor`."""
        self.document = document
        self.text = document.text
        self._display = layout.display_text(document.text)
        self.cursor = max(0, min(cursor, len(self.text)))
        self.anchor = None
        self.selection_mode = False
        self.find_matches = []
        self._rewrap()
        self.set_mentions(mentions)
        self._scroll_to_cursor()
        self._announce()

    def set_mentions(self, mentions: list[Mention]) -> None:
        """Replace the annotations drawn (after undo, redo or a bulk change)."""
        self.mentions = sorted(mentions, key=_order)
        self._starts = [m.start for m in self.mentions]
        self._by_id = {m.id: m for m in self.mentions}
        self._longest = max((m.end - m.start for m in self.mentions), default=0)
        self.suggestion_count = sum(m.status == SUGGESTED for m in self.mentions)
        self.redraw()

    _by_id: dict[int, Mention] = {}
    suggestion_count = 0

    def upsert_mention(self, mention: Mention) -> None:
        """Add or replace one mention: bisect insert, no re-sort, only its lines redrawn."""
        old = self._by_id.get(mention.id)
        self.remove_mention(mention.id, refresh=False)
        if mention.status != "rejected":
            key = _order(mention)
            i = bisect_left(self._starts, mention.start)
            while i < len(self.mentions) and _order(self.mentions[i]) < key:
                i += 1
            self.mentions.insert(i, mention)
            self._starts.insert(i, mention.start)
            self._by_id[mention.id] = mention
            self._longest = max(self._longest, mention.end - mention.start)
            self.suggestion_count += mention.status == SUGGESTED
        self._refresh_spans(mention, old)

    def remove_mention(self, mention_id: int, *, refresh: bool = True) -> None:
        """Drop one mention from the drawing."""
        old = self._by_id.pop(mention_id, None)
        if old is not None:
            i = bisect_left(self._starts, old.start)
            while i < len(self.mentions) and self.mentions[i].id != mention_id:
                i += 1
            if i < len(self.mentions):
                del self.mentions[i]
                del self._starts[i]
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
        for m in self._mentions_between(start, stop):
            if m.entity_id in entities or m.id in marked:
                first_line = self._layout.line_of(max(m.start, start))
                lines.update(range(first_line, self._layout.line_of(min(m.end, stop - 1)) + 1))
        self._strips = {k: v for k, v in self._strips.items() if top <= k[0] <= last}
        self._refresh_document_lines(*lines)

    # -- geometry ------------------------------------------------------------------------

    def _rewrap(self) -> None:
        width = max(8, self.scrollable_content_region.width or self.size.width or 80)
        if (
            width != self._layout.width
            or not self._layout.starts
            or self._layout_text is not self._display
        ):
            # wrapped as drawn: control characters are drawn as one-cell symbols
            self._layout = layout.wrap(self._display, width - 1)
            self._layout_text = self._display
        self.virtual_size = Size(width, self._layout.height)

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
        if self.anchor is None or self.anchor == self.cursor:
            return None
        return Selection(min(self.anchor, self.cursor), max(self.anchor, self.cursor))

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
            self.trigger_suggestions = sorted(trigger_suggestions, key=lambda t: t.start)
            self._trigger_starts = [t.start for t in self.trigger_suggestions]
            self._longest_trigger = max(
                (t.end - t.start for t in self.trigger_suggestions), default=0
            )
        self.redraw()

    def _triggers_between(self, start: int, end: int) -> list[TriggerSuggestion]:
        """Suggested triggers overlapping [start, end), found by bisection (a pre-annotated
        long document has thousands; a line is drawn on every keystroke)."""
        i = bisect_left(self._trigger_starts, start - self._longest_trigger)
        out = []
        while i < len(self.trigger_suggestions) and self.trigger_suggestions[i].start < end:
            if self.trigger_suggestions[i].end > start:
                out.append(self.trigger_suggestions[i])
            i += 1
        return out

    def trigger_suggestion_at_cursor(self) -> TriggerSuggestion | None:
        """The suggested event trigger under the cursor, if any."""
        found = self._triggers_between(self.cursor, self.cursor + 1)
        return found[0] if found else None

    def event_at_cursor(self) -> Event | None:
        """The event whose trigger covers the cursor, if any."""
        for event in self.events:
            if event.trigger_start <= self.cursor < event.trigger_end:
                return event
        return None

    def mentions_at(self, offset: int) -> list[Mention]:
        """Mentions covering an offset, innermost first."""
        found = []
        i = bisect_left(self._starts, offset - self._longest)
        while i < len(self.mentions) and self.mentions[i].start <= offset:
            m = self.mentions[i]
            if m.start <= offset < m.end:
                found.append(m)
            i += 1
        return sorted(found, key=lambda m: (m.end - m.start, m.status == SUGGESTED))

    def mention_at_cursor(self) -> Mention | None:
        found = self.mentions_at(self.cursor)
        return found[0] if found else None

    def _mentions_between(self, start: int, end: int) -> list[Mention]:
        i = bisect_left(self._starts, start - self._longest)
        out = []
        while i < len(self.mentions) and self.mentions[i].start < end:
            m = self.mentions[i]
            if m.end > start:
                out.append(m)
            i += 1
        return out

    # -- drawing -------------------------------------------------------------------------

    def redraw(self) -> None:
        """Some state that every line may show changed: drop the cached lines, repaint.
        (Scrolling repaints through the cache: a line's look does not depend on it.)"""
        self._strips.clear()
        self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        # What every line of one paint shares, worked out once per paint, not per line.
        self._paint_base = self.rich_style
        self._paint_focused = self.mention_at_cursor()
        scroll_x, scroll_y = self.scroll_offset
        self._paint_geometry = (scroll_x, scroll_y, self.scrollable_content_region.width)
        try:
            return super().render_lines(crop)
        finally:
            self._paint_geometry = None

    _paint_base: Style | None = None
    _paint_focused: Mention | None = None
    _paint_geometry: tuple[int, int, int] | None = None  # scroll x, scroll y, width

    def render_line(self, y: int) -> Strip:
        if self._paint_geometry is not None:
            scroll_x, scroll_y, width = self._paint_geometry
        else:
            scroll_x, scroll_y = self.scroll_offset
            width = self.scrollable_content_region.width
        index = scroll_y + y
        key = (index, scroll_x, width)
        cached = self._strips.get(key)
        if cached is not None:
            return cached
        if len(self._strips) > 4000:
            self._strips.clear()
        strip = self._render_document_line(index, scroll_x, width)
        self._strips[key] = strip
        return strip

    def _render_document_line(self, index: int, scroll_x: int, width: int) -> Strip:
        base = self._paint_base or self.rich_style
        if index >= self._layout.height or self.document is None:
            return Strip.blank(width, base)
        start, end = self._layout.starts[index], self._layout.ends[index]
        stop = end + 1  # one cell past the text: the cursor may sit at the end of a line
        layers: list[tuple[int, int, Style]] = []  # painted in order, later ones on top
        focused = self._paint_focused
        # longest first, so nested mentions are drawn over the ones containing them
        for m in sorted(self._mentions_between(start, stop), key=lambda m: m.start - m.end):
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
            if event.trigger_start < stop and event.trigger_end > start:
                layers.append((event.trigger_start, event.trigger_end, styles.EVENT_TRIGGER))
        for suggestion in self._triggers_between(start, stop):
            layers.append((suggestion.start, suggestion.end, styles.TRIGGER_SUGGESTION))
        layers.extend((a, b, styles.FIND_MATCH) for a, b in self.find_matches_between(start, stop))
        selection = self.selection
        if selection:
            layers.append((selection.start, selection.end, styles.SELECTION))
        if self.has_focus and start <= self.cursor <= end:
            layers.append((self.cursor, self.cursor + 1, styles.CURSOR))
        chars = self._display[start:end] + " "
        # style runs between the boundaries of the layers: a few per line, not one per char
        cuts = sorted(
            {start, stop, *(max(start, min(stop, p)) for a, b, _ in layers for p in (a, b))}
        )
        segments = []
        for a, b in zip(cuts, cuts[1:], strict=False):
            style = base
            for la, lb, layer in layers:
                if la <= a and b <= lb:
                    style = style + layer
            segments.append(Segment(chars[a - start : b - start], style))
        cells = cell_len(chars)
        if scroll_x or cells > width:
            return Strip(segments).crop(scroll_x, scroll_x + width).extend_cell_length(width, base)
        # the usual case (wrapped lines fit): pad it here, not through crop and extend
        if cells < width:
            segments.append(Segment(" " * (width - cells), base))
        return Strip(segments, width)

    def find_matches_between(self, start: int, end: int) -> list[tuple[int, int]]:
        """Find matches overlapping [start, end) (they are sorted by start)."""
        matches = self.find_matches
        i = bisect_left(matches, (start - 1000, 0))
        out = []
        while i < len(matches) and matches[i][0] < end:
            if matches[i][1] > start:
                out.append(matches[i])
            i += 1
        return out

    # -- actions -------------------------------------------------------------------------

    def _target(self, unit: str, direction: int) -> int:
        text, offset = self.text, self.cursor
        if unit == "char":
            return offset + direction
        if unit == "word":
            return (
                layout.next_word(text, offset)
                if direction > 0
                else layout.previous_word(text, offset)
            )
        if unit == "sentence":
            return (
                layout.next_sentence(text, offset)
                if direction > 0
                else layout.previous_sentence(text, offset)
            )
        if unit == "paragraph":
            return (
                layout.next_paragraph(text, offset)
                if direction > 0
                else layout.previous_paragraph(text, offset)
            )
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
            pool = [m for m in self.mentions if unit == "annotation" or m.status == SUGGESTED]
            if direction > 0:
                after = [m.start for m in pool if m.start > offset]
                return min(after) if after else offset
            before = [m.start for m in pool if m.start < offset]
            return max(before) if before else offset
        return offset

    def move_to(self, offset: int, *, extend: bool = False) -> None:
        """Put the cursor at an offset, extending the selection if asked or in select mode."""
        before_line = self._layout.line_of(self.cursor)
        had_selection = self.selection is not None
        focused_before = self.mention_at_cursor()
        if extend or self.selection_mode:
            if self.anchor is None:
                self.anchor = self.cursor
        else:
            self.anchor = None
        self.cursor = max(0, min(len(self.text), offset))
        self._scroll_to_cursor()
        focused_after = self.mention_at_cursor()
        if had_selection or self.selection:
            self.redraw()  # a selection may span many lines
        else:
            lines = {before_line, self._layout.line_of(self.cursor)}
            for mention in (focused_before, focused_after):
                if mention is not None and focused_before != focused_after:
                    lines.update(
                        range(
                            self._layout.line_of(mention.start),
                            self._layout.line_of(mention.end) + 1,
                        )
                    )
            self._refresh_document_lines(*lines)
        self._announce()

    def _refresh_document_lines(self, *lines: int) -> None:
        """Redraw only these visual lines (a plain cursor move touches two)."""
        top = self.scroll_offset.y
        for line in set(lines):
            for key in [k for k in self._strips if k[0] == line]:
                del self._strips[key]
            if 0 <= line - top < self.size.height:
                self.refresh_line(line)  # takes the document line; subtracts the scroll itself

    def action_move(self, unit: str, direction: int) -> None:
        self.move_to(self._target(unit, direction))

    def action_select(self, unit: str, direction: int) -> None:
        self.move_to(self._target(unit, direction), extend=True)

    def action_toggle_selection_mode(self) -> None:
        self.selection_mode = not self.selection_mode
        self.anchor = self.cursor if self.selection_mode else None
        self.redraw()

    def action_clear_selection(self) -> None:
        self.selection_mode = False
        self.anchor = None
        self.find_matches = []
        self.redraw()

    def select_span(self, start: int, end: int) -> None:
        """Select [start, end) with the cursor at its start (on the mention, if one is there)."""
        self.anchor = end
        self.cursor = start
        self._scroll_to_cursor()
        self.redraw()
        self._announce()

    def _announce(self) -> None:
        self.post_message(self.CursorMoved(self, self.cursor, self.mention_at_cursor()))

    def on_focus(self) -> None:
        self.redraw()
        self._announce()

    def on_blur(self) -> None:
        self.redraw()
