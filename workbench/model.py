"""The nouns of Workbench as frozen records: what the store returns and the UI shows.

NamedTuples rather than frozen dataclasses: Python 3.11 writes a frozen dataclass's methods
with `exec` when the class is made (the TUI's start pays for each), and exports build a
million Mentions, which a NamedTuple makes several times faster. Empty mappings default
to one read-only mapping, never a shared mutable dict."""

from collections.abc import Iterable, Mapping
from types import MappingProxyType
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
EMPTY: Mapping[str, Any] = MappingProxyType({})
# Longest entity name or alias the knowledge base takes (a whole paragraph is not a name).
MAX_NAME_LENGTH = 500


class Document(NamedTuple):
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
    meta: Mapping[str, Any] = EMPTY


class DocumentSummary(NamedTuple):
    """A document without its text, with annotation counts, for lists."""

    id: int
    title: str
    source: str | None
    published: str | None
    chars: int
    mentions: int
    suggestions: int


class Entity(NamedTuple):
    """A canonical entity of the knowledge base."""

    id: str
    name: str
    label: str
    description: str = ""
    external_ids: Mapping[str, str] = EMPTY
    created_by: str | None = None
    created_at: str | None = None


class Alias(NamedTuple):
    """A surface form of an entity, with where it came from."""

    id: int
    entity_id: str
    text: str
    norm: str
    provenance: str


class Mention(NamedTuple):
    """A span of a document's text with a label, maybe linked to an entity."""

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


class SearchHit(NamedTuple):
    """One place a full-text query matches: the document, the matched token(s) at
    `offset` (`length` characters; None when only the title matched) and their context."""

    doc_id: int
    title: str
    before: str
    match: str
    after: str
    rank: float
    offset: int | None = None
    length: int = 0

    @property
    def snippet(self) -> str:
        """The context on one line, the match between « and »."""
        return f"{self.before}«{self.match}»{self.after}" if self.match else self.before


class NewDocument(NamedTuple):
    """A document read from a file, normalised, not yet stored."""

    title: str
    text: str
    sha256: str
    origin: str
    source: str | None = None
    url: str | None = None
    published: str | None = None
    normalisation: str | None = None
    meta: Mapping[str, Any] = EMPTY


class NewEntity(NamedTuple):
    """A knowledge-base entry read from a file, not yet stored."""

    name: str
    label: str
    id: str | None = None
    description: str = ""
    aliases: tuple[str, ...] = ()
    external_ids: Mapping[str, str] = EMPTY


class NewMention(NamedTuple):
    """An annotation read from a file (gold or brat), in offsets of its document's text."""

    start: int
    end: int
    text: str
    label: str
    entity_id: str | None = None


class Role(NamedTuple):
    """An event role filled by a mention of the event's document."""

    id: int
    event_id: int
    role: str
    mention_id: int
    mention_text: str
    entity_id: str | None
    entity_name: str | None


class Event(NamedTuple):
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


class Suggestion(NamedTuple):
    """A span proposed by pre-annotation (knowledge base, rules or a model), not yet stored."""

    start: int
    end: int
    label: str
    source: str
    score: float
    entity_id: str | None = None


class SuggestedTrigger(NamedTuple):
    """A word that may report an event of a taxonomy type, proposed by pre-annotation."""

    start: int
    end: int
    type: str
    subtype: str | None
    score: float
    source: str = "trigger"


class TriggerSuggestion(NamedTuple):
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


def as_entities(rows: Iterable[tuple[str, str, str, Iterable[str]]]) -> list[NewEntity]:
    """Knowledge-base entries from (id, name, label, aliases) rows (generated KBs)."""
    return [NewEntity(name=name, label=label, id=i, aliases=tuple(a)) for i, name, label, a in rows]


class LinkTo(NamedTuple):
    """Link a mention to this knowledge-base entity."""

    entity_id: str


class NewEntityLink(NamedTuple):
    """Create an entity (name, label, description) and link the mention to it."""

    name: str
    label: str
    description: str = ""


# What an analyst decides for a mention: an entity, a new entity, or NIL (None).
LinkDecision = LinkTo | NewEntityLink | None


class EntityCard(NamedTuple):
    """What there is to know about an entity at a glance: the side panel, `C`."""

    entity: Entity
    aliases: list[str]
    mentions_per_document: list[tuple[int, str, int]]  # (doc id, title, count)


class MentionInContext(NamedTuple):
    """A mention with the words around it, for lists of an entity's mentions."""

    doc_id: int
    title: str
    mention: Mention
    context: str


class PreannotateSummary:
    """What a pre-annotation run did (counted as it goes)."""

    def __init__(self) -> None:
        self.documents = 0
        self.skipped = 0
        self.suggestions = 0
        self.triggers = 0
        self.patterns = 0
        self.build_seconds = 0.0
        self.errors: list[str] = []

    def as_dict(self) -> dict[str, object]:
        """Plain dict for JSON output."""
        return dict(self.__dict__)


# How a project's annotators share their work: one layer everyone edits, or a layer each.
SHARED = "shared"
INDEPENDENT = "independent"
PROJECT_MODES = (SHARED, INDEPENDENT)
# The layer that holds what the team agreed on (`workbench curate`).
CURATED = "curated"


class Assignment(NamedTuple):
    """An annotator a document is assigned to, and how far they are: todo, started, done."""

    annotator: str
    status: str
