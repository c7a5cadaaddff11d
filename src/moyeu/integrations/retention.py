"""The events that webhook deliveries still need are kept past the outbox retention."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from moyeu.integrations.models import WebhookDelivery
from moyeu.integrations.models.webhooks import OPEN_STATUSES


def open_delivery_events() -> QuerySet[Any]:
    """Outbox ``seq`` values of deliveries still pending or retrying."""
    return WebhookDelivery.objects.filter(status__in=OPEN_STATUSES).values("event_id")
