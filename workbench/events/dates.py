"""Dates as news writes them, resolved against the article's published date.

"on Friday" in an article published on Saturday 24 February 2024 is 2024-02-23: a bare
weekday in news copy is the most recent such day on or before publication. The text it
came from and the precision (day / week / month / year) are kept; without a published
date a relative phrase stays unresolved, with its precision still recorded.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import NamedTuple

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTH_ABBREVIATIONS = {m[:3]: i + 1 for i, m in enumerate(MONTHS)} | {"sept": 9}
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


class ResolvedDate(NamedTuple):
    """A date phrase and what it resolved to (ISO 8601), with its precision."""

    text: str
    date: str | None
    precision: str | None


def _month_number(word: str) -> int | None:
    word = word.casefold().rstrip(".")
    if word in MONTHS:
        return MONTHS.index(word) + 1
    return _MONTH_ABBREVIATIONS.get(word)


def _shift_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def resolve_date(text: str, published: str | None) -> ResolvedDate:
    """Resolve a date phrase ("Thursday", "on 16 January", "last month", "2024-01-16")."""
    phrase = " ".join(text.strip().split())
    words = re.sub(r"[,.]", " ", phrase.casefold()).split()
    words = [w for w in words if w not in ("on", "the", "of", "in")]
    anchor = None
    if published:
        try:
            anchor = date.fromisoformat(published[:10])
        except ValueError:
            anchor = None
    # absolute forms first: they need no anchor
    iso = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", phrase)
    if iso:
        year, month, day = int(iso[1]), int(iso[2]), iso[3]
        return ResolvedDate(phrase, phrase, "day" if day else "month")
    numbers = [w for w in words if w.isdigit()]
    months = [m for m in (_month_number(w) for w in words) if m]
    if months:
        month = months[0]
        years = [int(n) for n in numbers if len(n) == 4]
        days = [int(n) for n in numbers if len(n) <= 2 and 1 <= int(n) <= 31]
        maybe_year = years[0] if years else (anchor.year if anchor else None)
        if maybe_year is None:
            return ResolvedDate(phrase, None, "day" if days else "month")
        year = maybe_year
        if not years and anchor and date(year, month, 1) > anchor:
            year -= 1  # "in December" in a February article is last December
        if days:
            return ResolvedDate(phrase, date(year, month, days[0]).isoformat(), "day")
        return ResolvedDate(phrase, f"{year:04d}-{month:02d}", "month")
    weekdays = [WEEKDAYS.index(w) for w in words if w in WEEKDAYS]
    if weekdays:
        if anchor is None:
            return ResolvedDate(phrase, None, "day")
        back = (anchor.weekday() - weekdays[0]) % 7
        if "last" in words and back == 0:
            back = 7
        if "next" in words:
            back = -((weekdays[0] - anchor.weekday()) % 7 or 7)
        return ResolvedDate(phrase, (anchor - timedelta(days=back)).isoformat(), "day")
    relative = {"today": 0, "yesterday": 1, "tonight": 0}
    for word, back in relative.items():
        if word in words:
            if anchor is None:
                return ResolvedDate(phrase, None, "day")
            return ResolvedDate(phrase, (anchor - timedelta(days=back)).isoformat(), "day")
    for unit, precision in (("week", "week"), ("month", "month"), ("year", "year")):
        if unit in words or unit + "s" in words:
            count = next(
                (
                    _NUMBERS.get(w, int(w) if w.isdigit() else 0)
                    for w in words
                    if w in _NUMBERS or w.isdigit()
                ),
                1,
            )
            if "last" in words or "ago" in words or "earlier" in words:
                direction = -1
            elif "later" in words or "next" in words:
                direction = 1
            else:
                direction = 0
            if anchor is None or direction == 0:  # no anchor, or a duration ("five weeks")
                return ResolvedDate(phrase, None, precision)
            if precision == "month":
                target = _shift_months(anchor, direction * count)
                return ResolvedDate(phrase, f"{target.year:04d}-{target.month:02d}", "month")
            if precision == "year":
                return ResolvedDate(phrase, f"{anchor.year + direction * count:04d}", "year")
            target = anchor + timedelta(weeks=direction * count)
            return ResolvedDate(phrase, target.isoformat(), "week")
    years = [int(n) for n in numbers if len(n) == 4]
    if years:
        return ResolvedDate(phrase, f"{years[0]:04d}", "year")
    return ResolvedDate(phrase, None, None)
