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
    (doc_id,), _ = store.import_documents(
        [NewDocument(title="../random title", text=text, sha256=sha256_text(text), origin="prop")]
    )
    for start, end, label in spans:
        store.add_mention(doc_id, start, end, label, learn_alias=False)
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
            (d,) = again.documents()
            assert again.document_text(d.id) == text
            assert sorted((m.start, m.end, m.label) for m in again.mentions(d.id)) == spans
