"""The pre-annotation pipeline: spaCy's tokenizer, a PhraseMatcher
over the knowledge base's aliases (matched on the linker's per-token keys), an acronym
matcher, date/number rules, event-trigger words, fuzzy linking of capitalised names the
patterns missed, and optionally a statistical model's NER.

Patterns are added incrementally (`add_aliases`), so a grown knowledge base costs only
its new aliases; `Preannotator` knows nothing of the store: the caller hands it alias
rows and a `link(text, label)` function (the linker). Which names go to the linker, in
which order, is `workbench.nlp.linked_names`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from workbench.events.taxonomy import Taxonomy
from workbench.model import SuggestedTrigger, Suggestion
from workbench.nlp import rules, triggers
from workbench.nlp.linked_names import SOURCE_KB, LinkFunction, NameLinking, Tries
from workbench.nlp.names import (
    NameWords,
    enclosing_run,
    is_acronym,
    name_word_test,
)
from workbench.nlp.rules import SOURCE_RULE
from workbench.nlp.spans import (
    char_offsets,
    chunks,
    longest_triggers,
    resolve_overlaps,
    shift,
    split_pieces,
)
from workbench.nlp.variants import acronym, alias_variants, token_norm

if TYPE_CHECKING:
    from spacy.tokens import Doc

SOURCE_MODEL = "model"
_RANK = {SOURCE_KB: 4, SOURCE_MODEL: 3, SOURCE_RULE: 2}
# Documents pre-annotated under other rules are pre-annotated again (2: names joined by
# a particle written onto the next word, "ul-Haq"; 4: letters with a mark of their own,
# "ı", "ø", "ł", match their plain letters, as the linker's keys do from KEY_VERSION 3).
RULES_VERSION = "4"
DATE_KEY = "DATE"
# spaCy's tokenizer remembers how it split each chunk of text (what lies between spaces),
# but only as many chunks as its cache holds (10 000 by default), first come first kept.
# Pattern docs come first (the knowledge base has 100 000s of names) and would fill it,
# leaving news text to be split by regular expressions chunk by chunk, several times
# slower. So the cache grows by each pattern's chunks and keeps this much room for text;
# the text's names are then mostly split already.
TEXT_CACHE_CHUNKS = 100_000
# Texts matched before their names are linked: the names of this many texts are read from
# the knowledge base together (see `Preannotator.suggest`).
READ_AHEAD_TEXTS = 32
# A name asked of the linker: (text, label or None).
Name = tuple[str, str | None]


class _Matches(NamedTuple):
    """What the matchers found in one parsed text, by token: the linker's part comes after."""

    starts: list[int]  # each token's first character
    ends: list[int]  # each token's end
    # knowledge-base matches: what each suggests by itself (None: ambiguous labels)
    known: dict[tuple[int, int], Suggestion | None]
    acronyms: dict[tuple[int, int], set[str]]
    named: set[str]  # entities named unambiguously somewhere in the text
    words: list[tuple[int, int, int]]  # date and trigger word matches
    dates: list[tuple[int, int]]
    covered: set[int]  # tokens of the matches and dates
    name_words: NameWords


@dataclass(frozen=True)
class Found:
    """What the pipeline found in one text."""

    mentions: list[Suggestion]
    triggers: list[SuggestedTrigger]


class _Parsed(NamedTuple):
    """A piece of a text, parsed and matched."""

    text_number: int  # which of the texts processed together it is from
    offset: int  # where in that text it starts
    text: str
    doc: Doc
    model_doc: Any  # the model's parse, if there is a model
    matches: _Matches


class _ReadAhead(NamedTuple):
    """Texts parsed, whose names are being read ahead from the knowledge base."""

    texts: int  # how many texts
    parsed: list[_Parsed]
    planned: list[list[Tries] | None]  # each piece's fuzzy tries
    reading: Future[None]


