"""The pre-annotation pipeline: spaCy's tokenizer, a PhraseMatcher
over the knowledge base's aliases (matched on the linker's per-token keys), an acronym
matcher, date/number rules, event-trigger words, fuzzy linking of capitalised names the
patterns missed, and optionally a statistical model's NER.

Patterns are added incrementally (`add_aliases`), so a grown knowledge base costs only
its new aliases; `Preannotator` knows nothing of the store: the caller hands it alias
rows and a `link(text, label)` function (the linker)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from workbench.events.taxonomy import Taxonomy
from workbench.model import SuggestedTrigger, Suggestion
from workbench.nlp import rules, triggers
from workbench.nlp.names import (
    CONNECTORS,
    NESTED_NOT_SUGGESTED,
    NameWords,
    derived_from_known,
    enclosing_run,
    is_acronym,
    name_runs,
    name_word_test,
)
from workbench.nlp.spans import longest_triggers, non_overlapping, shift, split_pieces
from workbench.nlp.typos import NameIndex
from workbench.nlp.variants import acronym, alias_variants, token_norm

if TYPE_CHECKING:
    from spacy.tokens import Doc

# `link(text, label)` -> (entity id, label, score) or None when the linker says NIL.
LinkFunction = Callable[[str, str | None], "tuple[str, str, float] | None"]

SOURCE_KB = "ruler"
SOURCE_RULE = "rule"
SOURCE_MODEL = "model"
_RANK = {SOURCE_KB: 4, SOURCE_MODEL: 3, SOURCE_RULE: 2}
# Documents pre-annotated under other rules are pre-annotated again (2: names joined by
# a particle written onto the next word, "ul-Haq").
RULES_VERSION = "3"
DATE_KEY = "DATE"
# spaCy's tokenizer remembers how it split each chunk of text (what lies between spaces),
# but only as many chunks as its cache holds (10 000 by default), first come first kept.
# Pattern docs come first (the knowledge base has 100 000s of names) and would fill it,
# leaving news text to be split by regular expressions chunk by chunk, several times
# slower. So the cache grows by each pattern's chunks and keeps this much room for text;
# the text's names are then mostly split already.
TEXT_CACHE_CHUNKS = 100_000


@dataclass(frozen=True)
class Found:
    """What the pipeline found in one text."""

    mentions: list[Suggestion]
    triggers: list[SuggestedTrigger]


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
        self.names = NameIndex()  # word keys of every pattern: the fuzzy stage's gate
        self._single_words: dict[str, bool] = {}  # see `_misspelt_name`
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
                self.names.add(tuple(token.norm_ for token in doc), entity_id)
                by_entity.setdefault(entity_id, []).append(doc)
            short = acronym(text, label)
            if short and short not in known:
                known.add(short)
                shorthand.setdefault(entity_id, []).append(self._pattern_doc(short))
        self._single_words.clear()  # new known words change the answers
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
        """Suggestions for each text, in order (long texts are processed in pieces)."""
        for text in texts:
            pieces = list(split_pieces(text))
            mentions: list[Suggestion] = []
            found_triggers: list[SuggestedTrigger] = []
            docs = self.nlp.pipe((piece for _, piece in pieces), batch_size=batch_size)
            models = (
                self.model.pipe((piece for _, piece in pieces), batch_size=batch_size)
                if self.model is not None
                else None
            )
            for (offset, piece), doc in zip(pieces, docs, strict=True):
                model_doc = next(models) if models is not None else None
                found = self._suggest_doc(doc, piece, model_doc, link)
                mentions += [shift(s, offset) for s in found.mentions]
                found_triggers += [shift(t, offset) for t in found.triggers]
            yield Found(mentions, found_triggers)

    def _suggest_doc(self, doc, text: str, model_doc, link: LinkFunction | None) -> Found:  # type: ignore[no-untyped-def]
        """Suggestions for one parsed text (`text` is `doc.text`, which spaCy would rebuild
        token by token on every access)."""
        strings = self.nlp.vocab.strings
        starts, ends = _char_offsets(doc)
        candidates: list[Suggestion] = []
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
        name_words = NameWords(doc, self.name_word)
        for spans, score in ((by_span, 100.0), (acronyms, 90.0)):
            for (start, end), entity_ids in spans.items():
                suggestion = self._kb_suggestion(
                    starts[start], ends[end - 1], entity_ids, score, named
                )
                if suggestion and link is not None and spans is by_span:
                    suggestion = self._in_longer_name(
                        doc, name_words, start, end, suggestion, covered, link
                    )
                if suggestion:
                    candidates.append(suggestion)
        candidates += self._rule_suggestions(doc, text, starts, ends, dates)
        if link is not None:
            candidates += self._fuzzy_names(doc, covered, link)
        if model_doc is not None:
            candidates += self._model_suggestions(model_doc, link)
        found_triggers = []
        for match_id, start, end in words:
            if match_id == self.date_id:
                continue
            event_type, subtype = self.trigger_types[strings[match_id]]
            found_triggers.append(
                SuggestedTrigger(starts[start], ends[end - 1], event_type, subtype, triggers.SCORE)
            )
        return Found(resolve_overlaps(candidates), longest_triggers(found_triggers))

    def _rule_suggestions(
        self,
        doc: Doc,
        text: str,
        starts: list[int],
        ends: list[int],
        dates: list[tuple[int, int]],
    ) -> list[Suggestion]:
        """Dates from the phrase list's matches `dates` (a following year is taken in:
        "January 16, 2024"); numbers, and a number with a unit as a quantity, straight
        from the tokens."""
        import numpy
        from spacy.attrs import LIKE_NUM

        if not len(doc):
            return []
        out: list[Suggestion] = []
        for start, end in dates:
            if not rules.plausible("DATE", text[starts[start] : ends[end - 1]]):
                continue
            end = rules.with_year(doc, end)
            out.append(
                Suggestion(starts[start], ends[end - 1], "DATE", SOURCE_RULE, rules.SCORE["DATE"])
            )
        for i in numpy.flatnonzero(doc.to_array(LIKE_NUM) == 1).tolist():
            unit = i + 1
            if unit < len(doc) and text[starts[unit] : ends[unit]] == "-":
                unit += 1
            if unit < len(doc) and text[starts[unit] : ends[unit]].casefold() in rules.UNITS:
                out.append(
                    Suggestion(
                        starts[i], ends[unit], "QUANTITY", SOURCE_RULE, rules.SCORE["QUANTITY"]
                    )
                )
            elif rules.plausible("CARDINAL", text[starts[i] : ends[i]]):
                out.append(
                    Suggestion(starts[i], ends[i], "CARDINAL", SOURCE_RULE, rules.SCORE["CARDINAL"])
                )
        return out

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

    def _in_longer_name(  # type: ignore[no-untyped-def]
        self,
        doc,
        words: NameWords,
        start: int,
        end: int,
        suggestion: Suggestion,
        covered: set[int],
        link: LinkFunction,
    ) -> Suggestion | None:
        """A match inside a longer capitalised name (see `workbench.nlp.names`): the whole
        name when the linker links it (its tokens then count as covered; it is asked only
        when another word of the name is a known word), else the match, but never a
        people or a place inside a name it cannot link."""
        first, last = enclosing_run(words, start, end, covered)
        if (first, last) == (start, end):
            return suggestion
        whole = doc[first:last]
        around = [*range(first, start), *range(end, last)]
        # the linker can link the whole only if another of its words is a known word
        known = any(doc[i].norm_ in self.names.words for i in around)
        decided = link(whole.text, None) if known else None  # its threshold and NIL rules
        if decided:
            entity_id, label, score = decided
            covered.update(range(first, last))
            return Suggestion(whole.start_char, whole.end_char, label, SOURCE_KB, score, entity_id)
        return None if suggestion.label in NESTED_NOT_SUGGESTED else suggestion

    def _fuzzy_names(self, doc, covered: set[int], link: LinkFunction) -> list[Suggestion]:  # type: ignore[no-untyped-def]
        """Capitalised names the patterns missed ("Hossein Amirabdollahian" for a knowledge
        base that writes "Amir-Abdollahian", "Quettah" for "Quetta"): a known name with a
        typing error in a word, else, for a name sharing a word with the knowledge base,
        the linker's decision (its threshold and NIL rules) on the whole name, then
        without its first or last word. A single word is only ever a known one-word name
        misspelt: a known word alone, which no pattern matched, is at best part of a name
        (the linker scores it below its threshold), and handing every other capitalised
        word to the linker made a run markedly slower (`bench_preannotate.py`)."""
        out: list[Suggestion] = []
        for run in name_runs(doc, covered, self.name_word):
            tries = [(0, len(run))]
            if len(run) > 1:  # a word in front or behind that is not part of the name
                if doc[run[0]].norm_ not in self.names.words:
                    tries.append((1, len(run)))
                if doc[run[-1]].norm_ not in self.names.words:
                    tries.append((0, len(run) - 1))
            for first, last in tries:
                span = doc[run[first] : run[last - 1] + 1]
                if span[0].lower_ in CONNECTORS or span[-1].lower_ in CONNECTORS:
                    continue
                keys = tuple(token.norm_ for token in span)
                single = len(keys) == 1
                if single and not self._misspelt_name(span.text, keys[0]):
                    continue
                if not single and not any(key in self.names.words for key in keys):
                    continue
                known = self.names.lookup(keys)
                decided = None
                if len(known) == 1:  # a known name with a typing error in a word
                    (entity_id,) = known
                    decided = (entity_id, self.entity_labels[entity_id], 90.0)
                elif not single:
                    decided = link(span.text, None)  # the linker's threshold and NIL rules
                if decided:
                    entity_id, label, score = decided
                    out.append(
                        Suggestion(
                            span.start_char, span.end_char, label, SOURCE_KB, score, entity_id
                        )
                    )
                    break
        return out

    def _misspelt_name(self, text: str, key: str) -> bool:
        """Whether a single word may be a known name misspelt: not a known word itself,
        one edit from one, and neither an acronym ("IRNA" is not "Iran") nor a known
        name with a deriving ending ("Pakistani" is not "Pakistan"). Answered once per
        word while the patterns stay the same: capitalised words repeat all through a
        corpus ("Officials", "Police")."""
        answer = self._single_words.get(text)
        if answer is None:
            answer = (
                key not in self.names.words
                and bool(self.names.corrections(key))
                and not is_acronym(text)
                and not derived_from_known(text, self.names.words, token_norm)
            )
            self._single_words[text] = answer
        return answer

    def _model_suggestions(self, model_doc, link: LinkFunction | None) -> list[Suggestion]:  # type: ignore[no-untyped-def]
        out = []
        for ent in model_doc.ents:
            decided = link(ent.text, ent.label_) if link else None
            entity_id, score = (decided[0], decided[2]) if decided else (None, 50.0)
            out.append(
                Suggestion(ent.start_char, ent.end_char, ent.label_, SOURCE_MODEL, score, entity_id)
            )
        return out


def _char_offsets(doc) -> tuple[list[int], list[int]]:  # type: ignore[no-untyped-def]
    """Start and end character offsets of every token, without making Token objects."""
    from spacy.attrs import IDX, LENGTH

    if not len(doc):
        return [], []
    array = doc.to_array([IDX, LENGTH])
    starts = array[:, 0].tolist()
    return starts, (array[:, 0] + array[:, 1]).tolist()


def resolve_overlaps(candidates: list[Suggestion]) -> list[Suggestion]:
    """Keep the best of overlapping suggestions: longer first, then source, then score."""
    ordered = sorted(
        candidates,
        key=lambda s: (
            -(s.end - s.start),
            -_RANK.get(s.source, 0),
            -rules.LABEL_PRIORITY.get(s.label, 9),
            -s.score,
            s.start,
        ),
    )
    return sorted(non_overlapping(ordered), key=lambda s: (s.start, s.end))
