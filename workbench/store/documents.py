"""Documents: import (idempotent by SHA-256), reading, listing, full-text search."""

from __future__ import annotations

import json
import sqlite3
from collections import OrderedDict
from collections.abc import Sequence

from workbench.errors import DocumentNotFound
from workbench.model import Document, DocumentSummary, NewDocument, SearchHit
from workbench.store.changelog import Transaction
from workbench.store.connection import utc_now

_SNIPPET_OPEN = "\u2068"  # invisible markers around matches; the UI styles them, never parses
_SNIPPET_CLOSE = "\u2069"
SNIPPET_MARKERS = (_SNIPPET_OPEN, _SNIPPET_CLOSE)
# Texts of the last documents read, kept because a document's text never changes once
# imported (nothing edits or deletes one): checking an annotation's span in SQL read the
# whole text, about 1.5 ms per keystroke in a 1 MB document.
TEXTS_KEPT = 4


class DocumentsMixin:
    """Store methods about documents."""

    conn: sqlite3.Connection
    annotator: str
    _recent_texts: OrderedDict[int, str]

    def import_documents(self, documents: Sequence[NewDocument]) -> tuple[list[int], list[int]]:
        """Store documents in one transaction; returns (added ids, ids already present)."""
        added: list[int] = []
        unchanged: list[int] = []
        with Transaction(self.conn, self.annotator, "import") as tx:
            for doc in documents:
                existing = self.conn.execute(
                    "SELECT id FROM documents WHERE sha256 = ?", (doc.sha256,)
                ).fetchone()
                if existing:
                    unchanged.append(existing[0])
                    continue
                doc_id = tx.insert(
                    "documents",
                    {
                        "title": doc.title,
                        "text": doc.text,
                        "sha256": doc.sha256,
                        "source": doc.source,
                        "url": doc.url,
                        "published": doc.published,
                        "imported_at": utc_now(),
                        "normalisation": doc.normalisation,
                        "origin": doc.origin,
                        "meta": json.dumps(dict(doc.meta), ensure_ascii=False, sort_keys=True),
                    },
                )
                added.append(doc_id)
        return added, unchanged

    def document(self, doc_id: int) -> Document:
        """The document with its full text."""
        cursor = self.conn.execute(
            "SELECT id, title, text, sha256, source, url, published, imported_at, "
            "normalisation, meta FROM documents WHERE id = ?",
            (doc_id,),
        )
        row = cursor.fetchone()
        if row is None:
            raise DocumentNotFound(doc_id)
        *fields, meta = row
        return Document(*fields, meta=json.loads(meta or "{}"))

    def document_id_by_sha256(self, sha256: str) -> int | None:
        """Id of the document with this text hash, if stored."""
        row = self.conn.execute("SELECT id FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
        return row[0] if row else None

    def documents(self) -> list[DocumentSummary]:
        """Every document with its accepted-mention and suggestion counts, by id."""
        rows = self.conn.execute(
            """
            SELECT d.id, d.title, d.source, d.published, length(d.text),
                   count(CASE WHEN m.status = 'accepted' THEN 1 END),
                   count(CASE WHEN m.status = 'suggested' THEN 1 END)
            FROM documents d LEFT JOIN mentions m ON m.doc_id = d.id
            GROUP BY d.id ORDER BY d.id
            """
        ).fetchall()
        return [DocumentSummary(*row) for row in rows]

    def document_titles(self, doc_ids: Sequence[int]) -> dict[int, str]:
        """Titles of the given documents (without reading their text)."""
        ids = list(doc_ids)[:900]
        marks = ",".join("?" * len(ids))
        rows = self.conn.execute(f"SELECT id, title FROM documents WHERE id IN ({marks})", ids)
        return dict(rows.fetchall())

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Ranked full-text search; a query that is not valid FTS5 is retried as a phrase."""
        query = query.strip()
        if not query:
            return []
        try:
            return self._fts(query, limit)
        except sqlite3.OperationalError:
            phrase = '"' + query.replace('"', '""') + '"'
            return self._fts(phrase, limit)

    def _fts(self, match: str, limit: int) -> list[SearchHit]:
        rows = self.conn.execute(
            f"""
            SELECT d.id, d.title,
                   snippet(documents_fts, 1, '{_SNIPPET_OPEN}', '{_SNIPPET_CLOSE}', '…', 12),
                   bm25(documents_fts, 5.0, 1.0) AS rank
            FROM documents_fts JOIN documents d ON d.id = documents_fts.rowid
            WHERE documents_fts MATCH ? ORDER BY rank LIMIT ?
            """,
            (match, limit),
        ).fetchall()
        return [
            SearchHit(doc_id, title, snippet, rank, _first_match_offset(snippet, self, doc_id))
            for doc_id, title, snippet, rank in rows
        ]

    def document_text(self, doc_id: int) -> str:
        """Only the text of a document."""
        row = self.conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise DocumentNotFound(doc_id)
        return row[0]

    def recent_text(self, doc_id: int) -> str:
        """The text of a document, from the few last read when it is one of them."""
        text = self._recent_texts.get(doc_id)
        if text is None:
            text = self._recent_texts[doc_id] = self.document_text(doc_id)
            while len(self._recent_texts) > TEXTS_KEPT:
                self._recent_texts.popitem(last=False)
        else:
            self._recent_texts.move_to_end(doc_id)
        return text


def _first_match_offset(snippet: str, store: DocumentsMixin, doc_id: int) -> int | None:
    """Character offset in the document of the first highlighted word of a snippet."""
    start = snippet.find(_SNIPPET_OPEN)
    end = snippet.find(_SNIPPET_CLOSE, start + 1)
    if start < 0 or end < 0:
        return None
    # found in SQL: the (possibly 1 MB) text is not copied into Python for each hit
    row = store.conn.execute(
        "SELECT instr(lower(text), lower(?)) - 1 FROM documents WHERE id = ?",
        (snippet[start + 1 : end], doc_id),
    ).fetchone()
    return row[0] if row and row[0] >= 0 else None
