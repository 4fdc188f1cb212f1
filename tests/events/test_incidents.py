"""Incidents across sources: the scorer on a labelled set of event pairs (written before
it), the demo corpus's incidents rebuilt from its reports, conflicts and resolved values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import ROOT, SEEDS
from test_cli import run

from workbench.events.incidents import THRESHOLD, Report, compare, window
from workbench.metrics import b_cubed
from workbench.workspace import Workspace

PAIRS = ROOT / "tests" / "data" / "incident_pairs.jsonl"


def _report(data: dict, key: int) -> Report:
    return Report(
        key,
        key,
        data["type"],
        data.get("subtype"),
        data.get("date"),
        data.get("precision"),
        frozenset(data.get("places", [])),
        frozenset(data.get("attackers", [])),
        frozenset(data.get("targets", [])),
        frozenset(data.get("agents", [])),
        tuple(data["fatalities"]) if data.get("fatalities") else None,
        data.get("published"),
        data.get("unique", False),
    )


def test_the_scorer_on_the_labelled_pairs() -> None:
    pairs = [json.loads(line) for line in PAIRS.read_text().splitlines()]
    assert len(pairs) >= 40
    said = []
    for pair in pairs:
        found = compare(_report(pair["a"], 1), _report(pair["b"], 2))
        said.append((not found.ruled_out and found.score >= THRESHOLD, pair["same"]))
    true_positive = sum(s and g for s, g in said)
    precision = true_positive / sum(s for s, _ in said)
    recall = true_positive / sum(g for _, g in said)
    assert precision == 1.0 and recall >= 0.9  # the figures the closing note quotes


def test_evidence_is_listed_and_impossible_dates_rule_a_pair_out() -> None:
    january = Report(1, 1, "Battles", "Armed clash", "2024-01", "month", frozenset({"rask"}))
    the_16th = Report(2, 2, "Battles", "Armed clash", "2024-01-16", "day", frozenset({"rask"}))
    february = Report(3, 3, "Battles", "Armed clash", "2024-02-02", "day", frozenset({"rask"}))
    found = compare(january, the_16th)
    assert "dates 2024-01 and 2024-01-16 may be the same day" in found.reasons
    assert "both name rask (places)" in found.reasons
    ruled = compare(january, february)
    assert ruled.ruled_out and ruled.reasons[-1] == "dates 2024-01 and 2024-02-02 cannot meet"
    assert compare(january, Report(4, 1, "Battles")).ruled_out  # one document: two events
    assert window("2024-02", "month") == window("2024-02-01", "month")
    assert window(None, None) is None and window("Tuesday", "day") is None


def _demo_without_clusters(tmp_path: Path) -> tuple[str, dict[tuple[int, int | None], str | None]]:
    db = str(tmp_path / "x.db")
    events = [json.loads(line) for line in (SEEDS / "events.jsonl").read_text().splitlines()]
    folder = tmp_path / "unclustered"
    folder.mkdir()
    (folder / "events.jsonl").write_text(
        "\n".join(json.dumps({k: v for k, v in e.items() if k != "cluster"}) for e in events)
    )
    names = sorted(p.name for p in SEEDS.glob("*.txt"))
    run("--db", db, "import", str(SEEDS / names[0]), str(SEEDS / names[1]))
    run("--db", db, "import", str(SEEDS / "entities.jsonl"), str(SEEDS / "gold.jsonl"))
    run("--db", db, "import", str(folder / "events.jsonl"))
    doc_of = {name: i for i, name in enumerate(names, start=1)}
    gold = {
        (doc_of[e["document"]], e["trigger"]["start"] if e.get("trigger") else None): e.get(
            "cluster"
        )
        for e in events
    }
    return db, gold


def test_suggestions_rebuild_the_demo_incidents(tmp_path: Path) -> None:
    db, gold_keys = _demo_without_clusters(tmp_path)
    suggested = json.loads(run("--db", db, "incidents", "suggest", "--json").stdout)
    assert suggested["joined"] is None and all(s["event_id"] for s in suggested["suggestions"])
    out = json.loads(run("--db", db, "incidents", "suggest", "--apply", "--json").stdout)
    assert out["joined"] == 5
    workspace = Workspace.open(db, "checker")
    events = workspace.events.of_document(None)
    found = {e.id: e.cluster_id for e in events}
    gold = {e.id: gold_keys[(e.doc_id, e.trigger_start)] for e in events}
    assert b_cubed(found, gold) >= 0.95
    strikes = [e for e in events if e.subtype == "Air/drone strike"]
    by_date = {e.date: {f.cluster_id for f in strikes if f.date == e.date} for e in strikes}
    assert by_date["2024-01-16"].isdisjoint(by_date["2024-01-18"])  # no false merge
    workspace.store.close()
    run("--db", db, "undo")  # the whole join is one step
    workspace = Workspace.open(db, "checker")
    assert {e.cluster_id for e in workspace.events.of_document(None)} == {None}
    workspace.store.close()


def test_incidents_list_conflicts_and_resolved_values(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    run("--db", db, "import", str(SEEDS))
    listing = json.loads(run("--db", db, "incidents", "--json").stdout)
    rask = next(
        i
        for i in listing
        if i["subtype"] == "Armed clash" and "2023-12" in i["fields"]["date"]["values"]
    )
    assert rask["conflicts"] == ["certainty"]
    assert rask["fields"]["certainty"]["values"] == ["claimed", "asserted"]
    assert rask["fields"]["certainty"]["resolved"] is None  # never silently resolved
    assert rask["fields"]["date"]["resolved"] == "2023-12"
    strike = next(i for i in listing if "2024-01-18" in i["fields"]["date"]["values"])
    assert strike["fields"]["fatalities"]["resolved"] == 9
    alone = [i for i in listing if len(i["reports"]) == 1]
    assert [i["subtype"] for i in alone] == ["Meeting/Agreement"]
    assert alone[0]["conflicts"] == [] and alone[0]["incident"] is None
    undated = next(i for i in listing if i["subtype"] == "Call for restraint")
    assert undated["fields"]["date"] == {
        "values": [],
        "conflict": False,
        "resolved": None,
        "rule": "no report gives a date",
    }
    text = run("--db", db, "incidents").stdout
    assert "CONFLICT claimed; asserted" in text


@pytest.mark.parametrize(
    ("fatalities", "resolved", "conflict"),
    [([[2, 2], [3, 3]], 2, True), ([[5, 7], [5, 7]], 5, False)],
)
def test_the_most_conservative_fatality_figure(
    tmp_path: Path, fatalities: list[list[int]], resolved: int, conflict: bool
) -> None:
    db = str(tmp_path / "x.db")
    run("--db", db, "import", str(SEEDS))
    workspace = Workspace.open(db, "t")
    first, second = (e for e in workspace.events.of_document(None) if e.date == "2024-01-16")
    workspace.events.update(first.id, fatalities=fatalities[0])
    workspace.events.update(second.id, fatalities=fatalities[1])
    [strike] = [
        i for i in workspace.incidents.listing() if "2024-01-16" in i["fields"]["date"]["values"]
    ]
    assert strike["fields"]["fatalities"]["resolved"] == resolved
    assert strike["fields"]["fatalities"]["conflict"] is conflict
    workspace.store.close()


def test_sources_are_graded_and_near_duplicates_count_once(tmp_path: Path) -> None:
    from workbench.events.incidents import independent_sources, near_duplicates, shingles

    db = str(tmp_path / "x.db")
    run("--db", db, "import", str(SEEDS))
    [source] = [s["source"] for s in json.loads(run("--db", db, "source", "list", "--json").stdout)]
    wrong = run("--db", db, "source", "grade", "Reuters", "B", check=False)
    assert wrong.returncode == 1
    assert (
        wrong.stderr.strip() == f"error: no document has the source 'Reuters' (sources: {source})"
    )
    bad = run("--db", db, "source", "grade", source, "G", check=False)
    assert bad.stderr.strip() == "error: a source's reliability is one of A B C D E F, not 'G'"
    run("--db", db, "source", "grade", source, "b")
    listing = json.loads(run("--db", db, "incidents", "--json").stdout)
    rask = next(i for i in listing if i["fields"]["certainty"]["conflict"])
    assert [r["grade"] for r in rask["reports"]] == ["B3", "B2"]  # claimed, asserted
    assert rask["independent_sources"] == 1  # one desk wrote both
    run("--db", db, "undo")  # grading is one undoable change
    listing = json.loads(run("--db", db, "incidents", "--json").stdout)
    assert {r["grade"][0] for i in listing for r in i["reports"]} == {"F"}

    wire = " ".join(f"word{i}" for i in range(200))  # a wire story of 200 words
    copies = {1: wire, 2: wire + "Reporting by a syndicated desk.", 3: "An unrelated report."}
    assert near_duplicates({d: shingles(t) for d, t in copies.items()}) == [(1, 2)]
    assert independent_sources({1: "AFP", 2: "Dawn", 3: "Dawn"}, [(1, 2)]) == 1
    assert independent_sources({1: "AFP", 2: "Dawn", 3: None}, []) == 3


@pytest.mark.asyncio
async def test_S_on_an_event_lists_its_incidents_with_evidence_and_enter_joins(
    tmp_path: Path,
) -> None:
    from workbench.tui.app import WorkbenchApp
    from workbench.tui.screens.pickers import IncidentPicker

    db, _ = _demo_without_clusters(tmp_path)
    workspace = Workspace.open(db, "analyst")
    strike = next(
        e
        for e in workspace.events.of_document(1)
        if e.subtype == "Air/drone strike" and e.date == "2024-01-16"
    )
    [best, *_] = workspace.incidents.suggest_for(strike.id)
    other = workspace.events.get(best["event_id"])
    assert (other.doc_id, other.date, other.subtype) == (2, "2024-01-16", "Air/drone strike")
    assert any("2024-01-16" in reason for reason in best["evidence"])
    app = WorkbenchApp(workspace, 1, 2, steady=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        pane = app.main_screen.focused_pane()
        pane.view.move_to(strike.trigger_start)
        await pilot.press("S")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, IncidentPicker)
        first_id, first_row = picker.candidates[0]
        assert first_id == best["event_id"] and "2024-01-16" in first_row.plain
        await pilot.press("enter")  # one key joins
        await pilot.pause()
        assert app.screen is app.main_screen
    joined = workspace.events.get(strike.id).cluster_id
    assert joined is not None and workspace.events.get(best["event_id"]).cluster_id == joined
    assert workspace.history.undo() == "join a suggested incident"
    assert workspace.events.get(strike.id).cluster_id is None
    workspace.close()
