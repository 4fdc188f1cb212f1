"""How use cases name what they changed, in undo messages and status lines."""

from __future__ import annotations


def quoted_short(text: str, limit: int = 40) -> str:
    """'text' on one line, cut at `limit` characters."""
    one_line = " ".join(text.split())
    return "'" + (one_line if len(one_line) <= limit else one_line[: limit - 1] + "…") + "'"
