"""The week and month calendar pages: placement by time, teams, htmx navigation, slots."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from moyeu.activities.services import activity_create
from moyeu.directory.services import contact_create
from tests.personas import Personas

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def week(personas: Personas) -> dict[str, object]:
    owner = personas.actor("owner")
    contact = contact_create(actor=owner, values={"last_name": "Martin"})
    ref = f"directory.contact:{contact.pk}"
    meeting = activity_create(
        actor=owner,
        values={
            "kind": "meeting",
            "subject": "Revue du contrat",
            "occurred_at": datetime.datetime(2026, 11, 26, 10, 0, tzinfo=PARIS),
            "ends_at": datetime.datetime(2026, 11, 26, 11, 30, tzinfo=PARIS),
            "links": [ref],
        },
    )
    task = activity_create(
        actor=owner,
        values={
            "kind": "task",
            "subject": "Envoyer le devis",
            "due_at": datetime.datetime(2026, 11, 27, 17, 0, tzinfo=PARIS),
            "links": [ref],
        },
    )
    later = activity_create(
        actor=owner,
        values={
            "kind": "meeting",
            "subject": "Point mensuel",
            "occurred_at": datetime.datetime(2026, 12, 8, 14, 0, tzinfo=PARIS),
            "links": [ref],
        },
    )
    return {"meeting": meeting, "task": task, "later": later}


def _cell(html: str, slot: str) -> str:
    """The week table's cell whose new-meeting link is at ``slot``."""
    end = html.index(f"occurred_at={slot}")
    return html[html.rindex('<td class="slot"', 0, end) : end]


def test_the_week_places_meetings_at_their_hour_and_tasks_on_their_day(
    personas: Personas, week: dict[str, object]
) -> None:
    page = _client(personas.owner).get("/activities/calendar/?date=2026-11-25")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-first="2026-11-23"' in html
    assert "23 Nov \u2013 29 Nov 2026" in html
    assert "Revue du contrat" in _cell(html, "2026-11-26T10:00")
    assert "10:00\u201311:30" in _cell(html, "2026-11-26T10:00")
    assert "Revue du contrat" not in _cell(html, "2026-11-26T11:00")
    assert html.count('title="Envoyer le devis"') == 1 and "Point mensuel" not in html
    tasks_row = html[html.index('class="calendar-tasks"') : html.index("<tbody>")]
    assert "Envoyer le devis" in tasks_row
    assert 'href="/activities/calendar/?view=week&amp;date=2026-11-18"' in html
    assert 'hx-get="/activities/calendar/?view=week&amp;date=2026-12-02"' in html


