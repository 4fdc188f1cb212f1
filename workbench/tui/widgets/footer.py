"""The footer of current keys, redrawn only when the keys it shows change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeysFooter(Footer):
    """Textual's Footer rebuilds its key widgets whenever focus moves or a screen
    returns, even to the same keys; closing a picker would pay for that on the
    annotation keystroke. Here an unchanged set of shown keys costs nothing."""

    _shown: tuple[tuple[str, str, bool, str], ...] | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        shown = tuple(
            (binding.key, binding.description, enabled, tooltip)
            for _, binding, enabled, tooltip in screen.active_bindings.values()
            if binding.show
        )
        if shown == self._shown:
            return
        # (without app focus Footer skips the rebuild: remember nothing then)
        self._shown = shown if screen.app.app_focus else None
        super().bindings_changed(screen)
