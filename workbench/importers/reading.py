"""Reading untrusted files as text: size, binary and encoding checks, one normalisation."""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
import unicodedata
from pathlib import Path
from typing import BinaryIO

from workbench.errors import ImportFormatError

# A larger document is refused rather than half-handled; split it first.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
NORMALISATION = "NFC, LF line ends"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def read_text_file(path: Path, max_bytes: int = MAX_DOCUMENT_BYTES) -> str:
    """The file's text, or ImportFormatError if it is too big, binary, empty or not UTF-8."""
    with open_regular_file(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > max_bytes:
            raise ImportFormatError(
                path,
                f"file is {_megabytes(size)}, over the {_megabytes(max_bytes)} limit; split it",
            )
        try:
            # the size a file reports is not trusted: never read past the limit
            data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise ImportFormatError(path, f"cannot read: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise ImportFormatError(path, f"file is over the {_megabytes(max_bytes)} limit; split it")
    return decode_text(path, data)


def open_regular_file(path: Path) -> BinaryIO:
    """Open a regular file for reading. A device, pipe or socket is refused before a byte
    is read (reading /dev/urandom never ends; opening a pipe waits for a writer)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ImportFormatError(path, f"cannot read: {exc.strerror or exc}") from exc
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "a device, pipe or socket"
            raise ImportFormatError(path, f"is {kind}, not a regular file")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


_UTF32_BOMS = {codecs.BOM_UTF32_LE: "utf-32", codecs.BOM_UTF32_BE: "utf-32"}
_UTF16_BOMS = {codecs.BOM_UTF16_LE: "utf-16", codecs.BOM_UTF16_BE: "utf-16"}


def decode_text(path: Path, data: bytes, line: int | None = None) -> str:
    """Decode UTF-8 (BOM allowed), or UTF-16/32 with a byte-order mark; binary data (a NUL
    anywhere) is refused with a clear reason."""
    for boms in (_UTF32_BOMS, _UTF16_BOMS):
        for bom, codec in boms.items():
            if data.startswith(bom):
                try:
                    text = data.decode(codec)
                except UnicodeDecodeError as exc:
                    raise ImportFormatError(
                        path, f"not valid {codec.upper()} (at byte {exc.start})", line
                    ) from exc
                if "\x00" in text:
                    raise ImportFormatError(path, "contains NUL characters", line)
                return text
    if b"\x00" in data:
        raise ImportFormatError(path, _binary_reason(data), line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(
            path, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})", line
        ) from exc
    return text


def _binary_reason(data: bytes) -> str:
    """Why data with NUL bytes is refused: UTF-16 without a byte-order mark, or binary."""
    sample = data[:4096]
    even, odd = sample[0::2], sample[1::2]
    if sample and (even.count(0) > len(even) * 0.4 or odd.count(0) > len(odd) * 0.4):
        order = "BE" if even.count(0) > odd.count(0) else "LE"
        return (
            f"looks like UTF-16 text without a byte-order mark; convert it to UTF-8 "
            f"(e.g. iconv -f UTF-16{order} -t UTF-8)"
        )
    return "looks like a binary file (contains NUL bytes)"


# A JSON string can hold a lone surrogate only through a \uD800-\uDFFF escape (the line
# itself was decoded as strict UTF-8, which has none), and a value is nested no deeper
# than its line has opening brackets.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
MAX_JSON_DEPTH = 64


def may_fail_string_checks(line: str) -> bool:
    """Whether `check_strings` can find anything in the value parsed from this JSON line
    (most lines have neither escapes of surrogates nor dozens of brackets: those are not
    walked)."""
    if line.count("[") + line.count("{") >= MAX_JSON_DEPTH:
        return True
    return "\\u" in line and _SURROGATE_ESCAPE.search(line) is not None


def check_strings(
    value: object, path: Path, line: int | None, max_depth: int = MAX_JSON_DEPTH
) -> None:
    """Refuse JSON whose strings are not valid Unicode (a lone surrogate such as "\\ud800"
    cannot be stored) or that is nested deeper than any Workbench record."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            _check_unicode(item, path, line)
        elif isinstance(item, dict | list):
            if depth >= max_depth:
                raise ImportFormatError(path, f"JSON nested more than {max_depth} levels", line)
            if isinstance(item, dict):
                for key, child in item.items():
                    _check_unicode(key, path, line)
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in item)


def _check_unicode(text: str, path: Path, line: int | None) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        code = ord(text[exc.start])
        raise ImportFormatError(
            path, f"string holds an unpaired surrogate \\u{code:04x} (not valid Unicode)", line
        ) from None


def normalise_text(text: str) -> str:
    """The one normalisation every document gets at import: NFC and \\n line ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def sha256_text(text: str) -> str:
    """The SHA-256 of a document's (normalised) text, hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
