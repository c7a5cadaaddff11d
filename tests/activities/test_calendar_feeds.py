"""Calendar subscription links and their iCalendar feeds: content, access, revocation."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from moyeu.activities.models import Activity, CalendarFeed
from moyeu.activities.services import activity_complete, activity_create, activity_update
from moyeu.activities.services.calendar import calendar_feed_issue, calendar_feed_revoke
from moyeu.core.errors import NotFound, PermissionDenied
from moyeu.core.models import AuditEntry, OutboxEvent
from moyeu.directory.services import contact_create
from moyeu.identity.models import Membership
from tests.personas import Personas

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def _ref(personas: Personas, who: str = "owner") -> str:
    contact = contact_create(actor=personas.actor(who), values={"last_name": "Martin"})
    return f"directory.contact:{contact.pk}"


def _at(days: int, hour: int) -> datetime.datetime:
    base = timezone.now().astimezone(UTC).replace(hour=hour, minute=0, second=0, microsecond=0)
    return base + datetime.timedelta(days=days)


def _read(secret: str) -> tuple[int, Any]:
    """Read a feed as a calendar program does: no session."""
    response = Client().get(f"/activities/calendar/feed/{secret}.ics")
    if response.status_code != 200:
        return response.status_code, None
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return 200, Calendar.from_ical(response.content)


def _uids(cal: Any) -> list[str]:
    return sorted(str(c["UID"]) for c in cal.walk() if c.name in ("VEVENT", "VTODO"))


@pytest.fixture
def agenda(personas: Personas) -> dict[str, Activity]:
    owner = personas.actor("owner")
    ref = _ref(personas)
    meeting = activity_create(
        actor=owner,
        values={
            "kind": "meeting",
            "subject": "Revue du contrat",
            "occurred_at": _at(1, 9),
            "ends_at": _at(1, 10),
            "location": "Salle Garonne",
            "links": [ref],
            "attendees": [{"user": str(personas.teammate.pk)}],
        },
    )
    task = activity_create(
        actor=owner,
        values={
            "kind": "task",
            "subject": "Envoyer le devis",
            "due_at": _at(3, 16),
            "priority": "high",
            "links": [ref],
        },
    )
    old = activity_create(
        actor=owner,
        values={
            "kind": "meeting",
            "subject": "Trop ancienne",
            "occurred_at": _at(-120, 9),
            "links": [ref],
        },
    )
    far = activity_create(
        actor=owner,
        values={"kind": "task", "subject": "Trop loin", "due_at": _at(400, 9), "links": [ref]},
    )
    note = activity_create(actor=owner, values={"kind": "note", "subject": "Note", "links": [ref]})
    # Another team's meeting with the teammate invited: the teammate may not see it.
    foreign = activity_create(
        actor=personas.actor("outsider"),
        values={
            "kind": "meeting",
            "subject": "Support privé",
            "occurred_at": _at(2, 14),
            "links": [_ref(personas, "outsider")],
            "attendees": [{"user": str(personas.teammate.pk)}],
        },
    )
    return {
        "meeting": meeting,
        "task": task,
        "old": old,
        "far": far,
        "note": note,
        "foreign": foreign,
    }


def test_a_personal_feed_lists_meetings_and_dated_tasks_of_the_window_exactly(
    personas: Personas, agenda: dict[str, Activity]
) -> None:
    feed, secret = calendar_feed_issue(actor=personas.actor("owner"))
    status, cal = _read(secret)
    assert status == 200
    assert (str(cal["VERSION"]), str(cal["PRODID"]), str(cal["X-WR-CALNAME"])) == (
        "2.0",
        "-//Moyeu//Moyeu CRM//EN",
        "Moyeu — Owner",
    )
    meeting, task = agenda["meeting"], agenda["task"]
    assert _uids(cal) == sorted([str(meeting.pk), str(task.pk)])
    [event] = cal.walk("VEVENT")
    assert event.decoded("DTSTART") == _at(1, 9)
    assert event.decoded("DTEND") == _at(1, 10)
    assert str(event["SUMMARY"]) == "Revue du contrat"
    assert str(event["LOCATION"]) == "Salle Garonne"
    assert str(event["URL"]) == f"http://testserver/activities/activities/{meeting.pk}/"
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTAMP") == meeting.updated_at.replace(microsecond=0)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["ORGANIZER"]) == "mailto:owner@moyeu.test"
    attendee = event["ATTENDEE"]
    assert (str(attendee), str(attendee.params["CN"])) == ("mailto:teammate@moyeu.test", "Teammate")
    [todo] = cal.walk("VTODO")
    assert (str(todo["UID"]), str(todo["SUMMARY"])) == (str(task.pk), "Envoyer le devis")
    assert todo.decoded("DUE") == _at(3, 16)
    assert (str(todo["STATUS"]), todo["PRIORITY"]) == ("NEEDS-ACTION", 1)
    # The secret is not stored, only its SHA-256.
    stored = CalendarFeed.objects.get()
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert (stored.prefix, stored.scope, stored.team_id) == (secret[:8], "user", None)
    assert CalendarFeed.objects.get().last_used_at is not None
    assert feed.pk == stored.pk


def test_a_change_raises_the_sequence_and_completion_shows_on_the_todo(
    personas: Personas, agenda: dict[str, Activity]
) -> None:
    owner = personas.actor("owner")
    _, secret = calendar_feed_issue(actor=owner)
    activity_update(
        actor=owner, activity_id=agenda["meeting"].pk, values={"occurred_at": _at(1, 8)}
    )
    done = activity_complete(actor=owner, activity_id=agenda["task"].pk)
    _, cal = _read(secret)
    [event] = cal.walk("VEVENT")
    assert (event["SEQUENCE"], event.decoded("DTSTART")) == (2, _at(1, 8))
    [todo] = cal.walk("VTODO")
    assert (str(todo["STATUS"]), todo["SEQUENCE"]) == ("COMPLETED", 2)
    assert todo.decoded("COMPLETED") == done.completed_at.replace(microsecond=0)


def test_a_feed_shows_only_what_its_user_may_see(
    personas: Personas, agenda: dict[str, Activity]
) -> None:
    # The teammate attends the owner's meeting (seen) and the outsider's (not seen).
    _, mine = calendar_feed_issue(actor=personas.actor("teammate"))
    _, cal = _read(mine)
    assert _uids(cal) == [str(agenda["meeting"].pk)]
    # The team's feed: its members' meetings and tasks, as the subscriber sees them.
    _, team = calendar_feed_issue(actor=personas.actor("teammate"), team_id=personas.north.pk)
    _, cal = _read(team)
    assert _uids(cal) == sorted([str(agenda["meeting"].pk), str(agenda["task"].pk)])
    assert str(cal["X-WR-CALNAME"]) == "Moyeu — Ventes Nord"
    _, theirs = calendar_feed_issue(actor=personas.actor("outsider"))
    _, cal = _read(theirs)
    assert _uids(cal) == [str(agenda["foreign"].pk)]


def test_only_members_follow_a_team_and_a_member_who_leaves_loses_the_feed(
    personas: Personas, agenda: dict[str, Activity]
) -> None:
    with pytest.raises(PermissionDenied):
        calendar_feed_issue(actor=personas.actor("outsider"), team_id=personas.north.pk)
    _, secret = calendar_feed_issue(actor=personas.actor("teammate"), team_id=personas.north.pk)
    assert _read(secret)[0] == 200
    Membership.objects.filter(user=personas.teammate, team=personas.north).delete()
    assert _read(secret)[0] == 404
    _, own = calendar_feed_issue(actor=personas.actor("owner"))
    assert _read(own)[0] == 200
    personas.owner.is_active = False
    personas.owner.save()
    assert _read(own)[0] == 404


def test_a_new_link_revokes_the_old_and_a_revoked_or_unknown_link_is_not_found(
    personas: Personas, agenda: dict[str, Activity]
) -> None:
    owner = personas.actor("owner")
    first, old = calendar_feed_issue(actor=owner)
    second, new = calendar_feed_issue(actor=owner)
    assert old != new
    assert (_read(old)[0], _read(new)[0]) == (404, 200)
    assert _read("not-a-real-secret")[0] == 404
    with pytest.raises(NotFound):
        calendar_feed_revoke(actor=personas.actor("teammate"), feed_id=second.pk)
    assert _read(new)[0] == 200
    calendar_feed_revoke(actor=owner, feed_id=second.pk)
    assert _read(new)[0] == 404
    codes = list(
        AuditEntry.objects.filter(code__startswith="activities.calendar_feed")
        .order_by("occurred_at", "id")
        .values_list("code", flat=True)
    )
    assert codes == [
        "activities.calendar_feed.issued",
        "activities.calendar_feed.revoked",
        "activities.calendar_feed.issued",
        "activities.calendar_feed.revoked",
    ]
    assert [
        e.type for e in OutboxEvent.objects.filter(type__startswith="calendar_feed").order_by("id")
    ] == [
        "calendar_feed.issued",
        "calendar_feed.revoked",
        "calendar_feed.issued",
        "calendar_feed.revoked",
    ]
    assert not AuditEntry.objects.filter(data__icontains=new).exists()
    assert first.pk != second.pk


def test_the_links_page_shows_a_new_link_once_and_revokes_it(
    personas: Personas, agenda: dict[str, Activity]
) -> None:
    client = Client()
    client.force_login(personas.owner)
    client.cookies["django_language"] = "en"
    page = client.get("/activities/calendar/links/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "My calendar" in html and "Team Ventes Nord" in html and "Support" not in html
    made = client.post("/activities/calendar/links/new/", {"team": ""}, follow=True)
    html = made.content.decode()
    assert "Copy it now: it will not be shown again." in html
    start = html.index("http://testserver/activities/calendar/feed/")
    url = html[start : html.index('"', start)]
    secret = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert _read(secret)[0] == 200
    again = client.get("/activities/calendar/links/").content.decode()
    assert secret not in again and f"Link {secret[:8]}…" in again
    # A team one does not belong to, or a malformed one, is refused and nothing is made.
    refused = client.post(
        "/activities/calendar/links/new/", {"team": str(personas.support.pk)}, follow=True
    )
    assert "You can only follow the calendar of a team you belong to." in refused.content.decode()
    assert client.post("/activities/calendar/links/new/", {"team": "x"}).status_code == 404
    assert CalendarFeed.objects.count() == 1
    feed = CalendarFeed.objects.get()
    other = Client()
    other.force_login(personas.teammate)
    assert other.post(f"/activities/calendar/links/{feed.pk}/revoke/").status_code == 404
    assert client.post(f"/activities/calendar/links/{feed.pk}/revoke/").status_code == 302
    assert _read(secret)[0] == 404
    assert Client().get("/activities/calendar/links/").status_code == 302  # login first
