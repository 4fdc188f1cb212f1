"""The store API against real SQLite files: writes, log, undo/redo, schema versions."""

from __future__ import annotations

import json
import sqlite3
import time

import pytest
from helpers import sqlite_only

from workbench.errors import (
    DatabaseError,
    DocumentNotFound,
    InvalidLabel,
    InvalidSpan,
    NothingToUndo,
    WorkbenchError,
)
from workbench.model import NewDocument
from workbench.store import Store, schema
from workbench.store.connection import MMAP_BYTES
from workbench.store.documents import TEXTS_KEPT


def _doc(text: str, title: str = "T") -> NewDocument:
    import hashlib

    return NewDocument(title, text, hashlib.sha256(text.encode()).hexdigest(), origin="test")


def test_a_knowledge_base_import_adds_only_what_is_missing(store: Store) -> None:
    from workbench.model import NewEntity

    first = [NewEntity("Quetta", "GPE", id="quetta", aliases=("Kwatah",))]
    assert store.kb.import_entities(first) == (1, 2)
    again = [
        NewEntity("Quetta", "GPE", id="quetta", aliases=("Kwatah", "Quettah")),
        NewEntity(
            "Turbat", "GPE", id="turbat", aliases=("Turbat",), external_ids={"country": "PK"}
        ),
    ]
    # a new entity's aliases, and those an existing one did not have yet, nothing twice
    assert store.kb.import_entities(again) == (1, 2)
    assert sorted(a.text for a in store.kb.aliases("quetta")) == ["Kwatah", "Quetta", "Quettah"]
    assert [a.text for a in store.kb.aliases("turbat")] == ["Turbat"]
    assert store.kb.entity("turbat").external_ids == {"country": "PK"}
    assert store.kb.entity("quetta").external_ids == {}


@sqlite_only
def test_a_knowledge_base_import_has_a_large_page_cache_and_gives_it_back(store: Store) -> None:
    from workbench.model import NewEntity
    from workbench.store.database import LARGE_WRITE_CACHE_KIB

    def cache_size() -> int:
        return int(store.conn.execute("PRAGMA cache_size").fetchone()[0])

    usual = cache_size()
    during: list[int] = []
    store.kb.import_entities(
        [NewEntity("Quetta", "GPE", id="quetta")], progress=lambda *_: during.append(cache_size())
    )
    assert during == [-LARGE_WRITE_CACHE_KIB] and cache_size() == usual
    with pytest.raises(WorkbenchError):  # a failed import gives it back too
        store.kb.import_entities([NewEntity("Quetta", "ORG", id="quetta")])
    assert cache_size() == usual


@sqlite_only
def test_new_database_has_wal_foreign_keys_and_latest_schema(store: Store) -> None:
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert store.conn.execute("PRAGMA mmap_size").fetchone()[0] == MMAP_BYTES
    # statement journals of multi-row inserts stay in memory (2: MEMORY)
    assert store.conn.execute("PRAGMA temp_store").fetchone()[0] == 2
    assert store.schema_version == schema.LATEST_VERSION
    tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for name in (
        "documents",
        "documents_fts",
        "entities",
        "aliases",
        "mentions",
        "events",
        "event_roles",
        "event_clusters",
        "labels",
        "changes",
        "schema_version",
    ):
        assert name in tables
    assert store.kb.labels()[:3] == ["PERSON", "NORP", "FAC"]


def test_mention_write_is_logged_with_before_and_after(store: Store) -> None:
    [doc_id], _ = store.documents.add_many([_doc("Iran struck Panjgur.")])
    mention = store.mentions.add(doc_id, 0, 4, "gpe")
    assert (mention.text, mention.label, mention.annotator) == ("Iran", "GPE", "tester")
    store.mentions.update(mention.id, label="ORG")
    rows = store.conn.execute(
        "SELECT action, tbl, before, after, annotator FROM changes WHERE tbl = 'mentions' ORDER BY id"
    ).fetchall()
    assert [r[0] for r in rows] == ["add mention", "edit mention"]
    assert rows[0][2] is None and json.loads(rows[0][3])["label"] == "GPE"
    assert json.loads(rows[1][2])["label"] == "GPE" and json.loads(rows[1][3])["label"] == "ORG"
    assert rows[1][4] == "tester"


