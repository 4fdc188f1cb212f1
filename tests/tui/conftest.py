"""TUI fixtures: the real app on a real seeded database; snapshots kept in snapshots/."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_textual_snapshot

from workbench.store import Store
from workbench.tui.app import WorkbenchApp
from workbench.workspace import Workspace

SNAPSHOTS = Path(__file__).resolve().parents[2] / "snapshots"


class TopLevelSnapshots(pytest_textual_snapshot.SVGImageExtension):
    """Keep SVG baselines in the repository's top-level snapshots/ folder."""

    @classmethod
    def dirname(cls, *, test_location) -> str:
        return str(SNAPSHOTS / Path(test_location.filepath).stem)


# snap_compare looks the extension up by this name when it runs
pytest_textual_snapshot.SVGImageExtension = TopLevelSnapshots


@pytest.fixture
def make_app(seeded_target: Path | str):
    """Build a WorkbenchApp on the seeded database, a file or a PostgreSQL database
    (steady: no clock, blink, animation)."""
    stores: list[Store] = []

    def build(annotator: str = "tester", **kwargs) -> WorkbenchApp:
        store = Store.open(seeded_target, annotator=annotator)
        stores.append(store)
        return WorkbenchApp(
            Workspace(store), keymap=kwargs.pop("keymap", {}), steady=True, **kwargs
        )

    yield build
    for store in stores:
        store.close()
