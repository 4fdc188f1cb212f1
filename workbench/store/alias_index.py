"""The linker's candidate index, persisted beside the aliases and kept in step with them.

Tables (all WITHOUT ROWID, clustered by the looked-up column):
- alias_postings(token, alias_id, ntok): which aliases hold a token or a pair of tokens;
- index_vocab(token, df): each distinct token and how many aliases hold it;
- index_keys(key, token): deletion and phonetic keys leading to vocabulary tokens.
Adding an alias touches only its own tokens: no rebuild, whatever the size of the KB.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence

import orjson

from workbench.linking.keys import KEY_VERSION, alias_pairs, alias_tokens, vocabulary_keys
from workbench.linking.normalise import match_key

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

# SQLite's default limit on host parameters is 32766; stay far below it.
_CHUNK = 900


def rows_in(conn: sqlite3.Connection, sql: str, values: Sequence, before: Sequence = ()) -> list:
    """Run `sql` (with an `IN ({marks})` placeholder) over `values` in chunks; all rows."""
    out: list = []
    step = max(1, _CHUNK - len(before))
    for i in range(0, len(values), step):
        chunk = list(values[i : i + step])
        out.extend(conn.execute(sql.format(marks=",".join("?" * len(chunk))), [*before, *chunk]))
    return out


def add_alias(conn: sqlite3.Connection, alias_id: int, text: str) -> None:
    """Index one alias (call inside the transaction that inserts it)."""
    tokens, ntok = alias_tokens(text)
    conn.executemany(
        "INSERT OR IGNORE INTO alias_postings (token, alias_id, ntok) VALUES (?, ?, ?)",
        [(token, alias_id, ntok) for token in (*tokens, *alias_pairs(tokens))],
    )
    for token in tokens:
        updated = conn.execute(
            "UPDATE index_vocab SET df = df + 1 WHERE token = ?", (token,)
        ).rowcount
        if not updated:
            conn.execute("INSERT INTO index_vocab (token, df) VALUES (?, 1)", (token,))
            conn.executemany(
                "INSERT OR IGNORE INTO index_keys (key, token) VALUES (?, ?)",
                [(key, token) for key in vocabulary_keys(token)],
            )


def remove_alias(conn: sqlite3.Connection, alias_id: int, text: str) -> None:
    """Drop one alias from the index (call inside the transaction that deletes it)."""
    tokens, _ = alias_tokens(text)
    conn.executemany(
        "DELETE FROM alias_postings WHERE token = ? AND alias_id = ?",
        [(pair, alias_id) for pair in alias_pairs(tokens)],
    )
    for token in tokens:
        removed = conn.execute(
            "DELETE FROM alias_postings WHERE token = ? AND alias_id = ?", (token, alias_id)
        ).rowcount
        if not removed:
            continue
        conn.execute("UPDATE index_vocab SET df = df - 1 WHERE token = ?", (token,))
        conn.execute("DELETE FROM index_vocab WHERE token = ? AND df <= 0", (token,))
        if not conn.execute("SELECT 1 FROM index_vocab WHERE token = ?", (token,)).fetchone():
            conn.executemany(
                "DELETE FROM index_keys WHERE key = ? AND token = ?",
                [(key, token) for key in vocabulary_keys(token)],
            )


def is_current(conn: sqlite3.Connection) -> bool:
    """True when the index was built with this version's key rules."""
    row = conn.execute("SELECT value FROM settings WHERE key = 'alias_index_version'").fetchone()
    return bool(row) and row[0] == str(KEY_VERSION)


def ensure_current(conn: sqlite3.Connection) -> bool:
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


def rebuild(conn: sqlite3.Connection) -> None:
    """Build the whole index from the aliases table (migration, or after a bulk load)."""
    conn.execute("DELETE FROM alias_postings")
    conn.execute("DELETE FROM index_vocab")
    conn.execute("DELETE FROM index_keys")
    rows = conn.execute("SELECT id, text FROM aliases").fetchall()
    add_many(conn, rows)


