"""`conll`: CoNLL-2003-style IOB2, one token a line, `-DOCSTART-` per document.

The format has no room for overlapping mentions, entity links or events; what is dropped
is counted and reported as warnings."""

from __future__ import annotations

from pathlib import Path

from workbench.exporters import ExportContext, Exporter, ExportView
from workbench.exporters.builtin.spacy_docs import blank_pipeline, make_doc

DOCSTART = "-DOCSTART- -X- -X- O"


def _token_text(text: str) -> str:
    # A token never holds a column separator; odd spaces (NBSP...) become underscores.
    return "_".join(text.split())


def write(view: ExportView, target: Path, context: ExportContext) -> None:
    nlp = blank_pipeline(context.options.get("lang", "en"))
    links = events = 0
    with open(target, "w", encoding="utf-8", newline="\n") as out:
        for done, item in enumerate(view.documents(), start=1):
            doc = make_doc(nlp, item, context, split_sentences=True)
            links += sum(1 for m in item.mentions if m.entity_id)
            events += len(item.events)
            out.write(DOCSTART + "\n\n")
            for sentence in doc.sents:
                rows = []
                for token in sentence:
                    if token.is_space:
                        continue
                    tag = f"{token.ent_iob_}-{token.ent_type_}" if token.ent_type_ else "O"
                    rows.append(f"{_token_text(token.text)} -X- _ {tag}")
                if rows:
                    out.write("\n".join(rows) + "\n\n")
            context.step(done, len(view))
    if links:
        context.warn(f"CoNLL has no entity links: {links} knowledge-base link(s) not exported")
    if events:
        context.warn(f"CoNLL has no events: {events} event(s) not exported")


EXPORTER = Exporter(
    name="conll",
    description="CoNLL-2003 IOB2 token-per-line with -DOCSTART- (drops overlaps, links, events)",
    kind="file",
    extension=".conll",
    write=write,
    options={"lang": "spaCy language code of the tokenizer (default en)"},
)
