"""Reminders: scheduled with the worker, one notification and one e-mail per reminder."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client
from django.utils import timezone

from moyeu.activities.models import Activity, Notification
from moyeu.activities.services import activity_complete, activity_create, activity_update
from moyeu.activities.services.reminders import notification_mark_read, send_due_reminders
from moyeu.core.errors import NotFound
from moyeu.core.models import AuditEntry, Job, OutboxEvent
from moyeu.directory.services import contact_create
from tests.personas import Personas

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 25, 9, 0, tzinfo=datetime.UTC)


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages: Any) -> int:
        raise ConnectionRefusedError("SMTP server down")


def _task(personas: Personas, reminder: datetime.datetime, who: str = "owner") -> Activity:
    contact = contact_create(actor=personas.actor(who), values={"last_name": "Martin"})
    return activity_create(
        actor=personas.actor(who),
        values={
            "kind": "task",
            "subject": "Rappeler Martin",
            "due_at": NOW + datetime.timedelta(hours=2),
            "reminder_at": reminder,
            "links": [f"directory.contact:{contact.pk}"],
        },
    )


def test_setting_a_reminder_schedules_the_worker_at_its_time(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        task = _task(personas, NOW)
    job = Job.objects.get()
    assert (job.task_path, job.run_after) == ("moyeu.activities.tasks.send_reminders", NOW)
    with django_capture_on_commit_callbacks(execute=True):
        activity_update(
            actor=personas.actor("owner"),
            activity_id=task.pk,
            values={"reminder_at": NOW + datetime.timedelta(hours=1)},
        )
    assert sorted(Job.objects.values_list("run_after", flat=True)) == [
        NOW,
        NOW + datetime.timedelta(hours=1),
    ]


def test_a_due_reminder_notifies_and_emails_its_owner_once(personas: Personas) -> None:
    task = _task(personas, NOW)
    assert send_due_reminders(NOW - datetime.timedelta(minutes=1)) == {"notified": 0, "emailed": 0}
    assert send_due_reminders(NOW) == {"notified": 1, "emailed": 1}
    notification = Notification.objects.get()
    assert (notification.user_id, notification.activity_id, notification.title) == (
        personas.owner.pk,
        task.pk,
        "Rappel : Rappeler Martin (25/11/2026 12:00)",
    )
    assert notification.emailed_at is not None
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("Rappel : Rappeler Martin (25/11/2026 12:00)", ["owner@moyeu.test"])
    ]
    assert AuditEntry.objects.filter(code="activities.activity.reminder_sent").count() == 1
    assert OutboxEvent.objects.filter(type="activity.reminder_sent").count() == 1
    # The next runs (another worker, a retry) send nothing again.
    assert send_due_reminders(NOW + datetime.timedelta(hours=1)) == {"notified": 0, "emailed": 0}
    assert (Notification.objects.count(), len(mail.outbox)) == (1, 1)


def test_a_moved_reminder_is_due_again_and_a_done_task_is_not_reminded(
    personas: Personas,
) -> None:
    task = _task(personas, NOW)
    send_due_reminders(NOW)
    later = NOW + datetime.timedelta(days=1)
    activity_update(
        actor=personas.actor("owner"), activity_id=task.pk, values={"reminder_at": later}
    )
    assert send_due_reminders(later) == {"notified": 1, "emailed": 1}
    other = _task(personas, NOW)
    activity_complete(actor=personas.actor("owner"), activity_id=other.pk)
    assert send_due_reminders(later) == {"notified": 0, "emailed": 0}
    assert Notification.objects.filter(activity=other).count() == 0


def test_a_failed_email_is_retried_by_the_next_run_not_the_notification(
    personas: Personas, settings: Any
) -> None:
    _task(personas, NOW)
    settings.EMAIL_BACKEND = "tests.activities.test_reminders.FailingBackend"
    with pytest.raises(ConnectionRefusedError):
        send_due_reminders(NOW)
    notification = Notification.objects.get()
    assert (notification.emailed_at, notification.email_error) == (None, "SMTP server down")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_due_reminders(NOW) == {"notified": 0, "emailed": 1}
    assert len(mail.outbox) == 1 and Notification.objects.count() == 1


def test_the_badge_counts_unread_and_only_the_user_reads_their_own(
    personas: Personas,
) -> None:
    _task(personas, NOW)
    send_due_reminders(NOW)
    client = Client()
    client.force_login(personas.owner)
    client.cookies["django_language"] = "en"
    badge = client.get("/activities/notifications/badge/").content.decode()
    assert '<span class="count" aria-label="1 unread">1</span>' in badge
    notification = Notification.objects.get()
    with pytest.raises(NotFound):
        notification_mark_read(actor=personas.actor("teammate"), notification_id=notification.pk)
    opened = client.post(f"/activities/notifications/{notification.pk}/read/")
    assert opened.status_code == 302
    assert opened["Location"] == f"/activities/activities/{notification.activity_id}/"
    assert "count" not in client.get("/activities/notifications/badge/").content.decode()
    listing = client.get("/activities/notifications/").content.decode()
    assert "Rappel : Rappeler Martin" in listing  # in the owner's language


def test_overdue_tasks_are_listed_for_their_owner(personas: Personas) -> None:
    contact = contact_create(actor=personas.actor("owner"), values={"last_name": "Martin"})
    past = timezone.now() - datetime.timedelta(days=1)
    activity_create(
        actor=personas.actor("owner"),
        values={
            "kind": "task",
            "subject": "En retard",
            "due_at": past,
            "links": [f"directory.contact:{contact.pk}"],
        },
    )
    client = Client()
    client.force_login(personas.owner)
    assert "En retard" in client.get("/activities/notifications/").content.decode()
    client.force_login(personas.teammate)
    assert "En retard" not in client.get("/activities/notifications/").content.decode()
