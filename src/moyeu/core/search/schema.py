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
POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE core_searchentry ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, content)) STORED",
    "CREATE INDEX IF NOT EXISTS core_search_entry_vector ON core_searchentry "
    "USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS core_search_entry_trigram ON core_searchentry "
    "USING gin (content gin_trgm_ops)",
]


def ensure_structures(using: str = "default", **_signal: Any) -> None:
    connection = connections[using]
    if "core_searchentry" not in connection.introspection.table_names():
        return
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
