"""The demo corpus is a test fixture: its gold annotation must be exact and consistent."""

from __future__ import annotations

import json

from helpers import SEEDS

from workbench.importers.gold import check_offsets, read_gold
from workbench.importers.kb import read_entities
from workbench.importers.text import read_text_document
from workbench.store import Store


def test_seed_articles_have_front_matter_and_dates() -> None:
    docs = [read_text_document(p) for p in sorted(SEEDS.glob("*.txt"))]
    assert len(docs) == 2
    for doc in docs:
        assert doc.title and doc.source and doc.url and doc.published
        assert doc.text.splitlines()[0] in doc.title or doc.title in doc.text.splitlines()[0]
    assert [d.published for d in docs] == ["2024-02-24", "2024-02-25"]


def test_gold_offsets_select_their_text_and_link_known_entities() -> None:
    texts = {read_text_document(p).sha256: read_text_document(p).text for p in SEEDS.glob("*.txt")}
    entities = {e.id: e for e in read_entities(SEEDS / "entities.jsonl")}
    gold = read_gold(SEEDS / "gold.jsonl")
    assert {g.sha256 for g in gold} == set(texts)
    for annotated in gold:
        check_offsets(annotated, texts[annotated.sha256], SEEDS / "gold.jsonl")
        spans = sorted((m.start, m.end) for m in annotated.mentions)
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False)), (
            "gold spans overlap"
        )
        for m in annotated.mentions:
            if m.entity_id:
                entity = entities[m.entity_id]
                assert entity.label == m.label, (m.text, entity.label, m.label)
                # every alias is spelled as in the articles
                assert m.text == entity.name or m.text in entity.aliases, m.text
            else:
                assert m.label in {
                    "DATE",
                    "TIME",
                    "CARDINAL",
                    "QUANTITY",
                    "ORDINAL",
                    "PERCENT",
                    "MONEY",
                }


def test_knowledge_base_keeps_namesakes_apart() -> None:
    entities = {e.id: e for e in read_entities(SEEDS / "entities.jsonl")}
    assert {"Baluch Liberation Army", "Balochistan Liberation Army", "BLA"} <= {
        entities["bla"].name,
        *entities["bla"].aliases,
    }
    assert entities["balochistan"].id != entities["sistan-baluchestan"].id
    assert "Baluchistan" in entities["balochistan"].aliases
    assert "Sistan-Baluchistan" in entities["sistan-baluchestan"].aliases
    assert entities["blf"].id != entities["bla"].id


def test_seed_import_loads_everything(seeded: Store) -> None:
    stats = seeded.stats()
    gold_lines = [json.loads(line) for line in (SEEDS / "gold.jsonl").read_text().splitlines()]
    assert stats["documents"] == 2
    assert stats["mentions"] == sum(len(g["mentions"]) for g in gold_lines)
    assert stats["entities"] == len((SEEDS / "entities.jsonl").read_text().splitlines())
    shared = seeded.mentions.linked_entities(1) & seeded.mentions.linked_entities(2)
    assert {
        "bla",
        "jaish-al-adl",
        "ismail-shahbakhsh",
        "balochistan",
        "sistan-baluchestan",
    } <= shared
