"""The SQL of the linker's candidate index (`workbench.linking.index` says what goes in).

Tables (all WITHOUT ROWID, clustered by the looked-up column): alias_postings (token,
alias_id, ntok), index_vocab (token, df), index_keys (key, token). The index is kept in
step with the aliases by `AliasIndexUpkeep`, which the change log calls for every alias a
write, an undo or a redo adds or removes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

from workbench.linking.index import AliasRow, Expansion, IndexEntries, Posting, index_entries
from workbench.linking.keys import KEY_VERSION, vocabulary_keys
from workbench.linking.normalise import match_key
from workbench.store.changelog import Row, insert_rows
from workbench.store.sql import POSTGRESQL, Connection, dialect, marks, rows_in

TABLES = """
CREATE TABLE IF NOT EXISTS alias_postings (
    token TEXT NOT NULL,
    alias_id INTEGER NOT NULL,
    ntok INTEGER NOT NULL,
    PRIMARY KEY (token, alias_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS index_vocab (
    token TEXT PRIMARY KEY,
    df INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS index_keys (
    key TEXT NOT NULL,
    token TEXT NOT NULL,
    PRIMARY KEY (key, token)
) WITHOUT ROWID;
"""


class AliasIndexUpkeep:
    """Keeps the index in step with the aliases table (the change log's row hooks)."""

    def inserted(self, conn: Connection, rows: Sequence[Row]) -> None:
        add_many(conn, ((int(row["id"]), str(row["text"]), str(row["norm"])) for row in rows))

    def inserted_prepared(self, conn: Connection, prepared: object) -> None:
        """New aliases whose index entries were worked out before they were written
        (`workbench.linking.index.new_alias_entries`)."""
        assert isinstance(prepared, IndexEntries)
        add_entries(conn, prepared)

    def deleted(self, conn: Connection, rows: Sequence[Row]) -> None:
        remove_many(conn, ((int(row["id"]), str(row["text"]), str(row["norm"])) for row in rows))


def add_many(conn: Connection, aliases: Iterable[tuple[int, str, str]]) -> None:
    """Index new aliases; vocabulary counts are merged, not rebuilt."""
    add_entries(conn, index_entries(aliases))


def add_entries(conn: Connection, entries: IndexEntries) -> None:
    """Add index entries; a token the vocabulary lacks gets its keys."""
    # (several rows per statement, as for the aliases themselves: fewer statements to step)
    insert_rows(
        conn, "alias_postings", ("token", "alias_id", "ntok"), entries.postings, or_ignore=True
    )
    frequency = entries.document_frequency
    known = {
        row[0]
        for row in rows_in(
            conn, "SELECT token FROM index_vocab WHERE token IN ({marks})", list(frequency)
        )
    }
    conn.executemany(
        "UPDATE index_vocab SET df = df + ? WHERE token = ?",
        [(df, token) for token, df in frequency.items() if token in known],
    )
    new_tokens = [token for token in frequency if token not in known]
    conn.executemany(
        "INSERT INTO index_vocab (token, df) VALUES (?, ?)",
        [(token, frequency[token]) for token in new_tokens],
    )
    # (in key order, as the table is kept: inserts at random places took twice as long)
    keys = [(key, token) for token in new_tokens for key in vocabulary_keys(token)]
    keys.sort(key=itemgetter(0))
    insert_rows(conn, "index_keys", ("key", "token"), keys, or_ignore=True)


def remove_many(conn: Connection, aliases: Iterable[tuple[int, str, str]]) -> None:
    """Take aliases out of the index; a token no alias holds any more loses its keys."""
    entries = index_entries(aliases)
    conn.executemany(
        "DELETE FROM alias_postings WHERE token = ? AND alias_id = ?",
        [(token, alias_id) for token, alias_id, _ in entries.postings],
    )
    frequency = entries.document_frequency
    conn.executemany(
        "UPDATE index_vocab SET df = df - ? WHERE token = ?",
        [(df, token) for token, df in frequency.items()],
    )
    gone = [
        row[0]
        for row in rows_in(
            conn,
            "SELECT token FROM index_vocab WHERE df <= 0 AND token IN ({marks})",
            list(frequency),
        )
    ]
    conn.executemany("DELETE FROM index_vocab WHERE token = ?", [(token,) for token in gone])
    conn.executemany(
        "DELETE FROM index_keys WHERE key = ? AND token = ?",
        [(key, token) for token in gone for key in vocabulary_keys(token)],
    )


def is_current(conn: Connection) -> bool:
    """True when the index was built with this version's key rules."""
    row = conn.execute("SELECT value FROM settings WHERE key = 'alias_index_version'").fetchone()
    return bool(row) and row[0] == str(KEY_VERSION)


def ensure_current(conn: Connection) -> bool:
    """Rebuild the index once if it was built by other key rules; True if it rebuilt."""
    if is_current(conn):
        return False
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.executemany(
            "UPDATE aliases SET norm = ? WHERE id = ?",
            [
                (match_key(text), alias_id)
                for alias_id, text in conn.execute("SELECT id, text FROM aliases")
            ],
        )
        rebuild(conn)
        conn.execute(
            "INSERT INTO settings (key, value) VALUES ('alias_index_version', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (str(KEY_VERSION),),
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return True


def rebuild(conn: Connection) -> None:
    """Build the whole index from the aliases table (after new key rules)."""
    conn.execute("DELETE FROM alias_postings")
    conn.execute("DELETE FROM index_vocab")
    conn.execute("DELETE FROM index_keys")
    add_many(conn, conn.execute("SELECT id, text, norm FROM aliases").fetchall())


class SqliteCandidateIndex:
    """The read side of the index, in the shape the linker's `CandidateIndex` asks for."""

    def __init__(self, db: Any) -> None:
        self._conn: Connection = db.conn
        self._dialect = dialect(db.conn)

    def expand(self, keys: Sequence[str]) -> list[Expansion]:
        """(key, vocabulary token, df) for every token reachable from the given keys."""
        return rows_in(
            self._conn,
            "SELECT k.key, k.token, v.df FROM index_keys k "
            "JOIN index_vocab v ON v.token = k.token WHERE k.key IN ({marks})",
            keys,
        )

    def document_frequency(self, tokens: Sequence[str]) -> dict[str, int]:
        """df of each token that is in the vocabulary."""
        return dict(
            rows_in(
                self._conn, "SELECT token, df FROM index_vocab WHERE token IN ({marks})", tokens
            )
        )

    def postings(self, tokens: Sequence[str], limit: int) -> list[Posting]:
        """(alias_id, token, ntok) of aliases holding any of the tokens, at most `limit` rows:
        the first by token, then alias id (the order of the table's key, so that SQLite and
        a server keep the same rows where they cut)."""
        if not tokens:
            return []
        result: list[Posting] = self._conn.execute(
            f"SELECT alias_id, token, ntok FROM alias_postings WHERE token IN ({marks(len(tokens))}) "
            "ORDER BY token, alias_id LIMIT ?",
            [*tokens, limit],
        ).fetchall()
        return result

    def postings_capped(self, tokens: Sequence[str], per_token: int) -> list[Posting]:
        """Like `postings`, but at most `per_token` rows for each token, so a common key
        cannot crowd out a rare one."""
        if self._dialect == POSTGRESQL:
            return self._postings_capped_in_one(tokens, per_token)
        # Most keys asked for (pairs of spellings) do not exist: one statement picks out
        # those that do, then each is read by one small cached statement (compiling one
        # statement of hundreds of sub-selects cost about as much as all the probes).
        import orjson  # (on the first query, not before the first frame)

        try:
            present = {
                row[0]
                for row in self._conn.execute(
                    "SELECT value FROM json_each(?) WHERE EXISTS "
                    "(SELECT 1 FROM alias_postings WHERE token = value)",
                    (orjson.dumps(list(tokens)).decode(),),
                )
            }
        except self._conn.OperationalError:  # a SQLite built without its JSON functions
            present = set(tokens)
        out: list[Posting] = []
        execute = self._conn.execute
        for token in tokens:
            if token in present:
                out.extend(
                    execute(
                        "SELECT alias_id, token, ntok FROM alias_postings WHERE token = ? LIMIT ?",
                        (token, per_token),
                    )
                )
        return out

    def _postings_capped_in_one(self, tokens: Sequence[str], per_token: int) -> list[Posting]:
        """`postings_capped` in one statement, one round trip to the server for all the
        tokens (PostgreSQL runs a lateral sub-select per token on its side)."""
        return list(
            self._conn.execute(
                "SELECT p.alias_id, p.token, p.ntok FROM unnest(?::text[]) WITH ORDINALITY "
                "AS asked(token, position) CROSS JOIN LATERAL (SELECT alias_id, token, ntok "
                "FROM alias_postings WHERE token = asked.token ORDER BY alias_id LIMIT ?) p "
                "ORDER BY asked.position",
                (list(tokens), per_token),
            )
        )

    def postings_among(
        self, tokens: Sequence[str], alias_ids: Sequence[int]
    ) -> list[tuple[int, str]]:
        """(alias_id, token) for the given aliases that hold any of the tokens."""
        if not tokens or not alias_ids:
            return []
        return rows_in(
            self._conn,
            f"SELECT alias_id, token FROM alias_postings WHERE token IN ({marks(len(tokens))}) "
            "AND alias_id IN ({marks})",  # (not an f-string: _rows_in fills this one)
            alias_ids,
            before=tokens,
        )

    def aliases_by_keys(self, keys: Sequence[str]) -> dict[str, list[int]]:
        """Ids of the aliases whose match key equals each of these keys exactly."""
        found: dict[str, list[int]] = {}
        for key, alias_id in rows_in(
            self._conn, "SELECT norm, id FROM aliases WHERE norm IN ({marks})", keys
        ):
            found.setdefault(key, []).append(alias_id)
        return found

    def countries(self, entity_ids: Sequence[str]) -> dict[str, str]:
        """The country (`external_ids.country`) of each of these entities that has one."""
        rows = rows_in(
            self._conn,
            "SELECT id, json_extract(external_ids, '$.country') FROM entities "
            "WHERE id IN ({marks}) AND json_extract(external_ids, '$.country') IS NOT NULL",
            list(dict.fromkeys(entity_ids)),
        )
        return {str(entity_id): str(country) for entity_id, country in rows}

    def alias_rows(self, alias_ids: Sequence[int]) -> list[AliasRow]:
        """The aliases of live entities, with their entities."""
        return [
            AliasRow._make(row)
            for row in rows_in(
                self._conn,
                # (the "+" keeps SQLite from reading every live entity through the
                # merged_into index instead of looking up the few aliases asked for)
                "SELECT a.id, a.entity_id, a.text, a.norm, e.label, e.name FROM aliases a "
                "JOIN entities e ON e.id = a.entity_id "
                "WHERE a.id IN ({marks}) AND +e.merged_into IS NULL",
                alias_ids,
            )
        ]
