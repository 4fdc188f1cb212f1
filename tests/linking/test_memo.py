"""The remembering candidate index gives the linker the same answers as the store's index,
in the same order, whether it answers from the store or from memory."""

from __future__ import annotations

import json

import pytest
from helpers import ROOT
from test_crowded_candidates import made_up_words

from workbench.linking import Linker
from workbench.linking import memo as memo_module
from workbench.linking.memo import MemoIndex, RunMemory
from workbench.linking.normalise import key_tokens
from workbench.model import as_entities
from workbench.store import Store

EVAL = ROOT / "tests" / "data" / "linking_eval.jsonl"


def decisions(linker: Linker, queries: list[tuple[str, str | None]]) -> list[dict]:
    return [linker.link(text, label, limit=10).as_dict() for text, label in queries]


def evaluation_queries() -> list[tuple[str, str | None]]:
    rows = [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line]
    return [(row["query"], row["label"]) for row in rows]


def test_same_candidates_in_the_same_order_on_the_seed_kb(seeded: Store) -> None:
    queries = evaluation_queries()
    plain = decisions(Linker(seeded.kb.candidate_index()), queries)
    remembering = Linker(MemoIndex(seeded.kb.candidate_index()))
    assert decisions(remembering, queries) == plain  # answered by the store
    assert decisions(remembering, queries) == plain  # answered from memory
    # and with each query word's spellings worked out once (words recur across queries)
    words = Linker(seeded.kb.candidate_index(), memory=RunMemory())
    assert decisions(words, queries) == plain
    assert decisions(words, list(reversed(queries))) == list(reversed(plain))


@pytest.mark.parametrize("bound", [memo_module.MAX_REMEMBERED_ROWS, 50])
def test_same_candidates_in_a_crowded_kb(store: Store, monkeypatch, bound: int) -> None:
    # 2,000 aliases share "Mohammad": its postings are longer than the linker reads, so
    # remembered postings must be cut where the store's index cuts them. With a tiny
    # bound, memory is forgotten again and again in the middle of calls.
    monkeypatch.setattr(memo_module, "MAX_REMEMBERED_ROWS", bound)
    words = made_up_words(2000)
    rows = [(f"p{i}", f"Mohammad {word}", "PERSON", ()) for i, word in enumerate(words)]
    rows += [(f"q{i}", f"{word} Shah {word}i", "PERSON", ()) for i, word in enumerate(words[:300])]
    queries = [(f"Muhammad {word}", None) for word in words[::97]]
    queries += [(f"{word} Sha", "PERSON") for word in words[:300:29]]
    queries += [("Mohammad", None), ("Shah", None), ("Mohamad Shah", None)]
    store.kb.import_entities(as_entities(rows))
    plain = decisions(Linker(store.kb.candidate_index()), queries)
    remembering = Linker(MemoIndex(store.kb.candidate_index()))
    assert decisions(remembering, queries) == plain
    assert decisions(remembering, list(reversed(queries))) == list(reversed(plain))
    words = Linker(store.kb.candidate_index(), memory=RunMemory())
    assert decisions(words, list(reversed(queries))) == list(reversed(plain))
    assert any(result["link"] for result in plain)


def test_postings_are_cut_like_the_stores(store: Store) -> None:
    rows = [
        (f"p{i}", f"Mohammad {word}", "PERSON", ()) for i, word in enumerate(made_up_words(300))
    ]
    store.kb.import_entities(as_entities(rows))
    index = store.kb.candidate_index()
    remembering = MemoIndex(index)
    (first, rare) = key_tokens(f"Mohammad {made_up_words(300)[5]}")
    tokens = [rare, first, "absent"]
    assert len(index.postings(tokens, 1000)) > 300
    for limit in (3, 250, 1000, 10):
        assert remembering.postings(tokens, limit) == index.postings(tokens, limit)
        assert remembering.postings_capped(tokens, limit) == index.postings_capped(tokens, limit)


def test_postings_are_cut_in_token_then_alias_order_on_both_backends(store: Store) -> None:
    """Where a token's postings are cut, the same rows are kept on SQLite and on a server:
    the first by token, then alias id, however the rows were stored (here by two imports,
    each adding to both tokens)."""
    words = made_up_words(40)
    for batch in (words[:20], words[20:]):
        store.kb.import_entities(
            as_entities([(f"p{w}", f"Zulu {w} Alpha", "PERSON", ()) for w in batch])
        )
    index = store.kb.candidate_index()
    tokens = sorted(key_tokens("Zulu Alpha"))
    rows = index.postings(tokens, 1000)
    assert len(rows) == 80
    for limit in (1, 25, 50, 79):
        assert index.postings(tokens, limit) == sorted(rows, key=lambda r: (r[1], r[0]))[:limit]


