"""Snapshot tests of the main screens; baselines live in the top-level snapshots/ folder.

Fixed terminal size, steady app (no clock, no blinking cursor, no animation). After an
intended UI change: `python3 -m pytest tests/tui --snapshot-update` and review the SVGs.
"""

from __future__ import annotations

import pytest

SIZE = (150, 40)


# The baselines are drawn from the SQLite file: the status bar names the database, and a
# PostgreSQL test database has another name. (The other TUI tests run on both.)
@pytest.fixture
def backend() -> str:
    return "sqlite"


async def _find(pilot, text: str) -> None:
    await pilot.press("slash", *list(text), "enter")
    await pilot.pause()


def test_main_screen_with_both_seed_articles(make_app, snap_compare) -> None:
    async def run_before(pilot) -> None:
        await _find(pilot, "Baluch Liberation Army")  # cursor on a mention shared by both panes

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_label_picker(make_app, snap_compare) -> None:
    async def run_before(pilot) -> None:
        await _find(pilot, "state media")
        await pilot.press(*["shift+right"] * len("state media"), "a")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_link_picker(make_app, snap_compare) -> None:
    async def run_before(pilot) -> None:
        await _find(pilot, "Baluch Liberation Front")
        await pilot.press("l")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_search_screen(make_app, snap_compare) -> None:
    async def run_before(pilot) -> None:
        await pilot.press("ctrl+f", *list("Saravan"))
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_help_screen(make_app, snap_compare) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, press=["question_mark"])


def test_main_screen_with_events(make_app, snap_compare) -> None:
    async def run_before(pilot) -> None:
        await _find(pilot, "fired missiles")  # on a gold event: its roles light up

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_event_form(make_app, snap_compare) -> None:
    async def run_before(pilot) -> None:
        await _find(pilot, "fired missiles")
        await pilot.press("F")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


# -- every modal at 80 × 24: it fits and scrolls, the field in focus is in view (#19.5) ------

SMALL = (80, 24)
MODALS = {
    "label_picker": ["a"],
    "link_picker": ["slash", *"Jaish al-Adl", "enter", "l"],
    "new_entity_form": ["slash", *"state media", "enter", "W", "W", "a", "4", "ctrl+n"],
    "document_picker": ["o"],
    "search": ["ctrl+f", *"Saravan"],
    "mention_list": ["slash", *"Jaish al-Adl", "enter", "m"],
    "help": ["question_mark"],
    "export_path_in_focus": ["ctrl+e", "tab", "tab", "tab"],
    "event_type_picker": ["slash", *"fired", "enter", "E"],
    "event_form": ["slash", *"fired", "enter", "F", "tab", "tab", "tab"],
    "role_picker": [
        "slash",
        *"fired",
        "enter",
        "t",
        "slash",
        *"Revolutionary Guards",
        "enter",
        "r",
    ],
    "entity_picker": ["ctrl+p", *"delete the entity", "enter", *"Iran"],
    "rename_prompt": ["slash", *"Jaish al-Adl", "enter", "ctrl+p", *"rename the entity", "enter"],
    "incidents": ["I"],
}


@pytest.mark.parametrize("modal", list(MODALS))
def test_every_modal_fits_80_by_24(make_app, snap_compare, modal: str) -> None:
    async def run_before(pilot) -> None:
        for key in MODALS[modal]:
            await pilot.press(key)
            if key in ("enter", "l", "m", "ctrl+n"):
                await pilot.pause()
                await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert pilot.app.screen is not pilot.app.screen_stack[0]  # a modal is open

    assert snap_compare(make_app(), terminal_size=SMALL, run_before=run_before)


def test_incident_timeline_160_by_45(make_app, snap_compare) -> None:
    async def run_before(pilot) -> None:
        await pilot.press("I")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(160, 45), run_before=run_before)


def _bob_layer(path) -> None:
    """A second layer on document 1: the shared gold less Pakistan, with Iran as LOC."""
    from workbench.model import ACCEPTED, NewMention
    from workbench.store import Store

    with Store.open(path, annotator="bob") as store:
        shared = store.mentions.of_document(1, (ACCEPTED,))
        with store.in_layer("bob"):
            store.mentions.import_many(
                1,
                [
                    NewMention(
                        m.start,
                        m.end,
                        m.text,
                        "LOC" if m.text == "Iran" else m.label,
                        m.entity_id,
                    )
                    for m in shared
                    if m.text != "Pakistan"
                ],
            )


@pytest.mark.parametrize("size", [SMALL, SIZE], ids=["80x24", "150x40"])
def test_adjudication_screen(seeded_path, make_app, snap_compare, size) -> None:
    _bob_layer(seeded_path)

    async def run_before(pilot) -> None:
        await pilot.press("J")
        await pilot.pause()
        await pilot.press("n", "1")  # one settled, the cursor on the next open one
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)
