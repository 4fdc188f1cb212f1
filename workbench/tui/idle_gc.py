"""Full garbage collections while the analyst is idle, never in the middle of a keystroke.

Python's collector runs a full (oldest generation) pass whenever enough objects have
survived; with a large document open that pass takes over 100 ms, and it lands on
whichever keystroke happened to allocate last. While the app runs, automatic full passes
are turned off and one is run instead when no key or mouse event has come for a moment.
The young generations are still collected as usual, so short-lived cycles are freed at
once; the thresholds are restored when the app stops."""

from __future__ import annotations

import gc
import time

IDLE_SECONDS = 2.0
CHECK_EVERY_SECONDS = 5.0
# A gen-2 threshold this high means "never automatically" (it counts gen-1 passes).
NEVER = 1_000_000_000


class IdleCollector:
    """Owns the collector's thresholds while the app runs."""

    def __init__(self) -> None:
        self.last_input = time.monotonic()
        self._saved: tuple[int, int, int] | None = None
        self._collected = False  # since the last input

    def start(self) -> None:
        if self._saved is None:
            self._saved = gc.get_threshold()
            gc.set_threshold(self._saved[0], self._saved[1], NEVER)

    def stop(self) -> None:
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None

    def touched(self) -> None:
        """A key or mouse event came in."""
        self.last_input = time.monotonic()
        self._collected = False

    def collect_if_idle(self) -> bool:
        """Run a full collection if there was no input for a while, once per idle stretch
        (little is allocated while nobody types); True if it ran."""
        if self._saved is None or self._collected:
            return False
        if time.monotonic() - self.last_input < IDLE_SECONDS:
            return False
        gc.collect()
        self._collected = True
        return True
