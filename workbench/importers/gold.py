"""Gold annotations (`gold.jsonl`): one line per document,

    {"document": "01-....txt", "sha256": "<hex of the document text>",
     "mentions": [{"start": 0, "end": 4, "text": "Iran", "label": "GPE", "entity_id": "iran"}]}

Offsets are Python string indices into the stored (normalised) text, end exclusive; the
document is found by its SHA-256, so renaming the file does not break the annotation.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.errors import ImportFormatError
from workbench.importers.jsonl import iter_json_lines
from workbench.importers.records import is_integer
from workbench.model import NewMention


@dataclass(frozen=True)
class GoldDocument:
    """The annotations of one document, read from a gold file."""

    line: int
    document: str
    sha256: str
    mentions: tuple[NewMention, ...]


def _mention(obj: object, path: Path, number: int, index: int) -> NewMention:
    if not isinstance(obj, dict):
        raise ImportFormatError(path, f"mention {index} is not an object", number)
    start, end = obj.get("start"), obj.get("end")
    if not (is_integer(start) and is_integer(end)):
        raise ImportFormatError(path, f"mention {index}: start and end must be integers", number)
    if not (0 <= start < end):
        raise ImportFormatError(path, f"mention {index}: bad offsets {start}-{end}", number)
    text, label = obj.get("text"), obj.get("label")
    if not isinstance(text, str) or not isinstance(label, str):
        raise ImportFormatError(path, f"mention {index}: text and label must be strings", number)
    entity_id = obj.get("entity_id")
    if entity_id is not None and not isinstance(entity_id, str):
        raise ImportFormatError(path, f"mention {index}: entity_id must be a string", number)
    return NewMention(start, end, text, label.upper(), entity_id)


def read_gold(path: Path) -> list[GoldDocument]:
    """Every annotated document of a gold file, validated for shape (not yet for offsets)."""
    documents = []
    for number, obj in iter_json_lines(path):
        if not isinstance(obj, dict) or not isinstance(obj.get("sha256"), str):
            raise ImportFormatError(path, 'each line needs a "sha256" of its document', number)
        mentions = obj.get("mentions")
        if not isinstance(mentions, list):
            raise ImportFormatError(path, '"mentions" must be a list', number)
        documents.append(
            GoldDocument(
                number,
                str(obj.get("document", "")),
                obj["sha256"],
                tuple(_mention(m, path, number, i) for i, m in enumerate(mentions)),
            )
        )
    return documents


def check_offsets(gold: GoldDocument, text: str, path: Path) -> None:
    """Every mention's offsets must select exactly its text in the document."""
    for index, mention in enumerate(gold.mentions):
        if mention.end > len(text):
            raise ImportFormatError(
                path,
                f"mention {index} ({mention.start}-{mention.end}) is past the end of "
                f"{gold.document or gold.sha256[:12]} ({len(text)} characters)",
                gold.line,
            )
        found = text[mention.start : mention.end]
        if found != mention.text:
            raise ImportFormatError(
                path,
                f"mention {index} offsets {mention.start}-{mention.end} select {found!r}, "
                f"not {mention.text!r}",
                gold.line,
            )
