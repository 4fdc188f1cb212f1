"""Suggestions in the store: kept across restarts, never over an analyst's annotation,
rejections remembered, re-runs idempotent, the pipeline grown incrementally."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import preannotate

from workbench.errors import WorkbenchError
from workbench.model import ACCEPTED, REJECTED, SUGGESTED, as_entities
from workbench.nlp import batch
from workbench.nlp.batch import pipeline_for
from workbench.store import Store


def spans(store, doc_id: int, statuses=(SUGGESTED,)) -> list[tuple[int, int, str, str | None]]:
    return [
        (m.start, m.end, m.label, m.entity_id) for m in store.mentions.of_document(doc_id, statuses)
    ]


def test_suggestions_are_stored_with_source_and_score_and_survive_restart(bare_path: Path) -> None:
    with Store.open(bare_path, "tester") as store:
        summary = preannotate(store, None)
        assert summary.documents == 2 and summary.suggestions > 100 and summary.triggers > 10
        before = spans(store, 1)
        sources = {m.source for m in store.mentions.of_document(1, (SUGGESTED,))}
        assert sources == {"ruler", "rule"}
        assert all(m.score is not None for m in store.mentions.of_document(1, (SUGGESTED,)))
        text = store.documents.text(1)
        assert all(
            text[m.start : m.end] == m.text for m in store.mentions.of_document(1, (SUGGESTED,))
        )
    with Store.open(bare_path, "tester") as again:
        assert spans(again, 1) == before
        assert again.suggestions.triggers(1)


def test_rerun_is_idempotent_and_skips_done_documents(bare) -> None:
    first = preannotate(bare, None)
    again = preannotate(bare, None)
    assert again.documents == 0 and again.skipped == 2
    forced = preannotate(bare, None, redo=True)
    assert forced.documents == 2 and forced.suggestions == 0 and forced.triggers == 0
    assert bare.stats()["suggestions"] == first.suggestions


def test_rejected_suggestions_are_remembered(bare) -> None:
    preannotate(bare, [1])
    target = next(
        m for m in bare.mentions.of_document(1, (SUGGESTED,)) if m.entity_id == "jaish-al-adl"
    )
    bare.mentions.reject(target.id)
    preannotate(bare, [1], redo=True)
    same = [
        m
        for m in bare.mentions.of_document(1, (SUGGESTED, REJECTED))
        if (m.start, m.end, m.label) == (target.start, target.end, target.label)
    ]
    assert [m.status for m in same] == [REJECTED]


def test_analyst_annotations_are_never_overwritten(bare) -> None:
    text = bare.documents.text(1)
    start = text.index("Jaish al-Adl")
    manual = bare.mentions.add(1, start, start + len("Jaish"), "PERSON")  # deliberately odd
    preannotate(bare, [1])
    assert bare.mentions.get(manual.id) == manual
    overlapping = [
        m
        for m in bare.mentions.of_document(1, (SUGGESTED,))
        if m.start < manual.end and manual.start < m.end
    ]
    assert overlapping == []
    # elsewhere the entity is still suggested
    assert any(m.entity_id == "jaish-al-adl" for m in bare.mentions.of_document(1, (SUGGESTED,)))


def test_a_grown_knowledge_base_teaches_the_next_run(bare) -> None:
    """A new alias (as accepting a linked suggestion adds one) means new patterns, added
    to the cached pipeline, and a next run that re-reads every document."""
    preannotate(bare, None)
    annotator, _ = pipeline_for(bare)
    patterns_before = annotator.patterns
    residents = bare.kb.add_entity("Residents of the border areas", "NORP")
    bare.kb.add_alias(residents.id, "Residents", provenance="annotation")
    again = preannotate(bare, None)
    assert again.documents == 2  # the knowledge base changed
    grown, _ = pipeline_for(bare)
    assert grown is annotator and grown.patterns > patterns_before  # grown, not rebuilt
    text = bare.documents.text(2)
    found = [m for m in bare.mentions.of_document(2, (SUGGESTED,)) if m.entity_id == residents.id]
    assert [text[m.start : m.end] for m in found] == ["Residents"]


def test_merged_entities_are_followed(bare) -> None:
    bare.kb.merge("bla", "blf")  # a wrong merge, but the pipeline must follow it
    preannotate(bare, [2])
    linked = {m.entity_id for m in bare.mentions.of_document(2, (SUGGESTED,))}
    assert "blf" not in linked and "bla" in linked


def test_trigger_suggestions_accept_and_reject(bare) -> None:
    preannotate(bare, [1])
    triggers = bare.suggestions.triggers(1)
    fired = next(t for t in triggers if t.text == "fired")
    event = bare.suggestions.accept_trigger(fired.id)
    assert (event.trigger_start, event.trigger_end, event.type) == (
        fired.start,
        fired.end,
        fired.type,
    )
    killed = next(t for t in triggers if t.text == "killed")
    bare.suggestions.reject_trigger(killed.id)
    preannotate(bare, [1], redo=True)
    assert killed.id not in {t.id for t in bare.suggestions.triggers(1)}
    assert (
        len(
            [
                t
                for t in bare.suggestions.triggers(1, (SUGGESTED, REJECTED, ACCEPTED))
                if t.start == killed.start
            ]
        )
        == 1
    )
    bare.undo()  # the rejection
    bare.undo()  # the accepted trigger and its event, in one step
    assert bare.events.of_document(1) == []


def test_pipeline_is_cached_per_database(bare) -> None:
    batch.PIPELINES.clear()
    first, built = pipeline_for(bare)
    second, again = pipeline_for(bare)
    assert first is second and built > 0 and again == 0.0


def test_a_preannotation_batch_is_one_undo_step(bare) -> None:
    preannotate(bare, [1])
    count = bare.stats()["suggestions"]
    assert count > 0
    bare.undo()
    assert bare.stats()["suggestions"] == 0 and bare.suggestions.triggers(1) == []
    bare.redo()
    assert bare.stats()["suggestions"] == count
    # ids are never reused after an undo
    again = max(m.id for m in bare.mentions.of_document(1, (SUGGESTED,)))
    bare.undo()
    preannotate(bare, [1])
    assert min(m.id for m in bare.mentions.of_document(1, (SUGGESTED,))) > again


def test_a_batch_is_logged_compactly_and_its_undo_refuses_over_others_work(bare_path) -> None:
    import pytest

    from workbench.errors import WorkbenchError

    with Store.open(bare_path, "tester") as store:
        preannotate(store, [1])
        suggested = store.mentions.of_document(1, (SUGGESTED,))
        # one log entry per table of the batch, not one per suggestion
        entries = store.conn.execute(
            "SELECT count(*) FROM changes WHERE action = 'pre-annotate'"
        ).fetchone()[0]
        assert len(suggested) > 50 and entries <= 3
        with Store.open(bare_path, "colleague") as colleague:
            colleague.mentions.update(suggested[0].id, status=ACCEPTED)
        with pytest.raises(WorkbenchError, match="changed since"):
            store.undo()
        # nothing was undone: the colleague's acceptance and the other suggestions stand
        assert len(store.mentions.of_document(1, (SUGGESTED,))) == len(suggested) - 1
        assert store.mentions.of_document(1, (ACCEPTED,))[0].id == suggested[0].id


def test_a_batch_that_cannot_be_stored_stops_the_run_with_its_error(bare) -> None:
    """Batches are committed in a thread of their own: its failure still reaches the
    caller, and the batch it was storing leaves nothing behind. Here the knowledge base's
    import is undone from another window while its entities are being suggested."""
    other = bare.reopen()

    def undo_the_knowledge_base(done: int, total: int) -> None:
        if done == 1:  # both texts are read; the batch of both is not yet handed over
            other.undo()

    try:
        with pytest.raises(WorkbenchError, match=r"(?i)foreign key"):
            preannotate(bare, None, batch_size=2, progress=undo_the_knowledge_base)
    finally:
        other.close()
    assert bare.stats()["suggestions"] == 0
    assert not bare.suggestions.preannotated_ids(batch.signature(bare, None))


@pytest.mark.parametrize("bound", [None, 50])
def test_reading_names_ahead_changes_no_suggestion(bare, monkeypatch, bound) -> None:
    """A batch run on a server reads each few texts' names from the knowledge base
    together, in a thread, while the texts before them are linked name by name; what it
    suggests is the same. With a tiny bound on the run's memory, the two threads forget
    it again and again under each other's feet."""
    from workbench.linking import Linker
    from workbench.linking import memo as memo_module
    from workbench.linking.memo import RunMemory
    from workbench.nlp import pipeline
    from workbench.workspace import Workspace

    monkeypatch.setattr(pipeline, "READ_AHEAD_TEXTS", 2)  # many chunks, each read ahead
    if bound is not None:
        monkeypatch.setattr(memo_module, "MAX_REMEMBERED_ROWS", bound)
    annotator, _ = pipeline_for(bare)
    texts = [bare.documents.text(doc_id) for doc_id in bare.documents.ids()] * 3
    found = {
        read_ahead: list(
            annotator.suggest(
                texts,
                Linker(bare.kb.candidate_index(), memory=RunMemory(), read_ahead=read_ahead),
            )
        )
        for read_ahead in (True, False)
    }
    assert found[True] == found[False]
    assert any(s.entity_id for f in found[True] for s in f.mentions)
    assert Workspace.batch_linker(bare).read_ahead == bare.on_server


