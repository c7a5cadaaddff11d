"""The two search engines behind :mod:`moyeu.core.search.query`.

Each answers two questions for one record type, inside an access filter given as SQL:

- ``prefix``: rows where every query word starts a word of the record (ranked);
- ``unmatched``: the query words that start no word of any record in the scope;
- ``fuzzy``: rows where each of those unmatched words is a near-miss of a word of the record
  (words of four characters or more, not numbers) and every other query word starts one.
  A word that matched something is taken as typed: the typo pass (trigrams, the vocabulary
  scan) runs only for the words that found nothing, inside what the reader may see, so a
  hidden record never changes what the reader gets.

Both rank at most :data:`CANDIDATES` visible matches (see there).

SQLite uses FTS5 (``unicode61``, prefix indexes of 2 and 3 letters, BM25 rank); near-misses
are the index's own words (``fts5vocab``) that start with the same letter and lie within an
edit distance of 1 (2 from eight letters). PostgreSQL uses a ``tsvector`` with GIN for the
prefixes and ``pg_trgm`` word similarity (GIN trigram index) for near-misses.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import connection, transaction

from moyeu.core.search.text import edit_distance

TABLE = "core_searchentry"
FTS = "core_searchentry_fts"
TERMS = "core_searchentry_terms"
FUZZY_MIN_LENGTH = 4
# Ranking reads at most this many visible matches, in index order, then keeps the best: a
# word found in half the base ("exemple") costs the same as a rarer one. Below it (every
# query a person types past its first letters) the ranking is exact.
CANDIDATES = 2000
WORD_SIMILARITY_THRESHOLD = 0.5
_COLUMNS = f"{TABLE}.id, {TABLE}.record_id, {TABLE}.title, {TABLE}.detail"


@dataclass(frozen=True)
class Row:
    entry_id: int
    record_id: uuid.UUID
    title: str
    detail: str


@dataclass(frozen=True)
class Scope:
    """The WHERE clause limiting index rows to one record type and what the reader sees."""

    sql: str
    params: list[Any]


def _rows(sql: str, params: list[Any]) -> list[Row]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            Row(pk, rid if isinstance(rid, uuid.UUID) else uuid.UUID(str(rid)), title, detail)
            for pk, rid, title, detail in cursor.fetchall()
        ]


def may_be_misspelt(word: str) -> bool:
    """Near-misses are looked for on words of four characters or more with a letter in them
    (a number, such as part of a phone or an id, is either right or wrong)."""
    return len(word) >= FUZZY_MIN_LENGTH and not word.isdigit()


def _max_distance(word: str) -> int:
    return 1 if len(word) < 8 else 2


def _fuzzy_possible(missing: list[str]) -> bool:
    """Some word found nothing, and every such word may be a near-miss (four letters or
    more, not a number). The other words must start a word of the record: a short word or
    a number that found nothing makes the typo pass find nothing too."""
    return bool(missing) and all(may_be_misspelt(word) for word in missing)


class Engine(Protocol):
    def prefix(self, scope: Scope, words: list[str], limit: int) -> list[Row]: ...

    def unmatched(self, scope: Scope, words: list[str]) -> list[str]: ...

    def fuzzy(
        self, scope: Scope, words: list[str], missing: list[str], limit: int
    ) -> list[Row]: ...


def _unmatched(sql_of: str, scope: Scope, words: list[str], query_of: Any) -> list[str]:
    """One statement: for each word, whether a record in ``scope`` has a word it starts."""
    parts = ", ".join(f"EXISTS ({sql_of})" for _ in words)
    params: list[Any] = []
    for word in words:
        params += [query_of(word), *scope.params]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {parts}", params)
        found = cursor.fetchone()
    return [word for word, exists in zip(words, found, strict=True) if not exists]


class SqliteEngine:
    @staticmethod
    def _phrase(word: str) -> str:
        return f'"{word}"'  # words are letters and digits only: nothing to escape

    def match_sql(self, scope: Scope, expression: str, limit: int) -> tuple[str, list[Any]]:
        sql = (
            "SELECT id, record_id, title, detail FROM ("  # noqa: S608
            f"SELECT {_COLUMNS}, {FTS}.rank AS score "
            f"FROM {FTS} JOIN {TABLE} ON {TABLE}.id = {FTS}.rowid "
            f"WHERE {FTS} MATCH %s AND {scope.sql} LIMIT %s"
            ") ORDER BY score, title, id LIMIT %s"
        )
        return sql, [expression, *scope.params, CANDIDATES, limit]

    def _prefix_expression(self, words: list[str]) -> str:
        return " AND ".join(f"{self._phrase(w)}*" for w in words)

    def prefix_sql(self, scope: Scope, words: list[str], limit: int) -> tuple[str, list[Any]]:
        return self.match_sql(scope, self._prefix_expression(words), limit)

    def prefix(self, scope: Scope, words: list[str], limit: int) -> list[Row]:
        return _rows(*self.prefix_sql(scope, words, limit))

    def near_misses(self, word: str) -> list[str]:
        """Indexed words within the edit bound of ``word``, same first letter, not prefixed
        by it (the prefix match already finds those)."""
        if not may_be_misspelt(word):
            return []
        bound = _max_distance(word)
        first = word[0]
        sql = (
            f"SELECT term FROM {TERMS} WHERE term >= %s AND term < %s "  # noqa: S608
            "AND length(term) BETWEEN %s AND %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [first, chr(ord(first) + 1), len(word) - bound, len(word) + bound])
            terms = [term for (term,) in cursor.fetchall()]
        close = [
            (edit_distance(word, term, bound), term) for term in terms if not term.startswith(word)
        ]
        return [term for distance, term in sorted(close) if distance <= bound][:32]

    def unmatched(self, scope: Scope, words: list[str]) -> list[str]:
        sql = (
            f"SELECT 1 FROM {FTS} JOIN {TABLE} ON {TABLE}.id = {FTS}.rowid "  # noqa: S608
            f"WHERE {FTS} MATCH %s AND {scope.sql}"
        )
        return _unmatched(sql, scope, words, lambda word: f"{self._phrase(word)}*")

    def fuzzy_expression(self, words: list[str], missing: list[str]) -> str | None:
        """The FTS5 expression of the typo pass, or None when it cannot match anything."""
        if not _fuzzy_possible(missing):
            return None
        parts = []
        for word in words:
            if word not in missing:
                parts.append(f"{self._phrase(word)}*")
                continue
            variants = self.near_misses(word)
            if not variants:
                return None  # this word matches nothing, even misspelt
            parts.append("(" + " OR ".join(map(self._phrase, variants)) + ")")
        # A missing word matches no record in the scope as a prefix, so nothing found here
        # was found by the prefix pass.
        return " AND ".join(parts)

    def fuzzy(self, scope: Scope, words: list[str], missing: list[str], limit: int) -> list[Row]:
        expression = self.fuzzy_expression(words, missing)
        if expression is None:
            return []
        return _rows(*self.match_sql(scope, expression, limit))


class PostgresEngine:
    VECTOR = f"{TABLE}.search_vector"

    @staticmethod
    def _tsquery(words: list[str]) -> str:
        return " & ".join(f"{w}:*" for w in words)

    def prefix(self, scope: Scope, words: list[str], limit: int) -> list[Row]:
        return _rows(*self.prefix_sql(scope, words, limit))

    def prefix_sql(self, scope: Scope, words: list[str], limit: int) -> tuple[str, list[Any]]:
        query = self._tsquery(words)
        sql = (
            "SELECT id, record_id, title, detail FROM ("  # noqa: S608
            f"SELECT {_COLUMNS}, {self.VECTOR} FROM {TABLE} "
            f"WHERE {scope.sql} AND {self.VECTOR} @@ to_tsquery('simple', %s) LIMIT %s"
            ") AS candidates "
            "ORDER BY ts_rank(search_vector, to_tsquery('simple', %s), 1) DESC, title, id "
            "LIMIT %s"
        )
        return sql, [*scope.params, query, CANDIDATES, query, limit]

    def unmatched(self, scope: Scope, words: list[str]) -> list[str]:
        sql = (
            f"SELECT 1 FROM {TABLE} WHERE {self.VECTOR} @@ to_tsquery('simple', %s) "  # noqa: S608
            f"AND {scope.sql}"
        )
        return _unmatched(sql, scope, words, lambda word: f"{word}:*")

    def fuzzy(self, scope: Scope, words: list[str], missing: list[str], limit: int) -> list[Row]:
        statement = self.fuzzy_sql(scope, words, missing, limit)
        if statement is None:
            return []
        with transaction.atomic(), connection.cursor() as cursor:
            # The operator <% reads its threshold from this setting (0.6 by default, which
            # misses one letter dropped from a five-letter word); local to the transaction.
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
                [str(WORD_SIMILARITY_THRESHOLD)],
            )
            return _rows(*statement)

    def fuzzy_sql(
        self, scope: Scope, words: list[str], missing: list[str], limit: int
    ) -> tuple[str, list[Any]] | None:
        if not _fuzzy_possible(missing):
            return None
        conditions: list[str] = []
        params: list[Any] = []
        for word in words:
            if word in missing:
                # Found nothing as a prefix in the scope: only a near-miss can match.
                conditions.append(f"%s <%% {TABLE}.content")
                params.append(word)
            else:
                conditions.append(f"{self.VECTOR} @@ to_tsquery('simple', %s)")
                params.append(f"{word}:*")
        similarity = " + ".join("word_similarity(%s, content)" for _ in missing)
        sql = (
            "SELECT id, record_id, title, detail FROM ("  # noqa: S608
            f"SELECT {_COLUMNS}, {TABLE}.content FROM {TABLE} "
            f"WHERE {scope.sql} AND {' AND '.join(conditions)} LIMIT %s"
            f") AS candidates ORDER BY {similarity} DESC, title, id LIMIT %s"
        )
        params = [*scope.params, *params, CANDIDATES, *missing, limit]
        return sql, params


def current_engine() -> Engine:
    return PostgresEngine() if connection.vendor == "postgresql" else SqliteEngine()
