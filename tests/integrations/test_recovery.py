"""A receiver down for an hour (simulated clock) gets everything after, in order per record;
a replay from an event id sends exactly the events from it on."""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from typing import Any

import pytest
from django.utils import timezone

from moyeu.core.models import OutboxEvent
from moyeu.core.outbox.dispatcher import Dispatcher
from moyeu.integrations.models import DeliveryStatus, WebhookDelivery
from moyeu.integrations.services import replay_from, subscription_create
from moyeu.integrations.services.deliveries import next_due_at, send_due
from tests.integrations.receivers import Received, running_receiver
from tests.personas import Personas

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("loopback_allowed")]

RECORDS = [uuid.UUID(int=(0x0190 << 112) | (7 << 76) | n) for n in range(1, 21)]


def produce(per_record: int) -> list[OutboxEvent]:
    rows = [
        OutboxEvent(
            type="contact.updated",
            record_type="directory.contact",
            record_id=record,
            payload={"n": n},
            correlation_id="recovery",
        )
        for n in range(1, per_record + 1)
        for record in RECORDS
    ]
    OutboxEvent.objects.bulk_create(rows)
    return list(OutboxEvent.objects.filter(type="contact.updated").order_by("seq"))


def test_a_receiver_down_for_an_hour_gets_everything_in_order_then_replay(
    personas: Personas,
) -> None:
    start = timezone.now()
    clock = [start]
    accepted: list[tuple[str, str, int]] = []

    def down_for_an_hour(request: Received) -> tuple[int, dict[str, str], bytes]:
        if clock[0] < start + datetime.timedelta(hours=1):
            return 503, {}, b"maintenance"
        body = request.envelope
        accepted.append((body["id"], body["record"]["id"], body["data"]["n"]))
        return 204, {}, b""

    with running_receiver(down_for_an_hour) as receiver:
        subscription, _ = subscription_create(
            actor=personas.actor("admin"),
            values={"name": "BI", "url": receiver.url, "event_types": ["contact.updated"]},
        )
        events = produce(per_record=5)
        while Dispatcher("t").run_batch().handled:
            pass
        rounds = 0
        while WebhookDelivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists():
            rounds += 1
            assert rounds < 500, "deliveries never finished"
            send_due(holder="t", clock=lambda: clock[0], budget_seconds=60)
            due = next_due_at(clock[0])
            if due is not None and due > clock[0]:
                clock[0] = due
        assert clock[0] - start > datetime.timedelta(hours=1)
        assert sorted(a[0] for a in accepted) == sorted(str(e.id) for e in events)
        by_record: dict[str, list[int]] = defaultdict(list)
        for _id, record, n in accepted:
            by_record[record].append(n)
        assert by_record == {str(r): [1, 2, 3, 4, 5] for r in RECORDS}
        assert not WebhookDelivery.objects.filter(status=DeliveryStatus.DEAD).exists()
        failed_before = len(receiver.received) - len(accepted)
        assert failed_before >= len(RECORDS)  # each record's head failed at least once

        # Replay from the 37th event: exactly the events from it on, each once, in order.
        accepted.clear()
        pivot = events[36]
        count = replay_from(
            actor=personas.actor("admin"), subscription_id=subscription.pk, from_event=pivot.id
        )
        assert count == len(events) - 36
        for _ in range(50):
            if not WebhookDelivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists():
                break
            send_due(holder="t", clock=lambda: clock[0])
        expected = [str(e.id) for e in events[36:]]
        assert sorted(a[0] for a in accepted) == sorted(expected)
        assert len(accepted) == len(expected)
        replayed: dict[str, list[int]] = defaultdict(list)
        for _id, record, n in accepted:
            replayed[record].append(n)
        assert all(numbers == sorted(numbers) for numbers in replayed.values())
        assert set(WebhookDelivery.objects.values_list("replays", flat=True)) == {0, 1}


def test_replay_from_a_moment_creates_deliveries_for_a_new_subscription(
    personas: Personas, settings: Any
) -> None:
    events = produce(per_record=1)
    middle = events[10].occurred_at
    OutboxEvent.objects.filter(seq__in=[e.seq for e in events[:10]]).update(
        occurred_at=middle - datetime.timedelta(minutes=5)
    )
    with running_receiver() as receiver:
        subscription, _ = subscription_create(
            actor=personas.actor("admin"),
            values={"name": "Late", "url": receiver.url, "event_types": ["contact.*"]},
        )
        count = replay_from(
            actor=personas.actor("admin"), subscription_id=subscription.pk, since=middle
        )
        assert count == 10
        send_due(holder="t")
        assert sorted(receiver.ids()) == sorted(str(e.id) for e in events[10:])
