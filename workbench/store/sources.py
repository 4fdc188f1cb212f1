"""Sources of the documents and their reliability grades (the Admiralty code's A-F)."""

from __future__ import annotations

from workbench.errors import WorkbenchError
from workbench.store.database import Database

RELIABILITY = "ABCDEF"


class Sources:
    """Each document source's reliability letter; grading is a logged, undoable change."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def counts(self) -> dict[str, int]:
        """Every source the documents name, with how many documents it has."""
        rows = self.db.rows(
            "SELECT source, count(*) FROM documents WHERE source IS NOT NULL AND source != '' "
            "GROUP BY source ORDER BY source"
        )
        return {str(name): int(n) for name, n in rows}

    def grades(self) -> dict[str, str]:
        """The graded sources and their letters."""
        return {
            str(s): str(r) for s, r in self.db.rows("SELECT source, reliability FROM source_grades")
        }

    def grade(self, source: str, letter: str) -> str:
        """Grade a source A (completely reliable) to F (cannot be judged)."""
        letter = letter.strip().upper()
        if len(letter) != 1 or letter not in RELIABILITY:
            raise WorkbenchError(f"a source's reliability is one of A B C D E F, not {letter!r}")
        known = self.counts()
        if source not in known:
            names = "; ".join(sorted(known)) or "none"
            raise WorkbenchError(f"no document has the source {source!r} (sources: {names})")
        row = self.db.one("SELECT id FROM source_grades WHERE source = ?", (source,))
        with self.db.transaction(f"grade source {source[:40]!r} {letter}") as tx:
            if row is None:
                tx.insert(
                    "source_grades",
                    {
                        "source": source,
                        "reliability": letter,
                        "graded_by": self.db.annotator,
                        "updated_at": tx.at,
                    },
                )
            else:
                tx.update(
                    "source_grades",
                    int(row[0]),
                    reliability=letter,
                    graded_by=self.db.annotator,
                    updated_at=tx.at,
                )
        return letter
