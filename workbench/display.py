"""Strings from outside (files, the database, plugins) shown as data, never as commands.

One rule for every widget, notification, palette entry and CLI line:
control characters (C0, DEL, C1) and the bidirectional controls that could reorder what
the analyst reads become visible symbols, one character for one, so character offsets
stay true; markup is never parsed (widgets take `Text`, never markup strings). JSON output
escapes the same characters as `\\uXXXX`."""

from __future__ import annotations

import json
import re
from typing import Any

# C0 controls as Unicode "control pictures" (ESC -> ␛, BEL -> ␇), tab as →, DEL as ␡.
_SYMBOLS: dict[int, int] = {code: 0x2400 + code for code in range(0x20)}
_SYMBOLS[0x09] = ord("→")
_SYMBOLS[0x7F] = 0x2421
# C1 controls (0x9B alone starts a terminal command) and the characters that change the
# direction or the lines of what follows: the replacement character, visibly.
_REPLACED = (
    *range(0x80, 0xA0),
    0x061C,  # Arabic letter mark
    0x200E,
    0x200F,  # left-to-right, right-to-left marks
    *range(0x202A, 0x202F),  # embeddings and overrides (U+202E: right-to-left override)
    *range(0x2066, 0x206A),  # isolates
    0x2028,
    0x2029,  # line and paragraph separators
)
_SYMBOLS.update(dict.fromkeys(_REPLACED, 0xFFFD))
_IN_TEXT = {code: symbol for code, symbol in _SYMBOLS.items() if code != 0x0A}
_IN_JSON = re.compile("[" + "".join(f"\\u{code:04x}" for code in _REPLACED) + "\\u007f]")


def visible(text: object) -> str:
    """One line of display text: every control, bidi and line-breaking character (also
    a line feed) shown as a visible symbol, one for one."""
    return str(text).translate(_SYMBOLS)


def visible_text(text: str) -> str:
    """Document text for display: like `visible`, but line feeds stay line feeds."""
    return text.translate(_IN_TEXT)


def json_text(data: Any, indent: int | None = 2) -> str:
    """JSON for other tools: characters a terminal would act on are escaped as `\\uXXXX`
    (the standard encoder already escapes C0 controls)."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def unsafe_characters(text: str) -> set[str]:
    """The characters of `text` that `visible` would replace (for tests and checks)."""
    return {ch for ch in text if ord(ch) in _SYMBOLS and ch != "\n"}


def plural(count: int, word: str, many: str | None = None) -> str:
    """ "1 document", "2 documents" ("1 entity", "3 entities" with `many`)."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def field_value(value: Any) -> str:
    """An incident field's value as a line shows it: a figure range "2–3" (or "2"), names
    joined, "—" for nothing."""
    if value is None or value == []:
        return "—"
    if isinstance(value, list) and all(isinstance(v, int) for v in value):
        return str(value[0]) if len(set(value)) == 1 else "–".join(map(str, value))
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)
