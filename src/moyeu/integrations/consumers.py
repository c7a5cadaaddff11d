"""Outbox consumers and periodic checks of the integrations module (imported by the worker).

- ``integrations.webhooks``: every event → one delivery per matching active subscription.
- ``integrations.amqp``: every event → the RabbitMQ exchange, when MOYEU_AMQP_URL is set.
- periodic: a send job is queued whenever deliveries are due (safety net behind the fan-out
  and the retry scheduling), and administrators are alerted when the outbox or the
  deliveries stall.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from moyeu.core.jobs import periodic
from moyeu.core.models import Job, JobStatus, OutboxEvent
from moyeu.core.outbox.registry import consumer
from moyeu.integrations import amqp
from moyeu.integrations.services import alerts, deliveries

WEBHOOKS_CONSUMER = "integrations.webhooks"
AMQP_CONSUMER = "integrations.amqp"


@consumer("*", name=WEBHOOKS_CONSUMER, batch=True)
def fan_out(events: list[OutboxEvent]) -> None:
    deliveries.fan_out(events)


if settings.MOYEU_AMQP_URL:
    consumer("*", name=AMQP_CONSUMER, batch=True, dedupe=False)(amqp.publish_events)


@periodic.every(5, name="integrations.webhooks.kick")
def kick_when_due() -> None:
    """Queue a send job if deliveries are due and no send job is waiting or running."""
    busy = Job.objects.filter(
        task_path=deliveries.SEND_TASK, status__in=[JobStatus.READY, JobStatus.RUNNING]
    )
    if busy.exists():
        return
    if deliveries.claimable(timezone.now()).exists():
        with transaction.atomic():
            deliveries.kick()


@periodic.every(60, name="integrations.watchdog")
def watchdog() -> None:
    """Alert administrators when events or deliveries wait longer than the stall limit."""
    now = timezone.now()
    limit = settings.MOYEU_WEBHOOK_STALL_SECONDS
    pending = OutboxEvent.objects.filter(dispatched_at__isnull=True).aggregate(
        oldest=Min("occurred_at")
    )["oldest"]
    with transaction.atomic():
        if pending is not None and (now - pending).total_seconds() > limit:
            backlog = OutboxEvent.objects.filter(dispatched_at__isnull=True).count()
            alerts.outbox_stalled((now - pending).total_seconds(), backlog)
        due = deliveries.claimable(now)
        oldest = due.aggregate(oldest=Min("due_at"))["oldest"]
        if oldest is not None and (now - oldest).total_seconds() > limit:
            alerts.deliveries_stalled((now - oldest).total_seconds(), due.count())
