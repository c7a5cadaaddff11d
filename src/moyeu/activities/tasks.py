"""Task entry points of the activities module."""

from __future__ import annotations

from django_tasks import task

from moyeu.activities.services.invitations import send_pending_invitations
from moyeu.activities.services.reminders import send_due_reminders


@task(queue_name="default")
def send_reminders() -> dict[str, int]:
    """Send the reminders that are due (scheduled at each reminder's time)."""
    return send_due_reminders()


@task(queue_name="default")
def send_notification_emails() -> int:
    """E-mail the notices that asked for a copy (enqueued when one is written)."""
    from moyeu.activities.services.notifications import send_pending_emails

    return send_pending_emails()


@task(queue_name="default")
def send_invitations() -> dict[str, int]:
    """Send the meeting invitations and cancellations that are waiting."""
    return send_pending_invitations()