def test_the_month_grid_and_htmx_navigation(personas: Personas, week: dict[str, object]) -> None:
    client = _client(personas.owner)
    page = client.get("/activities/calendar/?view=month&date=2026-12-03")
    html = page.content.decode()
    assert "December 2026" in html and "Point mensuel" in html
    assert "Revue du contrat" not in html  # the grid starts on Monday 30 Nov
    assert html.count('class="out-of-month') == 4  # 30 Nov, 1 to 3 Jan
    fragment = client.get(
        "/activities/calendar/?view=month&date=2026-11-01", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in fragment and "November 2026" in fragment
    assert 'hx-get="/activities/calendar/?view=month&amp;date=2026-10-01"' in fragment


def test_team_calendars_follow_membership_and_record_access(
    personas: Personas, week: dict[str, object]
) -> None:
    north = f"/activities/calendar/?date=2026-11-25&team={personas.north.pk}"
    html = _client(personas.teammate).get(north).content.decode()
    assert "Calendar of Ventes Nord" in html and "Revue du contrat" in html
    assert "&amp;team=" in html
    assert _client(personas.outsider).get(north).status_code == 404
    own = _client(personas.outsider).get("/activities/calendar/?date=2026-11-25").content.decode()
    assert "Revue du contrat" not in own
    mine = _client(personas.teammate).get("/activities/calendar/?date=2026-11-25")
    assert "Revue du contrat" not in mine.content.decode()  # not theirs, not attending


def test_a_slot_opens_the_meeting_form_with_its_start(personas: Personas) -> None:
    form = _client(personas.owner).get(
        "/activities/activities/new/?kind=meeting&occurred_at=2026-11-26T10:00"
    )
    assert 'value="2026-11-26T10:00"' in form.content.decode()
    assert _client(personas.owner).get("/activities/calendar/?date=nonsense").status_code == 200
    assert Client().get("/activities/calendar/").status_code == 302


def test_the_calendar_pages_speak_french(personas: Personas, week: dict[str, object]) -> None:
    client = _client(personas.owner)
    client.cookies["django_language"] = "fr"
    html = client.get("/activities/calendar/?date=2026-11-25").content.decode()
    assert "Mon agenda" in html and "Semaine" in html and "Aujourd\u2019hui" in html
    assert "Revue du contrat" in html
    links = client.get("/activities/calendar/links/").content.decode()
    assert "Abonnements d\u2019agenda" in links and "Équipe Ventes Nord" in links


def test_moving_a_meeting_keeps_its_length_and_checks_the_version(
    personas: Personas, week: dict[str, object]
) -> None:
    from moyeu.activities.models import Activity
    from moyeu.core.models import AuditEntry

    meeting = week["meeting"]
    assert isinstance(meeting, Activity)
    url = f"/activities/calendar/{meeting.pk}/move/"
    client = _client(personas.owner)
    page = client.get("/activities/calendar/?date=2026-11-25").content.decode()
    assert f'data-move="{url}" data-version="1"' in page
    assert client.post(url, {"start": "2026-11-27T15:00", "version": "1"}).status_code == 204
    moved = Activity.objects.get(pk=meeting.pk)
    assert (moved.occurred_at, moved.ends_at, moved.version) == (
        datetime.datetime(2026, 11, 27, 15, 0, tzinfo=PARIS),
        datetime.datetime(2026, 11, 27, 16, 30, tzinfo=PARIS),
        2,
    )
    assert AuditEntry.objects.filter(
        object_id=meeting.pk, code="activities.activity.updated"
    ).exists()
    # The page showed version 1: someone else's change since is refused, nothing moves.
    stale = client.post(url, {"start": "2026-11-28T09:00", "version": "1"})
    assert (stale.status_code, stale.content.decode()) == (
        409,
        "Someone else changed this meeting; the calendar is reloaded.",
    )
    bad = client.post(url, {"start": "demain", "version": "2"})
    assert (bad.status_code, bad.content.decode()) == (
        422,
        "Give the new start as 2026-11-26T14:00.",
    )
    task = week["task"]
    assert isinstance(task, Activity)
    not_meeting = client.post(
        f"/activities/calendar/{task.pk}/move/", {"start": "2026-11-28T09:00", "version": "1"}
    )
    assert (not_meeting.status_code, not_meeting.content.decode()) == (
        422,
        "Only meetings are moved on the calendar.",
    )
    # A team-mate sees the meeting but may not change it; an outsider does not see it.
    denied = _client(personas.teammate).post(url, {"start": "2026-11-28T09:00"})
    assert denied.status_code == 403
    assert _client(personas.outsider).post(url, {"start": "2026-11-28T09:00"}).status_code == 404
    assert Activity.objects.get(pk=meeting.pk).version == 2


def test_a_moved_meeting_s_unsent_reminder_moves_with_it(personas: Personas) -> None:
    from moyeu.activities.services.calendar import meeting_move

    owner = personas.actor("owner")
    contact = contact_create(actor=owner, values={"last_name": "Roux"})
    meeting = activity_create(
        actor=owner,
        values={
            "kind": "meeting",
            "occurred_at": datetime.datetime(2026, 12, 1, 10, 0, tzinfo=PARIS),
            "reminder_at": datetime.datetime(2026, 12, 1, 9, 45, tzinfo=PARIS),
            "links": [f"directory.contact:{contact.pk}"],
        },
    )
    moved = meeting_move(
        actor=owner,
        activity_id=meeting.pk,
        starts_at=datetime.datetime(2026, 12, 2, 14, 0, tzinfo=PARIS),
        expected_version=1,
    )
    assert (moved.occurred_at, moved.ends_at, moved.reminder_at) == (
        datetime.datetime(2026, 12, 2, 14, 0, tzinfo=PARIS),
        None,
        datetime.datetime(2026, 12, 2, 13, 45, tzinfo=PARIS),
    )
