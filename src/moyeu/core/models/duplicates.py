"""The review queue of possible duplicates, the pairs people said are distinct, the scans,
and the merges (with what is needed to undo them exactly)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moyeu.core.ids import new_id


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("To review")
    DISMISSED = "dismissed", _("Not a duplicate")
    MERGED = "merged", _("Merged")


class DuplicateCandidate(models.Model):
    """Two records of one type that may be the same; ``first_id`` < ``second_id``."""

    id = models.BigAutoField(primary_key=True)
    record_type = models.CharField(max_length=64)  # "directory.contact"
    first_id = models.UUIDField()
    second_id = models.UUIDField()
    score = models.FloatField()
    level = models.CharField(max_length=10)  # certain | possible
    reasons = models.JSONField(default=list)  # [{field, score, weight, detail}]
    status = models.CharField(
        max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    found_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("possible duplicate")
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "first_id", "second_id"], name="core_duplicate_pair"
            )
        ]
        indexes = [
            models.Index(fields=["record_type", "status", "-score", "id"], name="core_dup_queue"),
            models.Index(fields=["second_id"], name="core_dup_second"),
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.first_id} ~ {self.second_id} ({self.score:.2f})"


class DuplicateDismissal(models.Model):
    """A pair someone said is not a duplicate: scans never propose it again."""

    id = models.BigAutoField(primary_key=True)
    record_type = models.CharField(max_length=64)
    first_id = models.UUIDField()
    second_id = models.UUIDField()
    dismissed_at = models.DateTimeField(default=timezone.now)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "first_id", "second_id"], name="core_dismissal_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.first_id} != {self.second_id}"


class DuplicateScan(models.Model):
    """One whole-base scan; ``next_block`` lets a retried job resume where it stopped."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    record_type = models.CharField(max_length=64)
    status = models.CharField(max_length=10, default="running")  # running | done | failed
    next_block = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    stats = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.record_type} scan {self.started_at:%Y-%m-%d %H:%M} ({self.status})"


class MergeRecord(models.Model):
    """A merge of ``losers`` into ``survivor_id``: every value, row and link it changed.

    ``data`` holds the survivor's values before, each loser's values, tags and external ids,
    and every row moved (model, pk, field, previous value) or removed; undo replays it
    backwards, only while nothing it touched changed since.
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    record_type = models.CharField(max_length=64)
    survivor_id = models.UUIDField(db_index=True)
    loser_ids = models.JSONField(default=list)
    data = models.JSONField(default=dict)
    survivor_version = models.PositiveIntegerField()  # the survivor's version after the merge
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    correlation_id = models.CharField(max_length=64)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("merge")

    def __str__(self) -> str:
        return f"{self.record_type} merge into {self.survivor_id}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None
