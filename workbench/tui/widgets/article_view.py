"""The article view: a document drawn line by line (Textual's Line API) with a cursor,
a selection and annotations, all in character offsets of the document text.

Only the visible lines are drawn; wrapping is computed once per width, and annotation
lookups per line use a sorted index, so a 1 MB document with 10 000 annotations costs
the same per keystroke as a short one.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from workbench.model import SUGGESTED, Document, Mention
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
        self.find_matches: list[tuple[int, int]] = []

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
        """Replace the annotations drawn (after any change through the store)."""
        self.mentions = sorted(mentions, key=_order)
        self._starts = [m.start for m in self.mentions]
        self._longest = max((m.end - m.start for m in self.mentions), default=0)
        self.refresh()

    def upsert_mention(self, mention: Mention) -> None:
        """Add or replace one mention (no re-sort of the whole list: a bisect insert)."""
        self.remove_mention(mention.id, refresh=False)
        if mention.status != "rejected":
            key = (mention.start, -mention.end, mention.id)
            i = bisect_left(self._starts, mention.start)
            while i < len(self.mentions) and _order(self.mentions[i]) < key:
                i += 1
            self.mentions.insert(i, mention)
            self._starts.insert(i, mention.start)
            self._longest = max(self._longest, mention.end - mention.start)
        self.refresh()

    def remove_mention(self, mention_id: int, *, refresh: bool = True) -> None:
        """Drop one mention from the drawing."""
        for i, m in enumerate(self.mentions):
            if m.id == mention_id:
                del self.mentions[i]
                del self._starts[i]
                break
        if refresh:
            self.refresh()

    def set_highlight(self, entity_id: str | None, mention_ids: set[int] | None = None) -> None:
        """Emphasise every mention of an entity (and any extra mentions, e.g. event roles)."""
        self.highlight_entity = entity_id
        self.highlight_mentions = mention_ids or set()
        self.refresh()

    # -- geometry ------------------------------------------------------------------------

    def _rewrap(self) -> None:
        width = max(8, self.scrollable_content_region.width or self.size.width or 80)
        if (
            width != self._layout.width
            or not self._layout.starts
            or self._layout_text is not self.text
        ):
            self._layout = layout.wrap(self.text, width - 1)
            self._layout_text = self.text
        self.virtual_size = Size(width, self._layout.height)

    _layout_text: str = ""

    def on_resize(self) -> None:
        self._rewrap()
        self._scroll_to_cursor()
        self.refresh()

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

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        if index >= self._layout.height or self.document is None:
            return Strip.blank(width, self.rich_style)
        start, end = self._layout.starts[index], self._layout.ends[index]
        base = self.rich_style
        char_styles: list[Style] = [base] * (end - start + 1)  # +1: the cursor may sit at end

        def paint(a: int, b: int, style: Style) -> None:
            for i in range(max(a, start), min(b, end + 1)):
                char_styles[i - start] = char_styles[i - start] + style

        focused = self.mention_at_cursor()
        # longest first, so nested mentions are drawn over the ones containing them
        for m in sorted(self._mentions_between(start, end + 1), key=lambda m: m.start - m.end):
            style = (
                styles.suggestion_style(m.label)
                if m.status == SUGGESTED
                else styles.accepted_style(m.label)
            )
            paint(m.start, m.end, style)
            if (
                self.highlight_entity and m.entity_id == self.highlight_entity
            ) or m.id in self.highlight_mentions:
                paint(m.start, m.end, styles.SAME_ENTITY)
            if focused is not None and m.id == focused.id:
                paint(m.start, m.end, styles.FOCUSED_MENTION)
        for a, b in self.find_matches:
            if a < end + 1 and b > start:
                paint(a, b, styles.FIND_MATCH)
        if self.selection:
            paint(self.selection.start, self.selection.end, styles.SELECTION)
        if self.has_focus and start <= self.cursor <= end:
            paint(self.cursor, self.cursor + 1, styles.CURSOR)
        chars = self._display[start:end]
        # a cursor at the end of a line (or of the text) is drawn on a blank cell
        chars += " "
        segments = []
        run_start = 0
        for i in range(1, len(chars) + 1):
            if i == len(chars) or char_styles[i] != char_styles[run_start]:
                segments.append(Segment(chars[run_start:i], char_styles[run_start]))
                run_start = i
        strip = Strip(segments)
        return strip.crop(scroll_x, scroll_x + width).extend_cell_length(width, base)

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
        if extend or self.selection_mode:
            if self.anchor is None:
                self.anchor = self.cursor
        else:
            self.anchor = None
        self.cursor = max(0, min(len(self.text), offset))
        self._scroll_to_cursor()
        self.refresh()
        self._announce()

    def action_move(self, unit: str, direction: int) -> None:
        self.move_to(self._target(unit, direction))

    def action_select(self, unit: str, direction: int) -> None:
        self.move_to(self._target(unit, direction), extend=True)

    def action_toggle_selection_mode(self) -> None:
        self.selection_mode = not self.selection_mode
        self.anchor = self.cursor if self.selection_mode else None
        self.refresh()

    def action_clear_selection(self) -> None:
        self.selection_mode = False
        self.anchor = None
        self.find_matches = []
        self.refresh()

    def select_span(self, start: int, end: int) -> None:
        """Select [start, end) with the cursor at its start (on the mention, if one is there)."""
        self.anchor = end
        self.cursor = start
        self._scroll_to_cursor()
        self.refresh()
        self._announce()

    def _announce(self) -> None:
        self.post_message(self.CursorMoved(self, self.cursor, self.mention_at_cursor()))

    def on_focus(self) -> None:
        self.refresh()
        self._announce()

    def on_blur(self) -> None:
        self.refresh()
