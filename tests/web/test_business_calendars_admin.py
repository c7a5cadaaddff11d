"""Admin pages of business calendars."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from moyeu.core.models import BusinessCalendar

pytestmark = pytest.mark.django_db

Login = Callable[..., Client]
FORM = {
    "name": "Support",
    "time_zone": "Europe/Paris",
    "holiday_country": "FR",
    "holiday_subdivision": "",
    "closed_dates": "2026-12-24\n\n2026-12-31\n",
    "day_0": "08:00-12:00, 13:00-19:00",
    "day_5": "09:00-12:00",
}


def test_admin_creates_edits_and_deletes_a_calendar(login: Login) -> None:
    client = login("admin")
    page = client.get("/identity/business-calendars/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Standard" in html  # the default calendar exists from the first visit
    assert 'href="/identity/business-calendars/"' in html  # the admin menu entry
    assert client.post("/identity/business-calendars/new/", FORM).status_code == 302
    calendar = BusinessCalendar.objects.get(name="Support")
    assert (calendar.working_hours, calendar.closed_dates, calendar.is_default) == (
        {"0": [["08:00", "12:00"], ["13:00", "19:00"]], "5": [["09:00", "12:00"]]},
        ["2026-12-24", "2026-12-31"],
        False,
    )
    edit = f"/identity/business-calendars/{calendar.pk}/"
    assert "08:00-12:00, 13:00-19:00" in client.get(edit).content.decode()
    refused = client.post(edit, FORM | {"day_0": "18:00-08:00", "time_zone": "Paris"})
    assert refused.status_code == 422
    text = refused.content.decode()
    assert "is not a time zone such as Europe/Paris." in text
    assert "Day 0: the span 18:00-08:00 ends before it starts." in text
    calendar.refresh_from_db()
    assert calendar.time_zone == "Europe/Paris"
    assert client.post(f"{edit}delete/").status_code == 302
    assert list(BusinessCalendar.objects.values_list("name", flat=True)) == ["Standard"]


def test_the_default_calendar_is_not_deleted_and_others_may_not_administer(
    login: Login,
) -> None:
    admin = login("admin")
    admin.get("/identity/business-calendars/")
    default = BusinessCalendar.objects.get(is_default=True)
    answer = admin.post(f"/identity/business-calendars/{default.pk}/delete/", follow=True)
    assert "The default calendar cannot be deleted" in answer.content.decode()
    assert BusinessCalendar.objects.count() == 1
    assert login("owner").get("/identity/business-calendars/").status_code == 403
