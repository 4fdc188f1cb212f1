"""Rules for dates, numbers and quantities (OntoNotes labels).

Dates as news writes them: weekdays and months with or without a day ("Tuesday, January
16", "Feb 24", "January 16, 2024"), years, and spans of time ("a month", "five weeks",
"more than a decade", "the next day", "last week"), matched by a spaCy PhraseMatcher over
a generated phrase list. Numbers: digits and number words from "two" ("one" is far more
often a pronoun in news than a count). Quantities: a number with a unit ("900-kilometre",
"5 km")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.events.dates import MONTHS as DATE_MONTHS
from workbench.events.dates import WEEKDAYS as DATE_WEEKDAYS
from workbench.model import Suggestion

if TYPE_CHECKING:
    from spacy.tokens import Doc

# Where suggestions made by these rules come from.
SOURCE_RULE = "rule"

WEEKDAYS = list(DATE_WEEKDAYS)
MONTHS = list(DATE_MONTHS)
MONTH_ABBREVIATIONS = [
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
]
NUMBER_WORDS = [
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "dozen",
    "dozens",
    "million",
]
TIME_UNITS = [
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "decade",
    "decades",
]
UNITS = [
    "km",
    "kilometre",
    "kilometres",
    "kilometer",
    "kilometers",
    "mile",
    "miles",
    "metre",
    "metres",
    "meter",
    "meters",
    "kg",
    "kilogram",
    "kilograms",
    "tonne",
    "tonnes",
    "ton",
    "tons",
]

MORE = ["more than", "less than", "fewer than", "nearly", "almost", "about", "over"]
COUNTS = ["a", "an", "one", *NUMBER_WORDS, *(str(n) for n in range(1, 100))]
YEARS = range(1900, 2100)
CASE_SENSITIVE_MONTHS = {"may", "march"}  # also verbs: only capitalised they are months
LABEL_PRIORITY = {"DATE": 3, "QUANTITY": 2, "CARDINAL": 1}
SCORE = {"DATE": 80.0, "QUANTITY": 75.0, "CARDINAL": 70.0}


def date_phrases() -> list[str]:
    """Every date expression the DATE rule knows, lower case, for a PhraseMatcher (about
    15,000 phrases: a phrase trie is far faster than token patterns with sets of words)."""
    days = range(1, 32)
    month_days = [f"{m} {d}" for m in MONTHS for d in days] + [
        f"{d} {m}" for m in MONTHS for d in days
    ]
    phrases = [*WEEKDAYS, *MONTHS, *month_days, *(str(y) for y in YEARS)]
    phrases += [f"{w}, {md}" for w in WEEKDAYS for md in month_days[: 12 * 31]]
    phrases += [f"{w} {md}" for w in WEEKDAYS for md in month_days[: 12 * 31]]
    phrases += [f"{a}{dot} {d}" for a in MONTH_ABBREVIATIONS for dot in ("", ".") for d in days]
    phrases += [f"{m} {y}" for m in MONTHS for y in YEARS]
    spans = [f"{c} {u}" for c in COUNTS for u in TIME_UNITS]
    phrases += spans + [f"{more} {s}" for more in MORE for s in spans]
    phrases += [
        f"{u} {w}" for u in ("decades", "years", "months") for w in ("ago", "later", "earlier")
    ]
    phrases += ["decades"]
    phrases += [
        f"the {w} {u}"
        for w in ("next", "following", "previous")
        for u in ("day", "week", "month", "year")
    ]
    phrases += [
        f"{w} {u}" for w in ("last", "next", "this") for u in ("week", "month", "year", "weekend")
    ]
    phrases += ["yesterday", "today", "tomorrow"]
    return list(dict.fromkeys(phrases))


def plausible(label: str, text: str) -> bool:
    """Checks a phrase list cannot express: "may" and "march" are months only when
    capitalised; a CARDINAL has digits or is a number word ("one" and ordinals are not)."""
    if label == "DATE" and text.casefold() in CASE_SENSITIVE_MONTHS:
        return text[:1].isupper()
    if label == "CARDINAL":
        return any(ch.isdigit() for ch in text) or text.casefold() in NUMBER_WORDS
    return True


def with_year(doc, end: int) -> int:  # type: ignore[no-untyped-def]
    """The end of a date match, moved past ", 2024" or " 2024" when a year follows."""
    i = end + 1 if end < len(doc) and doc[end].text == "," else end
    year_follows = i < len(doc) and doc[i].is_digit and len(doc[i]) == 4
    ends_in_year = doc[end - 1].is_digit and len(doc[end - 1]) == 4
    if year_follows and not ends_in_year and 1800 <= int(doc[i].text) <= 2099:
        return i + 1
    return end


def suggestions(
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
        if not plausible("DATE", text[starts[start] : ends[end - 1]]):
            continue
        end = with_year(doc, end)
        out.append(Suggestion(starts[start], ends[end - 1], "DATE", SOURCE_RULE, SCORE["DATE"]))
    for i in numpy.flatnonzero(doc.to_array(LIKE_NUM) == 1).tolist():
        unit = i + 1
        if unit < len(doc) and text[starts[unit] : ends[unit]] == "-":
            unit += 1
        if unit < len(doc) and text[starts[unit] : ends[unit]].casefold() in UNITS:
            out.append(
                Suggestion(starts[i], ends[unit], "QUANTITY", SOURCE_RULE, SCORE["QUANTITY"])
            )
        elif plausible("CARDINAL", text[starts[i] : ends[i]]):
            out.append(Suggestion(starts[i], ends[i], "CARDINAL", SOURCE_RULE, SCORE["CARDINAL"]))
    return out
