"""Finding the spans that cover an offset or overlap a range, among thousands.

A long document has thousands of annotations and suggestions, and each keystroke asks
which of them lie under the cursor or on the lines being drawn. `SpanIndex` keeps items
sorted by start and answers by bisection: it only looks at items starting within the
longest item's length before the range.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class SpanIndex(Generic[T]):
    """Items with a (start, end) span, end exclusive, kept in the order of `key`
    (by start first); `span(item)` gives an item's span."""

    def __init__(
        self,
        items: Iterable[T],
        span: Callable[[T], tuple[int, int]],
        key: Callable[[T], tuple[int, ...]] | None = None,
    ) -> None:
        self._span = span
        self._key = key or (lambda item: span(item))
        self.items: list[T] = sorted(items, key=self._key)
        self._keys = [self._key(item) for item in self.items]
        self._longest = max((e - s for s, e in map(span, self.items)), default=0)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def add(self, item: T) -> None:
        """Put one item in its place (no re-sort)."""
        key = self._key(item)
        index = bisect_left(self._keys, key)
        self._keys.insert(index, key)
        self.items.insert(index, item)
        start, end = self._span(item)
        self._longest = max(self._longest, end - start)

    def remove(self, item: T) -> None:
        """Take one item out (it must be in)."""
        index = bisect_left(self._keys, self._key(item))
        while self.items[index] != item:
            index += 1
        del self.items[index]
        del self._keys[index]

    def overlapping(self, start: int, end: int) -> Iterator[T]:
        """Items overlapping [start, end), in order."""
        index = bisect_left(self._keys, (start - self._longest,))
        items, span = self.items, self._span
        while index < len(items):
            item = items[index]
            item_start, item_end = span(item)
            if item_start >= end:
                return
            if item_end > start:
                yield item
            index += 1

    def covering(self, offset: int) -> Iterator[T]:
        """Items whose span holds `offset`."""
        return self.overlapping(offset, offset + 1)

    def any_overlap(self, start: int, end: int) -> bool:
        """True when some item overlaps [start, end)."""
        return next(self.overlapping(start, end), None) is not None

    def starts(self) -> list[int]:
        """Every item's start, in order."""
        return [key[0] for key in self._keys]
