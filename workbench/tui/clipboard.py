"""Copying to the clipboard: in a browser (`workbench serve`) the browser's, through OSC 52;
else pyperclip where it has a backend, else OSC 52 via the terminal."""

from __future__ import annotations

from textual.app import App


def copy_text(app: App[object], text: str) -> str:
    """Copy `text`; returns how it was copied, for the notification."""
    if app.is_web:  # the server's clipboard is nobody's: the browser's terminal takes OSC 52
        app.copy_to_clipboard(text)
        return "copied to the browser's clipboard"
    import pyperclip  # (and the ctypes it loads) on the first copy, not before the first frame

    try:
        pyperclip.copy(text)
        return "copied to the clipboard"
    except pyperclip.PyperclipException:
        # Headless Linux or SSH: no clipboard program. OSC 52 asks the terminal to do it.
        app.copy_to_clipboard(text)
        return "no clipboard program found: copied through the terminal (OSC 52)"
