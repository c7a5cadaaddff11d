"""Meeting invitations to contacts: .ics e-mails (RFC 5545/5546) through a real SMTP server on
127.0.0.1, parsed back; updates raise the SEQUENCE, a cancellation sends METHOD:CANCEL."""

from __future__ import annotations

import datetime
from email.message import EmailMessage
from typing import Any

import pytest
from icalendar import Calendar

from moyeu.activities.models import MeetingInvitation
from moyeu.activities.services import activity_cancel, activity_create
from moyeu.activities.services.calendar import meeting_move
from moyeu.activities.services.invitations import meeting_invite, send_pending_invitations
from moyeu.core.errors import NotFound, PermissionDenied, ValidationFailed, VersionConflict
from moyeu.core.models import AuditEntry, Job, OutboxEvent
from moyeu.directory.services import contact_create
from tests.personas import Personas
from tests.smtp import Inbox

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 12, 3, 13, 30, tzinfo=datetime.UTC)


@pytest.fixture
def meeting(personas: Personas) -> Any:
    owner = personas.actor("owner")
    personas.owner.first_name, personas.owner.last_name = "Olivia", "Owen"
    personas.owner.save()
    anne = contact_create(
        actor=owner,
        values={"first_name": "Anne", "last_name": "Morel", "email": "anne@client.example"},
    )
    bruno = contact_create(
        actor=owner,
        values={"first_name": "Bruno", "last_name": "Petit", "email": "bruno@client.example"},
    )
    nomail = contact_create(actor=owner, values={"first_name": "Chloé", "last_name": "Roux"})
    return activity_create(
        actor=owner,
        values={
            "kind": "meeting",
            "subject": "Revue de contrat",
            "occurred_at": START,
            "ends_at": START + datetime.timedelta(hours=1),
            "location": "Salle Rhône",
            "links": [f"directory.contact:{anne.pk}"],
            "attendees": [
                {"record": f"directory.contact:{anne.pk}"},
                {"record": f"directory.contact:{bruno.pk}"},
                {"record": f"directory.contact:{nomail.pk}"},
                {"user": str(personas.teammate.pk)},
            ],
        },
    )


def ics_of(message: EmailMessage) -> tuple[str, Calendar]:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() in ("invite.ics", "cancel.ics")
    return part.get_param("method"), Calendar.from_ical(part.get_content())


def event_of(calendar: Calendar) -> Any:
    [event] = calendar.walk("VEVENT")
    return event


def attendees(event: Any) -> list[tuple[str, str]]:
    found = event.get("attendee")
    found = found if isinstance(found, list) else [found]
    return sorted((str(a), str(a.params.get("CN"))) for a in found)


