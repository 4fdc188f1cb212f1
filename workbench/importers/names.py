"""Lists of names to link (`workbench link --file`): a text file with one name per line,
or a CSV file (by its suffix) with a header row, read from one column."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from workbench.errors import ImportFormatError
from workbench.importers.reading import read_text_file

# Longer lines are not names (the linker refuses them too).
MAX_NAME_CHARACTERS = 1000


class NameLine(NamedTuple):
    """One name and its line number, or the reason the line cannot be linked."""

    line: int
    name: str
    problem: str | None = None


def read_names(path: Path, column: str | None = None) -> list[NameLine]:
    """The names of a list, blank lines left out. A file that cannot be read at all is an
    ImportFormatError; a line that is not a name comes with its problem."""
    text = read_text_file(path)
    if path.suffix.lower() == ".csv":
        return list(_csv_names(path, text, column))
    if column is not None:
        raise ImportFormatError(path, "--column is for CSV files (name the file .csv)")
    return [
        n for number, line in enumerate(text.splitlines(), start=1) for n in _name(number, line)
    ]


def _csv_names(path: Path, text: str, column: str | None) -> Iterator[NameLine]:
    rows = csv.reader(text.splitlines())
    header = next(rows, None)
    if not header:
        raise ImportFormatError(path, "the CSV file has no header row", 1)
    wanted = column if column is not None else header[0]
    if wanted not in header:
        known = ", ".join(repr(h) for h in header)
        raise ImportFormatError(path, f"no column {wanted!r} (columns: {known})", 1)
    index = header.index(wanted)
    for row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if index >= len(row):
            yield NameLine(rows.line_num, "", f"no value in column {wanted!r}")
            continue
        yield from _name(rows.line_num, row[index])


def _name(number: int, raw: str) -> Iterator[NameLine]:
    name = " ".join(raw.split())
    if not name:
        return
    if len(name) > MAX_NAME_CHARACTERS:
        yield NameLine(number, "", f"{len(name)} characters; a name has at most 1000")
        return
    yield NameLine(number, name)
