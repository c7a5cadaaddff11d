"""The outbox dispatcher: committed events, in ``seq`` order, to every matching consumer.

Guarantees (see docs/decisions/0005-transactional-outbox.md):

- **After commit.** The dispatcher reads on its own connection, so it only ever sees events
  whose transaction committed; a rolled-back change leaves no event.
- **One dispatcher.** Each batch starts by taking or renewing the ``outbox-dispatcher`` lease,
  renewed again while the batch runs; a process that cannot hold it delivers nothing.
- **At least once, nothing lost.** ``dispatched_at`` is written only after every matching
  consumer accepted the event; a crash before that write means redelivery, never loss.
- **Order per record.** A failed event gets ``next_attempt_at`` (capped exponential backoff)
  and its record is blocked: later events of that record are not delivered until it passes.
  Events of other records keep flowing. Events of one record are serialised by the record's
  row lock when written, so their ``seq`` order is their commit order.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
import traceback
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Q, Subquery
from django.utils import timezone

from moyeu.core.context import action_context
from moyeu.core.jobs import leases
from moyeu.core.jobs.retry import outbox_retry_delay
from moyeu.core.models import OutboxEvent
from moyeu.core.outbox.registry import ConsumerRegistry, consumers

logger = logging.getLogger(__name__)

MAX_ERROR_CHARS = 20_000


@dataclass
class BatchReport:
    """What one batch did; ``held_lease`` is False when another dispatcher is active."""

    held_lease: bool = True
    delivered: int = 0
    failed: int = 0
    skipped: int = 0  # waiting behind a failed event of the same record

    @property
    def handled(self) -> int:
        return self.delivered + self.failed + self.skipped


def deliverable_events(limit: int) -> list[OutboxEvent]:
    """The next pending events that may be delivered now, in ``seq`` order.

    Records with an event waiting for its retry time are left out entirely, so a record that
    fails again and again cannot fill every batch and starve the others.
    """
    now = timezone.now()
    pending = OutboxEvent.objects.filter(dispatched_at__isnull=True)
    waiting_records = pending.filter(next_attempt_at__gt=now, record_id__isnull=False).values(
        "record_id"
    )
    return list(
        pending.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .exclude(record_id__in=Subquery(waiting_records))
        .order_by("seq")[:limit]
    )


class Dispatcher:
    """Delivers outbox events while holding the dispatcher lease as ``holder``."""

    def __init__(
        self,
        holder: str,
        *,
        registry: ConsumerRegistry = consumers,
        batch_size: int = 100,
        lease_seconds: float | None = None,
        stop_event: threading.Event | None = None,
    ) -> None:
        self.holder = holder
        self.registry = registry
        self.batch_size = batch_size
        self.lease_seconds = float(lease_seconds or settings.MOYEU_OUTBOX_LEASE_SECONDS)
        self.stop_event = stop_event or threading.Event()
        self._renewed_at = 0.0

    def run_batch(self) -> BatchReport:
        """Deliver up to ``batch_size`` events; the caller loops while batches are full."""
        if not self._hold_lease(force=True):
            return BatchReport(held_lease=False)
        report = BatchReport()
        blocked: set[object] = set()
        events = deliverable_events(self.batch_size)
        accepted = self._deliver_batches(events)
        done: list[int] = []
        try:
            for event in events:
                if self.stop_event.is_set() or not self._hold_lease():
                    break
                if event.record_id is not None and event.record_id in blocked:
                    report.skipped += 1
                    continue
                taken = accepted.get(event.pk, frozenset())
                if not any(c.name not in taken for c in self.registry.matching(event.type)):
                    # Every consumer took it in a batch: marked with the others below.
                    report.delivered += 1
                    done.append(event.pk)
                elif self.deliver(event, accepted=taken):
                    report.delivered += 1
                else:
                    report.failed += 1
                    if event.record_id is not None:
                        blocked.add(event.record_id)
        finally:
            # Events only batch consumers wanted: one UPDATE for them all (a crash before it
            # only means redelivery, de-duplicated). Others were marked one by one, as ever.
            if done:
                OutboxEvent.objects.filter(pk__in=done, dispatched_at__isnull=True).update(
                    dispatched_at=timezone.now(), attempts=F("attempts") + 1, next_attempt_at=None
                )
        return report

    def _deliver_batches(self, events: list[OutboxEvent]) -> dict[int, frozenset[str]]:
        """Hand the batch to ``batch`` consumers at once; event pk -> names that accepted it.

        A batch call that fails accepts nothing: those events go one by one through
        :meth:`deliver`, which isolates the bad event and blocks only its record.
        """
        accepted: dict[int, set[str]] = {}
        for item in self.registry:
            if not item.batch:
                continue
            mine = [e for e in events if item.matches(e.type)]
            if not mine:
                continue
            try:
                with action_context(channel="event"):
                    item.deliver_many(mine)
            except Exception as exc:
                logger.warning(
                    "outbox batch of %d events failed in consumer %s: %r; one by one instead",
                    len(mine),
                    item.name,
                    exc,
                )
                continue
            for e in mine:
                accepted.setdefault(e.pk, set()).add(item.name)
        return {pk: frozenset(names) for pk, names in accepted.items()}

    def release(self) -> None:
        """Give the lease up (graceful stop) so another process can take over at once."""
        leases.release(leases.OUTBOX_DISPATCHER, self.holder)

    def deliver(self, event: OutboxEvent, *, accepted: frozenset[str] = frozenset()) -> bool:
        """Hand ``event`` to every matching consumer; True when all of them accepted it.

        ``accepted`` names consumers that already took it in a batch.
        """
        errors: list[str] = []
        remaining = [c for c in self.registry.matching(event.type) if c.name not in accepted]
        if remaining:
            with action_context(correlation_id=event.correlation_id or None, channel="event"):
                for item in remaining:
                    try:
                        applied = item.deliver(event)
                    except Exception as exc:
                        logger.warning(
                            "outbox event %s (%s #%d) failed in consumer %s: %r",
                            event.id,
                            event.type,
                            event.seq,
                            item.name,
                            exc,
                        )
                        errors.append(f"[{item.name}] " + "".join(traceback.format_exception(exc)))
                    else:
                        if not applied:
                            logger.info(
                                "outbox event %s already applied by %s", event.id, item.name
                            )
        if not errors:
            OutboxEvent.objects.filter(pk=event.pk, dispatched_at__isnull=True).update(
                dispatched_at=timezone.now(), attempts=F("attempts") + 1, next_attempt_at=None
            )
            return True
        attempts = event.attempts + 1
        OutboxEvent.objects.filter(pk=event.pk, dispatched_at__isnull=True).update(
            attempts=attempts,
            next_attempt_at=timezone.now()
            + datetime.timedelta(seconds=outbox_retry_delay(attempts)),
            last_error="\n".join(errors)[-MAX_ERROR_CHARS:],
        )
        return False

    def _hold_lease(self, *, force: bool = False) -> bool:
        now = time.monotonic()
        if not force and now - self._renewed_at < self.lease_seconds / 3:
            return True
        if leases.acquire(leases.OUTBOX_DISPATCHER, self.holder, self.lease_seconds):
            self._renewed_at = now
            return True
        if not force:
            logger.warning("outbox dispatcher %s lost its lease mid-batch", self.holder)
        return False
