"""`graphml`: the entity graph. Nodes are entities (name, label, mentions, documents);
edges are co-occurrence in a document and event roles (actor -> target/victim/place),
each with a weight and the ids of the documents behind it."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from workbench.exporters import ExportContext, Exporter, ExportView

ACTOR_ROLES = ("Attacker", "Agent")

NODE_KEYS = (("name", "string"), ("label", "string"), ("mentions", "int"), ("documents", "string"))
EDGE_KEYS = (
    ("kind", "string"),
    ("relation", "string"),
    ("weight", "int"),
    ("documents", "string"),
    ("event_types", "string"),
)


def _xml_safe(value: object) -> str:
    # XML 1.0 cannot hold most control characters, not even escaped.
    return "".join(ch for ch in str(value) if ch in "\t\n\r" or ord(ch) >= 0x20)


def _xml_text(value: object) -> str:
    return escape(_xml_safe(value))


def collect(
    view: ExportView, context: ExportContext
) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    """Edges keyed by (kind, relation, source, target) with weight, documents, event types."""
    edges: dict[tuple[str, str, str, str], dict[str, Any]] = {}

    def add(key: tuple[str, str, str, str], doc_id: int, event_type: str | None = None) -> None:
        edge = edges.setdefault(key, {"weight": 0, "documents": set(), "event_types": set()})
        edge["weight"] += 1
        edge["documents"].add(doc_id)
        if event_type:
            edge["event_types"].add(event_type)

    for done, item in enumerate(view.documents(), start=1):
        doc_id = item.document.id
        linked = sorted({m.entity_id for m in item.mentions if m.entity_id in view.entities})
        for a, b in itertools.combinations(linked, 2):
            add(("cooccurrence", "same document", a, b), doc_id)
        for event in item.events:
            actors = [r for r in event.roles if r.role in ACTOR_ROLES and r.entity_id]
            others = [r for r in event.roles if r.role not in ACTOR_ROLES and r.entity_id]
            for actor, other in itertools.product(actors, others):
                source, target = actor.entity_id, other.entity_id
                if source and target and source != target and target in view.entities:
                    relation = f"{actor.role}->{other.role}"
                    add(("event", relation, source, target), doc_id, event.type)
        context.step(done, len(view))
    return edges


def write(view: ExportView, target: Path, context: ExportContext) -> None:
    edges = collect(view, context)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    ]
    for name, kind in NODE_KEYS:
        lines.append(f'  <key id="n_{name}" for="node" attr.name="{name}" attr.type="{kind}"/>')
    for name, kind in EDGE_KEYS:
        lines.append(f'  <key id="e_{name}" for="edge" attr.name="{name}" attr.type="{kind}"/>')
    lines.append('  <graph id="workbench" edgedefault="directed">')
    for entity in view.entities.values():
        counts = view.entity_document_counts.get(entity.id, {})
        values = {
            "name": entity.name,
            "label": entity.label,
            "mentions": view.mention_count(entity.id),
            "documents": " ".join(str(d) for d in sorted(counts)),
        }
        lines.append(f"    <node id={quoteattr(_xml_safe(entity.id))}>")
        lines += [f'      <data key="n_{k}">{_xml_text(v)}</data>' for k, v in values.items()]
        lines.append("    </node>")
    for number, (key, edge) in enumerate(sorted(edges.items()), start=1):
        kind, relation, source, dest = key
        values = {
            "kind": kind,
            "relation": relation,
            "weight": edge["weight"],
            "documents": " ".join(str(d) for d in sorted(edge["documents"])),
            "event_types": "; ".join(sorted(edge["event_types"])),
        }
        lines.append(
            f'    <edge id="e{number}" source={quoteattr(_xml_safe(source))} '
            f"target={quoteattr(_xml_safe(dest))}>"
        )
        lines += [f'      <data key="e_{k}">{_xml_text(v)}</data>' for k, v in values.items()]
        lines.append("    </edge>")
    lines += ["  </graph>", "</graphml>", ""]
    target.write_text("\n".join(lines), encoding="utf-8")


EXPORTER = Exporter(
    name="graphml",
    description="Entity graph: co-occurrence and event-role edges with weights and document ids",
    kind="file",
    extension=".graphml",
    write=write,
)
