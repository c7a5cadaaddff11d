"""Webhook deliveries: created from the outbox, sent by worker jobs, retried, dead-lettered.

- **Fan-out** (:func:`fan_out`, the ``integrations.webhooks`` outbox consumer): one delivery
  per (event, matching active subscription), in the consumer's transaction, de-duplicated by
  a unique constraint; a send job is queued in the same transaction.
- **Claim** (:func:`claim_due`): a compare-and-set UPDATE gives due deliveries a lease; only
  the *head* of each (subscription, record) chain is claimable — a delivery waits while an
  earlier event of the same record is pending or retrying for that subscription, so each
  record's events arrive in order. Dead-lettered deliveries do not block their successors.
- **Send** (:func:`send_due`): claimed deliveries are signed (Standard Webhooks, re-signed on
  each attempt, same ``webhook-id``) and posted concurrently through the guarded client;
  every attempt is stored; a 2xx answer delivers, anything else schedules a retry
  (:func:`retry_delay`) until ``MOYEU_WEBHOOK_MAX_ATTEMPTS``, then the delivery is dead and
  administrators are alerted.

A sender killed mid-batch leaves claims whose lease lapses: those deliveries are sent again
(at least once; receivers de-duplicate by ``webhook-id``, the event id).
"""

from __future__ import annotations

import datetime
import logging
import random
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from moyeu.core.ids import new_id
from moyeu.core.models import Job, JobStatus, OutboxEvent
from moyeu.integrations.envelope import envelope_bytes
from moyeu.integrations.http import OutboundClient, OutboundError
from moyeu.integrations.matching import matches
from moyeu.integrations.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from moyeu.integrations.models.webhooks import OPEN_STATUSES
from moyeu.integrations.rows import insert_rows
from moyeu.integrations.services import alerts
from moyeu.integrations.services.webhooks import signing_secrets
from moyeu.integrations.signing import headers as signed_headers

logger = logging.getLogger(__name__)

SEND_TASK = "moyeu.integrations.tasks.send_webhooks"
MAX_STORED_RESPONSE = 4096
MAX_ERROR = 2000
Clock = Callable[[], datetime.datetime]


# --- schedule ---------------------------------------------------------------------------


def nominal_delay(failed_attempts: int) -> float:
    """Seconds before retry after ``failed_attempts`` failures: base * 3^(n-1), capped."""
    base = settings.MOYEU_WEBHOOK_RETRY_BASE_SECONDS
    cap = settings.MOYEU_WEBHOOK_RETRY_MAX_SECONDS
    if failed_attempts > 30:
        return float(cap)
    return float(min(cap, base * 3 ** (failed_attempts - 1)))


def retry_delay(failed_attempts: int, rand: Callable[[], float] = random.random) -> float:
    """The nominal delay with ±20 % jitter, so receivers that failed together are not
    stampeded when they come back."""
    return nominal_delay(failed_attempts) * (0.8 + 0.4 * rand())


def schedule() -> list[float]:
    """The published schedule: nominal seconds before each retry, attempt 2 onwards."""
    return [nominal_delay(n) for n in range(1, settings.MOYEU_WEBHOOK_MAX_ATTEMPTS)]


# --- fan-out (outbox consumer) ----------------------------------------------------------


DELIVERY_FIELDS = (
    "id",
    "subscription",
    "event",
    "event_type",
    "record_id",
    "status",
    "attempts",
    "due_at",
    "claimed_by",
    "created_at",
    "last_error",
    "replays",
)


def fan_out(events: list[OutboxEvent]) -> int:
    """Create the deliveries of ``events`` (inside the consumer's transaction)."""
    subscriptions = list(WebhookSubscription.objects.filter(is_active=True))
    now = timezone.now()
    rows = [
        (
            new_id(),
            subscription.pk,
            event.seq,
            event.type,
            event.record_id,
            DeliveryStatus.PENDING.value,
            0,
            event.occurred_at,
            "",
            now,
            "",
            0,
        )
        for event in events
        for subscription in subscriptions
        if matches(subscription.event_types, subscription.filter, event.type, event.payload)
    ]
    if rows:
        # A redelivered event finds its rows there already (unique event + subscription).
        insert_rows(WebhookDelivery, DELIVERY_FIELDS, rows, ignore_conflicts=True)
        kick()
    return len(rows)