def test_a_bulk_insert_logs_shared_values_once_and_undo_redo_restore_them(store: Store) -> None:
    from workbench.store.changelog import Transaction

    [doc_id], _ = store.documents.add_many([_doc("Iran struck Panjgur.")])
    columns = ("doc_id", "start", "end", "text", "label", "source")
    with Transaction(store.conn, "tester", "bulk") as tx:
        shared = {"status": "suggested", "annotator": "tester", "created_at": tx.at}
        tx.insert_many(
            "mentions",
            columns,
            [(doc_id, 0, 4, "Iran", "GPE", "ruler"), (doc_id, 12, 19, "Panjgur", "GPE", "rule")],
            {**shared, "updated_at": tx.at},
        )
    # an entry written before shared values were logged once has none: it replays too
    with Transaction(store.conn, "tester", "bulk") as tx:
        tx.insert_many(
            "mentions",
            (*columns, "created_at", "updated_at"),
            [(doc_id, 5, 11, "struck", "ORG", "x", tx.at, tx.at)],
        )
    logged = [
        json.loads(r[0])["bulk_rows"]
        for r in store.conn.execute("SELECT after FROM changes WHERE action = 'bulk' ORDER BY id")
    ]
    assert logged[0]["same"]["status"] == "suggested" and "same" not in logged[1]
    assert all(len(row) == len(logged[0]["columns"]) == 7 for row in logged[0]["rows"])

    def statuses() -> list[tuple]:
        shown = store.mentions.of_document(doc_id, ("suggested", "accepted"))
        return [(m.text, m.status, m.annotator) for m in shown]

    assert statuses() == [
        ("Iran", "suggested", "tester"),
        ("struck", "accepted", None),
        ("Panjgur", "suggested", "tester"),
    ]
    store.undo()
    store.undo()
    assert statuses() == []
    store.redo()
    store.redo()
    assert statuses() == [
        ("Iran", "suggested", "tester"),
        ("struck", "accepted", None),
        ("Panjgur", "suggested", "tester"),
    ]


@pytest.mark.parametrize("count", [1, 109, 110, 111, 221, 250])
def test_a_bulk_insert_stores_every_row_with_its_id(store: Store, count: int) -> None:
    # rows go several to a statement: the 4 shared values once, then 110 rows of 9 values
    # fit in 999 parameters
    from workbench.store.changelog import Transaction

    [doc_id], _ = store.documents.add_many([_doc("word " * 300)])
    store.mentions.add(doc_id, 0, 4, "ORG")
    rows = [
        (doc_id, 5 * i, 5 * i + 4, "word", "ORG", None, "ruler", i / 10)
        for i in range(1, count + 1)
    ]
    columns = ("doc_id", "start", "end", "text", "label", "entity_id", "source", "score")
    with Transaction(store.conn, "tester", "bulk") as tx:
        same = {"status": "suggested", "annotator": "x", "created_at": tx.at, "updated_at": tx.at}
        ids = tx.insert_many("mentions", columns, rows, same)
    stored = store.mentions.of_document(doc_id, ("suggested",))
    assert [m.id for m in stored] == ids == list(range(ids[0], ids[0] + count))
    assert [(m.start, m.score) for m in stored] == [(r[1], r[7]) for r in rows]
    shared = store.conn.execute(
        "SELECT DISTINCT status, annotator, created_at, updated_at FROM mentions WHERE id >= ?",
        (ids[0],),
    ).fetchall()
    assert shared == [tuple(same.values())]


def test_bad_spans_and_labels_are_refused(store: Store) -> None:
    [doc_id], _ = store.documents.add_many([_doc("short")])
    with pytest.raises(InvalidSpan):
        store.mentions.add(doc_id, 3, 99, "GPE")
    with pytest.raises(InvalidSpan):
        store.mentions.add(doc_id, 3, 3, "GPE")
    with pytest.raises(InvalidSpan):
        store.mentions.add(doc_id, -1, 2, "GPE")
    with pytest.raises(InvalidLabel):
        store.mentions.add(doc_id, 0, 2, "NOT_A_LABEL")
    with pytest.raises(DocumentNotFound):
        store.documents.get(999)
    assert store.mentions.of_document(doc_id) == []


