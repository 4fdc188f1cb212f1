"""Plain text and Markdown articles, with optional front matter.

    Title: Iran says it killed Jaish al-Adl leader ...
    Source: Agency name
    URL: https://...
    Published: 2024-02-24

    Body text...

The front-matter block is the first lines of the file, each `Key: value`, ended by a blank
line. Without it the title is the first non-empty line of the text.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from workbench.errors import ImportFormatError
from workbench.importers.reading import (
    NORMALISATION,
    normalise_text,
    read_text_file,
    sha256_text,
)
from workbench.model import NewDocument

FRONT_MATTER_KEYS = {"title", "source", "url", "published"}
_FIELD = re.compile(r"^([A-Za-z]+):[ \t]*(.*)$")
MAX_TITLE = 300


def parse_published(value: str, path: Path, line: int | None) -> str | None:
    """An ISO 8601 date or date-time, written one way: `YYYY-MM-DD`, or
    `YYYY-MM-DDTHH:MM:SS` with the offset it was given (`+05:00`) if any. Also accepts
    what ISO allows besides (`20240224`, `2024-W08-6`, a space before the time)."""
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ImportFormatError(
            path, f"published date {value!r} is not ISO 8601 (YYYY-MM-DD)", line
        ) from exc
    return moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds")


def published_meta(original: str, published: str | None) -> dict[str, str]:
    """The date as the file wrote it, kept in the document's meta when it was rewritten."""
    original = original.strip()
    return {"published_as_written": original} if published and original != published else {}


def split_front_matter(text: str, path: Path) -> tuple[dict[str, str], str]:
    """Separate the `Key: value` header (if any) from the body."""
    lines = text.split("\n")
    first = _FIELD.match(lines[0]) if lines else None
    if not first or first.group(1).lower() not in FRONT_MATTER_KEYS:
        return {}, text
    fields: dict[str, str] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            return fields, "\n".join(lines[number:])
        match = _FIELD.match(line)
        if not match or match.group(1).lower() not in FRONT_MATTER_KEYS:
            raise ImportFormatError(
                path,
                f"front matter line is not one of Title/Source/URL/Published: {line[:60]!r}",
                number,
            )
        fields[match.group(1).lower()] = match.group(2).strip()
        fields[f"_line_{match.group(1).lower()}"] = str(number)
    return fields, ""


def title_from_text(text: str, fallback: str) -> str:
    """First non-empty line of the text, shortened; else the fallback."""
    for line in text.split("\n"):
        if line.strip():
            title = " ".join(line.split())
            return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1] + "…"
    return fallback


def document_from_text(raw: str, path: Path, origin: str) -> NewDocument:
    """Build a document from a text file's content."""
    normalised = normalise_text(raw)
    fields, body = split_front_matter(normalised, path)
    if not body.strip():
        raise ImportFormatError(
            path, "empty document (no text after the front matter)" if fields else "empty document"
        )
    published_line = fields.get("_line_published")
    published = parse_published(
        fields.get("published", ""), path, int(published_line) if published_line else None
    )
    meta = published_meta(fields.get("published", ""), published)
    return NewDocument(
        title=fields.get("title") or title_from_text(body, path.stem),
        text=body,
        sha256=sha256_text(body),
        origin=origin,
        source=fields.get("source") or None,
        url=fields.get("url") or None,
        published=published,
        normalisation=NORMALISATION + (" (changed)" if normalised != raw else ""),
        meta=meta,
    )


def read_text_document(path: Path) -> NewDocument:
    """Read one .txt / .md article."""
    return document_from_text(read_text_file(path), path, origin=str(path))