def kick(run_after: datetime.datetime | None = None) -> None:
    """Make sure a send job is waiting (in the current transaction, if any)."""
    from moyeu.integrations.tasks import send_webhooks

    now = timezone.now()
    waiting = Job.objects.filter(task_path=SEND_TASK, status=JobStatus.READY)
    if run_after is None or run_after <= now:
        if waiting.filter(run_after__lte=now).exists():
            return
        send_webhooks.enqueue()
        return
    if waiting.filter(run_after__lte=run_after).exists():
        return
    send_webhooks.using(run_after=run_after).enqueue()


# --- claim ------------------------------------------------------------------------------


# The open statuses written as SQL literals, not parameters: only then can SQLite prove that
# a query's condition implies the partial indexes' (``status IN ('pending', 'retrying')``).
_OPEN_SQL = "status IN ('pending', 'retrying')"


def _is_open(table: str = "") -> Q:
    """``table`` qualifies the column; a subquery leaves it bare (its own table is nearest)."""
    column = f'"{table}".{_OPEN_SQL}' if table else _OPEN_SQL
    # A constant of this module, no input: safe.
    return Q(ExpressionWrapper(RawSQL(column, []), output_field=BooleanField()))  # noqa: S611


def claimable(now: datetime.datetime) -> Any:
    """Due chain heads: open deliveries with no earlier open delivery of their record."""
    earlier = WebhookDelivery.objects.filter(
        _is_open(),
        subscription_id=OuterRef("subscription_id"),
        record_id=OuterRef("record_id"),
        event_id__lt=OuterRef("event_id"),
    )
    return (
        WebhookDelivery.objects.filter(
            _is_open(WebhookDelivery._meta.db_table), due_at__lte=now, subscription__is_active=True
        )
        .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now))
        .exclude(Exists(earlier))
        # Oldest due first, read from the partial index of open deliveries. Order per record
        # does not depend on it: only a chain's head is ever claimable.
        .order_by("due_at")
    )


def claim_due(holder: str, limit: int, now: datetime.datetime) -> list[WebhookDelivery]:
    """Lease up to ``limit`` due chain heads to ``holder``; returns them, with event and
    subscription loaded."""
    lease = now + datetime.timedelta(seconds=settings.MOYEU_WEBHOOK_LEASE_SECONDS)
    with transaction.atomic():
        candidates = claimable(now)
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True, of=("self",))
        ids = list(candidates.values_list("id", flat=True)[:limit])
        if not ids:
            return []
        WebhookDelivery.objects.filter(pk__in=ids, status__in=OPEN_STATUSES).filter(
            Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now)
        ).update(claimed_by=holder, lease_expires_at=lease)
    return list(
        WebhookDelivery.objects.filter(pk__in=ids, claimed_by=holder, lease_expires_at=lease)
        .select_related("subscription", "event")
        .order_by("event_id")
    )


# --- send -------------------------------------------------------------------------------


@dataclass
class Outcome:
    delivery: WebhookDelivery
    attempt: WebhookAttempt
    success: bool
    status_code: int | None
    error: str


@dataclass
class SendReport:
    sent: int = 0
    delivered: int = 0
    failed: int = 0
    dead: int = 0
    more_due: bool = False
    latencies: list[float] = field(default_factory=list)  # commit → delivery, seconds


_client_lock = threading.Lock()
_client: OutboundClient | None = None
_executor: ThreadPoolExecutor | None = None


