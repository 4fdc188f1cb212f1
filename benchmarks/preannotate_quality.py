"""Pre-annotation quality across the seed articles: the knowledge base is built from the
gold of one article only, the other is pre-annotated and compared with its gold (both
directions). Prints recall of the mentions whose entity the knowledge base knows, recall
of DATE/CARDINAL/QUANTITY, precision over every suggestion, and what was missed or wrong.

    python benchmarks/preannotate_quality.py [--model NAME_OR_PATH]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emit  # noqa: E402
from preannotation_evaluation import cross_article  # noqa: E402

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FIRST = "01-iran-kills-jaish-al-adl-leader.txt"
SECOND = "02-baloch-unrest-pakistan-iran-frontier.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    emit(
        {
            "directions": [
                cross_article(SEEDS, FIRST, SECOND, args.model),
                cross_article(SEEDS, SECOND, FIRST, args.model),
            ],
            "goals": {"recall_known": 0.9, "precision": 0.85},
        }
    )


if __name__ == "__main__":
    main()
