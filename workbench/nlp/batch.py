"""Pre-annotating documents of a store: `preannotate` runs the pipeline with `nlp.pipe`
and commits suggestions in batches as it goes. Each document is stored with a record
that it is done (same transaction), so a run that is interrupted (Ctrl-C, kill) resumes
where it stopped and never duplicates a suggestion.

The pipeline is cached per database and grown with new aliases only; a smaller knowledge
base (aliases removed) rebuilds it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from workbench.errors import WorkbenchError
from workbench.nlp.pipeline import RULES_VERSION, Preannotator

Progress = Callable[[int, int], None]
DEFAULT_BATCH = 20

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
    version = store.kb_version()
    start = time.perf_counter()
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            annotator, seen = cached
            if version[:2] == seen[:2]:
                _CACHE[key] = (annotator, version)
                return annotator, 0.0
            if version[0] >= seen[0] and version[1] > seen[1]:
                annotator.add_aliases(store.alias_rows_since(annotator.last_alias_id))
                _CACHE[key] = (annotator, version)
                return annotator, time.perf_counter() - start
        annotator = Preannotator(store.event_taxonomy(), model=load_model(model) if model else None)
        annotator.add_aliases(store.alias_rows_since(0))
        _CACHE[key] = (annotator, version)
        return annotator, time.perf_counter() - start


def signature(store, model: str | None) -> str:
    """What a document's suggestions depend on: the knowledge base, the rules, the model."""
    count, newest, merged = store.kb_version()
    return f"kb:{count}:{newest}:{merged}|rules:{RULES_VERSION}|model:{model or '-'}"


def linker_function(store):  # type: ignore[no-untyped-def]
    """The linker as the pipeline wants it: (entity id, label, score) or None for NIL."""
    from workbench.linking import Linker

    linker = Linker(store.candidate_index())

    def link(text: str, label: str | None):  # type: ignore[no-untyped-def]
        try:
            result = linker.link(text, label, limit=2)
        except WorkbenchError:
            return None
        if result.link is None:
            return None
        return result.link.entity_id, result.link.label, result.link.score

    return link


def preannotate(
    store,
    doc_ids: Sequence[int] | None = None,
    model: str | None = None,
    progress: Progress | None = None,
    batch_size: int = DEFAULT_BATCH,
    redo: bool = False,
) -> PreannotateSummary:
    """Suggest mentions and event triggers for documents (all when `doc_ids` is None).

    Documents already pre-annotated with the same knowledge base, rules and model are
    skipped unless `redo`; suggestions are committed every `batch_size` documents."""
    import time

    summary = PreannotateSummary()
    known = [d.id for d in store.documents()]
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
    done = set() if redo else store.preannotated_ids(sig)
    todo = [d for d in targets if d not in done]
    summary.skipped = len(targets) - len(todo)
    redirects = store.entity_redirects()
    link = linker_function(store)
    texts = (store.document_text(doc_id) for doc_id in todo)
    batch: list = []
    total = len(todo)
    if progress:
        progress(0, total)
    for position, (doc_id, found) in enumerate(
        zip(todo, annotator.suggest(texts, link), strict=True), 1
    ):
        mentions = [
            s if s.entity_id not in redirects else _redirect(s, redirects[s.entity_id])
            for s in found.mentions
        ]
        batch.append((doc_id, mentions, found.triggers))
        if len(batch) >= batch_size or position == total:
            added, triggers = store.store_suggestions(batch, sig)
            summary.suggestions += added
            summary.triggers += triggers
            summary.documents += len(batch)
            batch = []
        if progress:
            progress(position, total)
    return summary


def _redirect(suggestion, entity_id: str):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    return replace(suggestion, entity_id=entity_id)