def test_spans_are_checked_against_the_right_text_among_many_documents(store: Store) -> None:
    # the store keeps the last few texts it read; more documents than it keeps, in turn
    texts = [f"document {n} names Quetta and Panjgur" + "." * n for n in range(TEXTS_KEPT + 3)]
    ids, _ = store.documents.add_many([_doc(t) for t in texts])
    for _ in range(2):
        for doc_id, text in zip(ids, texts, strict=True):
            end = len(text)
            assert store.mentions.add(doc_id, end - 1, end, "CARDINAL").text == text[-1]
            with pytest.raises(InvalidSpan, match=f"outside document {doc_id}"):
                store.mentions.add(doc_id, end - 1, end + 1, "CARDINAL")
    with pytest.raises(InvalidSpan, match="no document with id 999"):
        store.mentions.add(999, 0, 1, "GPE")


def test_undo_redo_survive_a_restart(db_path) -> None:
    with Store.open(db_path, annotator="ana") as first:
        [doc_id], _ = first.documents.add_many([_doc("Jaish al-Adl attacked Rask.")])
        m = first.mentions.add(doc_id, 0, 12, "ORG")
        first.mentions.update(m.id, label="NORP")
    with Store.open(db_path, annotator="ana") as second:
        assert second.undo() == "edit mention"
        assert second.mentions.get(m.id).label == "ORG"
        assert second.undo() == "add mention"
        assert second.mentions.of_document(doc_id) == []
    with Store.open(db_path, annotator="ana") as third:
        assert third.redo() == "add mention"
        assert third.mentions.get(m.id).label == "ORG"
        assert third.redo() == "edit mention"
        assert third.mentions.get(m.id).label == "NORP"
        with pytest.raises(NothingToUndo):
            third.redo()


def test_a_new_change_clears_redo(store: Store) -> None:
    [doc_id], _ = store.documents.add_many([_doc("Iran and Pakistan")])
    m = store.mentions.add(doc_id, 0, 4, "GPE")
    store.undo()
    store.mentions.add(doc_id, 9, 17, "GPE")
    with pytest.raises(NothingToUndo):
        store.redo()
    assert [x.text for x in store.mentions.of_document(doc_id)] == ["Pakistan"]
    assert all(x.id != m.id for x in store.mentions.of_document(doc_id))


def test_a_new_change_clears_redo_undone_from_another_connection(db_target) -> None:
    # the same analyst with the TUI open and a command in a terminal: whether there is
    # anything undone to drop is read when the change begins, under the write lock
    with (
        Store.open(db_target, annotator="ana") as tui,
        Store.open(db_target, annotator="ana") as cli,
    ):
        [doc_id], _ = tui.documents.add_many([_doc("Iran and Pakistan")])
        tui.mentions.add(doc_id, 0, 4, "GPE")
        assert cli.undo() == "add mention"
        tui.mentions.add(doc_id, 9, 17, "GPE")
        with pytest.raises(NothingToUndo):
            cli.redo()
        assert [x.text for x in tui.mentions.of_document(doc_id)] == ["Pakistan"]


def test_a_change_whose_first_statement_fails_leaves_nothing_and_the_next_one_works(
    store: Store,
) -> None:
    # (on PostgreSQL the first statement goes to the server with BEGIN and the lock)
    changes = store.stats()["changes"]
    with pytest.raises(store.db.conn.IntegrityError), store.db.transaction("bad") as tx:
        tx.insert("mentions", {"doc_id": 404, "start": 0, "end": 4, "text": "x", "label": "GPE"})
    assert store.stats()["changes"] == changes
    [doc_id], _ = store.documents.add_many([_doc("Iran and Pakistan")])
    assert store.mentions.add(doc_id, 0, 4, "GPE").text == "Iran"
    assert store.history()[0]["action"] == "add mention"


