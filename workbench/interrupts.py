"""Telling a real Ctrl-C from a KeyboardInterrupt that plugin code raised.

The command line installs `install()`; code that runs plugins asks `is_real(exc)` before
letting a KeyboardInterrupt end the program: only one the terminal sent may do that."""

from __future__ import annotations

import signal
import threading
from types import FrameType

_requested = threading.Event()


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    _requested.set()
    raise KeyboardInterrupt


def install() -> None:
    """Make Ctrl-C (SIGINT) recorded before it interrupts (main thread only)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _on_sigint)


def is_real(exc: BaseException) -> bool:
    """True for a KeyboardInterrupt that comes from a Ctrl-C the user pressed."""
    return isinstance(exc, KeyboardInterrupt) and _requested.is_set()
