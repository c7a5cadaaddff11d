"""Reminder e-mails through a real SMTP server on 127.0.0.1: what arrives, once, and the
crash between the server's acceptance and the "sent" mark (at least once, same Message-ID)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from moyeu.activities.models import Notification
from moyeu.activities.services import activity_create, reminders
from moyeu.activities.services.reminders import send_due_reminders
from moyeu.directory.services import contact_create
from tests.personas import Personas
from tests.smtp import Inbox

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 25, 9, 0, tzinfo=datetime.UTC)


def _meeting(personas: Personas) -> Any:
    contact = contact_create(actor=personas.actor("owner"), values={"last_name": "Martin"})
    return activity_create(
        actor=personas.actor("owner"),
        values={
            "kind": "meeting",
            "subject": "Visite Martin",
            "occurred_at": NOW + datetime.timedelta(hours=1),
            "location": "12 rue de la Paix, Lyon",
            "video_url": "https://visio.example/martin",
            "reminder_at": NOW,
            "links": [f"directory.contact:{contact.pk}"],
        },
    )


def test_the_reminder_reaches_the_smtp_server_once(personas: Personas, smtp: Inbox) -> None:
    _meeting(personas)
    assert send_due_reminders(NOW) == {"notified": 1, "emailed": 1}
    [received] = smtp.received
    notification = Notification.objects.get()
    assert (received.sender, received.recipients) == ("crm@moyeu.test", ["owner@moyeu.test"])
    message = received.message
    assert (message["Subject"], message["To"], message["From"]) == (
        "Rappel : Visite Martin (25/11/2026 11:00)",
        "owner@moyeu.test",
        "Moyeu <crm@moyeu.test>",
    )
    assert message["Message-ID"] == f"<reminder.{notification.pk}@moyeu.test>"
    assert message.get_content().replace("\r\n", "\n") == (
        "Rappel : Visite Martin (25/11/2026 11:00)\n"
        "12 rue de la Paix, Lyon\nhttps://visio.example/martin\n"
    )
    assert send_due_reminders(NOW + datetime.timedelta(hours=1)) == {"notified": 0, "emailed": 0}
    assert len(smtp.received) == 1


def test_a_crash_after_the_server_accepted_sends_the_same_message_again(
    personas: Personas, smtp: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    _meeting(personas)

    def crash(notification_id: Any) -> None:
        raise SystemExit("worker killed after the SMTP server said 250")

    monkeypatch.setattr(reminders, "mark_emailed", crash)
    with pytest.raises(SystemExit):
        send_due_reminders(NOW)
    monkeypatch.undo()
    notification = Notification.objects.get()
    assert (notification.emailed_at, len(smtp.received)) == (None, 1)
    # Another worker, at once: the first one's claim holds, nothing is sent twice meanwhile.
    assert send_due_reminders(NOW) == {"notified": 0, "emailed": 0}
    # Once the claim has expired, the reminder is sent again (at least once), same Message-ID.
    Notification.objects.update(email_claimed_until=NOW)
    assert send_due_reminders(NOW) == {"notified": 0, "emailed": 1}
    first, second = smtp.messages
    assert (
        first["Message-ID"] == second["Message-ID"] == (f"<reminder.{notification.pk}@moyeu.test>")
    )
    assert Notification.objects.get().emailed_at is not None


def test_a_refused_connection_is_recorded_and_retried(
    personas: Personas, smtp: Inbox, settings: Any
) -> None:
    _meeting(personas)
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens there
    with pytest.raises(ConnectionRefusedError):
        send_due_reminders(NOW)
    notification = Notification.objects.get()
    assert notification.emailed_at is None
    assert notification.email_claimed_until is None  # released at once for the retry
    assert "Connection refused" in notification.email_error
    settings.EMAIL_PORT = port
    assert send_due_reminders(NOW) == {"notified": 0, "emailed": 1}
    assert len(smtp.received) == 1
