"""Paths the tests share (importable from every test folder: pytest's pythonpath)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def preannotate(store, doc_ids, **options):  # type: ignore[no-untyped-def]
    """Pre-annotate through the application layer, as the CLI and TUI do."""
    from workbench.workspace import Workspace

    return Workspace(store).annotations.preannotate(doc_ids, **options)


def _sqlite_only():  # type: ignore[no-untyped-def]
    import pytest

    return pytest.mark.parametrize("backend", ["sqlite"])


# A test of what only an SQLite file has (its pragmas, its file on disk).
sqlite_only = _sqlite_only()