def test_other_connections_hear_of_a_change_when_it_commits_and_never_of_a_failed_one(
    db_target,
) -> None:
    # (PostgreSQL: the announcement is queued when the write lock is taken, sent at commit)
    with (
        Store.open(db_target, annotator="ana") as ana,
        Store.open(db_target, annotator="ben") as ben,
    ):
        [doc_id], _ = ana.documents.add_many([_doc("Iran and Pakistan")])
        assert ben.changed_elsewhere() is ana.changed_elsewhere() is False  # (starts looking)
        with pytest.raises(ana.db.conn.IntegrityError), ana.db.transaction("bad") as tx:
            tx.insert(
                "mentions", {"doc_id": 404, "start": 0, "end": 4, "text": "x", "label": "GPE"}
            )
        with pytest.raises(RuntimeError), ana.db.transaction("fails later") as tx:
            at = "2024-01-18T00:00:00.000+00:00"
            mention = {"doc_id": doc_id, "start": 0, "end": 4, "text": "Iran", "label": "GPE"}
            tx.insert("mentions", {**mention, "created_at": at, "updated_at": at})
            raise RuntimeError("given up before the commit")
        time.sleep(0.2)  # (a notification from the server would be here by now)
        assert ben.changed_elsewhere() is False
        ana.mentions.add(doc_id, 0, 4, "GPE")
        assert ana.changed_elsewhere() is False  # its own change is not someone else's
        deadline = time.monotonic() + 2
        while not ben.changed_elsewhere():
            assert time.monotonic() < deadline, "ben never heard of the change"
            time.sleep(0.05)
        assert ben.changed_elsewhere() is False  # told once
        assert ana.changed_elsewhere() is False


def test_undo_is_per_annotator_and_refuses_to_clobber(db_path) -> None:
    with Store.open(db_path, annotator="ana") as ana, Store.open(db_path, annotator="ben") as ben:
        [doc_id], _ = ana.documents.add_many([_doc("Iran and Pakistan")])
        m = ana.mentions.add(doc_id, 0, 4, "GPE")
        ben.mentions.update(m.id, label="ORG")
        with pytest.raises(WorkbenchError, match="changed since"):
            ana.undo()  # ana's add would delete ben's edited row
        assert ben.undo() == "edit mention"
        assert ana.undo() == "add mention"
        assert ana.mentions.of_document(doc_id) == []


def test_document_imports_are_audited_but_not_undone(store: Store) -> None:
    store.documents.add_many([_doc("text")])
    with pytest.raises(NothingToUndo):
        store.undo()
    assert store.history()[0]["action"] == "import"


def test_failed_transaction_leaves_nothing(store: Store) -> None:
    docs = [
        _doc("good one"),
        NewDocument("bad", "x", None, origin="t"),
    ]  # NULL sha256 violates NOT NULL
    with pytest.raises(DatabaseError, match="(?i)not.null"):
        store.documents.add_many(docs)
    assert store.documents.summaries() == []
    assert store.stats()["changes"] == 0


def test_delete_mention_removes_its_event_roles_and_undo_restores_both(store: Store) -> None:
    [doc_id], _ = store.documents.add_many([_doc("Iran struck Panjgur.")])
    m = store.mentions.add(doc_id, 0, 4, "GPE")
    now = "2024-01-16T00:00:00"
    event_id = store.conn.execute(
        "INSERT INTO events (doc_id, type, created_at, updated_at) VALUES (?, 'Strike', ?, ?) "
        "RETURNING id",
        (doc_id, now, now),
    ).fetchone()[0]
    store.conn.execute(
        "INSERT INTO event_roles (event_id, role, mention_id) VALUES (?, 'Attacker', ?)",
        (event_id, m.id),
    )
    store.mentions.delete(m.id)
    assert store.conn.execute("SELECT count(*) FROM event_roles").fetchone()[0] == 0
    store.undo()
    assert store.mentions.get(m.id).text == "Iran"
    assert store.conn.execute("SELECT count(*) FROM event_roles").fetchone()[0] == 1


def _make_v1_database(path) -> None:
    conn = sqlite3.connect(str(path), isolation_level=None)
    schema.migrate(conn, path, upto=1)
    now = "2024-01-01T00:00:00"
    conn.execute(
        "INSERT INTO documents (title, text, sha256, imported_at) VALUES ('t', 'BLA fighters', 'h', ?)",
        (now,),
    )
    conn.execute(
        "INSERT INTO entities (id, name, label) VALUES ('bla', 'Baluch Liberation Army', 'ORG')"
    )
    conn.execute(
        "INSERT INTO aliases (entity_id, text, norm, provenance) VALUES ('bla', 'Baluch Liberation Army', 'x', 'seed')"
    )
    conn.close()


