"""How annotations look: one colour per label, suggestions and highlights distinct."""

from __future__ import annotations

from rich.style import Style

LABEL_COLOURS = {
    "PERSON": "#d7875f",
    "NORP": "#af87d7",
    "FAC": "#87afaf",
    "ORG": "#5fafd7",
    "GPE": "#87af5f",
    "LOC": "#5faf87",
    "PRODUCT": "#d7af5f",
    "EVENT": "#d75f87",
    "WORK_OF_ART": "#af8787",
    "LAW": "#8787af",
    "LANGUAGE": "#afaf87",
    "DATE": "#87afd7",
    "TIME": "#87afd7",
    "PERCENT": "#afafaf",
    "MONEY": "#afd787",
    "QUANTITY": "#afafd7",
    "ORDINAL": "#d7afaf",
    "CARDINAL": "#d7d7af",
}
DEFAULT_COLOUR = "#afafaf"


def label_colour(label: str) -> str:
    return LABEL_COLOURS.get(label, DEFAULT_COLOUR)


def accepted_style(label: str) -> Style:
    """An analyst's annotation: the label colour as background."""
    return Style(color="black", bgcolor=label_colour(label))


def suggestion_style(label: str) -> Style:
    """A suggestion: the label colour as an underlined foreground, no background."""
    return Style(color=label_colour(label), underline=True, italic=True)


FOCUSED_MENTION = Style(bold=True, underline=True)
SAME_ENTITY = Style(bgcolor="#ffd75f", color="black", bold=True)
SELECTION = Style(bgcolor="#005f87", color="white")
CURSOR = Style(reverse=True)
EVENT_TRIGGER = Style(color="#ff5fd7", bold=True, underline=True, overline=True)
TRIGGER_SUGGESTION = Style(color="#ff5fd7", italic=True, underline=True)
FIND_MATCH = Style(bgcolor="#875f00", color="white")
