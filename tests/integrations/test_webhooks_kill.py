"""Every event reaches a de-duplicating receiver although the worker is SIGKILLed at random.

A real ``moyeu worker`` fans 10,000 outbox events out to a webhook on 127.0.0.1 and sends
them; it is killed with SIGKILL at a random moment several times while deliveries flow, and
restarted. The receiver (in this process) keeps every request and de-duplicates by
``webhook-id``. At the end every event was received, every delivery is marked delivered, and
each record's events were first received in the order they were written. SQLite runs a
quarter of the events, to stay within the suite's time.
"""

from __future__ import annotations

import random
import signal
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from moyeu.core.models import OutboxEvent
from moyeu.integrations.models import DeliveryStatus, WebhookDelivery
from moyeu.integrations.services import subscription_create
from tests.core.test_worker_processes import Processes, processes, subprocess_env, wait_until
from tests.integrations.receivers import running_receiver
from tests.personas import Personas

__all__ = ["processes"]

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("loopback_allowed")]

RECORDS = [uuid.UUID(int=(0x0191 << 112) | (7 << 76) | n) for n in range(1, 201)]
KILLS = 4


def produce(count: int) -> None:
    counters: dict[uuid.UUID, int] = defaultdict(int)
    rows = []
    for index in range(count):
        record = RECORDS[index % len(RECORDS)]
        counters[record] += 1
        rows.append(
            OutboxEvent(
                type="contact.updated",
                record_type="directory.contact",
                record_id=record,
                payload={"n": counters[record]},
                correlation_id="kill",
            )
        )
    OutboxEvent.objects.bulk_create(rows, batch_size=1000)


def test_sigkilled_worker_loses_no_webhook(
    processes: Processes, personas: Personas, tmp_path: Path
) -> None:
    total = 10_000 if connection.vendor == "postgresql" else 2_500
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    first_seen: dict[str, tuple[str, int]] = {}
    requests = [0]

    def dedupe(request: Any) -> tuple[int, dict[str, str], bytes]:
        requests[0] += 1
        body = request.envelope
        first_seen.setdefault(
            request.headers["webhook-id"], (body["record"]["id"], body["data"]["n"])
        )
        return 200, {}, b""

    with running_receiver(dedupe) as receiver:
        subscription_create(
            actor=personas.actor("admin"),
            values={"name": "Kill", "url": receiver.url, "event_types": ["contact.updated"]},
        )
        env = subprocess_env(
            MOYEU_OUTBOUND_ALLOWED_HOSTS="127.0.0.1",
            MOYEU_OUTBOX_LEASE_SECONDS="2",
            MOYEU_JOB_LEASE_SECONDS="3",
            MOYEU_WEBHOOK_LEASE_SECONDS="3",
            MOYEU_LOG_LEVEL="WARNING",
        )
        args = ("worker", "--poll-interval", "0.05")
        produce(total)
        started = time.monotonic()
        for _ in range(KILLS):
            worker = processes.start(*args, env=env)
            seen = len(first_seen)
            wait_until(lambda n=seen: len(first_seen) > n + 50, 60, f"deliveries (seed {seed})")
            time.sleep(rng.uniform(0.0, 1.0))
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
        worker = processes.start(*args, env=env)
        wait_until(
            lambda: len(first_seen) == total, 120, f"all {total} events received (seed {seed})"
        )
        wait_until(
            lambda: not WebhookDelivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists(),
            60,
            "every delivery marked delivered",
        )
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
        took = time.monotonic() - started
    ids = {
        str(i)
        for i in OutboxEvent.objects.filter(type="contact.updated").values_list("id", flat=True)
    }
    assert set(first_seen) == ids, f"seed {seed}"
    assert WebhookDelivery.objects.count() == total
    order: dict[str, list[int]] = defaultdict(list)
    for record, n in first_seen.values():
        order[record].append(n)
    for record, numbers in order.items():
        assert numbers == sorted(numbers), f"record {record} out of order (seed {seed})"
    print(
        f"seed={seed} events={total} requests={requests[0]} "
        f"redelivered={requests[0] - total} seconds={took:.1f}"
    )
