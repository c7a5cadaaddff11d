"""Retention of the outbox: dispatched events and their de-duplication rows are pruned.

Undispatched events are never pruned, whatever their age: they are work still to do.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from moyeu.core.models import OutboxEvent, ProcessedEvent

CHUNK = 1000


def prune_outbox(days: int | None = None) -> tuple[int, int]:
    """Delete events dispatched more than ``days`` ago (default: the setting), in chunks.

    ``ProcessedEvent`` rows older than the same horizon go too: an event older than the
    horizon can no longer be redelivered, so its marker is no longer needed.
    Returns (events deleted, markers deleted).
    """
    days = settings.MOYEU_OUTBOX_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - datetime.timedelta(days=days)
    events = 0
    while True:
        chunk = list(
            OutboxEvent.objects.filter(dispatched_at__lt=cutoff)
            .order_by("seq")
            .values_list("seq", flat=True)[:CHUNK]
        )
        if not chunk:
            break
        events += OutboxEvent.objects.filter(seq__in=chunk).delete()[0]
    markers = 0
    while True:
        chunk = list(
            ProcessedEvent.objects.filter(processed_at__lt=cutoff).values_list("id", flat=True)[
                :CHUNK
            ]
        )
        if not chunk:
            break
        markers += ProcessedEvent.objects.filter(id__in=chunk).delete()[0]
    return events, markers
