"""Events in the store: fields, roles, clusters, undo, and the seed gold events."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from helpers import SEEDS

from workbench.errors import EventNotFound, InvalidSpan, WorkbenchError
from workbench.store import Store


def span(store: Store, doc_id: int, text: str, context: str) -> tuple[int, int]:
    body = store.documents.text(doc_id)
    start = body.index(text, body.index(context))
    return start, start + len(text)


def test_event_fields_ranges_and_certainty(seeded: Store) -> None:
    trigger = span(seeded, 2, "struck", "armed forces struck")
    event = seeded.events.add(
        2,
        "explosions/remote violence",
        "air/drone strike",
        trigger=trigger,
        date="2024-01-18",
        date_text="January 18",
        date_precision="day",
        fatalities=(9, 11),
        certainty="claimed",
        note="reports disagree",
    )
    assert (event.type, event.subtype) == ("Explosions/Remote violence", "Air/drone strike")
    assert (event.trigger_text, event.fatalities_low, event.fatalities_high) == ("struck", 9, 11)
    assert event.certainty == "claimed" and event.annotator == "tester"
    assert seeded.events.update(event.id, fatalities=9).fatalities_high == 9
    for bad in (
        {"certainty": "rumoured"},
        {"fatalities": (5, 2)},
        {"fatalities": -1},
        {"type": "Picnic"},
    ):
        with pytest.raises(WorkbenchError):
            seeded.events.update(event.id, **bad)
    with pytest.raises(WorkbenchError, match="unknown sub-type"):
        seeded.events.add(2, "Battles", "Air/drone strike")


def test_trigger_may_overlap_an_entity_mention(seeded: Store) -> None:
    # "Marg Bar Sarmachar" is an EVENT mention; the operation's trigger is that same span
    trigger = span(seeded, 1, "Marg Bar Sarmachar", "called the operation")
    assert seeded.mentions.id_at(1, *trigger) is not None
    event = seeded.events.add(1, "Explosions/Remote violence", "Air/drone strike", trigger=trigger)
    assert event.trigger_text == "Marg Bar Sarmachar"


def test_roles_clusters_and_undo(seeded: Store) -> None:
    left = seeded.events.add(
        1, "Battles", "Armed clash", trigger=span(seeded, 1, "killed", "forces killed")
    )
    right = seeded.events.add(
        2, "Battles", "Armed clash", trigger=span(seeded, 2, "killed", "had killed")
    )
    victim = seeded.mentions.id_at(
        1, *span(seeded, 1, "Ismail Shahbakhsh", "killed Ismail Shahbakhsh,")
    )
    event = seeded.events.add_role(left.id, "Victim", victim)
    assert [(r.role, r.entity_id) for r in event.roles] == [("Victim", "ismail-shahbakhsh")]
    other_doc = seeded.mentions.id_at(2, *span(seeded, 2, "Ismail Shah Bakhsh", "killing of"))
    with pytest.raises(InvalidSpan, match="document"):
        seeded.events.add_role(left.id, "Victim", other_doc)
    cluster = seeded.events.cluster([left.id, right.id], name="killing")
    assert (
        seeded.events.get(left.id).cluster_id == seeded.events.get(right.id).cluster_id == cluster
    )
    seeded.undo()  # the cluster
    assert seeded.events.get(left.id).cluster_id is None
    seeded.events.delete(left.id)
    with pytest.raises(EventNotFound):
        seeded.events.get(left.id)
    seeded.undo()  # the event comes back with its role
    assert [r.role for r in seeded.events.get(left.id).roles] == ["Victim"]


def test_deleting_a_role_mention_removes_the_role_and_undo_restores_both(seeded: Store) -> None:
    event = seeded.events.add(1, "Battles", "Armed clash")
    victim = seeded.mentions.id_at(
        1, *span(seeded, 1, "Ismail Shahbakhsh", "killed Ismail Shahbakhsh,")
    )
    seeded.events.add_role(event.id, "Victim", victim)
    seeded.mentions.delete(victim)
    assert seeded.events.get(event.id).roles == ()
    seeded.undo()
    assert seeded.mentions.get(victim).text == "Ismail Shahbakhsh"
    assert [r.mention_id for r in seeded.events.get(event.id).roles] == [victim]


def test_seed_gold_events_list_roles_and_a_cluster_over_both_articles(tmp_path) -> None:
    db = str(tmp_path / "x.db")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "workbench", "--db", db, *args],
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert run("import", str(SEEDS)).returncode == 0
    again = run("import", str(SEEDS))
    assert "0 events" in again.stdout  # idempotent
    events = json.loads(run("events", "--json").stdout)
    assert len(events) == len((SEEDS / "events.jsonl").read_text().splitlines())
    strikes = [
        e for e in events if e["date"] == "2024-01-18" and e["subtype"] == "Air/drone strike"
    ]
    assert {e["doc_id"] for e in strikes} == {1, 2}
    assert len({e["cluster"] for e in strikes}) == 1 and strikes[0]["cluster"] is not None
    attackers = {r["kb_id"] for e in strikes for r in e["roles"] if r["role"] == "Attacker"}
    assert attackers == {"pakistan"}
    targets = {r["entity"] for e in strikes for r in e["roles"] if r["role"] == "Target"}
    assert targets == {"Balochistan Liberation Army", "Balochistan Liberation Front"}
    assert all(e["fatalities"] == 9 for e in strikes)
    one_doc = json.loads(run("events", "--doc", "2", "--json").stdout)
    assert {e["doc_id"] for e in one_doc} == {2}
    missing = run("events", "--doc", "99")
    assert missing.returncode == 1 and missing.stderr.startswith("error: no document with id 99")


def test_taxonomy_is_configurable(seeded: Store, tmp_path) -> None:
    assert "Battles" in seeded.events.taxonomy()
    seeded.events.set_taxonomy({"Cyber": ["Intrusion", "Leak"], "Court ruling": []})
    event = seeded.events.add(1, "cyber", "leak")
    assert (event.type, event.subtype) == ("Cyber", "Leak")
    assert seeded.events.add(1, "Court ruling").subtype is None
    with pytest.raises(WorkbenchError, match="unknown event type"):
        seeded.events.add(1, "Battles", "Armed clash")
    for bad in ({}, {"X": "not a list"}, {"": []}, ["list"]):
        with pytest.raises(WorkbenchError):
            seeded.events.set_taxonomy(bad)
    broken = tmp_path / "taxonomy.json"
    broken.write_text("{not json")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "workbench",
            "--db",
            str(seeded.target),
            "events",
            "--taxonomy",
            str(broken),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and result.stderr.startswith(
        f"error: {broken}: cannot read taxonomy"
    )
