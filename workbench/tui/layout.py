"""Pure text geometry for the article view: display characters, wrapping, cursor moves.

Everything works in character offsets into the document text (the coordinates
annotations use); nothing here knows about Textual.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple

from rich.cells import split_graphemes

from workbench.display import visible_text

# A word: letters and digits, with an apostrophe inside it ("Pakistan's", "Hazar'a").
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+|\n\s*")  # a line break ends one too
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def display_text(text: str) -> str:
    """The text with every control character replaced by a visible one (same length)."""
    return visible_text(text)


class Layout(NamedTuple):
    """Visual lines of a text wrapped at a width: line i shows text[starts[i]:ends[i]]."""

    starts: list[int]
    ends: list[int]
    width: int

    @property
    def height(self) -> int:
        return len(self.starts)

    def line_of(self, offset: int) -> int:
        """The visual line showing `offset` (the end of text belongs to the last line)."""
        return max(0, bisect_right(self.starts, offset) - 1)

    def column_of(self, offset: int) -> int:
        return offset - self.starts[self.line_of(offset)]

    def offset_at(self, line: int, column: int) -> int:
        """The offset at a line and column, clamped to that line."""
        line = max(0, min(self.height - 1, line))
        return min(self.starts[line] + max(0, column), self.ends[line])


# Characters one terminal cell wide each (rich measures them so): a paragraph made only
# of these wraps by counting characters, the rest by measuring graphemes.
_SINGLE_CELLS = re.compile(
    "[\x20-\x7e\xa0-\u02ff\u0370-\u0482\u2010-\u2027\u2030-\u205e\u2190-\u21ff"
    "\u2400-\u2426\u2500-\u25fc\ufffd]*"
)


def wrap(text: str, width: int) -> Layout:
    """Greedy word wrap of display text at `width` terminal cells, paragraph by paragraph;
    long words are cut, never inside a grapheme (a letter and its combining marks, an
    emoji with its modifiers). Offsets stay character offsets of the text."""
    width = max(8, width)
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    for paragraph in text.split("\n"):
        if not paragraph:
            starts.append(position)
            ends.append(position)
        elif _SINGLE_CELLS.fullmatch(paragraph):
            _wrap_single_cells(paragraph, position, width, starts, ends)
        else:
            _wrap_graphemes(paragraph, position, width, starts, ends)
        position += len(paragraph) + 1
    return Layout(starts, ends, width)


def _wrap_single_cells(
    paragraph: str, position: int, width: int, starts: list[int], ends: list[int]
) -> None:
    start, stop = 0, len(paragraph)
    while start < stop:
        end = min(start + width, stop)
        if end < stop:
            space = paragraph.rfind(" ", start, end + 1)
            if space > start:
                end = space + 1  # the space stays on this line
        starts.append(position + start)
        ends.append(position + end)
        start = end


def _wrap_graphemes(
    paragraph: str, position: int, width: int, starts: list[int], ends: list[int]
) -> None:
    graphemes, _ = split_graphemes(paragraph)
    first = 0  # the grapheme a line starts with
    while first < len(graphemes):
        cells, last = 0, first  # graphemes [first, last) fit
        while last < len(graphemes) and cells + graphemes[last][2] <= width:
            cells += graphemes[last][2]
            last += 1
        last = max(last, first + 1)
        if last < len(graphemes):
            if paragraph[graphemes[last][0]] == " ":
                last += 1  # a space that does not fit hangs at the end of the line
            else:
                spaces = [
                    i for i in range(first + 1, last) if paragraph[graphemes[i - 1][0]] == " "
                ]
                if spaces:
                    last = spaces[-1]  # break after the last space
        starts.append(position + graphemes[first][0])
        ends.append(position + graphemes[last - 1][1])
        first = last


def word_at(text: str, offset: int) -> tuple[int, int] | None:
    """The word under (or just before) the offset, as (start, end)."""
    for match in _WORD.finditer(text, max(0, offset - 200), min(len(text), offset + 200)):
        if match.start() <= offset < match.end() or match.end() == offset:
            return match.start(), match.end()
    return None


def next_word(text: str, offset: int) -> int:
    """Start of the next word after the one at offset (or the end of text)."""
    current = word_at(text, offset)
    position = current[1] if current and current[0] <= offset < current[1] else offset
    match = _WORD.search(text, position)
    if match and match.start() == offset:  # at a word's start, with no word "at" it yet
        match = _WORD.search(text, match.end())
    return match.start() if match else len(text)


def previous_word(text: str, offset: int) -> int:
    """Start of the word before offset (or 0)."""
    start = max(0, offset - 200)
    while True:
        found = [m.start() for m in _WORD.finditer(text, start, offset) if m.start() < offset]
        if found:
            return found[-1]
        if start == 0:
            return 0
        start = max(0, start - 2000)


def next_word_end(text: str, offset: int) -> int:
    """End of the word the offset is in (before its end), else of the next word: where a
    selection by words stops, never on the space or punctuation after it."""
    match = _WORD.search(text, offset)
    while match and match.end() <= offset:
        match = _WORD.search(text, match.end())
    return match.end() if match else len(text)


def word_ends(text: str, start: int, end: int) -> list[int]:
    """Where the words within [start, end) end, in order."""
    return [m.end() for m in _WORD.finditer(text, start, end)]


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without white space at either end (a mention never starts or ends with
    it, whatever was selected)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def word_end_after(text: str, offset: int) -> int:
    """End of the next word ending after offset (for growing a span by a word)."""
    match = _WORD.search(text, offset)
    return match.end() if match else len(text)


def next_sentence(text: str, offset: int) -> int:
    match = _SENTENCE_END.search(text, offset)
    return match.end() if match else len(text)


def previous_sentence(text: str, offset: int) -> int:
    starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text, max(0, offset - 5000), offset)]
    before = [s for s in starts if s < offset]
    return before[-1] if before else 0


def next_paragraph(text: str, offset: int) -> int:
    match = _PARAGRAPH_BREAK.search(text, offset)
    return match.end() if match else len(text)


def previous_paragraph(text: str, offset: int) -> int:
    starts = [0] + [
        m.end() for m in _PARAGRAPH_BREAK.finditer(text, max(0, offset - 20000), offset)
    ]
    before = [s for s in starts if s < offset]
    return before[-1] if before else 0