def default_client() -> OutboundClient:
    global _client
    with _client_lock:
        if _client is None:
            _client = OutboundClient(
                pool_size=settings.MOYEU_WEBHOOK_CONCURRENCY, user_agent="Moyeu-Webhooks/1"
            )
        return _client


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _client_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(
                settings.MOYEU_WEBHOOK_CONCURRENCY, thread_name_prefix="webhook"
            )
        return _executor


def _attempt(
    client: OutboundClient, delivery: WebhookDelivery, body: bytes, now: datetime.datetime
) -> Outcome:
    subscription = delivery.subscription
    message_id = str(delivery.event.id)
    request_headers = signed_headers(
        signing_secrets(subscription, now), message_id, int(now.timestamp()), body
    )
    attempt = WebhookAttempt(
        delivery=delivery,
        number=delivery.attempts + 1,
        started_at=now,
        url=subscription.url,
        request_headers=request_headers,
        request_body=body.decode(),
    )
    started = time.monotonic()
    try:
        response = client.request("POST", subscription.url, headers=request_headers, body=body)
    except OutboundError as exc:
        attempt.duration_ms = int((time.monotonic() - started) * 1000)
        attempt.error = str(exc)[:MAX_ERROR]
        return Outcome(delivery, attempt, False, None, attempt.error)
    attempt.duration_ms = int(response.elapsed * 1000)
    attempt.status_code = response.status
    attempt.response_headers = response.headers
    attempt.response_body = response.body[:MAX_STORED_RESPONSE].decode(errors="replace")
    attempt.response_truncated = response.truncated or len(response.body) > MAX_STORED_RESPONSE
    attempt.is_success = 200 <= response.status < 300
    error = "" if attempt.is_success else f"HTTP {response.status}"
    attempt.error = error
    return Outcome(delivery, attempt, attempt.is_success, response.status, error)


def send_batch(
    deliveries: list[WebhookDelivery], now: datetime.datetime, client: OutboundClient
) -> Callable[[], list[Outcome]]:
    """Start sending ``deliveries`` on the pool; returns a function waiting for the outcomes."""
    bodies: dict[int, bytes] = {}
    for delivery in deliveries:
        if delivery.event_id not in bodies:
            bodies[delivery.event_id] = envelope_bytes(delivery.event)
    futures = [_pool().submit(_attempt, client, d, bodies[d.event_id], now) for d in deliveries]
    return lambda: [future.result() for future in futures]


ATTEMPT_FIELDS = (
    "delivery_id",
    "number",
    "started_at",
    "duration_ms",
    "url",
    "request_headers",
    "request_body",
    "status_code",
    "response_headers",
    "response_body",
    "response_truncated",
    "error",
    "is_success",
)


def record_outcomes(
    outcomes: list[Outcome], holder: str, now: datetime.datetime, report: SendReport
) -> None:
    """Store attempts and move deliveries on, in one transaction; guarded by the claim."""
    finished = timezone.now()
    dead_by_subscription: dict[uuid.UUID, int] = defaultdict(int)
    stats: dict[uuid.UUID, list[bool]] = defaultdict(list)
    max_attempts = settings.MOYEU_WEBHOOK_MAX_ATTEMPTS
    with transaction.atomic():
        insert_rows(
            WebhookAttempt,
            ATTEMPT_FIELDS,
            ([getattr(o.attempt, f) for f in ATTEMPT_FIELDS] for o in outcomes),
        )
        delivered: dict[int | None, list[uuid.UUID]] = defaultdict(list)
        for outcome in outcomes:
            delivery = outcome.delivery
            stats[delivery.subscription_id].append(outcome.success)
            if outcome.success:
                delivered[outcome.status_code].append(delivery.pk)
                report.delivered += 1
                report.latencies.append((finished - delivery.event.occurred_at).total_seconds())
                continue
            attempts = delivery.attempts + 1
            common = {
                "attempts": attempts,
                "last_attempt_at": now,
                "last_status_code": outcome.status_code,
                "last_error": outcome.error,
                "claimed_by": "",
                "lease_expires_at": None,
            }
            mine = WebhookDelivery.objects.filter(pk=delivery.pk, claimed_by=holder)
            if attempts >= max_attempts:
                if mine.update(status=DeliveryStatus.DEAD, dead_at=now, **common):
                    dead_by_subscription[delivery.subscription_id] += 1
                    report.dead += 1
            else:
                due = now + datetime.timedelta(seconds=retry_delay(attempts))
                mine.update(status=DeliveryStatus.RETRYING, due_at=due, **common)
                report.failed += 1
        for status_code, ids in delivered.items():
            WebhookDelivery.objects.filter(pk__in=ids, claimed_by=holder).update(
                status=DeliveryStatus.DELIVERED,
                delivered_at=now,
                attempts=F("attempts") + 1,
                last_attempt_at=now,
                last_status_code=status_code,
                last_error="",
                claimed_by="",
                lease_expires_at=None,
            )
        for subscription_id, results in stats.items():
            _update_health(subscription_id, results, now)
        if dead_by_subscription:
            alerts.dead_letters(dict(dead_by_subscription), now)


