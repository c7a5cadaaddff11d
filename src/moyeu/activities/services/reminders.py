"""Reminders of tasks and meetings: an in-app notification and an e-mail, once each.

``send_due_reminders`` is what the worker runs (tasks.send_reminders, scheduled at each
reminder's time when it is set). It sends every reminder that is due and not yet sent, so a
worker that was down catches up at its next run. Each reminder is claimed with a
compare-and-set UPDATE (``reminder_sent_at`` from null to now) in the transaction that
creates its notification: two workers never both send it. The e-mail goes after that
commit; ``Notification.emailed_at`` records it, and a failed e-mail is retried by the next
run (the job fails and is retried with backoff), never a delivered one. Each e-mail is
claimed before it is sent (services/mailing.py: at least once, never by two workers at once).
"""

from __future__ import annotations

import datetime
import logging
import uuid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from moyeu.activities.models import Activity, Notification, Status
from moyeu.activities.services import mailing
from moyeu.core.context import Actor, action_context
from moyeu.core.errors import NotFound
from moyeu.core.services import audit, events

logger = logging.getLogger(__name__)
BATCH = 200


def schedule(activity: Activity) -> None:
    """Have the worker run the reminders at ``activity.reminder_at`` (after this commit)."""
    if activity.reminder_at is None or activity.reminder_sent_at is not None:
        return
    from moyeu.activities.tasks import send_reminders

    run_after = activity.reminder_at
    transaction.on_commit(lambda: send_reminders.using(run_after=run_after).enqueue())


def _title(activity: Activity) -> str:
    when = activity.due_at if activity.kind == "task" else activity.occurred_at
    subject = str(activity)
    if when is None:
        return _("Reminder: %(subject)s") % {"subject": subject}
    return _("Reminder: %(subject)s (%(when)s)") % {
        "subject": subject,
        "when": date_format(timezone.localtime(when), "SHORT_DATETIME_FORMAT"),
    }


def _claim(activity_id: uuid.UUID, now: datetime.datetime) -> Notification | None:
    """Mark one reminder sent and create its notification, or None if it was not due."""
    system = Actor.system("task")
    with transaction.atomic():
        claimed = Activity.objects.filter(
            pk=activity_id,
            reminder_sent_at__isnull=True,
            reminder_at__lte=now,
            status=Status.OPEN,
        ).update(reminder_sent_at=now)
        if not claimed:
            return None
        activity = Activity.objects.select_related("owner").get(pk=activity_id)
        if activity.owner is None or not activity.owner.is_active:
            return None
        language = getattr(activity.owner, "language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
            title = _title(activity)
        notification = Notification.objects.create(
            user=activity.owner,
            activity=activity,
            reminder_at=activity.reminder_at,
            title=title[:300],
        )
        audit.record(
            activity,
            "activities.activity.reminder_sent",
            system,
            data={"user": str(activity.owner_id), "reminder_at": activity.reminder_at},
        )
        events.emit(
            "activity.reminder_sent",
            record_type="activities.activity",
            record=activity,
            payload={"id": str(activity.pk), "user": str(activity.owner_id)},
            actor=system,
        )
    return notification


def _email(notification: Notification, now: datetime.datetime) -> bool:
    """Send the notification's e-mail if no other worker is; whether this one sent it."""
    if not mailing.claim(
        Notification,
        notification.pk,
        sent_field="emailed_at",
        claim_field="email_claimed_until",
        now=now,
    ):
        return False
    user = notification.user
    activity = notification.activity
    body = notification.title
    if activity is not None and activity.location:
        body += "\n" + activity.location
    if activity is not None and activity.video_url:
        body += "\n" + activity.video_url
    message = EmailMessage(
        subject=notification.title,
        body=body,
        to=[user.email],
        headers={"Message-ID": mailing.message_id("reminder", notification.pk)},
    )
    try:
        message.send()
    except Exception as exc:
        Notification.objects.filter(pk=notification.pk).update(
            email_error=str(exc)[:1000], email_claimed_until=None
        )
        raise
    mark_emailed(notification.pk)
    return True


def mark_emailed(notification_id: uuid.UUID) -> None:
    """The mail server accepted the reminder's e-mail."""
    Notification.objects.filter(pk=notification_id).update(
        emailed_at=timezone.now(), email_error="", email_claimed_until=None
    )


def send_due_reminders(now: datetime.datetime | None = None) -> dict[str, int]:
    """Send every due reminder not yet sent; e-mail every notification not yet e-mailed."""
    now = now or timezone.now()
    sent = 0
    with action_context(channel="task"):
        due = Activity.objects.filter(
            reminder_sent_at__isnull=True, reminder_at__isnull=False, reminder_at__lte=now
        ).values_list("pk", flat=True)
        for activity_id in list(due.order_by("reminder_at")[:BATCH]):
            if _claim(activity_id, now) is not None:
                sent += 1
        # Users without an address get the in-app notification only.
        pending = (
            Notification.objects.filter(emailed_at__isnull=True, activity__isnull=False)
            .exclude(user__email="")
            .select_related("user", "activity")
        )
        failed: Exception | None = None
        emailed = 0
        for notification in list(pending.order_by("created_at")[:BATCH]):
            try:
                emailed += _email(notification, timezone.now())
            except Exception as exc:  # one bad address must not hold back the others
                logger.warning("reminder e-mail %s failed: %s", notification.pk, exc)
                failed = exc
        if failed is not None:
            raise failed
    return {"notified": sent, "emailed": emailed}


def notification_mark_read(*, actor: Actor, notification_id: Any) -> Notification:
    """A user marks one of their own notifications read (others' are "not found")."""
    notification = Notification.objects.filter(pk=notification_id, user_id=actor.user_id).first()
    if notification is None:
        raise NotFound(_("No such notification."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor: Actor) -> int:
    return Notification.objects.filter(user_id=actor.user_id, read_at__isnull=True).update(
        read_at=timezone.now()
    )


__all__ = [
    "notification_mark_read",
    "notifications_mark_all_read",
    "schedule",
    "send_due_reminders",
]
