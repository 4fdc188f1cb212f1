"""Turning an exported document into a spaCy `Doc` (for the `spacy` and `conll` formats).

spaCy is imported only when one of these exporters runs."""

from __future__ import annotations

from workbench.exporters import DocumentExport, ExportContext

SPAN_GROUP = "workbench"


def blank_pipeline(lang: str = "en"):  # type: ignore[no-untyped-def]
    """A tokenizer and a rule-based sentence splitter: no model, nothing downloaded."""
    import spacy

    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    return nlp


def make_doc(nlp, item: DocumentExport, context: ExportContext, split_sentences: bool = False):  # type: ignore[no-untyped-def]
    """A Doc with the mentions as `doc.ents` (longest first where they overlap) and every
    mention, overlapping or not, in the span group "workbench", each with its `kb_id_`."""
    from spacy.tokens import Span
    from spacy.util import filter_spans

    doc = nlp(item.document.text) if split_sentences else nlp.make_doc(item.document.text)
    spans: list[Span] = []
    for m in item.mentions:
        span = doc.char_span(m.start, m.end, label=m.label, kb_id=m.entity_id or "")
        if span is None:
            span = doc.char_span(
                m.start, m.end, label=m.label, kb_id=m.entity_id or "", alignment_mode="expand"
            )
            context.warn(
                "some mentions do not fall on token boundaries and were widened to whole tokens"
            )
        if span is not None and span.text.strip():
            spans.append(span)
    entities = filter_spans(spans)
    if len(entities) < len(spans):
        context.warn(
            "overlapping mentions cannot all be entities: the longest of each overlap was "
            f"kept (the spacy format keeps every mention in doc.spans[{SPAN_GROUP!r}])"
        )
    doc.ents = entities
    doc.spans[SPAN_GROUP] = spans
    doc.user_data["workbench_id"] = item.document.id
    doc.user_data["title"] = item.document.title
    return doc
