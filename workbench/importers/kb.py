"""Knowledge-base files: `entities.jsonl`, one entity per line:
`{"id"?, "name", "label", "description"?, "aliases"?: [...], "external_ids"?: {...}}`."""

from __future__ import annotations

from pathlib import Path

from workbench.errors import ImportFormatError
from workbench.importers.jsonl import iter_json_lines
from workbench.model import NewEntity


def read_entities(path: Path) -> list[NewEntity]:
    """Every entity of the file, or ImportFormatError naming the first bad line."""
    entities = []
    for number, obj in iter_json_lines(path):
        if not isinstance(obj, dict):
            raise ImportFormatError(path, "each line must be a JSON object", number)
        name, label = obj.get("name"), obj.get("label")
        if not isinstance(name, str) or not name.strip():
            raise ImportFormatError(path, 'missing "name" string', number)
        if not isinstance(label, str) or not label.strip():
            raise ImportFormatError(path, 'missing "label" string', number)
        aliases = obj.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ImportFormatError(path, '"aliases" must be a list of strings', number)
        external = obj.get("external_ids") or {}
        if not isinstance(external, dict):
            raise ImportFormatError(path, '"external_ids" must be an object', number)
        entity_id = obj.get("id")
        if entity_id is not None and (not isinstance(entity_id, str) or not entity_id.strip()):
            raise ImportFormatError(path, '"id" must be a non-empty string', number)
        entities.append(
            NewEntity(
                name=name.strip(),
                label=label.strip().upper(),
                id=entity_id,
                description=str(obj.get("description") or ""),
                aliases=tuple(aliases),
                external_ids={str(k): str(v) for k, v in external.items()},
            )
        )
    return entities
