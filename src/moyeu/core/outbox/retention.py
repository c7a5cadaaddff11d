"""Retention of the outbox: dispatched events and their de-duplication rows are pruned.

Undispatched events are never pruned, whatever their age: they are work still to do. The
retention (``MOYEU_OUTBOX_RETENTION_DAYS``) is also the horizon of the event stream that
consumers can pull (``GET /api/v1/events``) and replay. A module whose own rows still need an
old event (a webhook delivery still being retried) registers a hold with :func:`hold`: events
it returns are kept past the horizon until it lets them go.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from moyeu.core.models import OutboxEvent, ProcessedEvent

CHUNK = 1000

# Functions returning a query of ``seq`` values (``.values("seq")``-like) to keep.
_holds: list[Callable[[], QuerySet[Any]]] = []


def hold(keep: Callable[[], QuerySet[Any]]) -> Callable[[], QuerySet[Any]]:
    """Register ``keep``: the outbox ``seq`` values it returns are never pruned."""
    if keep not in _holds:
        _holds.append(keep)
    return keep


def prune_outbox(days: int | None = None) -> tuple[int, int]:
    """Delete events dispatched more than ``days`` ago (default: the setting), in chunks.

    ``ProcessedEvent`` rows older than the same horizon go too: an event older than the
    horizon can no longer be redelivered, so its marker is no longer needed.
    Returns (events deleted, markers deleted).
    """
    days = settings.MOYEU_OUTBOX_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - datetime.timedelta(days=days)
    events = 0
    prunable = OutboxEvent.objects.filter(dispatched_at__lt=cutoff)
    for keep in _holds:
        prunable = prunable.exclude(seq__in=keep())
    while True:
        chunk = list(prunable.order_by("seq").values_list("seq", flat=True)[:CHUNK])
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
