"""The quick TUI launcher: plain TUI invocations start the app without the full command
line; everything else goes to it, with the same errors and exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.launch import TuiRequest, tui_request


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], TuiRequest()),
        (["tui"], TuiRequest()),
        (["tui", "2", "1"], TuiRequest(doc_a=2, doc_b=1)),
        (["--db", "x.db"], TuiRequest(db="x.db")),
        (
            ["--db=x.db", "--annotator", "ana", "--plugins-dir", "p", "tui", "3"],
            TuiRequest(db="x.db", annotator="ana", plugins_dir=Path("p"), doc_a=3),
        ),
    ],
)
def test_plain_tui_invocations_are_recognised(argv, expected) -> None:  # type: ignore[no-untyped-def]
    assert tui_request(argv) == expected


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["--version"],
        ["tui", "--help"],
        ["docs"],
        ["--db", "x.db", "import", "seeds"],
        ["--db"],  # a missing value is the command line's usage error to report
        ["--db", "--annotator", "ana"],
        ["--db", "a.db", "--db", "b.db"],
        ["--unknown", "x"],
        ["tui", "one"],
        ["tui", "1", "2", "3"],
        ["tui", "-1"],
    ],
)
def test_everything_else_goes_to_the_command_line(argv) -> None:  # type: ignore[no-untyped-def]
    assert tui_request(argv) is None


def launch(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "TERM": "dumb"},
        timeout=120,
    )


def test_a_bad_database_is_one_error_line_both_ways(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    for args in (["--db", str(folder)], ["--db", str(folder), "tui"]):
        result = launch(*args)
        assert result.returncode == 1
        assert result.stderr.strip() == f"error: {folder}: is a directory, not a database file"
        assert "Traceback" not in result.stderr


def test_usage_errors_still_come_from_the_command_line(tmp_path: Path) -> None:
    result = launch("--db", str(tmp_path / "x.db"), "tui", "one")
    assert result.returncode == 2 and "doc_a" in result.stderr
