"""The nouns of Workbench as frozen records: what the store returns and the UI shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

ACCEPTED = "accepted"
SUGGESTED = "suggested"
REJECTED = "rejected"
MENTION_STATUSES = (ACCEPTED, SUGGESTED, REJECTED)

# OntoNotes labels, as spaCy's English pipelines use them; the default label set of a new database.
ONTONOTES_LABELS = (
    "PERSON",
    "NORP",
    "FAC",
    "ORG",
    "GPE",
    "LOC",
    "PRODUCT",
    "EVENT",
    "WORK_OF_ART",
    "LAW",
    "LANGUAGE",
    "DATE",
    "TIME",
    "PERCENT",
    "MONEY",
    "QUANTITY",
    "ORDINAL",
    "CARDINAL",
)


@dataclass(frozen=True)
class Document:
    """One article: its exact (normalised) text and where it came from."""

    id: int
    title: str
    text: str
    sha256: str
    source: str | None = None
    url: str | None = None
    published: str | None = None
    imported_at: str | None = None
    normalisation: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DocumentSummary:
    """A document without its text, with annotation counts, for lists."""

    id: int
    title: str
    source: str | None
    published: str | None
    chars: int
    mentions: int
    suggestions: int


@dataclass(frozen=True)
class Entity:
    """A canonical entity of the knowledge base."""

    id: str
    name: str
    label: str
    description: str = ""
    external_ids: dict[str, str] = field(default_factory=dict)
    created_by: str | None = None
    created_at: str | None = None


@dataclass(frozen=True)
class Alias:
    """A surface form of an entity, with where it came from."""

    id: int
    entity_id: str
    text: str
    norm: str
    provenance: str


class Mention(NamedTuple):
    """A span of a document's text with a label, maybe linked to an entity.

    A NamedTuple rather than a frozen dataclass: exports build a million of these, and a
    frozen dataclass costs ~3 µs each to construct against ~0.3 µs here."""

    id: int
    doc_id: int
    start: int
    end: int
    text: str
    label: str
    entity_id: str | None = None
    status: str = ACCEPTED
    source: str = "manual"
    score: float | None = None
    annotator: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


@dataclass(frozen=True)
class SearchHit:
    """A full-text search result in the corpus."""

    doc_id: int
    title: str
    snippet: str
    rank: float
    offset: int | None = None


@dataclass(frozen=True)
class NewDocument:
    """A document read from a file, normalised, not yet stored."""

    title: str
    text: str
    sha256: str
    origin: str
    source: str | None = None
    url: str | None = None
    published: str | None = None
    normalisation: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NewEntity:
    """A knowledge-base entry read from a file, not yet stored."""

    name: str
    label: str
    id: str | None = None
    description: str = ""
    aliases: tuple[str, ...] = ()
    external_ids: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class NewMention:
    """An annotation read from a file (gold or brat), in offsets of its document's text."""

    start: int
    end: int
    text: str
    label: str
    entity_id: str | None = None


@dataclass(frozen=True)
class Role:
    """An event role filled by a mention of the event's document."""

    id: int
    event_id: int
    role: str
    mention_id: int
    mention_text: str
    entity_id: str | None
    entity_name: str | None


@dataclass(frozen=True)
class Event:
    """Who did what to whom, where, when, how many — as one document reports it."""

    id: int
    doc_id: int
    type: str
    subtype: str | None
    trigger_start: int | None
    trigger_end: int | None
    trigger_text: str | None
    date: str | None
    date_text: str | None
    date_precision: str | None
    fatalities_low: int | None
    fatalities_high: int | None
    certainty: str
    note: str
    cluster_id: int | None
    annotator: str | None
    roles: tuple[Role, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    """A span proposed by pre-annotation (knowledge base, rules or a model), not yet stored."""

    start: int
    end: int
    label: str
    source: str
    score: float
    entity_id: str | None = None


@dataclass(frozen=True)
class SuggestedTrigger:
    """A word that may report an event of a taxonomy type, proposed by pre-annotation."""

    start: int
    end: int
    type: str
    subtype: str | None
    score: float
    source: str = "trigger"


@dataclass(frozen=True)
class TriggerSuggestion:
    """A stored event-trigger suggestion; accepting it records an event."""

    id: int
    doc_id: int
    start: int
    end: int
    text: str
    type: str
    subtype: str | None
    status: str
    source: str
    score: float | None
    event_id: int | None