def test_older_database_is_migrated_with_a_backup(db_path) -> None:
    _make_v1_database(db_path)
    with Store.open(db_path) as migrated:
        assert migrated.schema_version == schema.LATEST_VERSION
        assert migrated.documents.summaries()[0].title == "t"
        # the migration built the linker's index from the existing alias
        postings = migrated.conn.execute("SELECT count(*) FROM alias_postings").fetchone()[0]
        assert postings > 0
    backup = db_path.with_name(db_path.name + ".v1-backup")
    assert backup.exists()
    conn = sqlite3.connect(str(backup))
    assert conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] == 1
    conn.close()


def test_check_constraints_are_spelled_out_and_still_hold(db_path) -> None:
    # Version 4 rebuilds the tables whose CHECKs say "status IN (...)" (a sixth of the time
    # spent storing suggestions); the rules must stay exactly what they were, the rows too.
    _make_v1_database(db_path)
    conn = sqlite3.connect(str(db_path), isolation_level=None)
    conn.execute(
        'INSERT INTO mentions (doc_id, start, "end", text, label, status, created_at, '
        "updated_at) VALUES (1, 0, 3, 'BLA', 'ORG', 'suggested', 'now', 'now')"
    )
    conn.close()
    with Store.open(db_path) as migrated:
        definitions = [
            sql
            for (sql,) in migrated.conn.execute(
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"
            )
        ]
        assert not [sql for sql in definitions if " IN (" in sql]
        assert sum("status = 'suggested'" in sql for sql in definitions) == 2
        assert migrated.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [m.status for m in migrated.mentions.of_document(1)] == ["suggested"]
        for status in ("maybe", "Accepted"):
            with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
                migrated.conn.execute(
                    'INSERT INTO mentions (doc_id, start, "end", text, label, status, '
                    "created_at, updated_at) VALUES (1, 0, 3, 'BLA', 'ORG', ?, 'now', 'now')",
                    (status,),
                )
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            migrated.conn.execute(
                "INSERT INTO events (doc_id, type, certainty, created_at, updated_at) "
                "VALUES (1, 'attack', 'rumoured', 'now', 'now')"
            )


@sqlite_only
def test_a_documents_mentions_are_read_in_order_from_one_index(store) -> None:
    indexes = [row[1] for row in store.conn.execute("PRAGMA index_list(mentions)")]
    assert "mentions_doc" not in indexes and "mentions_span" in indexes
    plan = " ".join(
        row[3]
        for row in store.conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM mentions WHERE doc_id = ? AND layer IS ? "
            'AND status IN (?, ?) ORDER BY start, "end", id',
            (1, "alice", "accepted", "suggested"),
        )
    )
    assert "mentions_span" in plan and "TEMP B-TREE" not in plan


def test_spelling_out_a_check_keeps_everything_else() -> None:
    sql = "CREATE TABLE t (a TEXT CHECK (a IN ('x', 'y')), b INTEGER, CHECK (b >= 0))"
    assert (
        schema.spelled_out_checks(sql)
        == "CREATE TABLE t (a TEXT CHECK (a = 'x' OR a = 'y'), b INTEGER, CHECK (b >= 0))"
    )


def test_newer_database_is_refused(db_path) -> None:
    with Store.open(db_path):
        pass
    conn = sqlite3.connect(str(db_path), isolation_level=None)
    conn.execute("INSERT INTO schema_version VALUES (999, 'future')")
    conn.close()
    with pytest.raises(DatabaseError, match="newer than this Workbench"):
        Store.open(db_path)


def test_corrupt_and_foreign_files_are_refused(tmp_path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 200)
    with pytest.raises(DatabaseError, match="junk.db"):
        Store.open(junk)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(str(other))
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(DatabaseError, match="not a Workbench database"):
        Store.open(other)
    with pytest.raises(DatabaseError, match="directory"):
        Store.open(tmp_path)


