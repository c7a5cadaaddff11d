"""The engines' own structures beside ``core_searchentry``, invisible to the ORM.

Created after every ``migrate`` (and the test databases' ``--run-syncdb``) by
:func:`ensure_structures`, which is idempotent: one definition serves new installations,
upgrades and tests, and puts the SQLite triggers back if a migration ever rebuilds the table.
"""

from __future__ import annotations

from typing import Any

from django.db import connections

SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS core_searchentry_fts USING fts5(content, "
    "content='core_searchentry', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS core_searchentry_terms "
    "USING fts5vocab(core_searchentry_fts, 'row')",
    "CREATE TRIGGER IF NOT EXISTS core_searchentry_fts_insert AFTER INSERT ON core_searchentry "
    "BEGIN INSERT INTO core_searchentry_fts(rowid, content) VALUES (new.id, new.content); END",
    "CREATE TRIGGER IF NOT EXISTS core_searchentry_fts_delete AFTER DELETE ON core_searchentry "
    "BEGIN INSERT INTO core_searchentry_fts(core_searchentry_fts, rowid, content) "
    "VALUES ('delete', old.id, old.content); END",
    "CREATE TRIGGER IF NOT EXISTS core_searchentry_fts_update "
    "AFTER UPDATE OF content ON core_searchentry "
    "BEGIN INSERT INTO core_searchentry_fts(core_searchentry_fts, rowid, content) "
    "VALUES ('delete', old.id, old.content); "
    "INSERT INTO core_searchentry_fts(rowid, content) VALUES (new.id, new.content); END",
]
# The two GIN indexes of the text: prefixes (tsvector) and near-misses (trigrams).
TEXT_INDEXES = {
    "core_search_entry_vector": "USING gin (search_vector)",
    "core_search_entry_trigram": "USING gin (content gin_trgm_ops)",
}
POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE core_searchentry ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, content)) STORED",
    *(
        f"CREATE INDEX IF NOT EXISTS {name} ON core_searchentry {how}"
        for name, how in TEXT_INDEXES.items()
    ),
]


def ensure_structures(using: str = "default", **_signal: Any) -> None:
    connection = connections[using]
    if "core_searchentry" not in connection.introspection.table_names():
        return
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def drop_text_indexes(using: str = "default") -> None:
    """PostgreSQL: drop the GIN indexes before a full rebuild writes every row (building
    them once at the end is several times faster than keeping them row by row). Searches
    still answer meanwhile, by scanning the table."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name in TEXT_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


def text_indexes_present(using: str = "default") -> list[str]:
    """The valid GIN text indexes that exist (PostgreSQL), by name."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = ANY(%s) AND i.indisvalid ORDER BY c.relname",
            [list(TEXT_INDEXES)],
        )
        return [name for (name,) in cursor.fetchall()]


def create_text_indexes(using: str = "default") -> None:
    """PostgreSQL: build the GIN indexes that are missing (after a full rebuild, or one
    that stopped half-way). Outside a transaction they are built CONCURRENTLY, so record
    writes (which update the index table) go on meanwhile; an index left invalid by an
    interrupted build is dropped and built again."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    present = set(text_indexes_present(using))
    concurrently = "" if connection.in_atomic_block else "CONCURRENTLY "
    missing = [(name, how) for name, how in TEXT_INDEXES.items() if name not in present]
    if not missing:
        return
    with connection.cursor() as cursor:
        if not concurrently:
            # Inside a transaction (tests), deferred foreign-key checks must run first: an
            # index cannot be built on a table with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for name, how in missing:
            cursor.execute(f"DROP INDEX {concurrently}IF EXISTS {name}")
            cursor.execute(f"CREATE INDEX {concurrently}{name} ON core_searchentry {how}")
        if not concurrently:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
