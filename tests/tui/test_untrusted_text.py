"""Article text is untrusted: markup and terminal escapes are shown, never interpreted."""

from __future__ import annotations

from pathlib import Path

from workbench.importers import import_paths
from workbench.store import Store
from workbench.tui.app import WorkbenchApp
from workbench.tui.layout import display_text

HOSTILE = (
    "Title: [bold]Hostile[/] report\n\n"
    "Start [bold]not bold[/] and [/ broken, then [@click=app.quit]quit link[/] "
    "and [link=http://x]a link[/link].\n"
    "ANSI \x1b[31mred\x1b[0m, OSC 52 \x1b]52;c;ZXZpbA==\x07 and OSC 8 \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\.\n"
    "Bidi \u202eoverride\u202c, bell \x07, backspace \x08, tab\tend.\n"
)


def rendered_text(view, lines: int) -> str:
    """What the view draws, wrapped lines joined and runs of white space folded."""
    drawn = " ".join("".join(seg.text for seg in view.render_line(y)) for y in range(lines))
    return " ".join(drawn.split())


async def test_markup_and_escapes_are_shown_literally(tmp_path: Path) -> None:
    source = tmp_path / "hostile.txt"
    source.write_text(HOSTILE, encoding="utf-8")
    with Store.open(tmp_path / "h.db", annotator="tester") as store:
        assert not import_paths(store, [source]).errors
        doc_id = store.documents()[0].id
        app = WorkbenchApp(store, doc_id, doc_id, keymap={}, steady=True)
        async with app.run_test(size=(150, 30)) as pilot:
            view = app.screen.panes[0].view
            shown = rendered_text(view, 6)
            for literal in (
                "[bold]not bold[/]",
                "[/ broken",
                "[@click=app.quit]quit link[/]",
                "[link=http://x]a link[/link]",
            ):
                assert literal in shown
            assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
            assert "␛[31mred␛[0m" in shown
            title = str(app.screen.panes[0].query_one(".pane-title").render())
            assert "[bold]Hostile[/] report" in title
            # move through all of it and annotate a span full of markup and escapes
            await pilot.press(*["w"] * 30, *["down"] * 5, "end", "home")
            await pilot.press("slash", *list("[@click"), "enter")
            await pilot.press(*["shift+right"] * len("[@click=app.quit]quit link[/]"))
            await pilot.press("a", "4")
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("0")
            await pilot.pause()
            assert app.is_running
            [mention] = store.mentions(doc_id)
            assert mention.text == "[@click=app.quit]quit link[/]"
            await pilot.press("ctrl+f", *list("[bold]"), "enter")  # FTS and snippets with markup
            await pilot.pause()
            assert app.is_running


def test_display_text_keeps_offsets() -> None:
    text = "a\x1bb\x07c\td\u202ee\n"
    shown = display_text(text)
    assert len(shown) == len(text)
    assert shown == "a␛b␇c→d\ufffde\n"
