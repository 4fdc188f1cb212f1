"""The default event taxonomy: ACLED event types and sub-event types, plus the statement
and diplomatic types news analysts need."""

from __future__ import annotations

from workbench.errors import WorkbenchError

DEFAULT_TAXONOMY: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": ("Sexual violence", "Attack", "Abduction/forced disappearance"),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
    "Diplomatic/Statement": (
        "Statement",
        "Accusation/Condemnation",
        "Claim of responsibility",
        "Recall of ambassador",
        "Call for restraint",
        "Meeting/Agreement",
    ),
}
CERTAINTIES = ("asserted", "claimed", "denied", "uncertain")
DEFAULT_ROLES = ("Attacker", "Target", "Victim", "Instrument", "Place", "Time", "Agent")


Taxonomy = dict[str, tuple[str, ...]]


def parse_taxonomy(data: object) -> Taxonomy:
    """A taxonomy from JSON `{"Type": ["Sub-type", ...], ...}`, or a clear error."""
    if not isinstance(data, dict) or not data:
        raise WorkbenchError('a taxonomy is a JSON object {"Type": ["Sub-type", ...]}')
    taxonomy: Taxonomy = {}
    for name, subtypes in data.items():
        if not isinstance(name, str) or not name.strip():
            raise WorkbenchError("event type names must be non-empty strings")
        if not isinstance(subtypes, list) or not all(
            isinstance(x, str) and x.strip() for x in subtypes
        ):
            raise WorkbenchError(f"the sub-types of {name!r} must be a list of non-empty strings")
        taxonomy[name.strip()] = tuple(x.strip() for x in subtypes)
    return taxonomy


def check_event_type(
    event_type: str, subtype: str | None, taxonomy: Taxonomy = DEFAULT_TAXONOMY
) -> tuple[str, str | None]:
    """Return (type, sub-type) as spelled in the taxonomy, or raise a clear error."""
    by_lower = {name.casefold(): name for name in taxonomy}
    name = by_lower.get(event_type.strip().casefold())
    if name is None:
        raise WorkbenchError(f"unknown event type {event_type!r} (known: {', '.join(taxonomy)})")
    if subtype is None or not subtype.strip():
        return name, None
    subtypes = {s.casefold(): s for s in taxonomy[name]}
    found = subtypes.get(subtype.strip().casefold())
    if found is None:
        raise WorkbenchError(
            f"unknown sub-type {subtype!r} of {name} (known: {', '.join(taxonomy[name])})"
        )
    return name, found
