"""Helpers every exporter needs: safe file names from titles, neutralised CSV cells."""

from __future__ import annotations

import re
import unicodedata

_UNSAFE = re.compile(r"[^\w.\- ]+")
_SPACES = re.compile(r"[\s_]+")
MAX_STEM = 80
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_stem(title: str, doc_id: int) -> str:
    """A file name stem from a title: no separators, `..`, control characters or dot files.

    The document id leads the stem so that two documents with one title never collide.
    """
    text = "".join(
        ch for ch in unicodedata.normalize("NFKC", title) if unicodedata.category(ch)[0] != "C"
    )
    text = _UNSAFE.sub(" ", text)
    text = _SPACES.sub("-", text.strip()).strip(".-")
    while ".." in text:
        text = text.replace("..", ".")
    text = text[:MAX_STEM].rstrip(".-") or "document"
    return f"{doc_id:05d}-{text}"


def neutral_cell(value: object) -> object:
    """A CSV cell that spreadsheet software will not run as a formula (OWASP advice): also
    when spaces come first, or the sign is a full-width or other compatibility form."""
    if not isinstance(value, str):
        return value
    first = value.lstrip()[:1]
    if value.startswith(FORMULA_STARTS) or (
        first and unicodedata.normalize("NFKC", first)[:1] in FORMULA_STARTS
    ):
        return "'" + value
    return value
