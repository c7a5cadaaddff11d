"""The two search engines behind :mod:`moyeu.core.search.query`.

Each answers two questions for one record type, inside an access filter given as SQL:

- ``prefix``: rows where every query word starts a word of the record (ranked);
- ``fuzzy``: rows where every query word starts a word *or* is a near-miss of one (words of
  four letters or more), other than the rows ``prefix`` already gave.

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


def _max_distance(word: str) -> int:
    return 1 if len(word) < 8 else 2


class Engine(Protocol):
    def prefix(self, scope: Scope, words: list[str], limit: int) -> list[Row]: ...

    def fuzzy(
        self, scope: Scope, words: list[str], limit: int, exclude: list[int]
    ) -> list[Row]: ...


def _exclusion(exclude: list[int]) -> tuple[str, list[Any]]:
    if not exclude:
        return "", []
    marks = ", ".join(["%s"] * len(exclude))
    return f" AND {TABLE}.id NOT IN ({marks})", list(exclude)


class SqliteEngine:
    @staticmethod
    def _phrase(word: str) -> str:
        return f'"{word}"'  # words are letters and digits only: nothing to escape

    def _match(self, scope: Scope, expression: str, limit: int, exclude: list[int]) -> list[Row]:
        excluded, excluded_params = _exclusion(exclude)
        sql = (
            f"SELECT {_COLUMNS} FROM {FTS} JOIN {TABLE} ON {TABLE}.id = {FTS}.rowid "  # noqa: S608
            f"WHERE {FTS} MATCH %s AND {scope.sql}{excluded} "
            f"ORDER BY {FTS}.rank, {TABLE}.title, {TABLE}.id LIMIT %s"
        )
        return _rows(sql, [expression, *scope.params, *excluded_params, limit])

    def prefix(self, scope: Scope, words: list[str], limit: int) -> list[Row]:
        expression = " AND ".join(f"{self._phrase(w)}*" for w in words)
        return self._match(scope, expression, limit, [])

    def near_misses(self, word: str) -> list[str]:
        """Indexed words within the edit bound of ``word``, same first letter, not prefixed
        by it (the prefix match already finds those)."""
        if len(word) < FUZZY_MIN_LENGTH:
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

    def fuzzy(self, scope: Scope, words: list[str], limit: int, exclude: list[int]) -> list[Row]:
        parts, has_variant = [], False
        for word in words:
            variants = self.near_misses(word)
            has_variant = has_variant or bool(variants)
            alternatives = [f"{self._phrase(word)}*", *map(self._phrase, variants)]
            parts.append("(" + " OR ".join(alternatives) + ")")
        if not has_variant:
            return []
        return self._match(scope, " AND ".join(parts), limit, exclude)


class PostgresEngine:
    VECTOR = f"{TABLE}.search_vector"

    @staticmethod
    def _tsquery(words: list[str]) -> str:
        return " & ".join(f"{w}:*" for w in words)

    def prefix(self, scope: Scope, words: list[str], limit: int) -> list[Row]:
        query = self._tsquery(words)
        sql = (
            f"SELECT {_COLUMNS} FROM {TABLE} "  # noqa: S608
            f"WHERE {scope.sql} AND {self.VECTOR} @@ to_tsquery('simple', %s) "
            f"ORDER BY ts_rank({self.VECTOR}, to_tsquery('simple', %s), 1) DESC, "
            f"{TABLE}.title, {TABLE}.id LIMIT %s"
        )
        return _rows(sql, [*scope.params, query, query, limit])

    def fuzzy(self, scope: Scope, words: list[str], limit: int, exclude: list[int]) -> list[Row]:
        long_words = [w for w in words if len(w) >= FUZZY_MIN_LENGTH]
        if not long_words:
            return []
        conditions: list[str] = []
        params: list[Any] = []
        for word in words:
            condition = f"{self.VECTOR} @@ to_tsquery('simple', %s)"
            params.append(f"{word}:*")
            if len(word) >= FUZZY_MIN_LENGTH:
                condition = f"({condition} OR %s <%% {TABLE}.content)"
                params.append(word)
            conditions.append(condition)
        similarity = " + ".join(f"word_similarity(%s, {TABLE}.content)" for _ in long_words)
        excluded, excluded_params = _exclusion(exclude)
        sql = (
            f"SELECT {_COLUMNS} FROM {TABLE} "  # noqa: S608
            f"WHERE {scope.sql} AND {' AND '.join(conditions)}{excluded} "
            f"ORDER BY {similarity} DESC, {TABLE}.title, {TABLE}.id LIMIT %s"
        )
        with transaction.atomic(), connection.cursor() as cursor:
            # The operator <% reads its threshold from this setting (0.6 by default, which
            # misses one letter dropped from a five-letter word); local to the transaction.
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
                [str(WORD_SIMILARITY_THRESHOLD)],
            )
            return _rows(sql, [*scope.params, *params, *excluded_params, *long_words, limit])


def current_engine() -> Engine:
    return PostgresEngine() if connection.vendor == "postgresql" else SqliteEngine()
