"""The search index: one row per searchable record, text normalised once, in Python.

The engine-specific structures (an FTS5 table on SQLite, a ``tsvector`` column and GIN indexes
on PostgreSQL) are built by migration 0006 beside this table and are invisible to the ORM;
:mod:`moyeu.core.search` reads and writes them. See docs/decisions/0016-global-search.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SearchEntry(models.Model):
    # An integer key: FTS5 addresses its rows by rowid.
    id = models.BigAutoField(primary_key=True)
    record_type = models.CharField(max_length=64)  # "directory.contact"
    record_id = models.UUIDField()
    # Copies of the record's owner and team, so that the access policy's filter (a Q on
    # owner_id / team_id) applies to the index rows inside the search query itself.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    team = models.ForeignKey(
        "identity.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=300)
    detail = models.CharField(max_length=300, blank=True)
    # Words of the searchable fields, accents removed, case folded, separated by one space.
    content = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "record_id"], name="core_search_entry_one_per_record"
            )
        ]
        indexes = [
            models.Index(fields=["owner"], name="core_search_entry_owner"),
            models.Index(fields=["team"], name="core_search_entry_team"),
        ]

    def __str__(self) -> str:
        return f"{self.record_type}:{self.record_id}"


class SearchRebuild(models.Model):
    """Where the rebuild of one record type's entries stands, so that it can resume."""

    record_type = models.CharField(max_length=64, unique=True)
    position = models.UUIDField(null=True, blank=True)  # last record id indexed
    indexed = models.PositiveBigIntegerField(default=0)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.record_type} at {self.position}"
