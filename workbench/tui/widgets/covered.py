"""Containers whose children cover every cell of them.

Textual renders a container's own lines (its background) at every full repaint even when
its children hide all of them, and closing a picker repaints the whole screen. These
containers hand the compositor blank lines instead, which cost next to nothing. Only for
containers without border or padding, whose children fill them."""

from __future__ import annotations

from textual.containers import Horizontal, Vertical
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget


def blank_lines(widget: Widget, crop: Region) -> list[Strip]:
    """What a fully covered widget shows: nothing, in its background colour."""
    return [Strip.blank(crop.width, widget.rich_style)] * crop.height


class CoveredHorizontal(Horizontal):
    def render_lines(self, crop: Region) -> list[Strip]:
        return blank_lines(self, crop)


class CoveredVertical(Vertical):
    def render_lines(self, crop: Region) -> list[Strip]:
        return blank_lines(self, crop)
