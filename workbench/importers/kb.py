"""Knowledge-base files: `entities.jsonl`, one entity per line:
`{"id"?, "name", "label", "description"?, "aliases"?: [...], "external_ids"?: {...}}`."""

from __future__ import annotations

from pathlib import Path

from workbench.errors import ImportFormatError
from workbench.importers.jsonl import iter_json_lines
from workbench.model import MAX_NAME_LENGTH, NewEntity


def read_entities(path: Path) -> list[NewEntity]:
    """Every entity of the file, or ImportFormatError naming the first bad line."""
    return [entity for _, entity in read_entity_lines(path)]


def read_entity_lines(path: Path) -> list[tuple[int, NewEntity]]:
    """(line number, entity) for every entity of the file; the same limits as `kb add`,
    and one label per id."""
    entities: list[tuple[int, NewEntity]] = []
    labels: dict[str, tuple[str, int]] = {}
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
        for text in (name, *aliases):
            if len(" ".join(text.split())) > MAX_NAME_LENGTH:
                what = "name" if text is name else "alias"
                raise ImportFormatError(
                    path, f"{what} longer than {MAX_NAME_LENGTH} characters", number
                )
        if entity_id is not None:
            first = labels.setdefault(entity_id, (label.strip().upper(), number))
            if first[0] != label.strip().upper():
                raise ImportFormatError(
                    path,
                    f"entity {entity_id!r} has label {label.strip().upper()}, but line "
                    f"{first[1]} gave it {first[0]}",
                    number,
                )
        entity = NewEntity(
            name=name.strip(),
            label=label.strip().upper(),
            id=entity_id,
            description=str(obj.get("description") or ""),
            aliases=tuple(aliases),
            external_ids={str(k): str(v) for k, v in external.items()},
        )
        entities.append((number, entity))
    return entities
