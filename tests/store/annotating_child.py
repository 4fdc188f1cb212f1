"""Run as a child process: annotate in a loop, printing each mention id once committed."""

from __future__ import annotations

import sys

from workbench.store import Store


def main(db: str, doc_id: int, annotator: str, count: int) -> None:
    store = Store.open(db, annotator=annotator)
    length = len(store.documents.text(doc_id))
    print("ready", flush=True)
    i = 0
    while count < 0 or i < count:
        start = i % (length - 1)
        mention = store.mentions.add(doc_id, start, start + 1, "GPE", source=annotator)
        print(mention.id, flush=True)
        i += 1


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