def test_a_failure_to_read_ahead_stops_the_run_with_its_error(bare, monkeypatch) -> None:
    """What fails in the thread reading names ahead is raised where the suggestions are
    asked for, and nothing after it is suggested."""
    from workbench.linking import Linker
    from workbench.linking.memo import RunMemory
    from workbench.nlp import pipeline

    class LosesItsServer(Linker):
        def prefetch(self, names):  # type: ignore[no-untyped-def]
            self.asked = getattr(self, "asked", 0) + 1
            if self.asked == 2:
                raise WorkbenchError("the database server went away")
            super().prefetch(names)

    monkeypatch.setattr(pipeline, "READ_AHEAD_TEXTS", 1)
    annotator, _ = pipeline_for(bare)
    texts = [bare.documents.text(doc_id) for doc_id in bare.documents.ids()]
    linker = LosesItsServer(bare.kb.candidate_index(), memory=RunMemory(), read_ahead=True)
    suggested = annotator.suggest(texts, linker)
    assert next(suggested).mentions  # the first text's names were read
    with pytest.raises(WorkbenchError, match="went away"):
        next(suggested)


def test_a_document_twice_in_one_batch_is_stored_once(bare) -> None:
    annotator, _ = pipeline_for(bare)
    [found] = annotator.suggest([bare.documents.text(1)])
    sig = batch.signature(bare, None)
    added, triggers = bare.suggestions.store(
        [(1, found.mentions, found.triggers), (1, found.mentions, found.triggers)], sig
    )
    assert added == len(found.mentions) > 0 and triggers == len(found.triggers) > 0
    assert len(bare.mentions.of_document(1, (SUGGESTED,))) == added
    assert bare.suggestions.preannotated_ids(sig) == {1}


