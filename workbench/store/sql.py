"""Small pieces of SQL text every part of the store builds the same way."""

from __future__ import annotations

# Values bound in one statement for an `IN (...)` list, well under SQLite's limit of host
# parameters (999 in older builds), whatever else the statement binds.
VALUES_PER_STATEMENT = 900


def marks(count: int) -> str:
    """`?, ?, ?` for `count` values."""
    return ", ".join("?" * count)


def quoted(name: str) -> str:
    """An SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'
