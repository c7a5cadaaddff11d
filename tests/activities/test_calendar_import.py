"""Importing an .ics file: events become meetings and to-dos tasks, idempotent by UID,
recurring events left out and named, bad files refused by line with nothing written."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from moyeu.activities.models import Activity, ActivityLink
from moyeu.activities.services import activity_create
from moyeu.activities.services.calendar_import import calendar_import
from moyeu.core.errors import ValidationFailed
from moyeu.core.models import AuditEntry
from moyeu.directory.services import contact_create
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def ics(*components: str) -> bytes:
    body = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//EN", *components])
    return (body + "\r\nEND:VCALENDAR\r\n").encode()


REVIEW = "\r\n".join(
    [
        "BEGIN:VEVENT",
        "UID:review-42@partner.example",
        "DTSTAMP:20261120T090000Z",
        "DTSTART:20261203T133000Z",
        "DTEND:20261203T143000Z",
        "SUMMARY:Revue trimestrielle",
        "LOCATION:Salle Rhône",
        "DESCRIPTION:Ordre du jour :\\n1. Chiffres",
        "ORGANIZER;CN=Partner:mailto:boss@partner.example",
        "ATTENDEE;CN=Anne Morel:mailto:ANNE@client.example",
        "ATTENDEE:mailto:teammate@moyeu.test",
        "ATTENDEE:mailto:stranger@elsewhere.example",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER:-PT15M",
        "END:VALARM",
        "END:VEVENT",
    ]
)
TODO = "\r\n".join(
    [
        "BEGIN:VTODO",
        "UID:todo-7@partner.example",
        "DTSTAMP:20261120T090000Z",
        "DUE:20261205T170000Z",
        "SUMMARY:Envoyer le devis",
        "PRIORITY:1",
        "STATUS:NEEDS-ACTION",
        "END:VTODO",
    ]
)
WEEKLY = "\r\n".join(
    [
        "BEGIN:VEVENT",
        "UID:weekly@partner.example",
        "DTSTAMP:20261120T090000Z",
        "DTSTART:20261201T080000Z",
        "RRULE:FREQ=WEEKLY;COUNT=10",
        "SUMMARY:Point hebdo",
        "END:VEVENT",
    ]
)


@pytest.fixture
def anne(personas: Personas) -> Any:
    return contact_create(
        actor=personas.actor("owner"),
        values={"first_name": "Anne", "last_name": "Morel", "email": "anne@client.example"},
    )


def test_events_and_todos_become_meetings_and_tasks(personas: Personas, anne: Any) -> None:
    result = calendar_import(actor=personas.actor("owner"), data=ics(REVIEW, TODO, WEEKLY))
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert result.skipped == ["VEVENT “Point hebdo” at line 29: a recurring event (not imported)"]
    meeting = Activity.objects.get(kind="meeting")
    assert (
        meeting.subject,
        meeting.occurred_at,
        meeting.ends_at,
        meeting.location,
        meeting.body,
        meeting.owner_id,
        meeting.status,
    ) == (
        "Revue trimestrielle",
        datetime.datetime(2026, 12, 3, 13, 30, tzinfo=datetime.UTC),
        datetime.datetime(2026, 12, 3, 14, 30, tzinfo=datetime.UTC),
        "Salle Rhône",
        "Ordre du jour :<br>1. Chiffres",
        personas.owner.pk,
        "open",
    )
    assert meeting.external_ids == {f"ical:{personas.owner.pk}": "review-42@partner.example"}
    assert [link.as_ref() for link in meeting.links.all()] == [f"directory.contact:{anne.pk}"]
    assert sorted(str(a.as_dict()) for a in meeting.attendees.all()) == sorted(
        [str({"record": f"directory.contact:{anne.pk}"}), str({"user": str(personas.teammate.pk)})]
    )
    task = Activity.objects.get(kind="task")
    assert (task.subject, task.due_at, task.priority, task.links.count()) == (
        "Envoyer le devis",
        datetime.datetime(2026, 12, 5, 17, tzinfo=datetime.UTC),
        "high",
        0,  # no contact attends a to-do: it stands alone
    )


def test_importing_again_updates_by_uid(personas: Personas, anne: Any) -> None:
    owner = personas.actor("owner")
    calendar_import(actor=owner, data=ics(REVIEW, TODO))
    again = calendar_import(actor=owner, data=ics(REVIEW, TODO))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Activity.objects.count() == 2
    moved = REVIEW.replace("DTSTART:20261203T133000Z", "DTSTART:20261203T140000Z").replace(
        "DTEND:20261203T143000Z", "DTEND:20261203T150000Z"
    )
    done = TODO.replace("STATUS:NEEDS-ACTION", "STATUS:COMPLETED")
    third = calendar_import(actor=owner, data=ics(moved, done))
    assert (third.created, third.updated, third.unchanged) == (0, 2, 0)
    meeting = Activity.objects.get(kind="meeting")
    assert meeting.occurred_at == datetime.datetime(2026, 12, 3, 14, tzinfo=datetime.UTC)
    assert ActivityLink.objects.get(activity=meeting).occurred_at == meeting.occurred_at
    assert Activity.objects.get(kind="task").status == "done"
    cancelled = moved.replace("SUMMARY:", "STATUS:CANCELLED\r\nSUMMARY:")
    calendar_import(actor=owner, data=ics(cancelled))
    assert Activity.objects.get(kind="meeting").status == "cancelled"
    # Another user importing the same invitation gets their own meeting.
    calendar_import(actor=personas.actor("teammate"), data=ics(REVIEW))
    assert Activity.objects.filter(kind="meeting").count() == 2


def test_a_moyeu_feed_imported_back_is_left_alone(personas: Personas, anne: Any) -> None:
    owner = personas.actor("owner")
    ours = activity_create(
        actor=owner,
        values={
            "kind": "meeting",
            "occurred_at": datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC),
            "links": [f"directory.contact:{anne.pk}"],
        },
    )
    echo = REVIEW.replace("UID:review-42@partner.example", f"UID:{ours.pk}")
    result = calendar_import(actor=owner, data=ics(echo))
    assert (result.created, result.skipped) == (
        0,
        ["VEVENT “Revue trimestrielle” at line 4: already in Moyeu"],
    )


@pytest.mark.parametrize(
    ("data", "messages"),
    [
        (b"hello", ["Line 1: an iCalendar file starts with BEGIN:VCALENDAR."]),
        (
            ics("BEGIN:VEVENT", "UID:x", "DTSTART:20261203T133000Z", "END:VTODO"),
            ["Line 7: END:VTODO closes BEGIN:VEVENT (line 4)."],
        ),
        (
            ics("BEGIN:VEVENT", "UID:x", "DTSTART:20261203T133000Z", "garbage here", "END:VEVENT"),
            ["Line 7: not a “NAME:value” line: garbage here"],
        ),
        (
            ics("BEGIN:VEVENT", "UID:x", "SUMMARY:Sans date", "DTSTART:2026-12-03", "END:VEVENT"),
            [
                "Line 7 (VEVENT “Sans date”, DTSTART): Expected datetime, date, or time. "
                "Got: '2026-12-03'"
            ],
        ),
        (
            ics("BEGIN:VEVENT", "SUMMARY:Orphelin", "DTSTART:20261203T133000Z", "END:VEVENT"),
            ["Line 4 (VEVENT “Orphelin”): no UID, so a new import could not update it."],
        ),
        (
            ics(
                "BEGIN:VEVENT",
                "UID:y",
                "SUMMARY:À l'envers",
                "DTSTART:20261203T133000Z",
                "DTEND:20261203T120000Z",
                "END:VEVENT",
            ),
            ["Line 8 (VEVENT “À l'envers”): DTEND is before DTSTART."],
        ),
        (b"BEGIN:VCALENDAR\r\nSUMMARY:\xff\xfe\r\n", ["Line 2: the file is not UTF-8 text."]),
    ],
)
def test_bad_files_name_the_line_and_change_nothing(
    personas: Personas, anne: Any, data: bytes, messages: list[str]
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        calendar_import(actor=personas.actor("owner"), data=data)
    assert caught.value.errors == {"file": messages}
    assert Activity.objects.count() == 0


def test_an_item_the_services_refuse_fails_the_whole_file(personas: Personas, anne: Any) -> None:
    bad_link = REVIEW.replace("LOCATION:", "URL:https://bad link\r\nLOCATION:")
    with pytest.raises(ValidationFailed) as caught:
        calendar_import(actor=personas.actor("owner"), data=ics(TODO, bad_link))
    assert caught.value.errors == {
        "file": ["VEVENT “Revue trimestrielle” at line 12: video_url: Enter a valid URL."]
    }
    # The to-do before it was written in the same transaction: gone with it.
    assert Activity.objects.count() == 0
    assert not AuditEntry.objects.filter(code="activities.activity.created").exists()


def test_the_calendar_page_imports_a_file(personas: Personas, anne: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    client.force_login(personas.owner)
    client.cookies["django_language"] = "en"
    upload = SimpleUploadedFile("agenda.ics", ics(REVIEW, WEEKLY), content_type="text/calendar")
    answer = client.post("/activities/calendar/import/", {"file": upload}, follow=True)
    page = answer.content.decode()
    assert "Imported. New: 1; updated: 0; unchanged: 0." in page
    assert "Left out: VEVENT “Point hebdo” at line 21: a recurring event (not imported)" in page
    bad = SimpleUploadedFile("bad.ics", b"nope", content_type="text/calendar")
    page = client.post("/activities/calendar/import/", {"file": bad}, follow=True)
    assert "Nothing was imported: the file has errors." in page.content.decode()
    assert "Line 1: an iCalendar file starts with BEGIN:VCALENDAR." in page.content.decode()
    assert Activity.objects.count() == 1
