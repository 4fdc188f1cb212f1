"""Shared fixtures: real SQLite files in temporary folders and real PostgreSQL databases
on a throwaway server, loaded from seeds/. The `store`, `seeded` and `bare` stores are
parametrised over both backends; the `*_path` fixtures are SQLite files."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import postgres_server
import pytest
from helpers import SEEDS

from workbench.importers import import_paths
from workbench.store import Store


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Path of a database file that does not exist yet."""
    return tmp_path / "workbench.db"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    """A PostgreSQL server's URL for the run (started on first use), or None."""
    with postgres_server.server() as url:
        yield url


def _server_or_skip(url: str | None) -> str:
    if url is None:
        reason = (
            "no PostgreSQL server: install Debian's postgresql, or set "
            f"{postgres_server.URL_ENV} to a server's URL"
        )
        if os.environ.get(postgres_server.REQUIRE_ENV):
            pytest.fail(reason)
        pytest.skip(reason)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> str:
    """Which database the test runs on."""
    return str(request.param)


@pytest.fixture
def postgres_db(postgres_url) -> Iterator[str]:
    """A new, empty PostgreSQL database (its URL), dropped after the test."""
    url = postgres_server.new_database(_server_or_skip(postgres_url))
    yield url
    postgres_server.drop_database(url)


def _copy_on_server(postgres_url: str | None, template: str) -> Iterator[str]:
    url = postgres_server.new_database(_server_or_skip(postgres_url), template=template)
    yield url
    postgres_server.drop_database(url)


@pytest.fixture
def db_target(backend: str, request) -> Path | str:
    """Where the test's empty database is: a file that does not exist yet, or a new
    PostgreSQL database."""
    if backend == "sqlite":
        return request.getfixturevalue("db_path")
    return request.getfixturevalue("postgres_db")


@pytest.fixture
def store(db_target):
    """An empty, migrated store on a real file or a real PostgreSQL database."""
    with Store.open(db_target, annotator="tester") as opened:
        yield opened


@pytest.fixture(scope="session")
def _seeded_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("seeded") / "seeded.db"
    with Store.open(path, annotator="seed") as seeded:
        summary = import_paths(seeded, [SEEDS])
        assert not summary.errors, summary.errors
        seeded.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def seeded_path(_seeded_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of a database loaded from seeds/ (import once, copy per test)."""
    path = tmp_path / "seeded.db"
    shutil.copy(_seeded_template, path)
    return path


@pytest.fixture(scope="session")
def _seeded_on_server(postgres_url) -> str:
    """The name of a database on the server loaded from seeds/ (a template to copy)."""
    url = postgres_server.new_database(_server_or_skip(postgres_url))
    with Store.open(url, annotator="seed") as seeded:
        summary = import_paths(seeded, [SEEDS])
        assert not summary.errors, summary.errors
    return url.rsplit("/", 1)[1]


def _target(backend: str, request, file: str, on_server: str) -> Iterator[Path | str]:
    """The fixture `file` (a fresh SQLite file), or a fresh copy of the server database
    the fixture `on_server` names."""
    if backend == "sqlite":
        yield request.getfixturevalue(file)
        return
    template = request.getfixturevalue(on_server)
    yield from _copy_on_server(request.getfixturevalue("postgres_url"), template)


@pytest.fixture
def seeded_target(backend: str, request) -> Iterator[Path | str]:
    """A fresh copy of a database loaded from seeds/: a file, or a PostgreSQL database."""
    yield from _target(backend, request, "seeded_path", "_seeded_on_server")


@pytest.fixture
def seeded(seeded_target):
    """A store loaded from seeds/, annotator 'tester', on either backend."""
    with Store.open(seeded_target, annotator="tester") as opened:
        yield opened


ARTICLES = sorted(SEEDS.glob("*.txt"))


@pytest.fixture
def bare_path(tmp_path: Path) -> Path:
    """The seed articles and the seed knowledge base, but no gold mentions or events:
    what an analyst has before pre-annotation."""
    path = tmp_path / "bare.db"
    _load_bare(path)
    return path


def _load_bare(target: Path | str) -> None:
    with Store.open(target, annotator="tester") as store:
        summary = import_paths(store, [*ARTICLES, SEEDS / "entities.jsonl"])
        assert not summary.errors, summary.errors


@pytest.fixture(scope="session")
def _bare_on_server(postgres_url) -> str:
    """The name of a database on the server holding what `bare_path` holds."""
    url = postgres_server.new_database(_server_or_skip(postgres_url))
    _load_bare(url)
    return url.rsplit("/", 1)[1]


@pytest.fixture
def bare_target(backend: str, request) -> Iterator[Path | str]:
    """What `bare_path` holds, as a file or a PostgreSQL database."""
    yield from _target(backend, request, "bare_path", "_bare_on_server")


@pytest.fixture
def bare(bare_target):
    """A store holding the seed articles and knowledge base, on either backend."""
    with Store.open(bare_target, annotator="tester") as store:
        yield store
