"""Pre-annotating documents of a store: `preannotate` runs the pipeline with `nlp.pipe`
and commits suggestions in batches as it goes. Each document is stored with a record
that it is done (same transaction), so a run that is interrupted (Ctrl-C, kill) resumes
where it stopped and never duplicates a suggestion.

The pipeline is cached per database and grown with new aliases only; a smaller knowledge
base (aliases removed) rebuilds it.

With `jobs` > 1 (the command line's default on a machine with several cores), documents
are read by forked worker processes that inherit the built pipeline and open their own
read connection; this process only stores what they find, in document order, so commits,
resume and the suggestions themselves are the same as with one process."""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from workbench.errors import WorkbenchError
from workbench.model import Suggestion
from workbench.nlp.pipeline import RULES_VERSION, Preannotator, remembering

Progress = Callable[[int, int], None]
# Documents per commit: an interruption loses at most this many documents' work,
# and fewer, larger commits save about 3 % of a corpus run over batches of 20.
DEFAULT_BATCH = 50
# Fewer documents than this are not worth starting worker processes for.
MIN_PARALLEL_DOCUMENTS = 16

_CACHE: dict[tuple[str, str | None], tuple[Preannotator, tuple[int, int, int]]] = {}
_LOCK = threading.Lock()


@dataclass
class PreannotateSummary:
    """What a run did."""

    documents: int = 0
    skipped: int = 0
    suggestions: int = 0
    triggers: int = 0
    patterns: int = 0
    build_seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def pipeline_for(store, model: str | None = None) -> tuple[Preannotator, float]:
    """The cached pipeline for this database, grown with aliases added since; seconds spent."""
    import time

    from workbench.nlp.models import load_model

    key = (str(store.path.resolve()), model)
    version = store.kb.version()
    start = time.perf_counter()
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            annotator, seen = cached
            if version[:2] == seen[:2]:
                _CACHE[key] = (annotator, version)
                return annotator, 0.0
            if version[0] >= seen[0] and version[1] > seen[1]:
                annotator.add_aliases(store.kb.alias_rows_since(annotator.last_alias_id))
                _CACHE[key] = (annotator, version)
                return annotator, time.perf_counter() - start
        with _collector_paused():
            annotator = Preannotator(
                store.events.taxonomy(), model=load_model(model) if model else None
            )
            annotator.add_aliases(store.kb.alias_rows_since(0))
        _out_of_the_collectors_way()
        _CACHE[key] = (annotator, version)
        return annotator, time.perf_counter() - start


def _out_of_the_collectors_way() -> None:
    """Take what exists now (a new pipeline's hundreds of thousands of pattern objects,
    kept as long as the process) out of the cyclic garbage collector's sight: every full
    collection would walk them all again, about a tenth of a run's time. Garbage is
    collected first; what is frozen is never collected, so this is done once per built
    pipeline (in the TUI it also freezes the widgets of the moment, which are kept as
    long as the app, bar a pane replaced later: a bounded cost)."""
    gc.collect()
    gc.freeze()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a pipeline is built or run. Building makes
    hundreds of thousands of pattern objects that all live (each full collection walked
    all those made so far: a quarter of the build); a run makes millions of small objects
    that live (suggestions, remembered answers) and, as measured over 1M words, no cycle
    at all: refcounting frees what dies. Garbage from elsewhere waits until it ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def signature(store, model: str | None) -> str:
    """What a document's suggestions depend on: the knowledge base, the rules, the model."""
    count, newest, merged = store.kb.version()
    return f"kb:{count}:{newest}:{merged}|rules:{RULES_VERSION}|model:{model or '-'}"


def linker_function(store):  # type: ignore[no-untyped-def]
    """The linker as the pipeline wants it: (entity id, label, score) or None for NIL. It
    remembers the index's answers, so make one per run: aliases added meanwhile are seen
    by the next one."""
    from workbench.linking import Linker
    from workbench.linking.memo import MemoIndex

    # a run links many names that share words and candidates: answers are remembered
    linker = Linker(MemoIndex(store.kb.candidate_index()), remember_words=True)

    def link(text: str, label: str | None):  # type: ignore[no-untyped-def]
        try:
            result = linker.link(text, label, limit=2)
        except WorkbenchError:
            return None
        if result.link is None:
            return None
        return result.link.entity_id, result.link.label, result.link.score

    return link


