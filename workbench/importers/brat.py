"""brat standoff import (`workbench import --format brat FOLDER`): `.txt` + `.ann` pairs.

Reads T (text-bound, also discontinuous), N `Reference` links, E events and the JSON
AnnotatorNotes that Workbench's brat exporter writes; other lines (A, R, M, *) are
ignored. Registered as a plugin through `register_importers`, like any other importer."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from workbench.errors import ImportFormatError
from workbench.hookspecs import hookimpl
from workbench.importers.reading import normalise_text, read_text_file, sha256_text
from workbench.importers.records import ImportedDocument, Importer
from workbench.model import NewDocument, NewEntity, NewMention

__version__ = "builtin"

_SPAN = re.compile(r"^(\d+) (\d+)$")
_ROLE_NUMBER = re.compile(r"\d+$")
_ID_PREFIX = re.compile(r"^\d{5}-")


def read_brat(path: Path) -> list[ImportedDocument]:
    """Every .ann file of a folder (or one .ann file) with its .txt."""
    if path.is_dir():
        anns = sorted(p for p in path.rglob("*.ann") if not p.name.startswith("."))
        if not anns:
            raise ImportFormatError(path, "no .ann files in this folder")
    elif path.suffix == ".ann":
        anns = [path]
    elif path.suffix == ".txt" and path.with_suffix(".ann").exists():
        anns = [path.with_suffix(".ann")]
    else:
        raise ImportFormatError(path, "not a brat .ann file or folder")
    return [read_pair(ann) for ann in anns]


def read_pair(ann: Path) -> ImportedDocument:
    """One .txt + .ann pair; offsets are checked against the text."""
    txt = ann.with_suffix(".txt")
    if not txt.exists():
        raise ImportFormatError(ann, f"no text file {txt.name} next to it")
    raw = read_text_file(txt)
    text = normalise_text(raw)
    if text != raw:
        raise ImportFormatError(txt, "has CR line ends or non-NFC text; brat offsets would shift")
    if not text.strip():
        raise ImportFormatError(txt, "is empty")
    spans: dict[str, tuple[str, int, int]] = {}
    references: dict[str, tuple[str, str]] = {}
    notes: dict[str, dict[str, Any]] = {}
    events: list[tuple[int, str, list[tuple[str, str]]]] = []
    # brat's lines end at \n only: a U+2028 inside a note's JSON is not a line end
    for number, line in enumerate(read_text_file(ann).split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        fields = line.split("\t")
        ident = fields[0]
        try:
            if ident.startswith("T"):
                spans[ident] = _textbound(fields, text)
            elif ident.startswith("N"):
                kind, target, ref = fields[1].split(" ")
                if kind == "Reference":
                    references[target] = (
                        unquote(ref.partition(":")[2] or ref),
                        fields[2] if len(fields) > 2 else "",
                    )
            elif ident.startswith("E"):
                parts = [p.partition(":")[::2] for p in fields[1].split()]
                events.append((number, ident, [(k, v) for k, v in parts]))
            elif ident.startswith("#"):
                _kind, target = fields[1].split(" ")[:2]
                try:
                    value = json.loads(fields[2])
                except (IndexError, ValueError):
                    continue  # a free-text note from a person, not ours
                if isinstance(value, dict):
                    notes[target] = value
        except (IndexError, ValueError) as exc:
            raise ImportFormatError(
                ann, f"malformed line: {' '.join(line.split())[:80]}", number
            ) from exc
        except ImportFormatError as exc:
            raise ImportFormatError(ann, exc.reason, number) from exc
    triggers = {trigger for _, _, args in events for _, trigger in args[:1]}
    mentions: list[NewMention] = []
    entities: dict[str, NewEntity] = {}
    for ident, (label, start, end) in spans.items():
        if ident in triggers:
            continue
        entity_id, name = references.get(ident, (None, ""))
        mentions.append(NewMention(start, end, text[start:end], label, entity_id))
        if entity_id:
            entities.setdefault(
                entity_id, NewEntity(name=name or text[start:end], label=label, id=entity_id)
            )
    gold_events = [
        _event(ann, line, ident, args, spans, notes, text) for line, ident, args in events
    ]
    title = _ID_PREFIX.sub("", txt.stem).replace("-", " ").strip() or txt.stem
    document = NewDocument(
        title=title, text=text, sha256=sha256_text(text), origin=str(txt), normalisation=None
    )
    return ImportedDocument(
        document, tuple(mentions), tuple(entities.values()), tuple(gold_events), ann
    )


def _textbound(fields: list[str], text: str) -> tuple[str, int, int]:
    label, _, offsets = fields[1].partition(" ")
    pieces = []
    for piece in offsets.split(";"):
        match = _SPAN.match(piece.strip())
        if not match:
            raise ValueError(piece)
        pieces.append((int(match.group(1)), int(match.group(2))))
    start, end = min(s for s, _ in pieces), max(e for _, e in pieces)
    if not (0 <= start < end <= len(text)):
        raise ImportFormatError("", f"span {start}-{end} is outside the text (0-{len(text)})")
    covered = " ".join(text[s:e] for s, e in pieces)
    if len(fields) > 2 and " ".join(fields[2].split()) != " ".join(covered.split()):
        raise ImportFormatError("", f"span {start}-{end} does not select {fields[2][:40]!r}")
    return label, start, end


def _event(
    ann: Path,
    line: int,
    ident: str,
    args: list[tuple[str, str]],
    spans: dict[str, tuple[str, int, int]],
    notes: dict[str, dict[str, Any]],
    text: str,
) -> dict[str, Any]:
    (brat_type, trigger), *role_args = args
    if trigger not in spans:
        raise ImportFormatError(ann, f"event {ident}: unknown trigger {trigger}", line)
    meta = notes.get(ident, {})
    _, start, end = spans[trigger]
    named = meta.get("roles")  # the role names as the analyst wrote them (our exports)
    if not (isinstance(named, list) and len(named) == len(role_args)):
        named = [_ROLE_NUMBER.sub("", role) for role, _ in role_args]
    roles = []
    for (_, target), name in zip(role_args, named, strict=True):
        if target not in spans:
            raise ImportFormatError(ann, f"event {ident}: unknown argument {target}", line)
        _, s, e = spans[target]
        roles.append({"role": str(name), "start": s, "end": e})
    fatalities = meta.get("fatalities")
    if isinstance(fatalities, list):
        low, high = (fatalities + [None, None])[:2]
        fatalities = low if high in (None, low) else [low, high]
    return {
        "type": meta.get("type") or brat_type.replace("_", " "),
        "subtype": meta.get("subtype"),
        "trigger": {"start": start, "end": end, "text": text[start:end]},
        "date": meta.get("date"),
        "date_text": meta.get("date_text"),
        "date_precision": meta.get("date_precision"),
        "fatalities": fatalities,
        "certainty": meta.get("certainty") or "asserted",
        "note": meta.get("note") or "",
        "cluster": meta.get("cluster"),
        "roles": roles,
    }


IMPORTER = Importer(
    name="brat",
    description="brat standoff folder (.txt + .ann: T, N Reference, E, AnnotatorNotes)",
    read=read_brat,
    suffixes=(".ann",),
)


@hookimpl
def register_importers(register):  # type: ignore[no-untyped-def]
    register(IMPORTER)
