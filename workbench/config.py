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
    """The embedded default database: workbench.db in the data directory."""
    return data_dir() / "workbench.db"


def chosen_database(value: str | None = None) -> Path | str:
    """The database a --db value names, else WORKBENCH_DB, else the embedded default."""
    value = value if value is not None else os.environ.get(DB_ENV)
    return database_target(value) if value else default_db_path()


# "scheme:" at the start of a --db value: a URI, not a file name
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")
POSTGRES_SCHEMES = ("postgresql", "postgres")


def database_target(value: str) -> Path | str:
    """What a --db (or WORKBENCH_DB) value names: a database file's path, or a PostgreSQL
    URL (postgresql://USER@HOST[:PORT]/DB); any other URI is refused."""
    scheme = _URI.match(value)
    if scheme and scheme.group(0)[:-1].lower() in POSTGRES_SCHEMES:
        if not value.split(":", 1)[1].startswith("//"):
            raise WorkbenchError(
                f"--db {value!r}: a PostgreSQL database is named postgresql://USER@HOST/DB"
            )
        return value
    if scheme:
        raise WorkbenchError(
            f"--db {value!r}: the only database URLs are postgresql://USER@HOST[:PORT]/DB; "
            f"otherwise give the path of a database file (a file whose name holds ':' can "
            f"be given as ./{value})"
        )
    return Path(value).expanduser()


def database_user(target: Path | str) -> str | None:
    """The PostgreSQL role a database URL connects as (None for a file, or a URL that
    leaves it to libpq's defaults)."""
    if isinstance(target, Path):
        return None
    from urllib.parse import unquote, urlsplit

    user = urlsplit(target).username
    return unquote(user) if user else os.environ.get("PGUSER")


def seeds_dir() -> Path | None:
    """The demo corpus: packaged with the wheel, or the repository's seeds/ in a checkout."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "_seeds", package.parent / "seeds"):
        if (candidate / "entities.jsonl").is_file():
            return candidate
    return None


def annotator_name(explicit: str | None = None, database_role: str | None = None) -> str:
    """Who is annotating: --annotator, else WORKBENCH_ANNOTATOR, else the PostgreSQL role
    the database is opened as, else the OS user."""
    if explicit:
        return explicit
    env = os.environ.get(ANNOTATOR_ENV)
    if env:
        return env
    if database_role:
        return database_role
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
