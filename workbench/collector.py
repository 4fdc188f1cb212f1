"""When Python's cyclic garbage collector runs: the one place Workbench decides it.

- In the TUI, full collections run while the analyst is idle, never in the middle of a
  keystroke (`IdleCollector`). Python runs a full (oldest generation) pass whenever
  enough objects have survived; with a large document open that pass takes longer than a
  frame, and it lands on whichever keystroke happened to allocate last. While the app
  runs, automatic full passes are off and one is run when no key or mouse event has come
  for a moment. The young generations are still collected as usual, so short-lived
  cycles are freed at once; the thresholds are restored when the app stops.
- While a pre-annotation pipeline is built or run, the collector is paused (`paused`):
  building makes hundreds of thousands of pattern objects that all live, and a run makes
  millions of small objects that live (suggestions, remembered answers) and no cycles;
  each full pass would walk them all again. Refcounting frees what dies meanwhile.
- While a knowledge base is imported, likewise (`paused`): a million aliases make
  millions of records and index rows that live until they are stored.
- While agreement is computed, likewise (`paused`): its counts of spans and token labels
  are millions of tuples that live until the report is made, and none is in a cycle.
- A built pipeline's objects, kept as long as the process, are then taken out of the
  collector's sight (`freeze_survivors`), once per pipeline.
- While the TUI starts, until its first frame is drawn, the collector is off
  (`hold_until_started`): what starting makes (modules, classes, the screen's widgets)
  lives as long as the app, and each pass would only walk it again. Once the first frame
  is drawn (`release_after_start`), those objects are taken out of its sight and it
  runs again as above.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager

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


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic garbage collection inside this block (left as it was found after it)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# Whether `hold_until_started` turned the collector off (and so turns it on again).
_held_for_start = False


def hold_until_started() -> None:
    """Turn the collector off while an app starts (see above); a collector found off is
    left to whoever turned it off."""
    global _held_for_start
    if gc.isenabled():
        gc.disable()
        _held_for_start = True


def release_after_start() -> None:
    """The app has drawn its first frame: keep what starting made out of later
    collections, and turn the collector on again if `hold_until_started` turned it off."""
    global _held_for_start
    if _held_for_start:
        _held_for_start = False
        freeze_survivors()
        gc.enable()


def freeze_survivors() -> None:
    """Collect garbage, then keep everything alive now out of every later collection
    (objects that live as long as the process: a built pipeline's patterns)."""
    gc.collect()
    gc.freeze()
