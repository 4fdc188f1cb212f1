"""Article text is untrusted: markup and terminal escapes are shown, never interpreted."""

from __future__ import annotations

from pathlib import Path

from workbench.importers import import_paths
from workbench.model import NewDocument
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
        doc_id = store.documents.summaries()[0].id
        app = WorkbenchApp(Workspace(store), doc_id, doc_id, keymap={}, steady=True)
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
            [mention] = store.mentions.of_document(doc_id)
            assert mention.text == "[@click=app.quit]quit link[/]"
            await pilot.press("ctrl+f", *list("[bold]"), "enter")  # FTS and snippets with markup
            await pilot.pause()
            assert app.is_running


def test_display_text_keeps_offsets() -> None:
    text = "a\x1bb\x07c\td\u202ee\n"
    shown = display_text(text)
    assert len(shown) == len(text)
    assert shown == "a␛b␇c→d\ufffde\n"


# -- wide text is laid out by terminal cells (#18.12) ----------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from rich.cells import cell_len, split_graphemes  # noqa: E402

from workbench.tui.layout import wrap  # noqa: E402
from workbench.workspace import Workspace  # noqa: E402

PIECES = st.sampled_from(
    [
        "漢字",
        "かな",
        "한국어",
        "👍🏽",
        "👨\u200d👩\u200d👧",
        "e\u0301",
        "n\u0303o",
        "🇵🇰",
        " ",
        " ",
        "\n",
        "word",
        "a",
        "Zahedan",
        "—",
        "…",
        "\u200b",
        "ـ",
        "زاهدان",
        "x" * 30,
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=60).map("".join), st.integers(8, 70))
def test_wrapping_by_cells_draws_every_character_once_within_the_width(text, width) -> None:
    layout = wrap(text, width)
    covered = []
    boundaries = set()
    for paragraph_start, paragraph in _paragraphs(text):
        graphemes, _ = split_graphemes(paragraph)
        boundaries |= {paragraph_start + g[0] for g in graphemes} | {
            paragraph_start + len(paragraph)
        }
    for start, end in zip(layout.starts, layout.ends, strict=True):
        line = text[start:end]
        assert "\n" not in line
        if cell_len(line) > width:  # only a space (with what joins it) may hang past the edge
            graphemes, _ = split_graphemes(line)
            last = line[graphemes[-1][0] :]
            assert last.startswith(" ") and cell_len(line) - cell_len(last) <= width, line
        assert start in boundaries and end in boundaries  # never inside a grapheme
        covered.extend(range(start, end))
    assert covered == [i for i, ch in enumerate(text) if ch != "\n"]


def _paragraphs(text: str):
    position = 0
    for paragraph in text.split("\n"):
        yield position, paragraph
        position += len(paragraph) + 1


async def test_a_cjk_article_is_drawn_whole_in_a_narrow_pane(tmp_path: Path) -> None:
    text = ("伊朗伊斯兰革命卫队周二对巴基斯坦俾路支省发动导弹和无人机袭击，" * 6 + "\n") * 3
    text += "Emoji 👍🏽 and combining e\u0301 and a family 👨\u200d👩\u200d👧 in one line. " * 4
    with Store.open(tmp_path / "w.db", annotator="t") as store:
        store.documents.add_many([NewDocument(title="CJK", text=text, sha256="c" * 64, origin="t")])
        app = WorkbenchApp(Workspace(store), keymap={}, steady=True)
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.pause()
            view = app.screen.panes[0].view
            width = view.scrollable_content_region.width
            drawn = []
            for index in range(view._layout.height):
                strip = view._render_document_line(index, 0, width)
                assert strip.cell_length == width  # nothing cut off at the edge
                start, end = view._layout.starts[index], view._layout.ends[index]
                shown = "".join(segment.text for segment in strip)
                assert shown.startswith(text[start:end])
                drawn.append(text[start:end])
            assert "".join(drawn) == text.replace("\n", "")
            await pilot.press("down", "down")
            assert view._layout.line_of(view.cursor) == 2
