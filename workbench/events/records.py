"""An event as other tools read it: one record shape and one fatalities rule for the
command line, the TUI and every exporter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workbench.errors import WorkbenchError
from workbench.model import Event, Mention

Fatalities = int | tuple[int, int] | None


def fatalities_range(value: Fatalities | list[int]) -> tuple[int | None, int | None]:
    """(low, high) to store for a number, a [low, high] range, or None (not reported)."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        raise WorkbenchError(f"fatalities must be a number or a low-high range, not {value!r}")
    low, high = (value, value) if isinstance(value, int) else tuple(value)
    if low < 0 or high < low:
        raise WorkbenchError(f"fatalities must be a number or a low-high range, not {value!r}")
    return low, high


def fatalities_value(event: Event) -> int | list[int] | None:
    """What was reported: a number, a [low, high] range when reports disagree, or None."""
    if event.fatalities_low is None:
        return None
    if event.fatalities_high in (None, event.fatalities_low):
        return event.fatalities_low
    return [event.fatalities_low, event.fatalities_high]


def fatalities_text(event: Event) -> str:
    """Fatalities as a person writes them: "9", "9-11", or "" when not reported."""
    value = fatalities_value(event)
    if value is None:
        return ""
    return str(value) if isinstance(value, int) else f"{value[0]}-{value[1]}"


def event_record(
    event: Event,
    mention: Callable[[int], Mention | None],
    on_missing_role: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """The JSON shape of an event (`events --json`, the JSONL export): type, trigger, date,
    fatalities, certainty, note, cluster and roles as spans. `mention(id)` finds a role's
    mention; a role whose mention it does not find (a suggestion left out of an export)
    is left out, after `on_missing_role` is told."""
    roles = []
    for role in event.roles:
        found = mention(role.mention_id)
        if found is None:
            if on_missing_role is not None:
                on_missing_role()
            continue
        roles.append(
            {
                "role": role.role,
                "mention_id": role.mention_id,
                "start": found.start,
                "end": found.end,
                "text": found.text,
                "kb_id": found.entity_id,
                "entity": role.entity_name,
            }
        )
    trigger = (
        {"start": event.trigger_start, "end": event.trigger_end, "text": event.trigger_text}
        if event.trigger_start is not None
        else None
    )
    return {
        "id": event.id,
        "doc_id": event.doc_id,
        "type": event.type,
        "subtype": event.subtype,
        "trigger": trigger,
        "date": event.date,
        "date_text": event.date_text,
        "date_precision": event.date_precision,
        "fatalities": fatalities_value(event),
        "certainty": event.certainty,
        "note": event.note,
        "cluster": event.cluster_id,
        "annotator": event.annotator,
        "roles": roles,
    }
