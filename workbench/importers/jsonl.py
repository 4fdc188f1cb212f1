"""JSONL corpora: one document per line, `{"id"?, "title"?, "text", "source"?, "url"?,
"published"?, "meta"?}`. The whole file is validated before anything is stored."""

from __future__ import annotations

import codecs
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from workbench.errors import ImportFormatError
from workbench.importers.reading import (
    MAX_DOCUMENT_BYTES,
    NORMALISATION,
    check_strings,
    decode_text,
    may_fail_string_checks,
    normalise_text,
    open_regular_file,
    sha256_text,
)
from workbench.importers.text import parse_published, published_meta, title_from_text
from workbench.model import NewDocument

_STRING_FIELDS = ("title", "source", "url", "published")


def iter_json_lines(path: Path) -> Iterator[tuple[int, Any]]:
    """Yield (line number, parsed object) for each non-blank line; errors name the line."""
    with open_regular_file(path) as handle:
        start = handle.read(4)
        if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise ImportFormatError(
                path, "is UTF-16; JSON lines must be UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)"
            )
        handle.seek(0)
        for number, raw in enumerate(_lines(handle, path), start=1):
            line = decode_text(path, raw, number).strip()
            if not line:
                continue
            try:
                obj = orjson.loads(line)
            except orjson.JSONDecodeError:
                # (the standard parser is the reference: it gives the error message, or
                # the value where it accepts what orjson does not, such as NaN or a lone
                # surrogate's escape, which check_strings then refuses)
                obj = _standard_parse(line, path, number)
            if may_fail_string_checks(line):
                check_strings(obj, path, number)
            yield number, obj


def _standard_parse(line: str, path: Path, number: int) -> Any:
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(
            path, f"malformed JSON: {exc.msg} (column {exc.colno})", number
        ) from exc
    except RecursionError:
        raise ImportFormatError(path, "JSON nested too deeply", number) from None


def _lines(handle: BinaryIO, path: Path) -> Iterator[bytes]:
    """The file's lines, each read with a bound: a line over the document limit is an
    error, not a read of the whole rest of the file into memory."""
    for number in itertools.count(1):
        raw = handle.readline(MAX_DOCUMENT_BYTES + 1)
        if not raw:
            return
        if len(raw) > MAX_DOCUMENT_BYTES:
            raise ImportFormatError(path, "line longer than the 20 MB document limit", number)
        yield raw


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
    published = parse_published(obj.get("published") or "", path, number)
    meta = {**meta, **published_meta(obj.get("published") or "", published)}
    return NewDocument(
        title=obj.get("title") or title_from_text(normalised, f"{path.stem} line {number}"),
        text=normalised,
        sha256=sha256_text(normalised),
        origin=f"{path}:{number}",
        source=obj.get("source"),
        url=obj.get("url"),
        published=published,
        normalisation=NORMALISATION + (" (changed)" if normalised != text else ""),
        meta=meta,
    )


def read_jsonl_documents(path: Path) -> list[NewDocument]:
    """Every document of a JSONL file, or ImportFormatError for the first bad line."""
    documents = [_document(obj, path, number) for number, obj in iter_json_lines(path)]
    if not documents:
        raise ImportFormatError(path, "empty file (no JSON lines)")
    return documents