def test_full_text_search_ranks_and_survives_fts_syntax(seeded: Store) -> None:
    hits = seeded.documents.search("Shahbakhsh")
    assert hits and hits[0].doc_id == 1
    assert "Shahbakhsh" in hits[0].snippet
    text = seeded.documents.text(hits[0].doc_id)
    assert text[hits[0].offset : hits[0].offset + 10] == "Shahbakhsh"
    for query in ['"unbalanced', "AND OR", "Iran*)", "NEAR(", "col:x", "-", "'"]:
        seeded.documents.search(query)  # never raises
    assert seeded.documents.search("   ") == []


def test_settings_round_trip(store: Store) -> None:
    store.settings.set("panes", "[1, 2]")
    store.settings.set("panes", "[2, 1]")
    assert store.settings.get("panes") == "[2, 1]"
    assert store.settings.get("missing", "d") == "d"


def test_store_calls_inside_one_transaction_are_one_commit_and_one_undo_step(store) -> None:
    (doc_id,), _ = store.documents.add_many(
        [NewDocument(title="t", text="Iran and Pakistan.", sha256="x" * 64, origin="t")]
    )
    with store.transaction("two mentions"):
        store.mentions.add(doc_id, 0, 4, "GPE")
        with pytest.raises(InvalidLabel):
            store.mentions.add(doc_id, 9, 17, "NOPE")  # undone alone, inside its savepoint
        store.mentions.add(doc_id, 9, 17, "GPE")
    assert [m.text for m in store.mentions.of_document(doc_id)] == ["Iran", "Pakistan"]
    assert store.undo() == "two mentions"
    assert store.mentions.of_document(doc_id) == []
    with pytest.raises(RuntimeError), store.transaction("fails"):
        store.mentions.add(doc_id, 0, 4, "GPE")
        raise RuntimeError("the outer code fails after the inner call committed its part")
    assert store.mentions.of_document(doc_id) == []


# -- nobody's undo removes someone else's work (#18.2, #18.3) -------------------------------


def test_an_undo_never_removes_another_annotators_later_work(seeded_path) -> None:
    from workbench.errors import UndoRefused

    with Store.open(seeded_path, annotator="A") as a, Store.open(seeded_path, annotator="B") as b:
        mention = a.mentions.add(1, 0, 4, "GPE")
        event = b.events.add(1, "Battles", "Armed clash")
        b.events.add_role(event.id, "Attacker", mention.id)
        changes_before = a.stats()["changes"]
        with pytest.raises(UndoRefused) as refused:
            a.undo()
        message = str(refused.value)
        assert "cannot undo 'add mention'" in message
        assert "B's later change 'add role'" in message and "undo --skip" in message
        # nothing changed, nothing logged: B still sees the role, A still the mention
        assert a.stats()["changes"] == changes_before
        assert [r.mention_id for r in b.events.get(event.id).roles] == [mention.id]
        assert a.mentions.get(mention.id).text == "Iran"
        # B's own undo works and puts A back in charge of A's change
        assert b.undo() == "add role"
        assert a.undo() == "add mention"
        assert a.redo() == "add mention"
        assert b.redo() == "add role"
        assert [r.mention_id for r in a.events.get(event.id).roles] == [mention.id]


def test_a_refused_undo_is_one_line_and_the_stack_goes_on_after_a_skip(seeded_path) -> None:
    from workbench.errors import UndoRefused

    with Store.open(seeded_path, annotator="A") as a, Store.open(seeded_path, annotator="B") as b:
        a.kb.add_alias("iran", "Islamic Republic")
        a.kb.add_entity("Xeno", "ORG", entity_id="xeno")
        b.kb.add_entity("Yeno", "ORG", entity_id="yeno")
        b.kb.merge("xeno", "yeno")
        for _ in range(2):  # refused every time, and never a database error
            with pytest.raises(UndoRefused, match="B's later change 'merge entities'"):
                a.undo()
        assert a.skip_undo() == "add entity"
        assert a.undo() == "add alias"  # the older change is still A's to undo
        assert "Islamic Republic" not in [x.text for x in a.kb.aliases("iran")]
        assert b.undo() == "merge entities" and b.undo() == "add entity"
        assert a.kb.entity("xeno").name == "Xeno"  # skipped: it stays
        with pytest.raises(NothingToUndo):
            a.undo()


