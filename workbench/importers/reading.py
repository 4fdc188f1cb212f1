"""Reading untrusted files as text: size, binary and encoding checks, one normalisation."""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

from workbench.errors import ImportFormatError

# A larger document is refused rather than half-handled; split it first.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
NORMALISATION = "NFC, LF line ends"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def read_text_file(path: Path, max_bytes: int = MAX_DOCUMENT_BYTES) -> str:
    """The file's text, or ImportFormatError if it is too big, binary, empty or not UTF-8."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ImportFormatError(
                path,
                f"file is {_megabytes(size)}, over the {_megabytes(max_bytes)} limit; split it",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFormatError(path, f"cannot read: {exc.strerror or exc}") from exc
    return decode_text(path, data)


def decode_text(path: Path, data: bytes, line: int | None = None) -> str:
    """Decode UTF-8 (BOM allowed), refusing binary data with a clear reason."""
    if b"\x00" in data[:65536]:
        raise ImportFormatError(path, "looks like a binary file (contains NUL bytes)", line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(
            path, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})", line
        ) from exc
    return text


def normalise_text(text: str) -> str:
    """The one normalisation every document gets at import: NFC and \\n line ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def sha256_text(text: str) -> str:
    """The SHA-256 of a document's (normalised) text, hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
