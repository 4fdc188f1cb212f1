"""Every action of the TUI, once: its binding id, default keys, description and handler.

The bindings of the article view, the main screen and the app, the help screen and the
command palette are all made from this list, so they can never disagree with each other
or with the user's keymap (`keymap.toml` remaps keys by binding id).

`handler` is a Textual action string: on the view it is the view's own action
("move('word', 1)"); on the screen it names a method of one of the screen's parts
("annotations.annotate"), run through the screen's `action_run`.

One module on purpose: its length is the number of actions, one table everyone reads.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from textual.binding import Binding, BindingType

Scope = Literal["view", "screen", "app", "adjudication"]


class Action(NamedTuple):
    """One thing a key can do."""

    id: str
    keys: str
    description: str
    handler: str
    scope: Scope
    section: str
    footer: bool = False  # shown in the footer (with `short`)
    palette: bool = True  # offered in the command palette
    short: str = ""  # the footer's word for it


def _view(id: str, keys: str, description: str, handler: str, section: str) -> Action:
    return Action(id, keys, description, handler, "view", section, palette=False)


def _screen(id: str, keys: str, description: str, handler: str, section: str) -> Action:
    return Action(id, keys, description, handler, "screen", section)


def _adjudicate(id: str, keys: str, description: str, handler: str, short: str = "") -> Action:
    return Action(
        id,
        keys,
        description,
        handler,
        "adjudication",
        ADJUDICATING,
        footer=bool(short),
        palette=False,
        short=short,
    )


MOVING = "Moving and selecting (in a document)"
ANNOTATING = "Annotating and suggestions"
EVENTS = "Events"
READING = "Panes, search, copy, export"
ADJUDICATING = "Adjudication (J opens it: two layers, their disagreements)"
APPLICATION = "Application"

ACTIONS: tuple[Action, ...] = (
    _view("cursor.left", "left", "character left", "move('char', -1)", MOVING),
    _view("cursor.right", "right", "character right", "move('char', 1)", MOVING),
    _view("cursor.up", "up", "line up", "move('line', -1)", MOVING),
    _view("cursor.down", "down", "line down", "move('line', 1)", MOVING),
    _view("cursor.word_next", "w,ctrl+right", "next word", "move('word', 1)", MOVING),
    _view("cursor.word_previous", "b,ctrl+left", "previous word", "move('word', -1)", MOVING),
    _view(
        "cursor.sentence_next", "right_parenthesis", "next sentence", "move('sentence', 1)", MOVING
    ),
    _view(
        "cursor.sentence_previous",
        "left_parenthesis",
        "previous sentence",
        "move('sentence', -1)",
        MOVING,
    ),
    _view(
        "cursor.paragraph_next",
        "right_curly_bracket,ctrl+down",
        "next paragraph",
        "move('paragraph', 1)",
        MOVING,
    ),
    _view(
        "cursor.paragraph_previous",
        "left_curly_bracket,ctrl+up",
        "previous paragraph",
        "move('paragraph', -1)",
        MOVING,
    ),
    _view("cursor.page_down", "pagedown", "page down", "move('page', 1)", MOVING),
    _view("cursor.page_up", "pageup", "page up", "move('page', -1)", MOVING),
    _view(
        "cursor.document_start", "home,g", "start of the document", "move('document', -1)", MOVING
    ),
    _view("cursor.document_end", "end,G", "end of the document", "move('document', 1)", MOVING),
    _view(
        "cursor.annotation_next",
        "right_square_bracket",
        "next mention",
        "move('annotation', 1)",
        MOVING,
    ),
    _view(
        "cursor.annotation_previous",
        "left_square_bracket",
        "previous mention",
        "move('annotation', -1)",
        MOVING,
    ),
    _view(
        "cursor.suggestion_next",
        "ctrl+n",
        "next suggestion or suggested trigger",
        "move('suggestion', 1)",
        MOVING,
    ),
    _view(
        "cursor.suggestion_previous",
        "ctrl+b",
        "previous suggestion or suggested trigger",
        "move('suggestion', -1)",
        MOVING,
    ),
    _view("select.left", "shift+left", "extend the selection left", "select('char', -1)", MOVING),
    _view("select.right", "shift+right", "extend the selection right", "select('char', 1)", MOVING),
    _view("select.up", "shift+up", "extend the selection up", "select('line', -1)", MOVING),
    _view("select.down", "shift+down", "extend the selection down", "select('line', 1)", MOVING),
    _view(
        "select.word_next",
        "W,ctrl+shift+right",
        "select to the end of the next word",
        "select('word_end', 1)",
        MOVING,
    ),
    _view(
        "select.word_previous",
        "B,ctrl+shift+left",
        "select back to the start of a word",
        "select('word', -1)",
        MOVING,
    ),
    Action(
        "select.mode",
        "v",
        "selection mode on/off",
        "toggle_selection_mode",
        "view",
        MOVING,
        footer=True,
        palette=False,
        short="select mode",
    ),
    _view(
        "select.clear",
        "escape",
        "clear the selection and find highlights",
        "clear_selection",
        MOVING,
    ),
    # -- annotating
    Action(
        "annotate.add",
        "a,enter",
        "annotate the selection or word",
        "annotations.annotate",
        "screen",
        ANNOTATING,
        footer=True,
        short="annotate",
    ),
    _screen("annotate.relabel", "e", "relabel the mention", "annotations.relabel", ANNOTATING),
    Action(
        "annotate.link",
        "l",
        "link or relink the mention",
        "annotations.relink",
        "screen",
        ANNOTATING,
        footer=True,
        short="link",
    ),
    _screen("annotate.delete", "d,delete", "delete the mention", "annotations.delete", ANNOTATING),
    _screen(
        "suggestion.accept",
        "y",
        "accept the suggestion (a trigger: confirm its type), go to the next",
        "annotations.accept",
        ANNOTATING,
    ),
    _screen(
        "suggestion.reject",
        "x",
        "reject the suggestion, go to the next",
        "annotations.reject",
        ANNOTATING,
    ),
    _screen(
        "suggestion.accept_entity",
        "A",
        "accept every suggestion of this entity in the document",
        "annotations.accept_entity",
        ANNOTATING,
    ),
    _screen(
        "span.grow_word",
        "greater_than_sign",
        "grow the mention by a word",
        "annotations.resize('word', 1)",
        ANNOTATING,
    ),
    _screen(
        "span.shrink_word",
        "less_than_sign",
        "shrink the mention by a word",
        "annotations.resize('word', -1)",
        ANNOTATING,
    ),
    _screen(
        "span.grow_char",
        "full_stop",
        "grow the mention by a character",
        "annotations.resize('char', 1)",
        ANNOTATING,
    ),
    _screen(
        "span.shrink_char",
        "comma",
        "shrink the mention by a character",
        "annotations.resize('char', -1)",
        ANNOTATING,
    ),
    Action(
        "preannotate.open",
        "p",
        "pre-annotate the open documents",
        "suggestions.preannotate",
        "screen",
        ANNOTATING,
        footer=True,
        short="pre-annotate",
    ),
    Action(
        "history.undo",
        "u",
        "undo your newest change",
        "annotations.undo",
        "screen",
        ANNOTATING,
        footer=True,
        short="undo",
    ),
    _screen("history.redo", "ctrl+r", "redo", "annotations.redo", ANNOTATING),
    _screen(
        "history.skip",
        "U",
        "leave your newest change in place (its undo was refused)",
        "annotations.skip_undo",
        ANNOTATING,
    ),
    _screen(
        "history.retry",
        "R",
        "make again the change a lost connection to the database did not save",
        "annotations.retry",
        ANNOTATING,
    ),
    _screen("entity.rename", "", "rename the entity of the mention", "entities.rename", ANNOTATING),
    _screen(
        "entity.delete",
        "",
        "delete the entity of the mention (only when nothing uses it)",
        "entities.delete",
        ANNOTATING,
    ),
    # -- events
    Action(
        "event.add",
        "E",
        "mark an event on the selection or word",
        "events.add",
        "screen",
        EVENTS,
        footer=True,
        short="mark event",
    ),
    _screen(
        "event.edit", "F", "event form: date, fatalities, certainty, note", "events.edit", EVENTS
    ),
    _screen(
        "event.select",
        "t",
        "make the event under the cursor the active one",
        "events.select",
        EVENTS,
    ),
    _screen(
        "event.role", "r", "the mention fills a role of the active event", "events.add_role", EVENTS
    ),
    _screen("event.cluster", "K", "same incident as the active event", "events.cluster", EVENTS),
    _screen(
        "event.suggest_incidents",
        "S",
        "the incidents this event may be, with the evidence; enter joins one",
        "events.suggest_incidents",
        EVENTS,
    ),
    _screen(
        "incidents.open",
        "I",
        "incidents on a timeline: reports, grades, conflicts",
        "reading.incidents",
        EVENTS,
    ),
    _screen("event.delete", "D", "delete the event", "events.delete", EVENTS),
    # -- panes, search, copy, export
    Action(
        "pane.switch",
        "tab",
        "the other pane",
        "reading.focus_other_pane",
        "screen",
        READING,
        footer=True,
        short="other pane",
    ),
    Action(
        "pane.open",
        "o",
        "open a document in this pane",
        "reading.open_document",
        "screen",
        READING,
        footer=True,
        short="open",
    ),
    _screen("pane.swap", "s", "swap the panes", "reading.swap_panes", READING),
    _screen(
        "document.done",
        "ctrl+d",
        "mark this document done for me, open my next assigned",
        "reading.mark_done",
        READING,
    ),
    _screen(
        "adjudicate.open",
        "J",
        "adjudicate: two layers of this document side by side, settle their disagreements",
        "reading.adjudicate",
        READING,
    ),
    _screen("panel.toggle", "i", "side panel on/off", "reading.toggle_side_panel", READING),
    Action(
        "find.open",
        "slash",
        "find in this document",
        "reading.find",
        "screen",
        READING,
        footer=True,
        short="find",
    ),
    _screen("find.next", "n", "next find match", "reading.find_step(1)", READING),
    _screen("find.previous", "N", "previous find match", "reading.find_step(-1)", READING),
    Action(
        "search.corpus",
        "ctrl+f",
        "search the corpus",
        "reading.search_corpus",
        "screen",
        READING,
        footer=True,
        short="search",
    ),
    _screen(
        "entity.next_mention", "j", "next mention of the entity", "reading.jump_entity", READING
    ),
    _screen(
        "entity.mentions",
        "m",
        "every mention of the entity in the corpus",
        "reading.entity_mentions",
        READING,
    ),
    _screen(
        "copy.selection",
        "c",
        "copy the selection with its citation",
        "reading.copy_selection",
        READING,
    ),
    _screen("copy.entity", "C", "copy the entity card", "reading.copy_entity", READING),
    _screen(
        "export.open",
        "ctrl+e",
        "export (jsonl, spacy, brat, conll, csv, stix, graphml, plugins)",
        "reading.export",
        READING,
    ),
    # -- adjudication: keys of its own screen
    _adjudicate(
        "adjudicate.take_first",
        "1",
        "take the first (left) layer's span",
        "decide('first')",
        "left",
    ),
    _adjudicate(
        "adjudicate.take_second",
        "2",
        "take the second (right) layer's span",
        "decide('second')",
        "right",
    ),
    _adjudicate(
        "adjudicate.take_both",
        "3",
        "take both spans (when they do not overlap)",
        "decide('both')",
        "both",
    ),
    _adjudicate(
        "adjudicate.reject",
        "x",
        "reject: the curated layer keeps neither",
        "decide('reject')",
        "reject",
    ),
    _adjudicate(
        "adjudicate.edit", "e", "take the span with another label (then its digit)", "edit", "edit"
    ),
    _adjudicate("adjudicate.next", "n", "next open disagreement", "step(1)", "next"),
    _adjudicate("adjudicate.previous", "N", "previous open disagreement", "step(-1)"),
    _adjudicate("adjudicate.undo", "u", "undo your newest decision", "undo", "undo"),
    _adjudicate("adjudicate.close", "escape", "back to the documents", "close", "back"),
    # -- application
    Action(
        "app.help", "question_mark", "help: every key", "help", "app", APPLICATION, short="help"
    ),
    Action("app.quit", "q", "quit", "quit", "app", APPLICATION, short="quit"),
)
BY_ID = {action.id: action for action in ACTIONS}


def bindings(scope: Scope) -> list[BindingType]:
    """Textual bindings for one scope (screen actions go through `action_run`)."""
    out: list[BindingType] = []
    for action in ACTIONS:
        if action.scope != scope or not action.keys:
            continue
        handler = f"run('{action.id}')" if scope == "screen" else action.handler
        label = action.short or action.description
        out.append(Binding(action.keys, handler, label, show=action.footer, id=action.id))
    return out


def keys_of(action: Action, keymap: dict[str, str]) -> str:
    """The keys an action has now: the user's keymap, else its default."""
    return keymap.get(action.id, action.keys)