def _update_health(subscription_id: uuid.UUID, results: list[bool], now: datetime.datetime) -> None:
    """Failures in a row, counted over this batch's results (in event order)."""
    rows = WebhookSubscription.objects.filter(pk=subscription_id)
    if True not in results:
        rows.update(
            consecutive_failures=F("consecutive_failures") + len(results), last_failure_at=now
        )
        return
    trailing = results[::-1].index(True)
    extra = {"last_failure_at": now} if False in results else {}
    rows.update(consecutive_failures=trailing, last_success_at=now, **extra)


def next_due_at(now: datetime.datetime) -> datetime.datetime | None:
    """When the next open delivery may be claimed: a future due time or a lapsing lease."""
    open_deliveries = WebhookDelivery.objects.filter(
        status__in=OPEN_STATUSES, subscription__is_active=True
    )
    due = (
        open_deliveries.filter(due_at__gt=now)
        .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now))
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )
    lease = (
        open_deliveries.filter(lease_expires_at__gt=now)
        .order_by("lease_expires_at")
        .values_list("lease_expires_at", flat=True)
        .first()
    )
    moments = [m for m in (due, lease) if m is not None]
    return min(moments) if moments else None


def send_due(
    *,
    holder: str,
    budget_seconds: float = 20.0,
    clock: Clock = timezone.now,
    client: OutboundClient | None = None,
    batch_size: int | None = None,
) -> SendReport:
    """Send due deliveries until none is due or the budget is spent; reschedule the rest."""
    client = client or default_client()
    batch_size = batch_size or settings.MOYEU_WEBHOOK_CONCURRENCY * 8
    report = SendReport()
    deadline = time.monotonic() + budget_seconds
    # Pipelined: batch k+1 is claimed and on the wire while batch k's outcomes are written.
    # Batch k+1 holds only chain heads, none of them a successor of batch k's deliveries
    # (those are still open until written), so order per record is kept.
    in_flight: tuple[Callable[[], list[Outcome]], datetime.datetime] | None = None
    while True:
        if time.monotonic() >= deadline:
            report.more_due = True
            batch: list[WebhookDelivery] = []
        else:
            now = clock()
            batch = claim_due(holder, batch_size, now)
        started = (send_batch(batch, now, client), now) if batch else None
        recorded = in_flight is not None
        if in_flight is not None:
            wait, sent_at = in_flight
            outcomes = wait()
            if not connection.in_atomic_block:
                close_old_connections()
            record_outcomes(outcomes, holder, sent_at, report)
            report.sent += len(outcomes)
        in_flight = started
        # Nothing claimed: stop, unless outcomes were just written (they may have made the
        # next events of their records claimable) and there is time left.
        if in_flight is None and (not recorded or report.more_due):
            break
    if report.more_due:
        kick()
    else:
        now = clock()
        due = next_due_at(now)
        if due is not None:
            # Jobs run on the real clock; a simulated one (tests) only shifts the delay.
            kick(run_after=timezone.now() + (due - now))
    return report
