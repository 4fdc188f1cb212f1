"""The application layer, use case by use case: each is one change and one undo step,
on a real seeded database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.errors import ReadOnlyDatabase, WorkbenchError
from workbench.model import ACCEPTED, SUGGESTED, LinkTo, NewEntityLink
from workbench.store import Store
from workbench.workspace import Workspace


@pytest.fixture
def workspace(seeded_target: Path | str):
    with Workspace(Store.open(seeded_target, annotator="ana")) as opened:
        yield opened


@pytest.fixture
def bare_workspace(bare_target: Path | str):
    with Workspace(Store.open(bare_target, annotator="ana")) as opened:
        yield opened


def counts(workspace: Workspace) -> dict[str, int]:
    return workspace.corpus.stats()


def undone_as_one_step(workspace: Workspace, change) -> object:  # type: ignore[no-untyped-def]
    """Run a change, check one undo takes the database back exactly, redo it again."""
    before = counts(workspace)
    result = change()
    workspace.history.undo()
    after_undo = counts(workspace)
    assert {k: v for k, v in after_undo.items() if k != "changes"} == {
        k: v for k, v in before.items() if k != "changes"
    }
    workspace.history.redo()
    return result


def test_annotate_with_a_new_entity_is_one_change(workspace: Workspace) -> None:
    text = workspace.corpus.document(1).text
    start = text.index("state media")
    annotated = undone_as_one_step(
        workspace,
        lambda: workspace.annotations.annotate(
            1, start, start + len("state media"), "ORG", NewEntityLink("State Media", "ORG")
        ),
    )
    assert annotated.new_entity.name == "State Media"
    mention = workspace.annotations.mention(annotated.mention.id)
    assert mention.entity_id == annotated.new_entity.id
    assert workspace.history.undo().startswith("add mention ORG 'state media'")
    assert workspace.kb.listing(None) and annotated.new_entity.id not in {
        row.entity.id for row in workspace.kb.listing(None)
    }


def test_annotate_trims_white_space_and_learns_the_alias(workspace: Workspace) -> None:
    text = workspace.corpus.document(1).text
    start = text.index("official news agency") + len("official ")
    annotated = workspace.annotations.annotate(
        1, start - 1, start + len("news agency "), "ORG", LinkTo("irna")
    )
    assert annotated.mention.text == "news agency" and annotated.learned_alias == "news agency"
    with pytest.raises(WorkbenchError, match="more than white space"):
        workspace.annotations.annotate(1, start - 1, start, "ORG", None)


def test_edits_of_a_mention_each_undo_as_one_step(workspace: Workspace) -> None:
    mention = workspace.annotations.mentions(1)[0]
    undone_as_one_step(workspace, lambda: workspace.annotations.relabel(mention.id, "LOC"))
    undone_as_one_step(workspace, lambda: workspace.annotations.relink(mention.id, None))
    undone_as_one_step(
        workspace,
        lambda: workspace.annotations.relink(mention.id, NewEntityLink("Persia", "GPE")),
    )
    undone_as_one_step(
        workspace, lambda: workspace.annotations.resize(mention.id, mention.start, mention.end - 1)
    )
    undone_as_one_step(workspace, lambda: workspace.annotations.delete(mention.id))


def test_suggestions_and_triggers(bare_workspace: Workspace) -> None:
    summary = bare_workspace.annotations.preannotate([1])
    assert summary.suggestions > 10 and summary.triggers > 3
    suggested = [m for m in bare_workspace.annotations.mentions(1) if m.status == SUGGESTED]
    first, second = suggested[0], suggested[1]
    assert undone_as_one_step(bare_workspace, lambda: bare_workspace.annotations.accept(first.id))
    undone_as_one_step(bare_workspace, lambda: bare_workspace.annotations.reject(second.id))
    with pytest.raises(WorkbenchError, match="is not a suggestion"):
        bare_workspace.annotations.accept(first.id)
    linked = next(m for m in suggested[2:] if m.entity_id)
    many = undone_as_one_step(
        bare_workspace, lambda: bare_workspace.annotations.accept_entity(linked.id)
    )
    assert many >= 1
    trigger = bare_workspace.annotations.triggers(1)[0]
    event = undone_as_one_step(
        bare_workspace,
        lambda: bare_workspace.annotations.accept_trigger(trigger.id, ("Battles", "Armed clash")),
    )
    assert event.type == "Battles"
    other = bare_workspace.annotations.triggers(1)[0]
    undone_as_one_step(bare_workspace, lambda: bare_workspace.annotations.reject_trigger(other.id))


def test_events_use_cases(workspace: Workspace) -> None:
    text = workspace.corpus.document(1).text
    trigger = text.index("killed")
    event = undone_as_one_step(
        workspace,
        lambda: workspace.events.add(1, "Battles", "Armed clash", (trigger, trigger + 6)),
    )
    undone_as_one_step(workspace, lambda: workspace.events.update(event.id, fatalities=(2, 4)))
    mention = workspace.annotations.mentions(1)[0]
    undone_as_one_step(workspace, lambda: workspace.events.add_role(event.id, "Place", mention.id))
    other = workspace.events.of_document(2)[0]
    undone_as_one_step(workspace, lambda: workspace.events.cluster([event.id, other.id]))
    record = next(r for r in workspace.events.records(1) if r["id"] == event.id)
    assert record["fatalities"] == [2, 4] and record["cluster"] is not None
    assert record["roles"][0]["role"] == "Place"
    undone_as_one_step(workspace, lambda: workspace.events.delete(event.id))


def test_knowledge_base_use_cases(workspace: Workspace, tmp_path: Path) -> None:
    added = undone_as_one_step(
        workspace, lambda: workspace.kb.add("Quetta Shura", "ORG", ("QS",), "a council")
    )
    with pytest.raises(WorkbenchError, match="exists already"):
        workspace.kb.add("quetta shura", "ORG")
    undone_as_one_step(workspace, lambda: workspace.kb.rename(added.id, "Quetta Council"))
    assert "Quetta Shura" in workspace.kb.card(added.id).aliases
    other = workspace.kb.add("Quetta Shura Council", "ORG", force=True)
    undone_as_one_step(workspace, lambda: workspace.kb.merge(added.id, other.id))
    with pytest.raises(WorkbenchError, match="is used by"):
        workspace.kb.delete("iran")
    with pytest.raises(WorkbenchError, match="entities merged into it"):
        workspace.kb.delete(added.id)
    unused = workspace.kb.add("Unused", "ORG")
    undone_as_one_step(workspace, lambda: workspace.kb.delete(unused.id))
    listing = {row.entity.id: row for row in workspace.kb.listing("GPE")}
    assert listing["iran"].mentions > 0 and "Iran" in listing["iran"].aliases
    card = workspace.kb.card("iran")
    assert {doc for doc, _, _ in card.mentions_per_document} == {1, 2}
    contexts = workspace.kb.mentions_in_context("iran")
    assert all("Iran" in c.context for c in contexts)
    assert workspace.kb.link("Baluch Liberation Army", "ORG").link.entity_id == "bla"
    assert workspace.kb.search("Jaish")[0].entity_id == "jaish-al-adl"
    kb_file = tmp_path / "entities.jsonl"
    kb_file.write_text(json.dumps({"id": "x1", "name": "X One", "label": "ORG"}) + "\n")
    undone_as_one_step(workspace, lambda: workspace.kb.import_file(kb_file))


def test_corpus_use_cases(workspace: Workspace, tmp_path: Path) -> None:
    hits = workspace.corpus.search("Panjgur")
    assert hits and all(h.match == "Panjgur" for h in hits)
    article = tmp_path / "new.txt"
    article.write_text("Title: New\n\nQuetta is quiet.\n")
    summary = workspace.corpus.import_paths([article])
    assert summary.documents_added == 1 and not summary.errors
    done = workspace.corpus.export("jsonl", tmp_path / "out.jsonl", [1])
    assert done.documents == 1 and (tmp_path / "out.jsonl").read_text().count("\n") == 1
    assert workspace.corpus.stats()["documents"] == 3


def test_a_refused_undo_then_skip(seeded_target: Path | str) -> None:
    with (
        Workspace(Store.open(seeded_target, "A")) as a,
        Workspace(Store.open(seeded_target, "B")) as b,
    ):
        entity = a.kb.add("Xeno", "ORG", entity_id="xeno")
        b.kb.add("Yeno", "ORG", entity_id="yeno")
        b.kb.merge(entity.id, "yeno")
        with pytest.raises(WorkbenchError, match="B's later change"):
            a.history.undo()
        assert a.history.skip() == "add entity"


def test_a_read_only_workspace_refuses_changes_and_keeps_no_state(seeded_path: Path) -> None:
    with Workspace(Store.open(seeded_path, "ana", read_only=True)) as workspace:
        assert workspace.corpus.search("Iran")
        with pytest.raises(ReadOnlyDatabase):
            workspace.annotations.relabel(workspace.annotations.mentions(1)[0].id, "LOC")
        with pytest.raises(ReadOnlyDatabase):
            workspace.annotations.preannotate([1])
        workspace.remember("tui.panes", "[]")  # nowhere to keep it: nothing happens
        assert workspace.recall("tui.panes") is None or workspace.recall("tui.panes") != "x"
        assert workspace.annotations.mentions(1)[0].status == ACCEPTED


def test_kb_import_moves_its_progress_and_stays_one_change(
    bare_workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import workbench.store.kb as kb_store

    monkeypatch.setattr(kb_store, "ALIASES_PER_STEP", 3)  # several steps from a small file
    lines = [
        {"id": f"town-{i}", "name": f"Town {name}", "label": "GPE", "aliases": [f"{name}abad"]}
        for i, name in enumerate(["Kalat", "Turbat", "Gwadar", "Panjgur"])
    ]
    path = tmp_path / "towns.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    told: list[tuple[int, int]] = []
    summary = undone_as_one_step(
        bare_workspace, lambda: bare_workspace.kb.import_file(path, lambda *d: told.append(d))
    )
    assert told == [(3, 8), (6, 8), (8, 8)]
    assert summary.aliases_added == 8
    # the aliases of the last step are in the candidate index like those of the first
    for text, entity in (("Kalatabad", "town-0"), ("Panjgurabad", "town-3")):
        assert bare_workspace.kb.link(text, "GPE").candidates[0].entity_id == entity


def test_the_country_of_a_document_s_places_lifts_places_in_it(bare_workspace: Workspace) -> None:
    from workbench.importers.reading import sha256_text
    from workbench.model import NewDocument, NewEntity

    store = bare_workspace.store
    store.kb.import_entities(
        [
            NewEntity("Quetta", "GPE", id="quetta", external_ids={"country": "PK"}),
            NewEntity("Kharan", "GPE", id="kharan", external_ids={"country": "PK"}),
            NewEntity("Karan", "GPE", id="karan", external_ids={"country": "IR"}),
        ]
    )
    text = "Militants attacked a checkpoint near Quetta and another near Kharaan."
    [doc_id], _ = store.documents.add_many([NewDocument("t", text, sha256_text(text), "test")])
    # alone, one spelling of two places a letter apart is too close to call
    assert bare_workspace.annotations.candidates("Kharaan", "GPE", doc_id).link is None
    start = text.index("Quetta")
    bare_workspace.annotations.annotate(doc_id, start, start + 6, "GPE", LinkTo("quetta"))
    # the document's places are in Pakistan: its Kharan is the one meant
    result = bare_workspace.annotations.candidates("Kharaan", "GPE", doc_id)
    assert result.link is not None and result.link.entity_id == "kharan"
    assert bare_workspace.annotations.candidates("Kharaan", "GPE").link is None  # no document
