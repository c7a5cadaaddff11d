"""Global search: the index (kept by the record services and bulk writers), two engines
(SQLite FTS5, PostgreSQL full text + trigram) behind :func:`moyeu.core.search.query.search`,
and the rebuild. Decision: docs/decisions/0016-global-search.md.
"""
