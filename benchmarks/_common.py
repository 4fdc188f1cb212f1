"""Helpers shared by the benchmarks: percentiles and JSON output."""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable

# Words of generated news-like text (benchmarks only; the content does not matter).
WORDS = [
    "Iran",
    "Pakistan",
    "strike",
    "drone",
    "Baluch",
    "militants",
    "border",
    "Saravan",
    "Panjgur",
    "killed",
    "said",
    "province",
    "officials",
    "reported",
    "the",
    "on",
    "in",
    "of",
    "and",
    "a",
    "village",
    "attack",
    "forces",
    "ministry",
]


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of the values, by nearest rank."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered)) - 1))
    return ordered[index]


def timings_ms(func: Callable[[int], object], n: int) -> list[float]:
    """Run func(i) n times; the wall time of each call in milliseconds."""
    out = []
    for i in range(n):
        start = time.perf_counter()
        func(i)
        out.append((time.perf_counter() - start) * 1000)
    return out


def summary(values: list[float]) -> dict[str, float]:
    """p50, p95, p99 and mean of timings in ms."""
    return {
        "p50_ms": round(percentile(values, 50), 4),
        "p95_ms": round(percentile(values, 95), 4),
        "p99_ms": round(percentile(values, 99), 4),
        "mean_ms": round(statistics.fmean(values), 4),
    }


def emit(result: dict) -> None:
    """Print the benchmark's figures as JSON on stdout."""
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
