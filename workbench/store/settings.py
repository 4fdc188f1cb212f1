"""Settings kept in the database (the open panes, the event taxonomy): not undoable."""

from __future__ import annotations

from workbench.errors import ReadOnlyDatabase
from workbench.store.database import Database


class Settings:
    """Key-value settings of a project, outside the change log."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, key: str, default: str | None = None) -> str | None:
        """A stored setting, or `default`."""
        value = self.db.value("SELECT value FROM settings WHERE key = ?", (key,))
        return str(value) if value is not None else default

    def set(self, key: str, value: str) -> None:
        """Store a setting (not part of the undoable change log)."""
        if self.db.read_only:
            raise ReadOnlyDatabase(f"cannot save settings: {self.db.read_only}")
        self.db.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
