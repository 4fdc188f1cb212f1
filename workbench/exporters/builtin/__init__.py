"""The built-in exporters: a plugin like any other, registered through the same hook."""

from __future__ import annotations

from workbench.exporters.builtin import brat, conll, graphml, jsonl, spacy_docbin, stix, tables
from workbench.hookspecs import hookimpl

__version__ = "builtin"


@hookimpl
def register_exporters(register):  # type: ignore[no-untyped-def]
    for module in (jsonl, spacy_docbin, brat, conll, tables, stix, graphml):
        register(module.EXPORTER)
