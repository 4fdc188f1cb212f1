"""Dates as news writes them, resolved against the published date."""

from __future__ import annotations

import pytest

from workbench.events.dates import resolve_date

SATURDAY = "2024-02-24"  # publication date of the first seed article


@pytest.mark.parametrize(
    ("text", "published", "expected", "precision"),
    [
        ("Friday", SATURDAY, "2024-02-23", "day"),  # the day before publication
        ("on Friday", SATURDAY, "2024-02-23", "day"),
        ("Saturday", SATURDAY, "2024-02-24", "day"),  # the day of publication
        ("Sunday", SATURDAY, "2024-02-18", "day"),  # a weekday after it: last week's
        ("last Saturday", SATURDAY, "2024-02-17", "day"),
        ("next Monday", SATURDAY, "2024-02-26", "day"),
        ("Tuesday, January 16", SATURDAY, "2024-01-16", "day"),
        ("16 January 2024", None, "2024-01-16", "day"),
        ("Jan. 18", SATURDAY, "2024-01-18", "day"),
        ("in December", SATURDAY, "2023-12", "month"),  # December before a February article
        ("last month", SATURDAY, "2024-01", "month"),
        ("one month later", SATURDAY, "2024-03", "month"),
        ("two weeks ago", SATURDAY, "2024-02-10", "week"),
        ("yesterday", SATURDAY, "2024-02-23", "day"),
        ("2012", SATURDAY, "2012", "year"),
        ("2024-01-16", None, "2024-01-16", "day"),
    ],
)
def test_resolution(text, published, expected, precision) -> None:
    resolved = resolve_date(text, published)
    assert (resolved.date, resolved.precision, resolved.text) == (expected, precision, text)


@pytest.mark.parametrize(
    ("text", "precision"), [("Thursday", "day"), ("last month", "month"), ("in March", "month")]
)
def test_no_published_date_leaves_relative_dates_unresolved(text, precision) -> None:
    resolved = resolve_date(text, None)
    assert resolved.date is None and resolved.precision == precision


def test_durations_and_nonsense_are_not_dates() -> None:
    assert resolve_date("five weeks", SATURDAY).date is None
    assert resolve_date("for decades", SATURDAY).date is None
    assert resolve_date("", SATURDAY) == resolve_date("", SATURDAY)
