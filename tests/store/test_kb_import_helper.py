"""A large knowledge-base import: its aliases' match keys and index entries are worked out
by a helper process (`workbench.linking.bulk`) while the store writes the batches before.
The threshold and the batch size are lowered here so that a small import takes that path;
the process, the pipe and the database are real."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from workbench.errors import WorkbenchError
from workbench.linking import bulk
from workbench.model import NewEntity
from workbench.store import Store, kb

_INDEX = {
    "aliases": "id, entity_id, text, norm",
    "alias_postings": "token, alias_id, ntok",
    "index_vocab": "token, df",
    "index_keys": "key, token",
}


def _entities(count: int) -> list[NewEntity]:
    """Entities with several spellings each, words shared across them (as a gazetteer's)."""
    heads = ["Kalat", "Quetta", "Turbat", "Panjgur", "Saravan", "Zahedan", "Chabahar", "Gwadar"]
    tails = ["Liberation Army", "Province", "District Council", "al-Adl", "e Mohammed", "Jaish"]
    out = []
    for i in range(count):
        head, tail = heads[i % len(heads)], tails[(i // len(heads)) % len(tails)]
        name = f"{head} {tail} {i}"
        aliases = (f"{head.upper()} {tail} {i}", f"{head}-{i} {tail}", f"{tail} of {head} {i}")
        out.append(NewEntity(name, "ORG", id=f"e{i}", aliases=aliases))
    return out


def _index(store: Store) -> dict[str, list[tuple[object, ...]]]:
    return {
        table: sorted(tuple(row) for row in store.conn.execute(f"SELECT {cols} FROM {table}"))
        for table, cols in _INDEX.items()
    }


def _helpers() -> list[int]:
    """Pids of this process's children that run the alias indexer."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == os.getpid() and b"workbench.linking.bulk" in command:
            found.append(int(entry.name))
    return found


@pytest.fixture
def through_the_helper(monkeypatch) -> None:
    monkeypatch.setattr(bulk, "MIN_HELPER_ALIASES", 100)
    monkeypatch.setattr(kb, "ALIASES_PER_STEP", 300)


def test_the_helper_indexes_a_large_import_as_this_process_would(
    store: Store, tmp_path: Path, through_the_helper, monkeypatch
) -> None:
    entities = _entities(1500)  # 6,000 aliases: 20 batches
    seen: list[tuple[int, int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total, len(_helpers())))

    assert store.kb.import_entities(entities, progress=progress) == (1500, 6000)
    assert [done for done, _, _ in seen] == list(range(300, 6001, 300))
    assert seen[0][2] == 1  # the helper did the work (it ends once it sent the last batch)
    assert not _helpers()  # and ended with the import

    monkeypatch.setattr(bulk, "MIN_HELPER_ALIASES", 10**9)  # the same, in this process
    with Store.open(tmp_path / "in_process.db", annotator="tester") as reference:
        reference.kb.import_entities(entities)
        assert _index(store) == _index(reference)


def test_an_indexer_that_dies_is_one_clear_error_and_nothing_is_imported(
    store: Store, through_the_helper
) -> None:
    def kill_the_helper(done: int, total: int) -> None:
        for pid in _helpers():
            os.kill(pid, signal.SIGKILL)

    with pytest.raises(WorkbenchError, match="alias indexer stopped unexpectedly; nothing was"):
        store.kb.import_entities(_entities(1500), progress=kill_the_helper)
    assert store.conn.execute("SELECT count(*) FROM aliases").fetchone()[0] == 0
    assert store.conn.execute("SELECT count(*) FROM entities").fetchone()[0] == 0
    assert not _helpers()


def test_an_interrupted_import_stops_its_indexer_and_imports_nothing(
    store: Store, through_the_helper
) -> None:
    def interrupt(done: int, total: int) -> None:
        if done >= 900:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        store.kb.import_entities(_entities(1500), progress=interrupt)
    assert store.conn.execute("SELECT count(*) FROM aliases").fetchone()[0] == 0
    assert not _helpers()
    # and the next import works, through a new helper
    assert store.kb.import_entities(_entities(1500)) == (1500, 6000)


def test_a_refused_large_import_stops_its_indexer(store: Store, through_the_helper) -> None:
    store.kb.import_entities([NewEntity("Kalat", "GPE", id="e7")])
    with pytest.raises(WorkbenchError, match="exists with label GPE"):
        store.kb.import_entities(_entities(1500))  # e7 is an ORG there
    assert store.conn.execute("SELECT count(*) FROM aliases").fetchone()[0] == 1
    assert not _helpers()


def test_without_an_interpreter_to_start_the_import_indexes_in_this_process(
    store: Store, through_the_helper, monkeypatch
) -> None:
    monkeypatch.setattr("sys.executable", "/nonexistent/python")
    assert store.kb.import_entities(_entities(400)) == (400, 1600)
    assert store.conn.execute("SELECT count(*) FROM alias_postings").fetchone()[0] > 1600


def test_an_import_with_nothing_new_adds_nothing(store: Store) -> None:
    assert store.kb.import_entities([]) == (0, 0)
    first = [NewEntity("Quetta", "GPE", id="quetta")]
    assert store.kb.import_entities(first) == (1, 1)
    assert store.kb.import_entities(first) == (0, 0)
