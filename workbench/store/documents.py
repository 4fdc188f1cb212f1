"""Documents: import (idempotent by SHA-256), reading, listing, full-text search."""

from __future__ import annotations

import itertools
import json
from collections import OrderedDict
from collections.abc import Iterator, Sequence

from workbench.errors import DocumentNotFound
from workbench.fulltext import hit_pattern, hits, query_terms, snippet, tsquery
from workbench.model import Document, DocumentSummary, NewDocument, SearchHit
from workbench.store.connection import utc_now
from workbench.store.database import Database
from workbench.store.postgres_schema import DOCUMENT_VECTOR
from workbench.store.sql import POSTGRESQL

# Texts of the last documents read, kept because a document's text never changes once
# imported (nothing edits or deletes one): checking an annotation's span would otherwise
# read the whole text on every keystroke in a long document.
TEXTS_KEPT = 4


_DOCUMENT_COLUMNS = (
    "title",
    "text",
    "sha256",
    "source",
    "url",
    "published",
    "normalisation",
    "origin",
    "meta",
)


class Documents:
    """The corpus: each document's exact text, where it came from, and its full-text index."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._recent_texts: OrderedDict[int, str] = OrderedDict()

    def add_many(self, documents: Sequence[NewDocument]) -> tuple[list[int], list[int]]:
        """Store documents in one transaction; returns (added ids, ids already present).
        A text stored already (or twice in `documents`) is stored once. One statement
        looks the texts up and a few insert them all (a round trip per document to a
        PostgreSQL server was most of an import's time)."""
        hashes = list(dict.fromkeys(doc.sha256 for doc in documents))
        with self.db.transaction("import") as tx:
            stored = {
                str(sha): int(doc_id)
                for doc_id, sha in self.db.rows_in(
                    "SELECT id, sha256 FROM documents WHERE sha256 IN ({marks})", hashes
                )
            }
            new = {doc.sha256: doc for doc in documents if doc.sha256 not in stored}
            ids = tx.insert_many(
                "documents",
                _DOCUMENT_COLUMNS,
                [
                    (
                        doc.title,
                        doc.text,
                        doc.sha256,
                        doc.source,
                        doc.url,
                        doc.published,
                        doc.normalisation,
                        doc.origin,
                        json.dumps(dict(doc.meta), ensure_ascii=False, sort_keys=True),
                    )
                    for doc in new.values()
                ],
                same={"imported_at": utc_now()},
            )
        made = dict(zip(new, (int(i) for i in ids), strict=True))
        added: list[int] = []
        unchanged: list[int] = []
        for doc in documents:
            if doc.sha256 in made and made[doc.sha256] not in added:
                added.append(made[doc.sha256])
            else:
                unchanged.append(stored.get(doc.sha256) or made[doc.sha256])
        return added, unchanged

    def get(self, doc_id: int) -> Document:
        """The document with its full text."""
        row = self.db.one(
            "SELECT id, title, text, sha256, source, url, published, imported_at, "
            "normalisation, meta FROM documents WHERE id = ?",
            (doc_id,),
        )
        if row is None:
            raise DocumentNotFound(doc_id)
        return Document._make((*row[:-1], json.loads(row[-1] or "{}")))

    def get_many(self, doc_ids: Sequence[int]) -> dict[int, Document]:
        """Several documents with their texts (one query), by id; missing ids left out."""
        return {
            int(row[0]): Document._make((*row[:-1], json.loads(row[-1] or "{}")))
            for row in self.db.iter_in(
                "SELECT id, title, text, sha256, source, url, published, imported_at, "
                "normalisation, meta FROM documents WHERE id IN ({marks})",
                doc_ids,
            )
        }

    def id_by_sha256(self, sha256: str) -> int | None:
        """Id of the document with this text hash, if stored."""
        value = self.db.value("SELECT id FROM documents WHERE sha256 = ?", (sha256,))
        return int(value) if value is not None else None

    def ids(self) -> list[int]:
        """Every document id, in order."""
        return [int(row[0]) for row in self.db.rows("SELECT id FROM documents ORDER BY id")]

    def summaries(self) -> list[DocumentSummary]:
        """Every document with its accepted-mention and suggestion counts, by id."""
        rows = self.db.rows(
            """
            SELECT d.id, d.title, d.source, d.published, length(d.text),
                   count(CASE WHEN m.status = 'accepted' THEN 1 END),
                   count(CASE WHEN m.status = 'suggested' THEN 1 END)
                   + (SELECT count(*) FROM trigger_suggestions t
                      WHERE t.doc_id = d.id AND t.status = 'suggested')
            FROM documents d LEFT JOIN mentions m ON m.doc_id = d.id AND m.layer IS ?
            GROUP BY d.id ORDER BY d.id
            """,
            (self.db.layer,),
        )
        return [DocumentSummary(*row) for row in rows]

    def titles(self, doc_ids: Sequence[int]) -> dict[int, str]:
        """Titles of the given documents (without reading their text)."""
        return {
            int(doc_id): str(title)
            for doc_id, title in self.db.rows_in(
                "SELECT id, title FROM documents WHERE id IN ({marks})", dict.fromkeys(doc_ids)
            )
        }

    def text(self, doc_id: int) -> str:
        """Only the text of a document."""
        value = self.db.value("SELECT text FROM documents WHERE id = ?", (doc_id,))
        if value is None:
            raise DocumentNotFound(doc_id)
        return str(value)

    def texts(self, doc_ids: Sequence[int]) -> dict[int, str]:
        """Only the texts of several documents (one query), by id; missing ids left out."""
        return {
            int(doc_id): str(text)
            for doc_id, text in self.db.rows_in(
                "SELECT id, text FROM documents WHERE id IN ({marks})", dict.fromkeys(doc_ids)
            )
        }

    def recent_text(self, doc_id: int) -> str:
        """The text of a document, from the few last read when it is one of them."""
        text = self._recent_texts.get(doc_id)
        if text is None:
            text = self._recent_texts[doc_id] = self.text(doc_id)
            while len(self._recent_texts) > TEXTS_KEPT:
                self._recent_texts.popitem(last=False)
        else:
            self._recent_texts.move_to_end(doc_id)
        return text

    def search(self, query: str, limit: int = 20, skip: int = 0) -> list[SearchHit]:
        """Hits of a full-text query, best documents first and in text order within each,
        `limit` of them after the first `skip`. The index finds and ranks the documents;
        each is then read from its start only until enough hits are found. A query that
        is not valid FTS5 is searched as a phrase."""
        query = query.strip()
        if not query:
            return []
        try:
            ranked = self._ranked_documents(query)
        except (self.db.conn.OperationalError, ValueError):
            query = '"' + query.replace('"', '""') + '"'
            ranked = self._ranked_documents(query)
        pattern = hit_pattern(query_terms(query))
        found: list[SearchHit] = []
        wanted = skip + limit
        seen = 0
        for doc_id, title, rank in ranked:
            text = self.text(doc_id)
            places = hits(text, pattern) if pattern else iter(())
            any_hit = False
            for start, end in places:
                any_hit = True
                seen += 1
                if seen > skip:
                    hit = snippet(text, start, end)
                    found.append(SearchHit(doc_id, title, *hit, rank, start, end - start))
                if seen >= wanted:
                    return found
            if not any_hit:  # only the title matched: the document itself is the hit
                seen += 1
                if seen > skip:
                    found.append(
                        SearchHit(doc_id, title, " ".join(text[:120].split()), "", "", rank)
                    )
                if seen >= wanted:
                    return found
        return found

    def _ranked_documents(self, match: str) -> Iterator[tuple[int, str, float]]:
        """(id, title, rank) of every matching document, best first (bm25, titles count
        five times as much as text); raises OperationalError (SQLite) or ValueError
        (PostgreSQL) for invalid FTS5 syntax."""
        if self.db.dialect == POSTGRESQL:
            return self._ranked_on_postgres(match)
        cursor = self.db.conn.execute(
            """
            SELECT d.id, d.title, bm25(documents_fts, 5.0, 1.0) AS rank
            FROM documents_fts JOIN documents d ON d.id = documents_fts.rowid
            WHERE documents_fts MATCH ? ORDER BY rank
            """,
            (match,),
        )
        first = cursor.fetchmany(64)  # a syntax error surfaces here, before any hit
        rest = itertools.chain.from_iterable(iter(lambda: cursor.fetchmany(64), []))
        return itertools.chain(first, rest)

    def _ranked_on_postgres(self, match: str) -> Iterator[tuple[int, str, float]]:
        """`_ranked_documents` on PostgreSQL: its full-text index over the documents, the
        query in its syntax (`fulltext.tsquery`), best first (a lower rank is better, as
        bm25's is)."""
        query = tsquery(match)
        if not query:
            return iter(())
        cursor = self.db.conn.execute(
            f"""
            SELECT d.id, d.title, -ts_rank({DOCUMENT_VECTOR}, q) AS rank
            FROM documents d, to_tsquery('simple', workbench_fold(?)) q
            WHERE {DOCUMENT_VECTOR} @@ q ORDER BY rank, d.id
            """,
            (query,),
        )
        return iter(cursor.fetchall())
