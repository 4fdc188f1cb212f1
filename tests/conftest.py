"""Shared fixtures: real SQLite files in temporary folders, loaded from seeds/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import SEEDS

from workbench.importers import import_paths
from workbench.store import Store


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Path of a database file that does not exist yet."""
    return tmp_path / "workbench.db"


@pytest.fixture
def store(db_path: Path):
    """An empty, migrated store on a real file."""
    with Store.open(db_path, annotator="tester") as opened:
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


@pytest.fixture
def seeded(seeded_path: Path):
    """A store loaded from seeds/, annotator 'tester'."""
    with Store.open(seeded_path, annotator="tester") as opened:
        yield opened


ARTICLES = sorted(SEEDS.glob("*.txt"))


@pytest.fixture
def bare_path(tmp_path: Path) -> Path:
    """The seed articles and the seed knowledge base, but no gold mentions or events:
    what an analyst has before pre-annotation."""
    path = tmp_path / "bare.db"
    with Store.open(path, annotator="tester") as store:
        summary = import_paths(store, [*ARTICLES, SEEDS / "entities.jsonl"])
        assert not summary.errors, summary.errors
    return path


@pytest.fixture
def bare(bare_path: Path):
    """A store on `bare_path`, annotator 'tester'."""
    with Store.open(bare_path, annotator="tester") as store:
        yield store
