"""One line of the article view drawn: its text, with the styles of the spans over it
(annotations, event triggers, find matches, the selection, the cursor) laid on in order."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

# A style laid on the document offsets [start, end); later layers go on top.
Layer = tuple[int, int, Style]


def painted_line(
    chars: str, start: int, layers: Sequence[Layer], base: Style, scroll_x: int, width: int
) -> Strip:
    """`chars` (the line as drawn, beginning at document offset `start`) as a strip of
    `width` cells from cell `scroll_x`, each character in `base` plus every layer over it."""
    stop = start + len(chars)
    # style runs between the boundaries of the layers: a few per line, not one per char
    cuts = sorted({start, stop, *(max(start, min(stop, p)) for a, b, _ in layers for p in (a, b))})
    segments = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        style = base
        for layer_start, layer_end, layer in layers:
            if layer_start <= a and b <= layer_end:
                style = style + layer
        segments.append(Segment(chars[a - start : b - start], style))
    cells = cell_len(chars)
    if scroll_x or cells > width:
        return Strip(segments).crop(scroll_x, scroll_x + width).extend_cell_length(width, base)
    # the usual case (wrapped lines fit): pad it here, not through crop and extend
    if cells < width:
        segments.append(Segment(" " * (width - cells), base))
    return Strip(segments, width)
