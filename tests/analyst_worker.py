"""One analyst on "another machine" for the concurrency test (tests/test_concurrency.py):
for a while, annotates, links, accepts suggestions and undoes in their own document of a
shared PostgreSQL database, through the application layer as the TUI does, keeping their
own account of what each commit left. Prints that account as JSON.

    python analyst_worker.py URL ANALYST DOC_ID SECONDS SEED
"""

from __future__ import annotations

import json
import random
import re
import sys
import time
from typing import Any

from workbench.errors import DatabaseError, UndoRefused, WorkbenchError
from workbench.model import LinkTo
from workbench.workspace import Workspace

ENTITIES = ("iran", "pakistan", "panjgur", "jaish-al-adl")


def state(mention: Any) -> list[Any]:
    return [mention.start, mention.end, mention.label, mention.entity_id, mention.status]


def main(url: str, analyst: str, doc_id: int, seconds: float, seed: int) -> None:
    rng = random.Random(seed)
    workspace = Workspace.open(url, annotator=analyst)
    annotations = workspace.annotations
    text = workspace.store.documents.text(doc_id)
    free = [m.span() for m in re.finditer(r"struck", text)]
    # what this analyst believes their document holds, by mention id
    believed = {str(m.id): state(m) for m in annotations.mentions(doc_id)}
    undo_stack: list[dict[str, list[Any]]] = []
    commits = undos = skipped = 0
    failures: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        before = {k: list(v) for k, v in believed.items()}
        accepted = [k for k, v in believed.items() if v[4] == "accepted"]
        suggested = [k for k, v in believed.items() if v[4] == "suggested"]
        taken = {(v[0], v[1]) for v in believed.values()}
        roll = rng.random()
        try:
            if roll < 0.3 and (spans := [s for s in free if s not in taken]):
                start, end = rng.choice(spans)
                made = annotations.annotate(doc_id, start, end, "EVENT", None).mention
                believed[str(made.id)] = state(made)
            elif roll < 0.5 and accepted:
                linked = annotations.relink(int(rng.choice(accepted)), LinkTo(rng.choice(ENTITIES)))
                believed[str(linked.mention.id)] = state(linked.mention)
            elif roll < 0.75 and suggested:
                taken_up = annotations.accept(int(rng.choice(suggested)))
                believed[str(taken_up.id)] = state(taken_up)
            elif undo_stack:
                try:
                    workspace.history.undo()
                    believed = undo_stack.pop()
                    undos += 1
                except UndoRefused:  # another's later change: leave it, as `U` does
                    workspace.history.skip()
                    undo_stack.pop()
                    skipped += 1
                continue
            else:
                continue
            undo_stack.append(before)
            commits += 1
        except DatabaseError as exc:  # a failure of the database: must never happen
            failures.append(f"{type(exc).__name__}: {exc}")
            believed = before
        except WorkbenchError as exc:  # a refusal the analyst is told of
            failures.append(f"refused: {exc}")
            believed = before
    workspace.close()
    print(
        json.dumps(
            {
                "analyst": analyst,
                "believed": believed,
                "undo_depth": len(undo_stack),
                "commits": commits,
                "undos": undos,
                "skipped": skipped,
                "failures": failures,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]))