class Preannotator:
    """Suggestions for texts, from knowledge-base patterns, rules and an optional model."""

    def __init__(self, taxonomy: Taxonomy, lang: str = "en", model=None) -> None:  # type: ignore[no-untyped-def]
        import spacy
        from spacy.attrs import NORM
        from spacy.matcher import PhraseMatcher

        self.nlp = spacy.blank(lang)
        vocab = self.nlp.vocab
        # A word's NORM is its linker key, which the knowledge-base patterns match on:
        # spaCy sets it as each new word enters the vocabulary (once per word, however
        # often it occurs); the few words already there are set here.
        vocab.lex_attr_getters[NORM] = token_norm  # type: ignore[attr-defined]  # (not in spaCy's stubs)
        for lexeme in vocab:
            lexeme.norm_ = token_norm(lexeme.orth_)
        # (its cache size is not in spaCy's stubs)
        self.tokenizer: Any = cast(Any, self.nlp.tokenizer)
        self.tokenizer.max_cache_size = TEXT_CACHE_CHUNKS
        # Whether a word may be part of a name, decided once per word of the vocabulary.
        self.name_word = vocab.add_flag(name_word_test(vocab.lex_attr_getters))  # type: ignore[attr-defined]
        self.kb_matcher = PhraseMatcher(vocab, attr="NORM")
        self.acronym_matcher = PhraseMatcher(vocab, attr="ORTH")
        # dates and event triggers are both plain words: one pass over the text finds both
        self.word_matcher = PhraseMatcher(vocab, attr="LOWER")
        self.trigger_types = triggers.trigger_phrases(taxonomy)
        self.word_matcher.add(DATE_KEY, [self.nlp.make_doc(p) for p in rules.date_phrases()])
        for phrase in self.trigger_types:
            self.word_matcher.add(phrase, [self.nlp.make_doc(phrase)])
        self.date_id = vocab.strings[DATE_KEY]
        self.model = model
        self.entity_labels: dict[str, str] = {}
        self.linking = NameLinking(self.name_word, self.entity_labels)
        self.patterns = 0
        self.last_alias_id = 0

    # -- knowledge base ------------------------------------------------------------
    def add_aliases(self, rows: Iterable[tuple[int, str, str, str]]) -> int:
        """Add patterns for (alias id, entity id, label, text) rows; returns patterns added."""
        added = 0
        by_entity: dict[str, list[Doc]] = {}
        shorthand: dict[str, list[Doc]] = {}
        seen: dict[str, set[str]] = {}
        for alias_id, entity_id, label, text in rows:
            self.last_alias_id = max(self.last_alias_id, alias_id)
            self.entity_labels[entity_id] = label
            known = seen.setdefault(entity_id, set())
            if is_acronym(text):
                # "AT", "SM": matched as written, or every "at" would be a candidate
                if text not in known:
                    known.add(text)
                    shorthand.setdefault(entity_id, []).append(self._pattern_doc(text))
                continue
            for variant in alias_variants(text, label):
                if variant in known:
                    continue
                known.add(variant)
                doc = self._pattern_doc(variant)
                self.linking.add_name(tuple(token.norm_ for token in doc), entity_id)
                by_entity.setdefault(entity_id, []).append(doc)
            short = acronym(text, label)
            if short and short not in known:
                known.add(short)
                shorthand.setdefault(entity_id, []).append(self._pattern_doc(short))
        self.linking.patterns_changed()
        for entity_id, docs in by_entity.items():
            self.kb_matcher.add(entity_id, docs)
            added += len(docs)
        for entity_id, docs in shorthand.items():
            self.acronym_matcher.add(entity_id, docs)
            added += len(docs)
        self.patterns += added
        return added

    def _pattern_doc(self, text: str) -> Doc:
        """A pattern's Doc; the tokenizer's cache grows by its chunks, so that they never
        take the text's room (see TEXT_CACHE_CHUNKS)."""
        self.tokenizer.max_cache_size += text.count(" ") + 1
        return self.nlp.make_doc(text)

    # -- texts -------------------------------------------------------------------------
    def suggest(
        self, texts: Iterable[str], link: LinkFunction | None = None, batch_size: int = 32
    ) -> Iterator[Found]:
        """Suggestions for each text, in order (long texts are processed in pieces).

        When `link` reads ahead (its `read_ahead` and `prefetch`), texts are matched
        READ_AHEAD_TEXTS at a time and the names the linker will be asked about in them
        are read from the knowledge base together, in a thread, while the texts before
        them are linked name by name; else each text is processed as soon as it is parsed
        (holding parsed texts back made a run without reading ahead slower)."""
        # (a batch run's linker on a database server reads ahead: see `Linker.prefetch`)
        prefetch = getattr(link, "prefetch", None) if getattr(link, "read_ahead", False) else None
        if prefetch is None:
            for text in texts:
                parsed = self._parsed([text], batch_size)
                yield from self._found(1, parsed, [None] * len(parsed), link)
            return
        with ThreadPoolExecutor(1, thread_name_prefix="read-ahead") as reader:
            waiting: _ReadAhead | None = None
            for chunk in chunks(texts, READ_AHEAD_TEXTS):
                parsed = self._parsed(chunk, batch_size)
                planned, names = self._planned(parsed)
                ahead = _ReadAhead(len(chunk), parsed, planned, reader.submit(prefetch, names))
                if waiting is not None:
                    yield from self._found_after(waiting, link)
                waiting = ahead
            if waiting is not None:
                yield from self._found_after(waiting, link)

    def _parsed(self, texts: list[str], batch_size: int) -> list[_Parsed]:
        """Each text's pieces parsed and matched."""
        pieces = [
            (i, offset, piece)
            for i, text in enumerate(texts)
            for offset, piece in split_pieces(text)
        ]
        docs = self.nlp.pipe((piece for _, _, piece in pieces), batch_size=batch_size)
        models = (
            self.model.pipe((piece for _, _, piece in pieces), batch_size=batch_size)
            if self.model is not None
            else None
        )
        parsed = []
        for (i, offset, piece), doc in zip(pieces, docs, strict=True):
            model_doc = next(models) if models is not None else None
            parsed.append(_Parsed(i, offset, piece, doc, model_doc, self._matches(doc, piece)))
        return parsed

    def _planned(self, parsed: list[_Parsed]) -> tuple[list[list[Tries] | None], list[Name]]:
        """Each piece's fuzzy tries (used again when its suggestions are made), and the
        names the linker will be asked about in them all."""
        planned: list[list[Tries] | None] = []
        names: list[Name] = []
        for piece in parsed:
            tries = list(self.linking.fuzzy_tries(piece.doc, piece.matches.covered))
            planned.append(tries)
            names += self._names_to_link(piece.doc, piece.matches, piece.model_doc, tries)
        return planned, names

    def _found_after(self, ahead: _ReadAhead, link: LinkFunction | None) -> list[Found]:
        """A chunk's suggestions, once what its names need is read (or its error raised)."""
        ahead.reading.result()
        return self._found(ahead.texts, ahead.parsed, ahead.planned, link)

    def _found(
        self,
        texts: int,
        parsed: list[_Parsed],
        planned: list[list[Tries] | None],
        link: LinkFunction | None,
    ) -> list[Found]:
        """What was found in each of `texts` texts, from its parsed pieces."""
        found: list[Found] = [Found([], []) for _ in range(texts)]
        for piece, tries in zip(parsed, planned, strict=True):
            part = self._suggestions(
                piece.doc, piece.text, piece.matches, piece.model_doc, link, tries
            )
            found[piece.text_number].mentions.extend(shift(s, piece.offset) for s in part.mentions)
            found[piece.text_number].triggers.extend(shift(t, piece.offset) for t in part.triggers)
        return found

    def _matches(self, doc: Doc, text: str) -> _Matches:
        """What the matchers find in one parsed text (`text` is `doc.text`, which spaCy
        would rebuild token by token on every access): everything but the linker's part."""
        strings = self.nlp.vocab.strings
        starts, ends = char_offsets(doc)
        by_span: dict[tuple[int, int], set[str]] = {}
        for match_id, start, end in self.kb_matcher(doc):
            surface = text[starts[start] : ends[end - 1]]
            if not surface.islower():  # "army" is not the Army; "Iran", "BLA", "9/11" are
                by_span.setdefault((start, end), set()).add(strings[match_id])
        acronyms: dict[tuple[int, int], set[str]] = {}
        for match_id, start, end in self.acronym_matcher(doc):
            acronyms.setdefault((start, end), set()).add(strings[match_id])
        # A surface form several entities share is settled by the document: the one of
        # them it also names unambiguously elsewhere, if exactly one; else it stays unlinked.
        named = {
            next(iter(ids))
            for spans in (by_span, acronyms)
            for ids in spans.values()
            if len(ids) == 1
        }
        words = self.word_matcher(doc)
        dates = [(start, end) for match_id, start, end in words if match_id == self.date_id]
        covered = {i for start, end in (*by_span, *acronyms, *dates) for i in range(start, end)}
        known = {
            (start, end): self._kb_suggestion(starts[start], ends[end - 1], ids, 100.0, named)
            for (start, end), ids in by_span.items()
        }
        return _Matches(
            starts,
            ends,
            known,
            acronyms,
            named,
            words,
            dates,
            covered,
            NameWords(doc, self.name_word),
        )

    def _names_to_link(
        self, doc: Doc, matches: _Matches, model_doc: Any, fuzzy_tries: list[Tries]
    ) -> list[Name]:
        """The (text, label) names `_suggestions` will first ask the linker about (a few
        more, as a longer name linked meanwhile hides names this list still holds; and a
        few less, as a name's shorter tries follow only a NIL for the whole)."""
        names: list[Name] = []
        for (start, end), suggestion in matches.known.items():
            if suggestion:
                first, last = enclosing_run(matches.name_words, start, end, matches.covered)
                if (first, last) != (start, end) and self.linking.may_link_whole(
                    doc, first, last, start, end
                ):
                    names.append((doc[first:last].text, None))
        for tries in fuzzy_tries:
            span, known = tries[0]  # (the next tries only if the linker says NIL to it)
            if known is None:
                names.append((span.text, None))
        if model_doc is not None:
            names.extend((ent.text, ent.label_) for ent in model_doc.ents)
        return names

    def _suggestions(
        self,
        doc: Doc,
        text: str,
        matches: _Matches,
        model_doc: Any,
        link: LinkFunction | None,
        planned: list[Tries] | None = None,
    ) -> Found:
        """Suggestions for one parsed text, from its matches and the linker (`planned`:
        its fuzzy tries, if the read-ahead worked them out)."""
        strings = self.nlp.vocab.strings
        starts, ends = matches.starts, matches.ends
        covered = set(matches.covered)  # (a linked longer name covers more)
        candidates: list[Suggestion] = []
        for (start, end), suggestion in matches.known.items():
            if suggestion and link is not None:
                suggestion = self.linking.in_longer_name(
                    doc, matches.name_words, start, end, suggestion, covered, link
                )
            if suggestion:
                candidates.append(suggestion)
        for (start, end), entity_ids in matches.acronyms.items():
            suggestion = self._kb_suggestion(
                starts[start], ends[end - 1], entity_ids, 90.0, matches.named
            )
            if suggestion:
                candidates.append(suggestion)
        candidates += rules.suggestions(doc, text, starts, ends, matches.dates)
        if link is not None:
            # (the planned tries hold while no longer name linked above covers more)
            still = planned if len(covered) == len(matches.covered) else None
            candidates += self.linking.fuzzy_names(doc, covered, link, still)
        if model_doc is not None:
            candidates += self._model_suggestions(model_doc, link)
        found_triggers = []
        for match_id, start, end in matches.words:
            if match_id == self.date_id:
                continue
            event_type, subtype = self.trigger_types[strings[match_id]]
            found_triggers.append(
                SuggestedTrigger(starts[start], ends[end - 1], event_type, subtype, triggers.SCORE)
            )
        return Found(resolve_overlaps(candidates, _RANK), longest_triggers(found_triggers))

    def _kb_suggestion(
        self, start: int, end: int, entity_ids: set[str], score: float, named: set[str]
    ) -> Suggestion | None:
        chosen = entity_ids if len(entity_ids) == 1 else entity_ids & named
        if len(chosen) == 1:
            (entity_id,) = chosen
            label = self.entity_labels[entity_id]
            return Suggestion(
                start, end, label, SOURCE_KB, score if chosen is entity_ids else 80.0, entity_id
            )
        labels = {self.entity_labels[e] for e in entity_ids}
        if len(labels) == 1:
            return Suggestion(start, end, labels.pop(), SOURCE_KB, 50.0)
        return None

    def _model_suggestions(self, model_doc, link: LinkFunction | None) -> list[Suggestion]:  # type: ignore[no-untyped-def]
        out = []
        for ent in model_doc.ents:
            decided = link(ent.text, ent.label_) if link else None
            entity_id, score = (decided[0], decided[2]) if decided else (None, 50.0)
            out.append(
                Suggestion(ent.start_char, ent.end_char, ent.label_, SOURCE_MODEL, score, entity_id)
            )
        return out
