"""Notices from any module: listed with the badge, e-mailed by the worker when asked."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from moyeu.activities.models import Notification
from moyeu.activities.services.notifications import notify, send_pending_emails
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db


def test_a_notice_is_listed_and_emailed_once_with_an_absolute_link(
    personas: Personas, settings: object
) -> None:
    settings.PUBLIC_URL = "https://crm.example.com"  # type: ignore[attr-defined]
    owner = personas.owner
    notice = notify(
        user=owner,
        title="Lead Dupont assigned to you",
        url="/sales/leads/42/",
        record_type="sales.lead",
        actor=personas.actor("admin"),
    )
    assert notice is not None
    assert (notice.title, notice.url, notice.email_wanted, notice.emailed_at) == (
        "Lead Dupont assigned to you",
        "/sales/leads/42/",
        True,
        None,
    )
    assert send_pending_emails() == 1
    assert [(m.subject, m.body, m.to) for m in mail.outbox] == [
        (
            "Lead Dupont assigned to you",
            "Lead Dupont assigned to you\n\nhttps://crm.example.com/sales/leads/42/",
            [owner.email],
        )
    ]
    assert send_pending_emails() == 0
    notice.refresh_from_db()
    assert notice.emailed_at is not None


def test_no_email_unless_asked_and_nothing_for_an_inactive_user(personas: Personas) -> None:
    admin = personas.actor("admin")
    assert notify(user=personas.owner, title="Quiet", email=False, actor=admin) is not None
    personas.outsider.is_active = False
    personas.outsider.save()
    assert notify(user=personas.outsider, title="Gone", actor=admin) is None
    assert send_pending_emails() == 0
    assert mail.outbox == []
    assert list(Notification.objects.values_list("title", flat=True)) == ["Quiet"]


def test_viewing_a_notice_marks_it_read_and_follows_its_link(personas: Personas) -> None:
    notice = notify(
        user=personas.owner, title="See this", url="/search/?q=x", actor=personas.actor("admin")
    )
    assert notice is not None
    foreign = notify(
        user=personas.owner, title="Elsewhere", url="//evil.example/", actor=personas.actor("admin")
    )
    assert foreign is not None
    client = Client()
    assert client.login(username=personas.owner.username, password=PASSWORD)
    listed = client.get("/activities/notifications/")
    assert b"See this" in listed.content
    answer = client.post(f"/activities/notifications/{notice.pk}/read/")
    assert (answer.status_code, answer["Location"]) == (302, "/search/?q=x")
    notice.refresh_from_db()
    assert notice.read_at is not None
    # A link to another site is never followed.
    answer = client.post(f"/activities/notifications/{foreign.pk}/read/")
    assert answer["Location"] == "/activities/notifications/"
