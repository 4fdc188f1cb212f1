"""Adjudication: where two layers disagree, and a curator's decisions in the curated layer
(one undoable change each), from the command line and by keyboard in the TUI."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from helpers import SEEDS
from test_cli import run
from test_team import _layers

from workbench.adjudication import (
    BOUNDARY,
    EVENT_ONLY_FIRST,
    EVENT_TYPE,
    INCIDENT,
    LABEL,
    LINK,
    ONLY_FIRST,
    ONLY_SECOND,
    ROLES,
    Disagreement,
    disagreements,
)
from workbench.agreement import Span
from workbench.errors import WorkbenchError
from workbench.model import CURATED
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.adjudicating import AdjudicationScreen
from workbench.workspace import Workspace


def test_disagreements_name_each_difference_whatever_the_order() -> None:
    first = [
        Span(1, 0, 5, "GPE", "iran"),  # the same in both: no disagreement
        Span(1, 10, 20, "ORG", "jaish"),  # boundary
        Span(1, 30, 35, "GPE", "iran"),  # label
        Span(1, 40, 45, "GPE", "iran"),  # link
        Span(1, 50, 55, "DATE"),  # only first
        Span(1, 50, 55, "DATE"),  # the same span twice: each is one
    ]
    second = [
        Span(1, 0, 5, "GPE", "iran"),
        Span(1, 10, 17, "ORG", "jaish"),
        Span(1, 30, 35, "LOC", "iran"),
        Span(1, 40, 45, "GPE", None),
        Span(1, 60, 70, "ORG", "irgc"),  # only second
    ]
    expected = [
        (BOUNDARY,),
        (LABEL,),
        (LINK,),
        (ONLY_FIRST,),
        (ONLY_FIRST,),
        (ONLY_SECOND,),
    ]
    assert [d.kinds for d in disagreements(first, second)] == expected
    rng = random.Random(3)
    for _ in range(5):
        a, b = first[:], second[:]
        rng.shuffle(a)
        rng.shuffle(b)
        assert disagreements(a, b) == disagreements(first, second)
    both_ways = [d.kinds for d in disagreements(second, first)]
    assert both_ways.count((ONLY_SECOND,)) == 2 and both_ways.count((ONLY_FIRST,)) == 1


def test_taking_both_refuses_overlapping_spans() -> None:
    overlapping = Disagreement(1, (BOUNDARY,), Span(1, 10, 20, "ORG"), Span(1, 10, 17, "ORG"))
    with pytest.raises(ValueError, match="overlap"):
        overlapping.taken("both")
    apart = Disagreement(1, (LABEL,), Span(1, 10, 20, "ORG"), Span(1, 30, 37, "ORG"))
    assert apart.taken("both") == (apart.first, apart.second)
    assert overlapping.taken("reject") == ()
    with pytest.raises(ValueError, match="unknown decision"):
        overlapping.taken("maybe")


def _open(tmp_path: Path, target: Path | str, annotator: str = "carol") -> Workspace:
    return Workspace.open(_layers(tmp_path, target), annotator)


def test_each_decision_is_one_undoable_change_in_the_curated_layer(
    tmp_path: Path, db_target
) -> None:
    workspace = _open(tmp_path, db_target)
    adjudication = workspace.adjudication
    assert adjudication.default_pair(1) == ("alice", "bob")
    comparison = adjudication.compare(1, "alice", "bob")
    kinds = {k for item in comparison.items for k in item.kinds}
    # bob left out Pakistan and made Iran a LOC
    assert kinds == {ONLY_FIRST, LABEL}
    assert comparison.open_count == len(comparison.items) > 2
    only_alice = next(i for i, d in enumerate(comparison.items) if d.kinds == (ONLY_FIRST,))
    label = next(i for i, d in enumerate(comparison.items) if d.kinds == (LABEL,))

    [made] = adjudication.decide(comparison.items[only_alice], "first")
    assert (made.label, made.text, made.annotator) == ("GPE", "Pakistan", "carol")
    assert [m.id for m in adjudication.curated(1)] == [made.id]
    with pytest.raises(WorkbenchError, match="settled already"):
        adjudication.decide(comparison.items[only_alice], "reject")

    [edited] = adjudication.decide(comparison.items[label], "second", label="NORP")
    assert (edited.text, edited.label) == ("Iran", "NORP")
    after = adjudication.compare(1, "alice", "bob")
    assert after.open_count == comparison.open_count - 2
    assert after.settled[only_alice] and after.settled[label]

    # a rejection keeps neither side, and stays settled
    other = next(
        i for i, (d, done) in enumerate(zip(after.items, after.settled, strict=True)) if not done
    )
    assert adjudication.decide(after.items[other], "reject")[0].status == "rejected"
    assert len(adjudication.curated(1)) == 2
    assert adjudication.compare(1, "alice", "bob").open_count == comparison.open_count - 3

    # one undo takes back one decision, the newest
    assert workspace.history.undo() == "adjudicate: reject"
    assert adjudication.compare(1, "alice", "bob").open_count == comparison.open_count - 2
    assert workspace.history.undo() == "adjudicate: second"
    assert [m.text for m in adjudication.curated(1)] == ["Pakistan"]

    # the automatic part never undoes a decision: a re-run copies only what is new
    workspace.curation.curate([1])
    curated = adjudication.curated(1)
    assert made.id in {m.id for m in curated}
    assert sum(m.start == made.start for m in curated) == 1
    # alice's and bob's layers were never touched
    assert workspace.team.agreement([1], ["alice", "bob"])["pairs"][0]["spans"]["exact"][
        "a_only"
    ] == sum(d.kinds == (ONLY_FIRST,) for d in comparison.items)
    workspace.close()


def test_blind_annotation_hides_other_layers_until_done(tmp_path: Path, db_target) -> None:
    db = _layers(tmp_path, db_target)
    run("--db", db, "assign", "--doc", "1", "--to", "alice,bob")
    refused = run("--db", db, "--annotator", "alice", "adjudicate", "1", check=False)
    assert refused.returncode == 1
    assert refused.stderr.startswith("error: document 1 is assigned to you and not done")
    assert "Traceback" not in refused.stderr
    run("--db", db, "--annotator", "alice", "done", "1")
    listed = json.loads(run("--db", db, "--annotator", "alice", "adjudicate", "1", "--json").stdout)
    assert (listed["first"], listed["second"]) == ("alice", "bob")
    assert listed["disagreements"] and not any(d["settled"] for d in listed["disagreements"])
    # bob is not done; the project's switch lets him see
    assert run("--db", db, "--annotator", "bob", "adjudicate", "1", check=False).returncode == 1
    shown = json.loads(run("--db", db, "project", "--see-others", "--json").stdout)
    assert shown["see_others"] is True
    assert run("--db", db, "--annotator", "bob", "adjudicate", "1").stdout.startswith(
        "document 1: alice / bob:"
    )


def test_adjudicate_bad_input_is_one_error_line(tmp_path: Path, db_target) -> None:
    db = _layers(tmp_path, db_target)
    for arguments, message in (
        (("--annotators", "alice"), "error: name two layers, --annotators A,B, not 'alice'"),
        (("--annotators", "alice,alice"), "error: compare two different layers"),
    ):
        done = run("--db", db, "adjudicate", "1", *arguments, check=False)
        assert done.returncode == 1
        assert done.stderr.startswith(message), done.stderr
    single = str(tmp_path / "single.db")
    run("--db", single, "import", str(SEEDS))  # the shared layer only
    done = run("--db", single, "adjudicate", "1", check=False)
    assert done.returncode == 1
    assert done.stderr.startswith("error: document 1 has fewer than two layers to compare")


async def _press_J(app: WorkbenchApp, pilot: Any) -> AdjudicationScreen:
    """J on the focused document: the adjudication screen it opens."""
    await pilot.pause()
    await pilot.press("J")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, AdjudicationScreen)
    return screen


@pytest.mark.asyncio
async def test_adjudication_by_keyboard(tmp_path: Path, db_target) -> None:
    """J opens the screen on the focused document; one key settles a disagreement and
    moves to the next open one; an edit is e and a digit; u undoes the newest."""
    workspace = _open(tmp_path, db_target)
    app = WorkbenchApp(workspace, 1, 2, steady=True)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _press_J(app, pilot)
        comparison = screen.comparison
        assert comparison is not None
        total = comparison.open_count
        panes = [p.view for p in screen.query("DocumentPane")]
        assert [len(v.mentions) for v in panes] == [
            len(comparison.first_mentions),
            len(comparison.second_mentions),
        ]
        first_item = comparison.items[0]
        # the panes select the disagreement's span
        assert panes[0].selection is not None
        assert (panes[0].cursor, panes[0].selection_anchor) == (
            first_item.start,
            first_item.end,
        )

        await pilot.press("1")  # take alice's span: one key
        await pilot.pause()
        assert screen.comparison.open_count == total - 1
        assert screen.table.cursor == 1  # on to the next open one
        label_item = next(
            i
            for i, d in enumerate(screen.items)
            if d.kinds == (LABEL,) and not screen.comparison.settled[i]
        )
        screen.table.move_to(label_item)
        await pilot.press("e", "2")  # edit: e and the label's digit
        await pilot.pause()
        assert screen.comparison.open_count == total - 2
        labels = workspace.annotations.labels()
        assert [m.label for m in workspace.adjudication.curated(1)].count(labels[1]) >= 1
        await pilot.press("x")  # reject the next open one
        await pilot.pause()
        assert screen.comparison.open_count == total - 3
        await pilot.press("u")
        await pilot.pause()
        assert screen.comparison.open_count == total - 2
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main_screen
    with workspace.store.in_layer(CURATED):
        assert {m.annotator for m in workspace.annotations.mentions(1)} == {"carol"}
    workspace.close()


@pytest.mark.asyncio
async def test_blind_annotator_gets_a_notification_not_the_screen(
    tmp_path: Path, db_target
) -> None:
    db = _layers(tmp_path, db_target)
    run("--db", db, "assign", "--doc", "1", "--to", "alice,bob")
    workspace = Workspace.open(db, "alice")
    app = WorkbenchApp(workspace, 1, 2, steady=True)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("J")
        await pilot.pause()
        assert app.screen is app.main_screen
        assert any("blind" in n.message for n in app._notifications)
    workspace.close()


def test_siding_with_the_layer_that_marked_nothing_rejects_the_other() -> None:
    only_second = Disagreement(1, (ONLY_SECOND,), None, Span(1, 5, 9, "GPE"))
    assert only_second.taken("first") == ()
    assert only_second.rejected("first") == (only_second.second,)
    assert only_second.rejected("second") == ()
    boundary = Disagreement(1, (BOUNDARY,), Span(1, 10, 20, "ORG"), Span(1, 10, 17, "ORG"))
    assert boundary.rejected("first") == () and boundary.rejected("reject") == boundary.sides


def _event_layers(
    tmp_path: Path, target: Path | str, bob_from: Any = None
) -> tuple[str, list[dict]]:
    """alice's and bob's layers with events: bob lacks the first event, types the next one
    otherwise and never gives Pakistan a role (`bob_from`: another way to make bob's
    events from alice's, which never give Pakistan a role either)."""
    db = _layers(tmp_path, target)
    events = [json.loads(line) for line in (SEEDS / "events.jsonl").read_text().splitlines()]
    bob = [{**e, "roles": [r for r in e["roles"] if r["text"] != "Pakistan"]} for e in events]
    if bob_from is None:
        bob = bob[1:]
        bob[0] = {**bob[0], "type": "Strategic developments", "subtype": None}
    else:
        bob = bob_from(bob)
    for name, records in (("alice", events), ("bob", bob)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "events.jsonl").write_text("\n".join(map(json.dumps, records)) + "\n")
        run("--db", db, "--annotator", name, "import", str(tmp_path / name / "events.jsonl"))
    return db, events


def test_event_disagreements_are_settled_with_their_roles(tmp_path: Path, db_target) -> None:
    db, _ = _event_layers(tmp_path, db_target)
    workspace = Workspace.open(db, "carol")
    adjudication = workspace.adjudication
    comparison = adjudication.compare(1, "alice", "bob")
    event_items = [d for d in comparison.items if d.is_event]
    kinds = {k for d in event_items for k in d.kinds}
    assert {EVENT_ONLY_FIRST, EVENT_TYPE, ROLES} <= kinds
    missing = next(d for d in event_items if d.kinds == (EVENT_ONLY_FIRST,))
    retyped = next(d for d in event_items if EVENT_TYPE in d.kinds)
    roles = next(d for d in event_items if d.kinds == (ROLES,))

    # take alice's event: its fields and roles, with curated mentions for the roles
    adjudication.decide(missing, "first")
    with workspace.store.in_layer(CURATED):
        [taken] = workspace.events.of_document(1)
        role_mentions = {m.id for m in workspace.annotations.mentions(1)}
    source = workspace.store.events.get(missing.first.event_id)
    assert (taken.type, taken.subtype, taken.trigger_start, taken.date) == (
        source.type,
        source.subtype,
        source.trigger_start,
        source.date,
    )
    assert [(r.role, r.mention_text) for r in taken.roles] == [
        (r.role, r.mention_text) for r in source.roles
    ]
    assert {r.mention_id for r in taken.roles} <= role_mentions
    assert taken.annotator == "carol"

    adjudication.decide(retyped, "second")  # bob's type
    with workspace.store.in_layer(CURATED):
        types = {e.trigger_start: e.type for e in workspace.events.of_document(1)}
    assert types[retyped.start] == "Strategic developments"

    adjudication.decide(roles, "reject")  # neither: recorded, and settled
    with workspace.store.in_layer(CURATED):
        assert (roles.start, roles.end) in workspace.store.events.rejected(1)
    after = adjudication.compare(1, "alice", "bob")
    settled_now = {
        (d.start, d.kinds) for d, done in zip(after.items, after.settled, strict=True) if done
    }
    assert {(missing.start, missing.kinds), (retyped.start, retyped.kinds)} <= settled_now
    assert (roles.start, roles.kinds) in settled_now
    with pytest.raises(WorkbenchError, match="settled already"):
        adjudication.decide(roles, "first")
    with pytest.raises(WorkbenchError, match="edited after taking it"):
        adjudication.decide(
            next(d for d in after.items if d.is_event and d.kinds != (ROLES,)),
            "first",
            label="ORG",
        )

    # one undo each, newest first: the rejection, then bob's type
    assert workspace.history.undo() == "adjudicate: reject"
    assert workspace.history.undo() == "adjudicate: second"
    with workspace.store.in_layer(CURATED):
        assert len(workspace.events.of_document(1)) == 1 and not workspace.store.events.rejected(1)
    workspace.close()
    listed = json.loads(run("--db", db, "adjudicate", "1", "--json").stdout)
    shown = [d for d in listed["disagreements"] if d["kinds"] == [EVENT_TYPE]]
    assert shown and shown[0]["first"]["event_type"] != shown[0]["second"]["event_type"]
    assert all("roles" in d["first"] for d in shown)


@pytest.mark.asyncio
async def test_an_event_is_taken_by_keyboard_and_drawn_in_both_panes(
    tmp_path: Path, db_target
) -> None:
    db, _ = _event_layers(tmp_path, db_target)
    workspace = Workspace.open(db, "carol")
    app = WorkbenchApp(workspace, 1, 2, steady=True)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _press_J(app, pilot)
        left, right = (p.view for p in screen.query("DocumentPane"))
        assert left.events and right.events and len(left.events) > len(right.events)
        retyped = next(i for i, d in enumerate(screen.items) if EVENT_TYPE in d.kinds)
        screen.table.move_to(retyped)
        await pilot.press("2")
        await pilot.pause()
        assert screen.comparison.settled[retyped]
    with workspace.store.in_layer(CURATED):
        [event] = workspace.events.of_document(1)
    assert event.type == "Strategic developments" and event.annotator == "carol"
    workspace.close()


def test_curate_copies_unanimous_events_with_their_roles_once(tmp_path: Path, db_target) -> None:
    db, events = _event_layers(tmp_path, db_target)
    # bob typed events[1] otherwise, lacks events[0] (so the other report of its incident
    # is in an incident of one report in bob's layer) and every role filled by Pakistan
    unanimous = [
        e
        for e in events[2:]
        if all(r["text"] != "Pakistan" for r in e["roles"]) and e["cluster"] != events[0]["cluster"]
    ]
    assert unanimous
    out = run("--db", db, "--annotator", "carla", "curate").stdout.strip()
    assert out.endswith(f"and {len(unanimous)} unanimous events added to the curated layer")
    workspace = Workspace.open(db, "carla")
    with workspace.store.in_layer(CURATED):
        curated = workspace.events.of_document(None)
    assert sorted((e.trigger_text, e.type, len(e.roles)) for e in curated) == sorted(
        (e["trigger"]["text"], e["type"], len(e["roles"])) for e in unanimous
    )
    assert {e.annotator for e in curated} == {"carla"}
    workspace.close()
    again = run("--db", db, "--annotator", "carla", "curate").stdout.strip()
    assert again == "0 unanimous mentions and 0 unanimous events added to the curated layer"


def _rask_alone(events: list[dict]) -> list[dict]:
    """bob's events: all of alice's, but the second report of the Rask attack (document
    2) is not in the incident of the first (document 1)."""
    return [{**e, "cluster": None} if i == RASK_SECOND else e for i, e in enumerate(events)]


RASK_FIRST, RASK_SECOND = 4, 10  # the Rask attack's reports among the seeds' events


def _incident_item(workspace: Workspace, doc_id: int) -> Disagreement:
    [item] = [
        d
        for d in workspace.adjudication.compare(doc_id, "alice", "bob").items
        if INCIDENT in d.kinds
    ]
    return item


def _incident_settled(workspace: Workspace, doc_id: int) -> bool:
    comparison = workspace.adjudication.compare(doc_id, "alice", "bob")
    [done] = [
        done
        for item, done in zip(comparison.items, comparison.settled, strict=True)
        if INCIDENT in item.kinds
    ]
    return done


def _curated_incidents(workspace: Workspace) -> list[list[tuple[int, str]]]:
    """The curated layer's events as incidents: (document, trigger) of each report."""
    with workspace.store.in_layer(CURATED):
        events = workspace.events.of_document(None)
    groups: dict[object, list[tuple[int, str]]] = {}
    for event in events:
        key = event.cluster_id if event.cluster_id is not None else f"alone {event.id}"
        groups.setdefault(key, []).append((event.doc_id, event.trigger_text))
    return sorted(groups.values())


def test_an_incident_disagreement_takes_one_side_s_incident_whole(
    tmp_path: Path, db_target
) -> None:
    db, events = _event_layers(tmp_path, db_target, _rask_alone)
    first, second = events[RASK_FIRST]["trigger"], events[RASK_SECOND]["trigger"]
    workspace = Workspace.open(db, "carol")
    adjudication = workspace.adjudication
    item = _incident_item(workspace, 1)
    assert item.kinds == (INCIDENT,)
    assert item.first.partners == {(2, second["start"], second["end"])}
    assert item.second.partners == frozenset()
    listed = json.loads(run("--db", db, "adjudicate", "1", "--json").stdout)
    [shown] = [d for d in listed["disagreements"] if d["kinds"] == [INCIDENT]]
    assert shown["first"]["incident"] == [
        {"doc_id": 2, "start": second["start"], "end": second["end"]}
    ]
    assert shown["second"]["incident"] == []
    assert "(incident of 2)" in run("--db", db, "adjudicate", "1").stdout

    # alice's incident: the other report is taken from her layer too, and both are one
    adjudication.decide(item, "first")
    both = [(1, first["text"]), (2, second["text"])]
    assert _curated_incidents(workspace) == [both]
    assert _incident_settled(workspace, 1)
    assert _incident_settled(workspace, 2)  # alice's incident is there too
    with pytest.raises(WorkbenchError, match="settled already"):
        adjudication.decide(item, "second")
    workspace.history.undo()  # one step takes back both reports
    assert _curated_incidents(workspace) == []

    # bob's: the event alone; document 2's report stays open
    adjudication.decide(item, "second")
    assert _curated_incidents(workspace) == [[(1, first["text"])]]
    assert _incident_settled(workspace, 1)
    later = _incident_item(workspace, 2)
    assert not _incident_settled(workspace, 2)
    # alice's on document 2 moves the curated report of document 1 into her incident
    adjudication.decide(later, "first")
    assert _curated_incidents(workspace) == [both]
    workspace.close()


def test_curate_joins_the_incidents_every_layer_agrees_on(tmp_path: Path, db_target) -> None:
    db, events = _event_layers(tmp_path, db_target, _rask_alone)
    run("--db", db, "--annotator", "carla", "curate")
    workspace = Workspace.open(db, "carla")
    incidents = _curated_incidents(workspace)
    # the Rask attack's reports are in different incidents in the two layers: not curated
    rask = {(1, events[RASK_FIRST]["trigger"]["text"]), (2, events[RASK_SECOND]["trigger"]["text"])}
    assert not rask & {report for incident in incidents for report in incident}
    # every other incident whose reports are all unanimous is curated whole
    curated = [
        e
        for e in events
        if all(r["text"] != "Pakistan" for r in e["roles"])
        and e["cluster"] != events[RASK_FIRST]["cluster"]
    ]
    whole = {
        e["cluster"]
        for e in curated
        if e["cluster"] and all(o in curated for o in events if o["cluster"] == e["cluster"])
    }
    assert whole
    assert sum(len(incident) > 1 for incident in incidents) == len(whole)
    workspace.close()


@pytest.mark.asyncio
async def test_an_incident_is_taken_by_keyboard(tmp_path: Path, db_target) -> None:
    db, _ = _event_layers(tmp_path, db_target, _rask_alone)
    workspace = Workspace.open(db, "carol")
    app = WorkbenchApp(workspace, 1, 2, steady=True)
    async with app.run_test(size=(150, 36)) as pilot:
        screen = await _press_J(app, pilot)
        row = next(i for i, d in enumerate(screen.items) if d.kinds == (INCIDENT,))
        screen.table.move_to(row)
        await pilot.pause()
        assert "incident of 2" in str(screen.table.rows[row])
        detail = str(screen.query_one("#adjudication-detail").render())
        assert "alice: with 1 report (document 2) · bob: alone" in detail
        await pilot.press("1")
        await pilot.pause()
        assert screen.comparison.settled[row]
        assert len(_curated_incidents(workspace)) == 1
        await pilot.press("u")
        await pilot.pause()
        assert not screen.comparison.settled[row]
    assert _curated_incidents(workspace) == []
    workspace.close()
