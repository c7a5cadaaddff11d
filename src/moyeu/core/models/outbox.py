"""The transactional outbox and the de-duplication record of its consumers."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from moyeu.core.ids import new_id


class OutboxEvent(models.Model):
    """A domain event, written in the same transaction as the change it describes.

    ``seq`` orders events; the dispatcher delivers pending events in seq order (so in order per
    record, since writers of one record are serialised by its row lock) and marks them
    dispatched only after every consumer accepted them: delivery is at least once, and
    consumers de-duplicate by ``id``.
    """

    seq = models.BigAutoField(primary_key=True)
    id = models.UUIDField(default=new_id, unique=True, editable=False)
    type = models.CharField(max_length=100, db_index=True)  # contact.created
    schema_version = models.PositiveSmallIntegerField(default=1)
    record_type = models.CharField(max_length=100)  # directory.contact
    record_id = models.UUIDField(null=True)
    payload = models.JSONField(default=dict)
    occurred_at = models.DateTimeField(default=timezone.now)
    actor_id = models.UUIDField(null=True)
    correlation_id = models.CharField(max_length=64)
    dispatched_at = models.DateTimeField(null=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(
                fields=["seq"],
                name="core_outbox_pending",
                condition=models.Q(dispatched_at__isnull=True),
            ),
            models.Index(fields=["record_id", "seq"], name="core_outbox_record"),
        ]

    def __str__(self) -> str:
        return f"{self.type} #{self.seq}"


class ProcessedEvent(models.Model):
    """An event a consumer has already applied: delivery is at least once, effects once.

    ``moyeu.core.outbox`` writes this row in the consumer's own transaction (consumers
    registered with ``dedupe=True``), so a redelivered event is recognised and skipped.
    Rows are pruned with the dispatched events they refer to.
    """

    id = models.BigAutoField(primary_key=True)
    consumer = models.CharField(max_length=100)
    event_id = models.UUIDField()
    processed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consumer", "event_id"], name="core_processed_event_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.consumer}: {self.event_id}"
