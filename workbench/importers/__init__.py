"""Reading files into the store: text, Markdown, JSONL, folders, and seeds-style KB,
gold mentions and gold events.

Each importer module turns one format into records (no SQL); `import_paths` walks what
the user named and stores each file in its own transaction, so a bad file is reported
and skipped without leaving anything half-imported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from workbench import interrupts
from workbench.errors import ImportFormatError, WorkbenchError
from workbench.importers.events import import_events, store_clusters, store_event
from workbench.importers.gold import check_offsets, read_gold
from workbench.importers.jsonl import read_jsonl_documents
from workbench.importers.kb import read_entity_lines
from workbench.importers.records import ImportedDocument, Importer
from workbench.importers.text import read_text_document

if TYPE_CHECKING:
    from workbench.store import Store

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
KB_FILE = "entities.jsonl"
GOLD_FILE = "gold.jsonl"
EVENTS_FILE = "events.jsonl"
FORMATS = ("auto", "text", "jsonl")

Progress = Callable[[int, int, Path], None]


@dataclass
class ImportSummary:
    """What an import did, and the one-line errors of the files it skipped."""

    files: int = 0
    documents_added: int = 0
    documents_unchanged: int = 0
    entities_added: int = 0
    aliases_added: int = 0
    mentions_added: int = 0
    events_added: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """Plain dict for JSON output."""
        return dict(self.__dict__)

    def add(self, other: ImportSummary) -> None:
        """Count what another (per-file) summary counted."""
        for name, value in other.__dict__.items():
            if isinstance(value, int):
                setattr(self, name, getattr(self, name) + value)
        self.errors.extend(other.errors)


def is_gold_file(path: Path) -> bool:
    """`gold.jsonl`, or one annotator's `NAME.gold.jsonl`."""
    return path.name == GOLD_FILE or path.name.endswith("." + GOLD_FILE)


def is_events_file(path: Path) -> bool:
    """`events.jsonl`, or one annotator's `NAME.events.jsonl`."""
    return path.name == EVENTS_FILE or path.name.endswith("." + EVENTS_FILE)


def _files(
    paths: Iterable[Path], fmt: str
) -> tuple[list[tuple[Path, str]], list[Path], list[Path], list[Path], list[str]]:
    """Split what the user named into (document, format), KB, gold, events files, errors."""
    documents: list[tuple[Path, str]] = []
    kb: list[Path] = []
    gold: list[Path] = []
    events: list[Path] = []
    errors: list[str] = []
    for path in paths:
        if not path.exists():
            errors.append(f"{path}: no such file or directory")
        elif path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                if child.name == KB_FILE:
                    kb.append(child)
                elif is_gold_file(child):
                    gold.append(child)
                elif is_events_file(child):
                    events.append(child)
                elif kind := _format_of(child, fmt):
                    documents.append((child, kind))
        elif path.name == KB_FILE and fmt == "auto":
            kb.append(path)
        elif is_gold_file(path) and fmt == "auto":
            gold.append(path)
        elif is_events_file(path) and fmt == "auto":
            events.append(path)
        elif kind := _format_of(path, fmt):
            documents.append((path, kind))
        else:
            errors.append(f"{path}: unsupported file type (use .txt, .md or .jsonl, or --format)")
    return documents, kb, gold, events, errors


def _format_of(path: Path, fmt: str) -> str | None:
    if fmt != "auto":
        return fmt
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    return None


def import_paths(
    store: Store,
    paths: Iterable[str | Path],
    fmt: str = "auto",
    progress: Progress | None = None,
    alias_provenance: str = "import",
    importers: Mapping[str, Importer] | None = None,
) -> ImportSummary:
    """Import files and folders: documents first, then knowledge bases, then gold files.

    A format that is not built in (`brat`, or a plugin's) is read by the registered
    importer of that name and stored document by document."""
    importers = importers or {}
    if fmt not in FORMATS and fmt in importers:
        return _import_with_plugin(store, [Path(p) for p in paths], importers[fmt], progress)
    if fmt not in FORMATS:
        known = ", ".join([*FORMATS, *sorted(importers)])
        raise WorkbenchError(f"unknown import format {fmt!r} (choose from {known})")
    documents, kb, gold, events, errors = _files([Path(p) for p in paths], fmt)
    summary = ImportSummary(errors=errors)
    total = len(documents) + len(kb) + len(gold) + len(events)
    steps: list[tuple[Path, Callable[..., None]]]
    steps = [(p, partial(_import_documents, kind=kind)) for p, kind in documents]
    steps += [(p, partial(_import_kb, provenance=alias_provenance)) for p in kb]
    steps += [(p, _import_gold) for p in gold] + [(p, _import_events) for p in events]
    for done, (path, step) in enumerate(steps, start=1):
        _import_one_file(store, path, step, summary)
        if progress:
            progress(done, total, path)
    return summary


def _import_one_file(
    store: Store, path: Path, step: Callable[..., None], summary: ImportSummary
) -> None:
    """Import one file in one transaction: all of it, or (with an error line) nothing."""
    counted = ImportSummary()
    try:
        with store.transaction(f"import {path.name}"):
            step(store, path, counted)
    except WorkbenchError as exc:
        summary.errors.append(str(exc))
        return
    counted.files = 1
    summary.add(counted)