@_collector_paused()
def preannotate(
    store,
    doc_ids: Sequence[int] | None = None,
    model: str | None = None,
    progress: Progress | None = None,
    batch_size: int = DEFAULT_BATCH,
    redo: bool = False,
    jobs: int = 1,
) -> PreannotateSummary:
    """Suggest mentions and event triggers for documents (all when `doc_ids` is None).

    Documents already pre-annotated with the same knowledge base, rules and model are
    skipped unless `redo`; suggestions are committed every `batch_size` documents; `jobs`
    worker processes read the documents when there are enough of them."""
    import time

    summary = PreannotateSummary()
    known = [d.id for d in store.documents.summaries()]
    if doc_ids is None:
        targets = known
    else:
        missing = [d for d in doc_ids if d not in known]
        if missing:
            raise WorkbenchError(f"no document with id {missing[0]}")
        targets = list(dict.fromkeys(doc_ids))
    started = time.perf_counter()
    annotator, _ = pipeline_for(store, model)
    summary.build_seconds = round(time.perf_counter() - started, 3)
    summary.patterns = annotator.patterns
    sig = signature(store, model)
    done = set() if redo else store.suggestions.preannotated_ids(sig)
    todo = [d for d in targets if d not in done]
    summary.skipped = len(targets) - len(todo)
    redirects = store.kb.redirects()
    total = len(todo)
    if jobs > 1 and total >= MIN_PARALLEL_DOCUMENTS and _can_fork():
        found_by_document = _found_in_workers(store, annotator, todo, jobs)
    else:
        texts = (store.documents.text(doc_id) for doc_id in todo)
        found_by_document = zip(todo, annotator.suggest(texts, linker_function(store)), strict=True)
    batch: list = []
    if progress:
        progress(0, total)
    for position, (doc_id, found) in enumerate(found_by_document, 1):
        mentions = [
            s if s.entity_id not in redirects else _redirect(s, redirects[s.entity_id])
            for s in found.mentions
        ]
        batch.append((doc_id, mentions, found.triggers))
        if len(batch) >= batch_size or position == total:
            added, triggers = store.suggestions.store(batch, sig)
            summary.suggestions += added
            summary.triggers += triggers
            summary.documents += len(batch)
            batch = []
        if progress:
            progress(position, total)
    return summary


def default_jobs() -> int:
    """Worker processes for a batch run: the cores this process may use, at most 8."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def _can_fork() -> bool:
    # Workers inherit the built pipeline (building it again per worker would cost more
    # than it saves), which only a fork gives; elsewhere the run stays in one process.
    return "fork" in multiprocessing.get_all_start_methods()


# What a forked worker inherits (the pipeline) and opens for itself (its connection).
_WORKER: dict = {}


def _found_in_workers(store, annotator: Preannotator, doc_ids: list[int], jobs: int) -> Iterator:
    """(doc id, Found) for each document, in order, computed by `jobs` forked workers."""
    _WORKER["annotator"] = annotator
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(jobs, initializer=_start_worker, initargs=(str(store.path),)) as pool:
            yield from pool.imap(_suggest_in_worker, doc_ids, chunksize=2)
    finally:
        _WORKER.clear()


def _start_worker(db_path: str) -> None:
    from workbench.store import Store

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _WORKER["store"] = Store.open(db_path, annotator="pre-annotation worker")
    # remembered across the worker's documents, not only within one
    _WORKER["link"] = remembering(linker_function(_WORKER["store"]))


def _suggest_in_worker(doc_id: int):  # type: ignore[no-untyped-def]
    text = _WORKER["store"].documents.text(doc_id)
    return doc_id, next(_WORKER["annotator"].suggest([text], _WORKER["link"]))


def _redirect(suggestion: Suggestion, entity_id: str) -> Suggestion:
    return suggestion._replace(entity_id=entity_id)
