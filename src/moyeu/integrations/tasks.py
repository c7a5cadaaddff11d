"""Task entry points of the integrations module: parse arguments, call a service."""

from __future__ import annotations

import secrets
from typing import Any

from django_tasks import task

from moyeu.integrations.services import deliveries
from moyeu.integrations.services.notify import alert_administrators


@task(queue_name="events")
def send_webhooks() -> dict[str, Any]:
    """Send the webhook deliveries that are due (queued by the outbox fan-out and retries)."""
    report = deliveries.send_due(holder=f"send:{secrets.token_hex(6)}")
    return {
        "sent": report.sent,
        "delivered": report.delivered,
        "failed": report.failed,
        "dead": report.dead,
    }


@task(queue_name="default")
def send_admin_alert(
    kind: str, subject_args: dict[str, str], body_args: dict[str, Any], url: str
) -> int:
    """E-mail (and notify in the app) every administrator; returns how many were told."""
    return alert_administrators(kind, subject_args, body_args, url)
