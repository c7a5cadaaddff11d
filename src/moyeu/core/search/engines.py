"""The two search engines behind :mod:`moyeu.core.search.query`.

Each answers two questions for one record type, inside an access filter given as SQL:

- ``prefix``: rows where every query word starts a word of the record (ranked);
- ``fuzzy``: rows where every query word starts a word *or* is a near-miss of one (words of
  four characters or more, not numbers), other than the rows ``prefix`` already gave.

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


class Engine(Protocol):
    def prefix(self, scope: Scope, words: list[str], limit: int) -> list[Row]: ...

    def fuzzy(self, scope: Scope, words: list[str], limit: int) -> list[Row]: ...


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

    def fuzzy(self, scope: Scope, words: list[str], limit: int) -> list[Row]:
        parts, has_variant = [], False
        for word in words:
            variants = self.near_misses(word)
            has_variant = has_variant or bool(variants)
            alternatives = [f"{self._phrase(word)}*", *map(self._phrase, variants)]
            parts.append("(" + " OR ".join(alternatives) + ")")
        if not has_variant:
            return []
        # Records the prefix pass finds are left to it ("a NOT b" in FTS5's syntax).
        expression = f"({' AND '.join(parts)}) NOT ({self._prefix_expression(words)})"
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

    def fuzzy(self, scope: Scope, words: list[str], limit: int) -> list[Row]:
        statement = self.fuzzy_sql(scope, words, limit)
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

    def fuzzy_sql(self, scope: Scope, words: list[str], limit: int) -> tuple[str, list[Any]] | None:
        long_words = [w for w in words if may_be_misspelt(w)]
        if not long_words:
            return None
        conditions: list[str] = []
        params: list[Any] = []
        for word in words:
            condition = f"{self.VECTOR} @@ to_tsquery('simple', %s)"
            params.append(f"{word}:*")
            if may_be_misspelt(word):
                condition = f"({condition} OR %s <%% {TABLE}.content)"
                params.append(word)
            conditions.append(condition)
        similarity = " + ".join("word_similarity(%s, content)" for _ in long_words)
        # Records the prefix pass finds are left to it.
        conditions.append(f"NOT {self.VECTOR} @@ to_tsquery('simple', %s)")
        params.append(self._tsquery(words))
        sql = (
            "SELECT id, record_id, title, detail FROM ("  # noqa: S608
            f"SELECT {_COLUMNS}, {TABLE}.content FROM {TABLE} "
            f"WHERE {scope.sql} AND {' AND '.join(conditions)} LIMIT %s"
            f") AS candidates ORDER BY {similarity} DESC, title, id LIMIT %s"
        )
        params = [*scope.params, *params, CANDIDATES, *long_words, limit]
        return sql, params


def current_engine() -> Engine:
    return PostgresEngine() if connection.vendor == "postgresql" else SqliteEngine()
