"""A hostile corpus through every command and every screen: titles, names, descriptions,
aliases, notes and file names full of terminal escapes, bidi controls, markup and wide
text. Nothing of it may reach the terminal as anything but visible characters."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.display import unsafe_characters
from workbench.model import NewDocument
from workbench.store import Store
from workbench.workspace import Workspace

ESCAPES = "\x1b]0;pwn\x07\x1b[2J\u202eevil\u202c\x9b31m[bold red]markup[/]"
WIDE = "漢字かな👍🏽"


def hostile_store(path: Path) -> None:
    """Two documents and a knowledge base where every string carries ESCAPES."""
    with Store.open(path, annotator=f"ana{ESCAPES}") as store:
        texts = [
            f"Title line\nIran{ESCAPES} struck Panjgur in {WIDE}. Iran said so.",
            f"Pakistan answered {ESCAPES}. Iran and Pakistan talked.",
        ]
        store.documents.add_many(
            [
                NewDocument(
                    title=f"Report {i} {ESCAPES} {WIDE}",
                    text=text,
                    sha256=f"{i}" * 64,
                    origin=f"hostile-{i}{ESCAPES}",
                    source=f"Agency{ESCAPES}",
                    published="2024-02-24",
                )
                for i, text in enumerate(texts, start=1)
            ]
        )
        iran = store.kb.add_entity(
            f"Iran{ESCAPES}",
            "GPE",
            entity_id="iran",
            description=f"A country {ESCAPES}",
            aliases=[f"Persia{ESCAPES}", "Iran"],
        )
        store.kb.add_entity(
            f"Pakistan {WIDE}", "GPE", entity_id=f"pk{ESCAPES}", aliases=["Pakistan"]
        )
        first = store.mentions.add(1, 11, 15 + len(ESCAPES), "GPE", entity_id=iran.id)
        store.mentions.add(1, 11 + len(ESCAPES) + 4 + 8, 11 + len(ESCAPES) + 4 + 15, "GPE")
        store.mentions.add(2, 0, 8, "GPE", entity_id=f"pk{ESCAPES}")
        event = store.events.add(
            1,
            "Battles",
            "Armed clash",
            trigger=(16 + len(ESCAPES), 22 + len(ESCAPES)),
            date_text=f"Tuesday{ESCAPES}",
            note=f"note {ESCAPES}",
        )
        store.events.add_role(event.id, f"Attacker{ESCAPES}", first.id)
        store.events.set_taxonomy(
            {f"Battles{ESCAPES}": ["Armed clash"], "Battles": ["Armed clash"]}
        )


def assert_safe(output: str, where: str) -> None:
    found = unsafe_characters(output.replace("\n", "").replace("\t", ""))
    assert not found, f"{where}: {sorted(map(hex, map(ord, found)))}"


@pytest.fixture
def hostile_path(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.db"
    hostile_store(path)
    return path


def test_every_command_shows_hostile_strings_as_data(hostile_path: Path, tmp_path: Path) -> None:
    in_names = ESCAPES.replace("/", "_")  # (a file name cannot hold a slash)
    folder = tmp_path / f"in{in_names}"
    folder.mkdir()
    (folder / f"bad{in_names}.txt").write_bytes(b"\xff\xfe\x00bad")
    (folder / "docs.jsonl").write_text(json.dumps({"text": "x", "title": f"t{ESCAPES}"}) + "\n{bad")
    out = tmp_path / "out"
    out.mkdir()
    commands = [
        ["import", str(folder)],
        ["import", str(folder), "--json"],
        ["docs"],
        ["docs", "--json"],
        ["kb", "list"],
        ["kb", "list", "--json"],
        ["link", "Iran"],
        ["link", "Iran", "--json"],
        ["link", f"Persia{ESCAPES}"],
        ["search", "Iran"],
        ["search", "Iran", "--json"],
        ["search", "--kb", "Iran"],
        ["search", "--kb", "Iran", "--json"],
        ["events"],
        ["events", "--json"],
        ["stats"],
        ["stats", "--json"],
        ["plugins"],
        ["kb", "add", f"New{ESCAPES}", "--label", "ORG"],
        ["kb", "merge", "iran", f"pk{ESCAPES}"],
        ["undo"],
        ["redo"],
        ["kb", "add", "X", "--label", f"NOPE{ESCAPES}"],
        *[
            ["export", name, str(out / name)]
            for name in ("jsonl", "brat", "csv", "conll", "stix", "graphml", "briefing")
        ],
        ["export", "jsonl", "-"],
    ]
    env = {**os.environ, "WORKBENCH_ANNOTATOR": f"ana{ESCAPES}"}
    for command in commands:
        result = subprocess.run(
            [sys.executable, "-m", "workbench", "--db", str(hostile_path), *command],
            capture_output=True,
            text=True,
            env=env,
        )
        assert "Traceback" not in result.stderr, (command, result.stderr)
        assert_safe(result.stdout + result.stderr, " ".join(command))
        if "--json" in command and result.returncode == 0:
            json.loads(result.stdout)  # escaped, still valid JSON


SIZE = (120, 40)


async def test_every_screen_shows_hostile_strings_as_data(hostile_path: Path) -> None:
    from workbench.tui.app import WorkbenchApp

    store = Store.open(hostile_path, annotator=f"ana{ESCAPES}")
    app = WorkbenchApp(Workspace(store), keymap={"cursor.word_next": "w"}, steady=True)
    shots: list[tuple[str, str]] = []

    async def shot(pilot, name: str) -> None:
        await pilot.pause()
        shots.append((name, app.export_screenshot()))

    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            view = app.screen.panes[0].view
            view.move_to(12)  # on the mention of Iran: the entity card, the highlight
            await shot(pilot, "main")
            await pilot.press("e")
            await shot(pilot, "label picker")
            await pilot.press("escape", "l")
            await app.workers.wait_for_complete()
            await shot(pilot, "link picker")
            await pilot.press("escape", "o")
            await shot(pilot, "document picker")
            await pilot.press(*"Report", "escape", "ctrl+f", *"Iran")
            await shot(pilot, "search")
            await pilot.press("escape", "m")
            await shot(pilot, "mention list")
            await pilot.press("escape", "question_mark")
            await shot(pilot, "help")
            await pilot.press("escape", "ctrl+e")
            await shot(pilot, "export")
            await pilot.press("escape")
            view.move_to(16 + len(ESCAPES))  # on the event's trigger
            await pilot.press("t")
            await shot(pilot, "event in the side panel")
            await pilot.press("F")
            await shot(pilot, "event form")
            await pilot.press("escape", "E")
            await shot(pilot, "event type picker")
            await pilot.press("escape")
            view.move_to(12)
            await pilot.press("r")
            await shot(pilot, "role picker")
            await pilot.press("escape", "ctrl+p", *"Report")
            await shot(pilot, "palette: documents")
            await pilot.press(*["backspace"] * 6, *"Persia")
            await pilot.pause(0.3)
            await shot(pilot, "palette: entities")
            await pilot.press("escape")
            app.notify(f"a message quoting {ESCAPES}", title=f"title {ESCAPES}")
            view.move_to(0)
            await pilot.press("a", "Z", "Z", "enter")  # an unknown label: an error toast
            await shot(pilot, "notifications")
    finally:
        store.close()
    reached = {
        "label picker": "Label&#160;for",
        "link picker": "Link&#160;",
        "document picker": "Open&#160;document",
        "search": "Search&#160;the&#160;corpus",
        "mention list": "Mentions&#160;of",
        "help": "Workbench&#160;keys",
        "export": "include&#160;suggestions",
        "event form": "Fatalities",
        "event type picker": "Event&#160;type&#160;for",
        "role picker": "Role&#160;of",
        "notifications": "a&#160;message&#160;quoting",
    }
    assert len(shots) == 15
    for name, svg in shots:
        assert_safe(svg, name)
        if name in reached:
            assert reached[name] in svg, name
