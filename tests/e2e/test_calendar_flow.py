"""Plan a meeting from the calendar: the week grid, a slot's form, htmx navigation."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from moyeu.activities.models import Activity
from moyeu.activities.services import activity_create
from moyeu.directory.services import contact_create
from tests.e2e.test_activities_flow import _shot
from tests.personas import PASSWORD, make_personas

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_create_a_meeting_from_a_week_slot_and_browse_the_month(page: Any) -> None:
    personas = make_personas()
    owner = personas.actor("owner")
    contact = contact_create(actor=owner, values={"first_name": "Jeanne", "last_name": "Martin"})
    ref = f"directory.contact:{contact.pk}"
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    tz = timezone.get_current_timezone()
    activity_create(
        actor=owner,
        values={
            "kind": "meeting",
            "subject": "Revue du contrat",
            "occurred_at": datetime.datetime.combine(monday, datetime.time(9, 30), tz),
            "ends_at": datetime.datetime.combine(monday, datetime.time(10, 30), tz),
            "links": [ref],
        },
    )
    activity_create(
        actor=owner,
        values={
            "kind": "task",
            "subject": "Envoyer le devis",
            "due_at": datetime.datetime.combine(monday, datetime.time(17, 0), tz)
            + datetime.timedelta(days=2),
            "links": [ref],
        },
    )
    page.goto("/login/")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url("**/")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.url}])
    page.goto("/activities/calendar/")
    assert page.locator("h1").inner_text() == "My calendar"
    assert "Revue du contrat" in page.locator("table.calendar-week").inner_text()
    _shot(page, "calendar-week")

    thursday = monday + datetime.timedelta(days=3)
    slot = f"{thursday.isoformat()}T14:00"
    new = page.locator(f'a.slot-new[href$="occurred_at={slot}"]')
    page.locator(f'td.slot:has(a.slot-new[href$="occurred_at={slot}"])').hover()
    new.click()
    assert page.locator("#id_occurred_at").input_value() == slot
    page.get_by_label("Subject").fill("Démo chez Martin")
    page.locator("#id_ends_at").fill(f"{thursday.isoformat()}T15:00")
    page.get_by_label("Concerns").select_option(ref)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/activities/activities/*/")
    meeting = Activity.objects.get(subject="Démo chez Martin")
    assert timezone.localtime(meeting.occurred_at).replace(tzinfo=None) == datetime.datetime(
        thursday.year, thursday.month, thursday.day, 14, 0
    )

    page.goto("/activities/calendar/")
    cell = page.locator(f'td.slot:has(a.slot-new[href$="occurred_at={slot}"])')
    assert "14:00\u201315:00 Démo chez Martin" in cell.inner_text()
    # Drag the Monday meeting to Tuesday 11:00: it keeps its hour's length.
    tuesday = f"{(monday + datetime.timedelta(days=1)).isoformat()}T11:00"
    page.locator(".cal-item", has_text="Revue du contrat").drag_to(
        page.locator(f'td[data-slot="{tuesday}"]')
    )
    page.locator(f'td[data-slot="{tuesday}"] .cal-item', has_text="Revue du contrat").wait_for()
    assert "11:00\u201312:00" in page.locator(f'td[data-slot="{tuesday}"]').inner_text()
    moved = Activity.objects.get(subject="Revue du contrat")
    assert (timezone.localtime(moved.occurred_at).hour, moved.version) == (11, 2)
    page.get_by_role("link", name="Month").click()
    page.wait_for_url("**view=month**")
    assert today.strftime("%Y") in page.locator(".calendar-period").inner_text()
    assert page.locator("table.calendar-month").is_visible()
    _shot(page, "calendar-month")
    following = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    page.get_by_role("link", name="Next \u203a").click()
    page.wait_for_url(f"**date={following.isoformat()}**")
    assert following.strftime("%B") in page.locator(".calendar-period").inner_text()

    # Subscribe: the address is shown once, and read back without a session.
    page.get_by_role("link", name="Subscribe").click()
    page.locator("#calendar-links tr", has_text="My calendar").get_by_role(
        "button", name="Make a link"
    ).click()
    url = page.locator("input.feed-url").input_value()
    _shot(page, "calendar-links")
    assert "/activities/calendar/feed/" in url and url.endswith(".ics")
    body = page.context.request.get(url, headers={"Cookie": ""}).text()
    assert "SUMMARY:Démo chez Martin" in body and "BEGIN:VTODO" in body
