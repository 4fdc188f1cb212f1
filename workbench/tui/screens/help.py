"""The help screen: every action from the registry, with the keys it has now (the user's
keymap applied), written as a person types them ("]", not "right_square_bracket")."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from workbench.display import visible
from workbench.tui.actions import ACTIONS, keys_of

KEY_COLUMN = 18


class HelpScreen(ModalScreen[None]):
    """Every key binding, as currently mapped, grouped by where it works."""

    BINDINGS = [Binding("escape,question_mark,q", "close", "close", id="help.close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 100; max-width: 100%; height: 90%; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1; }
    """

    def __init__(self, keymap: dict[str, str]) -> None:
        super().__init__()
        self.keymap = keymap

    def key_display(self, keys: str) -> str:
        """Keys as a person types them: "]" for right_square_bracket, "^n" for ctrl+n."""
        shown = []
        for key in keys.split(","):
            key = key.strip()
            if key:
                shown.append(self.app.get_key_display(Binding(key, "")))
        return " ".join(shown) or "(palette)"

    def compose(self) -> ComposeResult:
        text = Text()
        text.append("Workbench keys", style="bold underline")
        text.append(
            "   (remap in keymap.toml by binding id; ctrl+p: every action by name; esc closes)\n",
            style="dim",
        )
        section = ""
        for action in ACTIONS:
            if action.section != section:
                section = action.section
                text.append(f"\n{section}\n", style="bold")
            keys = self.key_display(keys_of(action, self.keymap))
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append(f"  {visible(keys):<{KEY_COLUMN}} ", style="bold cyan")
            line.append(f"{action.description}  ")
            line.append(action.id, style="dim")
            text.append_text(line)
            text.append("\n")
        with VerticalScroll():
            yield Static(text)

    def action_close(self) -> None:
        self.dismiss(None)
