"""Pre-annotation on a report nobody tuned it on (tests/data/heldout_report.txt): other
outlets' spellings of the demo entities, and real names the knowledge base lacks.

Goal: at least 90 % of the known entities' variants suggested with their exact span and
linked right, and not one link on the absent names (a people or a place inside a longer
name the linker cannot link as a whole is not suggested)."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import SEEDS

from workbench.importers import import_paths
from workbench.model import SUGGESTED
from workbench.store import Store
from workbench.workspace import Workspace

REPORT = Path(__file__).resolve().parents[1] / "data" / "heldout_report.txt"
# Each spelling as the report writes it, and the entity it names.
VARIANTS = {
    "QUETTAH": "quetta",
    "Quettah": "quetta",
    "TEHERAN": "tehran",
    "Panjgoor": "panjgur",
    "Islamic Revolutionary Guards Corps": "irgc",
    "Jaish ul-Adl": "jaish-al-adl",
    "Beluchistan": "balochistan",
    "Sarawan": "saravan",
    "Sistan-o-Baluchestan": "sistan-baluchestan",
    "Baluchistan Liberation Army": "bla",
    "Abdul Malik Rigi": "abdolmalek-rigi",
    "Esmail Shahbakhsh": "ismail-shahbakhsh",
    "Hossein Amir Abdollahian": "hossein-amir-abdollahian",
    "Jalil Abbas Jillani": "jalil-abbas-jilani",
    "Anwar-ul-Haq Kakar": "anwaar-ul-haq-kakar",
    "Islamabaad": "islamabad",
    "Mumtaz Zehra Baloch": "mumtaz-zahra-baloch",
}
# Real names the knowledge base does not hold (two of them hold a people's name).
ABSENT = (
    "Mahrang Baloch",
    "Baloch Yakjehti Committee",
    "Baloch Republican Army",
    "Turbat",
    "Gwadar",
    "Zahedan",
    "Chabahar",
    "Shehbaz Sharif",
    "Pakistani",
)


def test_heldout_report_variants_are_linked_and_absent_names_are_not(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    with Store.open(path, annotator="tester") as store:
        assert not import_paths(store, [SEEDS / "entities.jsonl", REPORT]).errors
    workspace = Workspace.open(str(path), "tester")
    [doc] = workspace.corpus.summaries()
    workspace.annotations.preannotate([doc.id])
    text = workspace.store.documents.text(doc.id)
    suggested = {
        (m.start, m.end): m.entity_id for m in workspace.annotations.mentions(doc.id, (SUGGESTED,))
    }
    found = right = 0
    for spelling, entity_id in VARIANTS.items():
        for match in re.finditer(re.escape(spelling), text):
            found += 1
            right += suggested.get(match.span()) == entity_id
    assert found >= len(VARIANTS)
    assert right / found >= 0.9, (right, found)
    false_links = [
        (name, entity_id)
        for name in ABSENT
        for match in re.finditer(re.escape(name), text)
        for (start, end), entity_id in suggested.items()
        if entity_id and start < match.end() and match.start() < end
    ]
    assert false_links == []
    workspace.close()
