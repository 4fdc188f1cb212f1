"""Pre-annotating documents of a store: `preannotate` runs the pipeline with `nlp.pipe`
and commits suggestions in batches as it goes (on a connection of its own; in a long run,
in a process of its own while the pipeline works on the next batch: `SuggestionWriter`).
Each document is stored with a record that it is done (same transaction), so a run that
is interrupted (Ctrl-C, kill) resumes where it stopped and never duplicates a suggestion.

The pipeline is cached per database and grown with new aliases only; a smaller knowledge
base (aliases removed) rebuilds it.

With `jobs` > 1 (the command line's default on a machine with several cores), documents
are read by forked worker processes that inherit the built pipeline and open their own
read connection; this process only stores what they find, in document order, so commits,
resume and the suggestions themselves are the same as with one process."""

from __future__ import annotations

import multiprocessing
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from workbench import collector
from workbench.errors import WorkbenchError
from workbench.model import PreannotateSummary, SuggestedTrigger, Suggestion
from workbench.nlp.linked_names import LinkFunction
from workbench.nlp.pipeline import RULES_VERSION, Found, Preannotator
from workbench.nlp.writing import SuggestionWriter
from workbench.store import Store

Progress = Callable[[int, int], None]
# Documents per commit: an interruption loses at most this many documents' work, and
# fewer, larger commits make a corpus run quicker.
DEFAULT_BATCH = 50
# Fewer documents than this are not worth starting worker processes for.
MIN_PARALLEL_DOCUMENTS = 16
# Fewer documents than this are committed by the run itself, not by a writer process
# (starting one takes a fraction of a second: worth it for a run of several batches).
MIN_WRITER_PROCESS_DOCUMENTS = 4 * DEFAULT_BATCH

# A linker for a run, made for the store it reads: (text, label) -> decision. A worker
# process makes its own, over its own connection.
LinkerFactory = Callable[[Store], LinkFunction]


class PipelineCache:
    """The built pipeline of each database file and model, kept for the process's life:
    building one takes seconds at a large knowledge base. A cached pipeline is grown with
    the aliases added since it was built; one whose knowledge base shrank or changed in
    another way is built again."""

    def __init__(self) -> None:
        self._built: dict[tuple[str, str | None], tuple[Preannotator, tuple[int, int, int]]] = {}
        self._lock = threading.Lock()

    def get(self, store: Store, model: str | None) -> tuple[Preannotator, float]:
        """The pipeline for this database and model, up to date; seconds spent on it."""
        from workbench.nlp.models import load_model

        target = store.target
        key = (str(target.resolve() if isinstance(target, Path) else target), model)
        version = store.kb.version()
        start = time.perf_counter()
        with self._lock:
            cached = self._built.get(key)
            if cached is not None:
                annotator, seen = cached
                if version[:2] == seen[:2]:
                    self._built[key] = (annotator, version)
                    return annotator, 0.0
                if version[0] >= seen[0] and version[1] > seen[1]:
                    annotator.add_aliases(store.kb.alias_rows_since(annotator.last_alias_id))
                    self._built[key] = (annotator, version)
                    return annotator, time.perf_counter() - start
            with collector.paused():
                annotator = Preannotator(
                    store.events.taxonomy(), model=load_model(model) if model else None
                )
                annotator.add_aliases(store.kb.alias_rows_since(0))
            collector.freeze_survivors()
            self._built[key] = (annotator, version)
            return annotator, time.perf_counter() - start

    def clear(self) -> None:
        """Forget every built pipeline."""
        with self._lock:
            self._built.clear()


PIPELINES = PipelineCache()


def pipeline_for(store: Store, model: str | None = None) -> tuple[Preannotator, float]:
    """The cached pipeline for this database, grown with aliases added since; seconds spent."""
    return PIPELINES.get(store, model)


def signature(store: Store, model: str | None) -> str:
    """What a document's suggestions depend on: the knowledge base, the rules, the model."""
    count, newest, merged = store.kb.version()
    return f"kb:{count}:{newest}:{merged}|rules:{RULES_VERSION}|model:{model or '-'}"


@collector.paused()
def preannotate(
    store: Store,
    link_for: LinkerFactory,
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
        found_by_document = _found_in_workers(store, annotator, link_for, todo, jobs)
    else:
        texts = _texts(store, todo, batch_size)
        found_by_document = zip(todo, annotator.suggest(texts, link_for(store)), strict=True)
    batch: list[tuple[int, list[Suggestion], list[SuggestedTrigger]]] = []
    if progress:
        progress(0, total)
    in_process = total < MIN_WRITER_PROCESS_DOCUMENTS
    with SuggestionWriter(store, sig, summary, in_process) as writer:
        for position, (doc_id, found) in enumerate(found_by_document, 1):
            mentions = [
                s if s.entity_id not in redirects else _redirect(s, redirects[s.entity_id])
                for s in found.mentions
            ]
            batch.append((doc_id, mentions, found.triggers))
            if len(batch) >= batch_size or position == total:
                writer.store(batch)
                batch = []
            if progress:
                progress(position, total)
    return summary


def _texts(store: Store, doc_ids: list[int], batch_size: int) -> Iterator[str]:
    """The documents' texts, in order, read `batch_size` at a time."""
    for start in range(0, len(doc_ids), batch_size):
        chunk = doc_ids[start : start + batch_size]
        texts = store.documents.texts(chunk)
        for doc_id in chunk:
            if doc_id not in texts:
                raise WorkbenchError(f"no document with id {doc_id}")
            yield texts[doc_id]


def _can_fork() -> bool:
    # Workers inherit the built pipeline (building it again per worker would cost more
    # than it saves), which only a fork gives; elsewhere the run stays in one process.
    return "fork" in multiprocessing.get_all_start_methods()


# What a forked worker inherits (the pipeline, the linker factory) and opens for itself
# (its connection, its linker): set by the parent just before the fork, per run.
_WORKER: dict[str, Any] = {}


def _found_in_workers(
    store: Store, annotator: Preannotator, link_for: LinkerFactory, doc_ids: list[int], jobs: int
) -> Iterator[tuple[int, Found]]:
    """(doc id, Found) for each document, in order, computed by `jobs` forked workers."""
    _WORKER.update(annotator=annotator, link_for=link_for)
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(jobs, initializer=_start_worker, initargs=(store.target,)) as pool:
            yield from pool.imap(_suggest_in_worker, doc_ids, chunksize=2)
    finally:
        _WORKER.clear()


def _start_worker(target: Path | str) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _WORKER["store"] = Store.open(target, annotator="pre-annotation worker")
    # one linker (and its memory) for all of the worker's documents
    _WORKER["link"] = _WORKER["link_for"](_WORKER["store"])


def _suggest_in_worker(doc_id: int) -> tuple[int, Found]:
    text = _WORKER["store"].documents.text(doc_id)
    return doc_id, next(_WORKER["annotator"].suggest([text], _WORKER["link"]))


def _redirect(suggestion: Suggestion, entity_id: str) -> Suggestion:
    return suggestion._replace(entity_id=entity_id)
