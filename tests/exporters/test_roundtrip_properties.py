"""Property-based round trips: random documents and spans through jsonl and brat."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.exporters import ExportView, run_export
from workbench.importers import import_paths
from workbench.importers.reading import normalise_text, sha256_text
from workbench.model import NewDocument
from workbench.plugins import load_plugins
from workbench.store import Store

PLUGINS = load_plugins((), entry_points=False)
LABELS = ("PERSON", "ORG", "GPE", "DATE")
ALPHABET = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"), include_characters="\n\t")


@st.composite
def documents(draw):
    """A text with spans that start and end on non-space characters (as marked words do)."""
    text = normalise_text(draw(st.text(ALPHABET, min_size=1, max_size=300)))
    solid = [i for i, ch in enumerate(text) if not ch.isspace()]
    spans = set()
    if solid:
        for _ in range(draw(st.integers(0, 8))):
            a = draw(st.sampled_from(solid))
            b = draw(st.sampled_from([i for i in solid if i >= a]))
            spans.add((a, b + 1, draw(st.sampled_from(LABELS))))
    return text, sorted(spans)


def _store_with(folder: Path, text: str, spans) -> Store:
    store = Store.open(folder / "w.db", annotator="prop")
    (doc_id,), _ = store.documents.add_many(
        [NewDocument(title="../random title", text=text, sha256=sha256_text(text), origin="prop")]
    )
    for start, end, label in spans:
        store.mentions.add(doc_id, start, end, label, learn_alias=False)
    return store


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_jsonl_round_trip(doc) -> None:
    text, spans = doc
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with _store_with(folder, text, spans) as store:
            run_export(PLUGINS.exporter("jsonl"), ExportView(store), folder / "out.jsonl")
        (record,) = [
            json.loads(x) for x in (folder / "out.jsonl").read_text(encoding="utf-8").splitlines()
        ]
        assert record["text"] == text
        assert sorted((s["start"], s["end"], s["label"]) for s in record["spans"]) == spans
        assert all(text[s["start"] : s["end"]] == s["text"] for s in record["spans"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_brat_round_trip(doc) -> None:
    text, spans = doc
    if not text.strip():
        return  # an empty document is refused at import, by design
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with _store_with(folder, text, spans) as store:
            run_export(PLUGINS.exporter("brat"), ExportView(store), folder / "brat")
        with Store.open(folder / "again.db", annotator="prop") as again:
            summary = import_paths(
                again, [folder / "brat"], fmt="brat", importers=PLUGINS.importers
            )
            assert not summary.errors, summary.errors
            (d,) = again.documents.summaries()
            assert again.documents.text(d.id) == text
            assert (
                sorted((m.start, m.end, m.label) for m in again.mentions.of_document(d.id)) == spans
            )


ANY_CHARACTER = st.characters(codec="utf-8", exclude_categories=("Cs",))
ENTITY_IDS = st.text(ANY_CHARACTER, min_size=1, max_size=24).map(
    lambda s: f"{s}x" if not s.strip() else s
)
ANY_TEXT = st.text(st.one_of(ANY_CHARACTER, st.sampled_from("\u2028\u2029\x85\n\t\r")), max_size=40)
ROLE_NAMES = (
    st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
        min_size=1,
        max_size=20,
    )
    .map(str.strip)
    .filter(bool)
)
LETTERS = st.characters(codec="utf-8", categories=("Lu", "Ll", "Lo", "Nd"))


@st.composite
def annotated_corpora(draw):
    """Two documents with linked mentions and events whose every field is drawn: ids,
    notes, dates, fatalities, certainty, role names, and a cluster across documents."""
    from workbench.events.taxonomy import CERTAINTIES, DEFAULT_TAXONOMY

    kinds = [(t, s) for t, subs in DEFAULT_TAXONOMY.items() for s in (subs or (None,))]
    entity_ids = draw(st.lists(ENTITY_IDS, min_size=1, max_size=4, unique=True))
    corpus = []
    for number in range(2):
        words = draw(
            st.lists(
                st.text(LETTERS, min_size=1, max_size=8),
                min_size=4,
                max_size=12,
            )
        )
        text = normalise_text(f"Document {number}: " + " ".join(words) + ".")
        starts = [
            i for i, ch in enumerate(text) if ch.isalnum() and (i == 0 or not text[i - 1].isalnum())
        ]
        spans = []
        for start in draw(st.lists(st.sampled_from(starts), max_size=5, unique=True)):
            end = start
            while end < len(text) and text[end].isalnum():
                end += 1
            link = draw(st.one_of(st.none(), st.sampled_from(entity_ids)))
            spans.append((start, end, draw(st.sampled_from(LABELS)), link))
        events = []
        for trigger in draw(st.lists(st.sampled_from(starts), max_size=3, unique=True)):
            end = trigger
            while text[end].isalnum():
                end += 1
            kind = draw(st.sampled_from(kinds))
            roles = [
                (draw(ROLE_NAMES), i)
                for i in draw(st.lists(st.integers(0, max(0, len(spans) - 1)), max_size=3))
                if spans
            ]
            fatalities = draw(
                st.one_of(
                    st.none(),
                    st.integers(0, 500),
                    st.tuples(st.integers(0, 9), st.integers(10, 99)),
                )
            )
            events.append(
                {
                    "kind": kind,
                    "trigger": (trigger, end),
                    "date": draw(st.one_of(st.none(), ANY_TEXT)),
                    "date_text": draw(st.one_of(st.none(), ANY_TEXT)),
                    "date_precision": draw(
                        st.one_of(st.none(), st.sampled_from(["day", "week", "month"]))
                    ),
                    "fatalities": fatalities,
                    "certainty": draw(st.sampled_from(CERTAINTIES)),
                    "note": draw(ANY_TEXT),
                    "roles": roles,
                    "clustered": draw(st.booleans()),
                }
            )
        corpus.append((text, spans, events))
    return entity_ids, corpus


def _events_seen(store: Store, doc_id: int) -> list[tuple]:
    rows = []
    for e in store.events.of_document(doc_id):
        mentions = {m.id: m for m in store.mentions.of_document(doc_id)}
        roles = sorted(
            (r.role, mentions[r.mention_id].start, mentions[r.mention_id].end) for r in e.roles
        )
        rows.append(
            (
                e.type,
                e.subtype,
                e.trigger_start,
                e.trigger_end,
                e.date,
                e.date_text,
                e.date_precision,
                e.fatalities_low,
                e.fatalities_high,
                e.certainty,
                e.note,
                tuple(roles),
            )
        )
    return sorted(rows, key=repr)


def _clusters_seen(store: Store) -> list[list[tuple[int, int]]]:
    groups: dict[int, list] = {}
    for e in store.events.of_document():
        if e.cluster_id is not None:
            groups.setdefault(e.cluster_id, []).append(
                (store.documents.text(e.doc_id)[:11], e.trigger_start)
            )
    return sorted(sorted(g) for g in groups.values())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(annotated_corpora())
def test_brat_round_trip_keeps_ids_notes_event_fields_and_clusters(data) -> None:
    from workbench.model import NewEntity

    entity_ids, corpus = data
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with Store.open(folder / "w.db", annotator="prop") as store:
            store.kb.import_entities(
                [NewEntity(name=f"E{i}", label="ORG", id=eid) for i, eid in enumerate(entity_ids)]
            )
            clustered = []
            for text, spans, events in corpus:
                (doc_id,), _ = store.documents.add_many(
                    [NewDocument(title="t", text=text, sha256=sha256_text(text), origin="prop")]
                )
                ids = [
                    store.mentions.add(doc_id, s, e, label, entity_id=link, learn_alias=False).id
                    for s, e, label, link in spans
                ]
                for event in events:
                    (kind, subkind) = event["kind"]
                    made = store.events.add(
                        doc_id,
                        kind,
                        subkind,
                        trigger=event["trigger"],
                        date=event["date"],
                        date_text=event["date_text"],
                        date_precision=event["date_precision"],
                        fatalities=event["fatalities"],
                        certainty=event["certainty"],
                        note=event["note"],
                    )
                    for role, index in event["roles"]:
                        store.events.add_role(made.id, role, ids[index])
                    if event["clustered"]:
                        clustered.append(made.id)
            if len(clustered) > 1:
                store.events.cluster(clustered)
            expected = {
                d.id: (
                    sorted(
                        (m.start, m.end, m.label, m.entity_id)
                        for m in store.mentions.of_document(d.id)
                    ),
                    _events_seen(store, d.id),
                )
                for d in store.documents.summaries()
            }
            expected_clusters = _clusters_seen(store)
            run_export(PLUGINS.exporter("brat"), ExportView(store), folder / "brat")
        with Store.open(folder / "again.db", annotator="prop") as again:
            summary = import_paths(
                again, [folder / "brat"], fmt="brat", importers=PLUGINS.importers
            )
            assert not summary.errors, summary.errors
            seen = {
                d.id: (
                    sorted(
                        (m.start, m.end, m.label, m.entity_id)
                        for m in again.mentions.of_document(d.id)
                    ),
                    _events_seen(again, d.id),
                )
                for d in again.documents.summaries()
            }
            assert sorted(seen.values(), key=repr) == sorted(expected.values(), key=repr)
            assert _clusters_seen(again) == expected_clusters
