"""Several analysts on one corpus: independent layers, blind by default, and agreement
between them, through the command line and the TUI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import ROOT, SEEDS
from test_cli import run

from workbench.store import Store
from workbench.tui.app import WorkbenchApp
from workbench.workspace import Workspace


def _layers(tmp_path: Path, target: Path | str) -> str:
    """A database in independent mode (a file or a PostgreSQL database): alice's layer
    is the seeds' gold, bob's the same less the mentions of Pakistan and with Iran as LOC."""
    db = str(target)
    for name in (
        "01-iran-kills-jaish-al-adl-leader.txt",
        "02-baloch-unrest-pakistan-iran-frontier.txt",
        "entities.jsonl",
    ):
        shutil.copy(SEEDS / name, tmp_path / name)
    run(
        "--db",
        db,
        "import",
        *(
            str(tmp_path / n)
            for n in (
                "01-iran-kills-jaish-al-adl-leader.txt",
                "02-baloch-unrest-pakistan-iran-frontier.txt",
                "entities.jsonl",
            )
        ),
    )
    assert (
        json.loads(run("--db", db, "project", "--mode", "independent", "--json").stdout)["mode"]
        == "independent"
    )
    gold = [json.loads(line) for line in (SEEDS / "gold.jsonl").read_text().splitlines()]
    (tmp_path / "alice.gold.jsonl").write_text("\n".join(json.dumps(d) for d in gold) + "\n")
    bob = [
        {
            **d,
            "mentions": [
                {**m, "label": "LOC"} if m["text"] == "Iran" else m
                for m in d["mentions"]
                if m["text"] != "Pakistan"
            ],
        }
        for d in gold
    ]
    (tmp_path / "bob.gold.jsonl").write_text("\n".join(json.dumps(d) for d in bob) + "\n")
    run("--db", db, "--annotator", "alice", "import", str(tmp_path / "alice.gold.jsonl"))
    run("--db", db, "--annotator", "bob", "import", str(tmp_path / "bob.gold.jsonl"))
    return db


def test_each_annotator_sees_and_undoes_only_their_own_layer(tmp_path: Path, db_target) -> None:
    db = _layers(tmp_path, db_target)
    with Store.open(db, "alice") as alice, Store.open(db, "bob") as bob:
        theirs_a = {(m.start, m.label) for m in alice.mentions.of_document(1)}
        theirs_b = {(m.start, m.label) for m in bob.mentions.of_document(1)}
        assert theirs_a != theirs_b and len(theirs_a) > len(theirs_b)
        assert {m.annotator for m in alice.mentions.of_document(1)} == {"alice"}
        with Store.open(db, "carol") as carol:  # a new annotator starts with nothing
            assert carol.mentions.of_document(1) == []
            assert carol.events.of_document(1) == []
    run("--db", db, "--annotator", "alice", "undo")  # alice's import goes, bob's stays
    with Store.open(db, "alice") as alice, Store.open(db, "bob") as bob:
        assert alice.mentions.of_document(1) == []
        assert {(m.start, m.label) for m in bob.mentions.of_document(1)} == theirs_b
    # back to one shared layer: the shared layer (nothing was made in it) is what shows
    run("--db", db, "project", "--mode", "shared")
    with Store.open(db, "alice") as alice:
        assert alice.mentions.of_document(1) == []


def test_agreement_between_two_layers(tmp_path: Path, db_target) -> None:
    db = _layers(tmp_path, db_target)
    report = json.loads(run("--db", db, "agreement", "--json").stdout)
    assert report["annotators"] == ["alice", "bob"]
    [pair] = report["pairs"]
    pakistan = sum(
        m["text"] == "Pakistan"
        for line in (SEEDS / "gold.jsonl").read_text().splitlines()
        for m in json.loads(line)["mentions"]
    )
    exact = pair["spans"]["exact"]
    assert exact["a_only"] == pakistan and exact["b_only"] == 0 and exact["recall"] == 1.0
    assert pair["per_label"]["LOC"]["b_only"] >= 1  # Iran, as LOC
    assert pair["labels"]["kappa"] < 1.0 and pair["links"]["agreement"] == 1.0
    assert 0 < report["alpha_tokens"] < 1
    one_label = json.loads(run("--db", db, "agreement", "--label", "PERSON", "--json").stdout)[
        "pairs"
    ][0]
    assert one_label["spans"]["exact"]["f1"] == 1.0
    text = run("--db", db, "agreement").stdout
    assert "alice / bob" in text and "Krippendorff's α" in text
    missing = run("--db", db, "agreement", "--annotators", "alice,carol", check=False)
    assert missing.returncode == 1
    assert missing.stderr.strip() == (
        "error: no annotations by carol (layers with annotations: alice, bob)"
    )


def test_a_wrong_mode_is_one_error_line(tmp_path: Path) -> None:
    done = run("--db", str(tmp_path / "x.db"), "project", "--mode", "solo", check=False)
    assert done.returncode == 1
    assert done.stderr.strip() == "error: a project's mode is shared or independent, not 'solo'"


@pytest.mark.asyncio
async def test_the_tui_is_blind_to_other_layers(tmp_path: Path, db_target) -> None:
    db = _layers(tmp_path, db_target)
    counts = {}
    for annotator in ("alice", "bob"):
        workspace = Workspace.open(db, annotator)
        app = WorkbenchApp(workspace, 1, 2, steady=True)
        async with app.run_test(size=(150, 40)) as pilot:
            await pilot.pause()
            pane = app.main_screen.panes[0]
            counts[annotator] = len(pane.view.mentions)
            assert f"annotator: {annotator}" in str(app.main_screen.query_one("#status").render())
        workspace.store.close()
    with Store.open(db, "alice") as alice, Store.open(db, "bob") as bob:
        assert counts == {
            "alice": len(alice.mentions.of_document(1)),
            "bob": len(bob.mentions.of_document(1)),
        }
    assert counts["alice"] > counts["bob"]


def test_event_agreement_between_two_layers(tmp_path: Path, db_target) -> None:
    db = _layers(tmp_path, db_target)
    events = [json.loads(line) for line in (SEEDS / "events.jsonl").read_text().splitlines()]
    (tmp_path / "alice").mkdir()
    (tmp_path / "alice" / "events.jsonl").write_text(
        "\n".join(json.dumps(e) for e in events) + "\n"
    )
    # bob: one event fewer, another typed differently, no role on a mention he lacks
    bob = [{**e, "roles": [r for r in e["roles"] if r["text"] != "Pakistan"]} for e in events[1:]]
    bob[0] = {**bob[0], "type": "Strategic developments", "subtype": None}
    (tmp_path / "bob").mkdir()
    (tmp_path / "bob" / "events.jsonl").write_text("\n".join(json.dumps(e) for e in bob) + "\n")
    run("--db", db, "--annotator", "alice", "import", str(tmp_path / "alice" / "events.jsonl"))
    run("--db", db, "--annotator", "bob", "import", str(tmp_path / "bob" / "events.jsonl"))
    [pair] = json.loads(run("--db", db, "agreement", "--json").stdout)["pairs"]
    found = pair["events"]
    assert found["triggers"]["a_only"] == 1 and found["triggers"]["b_only"] == 0
    assert found["triggers"]["matched"] == len(events) - 1
    assert found["types"]["agreement"] == pytest.approx(
        (len(events) - 2) / (len(events) - 1), abs=1e-4
    )
    pakistan_roles = sum(r["text"] == "Pakistan" for e in events[1:] for r in e["roles"])
    dropped_roles = len(events[0]["roles"])
    assert found["roles"]["a_only"] == pakistan_roles + dropped_roles
    assert found["roles"]["b_only"] == 0
    assert 0 < found["clusters"]["b_cubed_f1"] <= 1


def test_assignment_round_robin_status_and_done(tmp_path: Path, db_target) -> None:
    db = str(db_target)
    run("--db", db, "import", str(SEEDS))
    out = run("--db", db, "assign", "--all", "--to", "alice,bob,carol", "--k", "2").stdout
    assert out.strip() == "4 assignments added"
    docs = json.loads(run("--db", db, "docs", "--json").stdout)
    assert [[a["annotator"] for a in d["annotators"]] for d in docs] == [
        ["alice", "bob"],
        ["alice", "carol"],
    ]
    assert {a["status"] for d in docs for a in d["annotators"]} == {"todo"}
    # a mention by bob starts document 1 for him
    run("--db", db, "--annotator", "bob", "import", str(_bob_gold(tmp_path)))
    run("--db", db, "--annotator", "alice", "done", "1")
    statuses = {
        (d["id"], a["annotator"]): a["status"]
        for d in json.loads(run("--db", db, "docs", "--json").stdout)
        for a in d["annotators"]
    }
    assert statuses == {
        (1, "alice"): "done",
        (1, "bob"): "started",
        (2, "alice"): "todo",
        (2, "carol"): "todo",
    }
    again = run("--db", db, "assign", "--doc", "1", "--to", "alice").stdout
    assert again.strip() == "0 assignments added"
    refused = run("--db", db, "--annotator", "carol", "done", "1", check=False)
    assert refused.returncode == 1
    assert refused.stderr.strip() == "error: document 1 is not assigned to carol"
    wrong = run("--db", db, "assign", "--doc", "99", "--to", "alice", check=False)
    assert wrong.stderr.strip() == "error: no document with id 99"
    run("--db", db, "--annotator", "alice", "undo")  # undoing "done" brings back started/todo
    docs = json.loads(run("--db", db, "docs", "--json").stdout)
    assert docs[0]["annotators"][0] == {"annotator": "alice", "status": "todo"}


def _bob_gold(tmp_path: Path) -> Path:
    first = json.loads((SEEDS / "gold.jsonl").read_text().splitlines()[0])
    target = tmp_path / "bob.gold.jsonl"
    says = {"start": 5, "end": 9, "text": "says", "label": "EVENT", "entity_id": None}
    target.write_text(json.dumps({**first, "mentions": [says]}) + "\n")
    return target


@pytest.mark.asyncio
async def test_ctrl_d_marks_the_document_done_and_opens_the_next(tmp_path: Path, db_target) -> None:
    db = str(db_target)
    run("--db", db, "import", str(SEEDS))
    run("--db", db, "assign", "--all", "--to", "alice")
    workspace = Workspace.open(db, "alice")
    app = WorkbenchApp(workspace, 1, None, steady=True)
    async with app.run_test(size=(150, 40)) as pilot:
        await pilot.pause()
        pane = app.main_screen.focused_pane()
        assert pane.document.id == 1
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert pane.document.id == 2
        assert {a.status for a in workspace.team.assignments()[1]} == {"done"}
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert "no assigned document left" in str(app.main_screen.query_one("#status").render())
    workspace.store.close()


def test_curate_copies_unanimous_annotations_once_and_exports_any_layer(
    tmp_path: Path, db_target
) -> None:
    db = _layers(tmp_path, db_target)
    out = run("--db", db, "--annotator", "carla", "curate").stdout
    with Store.open(db, "alice") as alice, Store.open(db, "bob") as bob:
        agreed = {
            (m.doc_id, m.start, m.end, m.label, m.entity_id)
            for m in alice.mentions.by_layer()["alice"]
        } & {
            (m.doc_id, m.start, m.end, m.label, m.entity_id) for m in bob.mentions.by_layer()["bob"]
        }
        curated = alice.mentions.by_layer()["curated"]
        alice_spans = alice.mentions.by_layer()["alice"]
    assert out.strip() == (
        f"{len(agreed)} unanimous mentions and 0 unanimous events added to the curated layer"
    )
    assert {(m.doc_id, m.start, m.end, m.label, m.entity_id) for m in curated} == agreed
    assert {m.annotator for m in curated} == {"carla"}  # the curator is recorded
    again = run("--db", db, "--annotator", "carla", "curate").stdout
    assert again.strip() == (
        "0 unanimous mentions and 0 unanimous events added to the curated layer"
    )
    target = tmp_path / "curated.jsonl"
    run("--db", db, "export", "jsonl", str(target), "--layer", "curated")
    exported = sum(len(json.loads(line)["spans"]) for line in target.read_text().splitlines())
    assert exported == len(agreed)
    # once a curated layer exists it is what an export gives by default, and it says so
    by_default = run("--db", db, "--annotator", "alice", "export", "jsonl", str(target))
    assert by_default.stdout.strip() == (
        f"exported 2 documents of layer curated with jsonl to {target}"
    )
    assert sum(len(json.loads(line)["spans"]) for line in target.read_text().splitlines()) == len(
        agreed
    )
    wrong = run("--db", db, "export", "jsonl", str(target), "--layer", "nobody", check=False)
    assert wrong.returncode == 1
    assert wrong.stderr.strip() == "error: no layer named 'nobody' (layers: alice, bob, curated)"
    run("--db", db, "--annotator", "carla", "undo")  # one step takes the curation back
    with Store.open(db, "alice") as alice:
        assert "curated" not in alice.mentions.by_layer()
    own = run("--db", db, "--annotator", "alice", "export", "jsonl", str(target))
    assert own.stdout.strip() == f"exported 2 documents with jsonl to {target}"
    assert sum(len(json.loads(line)["spans"]) for line in target.read_text().splitlines()) == len(
        alice_spans
    )


def test_bootstrap_intervals_hold_the_figures(tmp_path: Path, db_target) -> None:
    db = _layers(tmp_path, db_target)
    run("--db", db, "--annotator", "carla", "curate")  # the curated layer is left out unless named
    report = json.loads(run("--db", db, "agreement", "--ci", "--json").stdout)
    assert report["annotators"] == ["alice", "bob"]
    [pair] = report["pairs"]
    low, high = report["intervals"]["alice/bob labelled_f1"]
    assert low <= pair["labelled"]["f1"] <= high < 1
    low, high = report["intervals"]["alpha_tokens"]
    assert low <= report["alpha_tokens"] <= high
    assert "95 % interval, alpha_tokens" in run("--db", db, "agreement", "--ci").stdout


def test_turning_independent_can_give_the_shared_work_to_a_layer(tmp_path: Path, db_target) -> None:
    db = str(db_target)
    run("--db", db, "import", str(SEEDS))  # the shared layer: the seeds' gold
    with Store.open(db, "alice") as store:
        shared = [(m.start, m.label) for m in store.mentions.of_document(1)]
        events = len(store.events.of_document(1))
    done = run("--db", db, "project", "--mode", "independent", "--shared-into", "alice")
    assert done.stdout.startswith("moved 150 mentions and 13 events of the shared layer")
    with Store.open(db, "alice") as alice, Store.open(db, "bob") as bob:
        assert [(m.start, m.label) for m in alice.mentions.of_document(1)] == shared
        assert len(alice.events.of_document(1)) == events
        assert bob.mentions.of_document(1) == []
    refused = run("--db", db, "project", "--shared-into", "alice", check=False)
    assert refused.returncode == 1 and "already holds mentions" in refused.stderr
    wrong = run("--db", db, "project", "--shared-into", "shared", check=False)
    assert wrong.returncode == 1 and wrong.stderr.startswith("error: name the layer")
    run("--db", db, "undo")  # one step puts the work back in the shared layer
    with Store.open(db, "alice") as alice:
        assert alice.mentions.of_document(1) == []
        with alice.in_layer(None):
            assert [(m.start, m.label) for m in alice.mentions.of_document(1)] == shared


def test_the_readme_s_team_example_runs_as_shown(tmp_path: Path, db_target) -> None:
    """The worked example of the README's Teams section, run as written: its figures and
    lines are what the commands print (so the README cannot drift from the code)."""
    readme = (ROOT / "README.md").read_text()
    db = str(db_target)
    seeds = sorted(str(p) for p in SEEDS.glob("*.txt"))
    team = ROOT / "examples" / "team"
    run("--db", db, "import", *seeds, str(SEEDS / "entities.jsonl"))
    run("--db", db, "project", "--mode", "independent")
    alice = run(
        "--db",
        db,
        "--annotator",
        "alice",
        "import",
        str(SEEDS / "gold.jsonl"),
        str(SEEDS / "events.jsonl"),
    )
    bob = run(
        "--db",
        db,
        "--annotator",
        "bob",
        "import",
        str(team / "bob.gold.jsonl"),
        str(team / "bob.events.jsonl"),
    )
    assert alice.stdout.strip().endswith("13 events") and bob.stdout.strip().endswith("13 events")
    agreement = run("--db", db, "agreement").stdout.splitlines()
    for line in agreement[:4]:
        assert line in readme
    adjudicate = run("--db", db, "adjudicate", "1").stdout.splitlines()
    assert adjudicate[0] in readme
    shown = [line for line in adjudicate[1:] if line.split()[1] in ("incident", "event-type")]
    assert shown and all(line in readme for line in shown)
    curate = run("--db", db, "--annotator", "carol", "curate").stdout.strip()
    assert curate in readme


def test_the_last_annotator_to_finish_curates_what_all_agree_on(tmp_path: Path, db_target) -> None:
    db = _layers(tmp_path, db_target)
    run("--db", db, "assign", "--doc", "1", "--to", "alice,bob")
    first = run("--db", db, "--annotator", "alice", "done", "1").stdout.strip()
    assert first == "document 1 done; no assigned document left"
    with Store.open(db, "alice") as store:
        assert "curated" not in store.mentions.by_layer()
        agreed = {(m.start, m.end, m.label) for m in store.mentions.by_layer([1])["alice"]} & {
            (m.start, m.end, m.label) for m in store.mentions.by_layer([1])["bob"]
        }
    last = run("--db", db, "--annotator", "bob", "done", "1").stdout.strip()
    assert last == (
        f"document 1 done; every annotator has finished it: {len(agreed)} unanimous mentions"
        " and 0 unanimous events curated; no assigned document left"
    )
    with Store.open(db, "bob") as store:
        curated = store.mentions.by_layer([1])["curated"]
        assert {(m.start, m.end, m.label) for m in curated} == agreed
    run("--db", db, "--annotator", "bob", "undo")  # one step: bob's done and the curation
    with Store.open(db, "bob") as store:
        assert "curated" not in store.mentions.by_layer()
        assert {a.annotator: a.status for a in store.assignments.of_documents()[1]} == {
            "alice": "done",
            "bob": "started",
        }