def test_the_tokenizer_cache_keeps_room_for_the_text_after_the_patterns(bare) -> None:
    # spaCy caches only as many chunks as its cache holds, first come first kept: each
    # pattern's chunks make it larger, so that the text always has room in it
    from workbench.nlp.pipeline import TEXT_CACHE_CHUNKS

    annotator, _ = pipeline_for(bare)
    tokenizer = annotator.nlp.tokenizer
    assert tokenizer.max_cache_size > TEXT_CACHE_CHUNKS
    rules, room = dict(tokenizer.rules), tokenizer.max_cache_size

    def name(i: int) -> str:  # "Zarkan Babubiba", "Zarkan Babubida", ...: one per entity
        return "Zarkan Ba" + "".join(
            "bdfgklmnprstvz"[i // 14**k % 14] + "aiu"[k] for k in (2, 1, 0)
        )

    rows = [(10**9 + i, f"e{i}", "ORG", name(i)) for i in range(1000)]
    added = annotator.add_aliases(rows)
    assert added >= 1000 and tokenizer.max_cache_size >= room + 2 * added
    assert tokenizer.rules == rules
    assert [t.text for t in annotator.nlp.make_doc("They don't.")] == ["They", "do", "n't", "."]
    [found] = annotator.suggest([f"Officials said {name(7)} struck."])
    assert [(m.start, m.end, m.entity_id) for m in found.mentions] == [
        (15, 15 + len(name(7)), "e7")
    ]


def test_letters_with_a_mark_of_their_own_match_their_plain_letters(bare) -> None:
    """News writes "Diyarbakir" and "Lodz" where the knowledge base has "Diyarbakır" and
    "Łódź", and the other way round: the patterns and the linker match them alike."""
    bare.kb.import_entities(
        as_entities([("diyarbakir", "Diyarbakır", "GPE", ()), ("lodz", "Lodz", "GPE", ())])
    )
    batch.PIPELINES.clear()
    annotator, _ = pipeline_for(bare)
    text = "Clashes in Diyarbakir were reported; officials in Łódź said nothing."
    [found] = annotator.suggest([text])
    linked = {text[m.start : m.end]: m.entity_id for m in found.mentions if m.entity_id}
    assert linked == {"Diyarbakir": "diyarbakir", "Łódź": "lodz"}


def test_the_collector_is_left_as_it_was_found(bare) -> None:
    import gc

    batch.PIPELINES.clear()
    frozen = gc.get_freeze_count()
    paused = []
    bare.kb.alias_rows_since = lambda since, rows=bare.kb.alias_rows_since: (
        paused.append(not gc.isenabled()) or rows(since)
    )
    pipeline_for(bare)
    assert paused == [True] and gc.isenabled()  # paused while the pipeline is built
    assert gc.get_freeze_count() > frozen  # the new pipeline's objects are out of its sight
    batch.PIPELINES.clear()
    with pytest.raises(WorkbenchError):  # a failed build turns it back on too
        pipeline_for(bare, model="no_such_pipeline_here")
    assert gc.isenabled()
    during = []

    def interrupt(done: int, total: int) -> None:
        during.append(gc.isenabled())
        if done:
            raise KeyboardInterrupt  # an interrupted run turns it back on too

    with pytest.raises(KeyboardInterrupt):
        preannotate(bare, None, redo=True, progress=interrupt)
    assert during and not any(during) and gc.isenabled()
    gc.disable()  # and a collector found off is left off
    try:
        preannotate(bare, None, redo=True)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_misspelt_name_with_a_hyphened_particle_is_linked_whole(tmp_path: Path) -> None:
    # "oul-Haq" is one word of the name: the name is looked up whole, not as "Sehbaz" and
    # "Haq Stanzaa" (which only partly match, and were left unlinked); titles before a
    # name are not part of it
    from workbench.importers.reading import sha256_text
    from workbench.model import NewDocument

    text = "Police said Foreign Minister Sehbaz oul-Haq Stanzaa was killed near Quetta."
    with Store.open(tmp_path / "kb.db", "tester") as store:
        store.kb.import_entities(
            as_entities(
                [
                    ("shehbaz", "Shehbaz ul-Haq Stanza", "PERSON", ()),
                    ("pervez", "Pervez ul-Haq Stanzad", "PERSON", ()),
                    ("quetta", "Quetta", "GPE", ()),
                ]
            )
        )
        [doc_id], _ = store.documents.add_many([NewDocument("t", text, sha256_text(text), "test")])
        preannotate(store, [doc_id])
        found = {(text[s:e], entity) for s, e, _, entity in spans(store, doc_id)}
    assert ("Sehbaz oul-Haq Stanzaa", "shehbaz") in found
    assert ("Quetta", "quetta") in found


def test_a_long_run_commits_in_a_writer_process_what_it_found(bare, monkeypatch) -> None:
    """A run of many documents commits in a process of its own: every suggestion found is
    stored once, as the run's annotator, and the summary counts what was stored."""
    from workbench.workspace import Workspace

    monkeypatch.setattr(batch, "MIN_WRITER_PROCESS_DOCUMENTS", 1)  # (this run is short)
    annotator, _ = pipeline_for(bare)
    ids = bare.documents.ids()
    found = annotator.suggest(
        [bare.documents.text(doc_id) for doc_id in ids], Workspace.batch_linker(bare)
    )
    expected = {
        (doc_id, s.start, s.end, s.label, s.entity_id)
        for doc_id, f in zip(ids, found, strict=True)
        for s in f.mentions
    }
    summary = preannotate(bare, None, batch_size=1)  # one batch per document
    stored = bare.db.rows(
        'SELECT doc_id, start, "end", label, entity_id, annotator FROM mentions WHERE status = ?',
        (SUGGESTED,),
    )
    assert {row[:5] for row in stored} == expected and len(stored) == len(expected)
    assert {row[5] for row in stored} == {"tester"}
    assert (summary.documents, summary.suggestions) == (len(ids), len(expected))
    assert summary.triggers == bare.stats()["trigger_suggestions"] > 0
    assert bare.suggestions.preannotated_ids(batch.signature(bare, None)) == set(ids)


def test_a_failure_in_the_writer_process_is_the_runs_error(bare) -> None:
    """What stops the writer process is raised in the run, at its next batch or its end,
    after the batches before it were committed."""
    from workbench.model import PreannotateSummary, Suggestion
    from workbench.nlp.writing import SuggestionWriter

    first = bare.documents.ids()[0]
    summary = PreannotateSummary()
    with (
        pytest.raises(WorkbenchError, match="no document with id 404"),
        SuggestionWriter(bare, "a signature", summary, in_process=False) as writer,
    ):
        writer.store([(first, [Suggestion(0, 4, "GPE", "kb", 100.0)], [])])
        writer.store([(404, [], [])])
    assert summary.documents == 1
    assert bare.suggestions.preannotated_ids("a signature") == {first}


def test_a_writer_process_that_dies_is_one_clear_error(bare) -> None:
    from workbench.model import PreannotateSummary
    from workbench.nlp.writing import SuggestionWriter

    first = bare.documents.ids()[0]
    with (
        pytest.raises(WorkbenchError, match="writer stopped unexpectedly; run the same command"),
        SuggestionWriter(bare, "a signature", PreannotateSummary(), in_process=False) as writer,
    ):
        writer._process.process.kill()  # (as the out-of-memory killer would)
        writer._process.process.wait()
        writer.store([(first, [], [])])
        writer.store([(first, [], [])])
    assert not bare.suggestions.preannotated_ids("a signature")
