"""Exports of the seeded database, written once per test by the real exporters."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.exporters import ExportView, run_export
from workbench.plugins import load_plugins


@pytest.fixture(scope="session")
def plugins():
    """The built-in plugins only (no entry points, no plugin folders)."""
    return load_plugins((), entry_points=False)


@pytest.fixture
def export(seeded, plugins, tmp_path: Path):
    """export(name, **options) -> (output path, warnings), from the seeded database."""

    def run(
        name: str, include_suggestions: bool = False, doc_ids=None, **options
    ) -> tuple[Path, list[str]]:
        exporter = plugins.exporter(name)
        output = tmp_path / f"out-{name}{exporter.extension}"
        view = ExportView(seeded, doc_ids, include_suggestions)
        context = run_export(exporter, view, output, options)
        return output, context.warnings

    return run
