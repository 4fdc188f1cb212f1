"""Measuring generalisation honestly: a knowledge base built only from the gold mentions
of one article, pre-annotation of another, compared with that article's gold.

Recall counts the gold mentions whose entity the knowledge base knows (suggested with the
exact span, label and entity); DATE/CARDINAL/QUANTITY recall is scored separately;
precision is over every suggestion made (a suggestion of an entity the knowledge base
cannot know, or a span the gold does not have, counts against it)."""

from __future__ import annotations

import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from workbench.importers.gold import GoldDocument, read_gold
from workbench.importers.text import read_text_document
from workbench.model import SUGGESTED, NewEntity

RULE_LABELS = ("DATE", "CARDINAL", "QUANTITY")


def kb_from_gold(gold: GoldDocument) -> list[NewEntity]:
    """One entity per linked gold entity id: its label, its mention texts as aliases,
    the most frequent (then longest) text as its name."""
    texts: dict[str, Counter] = defaultdict(Counter)
    labels: dict[str, str] = {}
    for m in gold.mentions:
        if m.entity_id:
            texts[m.entity_id][m.text] += 1
            labels[m.entity_id] = m.label
    return [
        NewEntity(
            name=max(counter, key=lambda t: (counter[t], len(t))),
            label=labels[eid],
            id=eid,
            aliases=tuple(sorted(counter)),
        )
        for eid, counter in sorted(texts.items())
    ]


def cross_article(
    seeds: Path, kb_document: str, target_document: str, model: str | None = None
) -> dict:
    """Figures for one direction: KB from `kb_document`'s gold, pre-annotate `target_document`."""
    from workbench.store import Store
    from workbench.workspace import Workspace

    golds = {g.document: g for g in read_gold(seeds / "gold.jsonl")}
    kb_gold, target_gold = golds[kb_document], golds[target_document]
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "eval.db", "eval") as store:
        store.kb.import_entities(kb_from_gold(kb_gold), provenance="gold")
        (doc_id,), _ = store.documents.add_many([read_text_document(seeds / target_document)])
        summary = Workspace(store).annotations.preannotate([doc_id], model=model)
        suggested = store.mentions.of_document(doc_id, (SUGGESTED,))
    known = {m.entity_id for m in kb_gold.mentions if m.entity_id}
    gold = {(m.start, m.end, m.label, m.entity_id) for m in target_gold.mentions}
    got = {(m.start, m.end, m.label, m.entity_id) for m in suggested}
    linked_gold = {g for g in gold if g[3] in known}
    rule_gold = {g for g in gold if g[2] in RULE_LABELS}
    correct = got & gold
    text_of = {(m.start, m.end): m.text for m in target_gold.mentions} | {
        (m.start, m.end): m.text for m in suggested
    }
    return {
        "kb_from": kb_document,
        "annotated": target_document,
        "kb_entities": len(known),
        "gold_mentions": len(gold),
        "gold_of_known_entities": len(linked_gold),
        "known_found": len(linked_gold & got),
        "recall_known": round(len(linked_gold & got) / max(len(linked_gold), 1), 3),
        "gold_rule_mentions": len(rule_gold),
        "rule_found": len(rule_gold & got),
        "recall_rules": round(len(rule_gold & got) / max(len(rule_gold), 1), 3),
        "suggestions": len(got),
        "correct_suggestions": len(correct),
        "precision": round(len(correct) / max(len(got), 1), 3),
        "trigger_suggestions": summary.triggers,
        "missed": sorted(
            f"{text_of[(g[0], g[1])]} [{g[2]} {g[3]}]" for g in (linked_gold | rule_gold) - got
        ),
        "wrong": sorted(f"{text_of[(s[0], s[1])]} [{s[2]} {s[3]}]" for s in got - gold),
    }
