"""Capitalised names for the linker, in a parsed text: the longer name a knowledge-base
match sits in, and the names the patterns missed (a typing error, another spelling).
`NameLinking` decides which names to ask the linker about, in which order; the linker's
threshold and NIL rules decide the rest. See `workbench.nlp.names` for what a name is."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from workbench.model import Suggestion
from workbench.nlp.names import (
    CONNECTORS,
    NESTED_NOT_SUGGESTED,
    NameWords,
    derived_from_known,
    enclosing_run,
    is_acronym,
    name_runs,
)
from workbench.nlp.typos import NameIndex
from workbench.nlp.variants import token_norm

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

# `link(text, label)` -> (entity id, label, score) or None when the linker says NIL.
LinkFunction = Callable[[str, str | None], "tuple[str, str, float] | None"]
# Where suggestions linked here come from (a knowledge-base match's source).
SOURCE_KB = "ruler"
# What to try for one name run, in order: a span, and the entity when it is a known name
# with a typing error in a word (else None: the linker is asked). See `fuzzy_tries`.
Tries = list[tuple["Span", str | None]]


class NameLinking:
    """The names of a text to ask the linker about, given the knowledge base's patterns."""

    def __init__(self, name_word: int, entity_labels: dict[str, str]) -> None:
        """`name_word`: the vocabulary flag of words that may be part of a name;
        `entity_labels`: each known entity's label (kept up to date by the pipeline)."""
        self.name_word = name_word
        self.entity_labels = entity_labels
        self.names = NameIndex()  # word keys of every pattern: the fuzzy stage's gate
        self._single_words: dict[str, bool] = {}  # see `misspelt_name`

    def add_name(self, keys: tuple[str, ...], entity_id: str) -> None:
        """A pattern's word keys, for the entity it names."""
        self.names.add(keys, entity_id)

    def patterns_changed(self) -> None:
        """New known words change which single words are misspelt names."""
        self._single_words.clear()

    def in_longer_name(
        self,
        doc: Doc,
        words: NameWords,
        start: int,
        end: int,
        suggestion: Suggestion,
        covered: set[int],
        link: LinkFunction,
    ) -> Suggestion | None:
        """A match inside a longer capitalised name (see `workbench.nlp.names`): the whole
        name when the linker links it (its tokens then count as covered), else the match,
        but never a people or a place inside a name it cannot link."""
        first, last = enclosing_run(words, start, end, covered)
        if (first, last) == (start, end):
            return suggestion
        whole = doc[first:last]
        decided = (
            link(whole.text, None) if self.may_link_whole(doc, first, last, start, end) else None
        )
        if decided:  # (the linker's threshold and NIL rules)
            entity_id, label, score = decided
            covered.update(range(first, last))
            return Suggestion(whole.start_char, whole.end_char, label, SOURCE_KB, score, entity_id)
        return None if suggestion.label in NESTED_NOT_SUGGESTED else suggestion

    def may_link_whole(self, doc: Doc, first: int, last: int, start: int, end: int) -> bool:
        """Whether the linker may link a longer name (tokens [first, last)) around a match
        (tokens [start, end)): only when another of its words is a known word."""
        around = [*range(first, start), *range(end, last)]
        return any(doc[i].norm_ in self.names.words for i in around)

    def fuzzy_names(
        self,
        doc: Doc,
        covered: set[int],
        link: LinkFunction,
        planned: list[Tries] | None = None,
    ) -> list[Suggestion]:
        """Capitalised names the patterns missed ("Hossein Amirabdollahian" for a knowledge
        base that writes "Amir-Abdollahian", "Quettah" for "Quetta"): of each name's tries
        (see `fuzzy_tries`; `planned` when they were worked out for these `covered`
        tokens already), the first that is a known name with a typing error in a word, or
        that the linker links (its threshold and NIL rules)."""
        out: list[Suggestion] = []
        for tries in planned if planned is not None else self.fuzzy_tries(doc, covered):
            for span, known in tries:
                if known is not None:
                    decided: tuple[str, str, float] | None = (
                        known,
                        self.entity_labels[known],
                        90.0,
                    )
                else:
                    decided = link(span.text, None)
                if decided:
                    entity_id, label, score = decided
                    out.append(
                        Suggestion(
                            span.start_char, span.end_char, label, SOURCE_KB, score, entity_id
                        )
                    )
                    break
        return out

    def fuzzy_tries(self, doc: Doc, covered: set[int]) -> Iterator[Tries]:
        """For each capitalised name run no pattern covers, what to try, in order: the whole
        run, then without its first or last word (a word in front or behind that is not
        part of the name). Each try is a span and, when it is a known name with a typing
        error in a word, that entity; else (None) the linker is asked, for a try sharing a
        word with the knowledge base. A single word is only ever a known one-word name
        misspelt: a known word alone, which no pattern matched, is at best part of a name
        (the linker scores it below its threshold), and handing every other capitalised
        word to the linker made a run markedly slower (`bench_preannotate.py`)."""
        for run in name_runs(doc, covered, self.name_word):
            bounds = [(0, len(run))]
            if len(run) > 1:
                if doc[run[0]].norm_ not in self.names.words:
                    bounds.append((1, len(run)))
                if doc[run[-1]].norm_ not in self.names.words:
                    bounds.append((0, len(run) - 1))
            tries: Tries = []
            for first, last in bounds:
                span = doc[run[first] : run[last - 1] + 1]
                if span[0].lower_ in CONNECTORS or span[-1].lower_ in CONNECTORS:
                    continue
                keys = tuple(token.norm_ for token in span)
                single = len(keys) == 1
                if single and not self.misspelt_name(span.text, keys[0]):
                    continue
                if not single and not any(key in self.names.words for key in keys):
                    continue
                known = self.names.lookup(keys)
                if len(known) == 1:
                    tries.append((span, next(iter(known))))
                elif not single:
                    tries.append((span, None))
            if tries:
                yield tries

    def misspelt_name(self, text: str, key: str) -> bool:
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
