"""Linking quality on the hand-written evaluation set against the seed knowledge base.

Prints accuracy@1, accuracy@10, NIL precision/recall, accuracy per kind of case, and how
often links in each score band are right (calibration), as JSON.

    python benchmarks/linking_quality.py [--cases tests/data/linking_eval.jsonl]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from _common import emit  # noqa: E402
from linking_evaluation import evaluate  # noqa: E402

from workbench.importers import import_paths  # noqa: E402
from workbench.linking import Linker  # noqa: E402
from workbench.store import Store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=Path, default=ROOT / "tests/data/linking_eval.jsonl")
    args = parser.parse_args()
    cases = [json.loads(line) for line in args.cases.open() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "kb.db", "bench") as store:
        # the knowledge base only: the gold mentions would teach the linker the answers
        import_paths(store, [ROOT / "seeds" / "entities.jsonl"])
        figures = evaluate(Linker(store.kb.candidate_index()), cases)
    emit({"benchmark": "linking_quality", "knowledge_base": "seeds/entities.jsonl", **figures})


if __name__ == "__main__":
    main()
