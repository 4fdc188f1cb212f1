"""The corpus: documents, full-text search, import, export and counts."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, NamedTuple

from workbench import config
from workbench.display import plural
from workbench.errors import WorkbenchError
from workbench.model import CURATED, INDEPENDENT, SHARED, Document, DocumentSummary, SearchHit

if TYPE_CHECKING:
    from workbench.importers import ImportSummary
    from workbench.workspace import Workspace


class Exported(NamedTuple):
    """What an export wrote."""

    exporter: str
    documents: int
    output: str
    warnings: list[str]
    layer: str | None = None  # the layer exported when not the annotator's own

    def summary(self, where: str) -> str:
        """What was exported, in one line for the user."""
        of_layer = f" of layer {self.layer}" if self.layer else ""
        return f"exported {plural(self.documents, 'document')}{of_layer} with {self.exporter} to {where}"


class Corpus:
    """Documents and everything done to all of them at once."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.store = workspace.store

    def summaries(self) -> list[DocumentSummary]:
        """Every document with its counts, by id."""
        return self.store.documents.summaries()

    def document(self, doc_id: int) -> Document:
        """One document with its text."""
        return self.store.documents.get(doc_id)

    def search(self, query: str, limit: int = 20, skip: int = 0) -> list[SearchHit]:
        """Full-text search: every hit at its word, best documents first."""
        return self.store.documents.search(query, limit, skip)

    def import_paths(
        self,
        paths: Iterable[Path],
        fmt: str = "auto",
        progress: Callable[[int, int, Path], None] | None = None,
    ) -> ImportSummary:
        """Import files and folders, each file all or nothing."""
        from workbench.importers import FORMATS, import_paths

        self.workspace.require_writable("import")
        importers = self.workspace.plugins().importers if fmt not in FORMATS else {}
        return import_paths(self.store, paths, fmt, progress, importers=importers)

    def seed_if_empty(self) -> ImportSummary | None:
        """Load the demo corpus into an empty database (first run of the default one)."""
        from workbench.importers import seed_if_empty

        return seed_if_empty(self.store, config.seeds_dir())

    def export(
        self,
        format: str,
        output: str | Path,
        doc_ids: Sequence[int] | None = None,
        include_suggestions: bool = False,
        options: Mapping[str, str] | None = None,
        progress: Callable[[int, int], None] | None = None,
        stdout: BinaryIO | None = None,
        layer: str | None = None,
    ) -> Exported:
        """Export with a built-in or plugin exporter; the output appears whole or not at
        all ("-" is standard output). `layer`: an annotator's layer, `curated` or
        `shared`; by default the layer this annotator works in, except in an independent
        project once a curated layer exists: then the curated one, the team's dataset."""
        from workbench.exporters import ExportView, run_export

        plugins = self.workspace.plugins()
        exporter = plugins.exporter(format)
        if layer is None and self.store.project_mode() == INDEPENDENT:
            layer = CURATED if CURATED in self.store.layers() else None
        chosen = self.store.db.layer if layer is None else (None if layer == SHARED else layer)
        if layer not in (None, SHARED) and chosen not in self.store.layers():
            known = ", ".join(sorted(x or SHARED for x in self.store.layers())) or "none"
            raise WorkbenchError(f"no layer named {layer!r} (layers: {known})")
        with self.store.in_layer(chosen):
            view = ExportView(self.store, doc_ids, include_suggestions)
            context = run_export(
                exporter,
                view,
                output,
                options or {},
                progress,
                owner=plugins.owner.get(("exporter", exporter.name)),
                stdout=stdout,
            )
        other = None if chosen == self.store.db.layer else (chosen or SHARED)
        return Exported(exporter.name, len(view), str(output), context.warnings, other)

    def stats(self) -> dict[str, int]:
        """Counts of what the database holds."""
        return self.store.stats()
