"""Where a full-text query matches inside one document, token by token.

The database's full-text index finds and ranks the documents; this module finds the
hits inside each one, the way SQLite's `unicode61` tokenizer sees words (runs of letters
and digits; case and Latin diacritics ignored), so that a hit opens at the matched token
("Iran" in "Iranian … Iran" is the second word, not the start of the first). It reads a
document once, from left to right, and stops when it has as many hits as were asked for.

Query syntax (FTS5's): words, "phrases", prefix*, AND/OR/NOT, NEAR(...), column:word.
Only the terms a hit can show are looked for: what follows NOT never is."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache
from typing import NamedTuple

_QUERY_TOKEN = re.compile(r'"(?:[^"]|"")*"\*?|[^\s"()^*:]+\*?:?|[()]|\S')
_WORD = re.compile(r"[^\W_]+")
_OPERATORS = {"AND", "OR", "NEAR"}
# Characters around a match shown in a snippet, on each side.
CONTEXT = 60


class Term(NamedTuple):
    """One thing a hit can match: a word or a phrase (its tokens), maybe a prefix."""

    tokens: tuple[str, ...]
    prefix: bool = False


class Snippet(NamedTuple):
    """A hit in its context: the text before it, the hit, the text after it (one line)."""

    before: str
    match: str
    after: str


def query_terms(query: str) -> list[Term]:
    """The positive terms of an FTS5 query (what NOT excludes is left out)."""
    terms: list[Term] = []
    parts = _QUERY_TOKEN.findall(query)
    index = 0
    while index < len(parts):
        part = parts[index]
        index += 1
        if part == "NOT":
            index = _skip_operand(parts, index)
            continue
        if part == ",":  # NEAR(a b, 5): the distance is not a term
            index += 1
            continue
        if part in _OPERATORS or part in "()^*:" or part.endswith(":"):
            continue
        prefix = part.endswith("*")
        text = part.rstrip("*")
        if text.startswith('"'):
            text = text[1:-1].replace('""', '"')
        tokens = tuple(_WORD.findall(text))
        if tokens:
            terms.append(Term(tokens, prefix))
    return terms


def _skip_operand(parts: list[str], index: int) -> int:
    """The index after the operand that starts at `index` (a term or a group)."""
    while index < len(parts) and parts[index].endswith(":"):
        index += 1  # a column filter belongs to its operand
    if index < len(parts) and parts[index] == "(":
        depth = 0
        while index < len(parts):
            depth += {"(": 1, ")": -1}.get(parts[index], 0)
            index += 1
            if depth == 0:
                break
        return index
    return index + 1


@cache
def _letter_classes() -> dict[str, str]:
    """For each ASCII letter, a character class of it and its Latin forms with diacritics
    (`unicode61` matches "Balūchestān" for "baluchestan")."""
    forms: dict[str, list[str]] = {}
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0]
        if base != char and base.isascii() and base.isalpha():
            forms.setdefault(base.lower(), []).append(char)
    return {letter: "[" + letter + "".join(chars) + "]" for letter, chars in forms.items()}


def _token_pattern(token: str) -> str:
    classes = _letter_classes()
    folded = unicodedata.normalize("NFD", token)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return "".join(classes.get(ch.lower(), re.escape(ch)) for ch in folded)


def hit_pattern(terms: list[Term]) -> re.Pattern[str] | None:
    """One regular expression that matches any of the terms as whole tokens."""
    alternatives = []
    for term in terms:
        body = r"[\W_]+".join(_token_pattern(token) for token in term.tokens)
        tail = r"[^\W_]*" if term.prefix else ""
        alternatives.append(rf"(?<![^\W_]){body}{tail}(?![^\W_])")
    if not alternatives:
        return None
    return re.compile("|".join(alternatives), re.IGNORECASE)


def hits(text: str, pattern: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    """(start, end) of each hit in the text, left to right."""
    for match in pattern.finditer(text):
        yield match.start(), match.end()


def snippet(text: str, start: int, end: int, context: int = CONTEXT) -> Snippet:
    """The hit with up to `context` characters on each side, cut at spaces, on one line."""
    before = text[max(0, start - context) : start]
    after = text[end : end + context]
    if start - context > 0 and " " in before:
        before = "…" + before[before.index(" ") + 1 :]
    if end + context < len(text) and " " in after:
        after = after[: after.rindex(" ")] + "…"
    return Snippet(
        " ".join(before.split()) + (" " if before[-1:].isspace() else ""),
        " ".join(text[start:end].split()),
        (" " if after[:1].isspace() else "") + " ".join(after.split()),
    )


_TSQUERY_OPERATORS = {"AND": "&", "OR": "|", "NOT": "& !"}


def tsquery(query: str) -> str:
    """The same query in PostgreSQL's tsquery syntax (`to_tsquery('simple', …)`): words
    and phrases (`<->`), prefixes (`:*`), AND/OR/NOT and parentheses as FTS5 reads them;
    NEAR groups and column filters are read as their terms ANDed; "" when there is no
    word to look for. Raises ValueError for what FTS5 would refuse too (a dangling
    operator, unbalanced parentheses)."""
    out: list[str] = []
    expect_operand = True
    depth = 0
    parts = _QUERY_TOKEN.findall(query)
    index = 0
    while index < len(parts):
        part = parts[index]
        index += 1
        if part in _TSQUERY_OPERATORS:
            if expect_operand:
                raise ValueError(f"{part} without a term before it")
            out.append(_TSQUERY_OPERATORS[part])
            expect_operand = True
        elif part == "(":
            if not expect_operand:
                out.append("&")
            out.append("(")
            depth += 1
            expect_operand = True
        elif part == ")":
            if expect_operand or depth == 0:
                raise ValueError("unbalanced parentheses")
            out.append(")")
            depth -= 1
        elif part == ",":  # NEAR(a b, 5): the distance is not a term
            index += 1
        elif part != "NEAR" and not part.endswith(":"):
            text = part.rstrip("*")
            if text.startswith('"'):
                text = text[1:-1].replace('""', '"')
            words = [word.lower() for word in _WORD.findall(text)]
            if not words:
                continue
            lexemes = [f"'{word}'" for word in words]
            if part.endswith("*"):
                lexemes[-1] += ":*"
            if not expect_operand:
                out.append("&")
            out.append("(" + " <-> ".join(lexemes) + ")" if len(lexemes) > 1 else lexemes[0])
            expect_operand = False
    if depth:
        raise ValueError("unbalanced parentheses")
    if not out:
        return ""
    if expect_operand:
        raise ValueError("the query ends without a term")
    return " ".join(out)
