"""One line of the article view drawn from its layers."""

from __future__ import annotations

from rich.style import Style

from workbench.tui.widgets.painting import painted_line

BASE = Style(color="white")
RED, BOLD = Style(bgcolor="red"), Style(bold=True)


def runs(strip) -> list[tuple[str, Style]]:  # type: ignore[no-untyped-def]
    return [(segment.text, segment.style) for segment in strip]


def test_later_layers_go_on_top_and_the_line_is_padded_to_its_width() -> None:
    # "Iran and Pakistan" from offset 100: "Iran" red, "an" of "and" red and bold
    strip = painted_line(
        "Iran and", 100, [(100, 104, RED), (105, 107, RED), (105, 107, BOLD)], BASE, 0, 12
    )
    assert runs(strip) == [
        ("Iran", BASE + RED),
        (" ", BASE),
        ("an", BASE + RED + BOLD),
        ("d", BASE),
        ("    ", BASE),
    ]
    assert strip.cell_length == 12


def test_layers_outside_the_line_are_cut_to_it() -> None:
    strip = painted_line("and", 105, [(90, 106, RED), (107, 300, BOLD)], BASE, 0, 3)
    assert runs(strip) == [("a", BASE + RED), ("n", BASE), ("d", BASE + BOLD)]


def test_a_scrolled_or_too_long_line_is_cropped_to_the_width() -> None:
    strip = painted_line("Pakistan", 0, [(0, 3, RED)], BASE, 2, 4)
    assert "".join(text for text, _ in runs(strip)) == "kist"
    assert runs(strip)[0] == ("k", BASE + RED)
    wide = painted_line("検索のテスト", 0, [], BASE, 0, 6)  # two cells a character
    assert wide.cell_length == 6 and "".join(text for text, _ in runs(wide)) == "検索の"
