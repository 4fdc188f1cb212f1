"""Every built-in exporter's output, read back by the real client of its format."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.exporters.builtin.stix import stix_id
from workbench.importers import import_paths
from workbench.model import ACCEPTED
from workbench.plugins import load_plugins
from workbench.store import Store

FORMATS = ("jsonl", "spacy", "brat", "conll", "csv", "stix", "graphml")


def stored_spans(store) -> dict[int, list[tuple[int, int, str, str, str | None]]]:
    return {
        d.id: [
            (m.start, m.end, m.label, m.text, m.entity_id)
            for m in store.mentions.of_document(d.id, (ACCEPTED,))
        ]
        for d in store.documents.summaries()
    }


def test_jsonl_spans_match_the_stored_offsets(seeded, export) -> None:
    path, _ = export("jsonl")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    stored = stored_spans(seeded)
    assert [r["id"] for r in records] == sorted(stored)
    for record in records:
        spans = [(s["start"], s["end"], s["label"], s["text"], s["kb_id"]) for s in record["spans"]]
        assert spans == stored[record["id"]]
        for s in record["spans"]:
            assert record["text"][s["start"] : s["end"]] == s["text"]
        for event in record["events"]:
            for role in event["roles"]:
                assert record["text"][role["start"] : role["end"]] == role["text"]
    assert sum(len(r["events"]) for r in records) == 13


def test_spacy_docbin_has_the_entities_and_kb_ids(seeded, export) -> None:
    import spacy
    from spacy.tokens import DocBin

    path, warnings = export("spacy")
    docs = list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))
    stored = stored_spans(seeded)
    assert len(docs) == len(stored)
    for doc, doc_id in zip(docs, sorted(stored), strict=True):
        assert doc.user_data["workbench_id"] == doc_id
        ents = [(e.start_char, e.end_char, e.label_, e.text, e.kb_id_ or None) for e in doc.ents]
        assert ents == stored[doc_id], warnings
        assert len(doc.spans["workbench"]) == len(stored[doc_id])


def test_conll_is_read_by_spacy_convert_and_seqeval(seeded, export, tmp_path: Path) -> None:
    from seqeval.metrics.sequence_labeling import get_entities

    path, warnings = export("conll")
    text = path.read_text(encoding="utf-8")
    assert text.count("-DOCSTART-") == 2
    tags = [
        line.split()[-1] for line in text.splitlines() if line and not line.startswith("-DOCSTART-")
    ]
    entities = get_entities(tags)
    assert len(entities) == sum(len(v) for v in stored_spans(seeded).values())
    assert any("links" in w for w in warnings) and any("events" in w for w in warnings)
    out = tmp_path / "converted"
    out.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "spacy", "convert", str(path), str(out), "--converter", "ner"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    import spacy
    from spacy.tokens import DocBin

    (converted,) = list(out.glob("*.spacy"))
    docs = list(DocBin().from_disk(converted).get_docs(spacy.blank("en").vocab))
    assert sum(len(d.ents) for d in docs) == len(entities)


def test_stix_bundle_is_valid_in_strict_mode_and_parses(seeded, export) -> None:
    import stix2
    from stix2validator import ValidationOptions, validate_file

    path, warnings = export("stix")
    result = validate_file(str(path), ValidationOptions(strict=True, version="2.1"))
    assert result.is_valid, [str(e) for o in result.object_results for e in o.errors]
    bundle = stix2.parse(path.read_text(encoding="utf-8"), allow_custom=False)
    types = {o.type for o in bundle.objects}
    assert {"report", "identity", "threat-actor", "location", "relationship"} <= types
    reports = [o for o in bundle.objects if o.type == "report"]
    assert len(reports) == 2
    ids = {o.id for o in bundle.objects}
    assert stix_id("identity", "ismail-shahbakhsh") in ids
    balochistan, sistan = (
        stix_id("location", "balochistan"),
        stix_id("location", "sistan-baluchestan"),
    )
    assert {balochistan, sistan} <= ids
    countries = {o.id: o.country for o in bundle.objects if o.type == "location"}
    assert countries[balochistan] == "PK" and countries[sistan] == "IR"
    irgc = stix_id("threat-actor", "irgc")
    assert any(
        o.type == "relationship" and o.source_ref == irgc and o.relationship_type == "targets"
        for o in bundle.objects
    )
    assert any("LANGUAGE" in w for w in warnings)


def test_graphml_is_read_by_networkx(seeded, export) -> None:
    import networkx

    path, _ = export("graphml")
    graph = networkx.read_graphml(path)
    linked = {
        m.entity_id
        for d in seeded.documents.summaries()
        for m in seeded.mentions.of_document(d.id, (ACCEPTED,))
    }
    linked.discard(None)
    assert set(graph.nodes) == linked
    assert graph.nodes["jaish-al-adl"]["label"] == "ORG"
    assert graph.nodes["jaish-al-adl"]["mentions"] == sum(
        seeded.mentions.per_document("jaish-al-adl").values()
    )
    cooccurrence = graph.get_edge_data("iran", "pakistan")
    assert any(
        e["kind"] == "cooccurrence" and e["weight"] == 2 and e["documents"] == "1 2"
        for e in cooccurrence.values()
    )
    event_edges = graph.get_edge_data("irgc", "jaish-al-adl")
    assert any(
        e["kind"] == "event" and e["relation"] == "Attacker->Target" for e in event_edges.values()
    )


def test_csv_files_read_back_with_neutral_formulas(seeded, export) -> None:
    path, _ = export("csv")
    with open(path / "events.csv", newline="", encoding="utf-8") as f:
        events = list(csv.DictReader(f))
    with open(path / "mentions.csv", newline="", encoding="utf-8") as f:
        mentions = list(csv.DictReader(f))
    with open(path / "entities.csv", newline="", encoding="utf-8") as f:
        entities = list(csv.DictReader(f))
    assert len(events) == 13 and len(mentions) == 150
    assert {
        "event_date",
        "event_type",
        "sub_event_type",
        "actor1",
        "actor2",
        "location",
        "fatalities",
        "source",
        "notes",
    } <= set(events[0])
    strike = next(
        e
        for e in events
        if e["sub_event_type"] == "Air/drone strike" and e["event_date"] == "2024-01-16"
    )
    assert (
        "Islamic Revolutionary Guard Corps" in strike["actor1"]
        and "Jaish al-Adl" in strike["actor2"]
    )
    assert strike["fatalities"] == "2"
    assert {e["entity_id"] for e in entities} >= {"bla", "blf", "balochistan", "sistan-baluchestan"}


def test_brat_is_read_by_bratly_and_round_trips_through_our_importer(
    seeded, export, tmp_path: Path
) -> None:
    from bratly import EntityAnnotation, EventAnnotation
    from bratly.io import parse_ann_file

    path, _ = export("brat")
    assert (path / "annotation.conf").read_text().startswith("[entities]")
    stored = stored_spans(seeded)
    anns = sorted(path.glob("*.ann"))
    assert len(anns) == 2
    for ann, doc_id in zip(anns, sorted(stored), strict=True):
        collection = parse_ann_file(
            ann.read_text(encoding="utf-8"),
            str(ann),
            sorting=False,
            renumerotize=False,
            no_duplicates=False,
        )
        text = ann.with_suffix(".txt").read_text(encoding="utf-8")
        events = [a for a in collection.annotations if isinstance(a, EventAnnotation)]
        triggers = {e.event_trigger.id for e in events}
        spans = sorted(
            (a.fragments[0].start, a.fragments[-1].end, a.label, a.content)
            for a in collection.annotations
            if isinstance(a, EntityAnnotation) and a.id not in triggers
        )
        assert spans == sorted((s, e, label, t) for s, e, label, t, _ in stored[doc_id])
        assert all(text[s:e] == t for s, e, _, t in spans)
        assert len(events) == len(seeded.events.of_document(doc_id))
    # Our own importer, into an empty database: same spans, labels, links and events.
    with Store.open(tmp_path / "again.db", annotator="tester") as again:
        summary = import_paths(
            again, [path], fmt="brat", importers=load_plugins((), entry_points=False).importers
        )
        assert not summary.errors, summary.errors
        again_spans = stored_spans(again)
        assert sorted(again_spans.values()) == sorted(stored.values())
        assert len(again.events.of_document()) == len(seeded.events.of_document())
        assert {e.cluster_id is not None for e in again.events.of_document()} == {
            e.cluster_id is not None for e in seeded.events.of_document()
        }
        # Importing the same folder again adds nothing.
        twice = import_paths(
            again, [path], fmt="brat", importers=load_plugins((), entry_points=False).importers
        )
        assert (twice.documents_added, twice.mentions_added, twice.events_added) == (0, 0, 0)


@pytest.mark.parametrize("name", FORMATS)
def test_exports_are_deterministic(name: str, export, tmp_path: Path) -> None:
    first, _ = export(name)
    before = _bytes(first)
    second, _ = export(name)
    assert _bytes(second) == before


def _bytes(path: Path) -> dict[str, bytes]:
    if path.is_file():
        return {"": path.read_bytes()}
    return {p.name: p.read_bytes() for p in sorted(path.iterdir())}


def test_scope_and_suggestions(seeded, export) -> None:
    doc = seeded.documents.summaries()[0]
    start = seeded.documents.text(doc.id).index("border")
    m = seeded.mentions.add(doc.id, start, start + 6, "LOC", status="suggested", source="ruler")
    path, _ = export("jsonl", doc_ids=[doc.id])
    records = [json.loads(x) for x in path.read_text().splitlines()]
    assert [r["id"] for r in records] == [doc.id]
    assert all(s["status"] == "accepted" for s in records[0]["spans"])
    path, _ = export("jsonl", include_suggestions=True, doc_ids=[doc.id])
    spans = json.loads(path.read_text().splitlines()[0])["spans"]
    assert any(s["status"] == "suggested" and s["start"] == m.start for s in spans)


@pytest.mark.parametrize(
    "written, stored",
    [
        ("2024-02-24T10:00:00+05:00", "2024-02-24T10:00:00+05:00"),
        ("2024-02-24T10:00", "2024-02-24T10:00:00"),
        ("20240224", "2024-02-24"),
        ("2024-W08-6", "2024-02-24"),
        ("2024-02-24 10:00:00", "2024-02-24T10:00:00"),
    ],
)
def test_every_published_form_import_accepts_gives_a_strictly_valid_stix_bundle(
    store, plugins, tmp_path: Path, written: str, stored: str
) -> None:
    from stix2validator import ValidationOptions, validate_file

    from workbench.exporters import ExportView, run_export

    article = tmp_path / "a.txt"
    article.write_text(f"Title: A\nPublished: {written}\n\nAbdolmalek Rigi spoke.\n")
    assert not import_paths(store, [article]).errors
    (doc,) = store.documents.summaries()
    assert doc.published == stored
    assert store.documents.get(doc.id).meta.get("published_as_written", written) == written
    person = store.kb.add_entity("Abdolmalek Rigi", "PERSON")
    store.mentions.add(doc.id, 0, 15, "PERSON", entity_id=person.id)
    output = tmp_path / "bundle.json"
    run_export(plugins.exporter("stix"), ExportView(store), output)
    result = validate_file(str(output), ValidationOptions(strict=True, version="2.1"))
    assert result.is_valid, [str(e) for o in result.object_results for e in o.errors]
    report = next(o for o in json.loads(output.read_text())["objects"] if o["type"] == "report")
    if written.endswith("+05:00"):
        assert report["published"] == "2024-02-24T05:00:00.000Z"
