"""The footer follows the keys of what has focus, and is not rebuilt when they are the same
(closing a picker used to rebuild it on the annotation keystroke)."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from workbench.tui.widgets.footer import KeysFooter


def shown_keys(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [key.description for key in app.screen.query_one(KeysFooter).query(FooterKey)]


async def test_footer_follows_focus_and_skips_rebuilding_the_same_keys(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(150, 40)) as pilot:
        await pilot.pause()
        main_keys = shown_keys(app)
        assert "annotate" in main_keys
        widgets = list(app.screen.query(FooterKey))
        # a label picker comes and goes: the main screen's keys are the same after it
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert shown_keys(app) == main_keys
        assert list(app.screen.query(FooterKey)) == widgets  # not rebuilt
        # the find bar has keys of its own: the footer changes, and changes back
        await pilot.press("slash")
        await pilot.pause()
        assert shown_keys(app) != main_keys
        await pilot.press("escape")
        await pilot.pause()
        assert shown_keys(app) == main_keys
