"""Scores shared by agreement and incident evaluation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def b_cubed(first: Mapping[Any, Any], second: Mapping[Any, Any]) -> float | None:
    """B³ F1 of two clusterings of the same items (item -> cluster; a None cluster is a
    cluster of its own). None when there are no items."""
    items = list(first)
    if not items:
        return None

    def members(clustering: Mapping[Any, Any]) -> dict[Any, frozenset[Any]]:
        def key(item: Any) -> Any:
            return clustering[item] if clustering[item] is not None else ("alone", item)

        groups: dict[Any, set[Any]] = {}
        for item in items:
            groups.setdefault(key(item), set()).add(item)
        return {item: frozenset(groups[key(item)]) for item in items}

    in_first, in_second = members(first), members(second)
    precision = sum(len(in_first[i] & in_second[i]) / len(in_first[i]) for i in items) / len(items)
    recall = sum(len(in_first[i] & in_second[i]) / len(in_second[i]) for i in items) / len(items)
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0
