"""The export screen, by keys: choose an exporter and a path, export in a worker."""

from __future__ import annotations

import json
from pathlib import Path

from workbench.tui.screens.export_screen import ExportScreen
from workbench.tui.screens.main import MainScreen

SIZE = (150, 40)


async def wait_for_main(app, pilot) -> None:
    for _ in range(200):
        await pilot.pause(0.05)
        if isinstance(app.screen, MainScreen):
            return
    raise AssertionError(f"still on {app.screen}")


async def test_export_screen_writes_the_open_documents(make_app, tmp_path: Path) -> None:
    app = make_app()
    output = tmp_path / "open.jsonl"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        names = sorted(app.plugins().exporters)
        # move the highlight to jsonl, then into the path field
        await pilot.press(*["down"] * names.index("jsonl"))
        await pilot.press("tab", "tab", "tab")
        field = app.screen.query_one("#path")
        assert field.value.endswith("workbench-export-jsonl.jsonl")
        field.value = ""
        await pilot.press(*list(str(output)), "enter")
        await wait_for_main(app, pilot)
        assert any("export done" in (n.title or "") for n in app._notifications)
    records = [json.loads(x) for x in output.read_text().splitlines()]
    assert [r["id"] for r in records] == [1, 2]


async def test_export_errors_are_notifications(make_app, tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("tab", "tab", "tab")
        field = app.screen.query_one("#path")
        field.value = str(tmp_path / "missing" / "folder" / "x.out")
        await pilot.press("enter")
        for _ in range(100):
            await pilot.pause(0.05)
            if any(n.severity == "error" for n in app._notifications):
                break
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert errors and "no such folder" in errors[0]
        assert isinstance(app.screen, ExportScreen)  # still there to fix the path
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
