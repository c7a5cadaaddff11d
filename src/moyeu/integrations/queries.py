"""Reads of the integrations module used in more than one place (API, pages)."""

from __future__ import annotations

import datetime
import re
import uuid
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from moyeu.core.context import Actor
from moyeu.core.errors import NotFound, PermissionDenied, ValidationFailed
from moyeu.core.models import OutboxEvent
from moyeu.identity.access import can_module
from moyeu.integrations.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from moyeu.integrations.services.webhooks import require_administrator

# Events show in the pull stream once this old, so that an event whose transaction commits
# late with a lower sequence number than its neighbours is not skipped by a reader's cursor.
STREAM_SETTLE = datetime.timedelta(seconds=2)


def subscriptions(actor: Actor) -> QuerySet[WebhookSubscription]:
    require_administrator(actor)
    return WebhookSubscription.objects.all()


def subscription(actor: Actor, subscription_id: uuid.UUID) -> WebhookSubscription:
    found = subscriptions(actor).filter(pk=subscription_id).first()
    if found is None:
        raise NotFound(_("No such webhook."))
    return found


def deliveries(
    actor: Actor, subscription_id: uuid.UUID, status: str | None = None
) -> QuerySet[WebhookDelivery]:
    found = subscription(actor, subscription_id)
    rows = WebhookDelivery.objects.filter(subscription=found).select_related("event")
    if status:
        if status not in DeliveryStatus.values:
            raise ValidationFailed(
                {"status": [_("One of: %(s)s.") % {"s": ", ".join(DeliveryStatus.values)}]}
            )
        rows = rows.filter(status=status)
    return rows


def delivery(actor: Actor, subscription_id: uuid.UUID, delivery_id: uuid.UUID) -> WebhookDelivery:
    found = deliveries(actor, subscription_id).filter(pk=delivery_id).first()
    if found is None:
        raise NotFound(_("No such delivery."))
    return found


def require_stream_reader(actor: Actor) -> None:
    """The stream carries every module's events: it needs the integrations view right."""
    if not can_module(actor, "integrations", "view"):
        raise PermissionDenied(_("Reading the event stream needs the integrations view right."))


def event_stream(
    actor: Actor, *, after: uuid.UUID | None, types: list[str], limit: int
) -> list[OutboxEvent]:
    """Committed events after ``after`` (an event id), oldest first, optionally by type."""
    require_stream_reader(actor)
    rows = OutboxEvent.objects.filter(occurred_at__lte=timezone.now() - STREAM_SETTLE)
    if after is not None:
        seq = OutboxEvent.objects.filter(id=after).values_list("seq", flat=True).first()
        if seq is None:
            raise ValidationFailed(
                {"after": [_("No such event (or it is older than the retention).")]}
            )
        rows = rows.filter(seq__gt=seq)
    if types:
        condition = Q()
        for pattern in types:
            if not re.match(r"^[a-z0-9_.*-]{1,100}$", pattern):
                raise ValidationFailed(
                    {"type": [_("Not an event type pattern: %(p)s") % {"p": pattern}]}
                )
            if "*" in pattern:
                regex = "^" + ".*".join(re.escape(part) for part in pattern.split("*")) + "$"
                condition |= Q(type__regex=regex)
            else:
                condition |= Q(type=pattern)
        rows = rows.filter(condition)
    return list(rows.order_by("seq")[:limit])


def delivery_counts(subscription_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, int]]:
    from django.db.models import Count

    counts: dict[uuid.UUID, dict[str, int]] = {
        pk: dict.fromkeys(DeliveryStatus.values, 0) for pk in subscription_ids
    }
    rows: Any = (
        WebhookDelivery.objects.filter(subscription_id__in=subscription_ids)
        .values("subscription_id", "status")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["subscription_id"]][row["status"]] = row["n"]
    return counts