def test_capped_postings_read_only_keys_that_exist_in_the_order_asked(tmp_path) -> None:
    words = made_up_words(30)
    rows = [(f"p{i}", f"Mohammad {word}", "PERSON", ()) for i, word in enumerate(words)]
    rows.append(("q", 'Zahedān "Quoted" Front', "ORG", ()))
    with Store.open(tmp_path / "kb.db", annotator="test") as store:
        store.kb.import_entities(as_entities(rows))
        conn = store.conn

        def probed(tokens: list[str], cap: int) -> list[tuple]:
            sql = "SELECT alias_id, token, ntok FROM alias_postings WHERE token = ? LIMIT ?"
            return [row for token in tokens for row in conn.execute(sql, (token, cap))]

        stored = [r[0] for r in conn.execute("SELECT DISTINCT token FROM alias_postings")]
        quoted = [t for t in stored if '"' in t or "ā" in t or "|" in t][:3]
        tokens = [stored[5], "absent|key", *quoted, 'no"such', stored[0], stored[-1]]
        index = store.kb.candidate_index()
        for cap in (1, 2, 40):
            assert index.postings_capped(tokens, cap) == probed(tokens, cap)
        assert index.postings_capped(["absent", "not|here"], 40) == []
        assert len(index.postings_capped([key_tokens("Mohammad")[0]], 7)) == 7


def test_reading_ahead_changes_no_decision(seeded: Store) -> None:
    queries = evaluation_queries()
    plain = Linker(seeded.kb.candidate_index(), memory=RunMemory())
    ahead = Linker(seeded.kb.candidate_index(), memory=RunMemory(), read_ahead=True)
    ahead.prefetch(queries[: len(queries) // 2])  # half read ahead, half not
    assert [ahead(text, label) for text, label in queries] == [
        plain(text, label) for text, label in queries
    ]
    assert any(decision is not None for decision in (plain(t, lb) for t, lb in queries))


def test_reading_ahead_in_a_crowded_kb_changes_no_decision(store: Store) -> None:
    words = made_up_words(2000)
    rows = [(f"p{i}", f"Mohammad {word}", "PERSON", ()) for i, word in enumerate(words)]
    rows += [(f"q{i}", f"{word} Shah {word}i", "PERSON", ()) for i, word in enumerate(words[:300])]
    store.kb.import_entities(as_entities(rows))
    queries = [(f"Muhammad {word}", None) for word in words[::97]]
    queries += [(f"{word} Sha", "PERSON") for word in words[:300:29]]
    queries += [("Mohammad", None), ("Shah", None), ("Mohamad Shah", None), ("MS", None)]
    plain = Linker(store.kb.candidate_index(), memory=RunMemory())
    ahead = Linker(store.kb.candidate_index(), memory=RunMemory(), read_ahead=True)
    ahead.prefetch(queries)
    assert [ahead(t, lb) for t, lb in queries] == [plain(t, lb) for t, lb in queries]


def test_names_read_ahead_are_then_linked_without_a_statement(tmp_path) -> None:
    words = made_up_words(200)
    rows = [(f"p{i}", f"Mohammad {word}", "PERSON", ()) for i, word in enumerate(words)]
    with Store.open(tmp_path / "kb.db", annotator="test") as store:
        store.kb.import_entities(as_entities(rows))
        names = [(f"Mohammad {word}", None) for word in words[::7]] + [("Mohamed Zzyzx", None)]
        linker = Linker(store.kb.candidate_index(), memory=RunMemory(), read_ahead=True)
        statements: list[str] = []
        store.conn.set_trace_callback(statements.append)
        linker.prefetch(names)
        read_ahead = len(statements)
        decided = [linker(text, label) for text, label in names]
        store.conn.set_trace_callback(None)
        assert read_ahead and statements[read_ahead:] == []  # answered from the run's memory
        assert sum(d is not None for d in decided) > len(names) // 2
        # and a linker that is not to read ahead does not
        quiet = Linker(store.kb.candidate_index(), memory=RunMemory())
        statements.clear()
        store.conn.set_trace_callback(statements.append)
        quiet.prefetch(names)
        store.conn.set_trace_callback(None)
        assert statements == []
