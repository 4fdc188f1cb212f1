"""Every key flow of the TUI, driven by keys only through Pilot on a real seeded database."""

from __future__ import annotations

import postgres_server
import pyperclip
import pytest

from workbench.store import Store
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.main import MainScreen
from workbench.tui.screens.pickers import LabelPicker, LinkPicker
from workbench.workspace import Workspace

SIZE = (150, 40)


async def find(pilot, text: str) -> None:
    """Move the focused pane's cursor to the next occurrence of text (keys only)."""
    await pilot.press("slash", *list(text), "enter")
    await pilot.pause()


async def select_chars(pilot, count: int) -> None:
    await pilot.press(*["shift+right"] * count)


def main(app: WorkbenchApp) -> MainScreen:
    assert isinstance(app.screen, MainScreen)
    return app.screen


async def test_opens_both_seed_articles_and_picks_documents(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        assert [p.document.id for p in screen.panes] == [1, 2]
        assert "Jaish al-Adl" in screen.panes[0].view.text
        await pilot.press("o")
        await pilot.press(*list("Baloch unrest"), "enter")
        await pilot.pause()
        assert screen.panes[0].document.id == 2
        await pilot.press("tab", "o", *list("killed Jaish"), "enter")
        await pilot.pause()
        assert screen.panes[1].document.id == 1
        await pilot.press("s")
        assert [p.document.id for p in screen.panes] == [1, 2]


async def test_move_and_select(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = main(app).panes[0].view
        assert view.cursor == 0
        await pilot.press("w", "w")
        assert view.text[view.cursor :].startswith("it killed")
        await pilot.press("b")
        assert view.text[view.cursor :].startswith("says")
        await pilot.press("end")
        assert view.cursor == len(view.text)
        await pilot.press("home", "right_square_bracket", "right_square_bracket")
        assert view.mention_at_cursor().text == "Ismail Shahbakhsh"
        await pilot.press("left_square_bracket")
        assert view.mention_at_cursor().text == "Jaish al-Adl"
        await pilot.press("right_parenthesis")
        assert view.text[view.cursor :].startswith("TEHRAN")  # next sentence/paragraph start
        await pilot.press("home", "shift+right", "shift+right", "shift+right", "shift+right")
        assert (view.selection.start, view.selection.end) == (0, 4)
        await pilot.press("escape", "home", "v", "w", "w")
        assert view.text[view.selection.start : view.selection.end] == "Iran says "
        await pilot.press("v", "down", "pagedown", "ctrl+down")
        assert view.selection is None and view.cursor > 100


async def test_label_and_link_to_existing_entity(make_app, seeded_target) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        view = screen.panes[0].view
        await find(pilot, "Jaish al-Adl, which")
        gold = view.mention_at_cursor()
        await pilot.press("d")  # delete the gold mention, then annotate it again by keys
        assert view.mention_at_cursor() is None
        await select_chars(pilot, len("Jaish al-Adl"))
        await pilot.press("a")
        assert isinstance(app.screen, LabelPicker)
        await pilot.press("4")  # ORG is the fourth label
        await pilot.pause()
        assert isinstance(app.screen, LinkPicker)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.candidates[0].entity_id == "jaish-al-adl"
        await pilot.press("enter")
        await pilot.pause()
        created = view.mention_at_cursor()
        assert (created.text, created.label, created.entity_id) == (
            "Jaish al-Adl",
            "ORG",
            "jaish-al-adl",
        )
        assert created.id != gold.id
    with Store.open(seeded_target) as store:  # saved at once
        assert store.mentions.get(created.id).entity_id == "jaish-al-adl"


async def test_create_new_entity_and_leave_one_nil(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        store = app.workspace.store
        view = main(app).panes[0].view
        await find(pilot, "state media")
        await select_chars(pilot, len("state media"))
        await pilot.press("a", "4")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("n")  # typing searches: no entity is made by a letter
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert view.mention_at_cursor() is None or view.mention_at_cursor().text != "state media"
        await pilot.press("ctrl+n", "enter")  # the new-entity form, pre-filled: save
        await pilot.pause()
        mention = view.mention_at_cursor()
        assert mention.text == "state media" and mention.entity_id is not None
        entity = store.kb.entity(mention.entity_id)
        assert entity.name == "state media" and entity.label == "ORG"
        assert [a.text for a in store.kb.aliases(entity.id)] == ["state media"]
        await find(pilot, "militants died")
        await pilot.press("a", "2")  # NORP, on the word under the cursor
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("0")
        await pilot.pause()
        nil = view.mention_at_cursor()
        assert (nil.text, nil.label, nil.entity_id) == ("militants", "NORP", None)


async def test_relabel_relink_delete_undo_redo_and_undo_after_restart(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = main(app).panes[0].view
        await find(pilot, "Rask")
        mention = view.mention_at_cursor()
        assert mention.label == "GPE"
        await pilot.press("e", "L", "O", "C", "enter")
        await pilot.pause()
        assert view.mention_at_cursor().label == "LOC"
        await pilot.press("l")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("0")  # relink as NIL
        await pilot.pause()
        assert view.mention_at_cursor().entity_id is None
        await pilot.press("d")
        assert view.mention_at_cursor() is None
        await pilot.press("u")
        assert view.mention_at_cursor().entity_id is None
        await pilot.press("u")
        assert view.mention_at_cursor().entity_id == "rask"
        await pilot.press("ctrl+r")
        assert view.mention_at_cursor().entity_id is None
    restarted = make_app()
    async with restarted.run_test(size=SIZE) as pilot:
        view = main(restarted).panes[0].view
        assert view.cursor == mention.start  # the cursor position was remembered
        await pilot.press("u")
        assert view.mention_at_cursor().entity_id == "rask"
        assert view.mention_at_cursor().label == "LOC"


async def test_span_grow_shrink_and_suggestions(make_app) -> None:
    app = make_app()
    store = app.workspace.store
    text = store.documents.text(1)
    start = text.index("state media")
    suggestion = store.mentions.add(1, start, start + 5, "ORG", status="suggested", source="test")
    async with app.run_test(size=SIZE) as pilot:
        view = main(app).panes[0].view
        await find(pilot, "state media")
        assert view.mention_at_cursor().status == "suggested"
        await pilot.press("greater_than_sign")
        assert view.mention_at_cursor().text == "state media"
        await pilot.press("comma", "comma")
        assert view.mention_at_cursor().text == "state med"
        await pilot.press("full_stop")
        assert view.mention_at_cursor().text == "state medi"
        await pilot.press("less_than_sign")
        assert view.mention_at_cursor().text == "state"
        await pilot.press("x")
        assert store.mentions.get(suggestion.id).status == "rejected"
        assert view.mention_at_cursor() is None  # rejected suggestions are not drawn
        await pilot.press("u", "y")
        assert store.mentions.get(suggestion.id).status == "accepted"


async def test_accept_every_suggestion_of_one_entity(make_app) -> None:
    app = make_app()
    store = app.workspace.store
    text = store.documents.text(2)
    ids = []
    for word in ("fears", "frontier", "Saturday"):
        i = text.index(word)
        ids.append(
            store.mentions.add(
                2,
                i,
                i + len(word),
                "GPE",
                entity_id="quetta" if word != "Saturday" else None,
                status="suggested",
                source="test",
            ).id
        )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab")
        await find(pilot, "frontier")
        await pilot.press("A")
        assert [store.mentions.get(i).status for i in ids] == ["accepted", "accepted", "suggested"]
        await pilot.press("u")
        assert [store.mentions.get(i).status for i in ids] == ["suggested"] * 3


async def test_cross_pane_highlight(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        await find(pilot, "Jaish al-Adl")
        left, right = screen.panes[0].view, screen.panes[1].view
        assert left.highlight_entity == right.highlight_entity == "jaish-al-adl"
        target = next(m for m in right.mentions if m.entity_id == "jaish-al-adl")
        line = right._layout.line_of(target.start) - right.scroll_offset.y
        right.scroll_to(y=right._layout.line_of(target.start), animate=False)
        await pilot.pause()
        strip = right.render_line(0)
        assert any(
            seg.style and seg.style.bgcolor and seg.style.bgcolor.name == "#ffd75f" for seg in strip
        )
        assert line >= 0
        side = screen.query_one("#side").render()
        assert "Jaish al-Adl" in str(side) and "Shared by both panes" in str(side)


async def test_find_in_document_next_previous(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = main(app).panes[0].view
        await find(pilot, "pakistan")
        first = view.cursor
        assert view.text[first : first + 8] == "Pakistan"
        assert len(view.find_matches) == view.text.lower().count("pakistan")
        await pilot.press("n")
        assert view.cursor > first
        await pilot.press("N")
        assert view.cursor == first


async def test_corpus_search_opens_a_hit_at_the_match(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        await pilot.press("ctrl+f", *list("Balochi"), "enter")
        await pilot.pause()
        # document 2 is open in the right pane: the hit opens there, the left keeps its own
        pane = screen.panes[1]
        assert pane.document.id == 2 and screen.panes[0].document.id == 1
        assert pane.view.has_focus
        assert pane.view.text[pane.view.cursor : pane.view.cursor + len("Balochi")] == "Balochi"
        assert pane.view.selection.end - pane.view.selection.start == len("Balochi")
        await pilot.press(
            "ctrl+f", *list('"unclosed AND ('), "enter", "escape"
        )  # FTS syntax: no crash


async def test_palette_runs_an_action_and_finds_entities(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        await pilot.press("ctrl+p", *list("swap the panes"))
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.5)
        assert [p.document.id for p in screen.panes] == [2, 1]
        await pilot.press("ctrl+p", *list("Baluch Liberation Army"))
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.5)
        await pilot.press("enter")  # first mention in the list
        await pilot.pause()
        assert screen.focused_pane().view.mention_at_cursor().entity_id == "bla"


async def test_palette_runs_an_application_action(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p", *list("help: every key"))
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.5)
        assert type(app.screen).__name__ == "HelpScreen"


@pytest.fixture
def no_clipboard_backend():
    pyperclip.set_clipboard("no")  # pyperclip's own "no backend" mode, as on headless Linux
    yield
    pyperclip.determine_clipboard()


async def test_copy_falls_back_to_osc52(make_app, no_clipboard_backend) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot, "Ismail Shahbakhsh")
        await select_chars(pilot, len("Ismail Shahbakhsh"))
        await pilot.press("c")
        assert app.clipboard.startswith("“Ismail Shahbakhsh”\n— Iran says it killed")
        assert "[doc 1, chars" in app.clipboard
        await pilot.press("escape", "b", "C")  # back onto the mention
        assert app.clipboard.startswith("Ismail Shahbakhsh (PERSON, ismail-shahbakhsh)")
        assert any("OSC 52" in n.message for n in app._notifications)


async def test_keys_can_be_remapped_by_binding_id(make_app) -> None:
    app = make_app(keymap={"cursor.word_next": "f"})
    async with app.run_test(size=SIZE) as pilot:
        view = main(app).panes[0].view
        await pilot.press("f")
        assert view.text[view.cursor :].startswith("says")


async def test_help_lists_every_binding(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        shown = str(app.screen.query_one("Static").render())
        for binding_id in ("annotate.add", "cursor.word_next", "history.undo", "search.corpus"):
            assert binding_id in shown
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_a_refused_undo_is_a_notification_and_U_skips_it(make_app, seeded_target) -> None:
    app = make_app(annotator="A")
    async with app.run_test(size=SIZE) as pilot:
        view = main(app).panes[0].view
        await pilot.press("e", "L", "O", "C", "enter")  # A relabels "Iran"...
        await pilot.pause()
        with Store.open(seeded_target, annotator="B") as b:  # ...then B relinks it
            b.mentions.link(view.mention_at_cursor().id, None)
        await pilot.press("u")  # A's undo would overwrite B's change: refused
        await pilot.pause()
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert errors and "B's later change" in errors[-1]
        assert app.is_running
        await pilot.press("U")
        await pilot.pause()
        assert any("stays in place" in n.message for n in app._notifications)


@pytest.fixture
def reading_store(backend: str, request):
    """The seeded database as a reader: a file opened read-only, or a PostgreSQL role
    granted SELECT only."""
    if backend == "sqlite":
        return Store.open(
            request.getfixturevalue("seeded_path"), annotator="reader", read_only=True
        )
    url = request.getfixturevalue("seeded_target")
    return Store.open(postgres_server.role_url(url, "reader", writes=False), annotator="reader")


async def test_a_read_only_database_opens_with_a_notice_and_writes_say_why_not(
    reading_store,
) -> None:
    store = reading_store
    app = WorkbenchApp(Workspace(store), keymap={}, steady=True)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert any("read-only" in (n.title or "") for n in app._notifications)
            view = main(app).panes[0].view
            mention = view.mention_at_cursor()
            await pilot.press("d", "u")
            await pilot.pause()
            errors = [n.message for n in app._notifications if n.severity == "error"]
            assert len(errors) == 2 and all("is read-only" in e for e in errors), errors
            assert view.mention_at_cursor() == mention
            main(app).save_panes()  # the periodic save of cursor positions: a no-op
            await pilot.press("ctrl+f", *"Panjgur", "enter")  # searching works
            await pilot.pause()
            view = main(app).focused_pane().view
            assert view.text[view.cursor :].startswith("Panjgur")
        assert app.return_code in (0, None)
    finally:
        store.close()


async def test_search_screen_lists_every_hit_and_pages(make_app, monkeypatch) -> None:
    from workbench.tui.screens import search

    monkeypatch.setattr(search, "PAGE", 5)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        await pilot.press("ctrl+f", *"Pakistan")
        await pilot.pause()
        dialog = app.screen
        assert len(dialog.hits) == 5 and len({h.doc_id for h in dialog.hits}) == 1
        await pilot.press(*["down"] * 5, "enter")  # "more hits"
        await pilot.pause()
        assert len(dialog.hits) == 10
        offsets = [h.offset for h in dialog.hits if h.doc_id == dialog.hits[0].doc_id]
        assert offsets == sorted(offsets)
        third = dialog.hits[2]
        await pilot.press(*["up"] * 3, "enter")  # from the sixth hit up to the third
        await pilot.pause()
        view = screen.panes[0].view
        assert (view.document.id, view.cursor) == (third.doc_id, third.offset)
        assert view.text[view.cursor : view.cursor + 8] == "Pakistan"


CRASHING = """
import sys
from workbench.tui.screens.main import MainScreen
from workbench.workspace import Workspace
from workbench import tui

def broken(self):
    raise RuntimeError("a bug in the app")

MainScreen.on_mount = broken
tui.run(Workspace.open(sys.argv[1]))
"""


def test_a_crash_exits_non_zero_and_leaves_its_traceback_in_a_log(seeded_path, tmp_path) -> None:
    import os
    import pty
    import select
    import subprocess
    import sys
    import time

    master, slave = pty.openpty()
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "TERM": "xterm-256color"}
    process = subprocess.Popen(
        [sys.executable, "-c", CRASHING, str(seeded_path)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
    )
    os.close(slave)
    output = b""
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        if select.select([master], [], [], 0.1)[0]:
            try:
                output += os.read(master, 65536)
            except OSError:
                break
    process.wait(timeout=10)
    os.close(master)
    assert process.returncode == 1
    (log,) = (tmp_path / "data" / "workbench" / "logs").glob("crash-*.log")
    assert "a bug in the app" in log.read_text()
    assert str(log).encode() in output.replace(b"\r\n", b"").replace(b"\n", b"")


async def test_a_change_made_on_another_machine_shows_within_two_seconds(
    make_app, seeded_target
) -> None:
    app = make_app(annotator="alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = main(app).panes[0].view
        before = {(m.start, m.end) for m in view.mentions}
        gone = view.mentions[0]
        # bob, on another machine: his own connection
        with Store.open(seeded_target, annotator="bob") as bob:
            bob.mentions.delete(gone.id)
        for _ in range(20):  # up to 2 s
            await pilot.pause(0.1)
            if {(m.start, m.end) for m in view.mentions} != before:
                break
        assert {(m.start, m.end) for m in view.mentions} == before - {(gone.start, gone.end)}


async def test_a_lost_server_keeps_the_unsaved_change_and_it_is_made_when_it_is_back() -> None:
    from helpers import SEEDS

    from workbench.importers import import_paths

    with postgres_server.own_server() as server:
        if server is None:
            pytest.skip("no PostgreSQL server (install Debian's postgresql)")
        url = postgres_server.new_database(server.url)
        with Store.open(url, annotator="seed") as seeding:
            import_paths(seeding, [SEEDS])
        store = Store.open(url, annotator="tester")
        app = WorkbenchApp(Workspace(store), keymap={}, steady=True)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            view = main(app).panes[0].view
            mention = view.mention_at_cursor()
            assert mention is not None
            server.stop()
            await pilot.press("d")
            await pilot.pause()
            lost = [n for n in app._notifications if n.title == "connection lost"]
            assert lost and "Not saved: " in lost[-1].message and "R to try" in lost[-1].message
            assert view.mention_at_cursor() == mention  # nothing changed, nothing half-done
            server.start()
            for _ in range(50):  # reconnects on its own (it asks every second)
                await pilot.pause(0.1)
                if any(n.title == "connection back" for n in app._notifications):
                    break
            assert any(n.title == "connection back" for n in app._notifications)
            await pilot.press("R")
            await pilot.pause()
            assert view.mention_at_cursor() != mention
        store.close()
        with Store.open(url, annotator="tester") as after:
            assert mention.id not in {m.id for m in after.mentions.of_document(mention.doc_id)}
            assert after.undo().startswith("delete mention")  # one change, as if never lost
