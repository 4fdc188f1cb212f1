"""What the command line's global options chose (database, annotator, plugins), shared
by the Typer CLI and the quick TUI launcher; no Typer here."""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench import config
from workbench.display import visible
from workbench.errors import WorkbenchError


@dataclass
class Session:
    """What the global options chose; the store is opened on first use."""

    db: str | None
    annotator: str
    plugins_dir: Path | None
    _store: Any = field(default=None, repr=False)
    _plugins: Any = field(default=None, repr=False)

    def plugins(self, report: bool = True):
        """Load the plugins once; a broken plugin is reported on stderr and skipped."""
        if self._plugins is None:
            from workbench.plugins import default_plugin_dirs, load_plugins

            self._plugins = load_plugins(default_plugin_dirs(self.plugins_dir))
            if report:
                for line in self._plugins.errors:
                    err(f"warning: {line}")
        return self._plugins

    @property
    def db_path(self) -> Path:
        """The database file chosen (--db, WORKBENCH_DB or the default)."""
        return config.database_path(self.db) if self.db is not None else config.default_db_path()

    def store(self):
        """Open the database (creating and seeding the default one on first use)."""
        if self._store is None:
            from workbench.store import Store

            path = self.db_path
            is_default = self.db is None
            is_new = not path.exists()
            if is_default and not os.environ.get(config.DB_ENV):
                # only the data directory is made; a folder the user names must exist
                path.parent.mkdir(parents=True, exist_ok=True)
            self._store = Store.open(path, annotator=self.annotator)
            if is_default and is_new:
                # (the importers load only here: every other start skips their 6 ms)
                from workbench.importers import seed_if_empty

                summary = seed_if_empty(self._store, config.seeds_dir())
                if summary is not None:
                    err(
                        f"created {path} with the demo corpus: {summary.documents_added} "
                        f"documents, {summary.entities_added} entities"
                    )
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def err(message: str) -> None:
    """A line on stderr; what came from files or the database in it is shown as data."""
    print(visible(message), file=sys.stderr, flush=True)


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn a user error into one `error:` line and exit 1 (Ctrl-C: exit 130; a closed
    pipe, as in `workbench docs | head`: exit 0) instead of a traceback."""
    try:
        yield
    except WorkbenchError as exc:
        err(f"error: {exc}")
        sys.exit(1)
    except sqlite3.DatabaseError as exc:  # read outside the store's methods (the linker's index)
        err(f"error: database error: {' '.join(str(exc).split())}")
        sys.exit(1)
    except KeyboardInterrupt:
        err("interrupted")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