def test_invitations_reach_each_contact_with_an_ics(
    personas: Personas, meeting: Any, smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sent = meeting_invite(actor=personas.actor("owner"), activity_id=meeting.pk)
    assert sorted(i.email for i in sent.invitations) == [
        "anne@client.example",
        "bruno@client.example",
    ]
    assert sent.without_address == ["Chloé Roux"]
    assert Job.objects.get().task_path == "moyeu.activities.tasks.send_invitations"
    assert len(smtp.received) == 0  # the worker sends them
    assert send_pending_invitations() == {"sent": 2}
    by_recipient = {r.recipients[0]: r for r in smtp.received}
    assert sorted(by_recipient) == ["anne@client.example", "bruno@client.example"]
    anne = by_recipient["anne@client.example"]
    assert anne.sender == "crm@moyeu.test"
    message = anne.message
    assert (message["To"], message["Reply-To"]) == (
        "Anne Morel <anne@client.example>",
        "owner@moyeu.test",
    )
    assert (
        message["Subject"].strip()
        == "Invitation : Revue de contrat (3 décembre 2026 14:30 – 15:30)"  # noqa: RUF001
    )
    row = MeetingInvitation.objects.get(email="anne@client.example")
    assert message["Message-ID"] == f"<invitation.{row.pk}@moyeu.test>"
    method, calendar = ics_of(message)
    assert (method, str(calendar["method"]), str(calendar["version"])) == (
        "REQUEST",
        "REQUEST",
        "2.0",
    )
    event = event_of(calendar)
    assert str(event["uid"]) == str(meeting.pk)
    assert int(event["sequence"]) == meeting.version == 1
    assert (event.decoded("dtstart"), event.decoded("dtend")) == (
        START,
        START + datetime.timedelta(hours=1),
    )
    assert (str(event["summary"]), str(event["location"]), str(event["status"])) == (
        "Revue de contrat",
        "Salle Rhône",
        "CONFIRMED",
    )
    organizer = event["organizer"]
    assert (str(organizer), str(organizer.params["CN"])) == (
        "mailto:owner@moyeu.test",
        "Olivia Owen",
    )
    assert attendees(event) == [
        ("mailto:anne@client.example", "Anne Morel"),
        ("mailto:bruno@client.example", "Bruno Petit"),
        ("mailto:teammate@moyeu.test", "Teammate"),
    ]
    assert {i.sent_at is not None for i in MeetingInvitation.objects.all()} == {True}
    entry = AuditEntry.objects.get(code="activities.activity.invited")
    assert entry.data == {
        "method": "REQUEST",
        "sequence": 1,
        "to": ["anne@client.example", "bruno@client.example"],
    }
    assert OutboxEvent.objects.filter(type="activity.invited").count() == 1
    assert send_pending_invitations() == {"sent": 0}


def test_a_change_then_a_cancellation_keep_the_uid_and_raise_the_sequence(
    personas: Personas, meeting: Any, smtp: Inbox
) -> None:
    owner = personas.actor("owner")
    meeting_invite(actor=owner, activity_id=meeting.pk)
    send_pending_invitations()
    moved = meeting_move(
        actor=owner, activity_id=meeting.pk, starts_at=START + datetime.timedelta(days=1)
    )
    meeting_invite(actor=owner, activity_id=meeting.pk, expected_version=moved.version)
    send_pending_invitations()
    cancelled = activity_cancel(actor=owner, activity_id=meeting.pk)
    assert send_pending_invitations() == {"sent": 2}
    rounds = [
        (ics_of(m)[0], int(event_of(ics_of(m)[1])["sequence"]), str(event_of(ics_of(m)[1])["uid"]))
        for m in smtp.messages
    ]
    uid = str(meeting.pk)
    assert (
        rounds
        == [("REQUEST", 1, uid)] * 2
        + [("REQUEST", 2, uid)] * 2
        + [("CANCEL", cancelled.version, uid)] * 2
    )
    assert cancelled.version == 3
    last = smtp.messages[-1]
    assert last["Subject"].strip().startswith("Annulée : Revue de contrat")
    event = event_of(ics_of(last)[1])
    assert str(event["status"]) == "CANCELLED"
    assert event.decoded("dtstart") == START + datetime.timedelta(days=1)
    # Who was invited when, on the meeting: 2 + 2 invitations, 2 cancellations.
    assert (
        sorted(MeetingInvitation.objects.values_list("method", "sequence").order_by())
        == [("CANCEL", 3)] * 2 + [("REQUEST", 1)] * 2 + [("REQUEST", 2)] * 2
    )
    with pytest.raises(ValidationFailed) as refused:
        meeting_invite(actor=owner, activity_id=meeting.pk)
    assert refused.value.errors == {"status": ["This meeting is cancelled: its guests were told."]}


def test_cancelling_before_the_worker_ran_sends_nothing(
    personas: Personas, meeting: Any, smtp: Inbox
) -> None:
    meeting_invite(actor=personas.actor("owner"), activity_id=meeting.pk)
    activity_cancel(actor=personas.actor("owner"), activity_id=meeting.pk)
    assert send_pending_invitations() == {"sent": 0}
    assert (MeetingInvitation.objects.count(), len(smtp.received)) == (0, 0)


def test_refusals_change_nothing(personas: Personas, meeting: Any) -> None:
    def refused(persona: str, **kwargs: Any) -> Any:
        with pytest.raises(
            (ValidationFailed, NotFound, PermissionDenied, VersionConflict)
        ) as caught:
            meeting_invite(actor=personas.actor(persona), activity_id=meeting.pk, **kwargs)
        return caught.value

    assert isinstance(refused("outsider"), NotFound)
    assert isinstance(refused("teammate"), PermissionDenied)  # sees it, may not change it
    assert isinstance(refused("owner", expected_version=7), VersionConflict)
    personas.owner.email = ""
    personas.owner.save()
    assert refused("owner").errors == {
        "owner": ["The meeting's owner needs an e-mail address to send invitations."]
    }
    assert MeetingInvitation.objects.count() == 0
    assert not AuditEntry.objects.filter(code="activities.activity.invited").exists()


def test_a_meeting_without_contacts_to_reach(personas: Personas) -> None:
    owner = personas.actor("owner")
    contact = contact_create(actor=owner, values={"last_name": "Sansmail"})
    base = {"kind": "meeting", "occurred_at": START, "links": [f"directory.contact:{contact.pk}"]}
    alone = activity_create(actor=owner, values=base)
    with pytest.raises(ValidationFailed) as caught:
        meeting_invite(actor=owner, activity_id=alone.pk)
    assert caught.value.errors == {"attendees": ["Add the contacts to invite as attendees first."]}
    unreachable = activity_create(
        actor=owner, values={**base, "attendees": [{"record": f"directory.contact:{contact.pk}"}]}
    )
    with pytest.raises(ValidationFailed) as caught:
        meeting_invite(actor=owner, activity_id=unreachable.pk)
    assert caught.value.errors == {"attendees": ["No contact attending has an e-mail address."]}
    call = activity_create(actor=owner, values={"kind": "call", "links": base["links"]})
    with pytest.raises(ValidationFailed) as caught:
        meeting_invite(actor=owner, activity_id=call.pk)
    assert caught.value.errors == {"kind": ["Only meetings have invitations."]}