def _import_with_plugin(
    store: Store, paths: list[Path], importer: Importer, progress: Progress | None
) -> ImportSummary:
    """Read each file with the importer and store each document it gives (with its
    annotations) in one transaction; a folder is read file by file when the importer
    names the suffixes it reads, so one bad file does not stop the others."""
    summary = ImportSummary()
    clusters: dict[str, list[int]] = {}
    files = _plugin_files(paths, importer, summary)
    for done, path in enumerate(files, start=1):
        try:
            records = importer.read(path)
        except WorkbenchError as exc:
            summary.errors.append(str(exc))
            records = []
        except BaseException as exc:  # a plugin's bug, even SystemExit, is reported
            if interrupts.is_real(exc):
                raise
            summary.errors.append(
                f"{path}: importer {importer.name!r} failed: {type(exc).__name__}: {exc}"
            )
            records = []
        for record in records:
            found: dict[str, list[int]] = {}
            _import_one_file(
                store,
                record.path or path,
                partial(_store_record, record=record, clusters=found),
                summary,
            )
            for key, event_ids in found.items():
                clusters.setdefault(key, []).extend(event_ids)
        if progress:
            progress(done, len(files), path)
    if clusters:
        with store.transaction("import clusters"):
            store_clusters(store, clusters)
    return summary


def _plugin_files(paths: list[Path], importer: Importer, summary: ImportSummary) -> list[Path]:
    """The files (or folders) to hand to a plugin importer, one at a time."""
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            summary.errors.append(f"{path}: no such file or directory")
        elif path.is_dir() and importer.suffixes:
            found = sorted(
                p
                for p in path.rglob("*")
                if p.suffix in importer.suffixes
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                summary.errors.append(
                    f"{path}: no {'/'.join(importer.suffixes)} files in this folder"
                )
            files.extend(found)
        else:
            files.append(path)
    return files


def _store_record(
    store: Store,
    path: Path,
    summary: ImportSummary,
    record: ImportedDocument,
    clusters: dict[str, list[int]],
) -> None:
    store_imported(store, record, summary, clusters)


def store_imported(
    store: Store, record: ImportedDocument, summary: ImportSummary, clusters: dict[str, list[int]]
) -> None:
    """Store a document with its mentions, linked entities (created when unknown) and events;
    events' cluster keys are collected in `clusters` (a cluster spans documents)."""
    where = record.path or Path(record.document.origin)
    added, unchanged = store.documents.add_many([record.document])
    summary.documents_added += len(added)
    summary.documents_unchanged += len(unchanged)
    doc_id = (added or unchanged)[0]
    known = store.kb.entities_by_ids(e.id for e in record.entities if e.id)
    new = [e for e in record.entities if e.id not in known]
    if new:
        entities, aliases = store.kb.import_entities(new, provenance="import")
        summary.entities_added += entities
        summary.aliases_added += aliases
    try:
        summary.mentions_added += store.mentions.import_many(
            doc_id, record.mentions, source="import"
        )
    except WorkbenchError as exc:
        raise ImportFormatError(where, str(exc)) from exc
    for event in record.events:
        event_id, is_new = store_event(store, doc_id, event, where, None)
        summary.events_added += is_new
        if event.get("cluster") is not None:
            clusters.setdefault(str(event["cluster"]), []).append(event_id)


def _import_documents(store: Store, path: Path, summary: ImportSummary, kind: str) -> None:
    records = read_jsonl_documents(path) if kind == "jsonl" else [read_text_document(path)]
    added, unchanged = store.documents.add_many(records)
    summary.documents_added += len(added)
    summary.documents_unchanged += len(unchanged)


def _import_kb(
    store: Store,
    path: Path,
    summary: ImportSummary,
    provenance: str,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    lines = read_entity_lines(path)
    existing = store.kb.entities_by_ids(e.id for _, e in lines if e.id)
    for number, entity in lines:
        known = existing.get(entity.id or "")
        if known is not None and known.label != entity.label:
            raise ImportFormatError(
                path,
                f"entity {entity.id!r} exists with label {known.label}; this line gives "
                f"{entity.label} (use another id, or fix the label)",
                number,
            )
    try:
        added, aliases = store.kb.import_entities(
            [e for _, e in lines], provenance=provenance, progress=progress
        )
    except WorkbenchError as exc:
        if isinstance(exc, ImportFormatError):
            raise
        raise ImportFormatError(path, str(exc)) from exc
    summary.entities_added += added
    summary.aliases_added += aliases


def _import_gold(store: Store, path: Path, summary: ImportSummary) -> None:
    annotated = read_gold(path)
    targets = []
    for gold in annotated:
        doc_id = store.documents.id_by_sha256(gold.sha256)
        if doc_id is None:
            raise ImportFormatError(
                path,
                f"document {gold.document or gold.sha256[:12]} is not imported (import it first)",
                gold.line,
            )
        check_offsets(gold, store.documents.text(doc_id), path)
        targets.append((doc_id, gold))
    for doc_id, gold in targets:
        try:
            summary.mentions_added += store.mentions.import_many(
                doc_id, gold.mentions, source="gold"
            )
        except WorkbenchError as exc:
            raise ImportFormatError(path, str(exc), gold.line) from exc


def _import_events(store: Store, path: Path, summary: ImportSummary) -> None:
    summary.events_added += import_events(store, path)


def import_kb_file(
    store: Store, path: str | Path, progress: Callable[[int, int], None] | None = None
) -> ImportSummary:
    """Import one knowledge-base JSONL file (`workbench kb import`); `progress(aliases
    stored, aliases to store)` is told as the aliases are stored."""
    summary = ImportSummary()
    _import_kb(store, Path(path), summary, provenance="import", progress=progress)
    summary.files = 1
    return summary


def seed_if_empty(store: Store, seeds: Path | None) -> ImportSummary | None:
    """Load the demo corpus into an empty database (first run of the default database)."""
    if seeds is None or not store.is_empty():
        return None
    return import_paths(store, [seeds], alias_provenance="seed")