def add_many(conn: sqlite3.Connection, rows: Iterable[tuple[int, str]]) -> None:
    """Index many new aliases at once; vocabulary counts are merged, not rebuilt."""
    document_frequency: Counter[str] = Counter()
    postings = []
    for alias_id, text in rows:
        tokens, ntok = alias_tokens(text)
        document_frequency.update(tokens)
        postings.extend((token, alias_id, ntok) for token in (*tokens, *alias_pairs(tokens)))
    postings.sort()  # B-tree inserts in key order are several times faster
    conn.executemany(
        "INSERT OR IGNORE INTO alias_postings (token, alias_id, ntok) VALUES (?, ?, ?)", postings
    )
    known = set(_existing_tokens(conn, list(document_frequency)))
    conn.executemany(
        "UPDATE index_vocab SET df = df + ? WHERE token = ?",
        [(df, token) for token, df in document_frequency.items() if token in known],
    )
    new_tokens = [token for token in document_frequency if token not in known]
    conn.executemany(
        "INSERT INTO index_vocab (token, df) VALUES (?, ?)",
        [(token, document_frequency[token]) for token in new_tokens],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO index_keys (key, token) VALUES (?, ?)",
        ((key, token) for token in new_tokens for key in vocabulary_keys(token)),
    )


def _existing_tokens(conn: sqlite3.Connection, tokens: Sequence[str]) -> list[str]:
    return [
        r[0]
        for r in rows_in(conn, "SELECT token FROM index_vocab WHERE token IN ({marks})", tokens)
    ]


class SqliteCandidateIndex:
    """The read side of the index, in the shape the linker's `CandidateIndex` asks for."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def expand(self, keys: Sequence[str]) -> list[tuple[str, str, int]]:
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

    def postings(self, tokens: Sequence[str], limit: int) -> list[tuple[int, str, int]]:
        """(alias_id, token, ntok) of aliases holding any of the tokens, at most `limit` rows."""
        if not tokens:
            return []
        marks = ",".join("?" * len(tokens))
        return self._conn.execute(
            f"SELECT alias_id, token, ntok FROM alias_postings WHERE token IN ({marks}) LIMIT ?",
            [*tokens, limit],
        ).fetchall()

    def postings_capped(self, tokens: Sequence[str], per_token: int) -> list[tuple[int, str, int]]:
        """Like `postings`, but at most `per_token` rows for each token, so a common key
        cannot crowd out a rare one."""
        # Most keys asked for (pairs of spellings) do not exist: one statement picks out
        # those that do, then each is read by one small cached statement (compiling one
        # statement of hundreds of sub-selects cost about as much as all the probes).
        try:
            present = {
                row[0]
                for row in self._conn.execute(
                    "SELECT value FROM json_each(?) WHERE EXISTS "
                    "(SELECT 1 FROM alias_postings WHERE token = value)",
                    (orjson.dumps(list(tokens)).decode(),),
                )
            }
        except sqlite3.OperationalError:  # a SQLite built without its JSON functions
            present = set(tokens)
        out: list[tuple[int, str, int]] = []
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

    def postings_among(
        self, tokens: Sequence[str], alias_ids: Sequence[int]
    ) -> list[tuple[int, str]]:
        """(alias_id, token) for the given aliases that hold any of the tokens."""
        if not tokens or not alias_ids:
            return []
        token_marks = ",".join("?" * len(tokens))
        return rows_in(
            self._conn,
            f"SELECT alias_id, token FROM alias_postings WHERE token IN ({token_marks}) "
            "AND alias_id IN ({marks})",
            alias_ids,
            before=tokens,
        )

    def aliases_by_key(self, key: str) -> list[int]:
        """Ids of aliases whose match key equals `key` exactly."""
        return [
            row[0] for row in self._conn.execute("SELECT id FROM aliases WHERE norm = ?", (key,))
        ]

    def alias_rows(self, alias_ids: Sequence[int]) -> list[tuple[int, str, str, str, str, str]]:
        """(alias_id, entity_id, alias text, match key, entity label, entity name)."""
        return rows_in(
            self._conn,
            "SELECT a.id, a.entity_id, a.text, a.norm, e.label, e.name FROM aliases a "
            "JOIN entities e ON e.id = a.entity_id "
            "WHERE a.id IN ({marks}) AND e.merged_into IS NULL",
            alias_ids,
        )
