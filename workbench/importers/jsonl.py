"""JSONL corpora: one document per line, `{"id"?, "title"?, "text", "source"?, "url"?,
"published"?, "meta"?}`. The whole file is validated before anything is stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from workbench.errors import ImportFormatError
from workbench.importers.reading import (
    MAX_DOCUMENT_BYTES,
    NORMALISATION,
    decode_text,
    normalise_text,
    sha256_text,
)
from workbench.importers.text import parse_published, title_from_text
from workbench.model import NewDocument

_STRING_FIELDS = ("title", "source", "url", "published")


def iter_json_lines(path: Path):
    """Yield (line number, parsed object) for each non-blank line; errors name the line."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise ImportFormatError(path, f"cannot read: {exc.strerror or exc}") from exc
    with handle:
        for number, raw in enumerate(handle, start=1):
            if len(raw) > MAX_DOCUMENT_BYTES:
                raise ImportFormatError(path, "line longer than the 20 MB document limit", number)
            line = decode_text(path, raw, number).strip()
            if not line:
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                raise ImportFormatError(
                    path, f"malformed JSON: {exc.msg} (column {exc.colno})", number
                ) from exc


def _document(obj: Any, path: Path, number: int) -> NewDocument:
    if not isinstance(obj, dict):
        raise ImportFormatError(path, "each line must be a JSON object", number)
    text = obj.get("text")
    if not isinstance(text, str):
        raise ImportFormatError(path, 'missing "text" string', number)
    for name in _STRING_FIELDS:
        if obj.get(name) is not None and not isinstance(obj[name], str):
            raise ImportFormatError(path, f'"{name}" must be a string', number)
    meta = obj.get("meta")
    meta = {} if meta is None else meta
    if not isinstance(meta, dict):
        raise ImportFormatError(path, '"meta" must be an object', number)
    if "\x00" in text:
        raise ImportFormatError(path, "text contains NUL characters", number)
    normalised = normalise_text(text)
    if not normalised.strip():
        raise ImportFormatError(path, "empty document text", number)
    if obj.get("id") is not None:
        meta = {**meta, "id": obj["id"]}
    return NewDocument(
        title=obj.get("title") or title_from_text(normalised, f"{path.stem} line {number}"),
        text=normalised,
        sha256=sha256_text(normalised),
        origin=f"{path}:{number}",
        source=obj.get("source"),
        url=obj.get("url"),
        published=parse_published(obj.get("published") or "", path, number),
        normalisation=NORMALISATION + (" (changed)" if normalised != text else ""),
        meta=meta,
    )


def read_jsonl_documents(path: Path) -> list[NewDocument]:
    """Every document of a JSONL file, or ImportFormatError for the first bad line."""
    documents = [_document(obj, path, number) for number, obj in iter_json_lines(path)]
    if not documents:
        raise ImportFormatError(path, "empty file (no JSON lines)")
    return documents
