"""The annotation loop by keyboard (#19): exact spans, a link picker you type into, one
key per accepted suggestion, and the effort figures the README promises, each replayed
key by key through Pilot and checked in the database."""

from __future__ import annotations

from pathlib import Path

from helpers import preannotate

from workbench.model import ACCEPTED, SUGGESTED
from workbench.store import Store
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.main import MainScreen
from workbench.workspace import Workspace

SIZE = (150, 40)


async def find(pilot, text: str) -> None:
    """Move the focused pane's cursor to the next occurrence of text (keys only)."""
    await pilot.press("slash", *list(text), "enter")
    await pilot.pause()


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def main(app: WorkbenchApp) -> MainScreen:
    assert isinstance(app.screen, MainScreen)
    return app.screen


# -- the effort goals (README, "A typical annotation") ------------------------------------------


async def test_a_new_two_word_span_is_linked_to_the_proposed_entity_in_five_keys(
    bare_path: Path,
) -> None:
    with Store.open(bare_path, annotator="tester") as store:
        app = WorkbenchApp(Workspace(store), 1, 2, keymap={}, steady=True)
        async with app.run_test(size=SIZE) as pilot:
            view = main(app).panes[0].view
            view.move_to(view.text.index("Ismail Shahbakhsh"))  # the cursor on the first word
            keys = ["W", "W", "a", "enter", "enter"]
            for key in keys:
                await pilot.press(key)
                await settle(pilot)
            assert len(keys) <= 5
            (mention,) = store.mentions.of_document(1)
            assert (mention.text, mention.label, mention.entity_id) == (
                "Ismail Shahbakhsh",
                "PERSON",
                "ismail-shahbakhsh",
            )


