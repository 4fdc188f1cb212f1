"""A list of one-line rows with a cursor, for thousands of rows that change one at a time.

Textual's OptionList and DataTable measure or redraw every row when one row changes; on
the adjudication screen (a thousand disagreements and more, one settled per key) that
was most of a keystroke (`benchmarks/bench_tui.py`, adjudication). Here only the
visible rows are drawn, and a changed row redraws alone."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

ROWS_KEPT = 400  # drawn rows kept: a few screens' worth


class RowList(ScrollView, can_focus=True):
    """Rows of rich Text, one line each; up/down/page/home/end move the cursor."""

    BINDINGS = [
        Binding("down", "move(1)", show=False, id="rows.down"),
        Binding("up", "move(-1)", show=False, id="rows.up"),
        Binding("pagedown", "page(1)", show=False, id="rows.page_down"),
        Binding("pageup", "page(-1)", show=False, id="rows.page_up"),
        Binding("home", "move_to(0)", show=False, id="rows.first"),
        Binding("end", "move_to(-1)", show=False, id="rows.last"),
    ]
    DEFAULT_CSS = """
    RowList { overflow-x: hidden; }
    RowList > .row-list--cursor { background: $accent 40%; text-style: bold; }
    """
    COMPONENT_CLASSES = {"row-list--cursor"}

    class Highlighted(Message):
        """The cursor is on another row."""

        def __init__(self, row_list: RowList, index: int) -> None:
            super().__init__()
            self.row_list = row_list
            self.index = index

        @property
        def control(self) -> RowList:
            return self.row_list

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[Text] = []
        self.cursor = 0
        self._versions: list[int] = []  # per row, raised when it is replaced
        self._drawn: LRUCache[tuple[int, int, int, bool], Strip] = LRUCache(ROWS_KEPT)

    def set_rows(self, rows: list[Text], cursor: int = 0) -> None:
        """Replace every row; the cursor goes to `cursor`."""
        self.rows = rows
        self._versions = [0] * len(rows)
        self._drawn.clear()
        self.virtual_size = Size(self.size.width, len(rows))
        self.move_to(cursor)
        self.refresh()

    def replace_row(self, index: int, row: Text) -> None:
        """Change one row; only it is drawn again."""
        self.rows[index] = row
        self._versions[index] += 1
        self.refresh_line(index)

    def move_to(self, index: int) -> None:
        """Put the cursor on row `index` (negative: from the end) and show it."""
        if not self.rows:
            return
        index = max(0, min(len(self.rows) - 1, index % len(self.rows) if index < 0 else index))
        before, self.cursor = self.cursor, index
        self.refresh_line(before)
        self.refresh_line(index)
        top, height = self.scroll_offset.y, max(1, self.size.height)
        if index < top:
            self.scroll_to(y=index, animate=False)
        elif index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False)
        self.post_message(self.Highlighted(self, index))

    def action_move(self, step: int) -> None:
        self.move_to(self.cursor + step)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(1, self.size.height - 1))

    def action_move_to(self, index: int) -> None:
        self.move_to(index)

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.size.width
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        key = (index, self._versions[index], width, index == self.cursor)
        strip = self._drawn.get(key)
        if strip is None:
            strip = self._draw(index, width)
            self._drawn[key] = strip
        return strip

    def _draw(self, index: int, width: int) -> Strip:
        # a row is one line: its segments, cut or padded to the width (not wrapped)
        line = Strip(list(self.rows[index].render(self.app.console, end="")))
        base: Style = self.rich_style
        if index == self.cursor:
            base += self.get_component_rich_style("row-list--cursor")
        return line.crop_extend(0, width, None).apply_style(base)
