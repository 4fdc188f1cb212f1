"""The match keys and index entries of a large number of new aliases (a knowledge-base
import), batch by batch, worked out ahead of the writes that store them.

Normalising a large import's names costs about as much as writing them. With many aliases
the work is done by a helper process (`workbench.helper_process`, running this module) while
this one writes the batches before: the two overlap on a second core. Fewer aliases are
worked out here, where starting a process would cost more than it saves. Both ways run
`prepared_batches`, so they give the same batches."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator, Sequence
from itertools import chain

from workbench.helper_process import HelperProcess, Pipe, end_with, sendable, serve
from workbench.linking.index import IndexEntries, new_alias_entries

# (match keys, index entries) of one batch of aliases, in their order.
PreparedBatch = tuple[list[str], IndexEntries]
# Fewer aliases than this are worked out in this process: the helper's start (an
# interpreter and the linking modules) is worth it once two batches of a knowledge-base
# import (`workbench.store.kb.ALIASES_PER_STEP`) overlap.
MIN_HELPER_ALIASES = 100_000


def prepared_batches(
    first_id: int, texts: Sequence[str], per_batch: int
) -> Iterator[PreparedBatch]:
    """The batches of `per_batch` aliases (texts to be stored with ids `first_id`, ...),
    in order."""
    for start in range(0, len(texts), per_batch):
        yield new_alias_entries(first_id + start, texts[start : start + per_batch])


class AliasPreparer:
    """Works out batches of new aliases, in a helper process if one was started."""

    def __init__(self, helper: HelperProcess | None) -> None:
        self._helper = helper

    def batches(
        self, first_id: int, texts: Sequence[str], per_batch: int
    ) -> Iterator[PreparedBatch]:
        """`prepared_batches`; in the helper, each is worked out while the caller stores
        the one before."""
        if self._helper is None:
            return prepared_batches(first_id, texts, per_batch)
        helper = self._helper
        helper.send((first_id, list(texts), per_batch))
        return (_unpacked(helper.recv()) for _ in range(0, len(texts), per_batch))


@contextlib.contextmanager
def alias_preparer(expected: int) -> Iterator[AliasPreparer]:
    """A preparer for about `expected` new aliases (at most): with MIN_HELPER_ALIASES or
    more, the helper process starts at once, while the caller does its own work before it
    asks for batches. The helper ends with the block, also when the caller stops early."""
    helper = None
    if expected >= MIN_HELPER_ALIASES:
        with contextlib.suppress(OSError):  # (no interpreter to start: the work is done here)
            helper = HelperProcess(
                "workbench.linking.bulk", name="the alias indexer", advice="nothing was imported"
            )
    if helper is None:
        yield AliasPreparer(None)
        return
    try:
        yield AliasPreparer(helper)
    finally:
        helper.stop()


# A batch as it crosses the pipe: the postings as one flat list (token, alias id, ntok,
# token, ...), which pickles much faster than a list of tuples (benchmarks/README.md).
Packed = tuple[list[str], list[object], dict[str, int]]


def _packed(batch: PreparedBatch) -> Packed:
    keys, entries = batch
    return keys, list(chain.from_iterable(entries.postings)), entries.document_frequency


def _unpacked(packed: Packed) -> PreparedBatch:
    keys, flat, frequency = packed
    postings = list(zip(flat[0::3], flat[1::3], flat[2::3], strict=True))
    return keys, IndexEntries(postings, Counter(frequency))  # type: ignore[arg-type]


def _serve(pipe: Pipe) -> None:
    """The helper: sends each batch as soon as it is worked out (the pipe holds back one
    that the caller is not ready for); ends when all are sent or the caller is gone."""
    end_with(pipe.recv())
    work = pipe.recv()
    if work is None:  # (the caller needed none)
        return
    first_id, texts, per_batch = work
    try:
        for batch in prepared_batches(first_id, texts, per_batch):
            pipe.send(_packed(batch))
    except OSError:  # (the caller stopped early and closed its end)
        return
    except Exception as exc:
        pipe.send(sendable(exc, "indexing aliases"))


if __name__ == "__main__":
    serve(_serve)