def test_search_opens_at_the_matched_token_and_finds_every_hit(store: Store) -> None:
    text = "Iranian forces crossed. Iran said the Balūchestān strike hit IRAN's border. " * 3
    store.documents.add_many([_doc(text, "Report")])
    hits = store.documents.search("Iran", limit=100)
    assert [h.offset for h in hits] == [
        i for i in range(len(text)) if text.startswith("Iran ", i) or text.startswith("IRAN'", i)
    ]
    assert all(text[h.offset : h.offset + h.length].lower() == "iran" for h in hits)
    assert hits[0].match == "Iran" and hits[0].before.endswith("crossed. ")
    # pages: the same hits, in the same order, a few at a time
    paged = (
        store.documents.search("Iran", limit=2)
        + store.documents.search("Iran", limit=2, skip=2)
        + store.documents.search("Iran", limit=2, skip=4)
    )
    assert [h.offset for h in paged] == [h.offset for h in hits]
    (first, *_) = store.documents.search("baluchestan")
    assert text[first.offset : first.offset + first.length] == "Balūchestān"
    phrase = store.documents.search('"the Baluchestan strike"')
    assert text[phrase[0].offset :].startswith("the Balūchestān strike")
    prefixed = store.documents.search("Balu* NOT forces")
    assert prefixed == [] or all(h.match.startswith("Bal") for h in prefixed)


def test_search_in_a_document_of_one_word_repeated_reads_only_what_it_shows(store: Store) -> None:
    text = "alpha " * 40_000
    store.documents.add_many([_doc(text, "Repetitive")])
    assert [h.offset for h in store.documents.search("alpha", limit=3)] == [0, 6, 12]
    every = store.documents.search("alpha", limit=100_000)
    assert len(every) == 40_000 and every[-1].offset == len(text) - 6


def _schema(conn) -> list[tuple]:
    return sorted(
        conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL")
    )


def test_the_stored_schema_is_the_codes_text_for_new_and_migrated_databases(tmp_path) -> None:
    new, old = tmp_path / "new.db", tmp_path / "old.db"
    _make_v1_database(old)
    with sqlite3.connect(old) as conn:
        conn.execute(
            "INSERT INTO changes (group_id, at, annotator, action, tbl, row_id) "
            "VALUES (1, 'now', 'a', 'x', 'mentions', '1')"
        )
        conn.execute("DELETE FROM changes")  # the sequence must survive the rebuild
    with Store.open(new) as fresh, Store.open(old) as migrated:
        assert _schema(fresh.conn) == _schema(migrated.conn)
        stored = dict(
            migrated.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
        )
        for name, definition in schema.FINAL_TABLES.items():
            assert stored[name] == definition
        assert migrated.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert migrated.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        writable = migrated.conn.execute("PRAGMA writable_schema").fetchone()[0]
        assert writable == 0


def test_a_change_of_more_rows_than_are_held_is_still_one_change_and_one_undo(store) -> None:
    from workbench.store.changelog import LOG_ROWS_HELD

    text = "word " * (LOG_ROWS_HELD * 2)
    (doc_id,), _ = store.documents.add_many([_doc(text, "Long")])
    with store.transaction("many mentions"):
        for i in range(LOG_ROWS_HELD + 200):
            store.mentions.add(doc_id, i * 5, i * 5 + 4, "GPE")
        # a part that fails after rows of it were written
        with pytest.raises(InvalidLabel), store.transaction("inner"):
            for i in range(LOG_ROWS_HELD + 200, LOG_ROWS_HELD * 2):
                store.mentions.add(doc_id, i * 5, i * 5 + 4, "GPE")
            store.mentions.add(doc_id, 0, 4, "NOPE")
        store.mentions.add(doc_id, (LOG_ROWS_HELD * 2 - 1) * 5, LOG_ROWS_HELD * 10 - 1, "GPE")
    assert len(store.mentions.of_document(doc_id)) == LOG_ROWS_HELD + 201
    logged = store.conn.execute(
        "SELECT count(*), count(DISTINCT group_id) FROM changes WHERE tbl = 'mentions'"
    ).fetchone()
    assert tuple(logged) == (LOG_ROWS_HELD + 201, 1)  # the failed part's rows are not logged
    assert store.undo() == "many mentions"
    assert store.mentions.of_document(doc_id) == []
