"""A reminder reaches its owner: the badge in the top bar, the notification, my day."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from moyeu.activities.services import activity_create
from moyeu.activities.services.reminders import send_due_reminders
from moyeu.directory.services import contact_create
from tests.e2e.test_activities_flow import _shot
from tests.personas import PASSWORD, make_personas

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_reminder_shows_in_the_badge_and_my_day_lists_the_overdue_task(page: Any) -> None:
    personas = make_personas()
    owner = personas.actor("owner")
    contact = contact_create(actor=owner, values={"first_name": "Jeanne", "last_name": "Martin"})
    now = timezone.now()
    activity_create(
        actor=owner,
        values={
            "kind": "task",
            "subject": "Envoyer le devis",
            "due_at": now - datetime.timedelta(hours=3),
            "reminder_at": now - datetime.timedelta(hours=4),
            "links": [f"directory.contact:{contact.pk}"],
        },
    )
    activity_create(
        actor=owner,
        values={
            "kind": "meeting",
            "subject": "Démo chez Martin",
            "occurred_at": timezone.localtime(now).replace(hour=23, minute=0, second=0),
            "location": "Lyon",
            "links": [f"directory.contact:{contact.pk}"],
        },
    )
    assert send_due_reminders() == {"notified": 1, "emailed": 1}

    page.goto("/login/")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url("**/")
    # French, the owner's language.
    badge = page.locator("#notification-badge")
    assert badge.locator(".count").inner_text() == "1"
    badge.click()
    assert "Rappel : Envoyer le devis" in page.locator("section", has_text="Rappels").inner_text()
    _shot(page, "notifications-fr")
    page.get_by_role("button", name="Voir").click()
    assert page.locator("h1").inner_text() == "Envoyer le devis"
    assert page.locator("#notification-badge").inner_text() == "Notifications"

    page.get_by_role("navigation").get_by_role("link", name="Ma journée").click()
    assert (
        "Démo chez Martin" in page.locator("section", has_text="Rendez-vous du jour").inner_text()
    )
    assert "En retard depuis" in page.locator("#overdue-tasks").inner_text()
    _shot(page, "my-day-fr")
