"""The application layer: every use case of Workbench, for the command line and the TUI.

`Workspace.open(...)` chooses the database (the embedded default is created and seeded
on first use), and hands out the one store, the one plugin loader and the one linker
factory of the process. Use cases are grouped by noun, each a method that is one
transaction and one undo step:

    workspace.corpus        documents, search, import, export, pre-annotation, counts
    workspace.annotations   mentions and suggestions: annotate, relabel, relink, ...
    workspace.kb            the knowledge base: list, add, merge, link, entity cards
    workspace.events        events, roles, incidents (clusters)
    workspace.history       undo, redo, skip
    workspace.team          the project's mode (shared or independent layers), agreement
    workspace.incidents     which reports are one incident, and what each report claims

Front ends call only this package (never the store); errors they may show are
`WorkbenchError`s, one line each.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from workbench import config
from workbench.errors import ReadOnlyDatabase
from workbench.store import Store
from workbench.workspace.annotating import Annotations
from workbench.workspace.corpus import Corpus
from workbench.workspace.events import EventsUseCases
from workbench.workspace.history import History
from workbench.workspace.knowledge import Knowledge

if TYPE_CHECKING:
    # (loaded on first use: the TUI's first frame does not wait for rapidfuzz or pluggy)
    from workbench.linking.linker import Linker
    from workbench.plugins import Plugins
    from workbench.workspace.adjudicating import Adjudication
    from workbench.workspace.curating import Curation
    from workbench.workspace.incidents import Incidents
    from workbench.workspace.team import Team

__all__ = ["Workspace", "WorkspaceOpener"]


class Workspace:
    """One open database and everything the use cases share."""

    def __init__(
        self,
        store: Store,
        plugins_dir: Path | None = None,
        report: Callable[[str], None] | None = None,
    ) -> None:
        """`report`: where a warning goes (a broken plugin); the CLI prints it."""
        self.store = store
        self.plugins_dir = plugins_dir
        self.report = report or (lambda message: None)
        self._plugins: Plugins | None = None
        self._linker: Linker | None = None
        self.corpus = Corpus(self)
        self.annotations = Annotations(self)
        self.kb = Knowledge(self)
        self.events = EventsUseCases(self)
        self.history = History(self)

    # The use cases below are loaded on first use: the TUI's first frame needs none of them.

    @cached_property
    def adjudication(self) -> Adjudication:
        from workbench.workspace.adjudicating import Adjudication

        return Adjudication(self)

    @cached_property
    def curation(self) -> Curation:
        from workbench.workspace.curating import Curation

        return Curation(self)

    @cached_property
    def incidents(self) -> Incidents:
        from workbench.workspace.incidents import Incidents

        return Incidents(self)

    @cached_property
    def team(self) -> Team:
        from workbench.workspace.team import Team

        return Team(self)

    @classmethod
    def open(
        cls,
        db: str | None = None,
        annotator: str | None = None,
        plugins_dir: Path | None = None,
        *,
        read_only: bool = False,
        report: Callable[[str], None] | None = None,
    ) -> Workspace:
        """Open the database `db` names (a file path or a postgresql:// URL), else
        $WORKBENCH_DB, else the default in the user data directory, created and loaded
        with the demo corpus on first use. On PostgreSQL the annotator defaults to the role."""
        target = config.chosen_database(db)
        is_default = db is None  # (WORKBENCH_DB's database is seeded on first use too)
        if is_default and not os.environ.get(config.DB_ENV):
            # only the data directory is made; a folder the user names must exist
            config.default_db_path().parent.mkdir(parents=True, exist_ok=True)
        is_new = isinstance(target, Path) and not target.exists()
        store = Store.open(
            target,
            annotator=config.annotator_name(annotator, config.database_user(target)),
            read_only=read_only,
        )
        workspace = cls(store, plugins_dir, report)
        if is_default and is_new:
            summary = workspace.corpus.seed_if_empty()
            if summary is not None:
                workspace.report(
                    f"created {target} with the demo corpus: {summary.documents_added} "
                    f"documents, {summary.entities_added} entities"
                )
        return workspace

    def reader(self) -> Workspace:
        """Another connection to the same database, for a worker thread (the UI thread
        keeps its own)."""
        return Workspace(self.store.reopen(), self.plugins_dir, self.report)

    def close(self) -> None:
        """Close the database."""
        self.store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- what the use cases share ------------------------------------------------------------

    @property
    def path(self) -> Path:
        """The database file (of an SQLite database)."""
        return self.store.path

    @property
    def name(self) -> str:
        """The database's short name: its file's name, or its PostgreSQL database name."""
        target = self.store.target
        return target.name if isinstance(target, Path) else target.rsplit("/", 1)[-1]

    @property
    def annotator(self) -> str:
        """Who this workspace's changes are recorded as."""
        return self.store.annotator

    @property
    def read_only(self) -> str | None:
        """Why nothing can be changed here ("… is read-only: …"), or None."""
        return self.store.read_only

    def plugins(self) -> Plugins:
        """The plugins, loaded once; a broken one is reported and skipped."""
        if self._plugins is None:
            from workbench.plugins import default_plugin_dirs, load_plugins

            self._plugins = load_plugins(default_plugin_dirs(self.plugins_dir))
            for line in self._plugins.errors:
                self.report(f"warning: {line}")
        return self._plugins

    def linker(self) -> Linker:
        """The interactive linker over the knowledge base's index (sees every change)."""
        if self._linker is None:
            from workbench.linking.linker import Linker

            self._linker = Linker(self.store.kb.candidate_index())
        return self._linker

    @staticmethod
    def batch_linker(store: Store) -> Linker:
        """A linker for one batch run over `store`: it remembers index answers, spellings
        and decisions for the run (the knowledge base does not change meanwhile), and on a
        server reads a batch's names ahead (`Linker.prefetch`)."""
        from workbench.linking.linker import Linker
        from workbench.linking.memo import RunMemory

        return Linker(store.kb.candidate_index(), memory=RunMemory(), read_ahead=store.on_server)

    def remember(self, key: str, value: str) -> None:
        """Keep a front end's state (open documents, cursors) in the database; nothing
        when it is read-only."""
        if not self.read_only:
            self.store.settings.set(key, value)

    def recall(self, key: str) -> str | None:
        """A front end's state kept with `remember`."""
        return self.store.settings.get(key)

    def require_writable(self, action: str) -> None:
        """Raise a one-line error when nothing can be changed here."""
        if self.read_only:
            raise ReadOnlyDatabase(f"cannot {action}: {self.read_only}")


class WorkspaceOpener:
    """What the global options chose (database, annotator, plugins folder); the workspace
    is opened on first use, so commands that need no database (plugins, help) open none."""

    def __init__(
        self,
        db: str | None,
        annotator: str | None,
        plugins_dir: Path | None,
        report: Callable[[str], None] | None = None,
    ) -> None:
        self.db = db
        self.annotator = annotator
        self.plugins_dir = plugins_dir
        self.report = report
        self._workspace: Workspace | None = None
        self._plugins: Plugins | None = None

    @property
    def db_target(self) -> Path | str:
        """The database chosen (--db, WORKBENCH_DB or the default): a file or a URL."""
        return config.chosen_database(self.db)

    def workspace(self) -> Workspace:
        """The workspace, opened (and the default database seeded) on first use."""
        if self._workspace is None:
            self._workspace = Workspace.open(
                self.db, self.annotator, self.plugins_dir, report=self.report
            )
            if self._plugins is not None:
                self._workspace._plugins = self._plugins
        return self._workspace

    def plugins(self) -> Plugins:
        """The plugins, without opening the database."""
        if self._workspace is not None:
            return self._workspace.plugins()
        if self._plugins is None:
            from workbench.plugins import default_plugin_dirs, load_plugins

            self._plugins = load_plugins(default_plugin_dirs(self.plugins_dir))
            for line in self._plugins.errors:
                (self.report or (lambda message: None))(f"warning: {line}")
        return self._plugins

    def close(self) -> None:
        """Close the workspace, if it was opened."""
        if self._workspace is not None:
            self._workspace.close()
