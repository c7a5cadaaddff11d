"""Replays: send again one delivery, every dead-lettered delivery of a subscription, or every
retained event of a subscription from a moment or from an event.

A replay puts deliveries back to *pending* (attempt count restarted, ``replays`` + 1) or
creates them for events the subscription never received (it did not exist yet, was inactive,
or its filter changed). The same ``webhook-id`` (the event id) is sent again: receivers that
already processed the event recognise it. Order per record holds as for live deliveries:
replayed events of a record go out in event order, before that record's later events.
"""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from moyeu.core.context import Actor
from moyeu.core.errors import NotFound, ValidationFailed
from moyeu.core.models import OutboxEvent
from moyeu.core.services import audit, events
from moyeu.integrations.matching import matches
from moyeu.integrations.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from moyeu.integrations.models.webhooks import OPEN_STATUSES
from moyeu.integrations.services.deliveries import kick
from moyeu.integrations.services.webhooks import RECORD_TYPE, require_administrator

CHUNK = 1000


def _reset_fields(now: datetime.datetime) -> dict[str, object]:
    return {
        "status": DeliveryStatus.PENDING,
        "attempts": 0,
        "due_at": now,
        "dead_at": None,
        "delivered_at": None,
        "claimed_by": "",
        "lease_expires_at": None,
        "replays": F("replays") + 1,
    }


def _record(
    subscription: WebhookSubscription, actor: Actor, scope: str, count: int, **details: str
) -> None:
    data = {"scope": scope, "deliveries": count, **details}
    audit.record(subscription, "integrations.webhook.replay_requested", actor, data=data)
    events.emit(
        "webhook.replay_requested",
        record_type=RECORD_TYPE,
        record=subscription,
        payload={"id": str(subscription.pk), **data},
        actor=actor,
    )
    transaction.on_commit(lambda: _kick_now())


def _kick_now() -> None:
    with transaction.atomic():
        kick()


def _subscription(subscription_id: uuid.UUID) -> WebhookSubscription:
    found = WebhookSubscription.objects.select_for_update().filter(pk=subscription_id).first()
    if found is None:
        raise NotFound(_("No such webhook."))
    return found


def delivery_replay(*, actor: Actor, delivery_id: uuid.UUID) -> WebhookDelivery:
    """Send one delivery again (delivered or dead-lettered); an open one is left as it is."""
    require_administrator(actor)
    now = timezone.now()
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None:
            raise NotFound(_("No such delivery."))
        if delivery.status in OPEN_STATUSES:
            return delivery
        WebhookDelivery.objects.filter(pk=delivery.pk).update(**_reset_fields(now))
        subscription = WebhookSubscription.objects.get(pk=delivery.subscription_id)
        _record(subscription, actor, "delivery", 1, delivery=str(delivery.pk))
    delivery.refresh_from_db()
    return delivery


def replay_dead_letters(*, actor: Actor, subscription_id: uuid.UUID) -> int:
    """Every dead-lettered delivery of the subscription back to pending; returns how many."""
    require_administrator(actor)
    now = timezone.now()
    with transaction.atomic():
        subscription = _subscription(subscription_id)
        count = WebhookDelivery.objects.filter(
            subscription=subscription, status=DeliveryStatus.DEAD
        ).update(**_reset_fields(now))
        if count:
            _record(subscription, actor, "dead_letters", count)
    return count


def replay_from(
    *,
    actor: Actor,
    subscription_id: uuid.UUID,
    since: datetime.datetime | None = None,
    from_event: uuid.UUID | None = None,
) -> int:
    """Every retained event the subscription wants, from ``since`` (occurred at or after) or
    from the event ``from_event`` (included), sent again in order; returns how many."""
    require_administrator(actor)
    if (since is None) == (from_event is None):
        raise ValidationFailed({"from": [_("Give either a moment or an event id.")]})
    start_seq = 0
    if from_event is not None:
        found = OutboxEvent.objects.filter(id=from_event).values_list("seq", flat=True).first()
        if found is None:
            raise ValidationFailed(
                {"from_event": [_("No such event (or it is older than the retention).")]}
            )
        start_seq = found
    now = timezone.now()
    count = 0
    with transaction.atomic():
        subscription = _subscription(subscription_id)
        stream = OutboxEvent.objects.filter(seq__gte=start_seq)
        if since is not None:
            stream = stream.filter(occurred_at__gte=since)
        last = start_seq - 1
        while True:
            chunk = list(stream.filter(seq__gt=last).order_by("seq")[:CHUNK])
            if not chunk:
                break
            last = chunk[-1].seq
            wanted = [
                e
                for e in chunk
                if matches(subscription.event_types, subscription.filter, e.type, e.payload)
            ]
            if not wanted:
                continue
            seqs = [e.seq for e in wanted]
            existing = set(
                WebhookDelivery.objects.filter(
                    subscription=subscription, event_id__in=seqs
                ).values_list("event_id", flat=True)
            )
            # Open deliveries will go out anyway: counted, left as they are.
            count += WebhookDelivery.objects.filter(
                subscription=subscription, event_id__in=existing, status__in=OPEN_STATUSES
            ).count()
            count += (
                WebhookDelivery.objects.filter(subscription=subscription, event_id__in=existing)
                .exclude(status__in=OPEN_STATUSES)
                .update(**_reset_fields(now))
            )
            fresh = [
                WebhookDelivery(
                    subscription=subscription,
                    event=e,
                    event_type=e.type,
                    record_id=e.record_id,
                    due_at=now,
                )
                for e in wanted
                if e.seq not in existing
            ]
            WebhookDelivery.objects.bulk_create(fresh, batch_size=500)
            count += len(fresh)
        details = {"since": since.isoformat()} if since else {"from_event": str(from_event)}
        _record(subscription, actor, "from", count, **details)
    return count
