"""Nothing is lost when the worker is SIGKILLed at random moments while delivering events.

Events are produced in rounds while a real ``moyeu worker`` delivers them; the worker is
killed with SIGKILL at a random moment of every round and restarted. The consumer below runs
in the worker process: it appends every delivery to a log file (outside any transaction, so
it sees redeliveries) and is de-duplicated by ``ProcessedEvent``. At the end every event has
been applied exactly once, every event is marked dispatched, and each record's events were
first seen in the order they were written.
"""

from __future__ import annotations

import os
import random
import signal
import time
import uuid
from collections import defaultdict
from pathlib import Path

import pytest
from django.db import transaction

from moyeu.core.models import OutboxEvent, ProcessedEvent
from moyeu.core.outbox.registry import consumer
from tests.core.test_worker_processes import Processes, processes, subprocess_env, wait_until

__all__ = ["processes"]  # the fixture, used below

pytestmark = pytest.mark.django_db(transaction=True)

LOG_VARIABLE = "MOYEU_TEST_DELIVERY_LOG"
CONSUMER = "tests.kill_ledger"
RECORDS = [uuid.UUID(int=(0x018F << 112) | (7 << 76) | n) for n in range(1, 11)]
ROUNDS = 5
PER_ROUND = 100


@consumer("kill.*", name=CONSUMER)
def ledger(event: OutboxEvent) -> None:
    """Runs in the worker subprocess: log the delivery, a little slowly."""
    path = os.environ.get(LOG_VARIABLE)
    if not path:
        return
    with Path(path).open("a") as log:
        log.write(f"{event.id} {event.record_id} {event.payload['n']}\n")
    time.sleep(0.002)


def produce(count: int, counters: dict[uuid.UUID, int], rng: random.Random) -> None:
    for start in range(0, count, 20):
        with transaction.atomic():
            for _ in range(min(20, count - start)):
                record = rng.choice(RECORDS)
                counters[record] += 1
                OutboxEvent.objects.create(
                    type="kill.tested",
                    record_type="tests.record",
                    record_id=record,
                    payload={"n": counters[record]},
                    correlation_id="kill-test",
                )


def test_sigkill_at_random_moments_loses_nothing(processes: Processes, tmp_path: Path) -> None:
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    log = tmp_path / "deliveries.log"
    env = subprocess_env(
        **{LOG_VARIABLE: str(log), "MOYEU_OUTBOX_LEASE_SECONDS": "2"},
    )
    args = ("worker", "--poll-interval", "0.1", "--import", "tests.core.test_outbox_kill")
    counters: dict[uuid.UUID, int] = defaultdict(int)
    kills = 0
    for _ in range(ROUNDS):
        worker = processes.start(*args, env=env)
        dispatched = OutboxEvent.objects.filter(dispatched_at__isnull=False).count()
        produce(PER_ROUND, counters, rng)
        # Kill while delivering: once this round's deliveries have begun, at a random moment.
        wait_until(
            lambda n=dispatched: (
                OutboxEvent.objects.filter(dispatched_at__isnull=False).count() > n
            ),
            60,
            "deliveries to begin",
        )
        time.sleep(rng.uniform(0.0, 0.4))
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        kills += 1
    worker = processes.start(*args, env=env)
    total = ROUNDS * PER_ROUND
    wait_until(
        lambda: not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists(),
        120,
        f"every event to be dispatched (seed {seed})",
    )
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=30) == 0

    ids = set(OutboxEvent.objects.values_list("id", flat=True))
    assert len(ids) == total
    applied = set(
        ProcessedEvent.objects.filter(consumer=CONSUMER).values_list("event_id", flat=True)
    )
    assert applied == ids, f"seed {seed}"
    deliveries = [line.split() for line in log.read_text().splitlines()]
    delivered_ids = [uuid.UUID(event_id) for event_id, _, _ in deliveries]
    assert set(delivered_ids) == ids, f"seed {seed}"
    first_seen: dict[str, list[int]] = defaultdict(list)
    seen: set[str] = set()
    for event_id, record_id, n in deliveries:
        if event_id not in seen:
            seen.add(event_id)
            first_seen[record_id].append(int(n))
    for record_id, numbers in first_seen.items():
        assert numbers == sorted(numbers), f"record {record_id} out of order (seed {seed})"
    # Shown with -s: how much redelivery the kills caused.
    print(
        f"seed={seed} kills={kills} events={total} deliveries={len(deliveries)} "
        f"redelivered={len(deliveries) - total}"
    )
