"""`spacy`: a `.spacy` DocBin with `doc.ents` (with `kb_id_`) for `spacy train`."""

from __future__ import annotations

from pathlib import Path

from workbench.exporters import ExportContext, Exporter, ExportView
from workbench.exporters.builtin.spacy_docs import blank_pipeline, make_doc


def write(view: ExportView, target: Path, context: ExportContext) -> None:
    from spacy.tokens import DocBin

    nlp = blank_pipeline(context.options.get("lang", "en"))
    docbin = DocBin(store_user_data=True)
    for done, item in enumerate(view.documents(), start=1):
        docbin.add(make_doc(nlp, item, context))
        context.step(done, len(view))
    target.write_bytes(docbin.to_bytes())


EXPORTER = Exporter(
    name="spacy",
    description="spaCy DocBin (.spacy): doc.ents with kb_id_, all mentions in doc.spans",
    kind="file",
    extension=".spacy",
    write=write,
    options={"lang": "spaCy language code of the tokenizer (default en)"},
)
