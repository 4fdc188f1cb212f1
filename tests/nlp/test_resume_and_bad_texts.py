"""A batch killed midway resumes without duplicates; hostile and huge texts are handled."""

from __future__ import annotations

import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from workbench.errors import ImportFormatError
from workbench.importers.reading import MAX_DOCUMENT_BYTES, sha256_text
from workbench.importers.text import read_text_document
from workbench.model import SUGGESTED, NewDocument
from workbench.nlp.batch import pipeline_for
from workbench.nlp.spans import PIECE_CHARS, split_pieces
from workbench.store import Store

NAMES = [
    "Jaish al-Adl",
    "Balochistan Liberation Army",
    "Iran",
    "Pakistan",
    "Sistan-Baluchestan",
    "IRGC",
]
WORDS = [
    "officials",
    "said",
    "on",
    "Tuesday",
    "two",
    "militants",
    "were",
    "killed",
    "near",
    "the",
    "border",
]


def generated(rng: random.Random, n: int) -> list[NewDocument]:
    docs = []
    for i in range(n):
        words = [
            rng.choice(NAMES) if rng.random() < 0.15 else rng.choice(WORDS) for _ in range(200)
        ]
        text = f"Report {i}. " + " ".join(words) + "."
        docs.append(NewDocument(f"report {i}", text, sha256_text(text), "test"))
    return docs


def run_cli(db: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "workbench", "--db", str(db), "preannotate", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_killed_batch_resumes_without_duplicates(bare_path: Path, tmp_path: Path) -> None:
    with Store.open(bare_path, "tester") as store:
        store.documents.add_many(generated(random.Random(3), 600))
    reference = tmp_path / "reference.db"
    shutil.copy(bare_path, reference)

    process = run_cli(bare_path, "--all")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        time.sleep(0.05)
        with sqlite3.connect(bare_path) as probe:
            done = probe.execute("SELECT count(*) FROM preannotated").fetchone()[0]
        if done:
            break
    process.send_signal(signal.SIGKILL)
    process.wait()
    with Store.open(bare_path, "tester") as store:
        assert store.integrity_check() == "ok"
        partial = len(store.suggestions.preannotated_ids(next(iter(_signatures(store)))))
    assert 0 < partial < 602, "the kill should land mid-run"

    finished = run_cli(bare_path, "--all")
    out, err = finished.communicate(timeout=300)
    assert finished.returncode == 0, err
    assert f"({partial} already done)" in out

    complete = run_cli(reference, "--all")
    complete.communicate(timeout=300)
    assert _suggestions(bare_path) == _suggestions(reference)


def _signatures(store) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT signature FROM preannotated")}


def _suggestions(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            'SELECT doc_id, start, "end", label, entity_id FROM mentions WHERE status = ? '
            'ORDER BY doc_id, start, "end", label',
            (SUGGESTED,),
        ).fetchall()
        triggers = conn.execute(
            'SELECT doc_id, start, "end" FROM trigger_suggestions ORDER BY 1, 2'
        ).fetchall()
    assert len(rows) == len(set(rows)) and len(triggers) == len(set(triggers))
    return rows + triggers


def test_empty_and_control_character_texts(bare) -> None:
    annotator, _ = pipeline_for(bare)
    (empty,) = list(annotator.suggest([""]))
    assert empty.mentions == [] and empty.triggers == []
    hostile = (
        "\x1b[31m Iran \x1b[0m \x00\x07 [bold] Pakistan [/] \u202eBLA\u202c \x0b\x0c\t Tuesday \x7f"
    )
    (found,) = list(annotator.suggest([hostile]))
    for s in found.mentions:
        assert 0 <= s.start < s.end <= len(hostile)
    assert {hostile[s.start : s.end] for s in found.mentions} >= {"Iran", "Pakistan", "Tuesday"}


def test_long_documents_are_processed_in_pieces_with_true_offsets(bare) -> None:
    annotator, _ = pipeline_for(bare)
    sentence = "Officials in Quetta said the Balochistan Liberation Army attacked on Friday.\n"
    text = sentence * (3 * PIECE_CHARS // len(sentence))
    pieces = list(split_pieces(text))
    assert len(pieces) >= 3 and "".join(p for _, p in pieces) == text
    (found,) = list(annotator.suggest([text]))
    names = [text[s.start : s.end] for s in found.mentions if s.entity_id == "bla"]
    assert len(names) == text.count("Balochistan Liberation Army")
    assert set(names) == {"Balochistan Liberation Army"}


def test_a_50_mb_document_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with open(big, "w", encoding="utf-8") as f:
        line = "Iran and Pakistan exchanged strikes on Tuesday. " * 20 + "\n"
        while f.tell() < 50 * 1024 * 1024:
            f.write(line)
    with pytest.raises(ImportFormatError) as caught:
        read_text_document(big)
    assert "over the" in str(caught.value) and str(big) in str(caught.value)
    assert MAX_DOCUMENT_BYTES < 50 * 1024 * 1024


def test_cli_needs_a_scope_and_names_unknown_documents(bare_path: Path) -> None:
    missing = run_cli(bare_path)
    _, err = missing.communicate(timeout=60)
    assert (
        missing.returncode == 1
        and err.strip() == "error: choose the documents: --doc ID (repeatable) or --all"
    )
    unknown = run_cli(bare_path, "--doc", "99")
    _, err = unknown.communicate(timeout=60)
    assert unknown.returncode == 1 and "no document with id 99" in err
    one = run_cli(bare_path, "--doc", "2", "--json")
    out, err = one.communicate(timeout=60)
    assert one.returncode == 0, err
    assert '"documents": 1' in out


def test_ctrl_c_stops_cleanly_and_the_next_run_resumes(bare_path: Path) -> None:
    with Store.open(bare_path, "tester") as store:
        store.documents.add_many(generated(random.Random(5), 400))
    process = run_cli(bare_path, "--all")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        time.sleep(0.05)
        with sqlite3.connect(bare_path) as probe:
            if probe.execute("SELECT count(*) FROM preannotated").fetchone()[0]:
                break
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "run the same command to resume" in err and "Traceback" not in err
    finished = run_cli(bare_path, "--all")
    out, err = finished.communicate(timeout=300)
    assert finished.returncode == 0, err
    assert "already done)" in out and "(0 already done)" not in out
    _suggestions(bare_path)  # no duplicates


def test_worker_processes_find_what_one_process_finds(
    bare_path: Path, bare_target: Path | str, tmp_path: Path
) -> None:
    """Worker processes (each with its own connection, on either backend) find what one
    process finds on an SQLite file."""
    from helpers import preannotate

    from workbench.nlp.batch import MIN_PARALLEL_DOCUMENTS

    alone = tmp_path / "alone.db"
    shutil.copy(bare_path, alone)
    more = generated(random.Random(5), MIN_PARALLEL_DOCUMENTS + 9)
    for target in dict.fromkeys((alone, bare_target)):
        with Store.open(target, "tester") as store:
            store.documents.add_many(more)
    found = {}
    for path, jobs in ((alone, 1), (bare_target, 2)):
        with Store.open(path, "tester") as store:
            summary = preannotate(store, None, jobs=jobs, batch_size=4)
            found[jobs] = (
                summary.documents,
                summary.suggestions,
                summary.triggers,
                [
                    (m.doc_id, m.start, m.end, m.label, m.entity_id, m.source, m.score)
                    for doc in store.documents.summaries()
                    for m in store.mentions.of_document(doc.id, (SUGGESTED,))
                ],
            )
    assert found[1][0] == MIN_PARALLEL_DOCUMENTS + 11 and found[1][1] > 100
    assert found[2] == found[1]