async def test_a_span_is_linked_to_an_entity_found_by_typing_in_four_keys_and_the_letters(
    make_app,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        store = app.workspace.store
        view = main(app).panes[0].view
        await find(pilot, "group was formed")  # "The group": the linker proposes nothing
        typed = list("Jaish")
        keys = ["a", "4", *typed, "enter"]
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        assert len(keys) - len(typed) <= 4
        mention = view.mention_at_cursor()
        assert (mention.text, mention.label, mention.entity_id) == ("group", "ORG", "jaish-al-adl")
        assert store.kb.named("group", "ORG") == []  # typing made no entity


async def test_a_run_of_correct_suggestions_costs_one_key_each(bare_path: Path) -> None:
    with Store.open(bare_path, annotator="tester") as store:
        preannotate(store, [1])
        app = WorkbenchApp(Workspace(store), 1, 2, keymap={}, steady=True)
        async with app.run_test(size=SIZE) as pilot:
            view = main(app).panes[0].view
            view.move_to(view.text.index("Jaish al-Adl") - 1)
            await pilot.press("ctrl+n")  # to the next suggestion (from anywhere)
            await pilot.pause()
            accepted = []
            for _ in range(6):
                here = view.mention_at_cursor()
                if here is None or here.status != SUGGESTED:
                    break  # a suggested event trigger: y would ask for its type
                await pilot.press("y")  # accept, and on to the next one
                await pilot.pause()
                accepted.append(here.id)
            assert len(accepted) >= 3
            assert all(store.mentions.get(i).status == ACCEPTED for i in accepted)


# -- bugs ---------------------------------------------------------------------------------------


async def test_spans_selected_by_words_never_end_with_a_space(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = main(app).panes[0].view
        await find(pilot, "official news agency")
        await pilot.press("w")  # on "news"
        await pilot.press("W", "W")
        assert view.text[view.selection.start : view.selection.end] == "news agency"
        await pilot.press("a", "4", "0")  # ORG, leave unlinked
        await settle(pilot)
        mention = view.mention_at_cursor()
        assert mention.text == "news agency" and (mention.start, mention.end) == (
            view.selection and 0 or mention.start,
            mention.start + len("news agency"),
        )
        # a selection made by hand that takes a space in gets it trimmed
        await find(pilot, "police station")
        await pilot.press(*["shift+right"] * len("police station "))
        await pilot.press("a", "3", "0")  # FAC
        await settle(pilot)
        assert view.mention_at_cursor().text == "police station"


async def test_w_moves_over_a_possessive_as_one_word(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = main(app).panes[0].view
        await find(pilot, "Pakistan's Baluchistan")
        await pilot.press("w")
        assert view.text[view.cursor :].startswith("Baluchistan")


async def test_typing_in_the_link_picker_searches_and_a_new_entity_needs_its_own_key(
    make_app,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        store = app.workspace.store
        entities = len(store.kb.entities())
        view = main(app).panes[0].view
        await find(pilot, "Jaish al-Adl")
        await pilot.press("l", *"Pakistan")
        await settle(pilot)
        picker = app.screen
        assert picker.candidates and picker.candidates[0].entity_id == "pakistan"
        assert len(store.kb.entities()) == entities  # no letter made an entity
        await pilot.press("enter")
        await settle(pilot)
        assert view.mention_at_cursor().entity_id == "pakistan"
        # ctrl+n: the new-entity form, pre-filled and corrected; one undo removes it all
        await pilot.press("l", "ctrl+n")
        await settle(pilot)
        await pilot.press(*["backspace"] * len("Jaish al-Adl"), *"Jaish Al Adl Group", "enter")
        await settle(pilot)
        made = store.kb.entity(view.mention_at_cursor().entity_id)
        assert made.name == "Jaish Al Adl Group" and len(store.kb.entities()) == entities + 1
        status = main(app).query_one("#status").render().plain
        assert "new entity Jaish Al Adl Group" in status
        await pilot.press("u")
        await pilot.pause()
        assert len(store.kb.entities()) == entities  # the entity went with the link
        assert view.mention_at_cursor().entity_id == "pakistan"
        assert "undone: link 'Jaish al-Adl'" in main(app).query_one("#status").render().plain


async def test_a_learned_alias_is_said_in_the_status_line(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot, "group was formed")
        await pilot.press("a", "4", *"Jaish", "enter")
        await settle(pilot)
        status = main(app).query_one("#status").render().plain
        assert "added alias 'group' to Jaish al-Adl" in status


async def test_a_cursor_at_a_wrapped_lines_start_is_drawn_once(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(90, 30)) as pilot:
        view = main(app).panes[0].view
        layout = view._layout
        wrapped = [
            m
            for m in view.mentions
            if layout.line_of(m.start) > 0
            and layout.starts[layout.line_of(m.start)] == m.start
            and layout.ends[layout.line_of(m.start) - 1] == m.start
        ]
        assert wrapped, "a mention that starts a wrapped line"
        target = wrapped[0]
        view.move_to(target.start - 1)
        await pilot.pause()
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert view.cursor == target.start
        line = layout.line_of(target.start)
        width = view.scrollable_content_region.width
        previous = view._render_document_line(line - 1, 0, width)
        drawn = view._render_document_line(line, 0, width)
        assert not any(seg.style and seg.style.reverse for seg in previous)
        assert any(seg.style and seg.style.reverse for seg in drawn)


async def test_no_frame_is_drawn_at_another_width_than_the_panes(make_app, monkeypatch) -> None:
    from workbench.tui.widgets.article_view import ArticleView

    widths: list[tuple[int, int]] = []
    original = ArticleView._render_document_line

    def recording(self, index, scroll_x, width):  # type: ignore[no-untyped-def]
        widths.append((self._layout.width, width))
        return original(self, index, scroll_x, width)

    monkeypatch.setattr(ArticleView, "_render_document_line", recording)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    assert widths and all(layout_width == width - 1 for layout_width, width in widths)


async def test_help_shows_keys_as_typed_and_follows_the_keymap(make_app) -> None:
    app = make_app(keymap={"history.undo": "ctrl+z"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        shown = str(app.screen.query_one("Static").render())
        assert "right_square_bracket" not in shown and "left_parenthesis" not in shown
        assert "]" in shown and "history.undo" in shown
        undo_line = next(line for line in shown.splitlines() if "history.undo" in line)
        assert "^z" in undo_line
        await pilot.press("escape", "ctrl+z")  # the remapped key works
        await pilot.pause()


async def test_reopened_documents_and_the_focused_pane_come_back_where_they_were(
    make_app,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main(app)
        await pilot.press("tab")
        await find(pilot, "Rask")
        right = screen.panes[1].view.cursor
        await pilot.press("o", *"Iran says", "enter")  # doc 1 in the right pane...
        await pilot.pause()
        await pilot.press("o", *"Killing of militant", "enter")  # ...and back to doc 2
        await pilot.pause()
        assert screen.panes[1].view.cursor == right
        screen.save_panes()
    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = main(again)
        assert screen.focused_pane().index == 1
        assert screen.panes[1].view.cursor == right


async def test_entities_are_renamed_and_deleted_from_the_palette(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        store = app.workspace.store
        store.kb.add_entity("Unused Group", "ORG", entity_id="unused")
        await find(pilot, "Jaish al-Adl")
        await pilot.press("ctrl+p", *"rename the entity", "enter")
        await pilot.pause()
        await pilot.press(*["backspace"] * 20, *"Jaish al-Adl (JAA)", "enter")
        await pilot.pause()
        assert store.kb.entity("jaish-al-adl").name == "Jaish al-Adl (JAA)"
        await pilot.press("ctrl+p", *"delete the entity", "enter")
        await pilot.pause()
        await pilot.press(*"Jaish al-Adl")
        await settle(pilot)
        await pilot.press("enter")  # used: refused, with where
        await pilot.pause()
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert errors and "is used by" in errors[-1]
        await pilot.press("ctrl+p", *"delete the entity", "enter")
        await pilot.pause()
        await pilot.press(*"Unused Group")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert "unused" not in {e.id for e in store.kb.entities()}


def test_the_readme_lists_every_action_with_its_keys() -> None:
    from helpers import ROOT

    from workbench.tui.actions import ACTIONS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    keys_table = readme[readme.index("### Keys") : readme.index("Events: put the cursor")]
    for action in ACTIONS:
        assert f"`{action.id}`" in keys_table, action.id
