"""Where things live: the default database, the seeds, the annotator's name."""

from __future__ import annotations

import getpass
import os
import re
from pathlib import Path

import platformdirs

from workbench.errors import WorkbenchError

APP_NAME = "workbench"
DB_ENV = "WORKBENCH_DB"
ANNOTATOR_ENV = "WORKBENCH_ANNOTATOR"
PLUGINS_DIR_ENV = "WORKBENCH_PLUGINS_DIR"
MODEL_ENV = "WORKBENCH_MODEL"


def data_dir() -> Path:
    """The user data directory (platformdirs), e.g. ~/.local/share/workbench."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def export_dir() -> Path:
    """Where the TUI's exports go unless the analyst names another path."""
    return data_dir() / "exports"


def config_dir() -> Path:
    """The user config directory, where keymaps and settings live."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    """The embedded default database: WORKBENCH_DB, else workbench.db in the data directory."""
    env = os.environ.get(DB_ENV)
    if env:
        return database_path(env)
    return data_dir() / "workbench.db"


# "scheme:" at the start of a --db value: a URI, not a file name
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")


def database_path(value: str) -> Path:
    """The database file a --db (or WORKBENCH_DB) value names; a URI is refused."""
    if _URI.match(value):
        raise WorkbenchError(
            f"--db {value!r}: database URIs are not supported; give the path of a "
            f"database file (a file whose name holds ':' can be given as ./{value})"
        )
    return Path(value).expanduser()


def seeds_dir() -> Path | None:
    """The demo corpus: packaged with the wheel, or the repository's seeds/ in a checkout."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "_seeds", package.parent / "seeds"):
        if (candidate / "entities.jsonl").is_file():
            return candidate
    return None


def annotator_name(explicit: str | None = None) -> str:
    """Who is annotating: --annotator, else WORKBENCH_ANNOTATOR, else the OS user."""
    if explicit:
        return explicit
    env = os.environ.get(ANNOTATOR_ENV)
    if env:
        return env
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in some containers
        return "unknown"


def default_model() -> str | None:
    """The spaCy pipeline pre-annotation adds: WORKBENCH_MODEL, else `model = "..."` in
    config.toml of the config directory, else none (the offline default pipeline only)."""
    env = os.environ.get(MODEL_ENV)
    if env:
        return env
    path = config_dir() / "config.toml"
    if not path.is_file():
        return None
    import tomllib

    try:
        value = tomllib.loads(path.read_text(encoding="utf-8")).get("model")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise WorkbenchError(f"{path}: {exc}") from exc
    return value if isinstance(value, str) and value else None


def default_jobs() -> int:
    """Worker processes for a batch run: the cores this process may use, at most 8."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))
